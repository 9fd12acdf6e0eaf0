// HTTP/1.1 framing: plain URLs, request serialization, and the response
// parser fed whole, byte by byte and split at every point.
#include "safegate/net/http1.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace safegate::net {
namespace {

TEST(ParsePlainUrl, SplitsHostPortAndTarget) {
  struct Case {
    const char* url;
    const char* host;
    int port;
    const char* target;
    const char* host_header;
  };
  for (const Case& c : std::vector<Case>{
           {"http://127.0.0.1:8080/v1/chat/completions", "127.0.0.1", 8080, "/v1/chat/completions",
            "127.0.0.1:8080"},
           {"http://localhost", "localhost", 80, "/", "localhost"},
           {"HTTP://Example.org/a?b=c#frag", "Example.org", 80, "/a?b=c", "Example.org"},
           {"http://h?q=1", "h", 80, "/?q=1", "h"},
           {"http://[::1]:9000/x", "::1", 9000, "/x", "[::1]:9000"},
           {"http://h:/x", "h", 80, "/x", "h"},
       }) {
    auto u = ParsePlainUrl(c.url);
    ASSERT_TRUE(u.ok()) << c.url << ": " << u.status().ToString();
    EXPECT_EQ(u->host, c.host) << c.url;
    EXPECT_EQ(u->port, c.port) << c.url;
    EXPECT_EQ(u->target, c.target) << c.url;
    EXPECT_EQ(u->host_header, c.host_header) << c.url;
  }
}

TEST(ParsePlainUrl, RejectsWhatItCannotSend) {
  for (const char* url : {"https://h/", "ftp://h/", "http://", "http://:80/", "http://h:0/",
                          "http://h:65536/", "http://h:8x/", "http://u:p@h/", "http://[::1/",
                          "http://h/a b", "http://h/\r\nX: y", "h/path"}) {
    auto u = ParsePlainUrl(url);
    ASSERT_FALSE(u.ok()) << url;
    EXPECT_EQ(u.status().code(), StatusCode::kInvalidArgument) << url;
  }
}

TEST(SerializeRequest, WritesRequestLineHostHeadersLengthAndBody) {
  Request r;
  r.url = "http://127.0.0.1:8080/v1/chat";
  r.headers = {{"Content-Type", "application/json"}, {"Expect", ""}, {"Content-Length", "99"}};
  r.body = "{\"a\":1}";
  std::string out;
  ASSERT_TRUE(SerializeRequest(r, ParsePlainUrl(r.url).value(), &out).ok());
  EXPECT_EQ(out,
            "POST /v1/chat HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\n"
            "Content-Length: 7\r\n\r\n{\"a\":1}");

  Request g;
  g.method = "GET";
  g.url = "http://h/health";
  g.headers = {{"Host", "other"}};
  out.clear();
  ASSERT_TRUE(SerializeRequest(g, ParsePlainUrl(g.url).value(), &out).ok());
  EXPECT_EQ(out, "GET /health HTTP/1.1\r\nHost: other\r\n\r\n");

  Request bad = r;
  bad.headers = {{"X-Injected", "a\r\nEvil: 1"}};
  EXPECT_FALSE(SerializeRequest(bad, ParsePlainUrl(r.url).value(), &out).ok());
  bad.headers = {{"Bad Name", "v"}};
  EXPECT_FALSE(SerializeRequest(bad, ParsePlainUrl(r.url).value(), &out).ok());
  bad = r;
  bad.method = "PO ST";
  EXPECT_FALSE(SerializeRequest(bad, ParsePlainUrl(r.url).value(), &out).ok());
}

struct Parsed {
  ResponseParser::State state = ResponseParser::State::kNeedMore;
  long status = 0;
  std::string body;
  std::vector<Header> headers;
  bool keep_alive = false;
  bool too_large = false;
  size_t used = 0;  // bytes of the input that belong to the response
};

// Feeds `wire` in the pieces given by `cuts` (ascending offsets), then calls
// Finish() when `eof` and the response still needs more.
Parsed Parse(std::string_view wire, const std::vector<size_t>& cuts, bool eof,
             size_t max_body = 1 << 20, bool head = false) {
  ResponseParser p(max_body, head);
  Parsed out;
  out.state = ResponseParser::State::kNeedMore;
  size_t from = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(wire.size());
  for (size_t end : ends) {
    if (end < from) continue;
    size_t used = 0;
    out.state = p.Feed(wire.substr(from, end - from), &used);
    out.used += used;
    from = end;
    if (out.state != ResponseParser::State::kNeedMore) break;
  }
  if (eof && out.state == ResponseParser::State::kNeedMore) out.state = p.Finish();
  out.status = p.response().status;
  out.body = p.response().body;
  out.headers = p.response().headers;
  out.keep_alive = p.keep_alive();
  out.too_large = p.too_large();
  return out;
}

// The same result whole, byte by byte, and cut in two at every offset.
void ExpectSplitInvariant(std::string_view wire, bool eof, const Parsed& whole) {
  std::vector<size_t> every;
  for (size_t i = 1; i < wire.size(); ++i) every.push_back(i);
  std::vector<std::vector<size_t>> cuts = {every};
  for (size_t i = 1; i < wire.size(); ++i) cuts.push_back({i});
  for (const auto& c : cuts) {
    Parsed p = Parse(wire, c, eof);
    ASSERT_EQ(p.state, whole.state) << "cuts " << c.size() << " first " << c[0];
    EXPECT_EQ(p.status, whole.status);
    EXPECT_EQ(p.body, whole.body);
    EXPECT_EQ(p.used, whole.used);
    EXPECT_EQ(p.keep_alive, whole.keep_alive);
  }
}

using State = ResponseParser::State;

TEST(ResponseParser, ContentLengthBodyAndWhatFollows) {
  std::string wire =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\nhello"
      "HTTP/1.1 200 OK\r\n";
  Parsed p = Parse(wire, {}, false);
  EXPECT_EQ(p.state, State::kDone);
  EXPECT_EQ(p.status, 200);
  EXPECT_EQ(p.body, "hello");
  EXPECT_EQ(p.used, wire.find("hello") + 5);  // the next response's bytes are not taken
  EXPECT_TRUE(p.keep_alive);
  ASSERT_EQ(p.headers.size(), 2u);
  EXPECT_EQ(p.headers[0].name, "Content-Type");
  EXPECT_EQ(p.headers[0].value, "application/json");
  ExpectSplitInvariant(wire, false, p);
}

TEST(ResponseParser, ChunkedBodyWithExtensionsAndTrailers) {
  std::string wire =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=value\r\nhello\r\n1A\r\n, here are 26 more bytes!!\r\n0\r\nX-Trailer: t\r\n\r\n";
  Parsed p = Parse(wire, {}, false);
  EXPECT_EQ(p.state, State::kDone);
  EXPECT_EQ(p.body, "hello, here are 26 more bytes!!");
  EXPECT_EQ(p.used, wire.size());
  EXPECT_TRUE(p.keep_alive);
  ExpectSplitInvariant(wire, false, p);
}

TEST(ResponseParser, InterimResponsesAreSkipped) {
  std::string wire =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\n"
      "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok";
  Parsed p = Parse(wire, {}, false);
  EXPECT_EQ(p.state, State::kDone);
  EXPECT_EQ(p.status, 201);
  EXPECT_EQ(p.body, "ok");
  EXPECT_EQ(p.headers.size(), 1u);  // only the final response's headers
  ExpectSplitInvariant(wire, false, p);
}

TEST(ResponseParser, BodyUntilTheConnectionEnds) {
  std::string wire = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it";
  Parsed open = Parse(wire, {}, false);
  EXPECT_EQ(open.state, State::kNeedMore);
  Parsed p = Parse(wire, {}, true);
  EXPECT_EQ(p.state, State::kDone);
  EXPECT_EQ(p.body, "all of it");
  EXPECT_FALSE(p.keep_alive);
  ExpectSplitInvariant(wire, true, p);
}

TEST(ResponseParser, ResponsesWithoutBodies) {
  for (const char* wire : {"HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n",
                           "HTTP/1.1 304 Not Modified\r\n\r\n"}) {
    Parsed p = Parse(wire, {}, false);
    EXPECT_EQ(p.state, State::kDone) << wire;
    EXPECT_EQ(p.body, "") << wire;
  }
  Parsed head = Parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", {}, false, 1 << 20, true);
  EXPECT_EQ(head.state, State::kDone);
  EXPECT_TRUE(head.keep_alive);
}

TEST(ResponseParser, ConnectionPersistence) {
  EXPECT_FALSE(Parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", {}, false)
                   .keep_alive);
  EXPECT_FALSE(Parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", {}, false).keep_alive);
  EXPECT_TRUE(
      Parse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", {}, false)
          .keep_alive);
  // Bare LF line ends are accepted.
  Parsed lf = Parse("HTTP/1.1 200 OK\nContent-Length: 2\n\nhi", {}, false);
  EXPECT_EQ(lf.state, State::kDone);
  EXPECT_EQ(lf.body, "hi");
}

TEST(ResponseParser, BodyLimit) {
  Parsed declared = Parse("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", {}, false, 10);
  EXPECT_EQ(declared.state, State::kError);
  EXPECT_TRUE(declared.too_large);
  Parsed chunked =
      Parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\nabcdef\r\n",
            {}, false, 10);
  EXPECT_EQ(chunked.state, State::kError);
  EXPECT_TRUE(chunked.too_large);
  Parsed streamed =
      Parse(std::string("HTTP/1.1 200 OK\r\n\r\n") + std::string(11, 'x'), {}, true, 10);
  EXPECT_EQ(streamed.state, State::kError);
  EXPECT_TRUE(streamed.too_large);
  Parsed exact = Parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", {}, false, 10);
  EXPECT_EQ(exact.state, State::kDone);
}

TEST(ResponseParser, MalformedResponsesAreErrors) {
  for (std::string wire : {
           std::string("HTTP/2 200 OK\r\n\r\n"),
           std::string("HTTP/1.1 20 OK\r\n\r\n"),
           std::string("HTTP/1.1 2000 OK\r\n\r\n"),
           std::string("HTTP/1.1 099 Low\r\n\r\n"),
           std::string("<html>hello</html>\r\n"),
           std::string("HTTP/1.1 200 OK\r\nNo-Colon\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\r\n: empty name\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
           std::string("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
           std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n"),
           std::string(
               "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n"),
           std::string("HTTP/1.1 101 Switching Protocols\r\n\r\n"),
           "HTTP/1.1 200 OK\r\nX: " + std::string(70000, 'a') + "\r\n\r\n",
       }) {
    Parsed p = Parse(wire, {}, false);
    EXPECT_EQ(p.state, State::kError) << wire.substr(0, 80);
  }
}

TEST(ResponseParser, EarlyEndOfConnection) {
  ResponseParser none;
  EXPECT_EQ(none.Finish(), State::kError);
  EXPECT_FALSE(none.started());
  EXPECT_EQ(none.error(), "connection closed without a response");
  Parsed cut = Parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", {}, true);
  EXPECT_EQ(cut.state, State::kError);
  Parsed chunk = Parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab", {}, true);
  EXPECT_EQ(chunk.state, State::kError);
}

TEST(ResponseParser, ResetServesTheNextResponse) {
  ResponseParser p;
  size_t used = 0;
  ASSERT_EQ(p.Feed("HTTP/1.1 500 Oops\r\nContent-Length: 1\r\n\r\nx", &used), State::kDone);
  EXPECT_EQ(p.response().status, 500);
  p.Reset(1 << 20, false);
  EXPECT_FALSE(p.started());
  ASSERT_EQ(p.Feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", &used), State::kDone);
  EXPECT_EQ(p.response().status, 200);
  EXPECT_EQ(p.response().body, "ok");
  EXPECT_EQ(p.response().headers.size(), 1u);
}

}  // namespace
}  // namespace safegate::net
