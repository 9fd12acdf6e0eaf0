// net::Client: the call policy (slots, retries with back-off, one
// token-bucket rate limiter for all attempts) over a Transport that moves the
// bytes (net/transport.h).
#include "safegate/net/client.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <queue>
#include <random>
#include <thread>
#include <vector>

#include "transport.h"

namespace safegate::net {
namespace {

using Clock = std::chrono::steady_clock;

// A wait in seconds as a clock duration (a rate of 1e-300 per second or a
// back-off of 1e300 s is capped at a year).
Clock::duration Seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(internal::CapSeconds(s)));
}

struct Slot {
  bool busy = false;  // holds a call (in flight or waiting to retry)
  uint64_t tag = 0;
  Request request;
  int attempts = 0;
  Clock::time_point first_start;
  double timeout_seconds = 0;  // the request's own per-attempt timeout
};

struct Waiting {
  Clock::time_point ready;
  size_t slot;
  bool operator>(const Waiting& o) const { return ready > o.ready; }
};

bool ProxyConfigured() {
  for (const char* name : {"http_proxy", "all_proxy", "ALL_PROXY"}) {
    const char* v = std::getenv(name);
    if (v != nullptr && *v != '\0') return true;
  }
  return false;
}

// The engine for a Run() whose first request goes to `url`.
HttpEngine Choose(HttpEngine wanted, const std::string& url) {
  if (wanted != HttpEngine::kAuto) return wanted;
  return internal::PlainWithoutProxy(url) ? HttpEngine::kBuiltin : HttpEngine::kCurl;
}

}  // namespace

bool internal::PlainWithoutProxy(std::string_view url) {
  bool plain =
      url.size() >= 7 && std::equal(url.begin(), url.begin() + 7, "http://", [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == b;
      });
  return plain && !ProxyConfigured();
}

Result<HttpEngine> ParseHttpEngine(std::string_view name) {
  if (name == "auto") return HttpEngine::kAuto;
  if (name == "builtin") return HttpEngine::kBuiltin;
  if (name == "curl") return HttpEngine::kCurl;
  return InvalidArgumentError("unknown HTTP client '" + std::string(name) +
                              "' (expected auto, builtin or curl)");
}

std::string_view HttpEngineName(HttpEngine engine) {
  switch (engine) {
    case HttpEngine::kBuiltin: return "builtin";
    case HttpEngine::kCurl: return "curl";
    case HttpEngine::kAuto: break;
  }
  return "auto";
}

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
  // Interrupt the wait only when Run() is waiting for the source; otherwise
  // it sees wake_ on its next pass (no syscall on the common path).
  if (!source_wait_.load()) return;
  std::lock_guard<std::mutex> lock(transport_mu_);
  if (transport_ != nullptr) {
    transport_->Wakeup();
  } else {
    wake_cv_.notify_all();
  }
}

Status Client::Run(const NextFn& next, const DoneFn& done) {
  return Run(PollNextFn([&next](uint64_t* tag, Request* request) {
               return next(tag, request) ? Next::kCall : Next::kDone;
             }),
             done);
}

