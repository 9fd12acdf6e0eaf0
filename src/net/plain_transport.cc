// Transport for plain http:// URLs: non-blocking sockets on one epoll set,
// HTTP/1.1 keep-alive, no pipelining. Per request: one send(), one
// epoll_wait() shared with the other connections, usually one recv().
//
// Connections are pooled per host:port: a connection returns to the pool
// after a response that allows it (keep-alive, nothing extra read) and is
// closed when the server closes it while idle. A request sent on a pooled
// connection that the server closes before answering (a stale keep-alive
// connection) goes out once more on a new connection within the same
// attempt, as libcurl does. Host names are resolved once per host:port with
// getaddrinfo() (blocking). A connection tries the addresses in turn until
// one accepts (so "localhost" that resolves to ::1 first reaches a server
// listening on 127.0.0.1 only); the one that worked is tried first next time.
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <map>
#include <unordered_map>

#include "safegate/net/http1.h"
#include "transport.h"

namespace safegate::net::internal {
namespace {

using Clock = std::chrono::steady_clock;
constexpr uint64_t kWakeTag = ~uint64_t{0};
constexpr size_t kReadBuffer = 64u << 10;

// `seconds` after `t`; capped at a year, so no timeout overflows the clock.
Clock::time_point After(Clock::time_point t, double seconds) {
  return t + std::chrono::duration_cast<Clock::duration>(
                 std::chrono::duration<double>(CapSeconds(seconds)));
}

struct Conn {
  int fd = -1;
  uint32_t gen = 0;  // bumped on close: stale epoll events are ignored
  std::string key;   // "host:port", the pool it belongs to
  bool connecting = false;
  bool busy = false;    // carries an attempt
  bool reused = false;  // answered an earlier request
  bool want_out = false;
  size_t addr_try = 0;  // how many addresses of the host this connection has tried
  size_t slot = 0;
  size_t out_pos = 0;  // bytes of the attempt's request written
  ResponseParser parser;
  Clock::time_point connect_deadline;
};

struct Attempt {
  const Request* request = nullptr;
  std::string wire;  // the serialized request (kept to resend on a stale connection)
  int conn = -1;
  bool resent = false;
  Clock::time_point deadline;
};

struct Addresses {
  std::vector<SocketAddress> list;
  size_t preferred = 0;  // the last one that accepted a connection
};

Result<std::vector<SocketAddress>> GetAddrInfo(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
  if (rc != 0 || res == nullptr) {
    return UnavailableError("could not resolve host '" + host + "': " + gai_strerror(rc));
  }
  std::vector<SocketAddress> out;
  for (addrinfo* p = res; p != nullptr; p = p->ai_next) {
    SocketAddress a;
    std::memcpy(&a.addr, p->ai_addr, p->ai_addrlen);
    a.len = p->ai_addrlen;
    out.push_back(a);
  }
  freeaddrinfo(res);
  return out;
}

class PlainTransport final : public Transport {
 public:
  PlainTransport(size_t slots, uint64_t* bytes, Resolver resolve)
      : attempts_(slots), bytes_(bytes), resolve_(resolve ? std::move(resolve) : GetAddrInfo) {}

  ~PlainTransport() override {
    for (Conn& c : conns_) {
      if (c.fd >= 0) ::close(c.fd);
    }
    if (wake_fd_ >= 0) ::close(wake_fd_);
    if (ep_ >= 0) ::close(ep_);
  }

  Status Init() {
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    if (ep_ < 0) return InternalError(std::string("epoll_create1: ") + std::strerror(errno));
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0) return InternalError(std::string("eventfd: ") + std::strerror(errno));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kWakeTag;
    if (epoll_ctl(ep_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) {
      return InternalError(std::string("epoll_ctl: ") + std::strerror(errno));
    }
    buf_.reset(new char[kReadBuffer]);
    return OkStatus();
  }

  void Start(size_t slot, const Request* request) override {
    Attempt& a = attempts_[slot];
    a.request = request;
    a.resent = false;
    a.conn = -1;
    a.wire.clear();
    a.deadline = After(Clock::now(), request->timeout_seconds);
    const PlainUrl* url = Url(request->url);
    if (url == nullptr) return Ready(slot, Outcome::Kind::kInvalid, url_error_);
    Status s = SerializeRequest(*request, *url, &a.wire);
    if (!s.ok()) return Ready(slot, Outcome::Kind::kInvalid, s.message());
    Launch(slot, *url, /*reuse=*/true);
  }

