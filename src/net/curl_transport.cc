// Transport on libcurl's multi interface: one easy handle per slot,
// connections cached by the multi handle.
#include <curl/curl.h>

#include <mutex>

#include "curl_headers.h"
#include "transport.h"

namespace safegate::net::internal {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Slot {
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  bool in_multi = false;
  const Request* request = nullptr;
  Response response;
  size_t received = 0;
  bool too_large = false;
  uint64_t* bytes_counter = nullptr;
};

size_t OnBody(char* ptr, size_t size, size_t n, void* user) {
  auto* s = static_cast<Slot*>(user);
  size_t len = size * n;
  s->received += len;
  *s->bytes_counter += len;
  if (s->received > s->request->max_body_bytes) {
    s->too_large = true;
    return 0;
  }
  s->response.body.append(ptr, len);
  return len;
}

size_t OnHeader(char* ptr, size_t size, size_t n, void* user) {
  auto* s = static_cast<Slot*>(user);
  internal::TakeCurlHeaderLine(std::string_view(ptr, size * n), &s->response.headers);
  return size * n;
}

void Prepare(Slot* s) {
  CURL* h = s->easy;
  curl_easy_reset(h);
  s->response = Response{};
  s->received = 0;
  s->too_large = false;
  const Request& r = *s->request;
  curl_easy_setopt(h, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, internal::CurlMillis(r.timeout_seconds));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, internal::CurlMillis(r.connect_timeout_seconds));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, s);
  curl_easy_setopt(h, CURLOPT_PRIVATE, s);
  if (r.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
  }
  curl_slist_free_all(s->header_list);
  s->header_list = nullptr;
  for (const Header& hd : r.headers) {
    s->header_list = curl_slist_append(s->header_list, (hd.name + ": " + hd.value).c_str());
  }
  s->header_list = curl_slist_append(s->header_list, "Expect:");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, s->header_list);
}

class CurlTransport final : public Transport {
 public:
  CurlTransport(CURLM* multi, size_t slots, uint64_t* bytes) : multi_(multi), slots_(slots) {
    for (Slot& s : slots_) s.bytes_counter = bytes;
  }
  ~CurlTransport() override {
    for (Slot& s : slots_) {
      if (s.in_multi) curl_multi_remove_handle(multi_, s.easy);
      if (s.easy != nullptr) curl_easy_cleanup(s.easy);
      curl_slist_free_all(s.header_list);
    }
    curl_multi_cleanup(multi_);
  }

  Status Init() {
    const long n = static_cast<long>(slots_.size());
    curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, n);
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, n);
    for (Slot& s : slots_) {
      s.easy = curl_easy_init();
      if (s.easy == nullptr) return InternalError("curl_easy_init failed");
    }
    return OkStatus();
  }

  void Start(size_t slot, const Request* request) override {
    Slot& s = slots_[slot];
    s.request = request;
    Prepare(&s);
    curl_multi_add_handle(multi_, s.easy);
    s.in_multi = true;
    in_flight_++;
  }

  void Drive(int timeout_ms, std::vector<Finished>* done) override {
    if (in_flight_ > 0) {
      // Drive the transfers first; wait only when nothing finished, so a
      // response that arrived meanwhile is never left waiting for a timeout.
      int running = 0;
      curl_multi_perform(multi_, &running);
      if (static_cast<size_t>(running) == in_flight_) {
        curl_multi_poll(multi_, nullptr, 0, timeout_ms, nullptr);
        curl_multi_perform(multi_, &running);
      }
    } else {
      curl_multi_poll(multi_, nullptr, 0, timeout_ms, nullptr);  // until Wakeup()
    }
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Slot* sp = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&sp));
      CURLcode rc = msg->data.result;
      Slot& s = *sp;
      curl_multi_remove_handle(multi_, s.easy);
      s.in_multi = false;
      in_flight_--;
      Finished f{static_cast<size_t>(sp - slots_.data()), {}};
      if (s.too_large) {
        f.outcome.kind = Outcome::Kind::kTooLarge;
      } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        f.outcome.kind = Outcome::Kind::kTimeout;
      } else if (rc != CURLE_OK) {
        f.outcome.kind = Outcome::Kind::kFailed;
        f.outcome.detail = curl_easy_strerror(rc);
      } else {
        long status = 0;
        curl_easy_getinfo(s.easy, CURLINFO_RESPONSE_CODE, &status);
        s.response.status = status;
        f.outcome.response = std::move(s.response);
      }
      done->push_back(std::move(f));
    }
  }

  void Wakeup() override { curl_multi_wakeup(multi_); }

 private:
  CURLM* multi_;
  std::vector<Slot> slots_;
  size_t in_flight_ = 0;
};

}  // namespace

Result<std::unique_ptr<Transport>> NewCurlTransport(size_t slots, uint64_t* bytes_received) {
  GlobalInit();
  CURLM* multi = curl_multi_init();
  if (multi == nullptr) return InternalError("curl_multi_init failed");
  auto t = std::make_unique<CurlTransport>(multi, slots, bytes_received);
  SAFEGATE_RETURN_IF_ERROR(t->Init());
  return std::unique_ptr<Transport>(std::move(t));
}

}  // namespace safegate::net::internal
