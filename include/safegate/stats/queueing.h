// Queueing figures for sizing a review team: the Erlang C (M/M/N) model and
// service-level percentiles of measured decision times.
//
// Model: flags arrive as a Poisson stream at `arrivals_per_hour`; each takes
// an exponentially distributed handling time with mean `handling_minutes`;
// N reviewers work a single first-come-first-served queue with no abandonment.
// The offered load is A = arrivals_per_hour * handling_minutes / 60 erlangs;
// the queue is stable only when N > A.
//
// Two service levels are offered:
//   kPickedUp: P(wait <= T)            = 1 - C(N, A) e^{-(N - A) T / h}
//              (the classic call-centre service level, "answered within T")
//   kDecided:  P(wait + handling <= T), the time from flag to decision, which
//              is what "95% of flags decided within 30 minutes" asks; exact
//              for M/M/N (hypo-exponential tail, see queueing.cc).
// Pure functions, thread-safe. Reference: Erlang C via the Erlang B recursion
// B(0) = 1, B(n) = A B(n-1) / (n + A B(n-1)), C = N B / (N - A (1 - B)),
// which is stable for thousands of servers.
#pragma once

#include <cstdint>
#include <vector>

#include "safegate/base/status.h"

namespace safegate::stats {

// Probability that an arrival has to wait (Erlang C). 1 when servers <= load.
double ErlangC(int64_t servers, double offered_load);

enum class ServiceLevelKind { kPickedUp, kDecided };

struct QueueModel {
  double arrivals_per_hour = 0;
  double handling_minutes = 0;
  double OfferedLoad() const { return arrivals_per_hour * handling_minutes / 60.0; }
};

// The share of flags served within `target_minutes` with `servers` reviewers.
// 0 when the queue is unstable (servers <= load).
double ServiceLevel(const QueueModel& model, int64_t servers, double target_minutes,
                    ServiceLevelKind kind);

// Mean wait before a reviewer picks a flag up, in minutes (infinity when
// unstable).
double MeanWaitMinutes(const QueueModel& model, int64_t servers);

// Reviewer occupancy A / N (may exceed 1 when unstable).
double Occupancy(const QueueModel& model, int64_t servers);

struct StaffingResult {
  int64_t servers = 0;       // the smallest N meeting the target
  double service_level = 0;  // achieved at N
  double prob_wait = 0;      // C(N, A)
  double mean_wait_minutes = 0;
  double occupancy = 0;
};

// The smallest number of reviewers for which ServiceLevel(...) >= target_share
// (0 < target_share < 1, target_minutes > 0, handling_minutes > 0,
// arrivals_per_hour >= 0). Zero arrivals need zero reviewers. Fails with
// kInvalidArgument on bad parameters, or when more than `max_servers` would be
// needed. Monotone: more load never needs fewer reviewers.
Result<StaffingResult> RequiredServers(const QueueModel& model, double target_share,
                                       double target_minutes, ServiceLevelKind kind,
                                       int64_t max_servers = 1000000);

// The p-th percentile (0 <= p <= 100) of `values` by the nearest-rank method:
// the smallest value such that at least p% of the values are <= it (p = 0
// gives the minimum). Empty input gives NaN. `values` need not be sorted.
double PercentileNearestRank(std::vector<double> values, double p);

// The share of `values` that are <= limit (0 for empty input).
double ShareAtMost(const std::vector<double>& values, double limit);

}  // namespace safegate::stats
