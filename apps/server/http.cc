#include "http.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <list>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "safegate/base/json.h"

namespace safegate::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
               HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}
}  // namespace

std::string HttpRequest::QueryParam(std::string_view name) const {
  std::string_view q = query;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    size_t eq = part.find('=');
    if (PercentDecode(part.substr(0, eq)) == name) {
      return eq == std::string_view::npos ? "" : PercentDecode(part.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return "";
}

std::string_view HttpRequest::Param(std::string_view name) const {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return {};
}

HttpResponse ErrorResponse(int status, std::string_view message, std::string_view type,
                           std::string_view code) {
  nlohmann::json j;
  j["error"] = {{"message", std::string(message)},
                {"type", std::string(type)},
                {"param", nullptr},
                {"code", code.empty() ? nlohmann::json(nullptr) : nlohmann::json(code)}};
  HttpResponse r;
  r.status = status;
  r.body = DumpJson(j);
  return r;
}

namespace {

struct CompiledRoute {
  Route route;
  std::vector<std::string> segments;
};

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

namespace {
// A connection that may be closed to make room for a new one: it is waiting
// for a request's headers or body (or for the next request of a keep-alive
// connection), so closing it loses no work done. Used on the io thread only.
class Evictable {
 public:
  virtual ~Evictable() = default;
  virtual void Evict() = 0;
};
}  // namespace

struct HttpServer::Impl {
  HttpOptions options;
  std::vector<CompiledRoute> routes;
  Observer observer;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::thread_pool pool;
  // Requests queue here (first in, first out, no limit but max_connections)
  // until a thread is free; null when no route is `upstream`.
  std::unique_ptr<asio::thread_pool> upstream_pool;
  asio::steady_timer accept_timer{io};
  std::atomic<bool> stopping{false};
  std::atomic<bool> hard_stop{false};  // the grace period is over: streams end
  std::atomic<int64_t> in_flight{0};
  std::atomic<int64_t> connections{0};
  std::mutex mu;
  std::condition_variable cv;
  bool shutdown_requested = false;
  bool run_done = false;
  std::thread waiter;
  // Connections waiting for headers, oldest first (io thread only; entries
  // of connections already gone are dropped lazily).
  std::list<std::weak_ptr<Evictable>> evictable;

  Impl(HttpOptions o, std::vector<Route> r, Observer obs)
      : options(std::move(o)), observer(std::move(obs)), pool(std::max(1, options.workers)) {
    for (auto& route : r) {
      CompiledRoute c;
      for (auto s : Split(route.pattern)) c.segments.emplace_back(s);
      if (route.name.empty()) route.name = route.pattern;
      c.route = std::move(route);
      routes.push_back(std::move(c));
    }
    for (const auto& c : routes) {
      if (c.route.upstream && !upstream_pool) {
        upstream_pool = std::make_unique<asio::thread_pool>(std::max(1, options.upstream_workers));
      }
    }
  }

  // The pool a route's offloaded handler runs on.
  asio::thread_pool& PoolOf(const Route& route) {
    return route.upstream && upstream_pool ? *upstream_pool : pool;
  }

  // Finds the route; sets *method_mismatch when only the method differs.
  const CompiledRoute* Match(HttpRequest& req, bool* method_mismatch) {
    auto segs = Split(req.path);
    *method_mismatch = false;
    for (const auto& c : routes) {
      if (c.segments.size() != segs.size()) continue;
      std::vector<std::pair<std::string, std::string>> params;
      bool ok = true;
      for (size_t i = 0; i < segs.size() && ok; ++i) {
        const std::string& p = c.segments[i];
        if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
          params.emplace_back(p.substr(1, p.size() - 2), PercentDecode(segs[i]));
        } else {
          ok = p == segs[i];
        }
      }
      if (!ok) continue;
      if (c.route.method != req.method) {
        *method_mismatch = true;
        continue;
      }
      req.params = std::move(params);
      return &c;
    }
    return nullptr;
  }

  HttpResponse Dispatch(const CompiledRoute* route, HttpRequest& req, ResponseStream* stream) {
    try {
      return route->route.handler(req, stream);
    } catch (const std::exception& e) {
      return ErrorResponse(500, std::string("internal error: ") + e.what(), "server_error");
    } catch (...) {
      return ErrorResponse(500, "internal error", "server_error");
    }
  }
};

namespace {

// Defence in depth against response splitting: a header whose name or value
// holds CR, LF or NUL is not sent (Beast 1.74 writes them through).
bool SafeHeader(std::string_view k, std::string_view v) {
  auto clean = [](std::string_view s) {
    return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
  };
  return !k.empty() && clean(k) && clean(v);
}

class Session;

std::chrono::steady_clock::duration Seconds(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(s));
}

// Writes a chunked response synchronously from a worker thread. Each write
// must complete within the write timeout (a client that does not read ends
// the stream instead of holding the worker), and none starts after the
// shutdown grace period.
class ChunkedStream final : public ResponseStream {
 public:
  // `keep_alive` false (the client sent "Connection: close", or the server is
  // stopping): the head says "Connection: close" and the caller closes the
  // connection after Finish().
  ChunkedStream(tcp::socket* socket, HttpServer::Impl* server, bool keep_alive)
      : socket_(socket), server_(server), keep_alive_(keep_alive) {}
  bool Begin(int status, std::string_view content_type,
             const std::vector<std::pair<std::string, std::string>>& headers) override {
    if (begun_) return false;
    begun_ = true;
    std::string head = "HTTP/1.1 " + std::to_string(status) + " " +
                       std::string(bhttp::obsolete_reason(static_cast<bhttp::status>(status))) +
                       "\r\nContent-Type: " + std::string(content_type) +
                       "\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n";
    head += "X-Content-Type-Options: nosniff\r\n";
    if (!keep_alive_) head += "Connection: close\r\n";
    for (const auto& [k, v] : headers) {
      if (SafeHeader(k, v)) head += k + ": " + v + "\r\n";
    }
    head += "\r\n";
    return Send(head);
  }
  bool Write(std::string_view data) override {
    if (!begun_ || failed_) return false;
    if (data.empty()) return true;
    char size[32];
    snprintf(size, sizeof(size), "%zx\r\n", data.size());
    std::string out = size;
    out.append(data);
    out += "\r\n";
    return Send(out);
  }
  bool Finish() { return Send("0\r\n\r\n"); }
  bool begun() const override { return begun_; }
  bool failed() const { return failed_; }

 private:
  bool Send(std::string_view data) {
    if (failed_) return false;
    const int fd = socket_->native_handle();
    const auto deadline =
        std::chrono::steady_clock::now() + Seconds(server_->options.write_timeout_seconds);
    size_t off = 0;
    while (off < data.size()) {
      if (server_->hard_stop) {
        failed_ = true;
        break;
      }
      ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        off += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0) {
          failed_ = true;  // the client does not read: give up on it
          break;
        }
        pollfd p{fd, POLLOUT, 0};
        (void)::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 500)));
        continue;
      }
      failed_ = true;  // the client has gone (EPIPE, ECONNRESET): stop here
      break;
    }
    return !failed_;
  }
  tcp::socket* socket_;
  HttpServer::Impl* server_;
  const bool keep_alive_;
  bool begun_ = false;
  bool failed_ = false;
};

