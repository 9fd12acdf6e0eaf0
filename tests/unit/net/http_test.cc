// net::Fetch against a one-connection-at-a-time HTTP server on 127.0.0.1.
#include "safegate/net/http.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

namespace safegate::net {
namespace {

// Answers every request on a connection with `reply` (a full HTTP response)
// until the client closes it. Records the last request head+body.
class TinyServer {
 public:
  // `close_after` : close each connection after its first reply (without
  // saying so), as a server does whose keep-alive timeout passed.
  // `silent`: never reply.
  explicit TinyServer(std::string reply, bool close_after = false, bool silent = false)
      : reply_(std::move(reply)), close_after_(close_after), silent_(silent) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    listen(fd_, 8);
    thread_ = std::thread([this] { Loop(); });
  }
  ~TinyServer() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    int c = client_.load();
    if (c >= 0) shutdown(c, SHUT_RDWR);  // the client keeps its connection alive
    close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string last_request() const { return last_; }
  int accepted() const { return accepted_.load(); }

 private:
  void Loop() {
    while (!stop_) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      ++accepted_;
      client_ = c;
      std::string buf;
      char tmp[4096];
      for (;;) {
        size_t head = buf.find("\r\n\r\n");
        if (head != std::string::npos) {
          size_t cl = 0;
          size_t p = buf.find("Content-Length: ");
          if (p != std::string::npos && p < head) cl = std::stoul(buf.substr(p + 16));
          if (buf.size() >= head + 4 + cl) {
            last_ = buf.substr(0, head + 4 + cl);
            buf.erase(0, head + 4 + cl);
            if (silent_) continue;
            (void)!write(c, reply_.data(), reply_.size());
            if (close_after_) break;
            continue;
          }
        }
        ssize_t n = read(c, tmp, sizeof tmp);
        if (n <= 0) break;
        buf.append(tmp, n);
      }
      client_ = -1;
      close(c);
    }
  }
  std::string reply_;
  bool close_after_ = false;
  bool silent_ = false;
  std::atomic<int> accepted_{0};
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> client_{-1};
  std::string last_;
  std::thread thread_;
};

TEST(HttpTest, PostsBodyAndHeadersAndReadsTheResponse) {
  TinyServer server(
      "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\nContent-Length: 5\r\n\r\nslow!");
  Request req;
  req.url = JoinUrl(server.url() + "/v1/", "/chat/completions");
  req.body = R"({"a":1})";
  req.headers.push_back({"Content-Type", "application/json"});
  AddBearer(&req.headers, "sk-test");
  auto r = Fetch(req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->body, "slow!");
  EXPECT_EQ(r->HeaderValue("retry-after"), "3");
  std::string got = server.last_request();
  EXPECT_NE(got.find("POST /v1/chat/completions HTTP/1.1"), std::string::npos);
  EXPECT_NE(got.find("Authorization: Bearer sk-test"), std::string::npos);
  EXPECT_NE(got.find(R"({"a":1})"), std::string::npos);
}

TEST(HttpTest, StreamsChunksAndCanAbort) {
  TinyServer server("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world");
  Request req;
  req.method = "GET";
  req.url = server.url() + "/x";
  std::string seen;
  auto r = FetchStream(req, [&](std::string_view chunk) {
    seen.append(chunk);
    return true;
  });
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(seen, "hello world");
  EXPECT_FALSE(r->aborted);
  auto a = FetchStream(req, [](std::string_view) { return false; });
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->aborted);
}

TEST(HttpTest, RefusedConnectionIsUnavailableAndOversizeIsDataLoss) {
  Request req;
  req.url = "http://127.0.0.1:1/";
  auto r = Fetch(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  TinyServer server("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world");
  req.url = server.url();
  req.max_body_bytes = 4;
  auto big = Fetch(req);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), StatusCode::kDataLoss);
}

// Plain http:// goes over the built-in client: one kept-alive connection per
// thread, a pooled connection the server closed meanwhile is replaced within
// the call, and the whole-request timeout holds.
TEST(HttpTest, PlainHttpKeepsTheConnectionAliveAndReplacesAStaleOne) {
  TinyServer server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  Request req;
  req.url = server.url() + "/v1/chat/completions";
  req.body = "{}";
  for (int i = 0; i < 3; ++i) {
    auto r = Fetch(req);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->body, "ok");
  }
  EXPECT_EQ(server.accepted(), 1);

  TinyServer closing("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", /*close_after=*/true);
  req.url = closing.url() + "/x";
  for (int i = 0; i < 3; ++i) {
    auto r = Fetch(req);
    ASSERT_TRUE(r.ok()) << i << ": " << r.status().message();
    EXPECT_EQ(r->body, "ok");
  }
  EXPECT_EQ(closing.accepted(), 3);
}

TEST(HttpTest, PlainHttpTimeoutIsDeadlineExceeded) {
  TinyServer silent("", /*close_after=*/false, /*silent=*/true);
  Request req;
  req.url = silent.url() + "/x";
  req.timeout_seconds = 0.3;
  auto r = Fetch(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded) << r.status().message();
}

}  // namespace
}  // namespace safegate::net
