// BuildReport: from the steps' evidence files to one row per requirement.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "safegate/assess/assess.h"
#include "safegate/assess/moderation_report.h"
#include "safegate/base/clock.h"
#include "safegate/base/file.h"
#include "safegate/base/version.h"
#include "safegate/policy/policy.h"

namespace safegate::assess {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string SectionOf(const std::string& key) {
  for (const char* s : {"banks", "corpus", "eval", "moderation"}) {
    if (key.rfind(std::string(s) + ".", 0) == 0) return s;
  }
  if (key.rfind("strikes.", 0) == 0) return "moderation";
  return "other";
}

int SectionOrder(const std::string& s) {
  static const char* order[] = {"banks", "corpus", "eval", "moderation", "other"};
  for (int i = 0; i < 5; ++i)
    if (s == order[i]) return i;
  return 5;
}

// Field access that never throws: a missing key, a null or a value of the
// wrong type reads as the default (evidence files are ours, but may be edited).
const json& Field(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}
const json& Obj(const json& j, const char* key) {
  static const json kEmpty = json::object();
  const json& f = Field(j, key);
  return f.is_object() ? f : kEmpty;
}
const json& Arr(const json& j, const char* key) {
  static const json kEmpty = json::array();
  const json& f = Field(j, key);
  return f.is_array() ? f : kEmpty;
}
double Num(const json& j, const char* key, double def) {
  const json& f = Field(j, key);
  return f.is_number() ? f.get<double>() : def;
}
uint64_t U64(const json& j, const char* key) {
  const json& f = Field(j, key);
  if (f.is_number_unsigned()) return f.get<uint64_t>();
  if (f.is_number_integer() && f.get<int64_t>() > 0) return static_cast<uint64_t>(f.get<int64_t>());
  // A float count is capped: the cast of 1e30 to an integer is undefined.
  if (f.is_number_float() && f.get<double>() > 0) {
    const double d = f.get<double>();
    return d >= 18446744073709551615.0 ? UINT64_MAX : static_cast<uint64_t>(d);
  }
  return 0;
}
std::string Str(const json& j, const char* key, const std::string& def) {
  const json& f = Field(j, key);
  return f.is_string() ? f.get<std::string>() : def;
}
bool Bool(const json& j, const char* key, bool def) {
  const json& f = Field(j, key);
  return f.is_boolean() ? f.get<bool>() : def;
}

std::optional<stats::Interval> ReadInterval(const json& j, const char* key) {
  const json& a = Field(j, key);
  if (!a.is_array() || a.size() != 2 || !a[0].is_number() || !a[1].is_number()) return std::nullopt;
  return stats::Interval{a[0].get<double>(), a[1].get<double>()};
}

// The corrected rate of a `corrected` object (stats/ppi.h) onto a chart bar.
void AddCorrected(const json& corr, RateBar* bar) {
  if (!corr.is_object() || corr.empty() || !Field(corr, "rate").is_number()) return;
  bar->corrected = Num(corr, "rate", 0.0);
  bar->corrected_interval = ReadInterval(corr, "interval");
}

// "machine R, corrected (PPI, ...) C [lo, hi]; judge vs people: ...; " from an
// evaluation bank's or a corpus source's `corrected` and `judge_vs_human`
// (stats/ppi.h); "" when there are no human labels behind them.
std::string VsPeople(const json& corr, const json& jvh, double machine_rate) {
  if (!corr.is_object() || corr.empty()) return "";
  auto pct = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", v * 100);
    return std::string(buf);
  };
  stats::Interval ci = ReadInterval(corr, "interval").value_or(stats::Interval{});
  std::string out = "machine " + pct(machine_rate) + ", corrected (PPI, " +
                    std::to_string(U64(corr, "n_human")) + " reviewer labels of " +
                    std::to_string(U64(corr, "n_machine")) + ") " + pct(Num(corr, "rate", 0.0)) +
                    " [" + pct(ci.lo) + ", " + pct(ci.hi) + "]; ";
  if (jvh.is_object() && !jvh.empty()) {
    auto triple = [&](const char* key) {
      const json& t = Field(jvh, key);
      if (!t.is_array() || t.size() != 3 || !t[0].is_number() || !t[1].is_number() ||
          !t[2].is_number())
        return std::string("?");
      return pct(t[0].get<double>()) + " [" + pct(t[1].get<double>()) + ", " +
             pct(t[2].get<double>()) + "]";
    };
    out += "judge vs people: agreement " + pct(Num(jvh, "agreement", 0.0)) + ", sensitivity " +
           triple("sensitivity") + ", specificity " + triple("specificity") + "; ";
  }
  return out;
}

