#include "safegate/moderation/sla.h"

#include <algorithm>
#include <cstdint>
#include <map>

#include "safegate/stats/queueing.h"

namespace safegate::moderation {
namespace {

struct Sample {
  std::vector<double> minutes;
  double handling_sum = 0;
  int64_t handled = 0;
  int64_t removed = 0;
};

DecisionFigures Figures(const Sample& s, double sla_minutes, int64_t missed_open) {
  DecisionFigures f;
  f.decided = static_cast<int64_t>(s.minutes.size());
  f.removed = s.removed;
  f.missed_open = missed_open;
  f.handled = s.handled;
  for (double m : s.minutes) f.decided_within += m <= sla_minutes ? 1 : 0;
  if (f.decided + missed_open > 0) {
    f.within_sla =
        static_cast<double>(f.decided_within) / static_cast<double>(f.decided + missed_open);
  }
  if (s.minutes.empty()) return f;
  f.p50_minutes = stats::PercentileNearestRank(s.minutes, 50);
  f.p90_minutes = stats::PercentileNearestRank(s.minutes, 90);
  f.p99_minutes = stats::PercentileNearestRank(s.minutes, 99);
  if (s.handled > 0) f.mean_handling_minutes = s.handling_sum / static_cast<double>(s.handled);
  return f;
}

}  // namespace

Result<SlaReport> ComputeSla(store::Database& db, const SlaOptions& options, int64_t now) {
  if (options.to <= options.from) return InvalidArgumentError("window: 'to' must be after 'from'");
  if (options.to - options.from > 90LL * 86400) {
    return InvalidArgumentError("window: at most 90 days");
  }
  if (!(options.sla_minutes > 0)) return InvalidArgumentError("sla_minutes: must be > 0");
  SlaReport rep;
  rep.options = options;

  // Arrivals, by hour.
  int64_t first_hour = options.from / 3600 * 3600;
  for (int64_t h = first_hour; h < options.to; h += 3600) rep.hours.push_back({h, 0, 0});
  auto bucket = [&](int64_t t) -> HourBucket* {
    if (t < first_hour) return nullptr;
    size_t i = static_cast<size_t>((t - first_hour) / 3600);
    return i < rep.hours.size() ? &rep.hours[i] : nullptr;
  };
  SAFEGATE_ASSIGN_OR_RETURN(
      auto arrivals,
      db.Query("SELECT created_at / 3600, COUNT(*) FROM review_queue WHERE created_at >= $1 AND "
               "created_at < $2 GROUP BY created_at / 3600",
               {options.from, options.to}));
  for (const auto& r : arrivals) {
    rep.arrivals += r.Int(1);
    if (HourBucket* b = bucket(r.Int(0) * 3600)) b->arrivals += r.Int(1);
  }
  rep.arrivals_per_hour =
      static_cast<double>(rep.arrivals) * 3600.0 / static_cast<double>(options.to - options.from);

  // Backlog and its oldest item.
  SAFEGATE_ASSIGN_OR_RETURN(
      auto backlog,
      db.Query("SELECT COUNT(*) FROM review_queue WHERE status IN ('open', 'claimed')"));
  rep.backlog = backlog.empty() ? 0 : backlog[0].Int(0);
  for (const char* st : {"open", "claimed"}) {
    SAFEGATE_ASSIGN_OR_RETURN(
        auto oldest, db.Query("SELECT created_at FROM review_queue WHERE status = $1 ORDER BY id "
                              "LIMIT 1",
                              {std::string(st)}));
    if (!oldest.empty()) {
      int64_t age = 0;  // a created_at edited to INT64_MIN must not overflow
      if (__builtin_sub_overflow(now, oldest[0].Int(0), &age)) age = INT64_MAX;
      age = std::max<int64_t>(0, age);
      rep.oldest_open_age_seconds = std::max(rep.oldest_open_age_seconds, age);
    }
  }

  // Open past the target: waiting since before now - sla (and created before
  // the window's end).
  const int64_t cutoff = now - static_cast<int64_t>(options.sla_minutes * 60.0);
  SAFEGATE_ASSIGN_OR_RETURN(
      auto overdue,
      db.Query("SELECT COUNT(*) FROM review_queue WHERE status IN ('open', 'claimed') AND "
               "created_at < $1 AND created_at < $2",
               {cutoff, options.to}));
  rep.open_overdue = overdue.empty() ? 0 : overdue[0].Int(0);

  // Decisions in the window: a range scan on decided_at ("status || ''" keeps
  // the planner off the (status, id) index, which would visit every decision).
  SAFEGATE_ASSIGN_OR_RETURN(
      auto decided,
      db.Query("SELECT decided_by, decision, created_at, claimed_at, decided_at FROM review_queue "
               "WHERE decided_at >= $1 AND decided_at < $2 AND (status || '') = 'decided'",
               {options.from, options.to}));
  Sample all;
  std::map<std::string, Sample> by;
  for (const auto& r : decided) {
    double minutes = (static_cast<double>(r.Int(4)) - static_cast<double>(r.Int(2))) / 60.0;
    Sample& s = by[r.Text(0)];
    for (Sample* x : {&all, &s}) {
      x->minutes.push_back(minutes);
      if (r.Text(1) == "remove") ++x->removed;
      if (r.Int(3) > 0 && r.Int(4) >= r.Int(3)) {
        x->handling_sum += static_cast<double>(r.Int(4) - r.Int(3)) / 60.0;
        ++x->handled;
      }
    }
    if (HourBucket* b = bucket(r.Int(4))) ++b->decided;
  }
  rep.overall = Figures(all, options.sla_minutes, rep.open_overdue);
  for (const auto& [who, s] : by)
    rep.per_reviewer.push_back({who, Figures(s, options.sla_minutes, 0)});
  std::stable_sort(rep.per_reviewer.begin(), rep.per_reviewer.end(),
                   [](const ReviewerFigures& a, const ReviewerFigures& b) {
                     return a.figures.decided > b.figures.decided;
                   });
  return rep;
}

}  // namespace safegate::moderation