Status Client::Run(const PollNextFn& next, const DoneFn& done) {
  stop_.store(false);
  const size_t n = static_cast<size_t>(options_.concurrency);
  std::vector<Slot> slots(n);
  // Made when the first request is known (kAuto looks at its URL).
  std::unique_ptr<internal::Transport> transport;
  auto set_transport = [&](std::unique_ptr<internal::Transport> t) {
    std::lock_guard<std::mutex> lock(transport_mu_);
    transport_ = t.get();
    if (t == nullptr) {
      transport.reset();  // under the lock: Wake() may be using it
    } else {
      transport = std::move(t);
    }
  };

  std::mt19937_64 rng(options_.jitter_seed != 0
                          ? options_.jitter_seed
                          : static_cast<uint64_t>(Clock::now().time_since_epoch().count()));
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  std::priority_queue<Waiting, std::vector<Waiting>, std::greater<>> waiting;
  const bool limited = options_.requests_per_second > 0;
  const auto interval = Seconds(limited ? 1.0 / options_.requests_per_second : 0);
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
  std::vector<internal::Finished> finished;
  const double deadline_seconds = options_.call_deadline_seconds;
  const bool has_deadline = deadline_seconds > 0;
  // Past the call's deadline (`at` from its first attempt's start).
  auto past_deadline = [&](const Slot& s, Clock::time_point at) {
    return has_deadline &&
           std::chrono::duration<double>(at - s.first_start).count() >= deadline_seconds;
  };
  // The end of a call that ran out of time; `last` says how its last attempt ended.
  auto deadline_error = [&](const Slot& s, const std::string& last) {
    char d[32];
    std::snprintf(d, sizeof d, "%g", deadline_seconds);
    return DeadlineExceededError("the call's deadline of " + std::string(d) + " s ended it after " +
                                 std::to_string(s.attempts) +
                                 (s.attempts == 1 ? " attempt" : " attempts") +
                                 " (the last: " + last + ")");
  };

  auto start = [&](size_t i) -> Status {
    Slot& s = slots[i];
    if (transport == nullptr) {
      HttpEngine engine = Choose(options_.engine, s.request.url);
      auto t = engine == HttpEngine::kBuiltin
                   ? internal::NewPlainTransport(n, &stats_.bytes_received)
                   : internal::NewCurlTransport(n, &stats_.bytes_received);
      if (!t.ok()) return t.status();
      set_transport(std::move(t).value());
      stats_.engine = engine;
    }
    if (s.attempts == 0) s.timeout_seconds = s.request.timeout_seconds;
    if (has_deadline) {
      // An attempt ends by the call's deadline at the latest.
      double left =
          deadline_seconds - std::chrono::duration<double>(Clock::now() - s.first_start).count();
      double t = s.timeout_seconds > 0 ? std::min(s.timeout_seconds, left) : left;
      s.request.timeout_seconds = std::max(0.001, t);
    }
    s.attempts++;
    stats_.attempts++;
    if (s.attempts > 1) stats_.retries++;
    transport->Start(i, &s.request);
    in_flight++;
    return OkStatus();
  };
  auto finish = [&](size_t i, CallResult&& r) {
    Slot& s = slots[i];
    r.attempts = s.attempts;
    r.seconds = std::chrono::duration<double>(Clock::now() - s.first_start).count();
    s.busy = false;
    free_slots.push_back(i);
    stats_.calls++;
    uint64_t tag = s.tag;
    s.request = Request{};
    done(tag, std::move(r));
  };

  Status status;
  while (status.ok()) {
    if (options_.stop_flag != nullptr && options_.stop_flag->load()) stop_.store(true);
    if (stop_.load()) {
      status = FailedPreconditionError("stopped");
      break;
    }
    Clock::time_point now = Clock::now();
    // Retries whose wait is over go first.
    while (status.ok() && !waiting.empty() && waiting.top().ready <= now) {
      size_t i = waiting.top().slot;
      if (past_deadline(slots[i], now)) {  // waited for a token until the deadline
        waiting.pop();
        CallResult r;
        r.response = deadline_error(slots[i], "a retry waiting for the request rate limit");
        finish(i, std::move(r));
        waiting_for_source = false;  // as below: more work may be available
        source_wait_.store(false);
        continue;
      }
      if (!take_token(now)) break;
      waiting.pop();
      status = start(i);
    }
    // New calls into free slots.
    if (wake_.exchange(false)) waiting_for_source = false;
    if (!waiting_for_source) source_wait_.store(false);
    while (status.ok() && !exhausted && !waiting_for_source && !free_slots.empty() &&
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
      status = start(i);
    }
    if (!status.ok()) break;
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
    finished.clear();
    if (transport != nullptr && (in_flight > 0 || waiting_for_source)) {
      // Moves the attempts along; with nothing in flight (waiting for the
      // source) it waits for Wakeup() or the timeout.
      transport->Drive(timeout_ms, &finished);
    } else if (waiting_for_source) {
      // No transport yet (no request seen): wait for Wake() on the condition variable.
      std::unique_lock<std::mutex> lock(transport_mu_);
      wake_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return wake_.load(); });
    } else if (timeout_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms));
    }

    for (internal::Finished& f : finished) {
      size_t i = f.slot;
      Slot& s = slots[i];
      in_flight--;
      const std::string& url = s.request.url;
      CallResult r;
      bool retryable = false;
      double retry_after = -1;
      std::string last;  // how the attempt ended, for a deadline error
      switch (f.outcome.kind) {
        case internal::Outcome::Kind::kTooLarge:
          r.response = DataLossError("response from " + url + " is larger than " +
                                     std::to_string(s.request.max_body_bytes) + " bytes");
          break;
        case internal::Outcome::Kind::kTimeout:
          r.response = DeadlineExceededError("HTTP request to " + url + " timed out");
          last = "timed out";
          retryable = true;
          break;
        case internal::Outcome::Kind::kFailed:
          r.response = UnavailableError("HTTP request to " + url + " failed: " + f.outcome.detail);
          last = "failed: " + f.outcome.detail;
          retryable = true;
          break;
        case internal::Outcome::Kind::kInvalid:
          r.response = InvalidArgumentError("HTTP request to " + url + ": " + f.outcome.detail);
          break;
        case internal::Outcome::Kind::kResponse: {
          long status_code = f.outcome.response.status;
          if (status_code == 429 || status_code >= 500) {
            retryable = true;
            retry_after = ParseRetryAfter(f.outcome.response.HeaderValue("Retry-After"));
            last = "HTTP " + std::to_string(status_code);
            if (retry_after >= 0) {
              char ra[32];
              std::snprintf(ra, sizeof ra, "%g", retry_after);
              last += " with Retry-After " + std::string(ra) + " s";
            }
          }
          r.response = std::move(f.outcome.response);
          break;
        }
      }
      const Clock::time_point ended = Clock::now();
      if (retryable && past_deadline(s, ended)) {
        // The attempt's timeout was cut by the deadline, or the deadline
        // passed while it ran: no retry.
        r.response = deadline_error(s, last);
      } else if (retryable && s.attempts < options_.max_attempts && !stop_.load()) {
        double wait = std::min(options_.backoff_max_seconds,
                               options_.backoff_initial_seconds * std::pow(2.0, s.attempts - 1));
        wait *= jitter(rng);
        if (retry_after >= 0) {
          wait = std::max(wait, std::min(retry_after, options_.max_retry_after_seconds));
        }
        const Clock::time_point ready = ended + Seconds(wait);
        if (!past_deadline(s, ready)) {
          waiting.push({ready, i});
          continue;
        }
        // The next attempt could only start after the deadline: end now
        // rather than wait for nothing.
        r.response = deadline_error(s, last);
      }
      finish(i, std::move(r));
      waiting_for_source = false;  // a finished call may have made more work available
      source_wait_.store(false);
    }
  }
  set_transport(nullptr);  // abandons whatever is still in flight
  return status;
}

}  // namespace safegate::net
