// Staffing scenarios: the reviewers a decision-time target needs under the
// Erlang C model (queueing.h), as one typed result with one JSON shape,
// "safegate.staffing/2". Written by `serve staffing --json`, by the reviewer
// page's API (GET /ui/api/staffing) and, inside safegate.moderation-report/3,
// by `serve report`; read back by the assessment (assess/moderation_report.h).
//
//   {"schema": "safegate.staffing/2", "tool_version": "...",  (when written)
//    "model": "erlang-c",
//    "target": {"share": 0.95, "minutes": 30, "kind": "decided" | "picked-up"},
//    "measured": {"hours": 168, "arrivals_per_hour": 12.5,     (when measured)
//                 "handling_minutes": 4.2, "handling_measured_decisions": 80,
//                 "missing": [...], "note": "..."},
//    "scenarios": [{"name": "measured", "arrivals_per_hour": 12.5,
//                   "handling_minutes": 4.2, "offered_load_erlangs": 0.875,
//                   "reviewers": 3, "service_level": 0.97, "prob_wait": 0.05,
//                   "mean_wait_minutes": 0.1, "occupancy": 0.29,  (when computed)
//                   "curve": [{"reviewers": 2, "service_level": 0.9}, ...],
//                   "note": "...", "note_key": "...", "error": "..."}]}
//
// Absent optional parts are left out (measured, handling_minutes, the
// computed figures, curve, note, note_key, error). Version 1 (`serve staffing
// --json` of older safegate: kind/target_share/target_minutes at the top,
// each scenario's name in "scenario") is read too. Pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/stats/queueing.h"

namespace safegate::stats {

inline constexpr const char* kStaffingSchema = "safegate.staffing/2";

// "decided" or "picked-up".
std::string_view ServiceLevelKindName(ServiceLevelKind kind);
// Also accepts "picked_up" (the reviewer page's query spelling).
std::optional<ServiceLevelKind> ParseServiceLevelKind(std::string_view name);

struct StaffingTarget {
  double share = 0.95;  // the share of flags that must meet ...
  double minutes = 30;  // ... this time
  ServiceLevelKind kind = ServiceLevelKind::kDecided;
};

// Where the load came from, when it was measured from a service's queue.
struct StaffingMeasured {
  double hours = 0;  // the window measured; 0 = not given
  double arrivals_per_hour = 0;
  std::optional<double> handling_minutes;  // absent: not measured
  int64_t handling_measured_decisions = 0;
  std::vector<std::string> missing;  // figures that could not be measured
  std::string note;                  // "" = none
};

struct StaffingPoint {
  int64_t reviewers = 0;
  double service_level = 0;
};

struct StaffingScenario {
  std::string name;
  double arrivals_per_hour = 0;
  double handling_minutes = 0;
  // The smallest team meeting the target and its figures (RequiredServers);
  // absent when not computed, and then `note` or `error` says why.
  std::optional<double> offered_load_erlangs;
  std::optional<StaffingResult> result;
  std::vector<StaffingPoint> curve;  // the service level of team sizes around result->servers
  std::string note;                  // why nothing was computed ("" = none)
  std::string note_key;              // the note's message key (i18n/messages.json), or ""
  std::string error;                 // the target cannot be met or bad figures ("" = none)
};

struct Staffing {
  std::string schema = kStaffingSchema;  // as read: /1 or /2
  std::string tool_version;              // "" = left out
  std::string model = "erlang-c";
  StaffingTarget target;
  std::optional<StaffingMeasured> measured;
  std::vector<StaffingScenario> scenarios;
};

// The scenario `name` for `model`: RequiredServers against `target` (an error
// becomes `error`), and with curve_radius > 0 the service level of every team
// size within that many of the answer (at least 1, and above the load).
StaffingScenario PlanScenario(std::string name, const QueueModel& model,
                              const StaffingTarget& target, int curve_radius = 0);

// The JSON above (keys in that order).
nlohmann::ordered_json StaffingToJson(const Staffing& staffing);

// Reads it back (/1 or /2). Errors name `origin` and the field, with
// `prefix` before it ("staffing." inside a moderation report): a schema other
// than /1 or /2, a field of the wrong type, an unknown kind.
Result<Staffing> StaffingFromJson(const nlohmann::json& j, const std::string& origin,
                                  const std::string& prefix = "");

}  // namespace safegate::stats
