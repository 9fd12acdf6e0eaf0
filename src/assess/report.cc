// The assessment report: JSON in and out, the summary table, diffs, OC curves.
#include "safegate/assess/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "safegate/base/json.h"

namespace safegate::assess {
namespace {

using json = nlohmann::ordered_json;

json IntervalJson(const std::optional<stats::Interval>& i) {
  if (!i) return nullptr;
  return json::array({i->lo, i->hi});
}

template <typename T>
json Opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

// Reading, with errors naming the origin and the field.
class Reader {
 public:
  explicit Reader(const std::string& origin) : origin_(origin) {}
  Status Error(const std::string& field, const std::string& what) const {
    return InvalidArgumentError(origin_ + ": field " + field + ": " + what);
  }
  Result<std::string> Str(const json& j, const char* key, const std::string& path,
                          bool required = false) const {
    if (!j.contains(key) || j[key].is_null()) {
      if (required) return Error(path + "." + key, "missing");
      return std::string();
    }
    if (!j[key].is_string()) return Error(path + "." + key, "expected a string");
    return j[key].get<std::string>();
  }
  Result<std::optional<double>> Num(const json& j, const char* key, const std::string& path) const {
    if (!j.contains(key) || j[key].is_null()) return std::optional<double>();
    if (!j[key].is_number()) return Error(path + "." + key, "expected a number");
    return std::optional<double>(j[key].get<double>());
  }
  Result<uint64_t> Count(const json& j, const char* key, const std::string& path) const {
    if (!j.contains(key) || j[key].is_null()) return uint64_t{0};
    if (!j[key].is_number_unsigned() && !(j[key].is_number_integer() && j[key].get<int64_t>() >= 0))
      return Error(path + "." + key, "expected a non-negative integer");
    return j[key].get<uint64_t>();
  }
  Result<std::optional<stats::Interval>> Interval(const json& j, const char* key,
                                                  const std::string& path) const {
    if (!j.contains(key) || j[key].is_null()) return std::optional<stats::Interval>();
    const json& a = j[key];
    if (!a.is_array() || a.size() != 2 || !a[0].is_number() || !a[1].is_number())
      return Error(path + "." + key, "expected [low, high]");
    return std::optional<stats::Interval>(stats::Interval{a[0].get<double>(), a[1].get<double>()});
  }
  Result<std::vector<std::string>> Strings(const json& j, const char* key,
                                           const std::string& path) const {
    std::vector<std::string> out;
    if (!j.contains(key) || j[key].is_null()) return out;
    if (!j[key].is_array()) return Error(path + "." + key, "expected an array of strings");
    for (const auto& e : j[key]) {
      if (!e.is_string()) return Error(path + "." + key, "expected an array of strings");
      out.push_back(e.get<std::string>());
    }
    return out;
  }
  // An optional object of strings ({"zh": "..."}).
  Result<std::map<std::string, std::string>> StringMap(const json& j, const char* key,
                                                       const std::string& path) const {
    std::map<std::string, std::string> out;
    if (!j.contains(key) || j[key].is_null()) return out;
    if (!j[key].is_object()) return Error(path + "." + key, "expected an object of strings");
    for (const auto& [k, v] : j[key].items()) {
      if (!v.is_string()) return Error(path + "." + key + "." + k, "expected a string");
      out[k] = v.get<std::string>();
    }
    return out;
  }

 private:
  std::string origin_;
};

std::string FormatValue(const std::optional<double>& v, const std::string& unit) {
  if (!v) return "-";
  char buf[64];
  if (unit == "rate" || unit == "fraction") {
    std::snprintf(buf, sizeof buf, "%.2f%%", *v * 100);
  } else if (std::floor(*v) == *v && std::fabs(*v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", *v);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f", *v);
  }
  return buf;
}

std::string RowKey(const std::string& id, const std::string& scope) {
  return scope.empty() ? id : id + "/" + scope;
}

}  // namespace

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "pass";
    case Verdict::kFail: return "fail";
    case Verdict::kSampleTooSmall: return "sample too small";
    case Verdict::kNotAssessed: return "not assessed";
  }
  return "not assessed";
}