std::string Number(double v) {
  char b[32];
  if (std::floor(v) == v && std::fabs(v) < 1e15) {
    std::snprintf(b, sizeof b, "%.0f", v);
  } else {
    std::snprintf(b, sizeof b, "%.2f", v);
  }
  return b;
}

// The evidence of one step, parsed (or why not).
struct Evidence {
  bool ok = false;
  json doc;
  std::string text;  // the file's bytes
  std::string why;   // when !ok
  std::string rel;   // the file, relative to the report's directory
};

class Builder {
 public:
  Builder(const AssessProject& p, const policy::Profile& profile, const std::vector<Step>& steps)
      : p_(p), profile_(profile), steps_(steps) {}

  Result<Report> Build();

 private:
  // The parsed evidence file of a step (parsed once; references stay valid).
  const Evidence& Load(const std::string& step_id, const std::string& file);
  Row Base(const policy::Requirement& req) const;
  void NotAssessed(const policy::Requirement& req, const std::string& why);
  void Banks(const policy::Requirement& req);
  void Corpus(const policy::Requirement& req);
  void Eval(const policy::Requirement& req);
  void Moderation(const policy::Requirement& req);
  void Charts();
  // The moderation step's report (typed: assess/moderation_report.h), or
  // nullptr with `why` set; `rel` is the evidence file either way.
  const ModerationReport* ModerationEvidence(std::string* why, std::string* rel);

  const AssessProject& p_;
  const policy::Profile& profile_;
  const std::vector<Step>& steps_;
  Report r_;
  std::map<std::string, Evidence> ev_;
  std::optional<Result<ModerationReport>> moderation_;
};

const ModerationReport* Builder::ModerationEvidence(std::string* why, std::string* rel) {
  const Evidence& e = Load("moderation", "moderation.json");
  *rel = e.rel;
  if (!e.ok) {
    *why = e.why;
    return nullptr;
  }
  if (!moderation_) moderation_ = ParseModerationReportJson(e.text, e.rel);
  if (!moderation_->ok()) {
    *why = "evidence unreadable: " + moderation_->status().message();
    return nullptr;
  }
  return &**moderation_;
}

const Evidence& Builder::Load(const std::string& step_id, const std::string& file) {
  auto it = ev_.find(file);
  if (it != ev_.end()) return it->second;
  Evidence e;
  e.rel = "evidence/" + file;
  const Step* step = nullptr;
  for (const Step& s : steps_)
    if (s.id == step_id) step = &s;
  if (step == nullptr || (step->status != "ran" && step->status != "reused")) {
    e.why = step == nullptr ? "the step did not run"
                            : (step->status == "failed" ? "the step failed: " : "") + step->detail;
  } else {
    std::string path = (fs::path(p_.dir) / p_.out_dir / "evidence" / file).string();
    auto text = ReadFile(path);
    if (!text.ok()) {
      e.why = "evidence missing: " + text.status().message();
    } else {
      e.text = *text;
      e.doc = json::parse(*text, nullptr, false);
      if (e.doc.is_discarded() || !e.doc.is_object()) {
        e.why = "evidence unreadable: " + path + " is not a JSON object";
      } else {
        e.ok = true;
      }
    }
  }
  return ev_[file] = std::move(e);
}

Row Builder::Base(const policy::Requirement& req) const {
  Row w;
  w.id = req.id;
  w.section = SectionOf(req.id);
  w.requirement = req.text;
  w.requirement_texts.insert(req.texts.begin(), req.texts.end());
  w.source = req.status.empty() ? req.source : req.source + " [" + req.status + "]";
  w.required = req.value;
  w.comparison = ">=";
  w.unit = "count";
  const std::string& k = req.id;
  auto ends = [&](const char* s) {
    std::string_view sv(s);
    return k.size() >= sv.size() && k.compare(k.size() - sv.size(), sv.size(), sv) == 0;
  };
  if (k.find(".max_") != std::string::npos || ends("update_interval_days") ||
      k.rfind("strikes.", 0) == 0 || ends("target_minutes")) {
    w.comparison = "<=";
  }
  if (k.find("_rate") != std::string::npos || ends("min_within_target")) w.unit = "rate";
  if (ends("min_fraction")) w.unit = "fraction";
  if (ends("update_interval_days")) w.unit = "days";
  if (k.rfind("strikes.", 0) == 0) w.unit = "setting";
  if (ends("target_minutes")) w.unit = "minutes";
  return w;
}

