// The HTTP layer of `safegate serve`: Boost.Beast on one io thread plus a
// small worker pool, and one route table.
//
// A Route names a method, a path pattern ("/v1/review/items/{id}") and a
// handler. Handlers return an HttpResponse and never throw (an exception that
// escapes anyway becomes a 500 JSON body). Routes marked `offload` run on a
// worker pool (anything that may block: the database, an upstream model);
// the others run on the io thread (the moderation check, /healthz). An
// offloaded route marked `upstream` (it waits on an upstream model, up to
// its timeout) runs on the upstream pool, the others on the worker pool, so
// slow or stalled upstream calls never queue the database routes (the
// review API, /readyz, /metrics) behind them.
//
// Streaming (SSE): a handler on the worker pool may call stream->Begin() and
// then Write() chunks; the response goes out with chunked transfer encoding
// and the HttpResponse it returns is then ignored.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "safegate/base/status.h"

namespace safegate::server {

struct HttpRequest {
  std::string method;
  std::string target;  // path + query as received
  std::string path;
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::vector<std::pair<std::string, std::string>> params;  // from the path pattern
  std::string remote;  // the client's address (no port), "" when unknown

  // The first header `name` (lower-case), or "".
  std::string_view Header(std::string_view name) const;
  // A query parameter (percent-decoded), or "".
  std::string QueryParam(std::string_view name) const;
  std::string_view Param(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// The streaming side of a response (SSE).
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Sends the status line and headers (chunked). Call once, before Write.
  virtual bool Begin(int status, std::string_view content_type,
                     const std::vector<std::pair<std::string, std::string>>& headers) = 0;
  // Sends one chunk; false when the client has gone away.
  virtual bool Write(std::string_view data) = 0;
  virtual bool begun() const = 0;
};

using Handler = std::function<HttpResponse(HttpRequest& request, ResponseStream* stream)>;

// A handler of a route that is not offloaded runs on the io thread (its
// stream is null). When it finds that it must block after all (a database
// lookup), it returns RunOnWorker(): the request is then handed to the worker
// pool (the upstream pool for an `upstream` route) and the handler runs again
// there, with a stream.
inline constexpr int kRunOnWorkerStatus = -1;
inline HttpResponse RunOnWorker() {
  HttpResponse r;
  r.status = kRunOnWorkerStatus;
  return r;
}

struct Route {
  std::string method;
  std::string pattern;  // segments; "{name}" captures one segment
  std::string name;     // label for metrics (defaults to the pattern)
  bool offload = true;
  bool upstream = false;  // with offload: runs on the upstream pool
  Handler handler;
};

// Called after each request with the route name ("" when none matched),
// the status and the seconds it took.
using Observer = std::function<void(const std::string& route, int status, double seconds)>;

// Limits that keep one client from holding the server (docs/serve.md):
// a connection must send its request headers within header_timeout and the
// body within body_timeout after them; a keep-alive connection that sends no
// new request within idle_timeout is closed; a response (or one chunk of a
// stream) the client does not take within write_timeout ends the connection
// (a streaming handler's Write then returns false, so it stops its upstream
// and frees its worker); at max_connections open connections, a new one
// takes the place of the connection that has waited longest for its request
// headers or body (or is idle between requests), or is closed at once when every
// connection is busy with a request; when accept() fails (out of descriptors) the server waits
// 100 ms before accepting again. Request headers and chunked trailers are
// limited to max_header_bytes.
struct HttpOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (see HttpServer::port())
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16 * 1024;
  int workers = 4;            // threads for offloaded routes but `upstream` ones
  int upstream_workers = 32;  // threads for `upstream` routes (a pool only if there are any)
  double shutdown_grace_seconds = 30;
  double header_timeout_seconds = 10;
  double body_timeout_seconds = 60;
  double idle_timeout_seconds = 60;
  double write_timeout_seconds = 30;
  int64_t max_connections = 512;
};

class HttpServer {
 public:
  HttpServer(HttpOptions options, std::vector<Route> routes, Observer observer);
  ~HttpServer();
  // Binds and listens; the port is known afterwards.
  Status Listen();
  uint16_t port() const;
  // Serves until Shutdown() (from any thread or a signal handler thread).
  void Run();
  // Stops accepting, waits for requests in flight (up to the grace period),
  // then returns from Run(). Requests still running a grace period plus five
  // seconds later (a handler stuck on its upstream) end the process.
  void Shutdown();

  struct Impl;  // public only for the sessions in http.cc

 private:
  std::unique_ptr<Impl> impl_;
};

// Parses one request from `bytes` with the server's limits (header and body
// sizes) and the server's reading of it: an error for anything the server
// would refuse or close the connection on, never an exception. For the fuzz
// target over request handling (fuzz/fuzz_server_http.cc).
Result<HttpRequest> ParseRawRequest(std::string_view bytes, const HttpOptions& options);

// A JSON response: `body` written with DumpJson (bytes that are not UTF-8
// become U+FFFD), plus `headers` (the reviewer page's answers add
// "Cache-Control: no-store"). The one JSON response of the server and the
// reviewer page (helpers.cc).
HttpResponse Json(int status, const nlohmann::json& body,
                  std::vector<std::pair<std::string, std::string>> headers = {});

// The JSON error body of OpenAI-style APIs.
HttpResponse ErrorResponse(int status, std::string_view message, std::string_view type,
                           std::string_view code = "");

}  // namespace safegate::server
