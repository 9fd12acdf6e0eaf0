// The moderation evidence of an assessment: `safegate serve report --json`
// writes it from a service's database, the assessment's moderation step keeps
// it as evidence/moderation.json, and BuildReport (assess.h) reads it. One
// typed definition for both sides, schema "safegate.moderation-report/3".
// Its staffing part is a safegate.staffing/2 object (stats/staffing.h), the
// shape `serve staffing --json` and the reviewer page's API write.
//
// Older files are read too. Version 2 had its own staffing shape
// ({model, arrivals_per_hour, handling_minutes, handling_measured_decisions,
// missing, note, offered_load_erlangs, required_reviewers, service_level}),
// read into the same struct: the measured figures, and the team as one
// scenario "measured" (with only reviewers and service_level of its
// figures). Version 1 lacks open_overdue (decisions only were counted) and
// staffing, which read as 0 and absent.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/stats/staffing.h"

namespace safegate::assess {

inline constexpr const char* kModerationReportSchema = "safegate.moderation-report/3";

// The service's strike rule (from its config and the policy's profile).
struct ModerationStrikes {
  int64_t consecutive = 0;
  int64_t per_day = 0;
  int64_t suspend_minutes = 0;
};

struct ModerationReport {
  std::string schema = kModerationReportSchema;  // as read: /1, /2 or /3
  std::string tool_version;
  std::string window_from;  // ISO time of the window's start, "-" when 0
  std::string window_to;
  int64_t window_days = 0;
  double target_minutes = 0;  // the review time target ...
  double target_share = 1;    // ... and the share of items that must meet it (absent: all)
  int64_t arrivals = 0;       // flags in the window
  double arrivals_per_hour = 0;
  int64_t backlog = 0;
  int64_t oldest_open_age_seconds = 0;
  int64_t decided = 0;
  int64_t removed = 0;
  int64_t decided_within_target = 0;
  int64_t open_overdue = 0;  // still open past the target (misses); 0 in /1
  double within_target_share = 0;
  double p50_minutes = 0;
  double p90_minutes = 0;
  double p99_minutes = 0;
  double mean_handling_minutes = 0;
  uint64_t reviewers_active = 0;
  std::optional<int64_t> reviewers_configured;  // absent: not given
  // Reviewers needed for the measured load: `measured` always; one scenario
  // "measured" when nothing is missing. Absent in /1.
  std::optional<stats::Staffing> staffing;
  std::optional<ModerationStrikes> strikes;  // absent: no serve config given
  bool audit_log_ok = false;                 // the audit log's hash chain
  int64_t audit_log_rows = 0;
  std::string audit_log_message;
};

// Pretty-printed JSON (one-space indent, keys in the order above), with a
// final newline: the bytes `serve report --json` writes.
std::string ModerationReportJson(const ModerationReport& report);

// Reads a report. Errors name `origin` and the field: not a JSON object, a
// schema other than safegate.moderation-report/1, /2 or /3, a field of the wrong
// type. Absent fields keep their defaults.
Result<ModerationReport> ParseModerationReportJson(std::string_view json,
                                                   const std::string& origin);

}  // namespace safegate::assess
