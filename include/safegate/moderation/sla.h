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
//  - open and overdue: items created before `to` and still not decided at
//    `now` that have waited longer than sla_minutes. They have missed the
//    target whatever happens next.
//  - within SLA (overall): decisions taking at most sla_minutes, over those
//    decisions PLUS the open-and-overdue items (each a miss): 17 items open
//    for hours and 2 decided in minutes is 2 of 19, not 100%.
//  - handling time: decided_at - claimed_at (the last claim), mean in minutes;
//    the staffing model's handling time. Timestamps are whole seconds, so a
//    decision in the claim's second measures 0 (counted in `handled`).
// Per reviewer: the same decision figures grouped by decided_by (decisions
// only: an open item has no reviewer to charge).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/store/store.h"

namespace safegate::moderation {

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
  int64_t decided_within = 0;  // decisions taking at most sla_minutes
  int64_t missed_open = 0;     // overall only: the report's open_overdue
  double within_sla = 0;       // decided_within / (decided + missed_open); 0 when both are 0
  int64_t handled = 0;         // decisions with a claim before them (handling time measured)
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
  int64_t oldest_open_age_seconds = 0;  // at `now`; 0 when the backlog is empty
  int64_t open_overdue = 0;             // not decided at `now`, waiting > sla_minutes
  DecisionFigures overall;
  std::vector<ReviewerFigures> per_reviewer;  // by decided count, descending
  std::vector<HourBucket> hours;              // every hour of the window, oldest first
};

// Computes the report. `now` is the time of the computation (ages of open
// items are measured to it), not the window's end. InvalidArgument when the
// window is empty or longer than 90 days, or sla_minutes <= 0.
Result<SlaReport> ComputeSla(store::Database& db, const SlaOptions& options, int64_t now);

}  // namespace safegate::moderation