class Session final : public Evictable, public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl* server)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), server_(server) {
    ++server_->connections;
  }
  ~Session() { --server_->connections; }

  void Start() { ReadHeader(); }

  // Closed to make room (the slot in the server's list is already gone).
  void Evict() override {
    slot_.reset();
    Close();
  }

 private:
  // While waiting for a request (its headers or its body) the connection may
  // be evicted (oldest first) when the server is at max_connections.
  void MarkEvictable() {
    if (slot_) return;
    server_->evictable.push_back(weak_from_this());
    slot_ = std::prev(server_->evictable.end());
  }
  void UnmarkEvictable() {
    if (!slot_) return;
    server_->evictable.erase(*slot_);
    slot_.reset();
  }

  // The deadline of the pending operation: when it passes first, the socket
  // is closed, which ends that operation with an error.
  void Arm(double seconds) {
    timer_.expires_after(Seconds(seconds));
    timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      if (ec) return;  // cancelled: the operation finished in time
      if (auto self = weak.lock()) self->Close();
    });
  }
  void Disarm() { timer_.cancel(); }

  // Between requests of a keep-alive connection: wait (up to the idle
  // timeout) for the first byte of the next one.
  void WaitNext() {
    if (buffer_.size() > 0) {  // the next request has begun already
      ReadHeader();
      return;
    }
    Arm(server_->options.idle_timeout_seconds);
    MarkEvictable();
    socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
      if (ec) {
        self->Close();
        return;
      }
      self->ReadHeader();
    });
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->body_limit(server_->options.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(server_->options.max_header_bytes));
    Arm(server_->options.header_timeout_seconds);
    MarkEvictable();
    bhttp::async_read_header(
        socket_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) {
      Disarm();
      OnRead(ec);
      return;
    }
    // Still evictable while the body arrives: a client that sends headers
    // and then trickles a body (no API key needed, the key is read after
    // it) would otherwise hold its slot until the body deadline, and
    // max_connections of them would lock everyone out.
    Arm(server_->options.body_timeout_seconds);
    bhttp::async_read(socket_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        self->Disarm();
                        self->OnRead(ec);
                      });
  }

  void OnRead(beast::error_code ec) {
    UnmarkEvictable();
    if (ec == bhttp::error::body_limit) {
      ++server_->in_flight;
      start_ = std::chrono::steady_clock::now();
      HttpResponse r = ErrorResponse(
          413,
          "request body larger than " + std::to_string(server_->options.max_body_bytes) + " bytes",
          "invalid_request_error", "request_too_large");
      keep_alive_ = false;
      route_name_ = "";
      WriteAsync(std::move(r));
      return;
    }
    if (ec) {
      Close();
      return;
    }
    ++server_->in_flight;
    start_ = std::chrono::steady_clock::now();
    auto& msg = parser_->get();
    keep_alive_ = msg.keep_alive() && !server_->stopping;
    req_ = HttpRequest();
    req_.method = std::string(msg.method_string());
    req_.target = std::string(msg.target());
    size_t q = req_.target.find('?');
    req_.path = req_.target.substr(0, q);
    if (q != std::string::npos) req_.query = req_.target.substr(q + 1);
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req_.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    req_.body = std::move(msg.body());
    {
      beast::error_code rec;
      auto ep = socket_.remote_endpoint(rec);
      if (!rec) req_.remote = ep.address().to_string();
    }
    bool method_mismatch = false;
    const CompiledRoute* route = server_->Match(req_, &method_mismatch);
    if (!route) {
      route_name_ = "";
      WriteAsync(method_mismatch
                     ? ErrorResponse(405, "method not allowed", "invalid_request_error")
                     : ErrorResponse(404, "no route for " + req_.path, "invalid_request_error"));
      return;
    }
    route_name_ = route->route.name;
    if (!route->route.offload) {
      HttpResponse r = server_->Dispatch(route, req_, nullptr);
      if (r.status != kRunOnWorkerStatus) {
        WriteAsync(std::move(r));
        return;
      }
    }
    asio::post(server_->PoolOf(route->route), [self = shared_from_this(), route] {
      ChunkedStream stream(&self->socket_, self->server_, self->keep_alive_);
      HttpResponse r = self->server_->Dispatch(route, self->req_, &stream);
      if (stream.begun()) {
        if (!stream.failed()) stream.Finish();
        bool ok = !stream.failed();
        self->Done(200);
        if (!ok || !self->keep_alive_) {
          asio::post(self->socket_.get_executor(), [self] { self->Close(); });
          return;
        }
        asio::post(self->socket_.get_executor(), [self] { self->Next(); });
        return;
      }
      asio::post(self->socket_.get_executor(),
                 [self, r = std::move(r)]() mutable { self->WriteAsync(std::move(r)); });
    });
  }

  void WriteAsync(HttpResponse r) {
    status_ = r.status;
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    res->set(bhttp::field::server, "safegate");
    res->set(bhttp::field::content_type, r.content_type);
    res->set("X-Content-Type-Options", "nosniff");
    for (const auto& [k, v] : r.headers) {
      if (SafeHeader(k, v)) res->set(k, v);
    }
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive_);
    res->prepare_payload();
    Arm(server_->options.write_timeout_seconds);
    bhttp::async_write(socket_, *res,
                       [self = shared_from_this(), res](beast::error_code ec, size_t) {
                         self->Disarm();
                         self->Done(self->status_);
                         if (ec || !self->keep_alive_) {
                           self->Close();
                           return;
                         }
                         self->Next();
                       });
  }

  void Done(int status) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (server_->observer) server_->observer(route_name_, status, secs);
    if (--server_->in_flight == 0 && server_->stopping) {
      std::lock_guard<std::mutex> lock(server_->mu);
      server_->cv.notify_all();
    }
  }

  void Next() {
    if (server_->stopping) {
      Close();
      return;
    }
    WaitNext();
  }

  void Close() {
    beast::error_code ec;
    UnmarkEvictable();
    timer_.cancel();
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    socket_.close(ec);
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  HttpServer::Impl* server_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  HttpRequest req_;
  bool keep_alive_ = true;
  int status_ = 0;
  std::string route_name_;
  std::chrono::steady_clock::time_point start_;
  std::optional<std::list<std::weak_ptr<Evictable>>::iterator> slot_;
};