  void Drive(int timeout_ms, std::vector<Finished>* done) override {
    size_t before = done->size();
    TakeReady(done);
    int wait = done->size() > before ? 0 : WaitMs(timeout_ms);
    int n = epoll_wait(ep_, events_.data(), static_cast<int>(events_.size()), wait);
    for (int i = 0; i < n; ++i) {
      uint64_t tag = events_[i].data.u64;
      if (tag == kWakeTag) {
        uint64_t v;
        while (::read(wake_fd_, &v, sizeof v) > 0) {
        }
        continue;
      }
      size_t ci = static_cast<size_t>(tag & 0xffffffffu);
      if (ci >= conns_.size() || conns_[ci].fd < 0 || conns_[ci].gen != (tag >> 32)) continue;
      OnEvent(ci, events_[i].events, done);
    }
    Expire(done);
    TakeReady(done);
  }

  void Wakeup() override {
    uint64_t one = 1;
    ssize_t r = ::write(wake_fd_, &one, sizeof one);
    (void)r;  // EAGAIN: a wake-up is already pending
  }

 private:
  // The parsed URL (the last one is cached: a run sends to one URL).
  const PlainUrl* Url(const std::string& url) {
    if (url == url_text_ && url_ok_) return &url_;
    auto u = ParsePlainUrl(url);
    url_text_ = url;
    url_ok_ = u.ok();
    if (!u.ok()) {
      url_error_ = u.status().message() + " (the built-in HTTP client takes plain http:// only)";
      return nullptr;
    }
    url_ = std::move(u).value();
    url_key_ = url_.host + ":" + std::to_string(url_.port);
    return &url_;
  }

  void Ready(size_t slot, Outcome::Kind kind, std::string detail) {
    Finished f{slot, {}};
    f.outcome.kind = kind;
    f.outcome.detail = std::move(detail);
    ready_.push_back(std::move(f));
  }

  void TakeReady(std::vector<Finished>* done) {
    for (Finished& f : ready_) done->push_back(std::move(f));
    ready_.clear();
  }

  int WaitMs(int timeout_ms) const {
    if (timeout_ms <= 0) return 0;
    Clock::time_point now = Clock::now();
    Clock::time_point first = Clock::time_point::max();
    for (const Attempt& a : attempts_) {
      if (a.conn < 0) continue;
      first = std::min(first, a.deadline);
      const Conn& c = conns_[static_cast<size_t>(a.conn)];
      if (c.connecting) first = std::min(first, c.connect_deadline);
    }
    if (first == Clock::time_point::max()) return timeout_ms;
    if (first <= now) return 0;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(first - now).count() + 1;
    return static_cast<int>(std::min<int64_t>(timeout_ms, ms));
  }

  // Sends attempt `slot` on a pooled connection to the URL's host (when
  // `reuse`) or a new one, trying the host's addresses from the
  // `addr_try`-th on (counted from the preferred one).
  void Launch(size_t slot, const PlainUrl& url, bool reuse, size_t addr_try = 0) {
    Attempt& a = attempts_[slot];
    int ci = -1;
    if (reuse) {
      auto it = idle_.find(url_key_);
      if (it != idle_.end() && !it->second.empty()) {
        ci = it->second.back();
        it->second.pop_back();
      }
    }
    if (ci < 0) {
      std::string err;
      ci = Open(url, a.request->connect_timeout_seconds, addr_try, &err);
      if (ci < 0) return Ready(slot, Outcome::Kind::kFailed, err);
    }
    Conn& c = conns_[static_cast<size_t>(ci)];
    c.busy = true;
    c.slot = slot;
    c.out_pos = 0;
    c.parser.Reset(a.request->max_body_bytes, a.request->method == "HEAD");
    a.conn = ci;
    if (!c.connecting) Flush(static_cast<size_t>(ci));
  }