void Builder::NotAssessed(const policy::Requirement& req, const std::string& why) {
  Row w = Base(req);
  w.verdict = Verdict::kNotAssessed;
  w.detail = why;
  r_.rows.push_back(std::move(w));
}

// banks.<kind>.<rule>[.<scope>] and banks.questions.update_interval_days.
void Builder::Banks(const policy::Requirement& req) {
  const Evidence& e = Load("banks", "bank-lint.json");
  if (!e.ok) return NotAssessed(req, e.why);
  std::map<std::string, std::vector<const json*>> by_bank;  // kind -> rules with this key
  for (const json& b : Arr(e.doc, "banks")) {
    for (const json& rule : Arr(b, "rules")) {
      if (Str(rule, "key", "") == req.id) by_bank[Str(b, "kind", "")].push_back(&rule);
    }
  }
  if (by_bank.empty()) {
    std::string kind = req.id.substr(6, req.id.find('.', 6) - 6);
    if (kind != "questions" && !p_.project.banks.count(kind)) {
      return NotAssessed(req, "no " + kind + " bank in safegate.yaml (banks: " + kind + ")");
    }
    if (kind == "questions" && !p_.project.banks.count("generated") &&
        !p_.project.banks.count("should_refuse") && !p_.project.banks.count("should_answer")) {
      return NotAssessed(req,
                         "no question bank in safegate.yaml (banks: generated, "
                         "should_refuse, should_answer)");
    }
    return NotAssessed(req, "bank lint applied this rule to no category of the banks");
  }
  for (const auto& [kind, rules] : by_bank) {
    Row w = Base(req);
    if (by_bank.size() > 1 || req.id.rfind("banks.questions.", 0) == 0) w.scope = kind;
    bool all = true;
    double worst = w.comparison == "<=" ? -1e300 : 1e300;
    std::vector<std::string> failed;
    for (const json* rule : rules) {
      double actual = Num(*rule, "actual", 0.0);
      worst = w.comparison == "<=" ? std::max(worst, actual) : std::min(worst, actual);
      if (!Bool(*rule, "passed", false)) {
        all = false;
        failed.push_back(Str(*rule, "message", ""));
      }
    }
    w.measured = worst;
    w.verdict = all ? Verdict::kPass : Verdict::kFail;
    if (rules.size() > 1) {
      w.detail = std::to_string(rules.size() - failed.size()) + " of " +
                 std::to_string(rules.size()) + " met (measured: the smallest)";
    }
    for (size_t i = 0; i < failed.size() && i < 6; ++i)
      w.detail += (w.detail.empty() ? "" : "; ") + failed[i];
    if (failed.size() > 6) w.detail += "; and " + std::to_string(failed.size() - 6) + " more";
    w.evidence = {e.rel};
    r_.rows.push_back(std::move(w));
  }
}

