// HTTP client: blocking calls, one connection pool per thread.
//
// Fetch() and FetchStream() are thread-safe: each thread keeps its own
// connections alive to the same host. Fetch() of a plain http:// URL with no
// proxy configured (http_proxy, all_proxy or ALL_PROXY) runs on the built-in
// HTTP/1.1 client of net/client.h; https, proxies and FetchStream() on a
// libcurl handle per thread. A transport failure (refused, reset,
// DNS, TLS) is kUnavailable, a timeout kDeadlineExceeded; any HTTP status,
// including 4xx and 5xx, is a Response. Many concurrent requests with rate
// limits and retries belong to the eval runner's client (eval/), which is
// built on the same types.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"

namespace safegate::net {

struct Header {
  std::string name;
  std::string value;
};

struct Request {
  std::string method = "POST";
  std::string url;
  std::vector<Header> headers;  // e.g. {"Content-Type", "application/json"}
  std::string body;
  double timeout_seconds = 60;          // whole request
  double connect_timeout_seconds = 10;  // TCP connect
  size_t max_body_bytes = 64u << 20;    // larger responses fail with kDataLoss
};

struct Response {
  long status = 0;
  std::vector<Header> headers;  // names as received
  std::string body;
  // The first header named `name` (case-insensitive), or "" when absent.
  std::string_view HeaderValue(std::string_view name) const;
};

// Sends `request` and waits for the whole response.
Result<Response> Fetch(const Request& request);

// Sends `request` and calls `on_data` with each chunk of the body as it
// arrives (for SSE streams). Returning false from `on_data` aborts the
// transfer; the call then returns the response received so far with
// `aborted` set. Response::body stays empty: the caller owns the chunks.
struct StreamResult {
  Response response;
  bool aborted = false;
};
Result<StreamResult> FetchStream(const Request& request,
                                 const std::function<bool(std::string_view chunk)>& on_data);

// "Bearer KEY" header helper for OpenAI-style endpoints; empty key: no header.
void AddBearer(std::vector<Header>* headers, std::string_view key);

// Joins a base URL and a path with exactly one slash between them.
std::string JoinUrl(std::string_view base, std::string_view path);

}  // namespace safegate::net