Result<Verdict> ParseVerdict(std::string_view name) {
  for (Verdict v :
       {Verdict::kPass, Verdict::kFail, Verdict::kSampleTooSmall, Verdict::kNotAssessed}) {
    if (VerdictName(v) == name) return v;
  }
  return InvalidArgumentError("unknown verdict '" + std::string(name) +
                              "' (expected pass, fail, sample too small or not assessed)");
}

size_t Report::Count(Verdict v) const {
  return static_cast<size_t>(
      std::count_if(rows.begin(), rows.end(), [v](const Row& r) { return r.verdict == v; }));
}

bool Report::AllPass() const {
  return !rows.empty() && Count(Verdict::kPass) == rows.size();
}

OcCurve MakeOcCurve(std::string row_id, std::string title, uint64_t n, double threshold,
                    bool higher_is_better, int points) {
  OcCurve c;
  c.row_id = std::move(row_id);
  c.title = std::move(title);
  c.n = n;
  c.threshold = threshold;
  c.higher_is_better = higher_is_better;
  if (points < 2) points = 2;
  // "Bad" items are the complement for a minimum rate, as in stats/interval.h.
  stats::ThresholdTest test;
  test.threshold = higher_is_better ? 1.0 - threshold : threshold;
  std::vector<double> xs;
  for (int i = 0; i < points; ++i) xs.push_back(static_cast<double>(i) / (points - 1));
  xs.push_back(threshold);
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  for (double p : xs) {
    double bad_rate = higher_is_better ? 1.0 - p : p;
    double pass = n == 0 ? 0.0 : stats::OperatingCharacteristic(n, bad_rate, test);
    c.points.emplace_back(p, std::clamp(pass, 0.0, 1.0));
  }
  return c;
}

std::string ReportJson(const Report& r) {
  json j;
  j["schema"] = kReportSchema;
  j["tool_version"] = r.tool_version;
  j["generated_at"] = r.generated_at;
  j["project"] = r.project;
  j["profile"] = {{"id", r.profile_id},
                  {"version", r.profile_version},
                  {"title", r.profile_title},
                  {"titles", r.profile_titles},
                  {"origin", r.profile_origin}};
  j["policy"] = {{"id", r.policy_id}, {"version", r.policy_version}};
  j["seed"] = r.seed;
  j["summary"] = {{"rows", r.rows.size()},
                  {"pass", r.Count(Verdict::kPass)},
                  {"fail", r.Count(Verdict::kFail)},
                  {"sample_too_small", r.Count(Verdict::kSampleTooSmall)},
                  {"not_assessed", r.Count(Verdict::kNotAssessed)},
                  {"all_pass", r.AllPass()}};
  json steps = json::array();
  for (const Step& s : r.steps) {
    steps.push_back({{"id", s.id},
                     {"title", s.title},
                     {"status", s.status},
                     {"detail", s.detail},
                     {"commands", s.commands},
                     {"input_hash", s.input_hash},
                     {"seconds", s.seconds},
                     {"evidence", s.evidence}});
  }
  j["steps"] = steps;
  json rows = json::array();
  for (const Row& w : r.rows) {
    rows.push_back({{"id", w.id},
                    {"scope", w.scope},
                    {"section", w.section},
                    {"requirement", w.requirement},
                    {"requirement_texts", w.requirement_texts},
                    {"source", w.source},
                    {"comparison", w.comparison},
                    {"required", w.required},
                    {"unit", w.unit},
                    {"measured", Opt(w.measured)},
                    {"k", w.k},
                    {"n", w.n},
                    {"wilson", IntervalJson(w.wilson)},
                    {"clopper_pearson", IntervalJson(w.clopper_pearson)},
                    {"oc_at_threshold", Opt(w.oc_at_threshold)},
                    {"verdict", std::string(VerdictName(w.verdict))},
                    {"detail", w.detail},
                    {"evidence", w.evidence}});
  }
  j["requirements"] = rows;
  json charts = json::array();
  for (const RateChart& c : r.charts) {
    json bars = json::array();
    for (const RateBar& b : c.bars) {
      bars.push_back({{"label", b.label},
                      {"k", b.k},
                      {"n", b.n},
                      {"rate", b.rate},
                      {"wilson", json::array({b.wilson.lo, b.wilson.hi})}});
      if (b.corrected) bars.back()["corrected"] = *b.corrected;
      if (b.corrected_interval)
        bars.back()["corrected_interval"] = {b.corrected_interval->lo, b.corrected_interval->hi};
    }
    charts.push_back({{"id", c.id},
                      {"section", c.section},
                      {"title", c.title},
                      {"metric", c.metric},
                      {"threshold", c.threshold},
                      {"higher_is_better", c.higher_is_better},
                      {"bars", bars}});
  }
  j["charts"] = charts;
  json ocs = json::array();
  for (const OcCurve& c : r.oc_curves) {
    json pts = json::array();
    for (const auto& [x, y] : c.points) pts.push_back(json::array({x, y}));
    ocs.push_back({{"row", c.row_id},
                   {"title", c.title},
                   {"n", c.n},
                   {"threshold", c.threshold},
                   {"higher_is_better", c.higher_is_better},
                   {"points", pts}});
  }
  j["oc_curves"] = ocs;
  json facts = json::array();
  for (const Fact& f : r.facts)
    facts.push_back({{"section", f.section}, {"label", f.label}, {"value", f.value}});
  j["facts"] = facts;
  return DumpJson(j, 1) + "\n";
}