void Builder::Corpus(const policy::Requirement& req) {
  const Evidence& e = Load("corpus", "corpus-audit.json");
  if (!e.ok) return NotAssessed(req, e.why);
  const json& d = e.doc;
  if (req.id == "corpus.source.max_unallowable_rate") {
    for (const json& s : Arr(d, "sources")) {
      Row w = Base(req);
      w.scope = Str(s, "source", "");
      w.n = U64(s, "n");
      w.k = U64(s, "flagged");
      std::string verdict = Str(s, "verdict", "");
      if (w.n > 0) {
        w.measured = Num(s, "rate", 0.0);
        w.wilson = ReadInterval(s, "wilson");
        w.clopper_pearson = ReadInterval(s, "clopper_pearson");
        w.oc_at_threshold = Num(s, "oc_at_threshold", 0.0);
      }
      w.verdict = verdict == "pass"   ? Verdict::kPass
                  : verdict == "fail" ? Verdict::kFail
                                      : Verdict::kNotAssessed;
      w.detail = std::string("labels: ") + Str(s, "basis", "") + " (" +
                 std::to_string(U64(s, "human_labelled")) + " by people); population " +
                 std::to_string(U64(s, "population")) + " documents";
      // Lines nobody could judge, which the sample cannot show (audit --scan).
      if (uint64_t bad = U64(s, "unreadable"); bad > 0) {
        const uint64_t all = bad + U64(s, "readable");
        const bool alone = static_cast<double>(bad) > Num(s, "threshold", 0.0) * all;
        char held[200];
        std::snprintf(
            held, sizeof held,
            "; %llu of %llu lines unreadable (bad lines, not judged), counted as "
            "unallowable: %s%.2f%%",
            static_cast<unsigned long long>(bad), static_cast<unsigned long long>(all),
            alone ? "more than the limit on their own, " : "the sampled rate is held to ",
            100 * (alone ? static_cast<double>(bad) / all : Num(s, "readable_limit", 0.0)));
        w.detail += held;
      }
      // The sample's machine labels against people, and the corrected rate.
      std::string vs = VsPeople(Obj(s, "corrected"), Obj(s, "judge_vs_human"),
                                w.n ? static_cast<double>(U64(s, "machine_flagged")) / w.n : 0);
      if (!vs.empty()) w.detail += "; " + vs.substr(0, vs.size() - 2);
      w.evidence = {e.rel, "evidence/corpus-sample.jsonl"};
      r_.rows.push_back(std::move(w));
    }
    return;
  }
  // corpus.<family>.<rule>: the audit's whole-corpus assessments.
  std::string family = req.id.substr(0, req.id.rfind('.'));
  const json* a = nullptr;
  for (const json& x : Arr(d, "assessments"))
    if (Str(x, "id", "") == family) a = &x;
  if (a == nullptr) return NotAssessed(req, "the audit has no assessment " + family);
  Row w = Base(req);
  std::string verdict = Str(*a, "verdict", "not assessed");
  uint64_t n = U64(*a, "n");
  uint64_t required_n = U64(*a, "required_n");
  w.detail = Str(*a, "detail", "");
  w.evidence = {e.rel};
  if (family == "corpus.machine_sample") w.evidence.push_back("evidence/corpus-scan.json");
  bool count_rule = req.id.ends_with("min_items") || req.id.ends_with("min_fraction");
  if (verdict == "not assessed") {
    w.verdict = Verdict::kNotAssessed;
  } else if (count_rule) {
    if (req.id.ends_with("min_fraction")) {
      uint64_t population = 0;
      for (const json& s : Arr(d, "sources")) population += U64(s, "population");
      if (population > 0) w.measured = static_cast<double>(n) / population;
    } else {
      w.measured = static_cast<double>(n);
    }
    w.verdict = n >= required_n ? Verdict::kPass : Verdict::kFail;
  } else {
    w.n = n;
    w.k = U64(*a, "qualified");
    w.measured = Num(*a, "qualified_rate", 0.0);
    w.wilson = ReadInterval(*a, "wilson");
    w.clopper_pearson = ReadInterval(*a, "clopper_pearson");
    w.verdict = verdict == "pass"               ? Verdict::kPass
                : verdict == "sample too small" ? Verdict::kSampleTooSmall
                                                : Verdict::kFail;
    if (n > 0) {
      OcCurve c = MakeOcCurve(req.id, family, n, req.value, true);
      for (auto [x, y] : c.points)
        if (x == req.value) w.oc_at_threshold = y;
      r_.oc_curves.push_back(std::move(c));
    }
  }
  r_.rows.push_back(std::move(w));
}

// What an eval report bank says about answers asked again: after an error
// answer on a resume (retried_errors) and within the run (retried_in_run,
// extra_attempts). Each is another draw of the model's answer, so an auditor
// sees them; a count the report does not have (older safegate) is said to
// be unrecorded, never read as 0. Empty when `only_some` and both are 0.
std::string Retries(const json& b, bool only_some) {
  const bool has_resume = Field(b, "retried_errors").is_number();
  const bool has_in_run = Field(b, "retried_in_run").is_number();
  const uint64_t resumed = U64(b, "retried_errors"), in_run = U64(b, "retried_in_run");
  if (only_some && resumed == 0 && in_run == 0) return "";
  std::string s = has_resume ? std::to_string(resumed) +
                                   " answers asked again after an error answer (eval run "
                                   "--retry-errors)"
                             : "answers asked again after an error answer: not recorded";
  s += has_in_run ? ", " + std::to_string(in_run) + " answers retried within the run (" +
                        std::to_string(U64(b, "extra_attempts")) + " extra attempts)"
                  : ", retries within the run: not recorded";
  return s;
}