  // A new connection to the URL's host: the addresses from the `addr_try`-th
  // on (in turn from the preferred one), the first whose connect() does not
  // fail at once. -1 and `*err` when none is left.
  int Open(const PlainUrl& url, double connect_timeout, size_t addr_try, std::string* err) {
    auto found = addresses_.find(url_key_);
    if (found == addresses_.end()) {
      auto resolved = resolve_(url.host, url.port);
      if (!resolved.ok() || resolved->empty()) {
        *err =
            resolved.ok() ? "no address for host '" + url.host + "'" : resolved.status().message();
        return -1;
      }
      found = addresses_.emplace(url_key_, Addresses{std::move(resolved).value(), 0}).first;
    }
    const Addresses& addrs = found->second;
    int fd = -1;
    bool connecting = false;
    std::string last_error = "no address left to try";
    for (; addr_try < addrs.list.size(); ++addr_try) {
      const SocketAddress& addr = addrs.list[(addrs.preferred + addr_try) % addrs.list.size()];
      fd = ::socket(addr.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        last_error = std::string("socket: ") + std::strerror(errno);
        continue;
      }
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr.addr), addr.len) == 0) break;
      if (errno == EINPROGRESS) {
        connecting = true;
        break;
      }
      last_error = std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
    if (fd < 0) {
      *err = "could not connect to " + url_key_ + ": " + last_error;
      return -1;
    }
    size_t ci;
    if (!free_conns_.empty()) {
      ci = free_conns_.back();
      free_conns_.pop_back();
    } else {
      ci = conns_.size();
      conns_.emplace_back();
    }
    Conn& c = conns_[ci];
    c.fd = fd;
    c.key = url_key_;
    c.connecting = connecting;
    c.reused = false;
    c.want_out = connecting;
    c.addr_try = addr_try;
    c.connect_deadline = After(Clock::now(), connect_timeout);
    epoll_event ev{};
    ev.events = EPOLLIN | (connecting ? EPOLLOUT : 0u);
    ev.data.u64 = (uint64_t{c.gen} << 32) | ci;
    if (epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      *err = std::string("epoll_ctl: ") + std::strerror(errno);
      Close(ci);
      return -1;
    }
    return static_cast<int>(ci);
  }

  void SetOut(size_t ci, bool on) {
    Conn& c = conns_[ci];
    if (c.want_out == on) return;
    c.want_out = on;
    epoll_event ev{};
    ev.events = EPOLLIN | (on ? EPOLLOUT : 0u);
    ev.data.u64 = (uint64_t{c.gen} << 32) | ci;
    epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
  }

  // Writes what the socket takes of the attempt's request. False when the
  // connection broke (the attempt is then settled).
  bool Flush(size_t ci) {
    Conn& c = conns_[ci];
    const std::string& wire = attempts_[c.slot].wire;
    while (c.out_pos < wire.size()) {
      ssize_t n = ::send(c.fd, wire.data() + c.out_pos, wire.size() - c.out_pos, MSG_NOSIGNAL);
      if (n > 0) {
        c.out_pos += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        SetOut(ci, true);
        return true;
      }
      EndEarly(ci, std::string("send failed: ") + std::strerror(errno));
      return false;
    }
    SetOut(ci, false);
    return true;
  }

