// Strikes: the profile's rule for users who keep sending unallowable input.
//
// A user is suspended for `suspend_seconds` when their flagged inputs reach
// `consecutive` in a row (a clean input resets the run) or `per_day` within
// one calendar day (UTC). 0 disables a rule. For tc260-2024 the profile gives
// strikes.consecutive = 3 and strikes.per_day = 5.
#pragma once

#include <cstdint>
#include <string>

#include "safegate/base/status.h"
#include "safegate/policy/profile.h"

namespace safegate::moderation {

struct StrikeRule {
  int64_t consecutive = 0;
  int64_t per_day = 0;
  int64_t suspend_seconds = 24 * 3600;
};

// Reads strikes.consecutive and strikes.per_day from the profile (absent: 0).
StrikeRule StrikeRuleFromProfile(const policy::Profile& profile, int64_t suspend_seconds);

struct StrikeState {
  int64_t consecutive = 0;      // flagged inputs in a row
  std::string day;              // "YYYY-MM-DD" (UTC) that day_count counts
  int64_t day_count = 0;        // flagged inputs on `day`
  int64_t suspended_until = 0;  // unix seconds; 0 or past: not suspended
  std::string reason;           // why the last suspension happened
};

// "YYYY-MM-DD" of unix time `t` in UTC.
std::string UtcDay(int64_t t);

// Applies one input (flagged or clean) at time `now` to `state`. Returns true
// when this input started a suspension (state->suspended_until is then set
// and the run counters are reset).
bool ApplyStrike(const StrikeRule& rule, bool flagged, int64_t now, StrikeState* state);

}  // namespace safegate::moderation