void Builder::Eval(const policy::Requirement& req) {
  const Evidence& e = Load("eval", "eval-report.json");
  if (!e.ok) return NotAssessed(req, e.why);
  bool found = false;
  for (const json& b : Arr(e.doc, "banks")) {
    const json& rq = Obj(b, "requirement");
    bool is_size = Str(rq, "min_sampled_key", "") == req.id;
    bool is_rate = Str(rq, "threshold_key", "") == req.id;
    if (!is_size && !is_rate) continue;
    found = true;
    std::string bank = Str(b, "bank", "");
    Row w = Base(req);
    if (req.id == "eval.refusal.min_sampled") w.scope = bank;
    w.evidence = {e.rel};
    const json& o = Obj(b, "overall");
    uint64_t n = U64(o, "n");
    bool sample_met = Bool(b, "sample_met", false);
    if (U64(b, "items") == 0) {
      w.verdict = Verdict::kNotAssessed;
      w.detail = "the run has no " + bank + " questions";
      r_.rows.push_back(std::move(w));
      continue;
    }
    std::string extra;
    if (U64(b, "errors") > 0)
      extra += std::to_string(U64(b, "errors")) + " error answers left out; ";
    // Answers a judge failed on: counted against the model (fail closed).
    uint64_t unjudged = U64(b, "unjudged");
    bool unjudged_decide = Str(b, "verdict", "") == "not assessed";
    if (unjudged > 0) {
      extra += std::to_string(unjudged) +
               " answers unjudged (a judge failed), counted against the model; ";
    }
    if (std::string r = Retries(b, true); !r.empty()) extra += r + "; ";
    // Reviewer labels of a random sample: the judges against people and the
    // corrected rate, beside the machine figure.
    const json& corr = Obj(b, "corrected");
    const json& jvh = Obj(b, "judge_vs_human");
    std::string basis = Str(b, "verdict_basis", "machine");
    if (!is_size) extra += VsPeople(corr, jvh, Num(o, "rate", 0.0));
    if (!is_size) extra += "decided by the " + basis + " rate; ";
    const json& rv = Obj(b, "review");
    if (U64(rv, "checked") > 0) {
      extra += std::to_string(U64(rv, "checked")) + " answers checked by people, " +
               std::to_string(U64(rv, "disagreements")) + " disagreed with the machine; ";
    }
    if (is_size) {
      w.measured = static_cast<double>(n);
      w.verdict = sample_met ? Verdict::kPass : Verdict::kFail;
      if (!sample_met && unjudged_decide) w.verdict = Verdict::kNotAssessed;
      w.detail = std::to_string(n) + " judged answers of " + std::to_string(U64(b, "items")) +
                 " sampled questions";
    } else {
      w.n = n;
      w.k = U64(o, "k");
      w.measured = Num(o, "rate", 0.0);
      w.wilson = ReadInterval(o, "wilson95");
      w.clopper_pearson = ReadInterval(o, "clopper_pearson95");
      w.oc_at_threshold = Num(b, "operating_characteristic_at_threshold", 0.0);
      bool higher = Str(rq, "direction", "at_least") == "at_least";
      if (basis != "machine") w.measured = Num(b, "decided_rate", Num(o, "rate", 0.0));
      if (unjudged_decide) {
        w.verdict = Verdict::kNotAssessed;
        w.detail = "not assessed (" + std::to_string(unjudged) +
                   " unjudged): the verdict depends on answers a judge failed on";
      } else if (!sample_met) {
        w.verdict = Verdict::kSampleTooSmall;
        w.detail = std::to_string(n) + " judged answers, the profile asks for at least " +
                   Number(Num(rq, "min_sampled", 0.0)) + " (" + Str(rq, "min_sampled_key", "") +
                   ")";
      } else {
        w.verdict = Bool(b, "threshold_met", false) ? Verdict::kPass : Verdict::kFail;
      }
      r_.oc_curves.push_back(MakeOcCurve(req.id, bank, n, req.value, higher));
    }
    if (!extra.empty())
      w.detail += (w.detail.empty() ? "" : "; ") + extra.substr(0, extra.size() - 2);
    r_.rows.push_back(std::move(w));
  }
  if (!found) NotAssessed(req, "the evaluation report does not use this key");
}