void DoAccept(HttpServer::Impl* s) {
  s->acceptor.async_accept([s](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (s->stopping) return;
      // Out of descriptors (EMFILE/ENFILE) or another accept failure: the
      // pending connection stays in the backlog, so retrying at once would
      // spin. Wait a little; descriptors free up as sessions time out.
      s->accept_timer.expires_after(std::chrono::milliseconds(100));
      s->accept_timer.async_wait([s](beast::error_code e) {
        if (!e && !s->stopping) DoAccept(s);
      });
      return;
    }
    // Entries of connections that ended without closing (a parser exception)
    // are dropped here, so the list stays bounded.
    if (static_cast<int64_t>(s->evictable.size()) > 2 * s->options.max_connections) {
      s->evictable.remove_if([](const std::weak_ptr<Evictable>& w) { return w.expired(); });
    }
    if (s->connections.load() >= s->options.max_connections) {
      // At the cap: close the connection that has waited longest for its
      // headers (a slow or idle client loses nothing), else refuse this one.
      bool made_room = false;
      while (!s->evictable.empty() && !made_room) {
        auto victim = s->evictable.front().lock();
        s->evictable.pop_front();
        if (victim) {
          victim->Evict();
          made_room = true;
        }
      }
      if (!made_room) {
        beast::error_code ignored;
        socket.close(ignored);
        DoAccept(s);
        return;
      }
    }
    socket.set_option(tcp::no_delay(true), ec);
    std::make_shared<Session>(std::move(socket), s)->Start();
    DoAccept(s);
  });
}

}  // namespace