Result<Report> ParseReportJson(std::string_view text, const std::string& origin) {
  json j = json::parse(text, nullptr, false);
  Reader rd(origin);
  if (j.is_discarded() || !j.is_object())
    return InvalidArgumentError(origin + ": not a JSON object");
  SAFEGATE_ASSIGN_OR_RETURN(std::string schema, rd.Str(j, "schema", "", true));
  if (schema != kReportSchema) {
    return rd.Error("schema", "'" + schema + "' is not " + kReportSchema);
  }
  Report r;
  SAFEGATE_ASSIGN_OR_RETURN(r.tool_version, rd.Str(j, "tool_version", ""));
  SAFEGATE_ASSIGN_OR_RETURN(r.generated_at, rd.Str(j, "generated_at", ""));
  SAFEGATE_ASSIGN_OR_RETURN(r.project, rd.Str(j, "project", ""));
  if (j.contains("profile") && j["profile"].is_object()) {
    const json& p = j["profile"];
    SAFEGATE_ASSIGN_OR_RETURN(r.profile_id, rd.Str(p, "id", "profile"));
    SAFEGATE_ASSIGN_OR_RETURN(r.profile_version, rd.Str(p, "version", "profile"));
    SAFEGATE_ASSIGN_OR_RETURN(r.profile_title, rd.Str(p, "title", "profile"));
    SAFEGATE_ASSIGN_OR_RETURN(r.profile_titles, rd.StringMap(p, "titles", "profile"));
    SAFEGATE_ASSIGN_OR_RETURN(r.profile_origin, rd.Str(p, "origin", "profile"));
  }
  if (j.contains("policy") && j["policy"].is_object()) {
    SAFEGATE_ASSIGN_OR_RETURN(r.policy_id, rd.Str(j["policy"], "id", "policy"));
    SAFEGATE_ASSIGN_OR_RETURN(r.policy_version, rd.Str(j["policy"], "version", "policy"));
  }
  SAFEGATE_ASSIGN_OR_RETURN(r.seed, rd.Count(j, "seed", ""));
  if (!j.contains("requirements") || !j["requirements"].is_array())
    return rd.Error("requirements", "missing or not an array");
  size_t i = 0;
  for (const json& w : j["requirements"]) {
    std::string path = "requirements[" + std::to_string(i++) + "]";
    if (!w.is_object()) return rd.Error(path, "expected an object");
    Row row;
    SAFEGATE_ASSIGN_OR_RETURN(row.id, rd.Str(w, "id", path, true));
    SAFEGATE_ASSIGN_OR_RETURN(row.scope, rd.Str(w, "scope", path));
    SAFEGATE_ASSIGN_OR_RETURN(row.section, rd.Str(w, "section", path));
    SAFEGATE_ASSIGN_OR_RETURN(row.requirement, rd.Str(w, "requirement", path));
    SAFEGATE_ASSIGN_OR_RETURN(row.requirement_texts, rd.StringMap(w, "requirement_texts", path));
    SAFEGATE_ASSIGN_OR_RETURN(row.source, rd.Str(w, "source", path));
    SAFEGATE_ASSIGN_OR_RETURN(row.comparison, rd.Str(w, "comparison", path));
    SAFEGATE_ASSIGN_OR_RETURN(auto req, rd.Num(w, "required", path));
    row.required = req.value_or(0);
    SAFEGATE_ASSIGN_OR_RETURN(row.unit, rd.Str(w, "unit", path));
    SAFEGATE_ASSIGN_OR_RETURN(row.measured, rd.Num(w, "measured", path));
    SAFEGATE_ASSIGN_OR_RETURN(row.k, rd.Count(w, "k", path));
    SAFEGATE_ASSIGN_OR_RETURN(row.n, rd.Count(w, "n", path));
    SAFEGATE_ASSIGN_OR_RETURN(row.wilson, rd.Interval(w, "wilson", path));
    SAFEGATE_ASSIGN_OR_RETURN(row.clopper_pearson, rd.Interval(w, "clopper_pearson", path));
    SAFEGATE_ASSIGN_OR_RETURN(row.oc_at_threshold, rd.Num(w, "oc_at_threshold", path));
    SAFEGATE_ASSIGN_OR_RETURN(std::string verdict, rd.Str(w, "verdict", path, true));
    auto v = ParseVerdict(verdict);
    if (!v.ok()) return rd.Error(path + ".verdict", v.status().message());
    row.verdict = *v;
    SAFEGATE_ASSIGN_OR_RETURN(row.detail, rd.Str(w, "detail", path));
    SAFEGATE_ASSIGN_OR_RETURN(row.evidence, rd.Strings(w, "evidence", path));
    r.rows.push_back(std::move(row));
  }
  // Steps, charts and curves are read back too, so that a parsed report renders the same.
  if (j.contains("steps") && j["steps"].is_array()) {
    i = 0;
    for (const json& s : j["steps"]) {
      std::string path = "steps[" + std::to_string(i++) + "]";
      if (!s.is_object()) return rd.Error(path, "expected an object");
      Step st;
      SAFEGATE_ASSIGN_OR_RETURN(st.id, rd.Str(s, "id", path, true));
      SAFEGATE_ASSIGN_OR_RETURN(st.title, rd.Str(s, "title", path));
      SAFEGATE_ASSIGN_OR_RETURN(st.status, rd.Str(s, "status", path));
      SAFEGATE_ASSIGN_OR_RETURN(st.detail, rd.Str(s, "detail", path));
      SAFEGATE_ASSIGN_OR_RETURN(st.commands, rd.Strings(s, "commands", path));
      SAFEGATE_ASSIGN_OR_RETURN(st.input_hash, rd.Str(s, "input_hash", path));
      SAFEGATE_ASSIGN_OR_RETURN(auto secs, rd.Num(s, "seconds", path));
      st.seconds = secs.value_or(0);
      SAFEGATE_ASSIGN_OR_RETURN(st.evidence, rd.Strings(s, "evidence", path));
      r.steps.push_back(std::move(st));
    }
  }
  if (j.contains("charts") && j["charts"].is_array()) {
    i = 0;
    for (const json& c : j["charts"]) {
      std::string path = "charts[" + std::to_string(i++) + "]";
      if (!c.is_object()) return rd.Error(path, "expected an object");
      RateChart ch;
      SAFEGATE_ASSIGN_OR_RETURN(ch.id, rd.Str(c, "id", path, true));
      SAFEGATE_ASSIGN_OR_RETURN(ch.section, rd.Str(c, "section", path));
      SAFEGATE_ASSIGN_OR_RETURN(ch.title, rd.Str(c, "title", path));
      SAFEGATE_ASSIGN_OR_RETURN(ch.metric, rd.Str(c, "metric", path));
      SAFEGATE_ASSIGN_OR_RETURN(auto t, rd.Num(c, "threshold", path));
      ch.threshold = t.value_or(0);
      if (c.contains("higher_is_better") && !c["higher_is_better"].is_boolean())
        return rd.Error(path + ".higher_is_better", "expected true or false");
      ch.higher_is_better = c.value("higher_is_better", true);
      if (c.contains("bars") && c["bars"].is_array()) {
        size_t b = 0;
        for (const json& bj : c["bars"]) {
          std::string bp = path + ".bars[" + std::to_string(b++) + "]";
          if (!bj.is_object()) return rd.Error(bp, "expected an object");
          RateBar bar;
          SAFEGATE_ASSIGN_OR_RETURN(bar.label, rd.Str(bj, "label", bp));
          SAFEGATE_ASSIGN_OR_RETURN(bar.k, rd.Count(bj, "k", bp));
          SAFEGATE_ASSIGN_OR_RETURN(bar.n, rd.Count(bj, "n", bp));
          SAFEGATE_ASSIGN_OR_RETURN(auto rate, rd.Num(bj, "rate", bp));
          bar.rate = rate.value_or(0);
          SAFEGATE_ASSIGN_OR_RETURN(auto w, rd.Interval(bj, "wilson", bp));
          if (w) bar.wilson = *w;
          SAFEGATE_ASSIGN_OR_RETURN(bar.corrected, rd.Num(bj, "corrected", bp));
          SAFEGATE_ASSIGN_OR_RETURN(bar.corrected_interval,
                                    rd.Interval(bj, "corrected_interval", bp));
          ch.bars.push_back(std::move(bar));
        }
      }
      r.charts.push_back(std::move(ch));
    }
  }
  if (j.contains("oc_curves") && j["oc_curves"].is_array()) {
    i = 0;
    for (const json& c : j["oc_curves"]) {
      std::string path = "oc_curves[" + std::to_string(i++) + "]";
      if (!c.is_object()) return rd.Error(path, "expected an object");
      OcCurve oc;
      SAFEGATE_ASSIGN_OR_RETURN(oc.row_id, rd.Str(c, "row", path, true));
      SAFEGATE_ASSIGN_OR_RETURN(oc.title, rd.Str(c, "title", path));
      SAFEGATE_ASSIGN_OR_RETURN(oc.n, rd.Count(c, "n", path));
      SAFEGATE_ASSIGN_OR_RETURN(auto t, rd.Num(c, "threshold", path));
      oc.threshold = t.value_or(0);
      if (c.contains("higher_is_better") && !c["higher_is_better"].is_boolean())
        return rd.Error(path + ".higher_is_better", "expected true or false");
      oc.higher_is_better = c.value("higher_is_better", true);
      if (c.contains("points") && c["points"].is_array()) {
        for (const json& p : c["points"]) {
          if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number())
            return rd.Error(path + ".points", "expected [[rate, probability], ...]");
          oc.points.emplace_back(p[0].get<double>(), p[1].get<double>());
        }
      }
      r.oc_curves.push_back(std::move(oc));
    }
  }
  if (j.contains("facts") && j["facts"].is_array()) {
    i = 0;
    for (const json& f : j["facts"]) {
      std::string path = "facts[" + std::to_string(i++) + "]";
      if (!f.is_object()) return rd.Error(path, "expected an object");
      Fact fact;
      SAFEGATE_ASSIGN_OR_RETURN(fact.section, rd.Str(f, "section", path));
      SAFEGATE_ASSIGN_OR_RETURN(fact.label, rd.Str(f, "label", path));
      SAFEGATE_ASSIGN_OR_RETURN(fact.value, rd.Str(f, "value", path));
      r.facts.push_back(std::move(fact));
    }
  }
  return r;
}

