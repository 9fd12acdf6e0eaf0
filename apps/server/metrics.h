// Prometheus metrics of `safegate serve` (text exposition format 0.0.4).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace safegate::server {

// A histogram with fixed upper bounds (seconds); lock-free observation.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);
  // Appends the _bucket/_sum/_count lines for `name` with `labels` ("" or 'a="b"').
  void Render(const std::string& name, const std::string& labels, std::string* out) const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1 (+Inf)
  std::atomic<uint64_t> total_{0};
  std::atomic<uint64_t> sum_micros_{0};
};

class Metrics {
 public:
  explicit Metrics(const std::vector<std::string>& routes);
  void ObserveRequest(const std::string& route, int status, double seconds);
  void CountFlag(const std::string& source, const std::string& category);
  void CountEvent(const std::string& name);  // suspensions, stream cut-offs, ...
  void ObserveDecision(double seconds);
  // Renders everything; `queue_depth` < 0 leaves the gauge out.
  std::string Render(int64_t queue_depth) const;

 private:
  struct RouteStats {
    std::map<int, uint64_t> by_status;  // guarded by mu_
    Histogram latency;
    RouteStats();
  };
  std::map<std::string, std::unique_ptr<RouteStats>> routes_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, uint64_t> flags_;
  std::map<std::string, uint64_t> events_;
  Histogram decisions_;
};

}  // namespace safegate::server
