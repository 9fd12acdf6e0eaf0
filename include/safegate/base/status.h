// Status and Result<T>: how every safegate library reports failure.
//
// Library code never throws across its public surface, never calls exit() or
// abort(), and never prints. A function that can fail returns a Status (no
// value) or a Result<T> (a value or a Status). Messages name the input that was
// wrong: "FILE:LINE: field 'text': not a string". The CLI and the server turn
// a Status into an exit code or an HTTP error at the edge.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace safegate {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument,     // bad input: a file, a line, a field, a flag
  kNotFound,            // a file, a category, an id that does not exist
  kIoError,             // the operating system refused a read or a write
  kFailedPrecondition,  // the call order or the state is wrong
  kDataLoss,            // truncated or corrupt data (archives, saved matchers)
  kUnimplemented,
  kInternal,           // a bug in safegate or in a library it uses
  kUnavailable,        // a peer (HTTP endpoint, database) could not be reached; may be retried
  kDeadlineExceeded,   // a timeout expired
  kResourceExhausted,  // the machine ran out: disk full, file size limit (not the input's fault)
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid argument: FILE:3: ..." (or "ok").
  std::string ToString() const;

  // Returns a copy whose message is "prefix: message" (context added on the way up).
  Status WithPrefix(std::string_view prefix) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() {
  return Status();
}
Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
// Appends strerror(errno) when errno != 0; a full disk, quota or file size
// limit (ENOSPC, EDQUOT, EFBIG) gives kResourceExhausted instead of kIoError.
Status IoError(std::string message);
Status FailedPreconditionError(std::string message);
Status DataLossError(std::string message);
Status UnimplementedError(std::string message);
Status InternalError(std::string message);
Status UnavailableError(std::string message);
Status DeadlineExceededError(std::string message);

// "FILE:LINE: field 'FIELD': MESSAGE"; line 0 and an empty field are left out.
std::string AtLocation(std::string_view file, uint64_t line, std::string_view field,
                       std::string_view message);

// A value or an error. Accessing value() of an error Result is a bug (asserts).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: must not be ok

  bool ok() const { return v_.index() == 0; }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<1>(v_);
  }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace safegate

#define SAFEGATE_CONCAT_INNER_(a, b) a##b
#define SAFEGATE_CONCAT_(a, b) SAFEGATE_CONCAT_INNER_(a, b)

// Returns the Status of `expr` from the enclosing function when it is an error.
#define SAFEGATE_RETURN_IF_ERROR(expr)       \
  do {                                       \
    ::safegate::Status _sg_status = (expr);  \
    if (!_sg_status.ok()) return _sg_status; \
  } while (0)

// `lhs = value of expr`, or returns its Status from the enclosing function.
#define SAFEGATE_ASSIGN_OR_RETURN(lhs, expr) \
  SAFEGATE_ASSIGN_OR_RETURN_IMPL_(SAFEGATE_CONCAT_(_sg_result_, __LINE__), lhs, expr)
#define SAFEGATE_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.ok()) return tmp.status();                   \
  lhs = std::move(tmp).value()