std::string SummaryTable(const Report& r) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-17s %-44s %-14s %12s %12s %8s\n", "verdict", "requirement",
                "scope", "measured", "required", "n");
  out += line;
  for (const Row& w : r.rows) {
    std::string req = w.comparison + " " + FormatValue(w.required, w.unit);
    std::string n = w.n > 0 ? std::to_string(w.n) : "";
    std::snprintf(line, sizeof line, "%-17s %-44s %-14s %12s %12s %8s\n",
                  std::string(VerdictName(w.verdict)).c_str(), w.id.c_str(), w.scope.c_str(),
                  FormatValue(w.measured, w.unit).c_str(), req.c_str(), n.c_str());
    out += line;
    if (w.verdict != Verdict::kPass && !w.detail.empty()) out += "    " + w.detail + "\n";
  }
  std::snprintf(line, sizeof line,
                "\n%zu requirements: %zu pass, %zu fail, %zu sample too small, %zu not assessed\n",
                r.rows.size(), r.Count(Verdict::kPass), r.Count(Verdict::kFail),
                r.Count(Verdict::kSampleTooSmall), r.Count(Verdict::kNotAssessed));
  out += line;
  return out;
}

ReportDiff DiffReports(const Report& a, const Report& b) {
  ReportDiff d;
  std::map<std::string, const Row*> old_rows;
  for (const Row& w : a.rows) old_rows[RowKey(w.id, w.scope)] = &w;
  std::map<std::string, bool> seen;
  auto changed = [](const std::optional<double>& x, const std::optional<double>& y) {
    if (x.has_value() != y.has_value()) return true;
    return x && std::fabs(*x - *y) > 1e-12;
  };
  for (const Row& w : b.rows) {
    std::string key = RowKey(w.id, w.scope);
    seen[key] = true;
    auto it = old_rows.find(key);
    RowChange c{w.id, w.scope, std::nullopt, w.verdict, std::nullopt, w.measured};
    if (it != old_rows.end()) {
      c.old_verdict = it->second->verdict;
      c.old_measured = it->second->measured;
      if (*c.old_verdict == w.verdict && !changed(c.old_measured, w.measured)) continue;
    }
    bool was_pass = c.old_verdict && *c.old_verdict == Verdict::kPass;
    bool is_pass = w.verdict == Verdict::kPass;
    if (was_pass && !is_pass) ++d.regressions;
    if (!was_pass && is_pass) ++d.improvements;
    d.changes.push_back(std::move(c));
  }
  for (const Row& w : a.rows) {
    std::string key = RowKey(w.id, w.scope);
    if (seen.count(key)) continue;
    d.changes.push_back({w.id, w.scope, w.verdict, std::nullopt, w.measured, std::nullopt});
    if (w.verdict == Verdict::kPass) ++d.regressions;
  }
  return d;
}

