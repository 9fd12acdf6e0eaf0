// A small HTTP/1.1 server on 127.0.0.1 for LLM-judge tests: each request's
// head+body goes to `handler`, which returns {status, body} (JSON).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace safegate::judge::testing {

class LoopbackServer {
 public:
  using Handler = std::function<std::pair<int, std::string>(const std::string& request)>;
  explicit LoopbackServer(Handler h) : handler_(std::move(h)) {
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
    listen(fd_, 16);
    thread_ = std::thread([this] { Loop(); });
  }
  ~LoopbackServer() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    int c = client_.load();
    if (c >= 0) shutdown(c, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string last_request() {
    std::lock_guard<std::mutex> l(mu_);
    return last_;
  }

 private:
  void Loop() {
    while (!stop_) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      client_ = c;
      std::string buf;
      char tmp[8192];
      for (;;) {
        size_t head = buf.find("\r\n\r\n");
        if (head != std::string::npos) {
          size_t cl = 0;
          size_t p = buf.find("Content-Length: ");
          if (p == std::string::npos) p = buf.find("content-length: ");
          if (p != std::string::npos && p < head) cl = std::stoul(buf.substr(p + 16));
          if (buf.size() >= head + 4 + cl) {
            std::string req = buf.substr(0, head + 4 + cl);
            buf.erase(0, head + 4 + cl);
            {
              std::lock_guard<std::mutex> l(mu_);
              last_ = req;
            }
            auto [status, body] = handler_(req);
            std::string reply = "HTTP/1.1 " + std::to_string(status) +
                                " X\r\nContent-Type: application/json\r\nContent-Length: " +
                                std::to_string(body.size()) + "\r\n\r\n" + body;
            // MSG_NOSIGNAL: a client that gave up (timeout) must not kill the test.
            (void)!send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
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
  Handler handler_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> client_{-1};
  std::mutex mu_;
  std::string last_;
  std::thread thread_;
};

}  // namespace safegate::judge::testing
