// SLA figures of the review queue, computed from the moderation store's
// review_queue table (docs/review-ui.md "Dashboard").
//
// Definitions, for a window [from, to) in unix seconds:
//  - arrivals: items whose created_at is in the window; per hour = arrivals /
//    window hours.
//  - backlog: items not decided (open or claimed) at `now`.
//  - time to decision: decided_at - created_at of items with status
//    'decided' and decided_at in the window (an escalation is not a decision:
//    the item stays in the queue one level up). Percentiles are nearest rank
//    (stats::PercentileNearestRank), in minutes.
//  - within SLA: share of those decisions taking at most sla_minutes.
//  - handling time: decided_at - claimed_at (the last claim), mean in minutes;
//    the staffing model's handling time.
// Per reviewer: the same decision figures grouped by decided_by.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/store/store.h"

namespace safegate::review {

struct SlaOptions {
  int64_t from = 0;  // window start (unix seconds, inclusive)
  int64_t to = 0;    // window end (exclusive); must be > from
  double sla_minutes = 30;
};

struct DecisionFigures {
  int64_t decided = 0;
  int64_t removed = 0;  // decisions "remove"
  double p50_minutes = 0;
  double p90_minutes = 0;
  double p99_minutes = 0;
  double within_sla = 0;  // share 0..1 (0 when nothing decided)
  double mean_handling_minutes = 0;
};

struct ReviewerFigures {
  std::string reviewer;
  DecisionFigures figures;
};

struct HourBucket {
  int64_t start = 0;  // unix seconds, a multiple of 3600
  int64_t arrivals = 0;
  int64_t decided = 0;
};

struct SlaReport {
  SlaOptions options;
  int64_t arrivals = 0;
  double arrivals_per_hour = 0;
  int64_t backlog = 0;
  int64_t oldest_open_age_seconds = 0;  // 0 when the backlog is empty
  DecisionFigures overall;
  std::vector<ReviewerFigures> per_reviewer;  // by decided count, descending
  std::vector<HourBucket> hours;              // every hour of the window, oldest first
};

// Computes the report. InvalidArgument when the window is empty or longer
// than 90 days, or sla_minutes <= 0.
Result<SlaReport> ComputeSla(store::Database& db, const SlaOptions& options, int64_t now);

}  // namespace safegate::review