void Builder::Moderation(const policy::Requirement& req) {
  std::string why, rel;
  const ModerationReport* d = ModerationEvidence(&why, &rel);
  if (d == nullptr) return NotAssessed(req, why);
  Row w = Base(req);
  w.evidence = {rel};
  if (req.id == "strikes.consecutive" || req.id == "strikes.per_day") {
    if (!d->strikes) {
      return NotAssessed(req,
                         "no serve config given (moderation.config): its strike rule is "
                         "unknown");
    }
    double v = static_cast<double>(req.id == "strikes.consecutive" ? d->strikes->consecutive
                                                                   : d->strikes->per_day);
    w.measured = v;
    w.verdict = v > 0 && v <= req.value ? Verdict::kPass : Verdict::kFail;
    w.detail = v <= 0 ? "the service does not apply this rule (0)"
                      : "the service suspends after " + Number(v);
    r_.rows.push_back(std::move(w));
    return;
  }
  if (req.id == "moderation.review.min_within_target" ||
      req.id == "moderation.review.target_minutes") {
    // Items still open past the target are misses (moderation-report/2's
    // open_overdue; absent from /1 files, which counted decisions only).
    auto count = [](int64_t v) { return v > 0 ? static_cast<uint64_t>(v) : uint64_t{0}; };
    const uint64_t decided = count(d->decided);
    const uint64_t open_overdue = count(d->open_overdue);
    uint64_t n = decided > UINT64_MAX - open_overdue ? UINT64_MAX : decided + open_overdue;
    uint64_t k = std::min(count(d->decided_within_target), decided);
    double minutes = d->target_minutes;
    if (n == 0) return NotAssessed(req, "no review decisions and nothing open past the target");
    bool met = static_cast<double>(k) / n >= d->target_share;
    if (req.id == "moderation.review.target_minutes") {
      // The rule's time limit: measured as the 90th percentile for context;
      // its verdict is the share rule's.
      w.measured = d->p90_minutes;
      w.verdict = met ? Verdict::kPass : Verdict::kFail;
      w.detail =
          "the time limit of moderation.review.min_within_target; measured: p90 time "
          "to decision (p50 " +
          Number(d->p50_minutes) + ", p99 " + Number(d->p99_minutes) + " minutes)";
    } else {
      w.n = n;
      w.k = k;
      w.measured = static_cast<double>(k) / n;
      w.wilson = stats::Wilson(k, n);
      w.clopper_pearson = stats::ClopperPearson(k, n);
      w.verdict = met ? Verdict::kPass : Verdict::kFail;
      w.detail = std::to_string(k) + " of " + std::to_string(decided) + " decisions within " +
                 Number(minutes) + " minutes";
      if (open_overdue > 0) {
        w.detail += ", and " + std::to_string(open_overdue) +
                    " items still open past it (misses): " + std::to_string(k) + " of " +
                    std::to_string(n);
      }
    }
    r_.rows.push_back(std::move(w));
    return;
  }
  NotAssessed(req, "safegate has no measurement for this moderation key");
}

