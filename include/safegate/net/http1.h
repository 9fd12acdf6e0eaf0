// HTTP/1.1 on the wire, for the client's built-in transport: plain http://
// URLs split into the parts a connection needs, request serialization, and an
// incremental response parser for untrusted bytes.
//
// ResponseParser takes the bytes of one response in pieces of any size and
// says when the response is complete. It understands status lines
// (HTTP/1.0 and 1.1), interim 1xx responses (skipped), headers (obs-fold
// rejected), bodies framed by Content-Length, by chunked transfer coding (with
// chunk extensions and trailers) or by the end of the connection, and bodies
// that cannot exist (204, 304, replies to HEAD). Limits: 64 KiB of status
// line and headers, `max_body` bytes of body (then too_large()). A parser
// never reads past the end of its response: Feed() reports how much it used,
// so bytes after it stay with the caller.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "safegate/base/status.h"
#include "safegate/net/http.h"

namespace safegate::net {

// A plain http:// URL: http://HOST[:PORT][/PATH][?QUERY]. No userinfo, no
// fragment (a "#..." is dropped, as clients do). HOST may be a bracketed IPv6
// literal.
struct PlainUrl {
  std::string host;  // without brackets
  int port = 80;
  std::string target;       // "/path?query", at least "/"
  std::string host_header;  // "host" or "host:port" as the Host header wants it
};
// Parses `url`; anything that is not a plain http:// URL is kInvalidArgument.
Result<PlainUrl> ParsePlainUrl(std::string_view url);

// Appends request `r` to `*out` in HTTP/1.1 form for `url`: request line,
// Host, the caller's headers, Content-Length (for any method but GET with an
// empty body), the body. Header names and values with CR or LF are the
// caller's bug and are rejected with kInvalidArgument.
Status SerializeRequest(const Request& r, const PlainUrl& url, std::string* out);

class ResponseParser {
 public:
  enum class State { kNeedMore, kDone, kError };

  explicit ResponseParser(size_t max_body = 64u << 20, bool head_request = false);

  // Starts over for the next response on the same connection.
  void Reset(size_t max_body, bool head_request);

  // Consumes a prefix of `data`: all of it while the response needs more,
  // up to the end of the response when it completes. `*used` says how much.
  State Feed(std::string_view data, size_t* used);
  // The connection ended: completes a body framed by the end of the
  // connection; any other unfinished response is an error.
  State Finish();

  State state() const { return state_; }
  // Any byte of a response seen (a connection that closes before this is
  // "closed without a response").
  bool started() const { return started_; }
  bool too_large() const { return too_large_; }
  const std::string& error() const { return error_; }
  // The connection may carry another request after this response.
  bool keep_alive() const { return keep_alive_; }
  Response& response() { return response_; }

 private:
  enum class Phase { kStatus, kHeaders, kBody, kChunkSize, kChunkData, kChunkEnd, kTrailers, kEnd };
  State Fail(std::string message);
  bool TakeLine(std::string_view data, size_t* pos, std::string_view* line, bool* complete);
  State StatusLine(std::string_view line);
  State HeaderLine(std::string_view line);
  State HeadersDone();
  State AppendBody(std::string_view bytes);

  size_t max_body_;
  bool head_request_;
  State state_ = State::kNeedMore;
  Phase phase_ = Phase::kStatus;
  bool started_ = false;
  bool too_large_ = false;
  bool keep_alive_ = true;
  bool http10_ = false;
  bool chunked_ = false;
  bool until_close_ = false;
  bool have_length_ = false;
  size_t remaining_ = 0;  // body or chunk bytes still to come
  size_t header_bytes_ = 0;
  std::string line_;  // a line split across Feed() calls
  std::string error_;
  Response response_;
};

}  // namespace safegate::net
