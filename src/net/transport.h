// The I/O half of net::Client: moves attempts over the wire, one event loop on
// the calling thread. Client keeps the policy (slots, retries, back-off, the
// rate limit) and drives a Transport. Two exist: libcurl's multi interface
// (any URL libcurl takes, proxies, TLS) and a built-in HTTP/1.1 client for
// plain http:// (epoll, keep-alive, far less work per request).
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/net/http.h"

namespace safegate::net::internal {

// A wait or timeout in seconds made safe to convert: NaN, infinite or more
// than a year is a year, a negative value 0 (a cast of 1e308 s to milliseconds
// or to a clock duration is undefined).
inline double CapSeconds(double seconds) {
  constexpr double kYear = 365.0 * 86400;
  if (!(seconds <= kYear)) return kYear;  // also NaN
  return seconds < 0 ? 0 : seconds;
}

// What became of one attempt.
struct Outcome {
  enum class Kind {
    kResponse,  // a whole response (any status)
    kTimeout,   // connect or whole-request timeout
    kFailed,    // transport failure (refused, reset, closed early, malformed reply)
    kTooLarge,  // the body passed request.max_body_bytes
    kInvalid,   // the request itself cannot be sent (not retried)
  };
  Kind kind = Kind::kResponse;
  Response response;   // kResponse
  std::string detail;  // kFailed / kInvalid: why
};

struct Finished {
  size_t slot;
  Outcome outcome;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Starts an attempt of `*request` for `slot` (< the slot count given at
  // creation; one attempt per slot at a time). `*request` must stay unchanged
  // until the attempt finishes.
  virtual void Start(size_t slot, const Request* request) = 0;
  // Moves the attempts along and appends those that finished to `*done`.
  // When none finished, waits up to `timeout_ms` for one, or for Wakeup().
  virtual void Drive(int timeout_ms, std::vector<Finished>* done) = 0;
  // Thread-safe: ends a Drive() wait early.
  virtual void Wakeup() = 0;
};

// A resolved socket address.
struct SocketAddress {
  sockaddr_storage addr{};
  socklen_t len = 0;
};
// Host name and port to the addresses to try, in order.
using Resolver =
    std::function<Result<std::vector<SocketAddress>>(const std::string& host, int port)>;

// A plain http:// URL and no proxy configured (http_proxy, all_proxy or
// ALL_PROXY set): the case the built-in transport takes in place of libcurl.
bool PlainWithoutProxy(std::string_view url);

// Both count received bytes into `*bytes_received` (owned by the caller).
Result<std::unique_ptr<Transport>> NewCurlTransport(size_t slots, uint64_t* bytes_received);
// `resolve` empty: getaddrinfo(). Tests pass their own.
Result<std::unique_ptr<Transport>> NewPlainTransport(size_t slots, uint64_t* bytes_received,
                                                     Resolver resolve = nullptr);

}  // namespace safegate::net::internal
