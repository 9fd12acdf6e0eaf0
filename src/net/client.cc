// net::Client on libcurl multi: fixed pool of easy handles (one per
// concurrency slot), connections cached by the multi handle, retries parked
// in a time-ordered queue, one token-bucket rate limiter for all attempts.
#include "safegate/net/client.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <queue>
#include <random>
#include <thread>
#include <vector>

namespace safegate::net {
namespace {

using Clock = std::chrono::steady_clock;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Slot {
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  bool busy = false;      // holds a call (in flight or waiting to retry)
  bool in_multi = false;  // added to the multi handle
  uint64_t tag = 0;
  Request request;
  Response response;
  int attempts = 0;
  Clock::time_point first_start;
  size_t received = 0;
  bool too_large = false;
  uint64_t* bytes_counter = nullptr;
};

size_t OnBody(char* ptr, size_t size, size_t n, void* user) {
  auto* s = static_cast<Slot*>(user);
  size_t len = size * n;
  s->received += len;
  *s->bytes_counter += len;
  if (s->received > s->request.max_body_bytes) {
    s->too_large = true;
    return 0;
  }
  s->response.body.append(ptr, len);
  return len;
}

size_t OnHeader(char* ptr, size_t size, size_t n, void* user) {
  auto* s = static_cast<Slot*>(user);
  size_t len = size * n;
  std::string_view line(ptr, len);
  if (line.starts_with("HTTP/")) {
    s->response.headers.clear();
    return len;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return len;
  auto trim = [](std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' '))
      v.remove_suffix(1);
    return v;
  };
  s->response.headers.push_back(
      {std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1)))});
  return len;
}

void Prepare(Slot* s) {
  CURL* h = s->easy;
  curl_easy_reset(h);
  s->response = Response{};
  s->received = 0;
  s->too_large = false;
  const Request& r = s->request;
  curl_easy_setopt(h, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout_seconds * 1000));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(r.connect_timeout_seconds * 1000));
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
  if (s->header_list == nullptr) {
    for (const Header& hd : r.headers) {
      s->header_list = curl_slist_append(s->header_list, (hd.name + ": " + hd.value).c_str());
    }
    s->header_list = curl_slist_append(s->header_list, "Expect:");
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, s->header_list);
}

struct Waiting {
  Clock::time_point ready;
  size_t slot;
  bool operator>(const Waiting& o) const { return ready > o.ready; }
};

}  // namespace

double ParseRetryAfter(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return -1;
  double v = 0;
  bool seen_dot = false;
  double scale = 0.1;
  for (char c : value) {
    if (c == '.' && !seen_dot) {
      seen_dot = true;
    } else if (c >= '0' && c <= '9') {
      if (seen_dot) {
        v += (c - '0') * scale;
        scale /= 10;
      } else {
        v = v * 10 + (c - '0');
      }
    } else {
      return -1;
    }
  }
  return v;
}

Client::Client(ClientOptions options) : options_(options) {
  options_.concurrency = std::max(1, options_.concurrency);
  options_.max_attempts = std::max(1, options_.max_attempts);
}

Client::~Client() = default;

void Client::Stop() {
  stop_.store(true);
  Wake();
}

void Client::Wake() {
  wake_.store(true);
  // Interrupt the poll only when Run() is waiting for the source; otherwise
  // it sees wake_ on its next pass (no syscall on the common path).
  if (!source_wait_.load()) return;
  std::lock_guard<std::mutex> lock(multi_mu_);
  if (multi_ != nullptr) curl_multi_wakeup(static_cast<CURLM*>(multi_));
}

Status Client::Run(const NextFn& next, const DoneFn& done) {
  return Run(PollNextFn([&next](uint64_t* tag, Request* request) {
               return next(tag, request) ? Next::kCall : Next::kDone;
             }),
             done);
}

