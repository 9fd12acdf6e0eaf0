#include "safegate/stats/staffing.h"

#include <algorithm>
#include <utility>

#include "safegate/base/json_fields.h"

namespace safegate::stats {
namespace {

using ojson = nlohmann::ordered_json;
using json = nlohmann::json;

ojson ScenarioJson(const StaffingScenario& s) {
  ojson o = {{"name", s.name},
             {"arrivals_per_hour", s.arrivals_per_hour},
             {"handling_minutes", s.handling_minutes}};
  if (s.offered_load_erlangs) o["offered_load_erlangs"] = *s.offered_load_erlangs;
  if (s.result) {
    o["reviewers"] = s.result->servers;
    o["service_level"] = s.result->service_level;
    o["prob_wait"] = s.result->prob_wait;
    o["mean_wait_minutes"] = s.result->mean_wait_minutes;
    o["occupancy"] = s.result->occupancy;
  }
  if (!s.curve.empty()) {
    ojson c = ojson::array();
    for (const StaffingPoint& p : s.curve) {
      c.push_back({{"reviewers", p.reviewers}, {"service_level", p.service_level}});
    }
    o["curve"] = std::move(c);
  }
  if (!s.note.empty()) o["note"] = s.note;
  if (!s.note_key.empty()) o["note_key"] = s.note_key;
  if (!s.error.empty()) o["error"] = s.error;
  return o;
}

Status ReadScenario(const JsonFields& rd, const json& j, const std::string& f, bool v1,
                    StaffingScenario* s) {
  if (!j.is_object()) return rd.Bad(f, "expected an object");
  SAFEGATE_RETURN_IF_ERROR(
      rd.Str(j, v1 ? "scenario" : "name", f + (v1 ? ".scenario" : ".name"), &s->name));
  SAFEGATE_RETURN_IF_ERROR(
      rd.Num(j, "arrivals_per_hour", f + ".arrivals_per_hour", &s->arrivals_per_hour));
  SAFEGATE_RETURN_IF_ERROR(
      rd.Num(j, "handling_minutes", f + ".handling_minutes", &s->handling_minutes));
  if (JsonFields::Find(j, "offered_load_erlangs") != nullptr) {
    double v = 0;
    SAFEGATE_RETURN_IF_ERROR(rd.Num(j, "offered_load_erlangs", f + ".offered_load_erlangs", &v));
    s->offered_load_erlangs = v;
  }
  if (JsonFields::Find(j, "reviewers") != nullptr) {
    StaffingResult r;
    SAFEGATE_RETURN_IF_ERROR(rd.Int(j, "reviewers", f + ".reviewers", &r.servers));
    SAFEGATE_RETURN_IF_ERROR(rd.Num(j, "service_level", f + ".service_level", &r.service_level));
    SAFEGATE_RETURN_IF_ERROR(rd.Num(j, "prob_wait", f + ".prob_wait", &r.prob_wait));
    SAFEGATE_RETURN_IF_ERROR(
        rd.Num(j, "mean_wait_minutes", f + ".mean_wait_minutes", &r.mean_wait_minutes));
    SAFEGATE_RETURN_IF_ERROR(rd.Num(j, "occupancy", f + ".occupancy", &r.occupancy));
    s->result = r;
  }
  if (const json* c = JsonFields::Find(j, "curve")) {
    if (!c->is_array()) return rd.Bad(f + ".curve", "expected a list");
    for (size_t i = 0; i < c->size(); ++i) {
      const std::string g = f + ".curve[" + std::to_string(i) + "]";
      if (!(*c)[i].is_object()) return rd.Bad(g, "expected an object");
      StaffingPoint p;
      SAFEGATE_RETURN_IF_ERROR(rd.Int((*c)[i], "reviewers", g + ".reviewers", &p.reviewers));
      SAFEGATE_RETURN_IF_ERROR(
          rd.Num((*c)[i], "service_level", g + ".service_level", &p.service_level));
      s->curve.push_back(p);
    }
  }
  SAFEGATE_RETURN_IF_ERROR(rd.Str(j, "note", f + ".note", &s->note));
  SAFEGATE_RETURN_IF_ERROR(rd.Str(j, "note_key", f + ".note_key", &s->note_key));
  SAFEGATE_RETURN_IF_ERROR(rd.Str(j, "error", f + ".error", &s->error));
  return OkStatus();
}

Status ReadKind(const JsonFields& rd, const json& obj, const std::string& field,
                ServiceLevelKind* out) {
  std::string name = std::string(ServiceLevelKindName(*out));
  SAFEGATE_RETURN_IF_ERROR(rd.Str(obj, "kind", field, &name));
  auto kind = ParseServiceLevelKind(name);
  if (!kind) return rd.Bad(field, "expected decided or picked-up, got '" + name + "'");
  *out = *kind;
  return OkStatus();
}

}  // namespace

std::string_view ServiceLevelKindName(ServiceLevelKind kind) {
  return kind == ServiceLevelKind::kPickedUp ? "picked-up" : "decided";
}

std::optional<ServiceLevelKind> ParseServiceLevelKind(std::string_view name) {
  if (name == "decided") return ServiceLevelKind::kDecided;
  if (name == "picked-up" || name == "picked_up") return ServiceLevelKind::kPickedUp;
  return std::nullopt;
}

StaffingScenario PlanScenario(std::string name, const QueueModel& model,
                              const StaffingTarget& target, int curve_radius) {
  StaffingScenario s;
  s.name = std::move(name);
  s.arrivals_per_hour = model.arrivals_per_hour;
  s.handling_minutes = model.handling_minutes;
  auto r = RequiredServers(model, target.share, target.minutes, target.kind);
  if (!r.ok()) {
    s.error = r.status().message();
    return s;
  }
  s.offered_load_erlangs = model.OfferedLoad();
  s.result = *r;
  for (int64_t n = std::max<int64_t>(1, r->servers - curve_radius);
       curve_radius > 0 && n <= r->servers + curve_radius; ++n) {
    if (static_cast<double>(n) <= model.OfferedLoad()) continue;
    s.curve.push_back({n, ServiceLevel(model, n, target.minutes, target.kind)});
  }
  return s;
}

nlohmann::ordered_json StaffingToJson(const Staffing& st) {
  ojson o = {{"schema", st.schema}};
  if (!st.tool_version.empty()) o["tool_version"] = st.tool_version;
  o["model"] = st.model;
  o["target"] = {{"share", st.target.share},
                 {"minutes", st.target.minutes},
                 {"kind", ServiceLevelKindName(st.target.kind)}};
  if (st.measured) {
    const StaffingMeasured& m = *st.measured;
    ojson mj = {{"hours", m.hours}, {"arrivals_per_hour", m.arrivals_per_hour}};
    if (m.handling_minutes) mj["handling_minutes"] = *m.handling_minutes;
    mj["handling_measured_decisions"] = m.handling_measured_decisions;
    mj["missing"] = m.missing;
    if (!m.note.empty()) mj["note"] = m.note;
    o["measured"] = std::move(mj);
  }
  ojson sc = ojson::array();
  for (const StaffingScenario& s : st.scenarios) sc.push_back(ScenarioJson(s));
  o["scenarios"] = std::move(sc);
  return o;
}

Result<Staffing> StaffingFromJson(const nlohmann::json& j, const std::string& origin,
                                  const std::string& prefix) {
  JsonFields rd(origin);
  if (!j.is_object()) return rd.Bad(prefix.empty() ? "schema" : prefix, "expected an object");
  Staffing st;
  st.schema.clear();
  SAFEGATE_RETURN_IF_ERROR(rd.Str(j, "schema", prefix + "schema", &st.schema));
  const bool v1 = st.schema == "safegate.staffing/1";
  if (!v1 && st.schema != kStaffingSchema) {
    return rd.Bad(prefix + "schema", "expected safegate.staffing/1 or /2, got '" + st.schema + "'");
  }
  SAFEGATE_RETURN_IF_ERROR(rd.Str(j, "tool_version", prefix + "tool_version", &st.tool_version));
  SAFEGATE_RETURN_IF_ERROR(rd.Str(j, "model", prefix + "model", &st.model));
  if (v1) {
    SAFEGATE_RETURN_IF_ERROR(ReadKind(rd, j, prefix + "kind", &st.target.kind));
    SAFEGATE_RETURN_IF_ERROR(rd.Num(j, "target_share", prefix + "target_share", &st.target.share));
    SAFEGATE_RETURN_IF_ERROR(
        rd.Num(j, "target_minutes", prefix + "target_minutes", &st.target.minutes));
  } else {
    const json* t = nullptr;
    SAFEGATE_RETURN_IF_ERROR(rd.Object(j, "target", prefix + "target", &t));
    if (t != nullptr) {
      SAFEGATE_RETURN_IF_ERROR(rd.Num(*t, "share", prefix + "target.share", &st.target.share));
      SAFEGATE_RETURN_IF_ERROR(
          rd.Num(*t, "minutes", prefix + "target.minutes", &st.target.minutes));
      SAFEGATE_RETURN_IF_ERROR(ReadKind(rd, *t, prefix + "target.kind", &st.target.kind));
    }
    const json* m = nullptr;
    SAFEGATE_RETURN_IF_ERROR(rd.Object(j, "measured", prefix + "measured", &m));
    if (m != nullptr) {
      StaffingMeasured me;
      const std::string f = prefix + "measured.";
      SAFEGATE_RETURN_IF_ERROR(rd.Num(*m, "hours", f + "hours", &me.hours));
      SAFEGATE_RETURN_IF_ERROR(
          rd.Num(*m, "arrivals_per_hour", f + "arrivals_per_hour", &me.arrivals_per_hour));
      if (JsonFields::Find(*m, "handling_minutes") != nullptr) {
        double v = 0;
        SAFEGATE_RETURN_IF_ERROR(rd.Num(*m, "handling_minutes", f + "handling_minutes", &v));
        me.handling_minutes = v;
      }
      SAFEGATE_RETURN_IF_ERROR(rd.Int(*m, "handling_measured_decisions",
                                      f + "handling_measured_decisions",
                                      &me.handling_measured_decisions));
      SAFEGATE_RETURN_IF_ERROR(rd.Strings(*m, "missing", f + "missing", &me.missing));
      SAFEGATE_RETURN_IF_ERROR(rd.Str(*m, "note", f + "note", &me.note));
      st.measured = std::move(me);
    }
  }
  if (const json* sc = JsonFields::Find(j, "scenarios")) {
    if (!sc->is_array()) return rd.Bad(prefix + "scenarios", "expected a list");
    for (size_t i = 0; i < sc->size(); ++i) {
      StaffingScenario s;
      SAFEGATE_RETURN_IF_ERROR(
          ReadScenario(rd, (*sc)[i], prefix + "scenarios[" + std::to_string(i) + "]", v1, &s));
      st.scenarios.push_back(std::move(s));
    }
  }
  return st;
}

}  // namespace safegate::stats
