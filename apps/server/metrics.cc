#include "metrics.h"

#include <cstdio>

namespace safegate::server {
namespace {
std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}
std::string Num(double v) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}
}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i] = 0;
}

void Histogram::Observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  total_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(v * 1e6), std::memory_order_relaxed);
}

void Histogram::Render(const std::string& name, const std::string& labels, std::string* out) const {
  std::string sep = labels.empty() ? "" : labels + ",";
  uint64_t cum = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cum += counts_[i].load(std::memory_order_relaxed);
    std::string le = i < bounds_.size() ? Num(bounds_[i]) : "+Inf";
    *out += name + "_bucket{" + sep + "le=\"" + le + "\"} " + std::to_string(cum) + "\n";
  }
  std::string l = labels.empty() ? "" : "{" + labels + "}";
  *out += name + "_sum" + l + " " + Num(sum_micros_.load() / 1e6) + "\n";
  *out += name + "_count" + l + " " + std::to_string(total_.load()) + "\n";
}

Metrics::RouteStats::RouteStats()
    : latency(
          {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}) {}

Metrics::Metrics(const std::vector<std::string>& routes)
    : decisions_({60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400, 259200}) {
  for (const auto& r : routes) routes_[r] = std::make_unique<RouteStats>();
  routes_[""] = std::make_unique<RouteStats>();  // unmatched
}

void Metrics::ObserveRequest(const std::string& route, int status, double seconds) {
  auto it = routes_.find(route);
  if (it == routes_.end()) it = routes_.find("");
  RouteStats& s = *it->second;
  s.latency.Observe(seconds);
  std::lock_guard<std::mutex> lock(mu_);
  ++s.by_status[status];
}

void Metrics::CountFlag(const std::string& source, const std::string& category) {
  std::lock_guard<std::mutex> lock(mu_);
  ++flags_[{source, category}];
}

void Metrics::CountEvent(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  ++events_[name];
}

void Metrics::ObserveDecision(double seconds) {
  decisions_.Observe(seconds);
}

std::string Metrics::Render(int64_t queue_depth) const {
  std::string out;
  out += "# HELP safegate_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE safegate_http_requests_total counter\n";
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [route, s] : routes_) {
      for (const auto& [code, n] : s->by_status) {
        out += "safegate_http_requests_total{route=\"" + Escape(route) + "\",code=\"" +
               std::to_string(code) + "\"} " + std::to_string(n) + "\n";
      }
    }
  }
  out += "# HELP safegate_http_request_duration_seconds Request latency by route.\n";
  out += "# TYPE safegate_http_request_duration_seconds histogram\n";
  for (const auto& [route, s] : routes_) {
    s->latency.Render("safegate_http_request_duration_seconds", "route=\"" + Escape(route) + "\"",
                      &out);
  }
  out += "# HELP safegate_flags_total Flagged texts by source and category.\n";
  out += "# TYPE safegate_flags_total counter\n";
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [k, n] : flags_) {
      out += "safegate_flags_total{source=\"" + Escape(k.first) + "\",category=\"" +
             Escape(k.second) + "\"} " + std::to_string(n) + "\n";
    }
    out +=
        "# HELP safegate_events_total Suspensions, stream cut-offs, blocked answers, judge "
        "errors (judge_error_blocked: failed closed with 503, the default; judge_error_passed: "
        "let through by fail_open).\n";
    out += "# TYPE safegate_events_total counter\n";
    for (const auto& [k, n] : events_) {
      out += "safegate_events_total{event=\"" + Escape(k) + "\"} " + std::to_string(n) + "\n";
    }
  }
  if (queue_depth >= 0) {
    out += "# HELP safegate_review_queue_depth Review items not decided yet.\n";
    out += "# TYPE safegate_review_queue_depth gauge\n";
    out += "safegate_review_queue_depth " + std::to_string(queue_depth) + "\n";
  }
  out += "# HELP safegate_review_time_to_decision_seconds From queueing to decision.\n";
  out += "# TYPE safegate_review_time_to_decision_seconds histogram\n";
  decisions_.Render("safegate_review_time_to_decision_seconds", "", &out);
  return out;
}

}  // namespace safegate::server