Result<HttpRequest> ParseRawRequest(std::string_view bytes, const HttpOptions& options) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.body_limit(options.max_body_bytes);
  parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
  parser.eager(true);
  beast::error_code ec;
  try {
    size_t used = 0;
    while (used < bytes.size() && !parser.is_done()) {
      size_t n = parser.put(asio::buffer(bytes.data() + used, bytes.size() - used), ec);
      if (ec == bhttp::error::need_more) break;
      if (ec) break;
      if (n == 0) break;
      used += n;
    }
    // No put_eof(): a request's body is never delimited by the end of the
    // connection, so what is not done here is incomplete.
  } catch (const std::exception& e) {
    // The server's io loop catches these too (HttpServer::Run).
    return InvalidArgumentError(std::string("request: ") + e.what());
  }
  if (ec && ec != bhttp::error::need_more) return InvalidArgumentError("request: " + ec.message());
  if (!parser.is_done()) return InvalidArgumentError("request: incomplete");
  auto& msg = parser.get();
  HttpRequest req;
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  size_t q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string::npos) req.query = req.target.substr(q + 1);
  for (const auto& f : msg) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  req.body = std::move(msg.body());
  return req;
}

HttpServer::HttpServer(HttpOptions options, std::vector<Route> routes, Observer observer)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(routes), std::move(observer))) {}

