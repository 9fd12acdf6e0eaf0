// safegate.moderation-report/2: written by `serve report`, read by the report
// builder (assess/moderation_report.h).
#include "safegate/assess/moderation_report.h"

#include <nlohmann/json.hpp>

#include "safegate/base/json.h"

namespace safegate::assess {
namespace {

using ojson = nlohmann::ordered_json;
using json = nlohmann::json;

// Typed reads of optional fields; an error names the origin and the dotted field.
class Reader {
 public:
  explicit Reader(const std::string& origin) : origin_(origin) {}

  Status Bad(const std::string& field, const std::string& msg) const {
    return InvalidArgumentError(AtLocation(origin_, 0, field, msg));
  }
  // The field, or nullptr when it is absent or null.
  const json* Find(const json& obj, const char* key) const {
    auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
  }
  Status Object(const json& obj, const char* key, const std::string& field, const json** out) {
    *out = Find(obj, key);
    if (*out != nullptr && !(*out)->is_object()) return Bad(field, "expected an object");
    return OkStatus();
  }
  Status Str(const json& obj, const char* key, const std::string& field, std::string* out) {
    const json* f = Find(obj, key);
    if (f == nullptr) return OkStatus();
    if (!f->is_string()) return Bad(field, "expected a string");
    *out = f->get<std::string>();
    return OkStatus();
  }
  Status Num(const json& obj, const char* key, const std::string& field, double* out) {
    const json* f = Find(obj, key);
    if (f == nullptr) return OkStatus();
    if (!f->is_number()) return Bad(field, "expected a number");
    *out = f->get<double>();
    return OkStatus();
  }
  Status Int(const json& obj, const char* key, const std::string& field, int64_t* out) {
    const json* f = Find(obj, key);
    if (f == nullptr) return OkStatus();
    if (!f->is_number_integer() || (f->is_number_unsigned() && f->get<uint64_t>() > INT64_MAX)) {
      return Bad(field, "expected an integer");
    }
    *out = f->get<int64_t>();
    return OkStatus();
  }
  Status Bool(const json& obj, const char* key, const std::string& field, bool* out) {
    const json* f = Find(obj, key);
    if (f == nullptr) return OkStatus();
    if (!f->is_boolean()) return Bad(field, "expected true or false");
    *out = f->get<bool>();
    return OkStatus();
  }

 private:
  const std::string& origin_;
};

}  // namespace

std::string ModerationReportJson(const ModerationReport& r) {
  ojson staffing = nullptr;
  if (r.staffing) {
    const ModerationStaffing& s = *r.staffing;
    staffing = {{"model", s.model},
                {"arrivals_per_hour", s.arrivals_per_hour},
                {"handling_minutes", s.handling_minutes ? ojson(*s.handling_minutes) : nullptr},
                {"handling_measured_decisions", s.handling_measured_decisions},
                {"missing", s.missing}};
    if (!s.note.empty()) staffing["note"] = s.note;
    if (s.offered_load_erlangs) staffing["offered_load_erlangs"] = *s.offered_load_erlangs;
    if (s.required_reviewers) staffing["required_reviewers"] = *s.required_reviewers;
    if (s.service_level) staffing["service_level"] = *s.service_level;
  }
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
  if (r.schema != "safegate.moderation-report/1" && r.schema != kModerationReportSchema) {
    return rd.Bad("schema", "expected safegate.moderation-report/1 or /2, got '" + r.schema + "'");
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
  if (s != nullptr) {
    ModerationStaffing st;
    SAFEGATE_RETURN_IF_ERROR(rd.Str(*s, "model", "staffing.model", &st.model));
    SAFEGATE_RETURN_IF_ERROR(
        rd.Num(*s, "arrivals_per_hour", "staffing.arrivals_per_hour", &st.arrivals_per_hour));
    if (rd.Find(*s, "handling_minutes") != nullptr) {
      double v = 0;
      SAFEGATE_RETURN_IF_ERROR(rd.Num(*s, "handling_minutes", "staffing.handling_minutes", &v));
      st.handling_minutes = v;
    }
    SAFEGATE_RETURN_IF_ERROR(rd.Int(*s, "handling_measured_decisions",
                                    "staffing.handling_measured_decisions",
                                    &st.handling_measured_decisions));
    if (const json* m = rd.Find(*s, "missing")) {
      if (!m->is_array()) return rd.Bad("staffing.missing", "expected a list of strings");
      for (const json& e : *m) {
        if (!e.is_string()) return rd.Bad("staffing.missing", "expected a list of strings");
        st.missing.push_back(e.get<std::string>());
      }
    }
    SAFEGATE_RETURN_IF_ERROR(rd.Str(*s, "note", "staffing.note", &st.note));
    if (rd.Find(*s, "offered_load_erlangs") != nullptr) {
      double v = 0;
      SAFEGATE_RETURN_IF_ERROR(
          rd.Num(*s, "offered_load_erlangs", "staffing.offered_load_erlangs", &v));
      st.offered_load_erlangs = v;
    }
    if (rd.Find(*s, "required_reviewers") != nullptr) {
      int64_t v = 0;
      SAFEGATE_RETURN_IF_ERROR(rd.Int(*s, "required_reviewers", "staffing.required_reviewers", &v));
      st.required_reviewers = v;
    }
    if (rd.Find(*s, "service_level") != nullptr) {
      double v = 0;
      SAFEGATE_RETURN_IF_ERROR(rd.Num(*s, "service_level", "staffing.service_level", &v));
      st.service_level = v;
    }
    r.staffing = std::move(st);
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
