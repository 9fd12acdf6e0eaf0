#include "safegate/stats/queueing.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace safegate::stats {

double ErlangC(int64_t servers, double offered_load) {
  if (offered_load <= 0) return 0;
  if (servers <= 0 || static_cast<double>(servers) <= offered_load) return 1;
  double b = 1;  // Erlang B, by recursion on the number of servers
  for (int64_t n = 1; n <= servers; ++n) {
    b = offered_load * b / (static_cast<double>(n) + offered_load * b);
  }
  double n = static_cast<double>(servers);
  return n * b / (n - offered_load * (1 - b));
}

double ServiceLevel(const QueueModel& model, int64_t servers, double target_minutes,
                    ServiceLevelKind kind) {
  double a = model.OfferedLoad();
  double h = model.handling_minutes;
  if (a <= 0) {
    // Nobody waits; decisions take the handling time alone.
    if (kind == ServiceLevelKind::kPickedUp || h <= 0) return 1;
    return 1 - std::exp(-target_minutes / h);
  }
  if (static_cast<double>(servers) <= a) return 0;
  double c = ErlangC(servers, a);
  double mu = 1 / h;                                       // service rate per minute
  double theta = (static_cast<double>(servers) - a) * mu;  // rate of the wait, given waiting
  double t = target_minutes;
  if (kind == ServiceLevelKind::kPickedUp) return 1 - c * std::exp(-theta * t);
  // P(W + S > t): W = 0 with probability 1 - C, else Exp(theta); S ~ Exp(mu).
  double tail_s = std::exp(-mu * t);
  double tail_sum;  // P(E_theta + S > t)
  if (std::fabs(theta - mu) < 1e-12 * mu) {
    tail_sum = (1 + mu * t) * std::exp(-mu * t);
  } else {
    tail_sum = (theta * std::exp(-mu * t) - mu * std::exp(-theta * t)) / (theta - mu);
  }
  double tail = (1 - c) * tail_s + c * tail_sum;
  return std::clamp(1 - tail, 0.0, 1.0);
}

double MeanWaitMinutes(const QueueModel& model, int64_t servers) {
  double a = model.OfferedLoad();
  if (a <= 0) return 0;
  if (static_cast<double>(servers) <= a) return std::numeric_limits<double>::infinity();
  return ErlangC(servers, a) * model.handling_minutes / (static_cast<double>(servers) - a);
}

double Occupancy(const QueueModel& model, int64_t servers) {
  if (servers <= 0) return std::numeric_limits<double>::infinity();
  return model.OfferedLoad() / static_cast<double>(servers);
}

Result<StaffingResult> RequiredServers(const QueueModel& model, double target_share,
                                       double target_minutes, ServiceLevelKind kind,
                                       int64_t max_servers) {
  if (!(model.arrivals_per_hour >= 0) || !std::isfinite(model.arrivals_per_hour)) {
    return InvalidArgumentError("arrivals per hour must be a finite number >= 0");
  }
  if (!(model.handling_minutes > 0) || !std::isfinite(model.handling_minutes)) {
    return InvalidArgumentError("handling time must be a finite number > 0");
  }
  if (!(target_share > 0 && target_share < 1)) {
    return InvalidArgumentError("target share must be between 0 and 1 (exclusive)");
  }
  if (!(target_minutes > 0) || !std::isfinite(target_minutes)) {
    return InvalidArgumentError("target time must be a finite number > 0");
  }
  StaffingResult out;
  if (model.arrivals_per_hour == 0) {
    out.service_level = ServiceLevel(model, 0, target_minutes, kind);
    return out;
  }
  if (kind == ServiceLevelKind::kDecided &&
      1 - std::exp(-target_minutes / model.handling_minutes) < target_share) {
    char msg[240];
    std::snprintf(msg, sizeof msg,
                  "no number of reviewers can decide %g%% of flags within %g minutes: with a mean "
                  "handling time of %g minutes, handling alone takes longer",
                  target_share * 100, target_minutes, model.handling_minutes);
    return InvalidArgumentError(msg);
  }
  double a = model.OfferedLoad();
  auto too_many = [&] {
    return InvalidArgumentError("more than " + std::to_string(max_servers) +
                                " reviewers would be needed");
  };
  if (a >= static_cast<double>(max_servers)) return too_many();
  // ServiceLevel grows with N, so the answer is found by doubling then bisection.
  int64_t lo = static_cast<int64_t>(std::floor(a));  // unstable: fails the target
  int64_t hi = std::max<int64_t>(lo + 1, 1);
  while (ServiceLevel(model, hi, target_minutes, kind) < target_share) {
    if (hi >= max_servers) return too_many();
    lo = hi;
    hi = std::min(max_servers, hi * 2);
  }
  while (hi - lo > 1) {
    int64_t mid = lo + (hi - lo) / 2;
    if (ServiceLevel(model, mid, target_minutes, kind) >= target_share) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  out.servers = hi;
  out.service_level = ServiceLevel(model, hi, target_minutes, kind);
  out.prob_wait = ErlangC(hi, a);
  out.mean_wait_minutes = MeanWaitMinutes(model, hi);
  out.occupancy = Occupancy(model, hi);
  return out;
}

double PercentileNearestRank(std::vector<double> values, double p) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  p = std::clamp(p, 0.0, 100.0);
  if (p == 0) return values.front();
  // rank = ceil(p/100 * n), 1-based; computed in integers where possible.
  double r = std::ceil(p / 100.0 * static_cast<double>(values.size()) - 1e-9);
  size_t rank = static_cast<size_t>(std::max(1.0, r));
  return values[std::min(rank, values.size()) - 1];
}

double ShareAtMost(const std::vector<double>& values, double limit) {
  if (values.empty()) return 0;
  size_t n = 0;
  for (double v : values) n += v <= limit;
  return static_cast<double>(n) / static_cast<double>(values.size());
}

}  // namespace safegate::stats