HttpServer::~HttpServer() {
  Shutdown();
  if (impl_->waiter.joinable()) impl_->waiter.join();
  impl_->pool.join();
  if (impl_->upstream_pool) impl_->upstream_pool->join();
}

Status HttpServer::Listen() {
  beast::error_code ec;
  auto addr = asio::ip::make_address(impl_->options.host, ec);
  if (ec)
    return InvalidArgumentError("listen address '" + impl_->options.host + "': " + ec.message());
  tcp::endpoint ep(addr, impl_->options.port);
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(4096, ec);
  if (ec) {
    return UnavailableError("cannot listen on " + impl_->options.host + ":" +
                            std::to_string(impl_->options.port) + ": " + ec.message());
  }
  return OkStatus();
}

uint16_t HttpServer::port() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void HttpServer::Run() {
  DoAccept(impl_.get());
  auto guard = asio::make_work_guard(impl_->io);
  impl_->waiter = std::thread([this, g = std::move(guard)]() mutable {
    std::unique_lock<std::mutex> lock(impl_->mu);
    impl_->cv.wait(lock, [&] { return impl_->shutdown_requested; });
    lock.unlock();
    // Stop accepting; then wait for requests in flight.
    asio::post(impl_->io, [this] {
      beast::error_code ec;
      impl_->acceptor.close(ec);
      impl_->accept_timer.cancel();
    });
    auto deadline = std::chrono::steady_clock::now() +
                    Seconds(std::clamp(impl_->options.shutdown_grace_seconds, 0.0, 86400.0));
    lock.lock();
    impl_->cv.wait_until(lock, deadline, [&] { return impl_->in_flight.load() == 0; });
    // Past the grace period streams stop writing (their handlers then stop
    // their upstream calls); a handler still stuck five seconds later (an
    // upstream that sends nothing) does not keep the process alive.
    impl_->hard_stop = true;
    if (!impl_->cv.wait_for(lock, std::chrono::seconds(5),
                            [&] { return impl_->in_flight.load() == 0; })) {
      fprintf(stderr,
              "safegate serve: %lld request(s) still running after the grace period: exit\n",
              static_cast<long long>(impl_->in_flight.load()));
      fflush(stderr);
      _exit(0);
    }
    lock.unlock();
    impl_->pool.wait();
    if (impl_->upstream_pool) impl_->upstream_pool->wait();
    g.reset();
    impl_->io.stop();
  });
  // No exception may end the process: Beast's parser throws (length_error)
  // on a field it cannot store; the connection whose handler threw is
  // released by the unwinding, and the loop goes on.
  for (;;) {
    try {
      impl_->io.run();
      break;
    } catch (const std::exception& e) {
      fprintf(stderr, "safegate serve: a connection failed: %s\n", e.what());
    } catch (...) {
      fprintf(stderr, "safegate serve: a connection failed\n");
    }
  }
}

void HttpServer::Shutdown() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->stopping = true;
  impl_->shutdown_requested = true;
  impl_->cv.notify_all();
}

}  // namespace safegate::server
