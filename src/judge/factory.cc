// MakePolicyJudges: reads the `judges:` section of the policy file.
#include "safegate/judge/factory.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "safegate/base/file.h"
#include "safegate/judge/cascade.h"
#include "safegate/judge/classifier.h"
#include "safegate/judge/keyword.h"
#include "safegate/judge/llm.h"
#include "safegate/judge/pii.h"
#include "safegate/judge/refusal.h"
#include "safegate/policy/yaml_util.h"

namespace safegate::judge {
namespace {

namespace yu = policy::internal;
using JudgeList = std::vector<std::shared_ptr<const Judge>>;

std::string Resolve(const std::string& origin, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute() || origin.empty()) return path;
  return (std::filesystem::path(origin).parent_path() / p).lexically_normal().string();
}

bool Skipping(const JudgeOptions& o, std::string_view name) {
  return std::find(o.skip.begin(), o.skip.end(), name) != o.skip.end();
}

// Records an entry left out (JudgeOptions::skip) and returns no judge.
std::shared_ptr<const Judge> Skip(const JudgeOptions& o, std::string name, std::string where) {
  if (o.skipped) o.skipped->push_back({std::move(name), std::move(where)});
  return nullptr;
}

// What a keyword judge's version names as its banks: "ID@VERSION".
std::string PolicyBanks(const policy::Policy& policy) {
  return policy.id + "@" + policy.version;
}

Result<std::shared_ptr<const Judge>> MakeKeyword(const policy::Policy& policy,
                                                 const JudgeOptions& o) {
  if (o.matcher)
    return std::shared_ptr<const Judge>(NewKeywordJudge(o.matcher, PolicyBanks(policy)));
  SAFEGATE_ASSIGN_OR_RETURN(
      auto matcher, policy::CompilePolicyMatcher(policy, o.bank_options, o.warnings, o.cache_dir));
  return std::shared_ptr<const Judge>(NewKeywordJudge(std::move(matcher), PolicyBanks(policy)));
}

Result<std::shared_ptr<const Judge>> MakeRefusal(
    const JudgeOptions& o, RefusalConvention convention = RefusalConvention::kAnswer) {
  RefusalOptions ro;
  ro.cache_dir = o.cache_dir;
  ro.convention = convention;
  SAFEGATE_ASSIGN_OR_RETURN(auto j, NewRefusalJudge(ro));
  return std::shared_ptr<const Judge>(std::move(j));
}

Status CheckCategory(const std::string& origin, const policy::Policy& policy,
                     const YAML::Node& node, const std::string& field, const std::string& id) {
  if (!policy.taxonomy.Contains(id))
    return yu::ErrorAt(origin, node, field,
                       "category '" + id + "' is not in the policy's taxonomy");
  return OkStatus();
}

Result<std::shared_ptr<const Judge>> MakeOne(const policy::Policy& policy, const YAML::Node& item,
                                             const std::string& origin, const std::string& where,
                                             const JudgeOptions& o) {
  if (!item.IsMap()) return yu::ErrorAt(origin, item, where, "must be a map with a 'name'");
  SAFEGATE_ASSIGN_OR_RETURN(std::string name,
                            yu::ReadString(origin, item["name"], where + ".name"));
  auto field = [&](const char* f) { return where + "." + f; };
  if (name == "keyword") {
    SAFEGATE_RETURN_IF_ERROR(yu::CheckKeys(origin, item, {"name"}, where));
    if (Skipping(o, name)) return Skip(o, name, where);
    return MakeKeyword(policy, o);
  }
  if (name == "refusal") {
    SAFEGATE_RETURN_IF_ERROR(
        yu::CheckKeys(origin, item, {"name", "convention", "escalate"}, where));
    RefusalConvention c = o.refusal_convention;
    if (item["convention"]) {
      SAFEGATE_ASSIGN_OR_RETURN(std::string name,
                                yu::ReadString(origin, item["convention"], field("convention")));
      auto parsed = ParseRefusalConvention(name);
      if (!parsed.ok())
        return yu::ErrorAt(origin, item["convention"], field("convention"),
                           std::string(parsed.status().message()));
      c = *parsed;
    }
    if (Skipping(o, name)) return Skip(o, name, where);
    return MakeRefusal(o, c);
  }
  if (name == "pii") {
    SAFEGATE_RETURN_IF_ERROR(yu::CheckKeys(origin, item, {"name", "detectors", "category"}, where));
    PiiOptions p;
    if (item["detectors"]) {
      const YAML::Node d = item["detectors"];
      if (!d.IsSequence()) return yu::ErrorAt(origin, d, field("detectors"), "must be a list");
      for (size_t i = 0; i < d.size(); ++i) {
        std::string f = field("detectors") + "[" + std::to_string(i) + "]";
        SAFEGATE_ASSIGN_OR_RETURN(std::string det, yu::ReadString(origin, d[i], f));
        bool known = false;
        for (auto n : PiiDetectorNames()) known = known || n == det;
        if (!known)
          return yu::ErrorAt(
              origin, d[i], f,
              "unknown detector '" + det +
                  "'; expected email, phone, card, iban, cn_id, us_ssn, ru_snils or ru_inn");
        p.detectors.push_back(det);
      }
    }
    if (item["category"]) {
      SAFEGATE_ASSIGN_OR_RETURN(p.category,
                                yu::ReadString(origin, item["category"], field("category")));
      SAFEGATE_RETURN_IF_ERROR(
          CheckCategory(origin, policy, item["category"], field("category"), p.category));
    }
    if (Skipping(o, name)) return Skip(o, name, where);
    SAFEGATE_ASSIGN_OR_RETURN(auto j, NewPiiJudge(p));
    return std::shared_ptr<const Judge>(std::move(j));
  }
  if (name == "classifier") {
    SAFEGATE_RETURN_IF_ERROR(yu::CheckKeys(
        origin, item, {"name", "model", "threshold", "category", "labels", "thresholds", "script"},
        where));
    SAFEGATE_ASSIGN_OR_RETURN(std::string model,
                              yu::ReadString(origin, item["model"], field("model")));
    ClassifierJudgeOptions c;
    if (item["threshold"]) {
      SAFEGATE_ASSIGN_OR_RETURN(c.threshold,
                                yu::ReadNumber(origin, item["threshold"], field("threshold")));
      if (c.threshold < 0 || c.threshold > 1)
        return yu::ErrorAt(origin, item["threshold"], field("threshold"), "must be in [0, 1]");
    }
    if (item["category"]) {
      SAFEGATE_ASSIGN_OR_RETURN(c.category,
                                yu::ReadString(origin, item["category"], field("category")));
      SAFEGATE_RETURN_IF_ERROR(
          CheckCategory(origin, policy, item["category"], field("category"), c.category));
    }
    if (item["labels"]) {
      const YAML::Node m = item["labels"];
      if (!m.IsMap() || m.size() == 0)
        return yu::ErrorAt(origin, m, field("labels"), "must be a map of model label: category");
      for (auto it = m.begin(); it != m.end(); ++it) {
        std::string k = it->first.IsScalar() ? it->first.Scalar() : "";
        std::string f = field("labels") + "." + k;
        SAFEGATE_ASSIGN_OR_RETURN(std::string target, yu::ReadString(origin, it->second, f));
        SAFEGATE_RETURN_IF_ERROR(CheckCategory(origin, policy, it->second, f, target));
        c.label_categories[k] = target;
      }
    }
    if (item["thresholds"]) {
      const YAML::Node m = item["thresholds"];
      if (!m.IsMap()) return yu::ErrorAt(origin, m, field("thresholds"), "must be a map");
      for (auto it = m.begin(); it != m.end(); ++it) {
        std::string k = it->first.IsScalar() ? it->first.Scalar() : "";
        std::string f = field("thresholds") + "." + k;
        bool known = false;
        for (const auto& [label, cat] : c.label_categories) known = known || cat == k;
        if (!known)
          return yu::ErrorAt(origin, it->first, f,
                             "category '" + k + "' is not one that 'labels' maps to");
        SAFEGATE_ASSIGN_OR_RETURN(double t, yu::ReadNumber(origin, it->second, f));
        if (!(t >= 0 && t <= 1)) return yu::ErrorAt(origin, it->second, f, "must be in [0, 1]");
        c.thresholds[k] = t;
      }
    }
    if (item["script"]) {
      SAFEGATE_ASSIGN_OR_RETURN(c.script, yu::ReadString(origin, item["script"], field("script")));
      if (c.script != "latin" && c.script != "cjk")
        return yu::ErrorAt(origin, item["script"], field("script"),
                           "unknown script '" + c.script + "'; expected latin or cjk");
    }
    if (Skipping(o, name)) return Skip(o, name, where);
    auto loaded = TextClassifier::Load(Resolve(origin, model));
    if (!loaded.ok())
      return yu::ErrorAt(origin, item["model"], field("model"), loaded.status().message());
    for (const auto& [label, cat] : c.label_categories) {
      const auto& ls = (*loaded)->labels();
      if (std::find(ls.begin(), ls.end(), label) == ls.end())
        return yu::ErrorAt(origin, item["labels"], field("labels") + "." + label,
                           "the model has no label '" + label + "'");
    }
    return std::shared_ptr<const Judge>(NewClassifierJudge(std::move(loaded).value(), c));
  }
  if (name == "llm") {
    SAFEGATE_RETURN_IF_ERROR(yu::CheckKeys(origin, item,
                                           {"name", "id", "url", "format", "model", "api",
                                            "api_key_env", "timeout", "threshold", "category_map"},
                                           where));
    LlmJudgeOptions l;
    SAFEGATE_ASSIGN_OR_RETURN(l.url, yu::ReadString(origin, item["url"], field("url")));
    if (l.url.rfind("http://", 0) != 0 && l.url.rfind("https://", 0) != 0)
      return yu::ErrorAt(origin, item["url"], field("url"), "must start with http:// or https://");
    SAFEGATE_ASSIGN_OR_RETURN(std::string format,
                              yu::ReadString(origin, item["format"], field("format")));
    auto f = ParseLlmFormat(format);
    if (!f.ok()) return yu::ErrorAt(origin, item["format"], field("format"), f.status().message());
    l.format = *f;
    // A refusal classifier is a chat model; the guard models have raw templates.
    if (l.format == LlmFormat::kRefusal) l.api = "chat";
    SAFEGATE_RETURN_IF_ERROR(yu::ReadOptionalString(origin, item, "model", &l.model));
    SAFEGATE_RETURN_IF_ERROR(yu::ReadOptionalString(origin, item, "api", &l.api));
    if (l.api != "completions" && l.api != "chat")
      return yu::ErrorAt(origin, item["api"], field("api"),
                         "unknown api '" + l.api + "'; expected completions or chat");
    if (item["api_key_env"]) {
      SAFEGATE_ASSIGN_OR_RETURN(std::string env,
                                yu::ReadString(origin, item["api_key_env"], field("api_key_env")));
      const char* key = std::getenv(env.c_str());
      if (!key && o.build_llm && !Skipping(o, name))
        return yu::ErrorAt(origin, item["api_key_env"], field("api_key_env"),
                           "environment variable " + env + " is not set");
      if (key) l.api_key = key;
    }
    if (item["timeout"]) {
      SAFEGATE_ASSIGN_OR_RETURN(l.timeout_seconds,
                                yu::ReadNumber(origin, item["timeout"], field("timeout")));
      if (l.timeout_seconds <= 0)
        return yu::ErrorAt(origin, item["timeout"], field("timeout"), "must be positive");
    }
    if (item["threshold"]) {
      SAFEGATE_ASSIGN_OR_RETURN(l.threshold,
                                yu::ReadNumber(origin, item["threshold"], field("threshold")));
    }
    if (item["category_map"]) {
      const YAML::Node m = item["category_map"];
      if (!m.IsMap()) return yu::ErrorAt(origin, m, field("category_map"), "must be a map");
      for (auto it = m.begin(); it != m.end(); ++it) {
        std::string k = it->first.IsScalar() ? it->first.Scalar() : "";
        std::string f = field("category_map") + "." + k;
        SAFEGATE_ASSIGN_OR_RETURN(std::string target, yu::ReadString(origin, it->second, f));
        SAFEGATE_RETURN_IF_ERROR(CheckCategory(origin, policy, it->second, f, target));
        l.category_map[k] = target;
      }
    }
    if (Skipping(o, name)) return Skip(o, name, where);
    if (!o.build_llm) return std::shared_ptr<const Judge>();
    SAFEGATE_ASSIGN_OR_RETURN(auto j, NewLlmJudge(l));
    return std::shared_ptr<const Judge>(std::move(j));
  }
  return yu::ErrorAt(
      origin, item["name"], field("name"),
      "unknown judge '" + name + "'; expected keyword, pii, classifier, llm or refusal");
}

Result<JudgeList> Defaults(const policy::Policy& policy, const JudgeOptions& o) {
  JudgeList out;
  if (Skipping(o, "keyword")) {
    Skip(o, "keyword", "default");
  } else {
    SAFEGATE_ASSIGN_OR_RETURN(auto kw, MakeKeyword(policy, o));
    out.push_back(std::move(kw));
  }
  if (o.keyword_only_default) return out;
  if (Skipping(o, "pii")) {
    Skip(o, "pii", "default");
  } else {
    SAFEGATE_ASSIGN_OR_RETURN(auto pii, NewPiiJudge());
    out.push_back(std::move(pii));
  }
  if (Skipping(o, "refusal")) {
    Skip(o, "refusal", "default");
  } else {
    SAFEGATE_ASSIGN_OR_RETURN(auto refusal, MakeRefusal(o, o.refusal_convention));
    out.push_back(std::move(refusal));
  }
  return out;
}

}  // namespace