Status Client::Run(const PollNextFn& next, const DoneFn& done) {
  GlobalInit();
  stop_.store(false);
  CURLM* multi = curl_multi_init();
  if (multi == nullptr) return InternalError("curl_multi_init failed");
  {
    std::lock_guard<std::mutex> lock(multi_mu_);
    multi_ = multi;
  }
  const size_t n = static_cast<size_t>(options_.concurrency);
  curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(n));
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(n));
  std::vector<Slot> slots(n);
  for (Slot& s : slots) {
    s.easy = curl_easy_init();
    s.bytes_counter = &stats_.bytes_received;
    if (s.easy == nullptr) return InternalError("curl_easy_init failed");
  }
  auto cleanup = [&] {
    {
      std::lock_guard<std::mutex> lock(multi_mu_);
      multi_ = nullptr;
    }
    for (Slot& s : slots) {
      if (s.in_multi) curl_multi_remove_handle(multi, s.easy);
      curl_easy_cleanup(s.easy);
      curl_slist_free_all(s.header_list);
    }
    curl_multi_cleanup(multi);
  };

  std::mt19937_64 rng(options_.jitter_seed != 0
                          ? options_.jitter_seed
                          : static_cast<uint64_t>(Clock::now().time_since_epoch().count()));
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  std::priority_queue<Waiting, std::vector<Waiting>, std::greater<>> waiting;
  const bool limited = options_.requests_per_second > 0;
  const auto interval = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(limited ? 1.0 / options_.requests_per_second : 0));
  Clock::time_point next_token = Clock::now();
  auto take_token = [&](Clock::time_point now) {
    if (!limited) return true;
    if (now < next_token) return false;
    next_token = std::max(next_token, now - interval) + interval;
    return true;
  };
  std::vector<size_t> free_slots;
  for (size_t i = n; i-- > 0;) free_slots.push_back(i);
  size_t in_flight = 0;
  bool exhausted = false;
  bool waiting_for_source = false;  // `next` said kWait; ask again after a wake or a finish

  auto start = [&](size_t i) {
    Slot& s = slots[i];
    Prepare(&s);
    s.attempts++;
    stats_.attempts++;
    if (s.attempts > 1) stats_.retries++;
    curl_multi_add_handle(multi, s.easy);
    s.in_multi = true;
    in_flight++;
  };
  auto finish = [&](size_t i, CallResult&& r) {
    Slot& s = slots[i];
    r.attempts = s.attempts;
    r.seconds = std::chrono::duration<double>(Clock::now() - s.first_start).count();
    s.busy = false;
    curl_slist_free_all(s.header_list);
    s.header_list = nullptr;
    free_slots.push_back(i);
    stats_.calls++;
    uint64_t tag = s.tag;
    s.request = Request{};
    done(tag, std::move(r));
  };

  while (true) {
    if (stop_.load()) {
      cleanup();
      return FailedPreconditionError("stopped");
    }
    Clock::time_point now = Clock::now();
    // Retries whose wait is over go first.
    while (!waiting.empty() && waiting.top().ready <= now && take_token(now)) {
      size_t i = waiting.top().slot;
      waiting.pop();
      start(i);
    }
    // New calls into free slots.
    if (wake_.exchange(false)) waiting_for_source = false;
    if (!waiting_for_source) source_wait_.store(false);
    while (!exhausted && !waiting_for_source && !free_slots.empty() &&
           (waiting.empty() || waiting.top().ready > now)) {
      if (limited && now < next_token) break;
      size_t i = free_slots.back();
      Slot& s = slots[i];
      Next got = next(&s.tag, &s.request);
      if (got == Next::kDone) {
        exhausted = true;
        break;
      }
      if (got == Next::kWait) {
        waiting_for_source = true;
        source_wait_.store(true);  // before the wake_ check below (see Wake())
        break;
      }
      free_slots.pop_back();
      take_token(now);
      s.busy = true;
      s.attempts = 0;
      s.first_start = now;
      start(i);
    }
    if (exhausted && in_flight == 0 && waiting.empty()) break;
    if (waiting_for_source && wake_.load()) continue;  // woken meanwhile: ask again

    // Sleep until a socket is ready, a retry is due or a token is available.
    Clock::time_point wake = now + std::chrono::milliseconds(200);
    if (!waiting.empty()) wake = std::min(wake, waiting.top().ready);
    if (limited && (!exhausted || !waiting.empty()) && next_token > now) {
      wake = std::min(wake, next_token);
    }
    int timeout_ms = static_cast<int>(std::max<int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count()));
    if (limited && !free_slots.empty() && !exhausted && next_token > now) {
      timeout_ms = std::max(timeout_ms, 1);
    }
    if (in_flight > 0) {
      // Drive the transfers first; wait only when nothing finished, so a
      // response that arrived meanwhile is never left waiting for a timeout.
      int running = 0;
      curl_multi_perform(multi, &running);
      if (static_cast<size_t>(running) == in_flight) {
        curl_multi_poll(multi, nullptr, 0, timeout_ms, nullptr);
        curl_multi_perform(multi, &running);
      }
    } else if (waiting_for_source) {
      // Nothing in flight: wait for Wake() (curl_multi_wakeup) or the timeout.
      curl_multi_poll(multi, nullptr, 0, timeout_ms, nullptr);
    } else if (timeout_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms));
    }

    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Slot* sp = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&sp));
      CURLcode rc = msg->data.result;
      size_t i = static_cast<size_t>(sp - slots.data());
      Slot& s = *sp;
      curl_multi_remove_handle(multi, s.easy);
      s.in_multi = false;
      in_flight--;
      long status = 0;
      curl_easy_getinfo(s.easy, CURLINFO_RESPONSE_CODE, &status);
      s.response.status = status;

      CallResult r;
      bool retryable = false;
      double retry_after = -1;
      if (s.too_large) {
        r.response = DataLossError("response from " + s.request.url + " is larger than " +
                                   std::to_string(s.request.max_body_bytes) + " bytes");
      } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        r.response = DeadlineExceededError("HTTP request to " + s.request.url + " timed out");
        retryable = true;
      } else if (rc != CURLE_OK) {
        r.response = UnavailableError("HTTP request to " + s.request.url +
                                      " failed: " + curl_easy_strerror(rc));
        retryable = true;
      } else {
        if (status == 429 || status >= 500) {
          retryable = true;
          retry_after = ParseRetryAfter(s.response.HeaderValue("Retry-After"));
        }
        r.response = std::move(s.response);
      }
      if (retryable && s.attempts < options_.max_attempts && !stop_.load()) {
        double wait = std::min(options_.backoff_max_seconds,
                               options_.backoff_initial_seconds * std::pow(2.0, s.attempts - 1));
        wait *= jitter(rng);
        if (retry_after >= 0) {
          wait = std::max(wait, std::min(retry_after, options_.max_retry_after_seconds));
        }
        waiting.push({Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(wait)),
                      i});
        continue;
      }
      finish(i, std::move(r));
      waiting_for_source = false;  // a finished call may have made more work available
      source_wait_.store(false);
    }
  }
  cleanup();
  return OkStatus();
}

}  // namespace safegate::net
