// Throttling of reviewer logins: guessing passwords must be slow, and a flood
// of logins must not take the service's workers.
//
// Failures are counted per account and per client address. After
// `free_failures` failures in a row, each further attempt must wait
// base_delay * 2^(failures - free_failures), at most max_delay; an attempt
// during the wait is refused before the password is looked at (so the right
// password does not work then either). A success clears the account's and the
// address's counts. Counters unused for an hour are forgotten; at most
// `max_entries` are kept (the oldest go first), so the table cannot grow
// without bound. The state is per process: several instances each throttle
// their own attempts.
//
// Password hashing (argon2id, ~20 MiB and tens of ms each) is limited to
// `max_concurrent_hashes` at once: Enter() returns false when that many are
// running, and the caller answers 503 instead of queueing a worker behind
// them.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace safegate::review {

struct LoginThrottleOptions {
  int64_t free_failures = 5;           // per account
  int64_t free_failures_address = 20;  // per address
  double base_delay_seconds = 1;
  double max_delay_seconds = 900;
  int64_t max_concurrent_hashes = 2;
  size_t max_entries = 100000;
};

class LoginThrottle {
 public:
  explicit LoginThrottle(LoginThrottleOptions options = {}) : options_(options) {}

  // 0 when an attempt for (account, address) may go ahead at `now` (unix
  // seconds, fractional); otherwise the seconds to wait.
  double Wait(const std::string& account, const std::string& address, double now);
  void Failure(const std::string& account, const std::string& address, double now);
  void Success(const std::string& account, const std::string& address);

  // The hashing slots: Enter() takes one if free; Leave() gives it back.
  bool Enter();
  void Leave();

 private:
  struct Entry {
    int64_t failures = 0;
    double last = 0;  // time of the last failure
  };
  double WaitFor(const Entry& e, int64_t free, double now) const;
  void Trim(double now);

  LoginThrottleOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> accounts_;
  std::unordered_map<std::string, Entry> addresses_;
  int64_t hashing_ = 0;
};

}  // namespace safegate::review
