// Fuzzes the built-in HTTP client's parsers of untrusted input: the response
// parser (fed whole and cut in two at a point the input picks: both must give
// the same result) and the URL splitter with request serialization. Nothing
// may crash, leak or read out of bounds.
//
// Byte 0: which parser (even: response, odd: URL); byte 1: the cut point and
// the body limit. The rest is the input (capped at 64 KiB).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "safegate/net/http1.h"

namespace {

using safegate::net::ResponseParser;

struct Got {
  ResponseParser::State state = ResponseParser::State::kNeedMore;
  size_t used = 0;
  long status = 0;
  std::string body;
};

Got Run(std::string_view in, size_t cut, size_t max_body, bool head) {
  ResponseParser p(max_body, head);
  Got g;
  size_t used = 0;
  g.state = p.Feed(in.substr(0, cut), &used);
  g.used = used;
  if (g.state == ResponseParser::State::kNeedMore) {
    g.state = p.Feed(in.substr(cut), &used);
    g.used += used;
  }
  if (g.state == ResponseParser::State::kNeedMore) g.state = p.Finish();
  if (g.used > in.size()) __builtin_trap();
  g.status = p.response().status;
  g.body = p.response().body;
  if (g.body.size() > max_body) __builtin_trap();
  return g;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2 || size > (64u << 10)) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 2, size - 2);
  if (data[0] % 2 == 0) {
    size_t cut = in.empty() ? 0 : data[1] % (in.size() + 1);
    size_t max_body = (data[1] & 0x80) ? 16 : (1u << 20);
    bool head = (data[0] & 0x2) != 0;
    Got whole = Run(in, in.size(), max_body, head);
    Got split = Run(in, cut, max_body, head);
    // After an error, how much was used and what body was kept are moot.
    if (whole.state != split.state) __builtin_trap();
    if (whole.state == ResponseParser::State::kDone &&
        (whole.used != split.used || whole.status != split.status || whole.body != split.body)) {
      __builtin_trap();
    }
  } else {
    auto url = safegate::net::ParsePlainUrl(in);
    if (url.ok()) {
      safegate::net::Request r;
      r.url = std::string(in);
      r.body = "{}";
      std::string out;
      if (!safegate::net::SerializeRequest(r, *url, &out).ok()) __builtin_trap();
      // The request line holds no CR or LF before its end.
      if (out.find('\n') != out.find("\r\n") + 1) __builtin_trap();
    }
  }
  return 0;
}
