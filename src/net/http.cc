// Behind net/http.h: Fetch() of a plain http:// URL (no proxy configured)
// goes over the built-in HTTP/1.1 transport, one per thread with its pooled
// keep-alive connections (the chat proxy's upstream call: about a third of
// the CPU that libcurl's easy interface spent per request). Everything else,
// and every FetchStream(), goes through libcurl's easy interface: one handle
// per thread, reset between requests, so connections to the same host are
// kept alive.
#include "safegate/net/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

#include "curl_headers.h"
#include "transport.h"

namespace safegate::net {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct HandleDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};

CURL* ThreadHandle() {
  GlobalInit();
  thread_local std::unique_ptr<CURL, HandleDeleter> handle(curl_easy_init());
  curl_easy_reset(handle.get());
  return handle.get();
}

struct Transfer {
  Response* response;
  const std::function<bool(std::string_view)>* on_data = nullptr;
  size_t max_body = 0;
  size_t received = 0;
  bool too_large = false;
  bool aborted = false;
};

size_t OnBody(char* ptr, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  t->received += len;
  if (t->received > t->max_body) {
    t->too_large = true;
    return 0;
  }
  if (t->on_data != nullptr) {
    if (!(*t->on_data)(std::string_view(ptr, len))) {
      t->aborted = true;
      return 0;
    }
  } else {
    t->response->body.append(ptr, len);
  }
  return len;
}

size_t OnHeader(char* ptr, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  internal::TakeCurlHeaderLine(std::string_view(ptr, size * n), &t->response->headers);
  return size * n;
}

Result<StreamResult> Perform(const Request& request,
                             const std::function<bool(std::string_view)>* on_data) {
  if (request.url.empty()) return InvalidArgumentError("HTTP request without a URL");
  CURL* h = ThreadHandle();
  if (h == nullptr) return InternalError("curl_easy_init failed");
  StreamResult out;
  Transfer t{&out.response, on_data, request.max_body_bytes};
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, internal::CurlMillis(request.timeout_seconds));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   internal::CurlMillis(request.connect_timeout_seconds));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  if (request.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl_slist* list = nullptr;
  for (const Header& hd : request.headers) {
    list = curl_slist_append(list, (hd.name + ": " + hd.value).c_str());
  }
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
  CURLcode rc = curl_easy_perform(h);
  curl_slist_free_all(list);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  out.response.status = status;
  if (t.aborted) {
    out.aborted = true;
    return out;
  }
  if (t.too_large) {
    return DataLossError("response from " + request.url + " is larger than " +
                         std::to_string(request.max_body_bytes) + " bytes");
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return DeadlineExceededError("HTTP request to " + request.url + " timed out");
  }
  if (rc != CURLE_OK) {
    return UnavailableError("HTTP request to " + request.url +
                            " failed: " + curl_easy_strerror(rc));
  }
  return out;
}

}  // namespace

std::string_view Response::HeaderValue(std::string_view name) const {
  for (const Header& h : headers) {
    if (h.name.size() == name.size() &&
        std::equal(h.name.begin(), h.name.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return h.value;
    }
  }
  return {};
}

namespace {

// One request on this thread's built-in transport. Errors read as libcurl's
// do: kUnavailable, kDeadlineExceeded, kDataLoss.
Result<Response> FetchPlain(const Request& request) {
  thread_local uint64_t received = 0;
  thread_local std::unique_ptr<internal::Transport> transport;
  if (!transport) {
    SAFEGATE_ASSIGN_OR_RETURN(transport, internal::NewPlainTransport(1, &received));
  }
  std::vector<internal::Finished> done;
  transport->Start(0, &request);
  while (done.empty()) transport->Drive(1000, &done);
  internal::Outcome& o = done.front().outcome;
  switch (o.kind) {
    case internal::Outcome::Kind::kResponse: return std::move(o.response);
    case internal::Outcome::Kind::kTimeout:
      return DeadlineExceededError("HTTP request to " + request.url + " timed out");
    case internal::Outcome::Kind::kTooLarge:
      return DataLossError("response from " + request.url + " is larger than " +
                           std::to_string(request.max_body_bytes) + " bytes");
    case internal::Outcome::Kind::kInvalid:
      return InvalidArgumentError("HTTP request to " + request.url + ": " + o.detail);
    case internal::Outcome::Kind::kFailed: break;
  }
  return UnavailableError("HTTP request to " + request.url + " failed: " + o.detail);
}

}  // namespace

Result<Response> Fetch(const Request& request) {
  if (internal::PlainWithoutProxy(request.url)) return FetchPlain(request);
  SAFEGATE_ASSIGN_OR_RETURN(StreamResult r, Perform(request, nullptr));
  return std::move(r.response);
}

Result<StreamResult> FetchStream(const Request& request,
                                 const std::function<bool(std::string_view)>& on_data) {
  return Perform(request, &on_data);
}

void AddBearer(std::vector<Header>* headers, std::string_view key) {
  if (key.empty()) return;
  headers->push_back({"Authorization", "Bearer " + std::string(key)});
}

std::string JoinUrl(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return std::string(base) + "/" + std::string(path);
}

}  // namespace safegate::net
