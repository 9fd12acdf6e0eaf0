#include "safegate/review/login_throttle.h"

#include <algorithm>
#include <cmath>

namespace safegate::review {

double LoginThrottle::WaitFor(const Entry& e, int64_t free, double now) const {
  if (e.failures < free) return 0;
  const double exponent = static_cast<double>(std::min<int64_t>(e.failures - free, 30));
  const double delay =
      std::min(options_.max_delay_seconds, options_.base_delay_seconds * std::pow(2.0, exponent));
  return std::max(0.0, e.last + delay - now);
}

double LoginThrottle::Wait(const std::string& account, const std::string& address, double now) {
  std::lock_guard<std::mutex> lock(mu_);
  double wait = 0;
  if (auto it = accounts_.find(account); it != accounts_.end()) {
    wait = std::max(wait, WaitFor(it->second, options_.free_failures, now));
  }
  if (auto it = addresses_.find(address); it != addresses_.end()) {
    wait = std::max(wait, WaitFor(it->second, options_.free_failures_address, now));
  }
  return wait;
}

void LoginThrottle::Trim(double now) {
  for (auto* table : {&accounts_, &addresses_}) {
    if (table->size() < options_.max_entries) continue;
    for (auto it = table->begin(); it != table->end();) {
      it = now - it->second.last > 3600 ? table->erase(it) : std::next(it);
    }
    // Still full of recent entries: forget the oldest half.
    if (table->size() >= options_.max_entries) {
      std::vector<double> times;
      for (const auto& [k, e] : *table) times.push_back(e.last);
      std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
      const double cut = times[times.size() / 2];
      for (auto it = table->begin(); it != table->end();) {
        it = it->second.last <= cut ? table->erase(it) : std::next(it);
      }
    }
  }
}

void LoginThrottle::Failure(const std::string& account, const std::string& address, double now) {
  std::lock_guard<std::mutex> lock(mu_);
  Trim(now);
  for (auto [table, key] : {std::pair{&accounts_, &account}, std::pair{&addresses_, &address}}) {
    Entry& e = (*table)[*key];
    if (now - e.last > 3600) e.failures = 0;  // an old run of failures is forgotten
    ++e.failures;
    e.last = now;
  }
}

void LoginThrottle::Success(const std::string& account, const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  accounts_.erase(account);
  addresses_.erase(address);
}

bool LoginThrottle::Enter() {
  std::lock_guard<std::mutex> lock(mu_);
  if (hashing_ >= options_.max_concurrent_hashes) return false;
  ++hashing_;
  return true;
}

void LoginThrottle::Leave() {
  std::lock_guard<std::mutex> lock(mu_);
  --hashing_;
}

}  // namespace safegate::review