std::string PolicyKeywordJudgeVersion(const policy::Policy& policy) {
  return KeywordJudgeVersion(PolicyBanks(policy));
}

Result<JudgeList> MakePolicyJudgesFromYaml(const policy::Policy& policy, std::string_view yaml,
                                           const std::string& origin, const JudgeOptions& o) {
  SAFEGATE_ASSIGN_OR_RETURN(YAML::Node root, yu::ParseYaml(yaml, origin));
  if (!root.IsMap() || !root["judges"] || root["judges"].IsNull()) return Defaults(policy, o);
  const YAML::Node judges = root["judges"];
  if (!judges.IsSequence())
    return yu::ErrorAt(origin, judges, "judges", "must be a list of {name: ...} entries");
  // First the ids and the cascades, from the YAML alone, so a mistake there is
  // reported before any judge is built (the refusal model trains on first use).
  struct Entry {
    // null: an llm entry not built (build_llm false) or an entry skipped (JudgeOptions::skip)
    std::shared_ptr<const Judge> judge;
    std::string name, id, where;
    int escalate_to = -1;  // index of the escalation target
    double below = 0.8;
    bool escalation_target = false;
  };
  std::vector<Entry> entries(judges.size());
  for (size_t i = 0; i < judges.size(); ++i) {
    Entry& e = entries[i];
    e.where = "judges[" + std::to_string(i) + "]";
    const YAML::Node item = judges[i];
    if (!item.IsMap()) continue;  // MakeOne reports it
    if (item["name"] && item["name"].IsScalar()) e.name = item["name"].Scalar();
    if (item["id"] && e.name == "llm") {
      SAFEGATE_ASSIGN_OR_RETURN(e.id, yu::ReadString(origin, item["id"], e.where + ".id"));
      for (size_t k = 0; k < i; ++k)
        if (entries[k].id == e.id)
          return yu::ErrorAt(origin, item["id"], e.where + ".id",
                             "id '" + e.id + "' is used twice");
    }
  }
  // Cascades: `escalate: {to: ID_OR_NAME, below: P}` on a refusal entry. The
  // target is used only through the cascade, not as a judge of its own.
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!judges[i].IsMap() || entries[i].name != "refusal") continue;
    const YAML::Node esc = judges[i]["escalate"];
    if (!esc) continue;
    std::string f = entries[i].where + ".escalate";
    if (!esc.IsMap()) return yu::ErrorAt(origin, esc, f, "must be a map {to: ..., below: ...}");
    SAFEGATE_RETURN_IF_ERROR(yu::CheckKeys(origin, esc, {"to", "below"}, f));
    SAFEGATE_ASSIGN_OR_RETURN(std::string to, yu::ReadString(origin, esc["to"], f + ".to"));
    if (esc["below"]) {
      SAFEGATE_ASSIGN_OR_RETURN(entries[i].below,
                                yu::ReadNumber(origin, esc["below"], f + ".below"));
      if (!(entries[i].below >= 0 && entries[i].below <= 1))
        return yu::ErrorAt(origin, esc["below"], f + ".below", "must be in [0, 1]");
    }
    std::vector<size_t> match;
    for (size_t k = 0; k < entries.size(); ++k)
      if (entries[k].id == to) match.push_back(k);
    if (match.empty())
      for (size_t k = 0; k < entries.size(); ++k)
        if (entries[k].id.empty() && entries[k].name == to) match.push_back(k);
    if (match.size() != 1)
      return yu::ErrorAt(origin, esc["to"], f + ".to",
                         match.empty() ? "no judge has the id or name '" + to + "'"
                                       : "several judges are named '" + to + "'; give one an id");
    Entry& target = entries[match[0]];
    if (target.name != "llm")
      return yu::ErrorAt(
          origin, esc["to"], f + ".to",
          "must name an llm judge (format refusal or wildguard), not '" + target.name + "'");
    const YAML::Node fmt_node = judges[match[0]]["format"];
    std::string fmt = fmt_node && fmt_node.IsScalar() ? fmt_node.Scalar() : "";
    if (fmt != "refusal" && fmt != "wildguard")
      return yu::ErrorAt(origin, esc["to"], f + ".to",
                         "judge '" + to + "' has format '" + fmt +
                             "', which gives no refusal label; expected refusal or wildguard");
    if (target.escalation_target)
      return yu::ErrorAt(origin, esc["to"], f + ".to",
                         "judge '" + to + "' is already the target of another cascade");
    target.escalation_target = true;
    entries[i].escalate_to = static_cast<int>(match[0]);
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    SAFEGATE_ASSIGN_OR_RETURN(entries[i].judge,
                              MakeOne(policy, judges[i], origin, entries[i].where, o));
  }
  for (auto& e : entries) {
    if (e.escalate_to < 0 || !e.judge) continue;  // no judge: a skipped refusal entry
    const auto& target = entries[e.escalate_to].judge;
    if (!target) continue;  // not built (build_llm false): the fast judge alone
    SAFEGATE_ASSIGN_OR_RETURN(auto cascade, NewCascadeJudge(e.judge, target, e.below));
    e.judge = std::move(cascade);
  }
  JudgeList out;
  for (auto& e : entries)
    if (e.judge && !e.escalation_target) out.push_back(std::move(e.judge));
  return out;
}

Result<JudgeList> MakePolicyJudges(const policy::Policy& policy, const JudgeOptions& options) {
  // The bytes the policy was parsed from; a Policy built in code (no text)
  // falls back to its file, or to the defaults without one.
  if (!policy.text.empty())
    return MakePolicyJudgesFromYaml(policy, policy.text, policy.path, options);
  if (policy.path.empty()) return Defaults(policy, options);
  SAFEGATE_ASSIGN_OR_RETURN(std::string yaml, ReadFile(policy.path));
  return MakePolicyJudgesFromYaml(policy, yaml, policy.path, options);
}

}  // namespace safegate::judge