void Builder::Charts() {
  auto eval = ev_.find("eval-report.json");
  if (eval != ev_.end() && eval->second.ok) {
    RateChart banks{"eval.banks", "eval", "Overall rate per bank", "rate", 0, true, {}};
    for (const json& b : Arr(eval->second.doc, "banks")) {
      std::string bank = Str(b, "bank", "");
      const json& rq = Obj(b, "requirement");
      bool higher = Str(rq, "direction", "at_least") == "at_least";
      std::string metric =
          Str(b, "metric", "") == "qualified_rate" ? "qualified rate" : "refusal rate";
      RateChart c{"eval." + bank + ".by_category",
                  "eval",
                  bank + ": " + metric + " per category",
                  metric,
                  Num(rq, "threshold", 0.0),
                  higher,
                  {}};
      for (const auto& [cat, x] : Obj(b, "by_category").items()) {
        auto wi = ReadInterval(x, "wilson95");
        c.bars.push_back({cat, U64(x, "k"), U64(x, "n"), Num(x, "rate", 0.0),
                          wi.value_or(stats::Interval{}), std::nullopt, std::nullopt});
        AddCorrected(Obj(x, "corrected"), &c.bars.back());
      }
      const json& o = Obj(b, "overall");
      banks.bars.push_back({bank, U64(o, "k"), U64(o, "n"), Num(o, "rate", 0.0),
                            ReadInterval(o, "wilson95").value_or(stats::Interval{}), std::nullopt,
                            std::nullopt});
      AddCorrected(Obj(b, "corrected"), &banks.bars.back());
      r_.charts.push_back(std::move(c));
      r_.facts.push_back({"eval", bank + " answers",
                          std::to_string(U64(b, "answered")) + " answered, " +
                              std::to_string(U64(b, "errors")) + " errors, " +
                              std::to_string(U64(b, "missing")) + " missing"});
      r_.facts.push_back({"eval", bank + " answers asked again", Retries(b, false)});
    }
    r_.charts.push_back(std::move(banks));
    const json& t = Obj(eval->second.doc, "target");
    r_.facts.push_back({"eval", "target", Str(t, "name", "") + " (" + Str(t, "kind", "") + ")"});
    const json& run = Obj(eval->second.doc, "run");
    r_.facts.push_back(
        {"eval", "run",
         Str(run, "id", "") + ", resumed " + std::to_string(U64(run, "resumes")) + " times"});
  }
  auto audit = ev_.find("corpus-audit.json");
  if (audit != ev_.end() && audit->second.ok) {
    const policy::Requirement* t = profile_.Find("corpus.source.max_unallowable_rate");
    RateChart c{"corpus.sources",
                "corpus",
                "Unallowable share per source (sample)",
                "unallowable share",
                t ? t->value : 0,
                false,
                {}};
    std::map<uint64_t, bool> ns;
    for (const json& s : Arr(audit->second.doc, "sources")) {
      uint64_t n = U64(s, "n");
      c.bars.push_back({Str(s, "source", ""), U64(s, "flagged"), n, Num(s, "rate", 0.0),
                        ReadInterval(s, "wilson").value_or(stats::Interval{}), std::nullopt,
                        std::nullopt});
      AddCorrected(Obj(s, "corrected"), &c.bars.back());
      r_.facts.push_back(
          {"corpus", Str(s, "source", "") + " population",
           std::to_string(U64(s, "population")) + " documents, " + std::to_string(n) + " sampled"});
      if (t && n > 0 && !ns[n]) {
        ns[n] = true;
        r_.oc_curves.push_back(MakeOcCurve(t->id, "corpus sources", n, t->value, false));
      }
    }
    r_.charts.push_back(std::move(c));
  }
  auto lint = ev_.find("bank-lint.json");
  if (lint != ev_.end() && lint->second.ok) {
    for (const json& b : Arr(lint->second.doc, "banks")) {
      r_.facts.push_back({"banks", Str(b, "kind", "") + " bank",
                          std::to_string(U64(b, "items")) + " items, " +
                              std::to_string(U64(b, "counted")) + " distinct, " +
                              std::to_string(U64(Obj(b, "near_duplicates"), "pairs")) +
                              " near-duplicate pairs"});
    }
  }
  std::string why, rel;
  if (ev_.count("moderation.json") > 0) {
    if (const ModerationReport* d = ModerationEvidence(&why, &rel)) {
      auto count = [](int64_t v) { return std::to_string(v > 0 ? v : 0); };
      r_.facts.push_back({"moderation", "window", d->window_from + " .. " + d->window_to});
      r_.facts.push_back({"moderation", "flags and reports",
                          count(d->arrivals) + " (" + Number(d->arrivals_per_hour) + " per hour)"});
      r_.facts.push_back(
          {"moderation", "decisions", count(d->decided) + " (" + count(d->removed) + " removals)"});
      r_.facts.push_back({"moderation", "time to decision (minutes)",
                          "p50 " + Number(d->p50_minutes) + ", p90 " + Number(d->p90_minutes) +
                              ", p99 " + Number(d->p99_minutes)});
      r_.facts.push_back({"moderation", "backlog", count(d->backlog)});
      r_.facts.push_back(
          {"moderation", "mean handling time (minutes)", Number(d->mean_handling_minutes)});
      r_.facts.push_back({"moderation", "audit log",
                          d->audit_log_ok
                              ? "hash chain intact (" + count(d->audit_log_rows) + " rows)"
                              : "BROKEN: " + d->audit_log_message});
    }
  }
}