std::string DiffJson(const ReportDiff& d, const std::string& old_origin) {
  json j;
  j["schema"] = kReportDiffSchema;
  j["old_report"] = old_origin;
  j["regressions"] = d.regressions;
  j["improvements"] = d.improvements;
  json rows = json::array();
  for (const RowChange& c : d.changes) {
    rows.push_back(
        {{"id", c.id},
         {"scope", c.scope},
         {"old_verdict", c.old_verdict ? json(std::string(VerdictName(*c.old_verdict))) : json()},
         {"new_verdict", c.new_verdict ? json(std::string(VerdictName(*c.new_verdict))) : json()},
         {"old_measured", Opt(c.old_measured)},
         {"new_measured", Opt(c.new_measured)}});
  }
  j["changes"] = rows;
  return DumpJson(j, 1) + "\n";
}

std::string DiffTable(const ReportDiff& d) {
  if (d.changes.empty()) return "no change since the previous report\n";
  std::string out;
  char line[512];
  for (const RowChange& c : d.changes) {
    std::string ov = c.old_verdict ? std::string(VerdictName(*c.old_verdict)) : "(absent)";
    std::string nv = c.new_verdict ? std::string(VerdictName(*c.new_verdict)) : "(absent)";
    auto num = [](const std::optional<double>& v) {
      if (!v) return std::string("-");
      char b[32];
      std::snprintf(b, sizeof b, "%.4g", *v);
      return std::string(b);
    };
    std::snprintf(line, sizeof line, "%-44s %-14s %-17s -> %-17s %10s -> %-10s\n", c.id.c_str(),
                  c.scope.c_str(), ov.c_str(), nv.c_str(), num(c.old_measured).c_str(),
                  num(c.new_measured).c_str());
    out += line;
  }
  std::snprintf(line, sizeof line, "%zu changed: %zu regressions, %zu improvements\n",
                d.changes.size(), d.regressions, d.improvements);
  out += line;
  return out;
}

}  // namespace safegate::assess
