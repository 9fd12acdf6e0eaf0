// safegate.moderation-report/3: written by `serve report`, read by the report
// builder (assess/moderation_report.h).
#include "safegate/assess/moderation_report.h"

#include <nlohmann/json.hpp>

#include "safegate/base/json.h"
#include "safegate/base/json_fields.h"

namespace safegate::assess {
namespace {

using ojson = nlohmann::ordered_json;
using json = nlohmann::json;

using Reader = JsonFields;

// The staffing part of a version 2 report, into the typed staffing.
Status ReadStaffingV2(const Reader& rd, const json& s, const ModerationReport& r,
                      stats::Staffing* out) {
  stats::Staffing st;
  st.target.share = r.target_share;
  st.target.minutes = r.target_minutes;
  stats::StaffingMeasured me;
  me.hours = static_cast<double>(r.window_days) * 24;
  SAFEGATE_RETURN_IF_ERROR(rd.Str(s, "model", "staffing.model", &st.model));
  SAFEGATE_RETURN_IF_ERROR(
      rd.Num(s, "arrivals_per_hour", "staffing.arrivals_per_hour", &me.arrivals_per_hour));
  if (rd.Find(s, "handling_minutes") != nullptr) {
    double v = 0;
    SAFEGATE_RETURN_IF_ERROR(rd.Num(s, "handling_minutes", "staffing.handling_minutes", &v));
    me.handling_minutes = v;
  }
  SAFEGATE_RETURN_IF_ERROR(rd.Int(s, "handling_measured_decisions",
                                  "staffing.handling_measured_decisions",
                                  &me.handling_measured_decisions));
  SAFEGATE_RETURN_IF_ERROR(rd.Strings(s, "missing", "staffing.missing", &me.missing));
  SAFEGATE_RETURN_IF_ERROR(rd.Str(s, "note", "staffing.note", &me.note));
  if (rd.Find(s, "required_reviewers") != nullptr) {
    stats::StaffingScenario sc;
    sc.name = "measured";
    sc.arrivals_per_hour = me.arrivals_per_hour;
    sc.handling_minutes = me.handling_minutes.value_or(0.0);
    stats::StaffingResult res;
    SAFEGATE_RETURN_IF_ERROR(
        rd.Int(s, "required_reviewers", "staffing.required_reviewers", &res.servers));
    SAFEGATE_RETURN_IF_ERROR(
        rd.Num(s, "service_level", "staffing.service_level", &res.service_level));
    sc.result = res;
    if (rd.Find(s, "offered_load_erlangs") != nullptr) {
      double v = 0;
      SAFEGATE_RETURN_IF_ERROR(
          rd.Num(s, "offered_load_erlangs", "staffing.offered_load_erlangs", &v));
      sc.offered_load_erlangs = v;
    }
    st.scenarios.push_back(std::move(sc));
  }
  st.measured = std::move(me);
  *out = std::move(st);
  return OkStatus();
}

}  // namespace

std::string ModerationReportJson(const ModerationReport& r) {
  ojson staffing = r.staffing ? stats::StaffingToJson(*r.staffing) : ojson(nullptr);
  ojson strikes = nullptr;
  if (r.strikes) {
    strikes = {{"consecutive", r.strikes->consecutive},
               {"per_day", r.strikes->per_day},
               {"suspend_minutes", r.strikes->suspend_minutes}};
  }
  ojson out = {
      {"schema", r.schema},
      {"tool_version", r.tool_version},
      {"window", {{"from", r.window_from}, {"to", r.window_to}, {"days", r.window_days}}},
      {"target", {{"minutes", r.target_minutes}, {"share", r.target_share}}},
      {"arrivals", r.arrivals},
      {"arrivals_per_hour", r.arrivals_per_hour},
      {"backlog", r.backlog},
      {"oldest_open_age_seconds", r.oldest_open_age_seconds},
      {"decided", r.decided},
      {"removed", r.removed},
      {"decided_within_target", r.decided_within_target},
      {"open_overdue", r.open_overdue},
      {"within_target_share", r.within_target_share},
      {"p50_minutes", r.p50_minutes},
      {"p90_minutes", r.p90_minutes},
      {"p99_minutes", r.p99_minutes},
      {"mean_handling_minutes", r.mean_handling_minutes},
      {"reviewers_active", r.reviewers_active},
      {"reviewers_configured",
       r.reviewers_configured ? ojson(*r.reviewers_configured) : ojson(nullptr)},
      {"staffing", staffing},
      {"strikes", strikes},
      {"audit_log",
       {{"ok", r.audit_log_ok}, {"rows", r.audit_log_rows}, {"message", r.audit_log_message}}}};
  return DumpJson(out, 1) + "\n";
}

Result<ModerationReport> ParseModerationReportJson(std::string_view text,
                                                   const std::string& origin) {
  json j = ParseUntrustedJson(text);
  if (j.is_discarded() || !j.is_object()) {
    return InvalidArgumentError(origin + ": not a JSON object");
  }
  Reader rd(origin);
  ModerationReport r;
  r.schema.clear();
  SAFEGATE_RETURN_IF_ERROR(rd.Str(j, "schema", "schema", &r.schema));
  if (r.schema != "safegate.moderation-report/1" && r.schema != "safegate.moderation-report/2" &&
      r.schema != kModerationReportSchema) {
    return rd.Bad("schema",
                  "expected safegate.moderation-report/1, /2 or /3, got '" + r.schema + "'");
  }
  SAFEGATE_RETURN_IF_ERROR(rd.Str(j, "tool_version", "tool_version", &r.tool_version));
  const json* w = nullptr;
  SAFEGATE_RETURN_IF_ERROR(rd.Object(j, "window", "window", &w));
  if (w != nullptr) {
    SAFEGATE_RETURN_IF_ERROR(rd.Str(*w, "from", "window.from", &r.window_from));
    SAFEGATE_RETURN_IF_ERROR(rd.Str(*w, "to", "window.to", &r.window_to));
    SAFEGATE_RETURN_IF_ERROR(rd.Int(*w, "days", "window.days", &r.window_days));
  }
  const json* t = nullptr;
  SAFEGATE_RETURN_IF_ERROR(rd.Object(j, "target", "target", &t));
  if (t != nullptr) {
    SAFEGATE_RETURN_IF_ERROR(rd.Num(*t, "minutes", "target.minutes", &r.target_minutes));
    SAFEGATE_RETURN_IF_ERROR(rd.Num(*t, "share", "target.share", &r.target_share));
  }
  for (auto [key, out] : {std::pair{"arrivals", &r.arrivals},
                          {"backlog", &r.backlog},
                          {"oldest_open_age_seconds", &r.oldest_open_age_seconds},
                          {"decided", &r.decided},
                          {"removed", &r.removed},
                          {"decided_within_target", &r.decided_within_target},
                          {"open_overdue", &r.open_overdue}}) {
    SAFEGATE_RETURN_IF_ERROR(rd.Int(j, key, key, out));
  }
  for (auto [key, out] : {std::pair{"arrivals_per_hour", &r.arrivals_per_hour},
                          {"within_target_share", &r.within_target_share},
                          {"p50_minutes", &r.p50_minutes},
                          {"p90_minutes", &r.p90_minutes},
                          {"p99_minutes", &r.p99_minutes},
                          {"mean_handling_minutes", &r.mean_handling_minutes}}) {
    SAFEGATE_RETURN_IF_ERROR(rd.Num(j, key, key, out));
  }
  int64_t active = 0;
  SAFEGATE_RETURN_IF_ERROR(rd.Int(j, "reviewers_active", "reviewers_active", &active));
  if (active < 0) return rd.Bad("reviewers_active", "must not be negative");
  r.reviewers_active = static_cast<uint64_t>(active);
  if (rd.Find(j, "reviewers_configured") != nullptr) {
    int64_t n = 0;
    SAFEGATE_RETURN_IF_ERROR(rd.Int(j, "reviewers_configured", "reviewers_configured", &n));
    r.reviewers_configured = n;
  }
  const json* s = nullptr;
  SAFEGATE_RETURN_IF_ERROR(rd.Object(j, "staffing", "staffing", &s));
  if (s != nullptr && r.schema == "safegate.moderation-report/2") {
    stats::Staffing st;
    SAFEGATE_RETURN_IF_ERROR(ReadStaffingV2(rd, *s, r, &st));
    r.staffing = std::move(st);
  } else if (s != nullptr) {
    SAFEGATE_ASSIGN_OR_RETURN(r.staffing, stats::StaffingFromJson(*s, origin, "staffing."));
  }
  const json* k = nullptr;
  SAFEGATE_RETURN_IF_ERROR(rd.Object(j, "strikes", "strikes", &k));
  if (k != nullptr) {
    ModerationStrikes st;
    SAFEGATE_RETURN_IF_ERROR(rd.Int(*k, "consecutive", "strikes.consecutive", &st.consecutive));
    SAFEGATE_RETURN_IF_ERROR(rd.Int(*k, "per_day", "strikes.per_day", &st.per_day));
    SAFEGATE_RETURN_IF_ERROR(
        rd.Int(*k, "suspend_minutes", "strikes.suspend_minutes", &st.suspend_minutes));
    r.strikes = st;
  }
  const json* a = nullptr;
  SAFEGATE_RETURN_IF_ERROR(rd.Object(j, "audit_log", "audit_log", &a));
  if (a != nullptr) {
    SAFEGATE_RETURN_IF_ERROR(rd.Bool(*a, "ok", "audit_log.ok", &r.audit_log_ok));
    SAFEGATE_RETURN_IF_ERROR(rd.Int(*a, "rows", "audit_log.rows", &r.audit_log_rows));
    SAFEGATE_RETURN_IF_ERROR(rd.Str(*a, "message", "audit_log.message", &r.audit_log_message));
  }
  return r;
}

}  // namespace safegate::assess
