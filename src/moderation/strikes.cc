#include "safegate/moderation/strikes.h"

#include <cstdint>
#include <ctime>

#include "safegate/base/clock.h"

namespace safegate::moderation {

StrikeRule StrikeRuleFromProfile(const policy::Profile& profile, int64_t suspend_seconds) {
  StrikeRule rule;
  if (const auto* r = profile.Find("strikes.consecutive")) {
    rule.consecutive = static_cast<int64_t>(r->value);
  }
  if (const auto* r = profile.Find("strikes.per_day")) {
    rule.per_day = static_cast<int64_t>(r->value);
  }
  rule.suspend_seconds = suspend_seconds;
  return rule;
}

std::string UtcDay(int64_t t) {
  return FormatUtc(t, "%Y-%m-%d");
}

bool ApplyStrike(const StrikeRule& rule, bool flagged, int64_t now, StrikeState* state) {
  std::string day = UtcDay(now);
  if (state->day != day) {
    state->day = day;
    state->day_count = 0;
  }
  if (!flagged) {
    state->consecutive = 0;
    return false;
  }
  // Saturating: counts read back from the database may be anything.
  if (state->consecutive < INT64_MAX) ++state->consecutive;
  if (state->day_count < INT64_MAX) ++state->day_count;
  std::string reason;
  if (rule.consecutive > 0 && state->consecutive >= rule.consecutive) {
    reason = std::to_string(state->consecutive) + " flagged inputs in a row (limit " +
             std::to_string(rule.consecutive) + ")";
  } else if (rule.per_day > 0 && state->day_count >= rule.per_day) {
    reason = std::to_string(state->day_count) + " flagged inputs on " + day + " (limit " +
             std::to_string(rule.per_day) + " a day)";
  }
  if (reason.empty()) return false;
  if (__builtin_add_overflow(now, rule.suspend_seconds, &state->suspended_until))
    state->suspended_until = INT64_MAX;
  state->reason = reason;
  state->consecutive = 0;
  state->day_count = 0;
  return true;
}

}  // namespace safegate::moderation
