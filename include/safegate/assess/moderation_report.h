// The moderation evidence of an assessment: `safegate serve report --json`
// writes it from a service's database, the assessment's moderation step keeps
// it as evidence/moderation.json, and BuildReport (assess.h) reads it. One
// typed definition for both sides, schema "safegate.moderation-report/2".
//
// Version 1 files (older safegate) are read too: they lack open_overdue
// (decisions only were counted) and staffing, which read as 0 and absent.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"

namespace safegate::assess {

inline constexpr const char* kModerationReportSchema = "safegate.moderation-report/2";

// Reviewers needed for the measured load (Erlang C).
struct ModerationStaffing {
  std::string model = "erlang-c";
  double arrivals_per_hour = 0;
  std::optional<double> handling_minutes;  // absent: not measured
  int64_t handling_measured_decisions = 0;
  std::vector<std::string> missing;  // figures not measured (then no reviewer count)
  std::string note;                  // "" = none
  // Only when nothing is missing:
  std::optional<double> offered_load_erlangs;
  std::optional<int64_t> required_reviewers;
  std::optional<double> service_level;
};

// The service's strike rule (from its config and the policy's profile).
struct ModerationStrikes {
  int64_t consecutive = 0;
  int64_t per_day = 0;
  int64_t suspend_minutes = 0;
};

struct ModerationReport {
  std::string schema = kModerationReportSchema;  // as read: /1 or /2
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
  std::optional<ModerationStaffing> staffing;   // absent in /1
  std::optional<ModerationStrikes> strikes;     // absent: no serve config given
  bool audit_log_ok = false;                    // the audit log's hash chain
  int64_t audit_log_rows = 0;
  std::string audit_log_message;
};

// Pretty-printed JSON (one-space indent, keys in the order above), with a
// final newline: the bytes `serve report --json` writes.
std::string ModerationReportJson(const ModerationReport& report);

// Reads a report. Errors name `origin` and the field: not a JSON object, a
// schema other than safegate.moderation-report/1 or /2, a field of the wrong
// type. Absent fields keep their defaults.
Result<ModerationReport> ParseModerationReportJson(std::string_view json,
                                                   const std::string& origin);

}  // namespace safegate::assess
