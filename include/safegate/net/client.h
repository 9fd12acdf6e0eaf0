// Concurrent HTTP client: many requests over keep-alive connections, on one
// thread, with bounded concurrency, a request-rate limit, timeouts and retries.
//
// One event loop, no thread per request, on one of two transports: a
// built-in HTTP/1.1 client (epoll, keep-alive) for plain http:// URLs, or
// libcurl's multi interface for everything else (https, proxies). The
// engine option picks one; kAuto takes the built-in client when the first
// request of a Run() is plain http:// and no proxy is configured
// (http_proxy, all_proxy or ALL_PROXY set), libcurl otherwise.
// Client::Run() pulls requests from a callback while fewer than `concurrency`
// are in flight, and reports each finished call to another callback, both on
// the calling thread. Connections are reused across calls (keep-alive).
//
// Retries: a call is retried when the transport fails (refused, reset,
// timeout, connection closed without a response) or the server answers 429
// or 5xx, up to `max_attempts` attempts in total. The wait before attempt
// k+1 is min(backoff_max, backoff_initial * 2^(k-1)) scaled by a random
// factor in [0.5, 1] (jitter); when the response carries Retry-After
// (seconds), the wait is at least that (capped at max_retry_after). Every
// attempt, including retries, takes a token from the rate limiter.
//
// Deadline: with call_deadline_seconds > 0 a call, retries and waits
// included, ends by then. An attempt's timeout is cut to the time left; a
// retry whose wait would end at or after the deadline is not made; a retry
// still waiting (for a rate-limit token) at the deadline is dropped. Such a
// call ends with kDeadlineExceeded naming the deadline, the attempts made and
// how the last one ended, never with the last response.
//
// Not thread-safe: one Run() at a time per Client; Stop() may be called from
// any thread (or set ClientOptions::stop_flag from a signal handler).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>

#include "safegate/base/status.h"
#include "safegate/net/http.h"

namespace safegate::net {

namespace internal {
class Transport;
}

enum class HttpEngine { kAuto, kBuiltin, kCurl };
// "auto", "builtin", "curl".
Result<HttpEngine> ParseHttpEngine(std::string_view name);
std::string_view HttpEngineName(HttpEngine engine);

struct ClientOptions {
  int concurrency = 16;            // calls in flight at most (>= 1)
  double requests_per_second = 0;  // attempts started per second at most; 0: unlimited
  int max_attempts = 5;            // attempts per call, including the first (>= 1)
  double backoff_initial_seconds = 0.5;
  double backoff_max_seconds = 30;
  double max_retry_after_seconds = 300;  // a longer Retry-After is capped to this
  // The time a call may take from its first attempt's start to its end,
  // retries and waits included (see Deadline above); <= 0: none.
  double call_deadline_seconds = 0;
  uint64_t jitter_seed = 0;  // 0: seeded from the clock
  HttpEngine engine = HttpEngine::kAuto;
  // Read on every pass of Run(): true acts as Stop(). Meant for a flag a
  // signal handler sets (Stop() is not async-signal-safe). Seen when the wait
  // for events ends: at once if the signal lands on Run()'s thread, else at
  // the next response, retry or timeout deadline, not after a failing call's
  // last retry.
  const std::atomic<bool>* stop_flag = nullptr;
};

// What happened to one call.
struct CallResult {
  // The final response (any HTTP status, including a 429/5xx after the last
  // attempt), or the transport error of the last attempt: kUnavailable
  // (connection), kDeadlineExceeded (timeout, or the call's deadline),
  // kDataLoss (body too large).
  Result<Response> response = Response{};
  int attempts = 0;
  double seconds = 0;  // from the first attempt's start to the end, waits included
};

struct ClientStats {
  uint64_t calls = 0;     // finished calls
  uint64_t attempts = 0;  // attempts started
  uint64_t retries = 0;   // attempts beyond the first
  uint64_t bytes_received = 0;
  HttpEngine engine = HttpEngine::kAuto;  // the transport the last Run() used
};

class Client {
 public:
  explicit Client(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Fills `*request` with the next call and sets `*tag`; returns false when
  // there is nothing more to send (Run() then drains the calls in flight).
  using NextFn = std::function<bool(uint64_t* tag, Request* request)>;
  // Receives each finished call once.
  using DoneFn = std::function<void(uint64_t tag, CallResult&& result)>;

  // Runs until `next` returns false and every call has finished, or until
  // Stop(): then calls in flight are abandoned (not reported) and Run()
  // returns kFailedPrecondition ("stopped"). Errors of individual calls go to
  // `done`; Run() itself fails only when its transport cannot be set up.
  Status Run(const NextFn& next, const DoneFn& done);

  // The same with a source that can also say "nothing yet, more later"
  // (kWait): Run() then stops asking until a call finishes or another thread
  // calls Wake(), and asks again. kDone means nothing more will come.
  enum class Next { kCall, kWait, kDone };
  using PollNextFn = std::function<Next(uint64_t* tag, Request* request)>;
  Status Run(const PollNextFn& next, const DoneFn& done);

  // Asks Run() to return soon. Thread-safe.
  void Stop();
  // Makes a waiting Run() ask `next` again soon. Thread-safe; harmless when
  // Run() is not running.
  void Wake();

  const ClientStats& stats() const { return stats_; }

 private:
  struct Impl;
  ClientOptions options_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> wake_{false};
  std::atomic<bool> source_wait_{false};  // Run() waits for the source (kWait)
  std::mutex transport_mu_;               // guards transport_ for Wake()/Stop() from other threads
  internal::Transport* transport_ = nullptr;  // of a running Run(), once its first request is known
  std::condition_variable wake_cv_;           // Wake() before there is a transport
  ClientStats stats_;
};

// Parses a Retry-After value given in seconds ("2", "0.5"); an HTTP date or
// garbage gives -1.
double ParseRetryAfter(std::string_view value);

}  // namespace safegate::net