  void OnEvent(size_t ci, uint32_t events, std::vector<Finished>* done) {
    Conn& c = conns_[ci];
    if (!c.busy) {  // the server closed (or spoke on) an idle connection
      Close(ci);
      return;
    }
    if (c.connecting) {
      if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        // Refused (or unreachable): the host's next address, within the attempt.
        size_t slot = c.slot;
        size_t next = c.addr_try + 1;
        std::string why = "could not connect to " + c.key + ": " + std::strerror(err);
        Close(ci);
        attempts_[slot].conn = -1;
        const PlainUrl* url = Url(attempts_[slot].request->url);
        auto found = addresses_.find(url_key_);
        if (url != nullptr && found != addresses_.end() && next < found->second.list.size()) {
          return Launch(slot, *url, /*reuse=*/false, next);
        }
        return Ready(slot, Outcome::Kind::kFailed, why);
      }
      if (c.addr_try > 0) {  // remember the address that worked
        Addresses& addrs = addresses_[c.key];
        addrs.preferred = (addrs.preferred + c.addr_try) % addrs.list.size();
        c.addr_try = 0;
      }
      c.connecting = false;
      if (!Flush(ci)) return;
    } else if ((events & EPOLLOUT) != 0 && c.want_out) {
      if (!Flush(ci)) return;
    }
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) Read(ci, done);
  }

  void Read(size_t ci, std::vector<Finished>* done) {
    Conn& c = conns_[ci];
    ssize_t n = ::recv(c.fd, buf_.get(), kReadBuffer, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      return EndEarly(ci, std::string("receive failed: ") + std::strerror(errno));
    }
    if (n == 0) {
      if (c.parser.Finish() == ResponseParser::State::kDone) return Complete(ci, false, done);
      return EndEarly(ci, c.parser.error());
    }
    *bytes_ += static_cast<uint64_t>(n);
    size_t used = 0;
    auto st = c.parser.Feed(std::string_view(buf_.get(), static_cast<size_t>(n)), &used);
    if (st == ResponseParser::State::kDone) {
      // No pipelining: bytes after the response, or a response that came
      // before the whole request went out, mean the connection cannot be trusted.
      bool clean = used == static_cast<size_t>(n) && c.out_pos == attempts_[c.slot].wire.size();
      return Complete(ci, c.parser.keep_alive() && clean, done);
    }
    if (st == ResponseParser::State::kError) {
      size_t slot = c.slot;
      bool large = c.parser.too_large();
      std::string why = "bad HTTP response: " + c.parser.error();
      Close(ci);
      attempts_[slot].conn = -1;
      Ready(slot, large ? Outcome::Kind::kTooLarge : Outcome::Kind::kFailed, why);
    }
  }

  void Complete(size_t ci, bool reusable, std::vector<Finished>* done) {
    Conn& c = conns_[ci];
    Finished f{c.slot, {}};
    f.outcome.response = std::move(c.parser.response());
    attempts_[c.slot].conn = -1;
    c.busy = false;
    if (reusable) {
      c.reused = true;
      auto& pool = idle_[c.key];
      if (pool.size() < attempts_.size()) {
        pool.push_back(static_cast<int>(ci));
      } else {
        Close(ci);
      }
    } else {
      Close(ci);
    }
    done->push_back(std::move(f));
  }

  // The connection failed before the response ended. A request that went out
  // on a pooled connection and got no byte back is sent once more on a new
  // connection (the server had closed it meanwhile); otherwise the attempt
  // failed.
  void EndEarly(size_t ci, std::string why) {
    Conn& c = conns_[ci];
    size_t slot = c.slot;
    bool stale = c.reused && !c.parser.started();
    Close(ci);
    Attempt& a = attempts_[slot];
    a.conn = -1;
    if (stale && !a.resent) {
      a.resent = true;
      if (const PlainUrl* url = Url(a.request->url)) return Launch(slot, *url, /*reuse=*/false);
    }
    Ready(slot, Outcome::Kind::kFailed, why.empty() ? "connection closed" : why);
  }

  void Close(size_t ci) {
    Conn& c = conns_[ci];
    if (c.fd < 0) return;
    if (!c.busy && c.reused) {
      auto it = idle_.find(c.key);
      if (it != idle_.end()) std::erase(it->second, static_cast<int>(ci));
    }
    ::close(c.fd);  // also leaves the epoll set
    c.fd = -1;
    c.gen++;
    c.busy = false;
    c.connecting = false;
    free_conns_.push_back(ci);
  }

  void Expire(std::vector<Finished>* done) {
    Clock::time_point now = Clock::now();
    for (size_t slot = 0; slot < attempts_.size(); ++slot) {
      Attempt& a = attempts_[slot];
      if (a.conn < 0) continue;
      Conn& c = conns_[static_cast<size_t>(a.conn)];
      if (now < a.deadline && !(c.connecting && now >= c.connect_deadline)) continue;
      Close(static_cast<size_t>(a.conn));
      a.conn = -1;
      Finished f{slot, {}};
      f.outcome.kind = Outcome::Kind::kTimeout;
      done->push_back(std::move(f));
    }
  }

  int ep_ = -1;
  int wake_fd_ = -1;
  std::vector<Attempt> attempts_;  // by slot
  std::deque<Conn> conns_;         // by index (stable references); closed ones are on free_conns_
  std::vector<size_t> free_conns_;
  std::unordered_map<std::string, std::vector<int>> idle_;  // pooled connections by host:port
  std::map<std::string, Addresses> addresses_;              // resolved host:port
  std::vector<Finished> ready_;                             // attempts settled outside Drive()
  std::array<epoll_event, 64> events_{};
  std::unique_ptr<char[]> buf_;
  uint64_t* bytes_;
  Resolver resolve_;
  std::string url_text_;
  bool url_ok_ = false;
  PlainUrl url_;
  std::string url_key_;
  std::string url_error_;
};

}  // namespace

Result<std::unique_ptr<Transport>> NewPlainTransport(size_t slots, uint64_t* bytes_received,
                                                     Resolver resolve) {
  auto t = std::make_unique<PlainTransport>(slots, bytes_received, std::move(resolve));
  SAFEGATE_RETURN_IF_ERROR(t->Init());
  return std::unique_ptr<Transport>(std::move(t));
}

}  // namespace safegate::net::internal