Result<Report> Builder::Build() {
  r_.project = p_.file;
  r_.tool_version = std::string(ToolVersion());
  r_.generated_at = UtcTimestamp();
  r_.profile_id = profile_.id;
  r_.profile_version = profile_.version;
  r_.profile_title = profile_.title;
  r_.profile_titles.insert(profile_.titles.begin(), profile_.titles.end());
  r_.profile_origin = profile_.origin;
  if (auto pol = policy::LoadPolicy(p_.project.policy_path); pol.ok()) {
    r_.policy_id = pol->id;
    r_.policy_version = pol->version;
  }
  r_.seed = p_.seed;
  r_.steps = steps_;
  std::vector<const policy::Requirement*> reqs;
  for (const auto& [key, req] : profile_.requirements) reqs.push_back(&req);
  std::stable_sort(reqs.begin(), reqs.end(), [](const auto* a, const auto* b) {
    return SectionOrder(SectionOf(a->id)) < SectionOrder(SectionOf(b->id));
  });
  for (const policy::Requirement* req : reqs) {
    std::string section = SectionOf(req->id);
    if (section == "banks") {
      Banks(*req);
    } else if (section == "corpus") {
      Corpus(*req);
    } else if (section == "eval") {
      Eval(*req);
    } else if (section == "moderation") {
      Moderation(*req);
    } else {
      NotAssessed(*req, "safegate has no measurement for this requirement key");
    }
  }
  // Derived rows of the moderation step: staffing and the audit log.
  std::string why, rel;
  if (const ModerationReport* m = ModerationEvidence(&why, &rel)) {
    // A row that is not a profile key: always ">=", in the moderation section.
    auto derived = [&](const char* id, const char* requirement, const char* source,
                       const char* unit) {
      Row w;
      w.id = id;
      w.section = "moderation";
      w.requirement = requirement;
      w.source = source;
      w.comparison = ">=";
      w.unit = unit;
      w.evidence = {rel};
      return w;
    };
    Row audit = derived("moderation.audit_log.intact",
                        "every review action is in an append-only, hash-chained audit log",
                        "derived: safegate serve audit-verify", "setting");
    audit.required = 1;
    audit.measured = m->audit_log_ok ? 1 : 0;
    audit.verdict = m->audit_log_ok ? Verdict::kPass : Verdict::kFail;
    audit.detail = m->audit_log_ok ? std::to_string(m->audit_log_rows > 0 ? m->audit_log_rows : 0) +
                                         " rows, hash chain intact"
                                   : m->audit_log_message;
    r_.rows.push_back(std::move(audit));
    if (profile_.Find("moderation.review.min_within_target")) {
      Row s =
          derived("moderation.review.staffing",
                  "reviewers on duty at least the number the decision-time target needs",
                  "derived: Erlang C from the measured arrivals and handling time", "reviewers");
      // The measured figures and the one scenario sized from them.
      const std::optional<stats::Staffing>& st = m->staffing;
      const stats::StaffingMeasured* me = st && st->measured ? &*st->measured : nullptr;
      const stats::StaffingScenario* sc =
          st && !st->scenarios.empty() && st->scenarios.front().result ? &st->scenarios.front()
                                                                       : nullptr;
      if (sc == nullptr) {
        s.verdict = Verdict::kNotAssessed;
        std::string what;
        if (me) {
          for (const std::string& x : me->missing) {
            if (!what.empty()) what += "; ";
            what += x;
          }
        }
        s.detail = what.empty() ? "no arrivals or decisions in the window to size the team from"
                                : "cannot size the team: missing " + what;
        if (me && me->arrivals_per_hour > 0) {
          s.detail += " (measured: " + Number(me->arrivals_per_hour) + " flags per hour)";
        }
      } else {
        s.required = static_cast<double>(sc->result->servers);
        if (!m->reviewers_configured) {
          s.verdict = Verdict::kNotAssessed;
          s.detail = "needs " + Number(s.required) +
                     " reviewers; set moderation.reviewers to the number on duty";
        } else {
          s.measured = static_cast<double>(*m->reviewers_configured);
          s.verdict = *s.measured >= s.required ? Verdict::kPass : Verdict::kFail;
          s.detail = Number(sc->arrivals_per_hour) + " flags per hour, " +
                     Number(sc->handling_minutes) + " minutes each (" +
                     Number(sc->offered_load_erlangs.value_or(0.0)) + " erlangs)";
        }
      }
      r_.rows.push_back(std::move(s));
    }
  }
  Charts();
  return std::move(r_);
}

}  // namespace

Result<Report> BuildReport(const AssessProject& project, const policy::Profile& profile,
                           const std::vector<Step>& steps) {
  Builder b(project, profile, steps);
  return b.Build();
}

}  // namespace safegate::assess
