// Planning an evaluation run (eval/plan.h): moved out of `eval run`.
#include "safegate/eval/plan.h"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <type_traits>

#include "safegate/bank/sample.h"
#include "safegate/base/json.h"
#include "safegate/base/version.h"
#include "safegate/policy/bank.h"

namespace safegate::eval {
namespace {

using json = nlohmann::json;

// The target a run stored in its meta ("target"), and which fields it recorded
// (runs of older versions did not record system_prompt, api_key_env, seed, headers).
TargetSpec TargetFromMeta(const json& jt, std::set<std::string>* recorded) {
  TargetSpec t;
  if (!jt.is_object()) return t;
  auto str = [&](const char* k, std::string* out) {
    if (jt.contains(k) && jt[k].is_string()) {
      *out = jt[k].get<std::string>();
      recorded->insert(k);
    }
  };
  auto dbl = [&](const char* k, double* out) {
    if (jt.contains(k) && jt[k].is_number()) {
      *out = jt[k].get<double>();
      recorded->insert(k);
    }
  };
  auto integer = [&](const char* k, auto* out) {
    if (jt.contains(k) && jt[k].is_number_integer()) {
      *out = jt[k].get<std::remove_pointer_t<decltype(out)>>();
      recorded->insert(k);
    }
  };
  str("name", &t.name);
  str("kind", &t.kind);
  str("base_url", &t.base_url);
  str("api", &t.api);
  str("model", &t.model);
  str("system_prompt", &t.system_prompt);
  str("api_key_env", &t.api_key_env);
  str("http_client", &t.http_client);
  str("path", &t.replay_path);
  if (recorded->count("path")) recorded->insert("replay_path");
  dbl("temperature", &t.temperature);
  dbl("requests_per_second", &t.requests_per_second);
  dbl("timeout_seconds", &t.timeout_seconds);
  dbl("item_deadline_seconds", &t.item_deadline_seconds);
  integer("max_tokens", &t.max_tokens);
  integer("seed", &t.seed);
  integer("concurrency", &t.concurrency);
  integer("max_attempts", &t.max_attempts);
  if (jt.contains("stream") && jt["stream"].is_boolean()) {
    t.stream = jt["stream"].get<bool>();
    recorded->insert("stream");
  }
  if (jt.contains("header_names") && jt["header_names"].is_array()) recorded->insert("headers");
  return t;
}

json TargetMeta(const TargetSpec& target) {
  json jt = {{"name", target.name}, {"kind", target.kind}};
  if (target.kind == "openai") {
    jt["base_url"] = target.base_url;
    jt["model"] = target.model;
    jt["api"] = target.api;
    jt["temperature"] = target.temperature;
    jt["max_tokens"] = target.max_tokens;
    jt["stream"] = target.stream;
    jt["concurrency"] = target.concurrency;
    jt["requests_per_second"] = target.requests_per_second;
    jt["http_client"] = target.http_client;
    jt["system_prompt"] = target.system_prompt;
    jt["api_key_env"] = target.api_key_env;
    jt["seed"] = target.seed;
    jt["timeout_seconds"] = target.timeout_seconds;
    jt["max_attempts"] = target.max_attempts;
    jt["item_deadline_seconds"] = target.item_deadline_seconds;
    json names = json::array();
    for (const auto& h : target.headers) names.push_back(h.name);
    jt["header_names"] = std::move(names);
  } else {
    jt["path"] = target.replay_path;
  }
  return jt;
}

}  // namespace

bool TargetOverrides::NamesIdentity() const {
  return !replay.empty() || !base_url.empty() || !model.empty() || !api.empty() ||
         !system_prompt.empty() || temperature >= 0 || max_tokens > 0 || !api_key_env.empty();
}

Result<TargetSpec> ResolveTarget(const EvalConfig& cfg, const TargetOverrides& o, bool* given) {
  TargetSpec target = cfg.target;
  if (given != nullptr) *given = cfg.has_target || o.NamesIdentity();
  if (!o.replay.empty()) {
    target.kind = "replay";
    target.name = "replay";
    target.replay_path = o.replay;
  }
  if (!o.base_url.empty()) {
    target.kind = "openai";
    target.base_url = o.base_url;
    if (!cfg.has_target) target.name = "openai";
  }
  if (!o.model.empty()) target.model = o.model;
  if (!o.api_key_env.empty()) target.api_key_env = o.api_key_env;
  if (!o.api.empty()) target.api = o.api;
  if (!o.system_prompt.empty()) target.system_prompt = o.system_prompt;
  for (const auto& h : o.headers) {
    size_t c = h.find(':');
    if (c == std::string::npos) {
      return InvalidArgumentError("--header '" + h + "': expected NAME: VALUE");
    }
    std::string v = h.substr(c + 1);
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    target.headers.push_back({h.substr(0, c), v});
  }
  if (o.temperature >= 0) target.temperature = o.temperature;
  if (o.max_tokens > 0) target.max_tokens = o.max_tokens;
  if (o.concurrency > 0) target.concurrency = o.concurrency;
  if (o.requests_per_second >= 0) target.requests_per_second = o.requests_per_second;
  if (o.max_attempts > 0) target.max_attempts = o.max_attempts;
  if (o.timeout_seconds > 0) target.timeout_seconds = o.timeout_seconds;
  if (o.item_deadline_seconds > 0) target.item_deadline_seconds = o.item_deadline_seconds;
  if (!o.http_client.empty()) target.http_client = o.http_client;
  if (o.stream) target.stream = true;
  return target;
}

std::vector<std::pair<std::string, std::string>> TargetIdentity(const TargetSpec& t) {
  auto num = [](double v) { return v < 0 ? std::string("(not sent)") : DumpJson(json(v)); };
  if (t.kind == "replay") return {{"kind", t.kind}, {"path", t.replay_path}};
  return {{"kind", t.kind},
          {"base_url", t.base_url},
          {"api", t.api},
          {"model", t.model},
          {"system_prompt", t.system_prompt},
          {"temperature", num(t.temperature)},
          {"max_tokens", t.max_tokens > 0 ? std::to_string(t.max_tokens) : "(not sent)"},
          {"seed", t.seed >= 0 ? std::to_string(t.seed) : "(not sent)"},
          {"api_key_env", t.api_key_env}};
}

std::string TargetMetaJson(const TargetSpec& target) {
  return DumpJson(TargetMeta(target));
}

Result<TargetSpec> ResumeTarget(const EvalConfig& cfg, const TargetOverrides& o,
                                const TargetSpec& given, bool given_by_user,
                                const std::string& run_id, const std::string& meta_json) {
  json meta = json::parse(meta_json, nullptr, false);
  if (!meta.is_object() || !meta.contains("target") || !meta["target"].is_object()) {
    return InvalidArgumentError("--resume " + run_id + ": the run stored no target");
  }
  std::set<std::string> recorded;
  TargetSpec t = TargetFromMeta(meta["target"], &recorded);
  if (given_by_user) {
    const std::string from =
        o.NamesIdentity()
            ? (cfg.has_target ? "the flags and the project's eval.target" : "the flags")
            : "the project's eval.target";
    std::vector<std::pair<std::string, std::string>> have = TargetIdentity(t);
    std::vector<std::pair<std::string, std::string>> want = TargetIdentity(given);
    std::string diffs;
    for (const auto& [k, v] : want) {
      if (!recorded.count(k)) continue;
      std::string old;
      for (const auto& [hk, hv] : have)
        if (hk == k) old = hv;
      if (old == v) continue;
      if (!diffs.empty()) diffs += "; ";
      diffs += k + ": the run has '" + old + "', " + from + " give '" + v + "'";
    }
    if (!diffs.empty()) {
      return InvalidArgumentError(
          "--resume " + run_id + ": the target differs from the one the run was started with (" +
          diffs +
          "). A resumed run keeps its target, so that every answer comes from it; to evaluate "
          "the other target start a new run (without --resume)");
    }
  }
  // Not recorded by an older run: as given.
  if (!recorded.count("system_prompt")) t.system_prompt = given.system_prompt;
  if (!recorded.count("api_key_env")) t.api_key_env = given.api_key_env;
  if (!recorded.count("seed")) t.seed = given.seed;
  // Speed and retries: the overrides, else the project, else the run's.
  if (cfg.has_target) {
    const TargetSpec& ops = cfg.target;
    t.concurrency = ops.concurrency;
    t.requests_per_second = ops.requests_per_second;
    t.timeout_seconds = ops.timeout_seconds;
    t.max_attempts = ops.max_attempts;
    t.item_deadline_seconds = ops.item_deadline_seconds;
    t.backoff_initial_seconds = ops.backoff_initial_seconds;
    t.backoff_max_seconds = ops.backoff_max_seconds;
    t.http_client = ops.http_client;
    t.stream = ops.stream;
  }
  if (o.concurrency > 0) t.concurrency = o.concurrency;
  if (o.requests_per_second >= 0) t.requests_per_second = o.requests_per_second;
  if (o.max_attempts > 0) t.max_attempts = o.max_attempts;
  if (o.timeout_seconds > 0) t.timeout_seconds = o.timeout_seconds;
  if (o.item_deadline_seconds > 0) t.item_deadline_seconds = o.item_deadline_seconds;
  if (!o.http_client.empty()) t.http_client = o.http_client;
  if (o.stream) t.stream = true;
  t.headers = given.headers;  // values are not stored (they may hold credentials)
  if (recorded.count("headers")) {
    std::set<std::string> stored_names, names;
    for (const auto& n : meta["target"]["header_names"])
      if (n.is_string()) stored_names.insert(n.get<std::string>());
    for (const auto& h : t.headers) names.insert(h.name);
    if (names != stored_names) {
      std::string list;
      for (const auto& n : stored_names) list += (list.empty() ? "" : ", ") + n;
      return InvalidArgumentError("--resume " + run_id +
                                  ": the run was started with the headers [" + list +
                                  "]; give the same ones (--header or eval.target.headers)");
    }
  }
  return t;
}

std::string RunPolicyPath(const std::string& meta_json) {
  json meta = json::parse(meta_json, nullptr, false);
  if (meta.is_object() && meta.contains("policy") && meta["policy"].is_object() &&
      meta["policy"].contains("path") && meta["policy"]["path"].is_string()) {
    return meta["policy"]["path"].get<std::string>();
  }
  return "";
}

Result<std::map<std::string, std::vector<std::string>>> ResolveBanks(
    const std::vector<std::string>& flag_banks, const EvalConfig& cfg,
    const std::map<std::string, std::vector<std::string>>& project_banks) {
  std::map<std::string, std::vector<std::string>> banks;
  for (const auto& [k, v] : cfg.banks) banks[k] = {v};
  if (banks.empty()) {
    for (const auto& [k, v] : project_banks)
      if (k != "keywords") banks[k] = v;
  }
  std::map<std::string, std::vector<std::string>> from_flags;
  for (const auto& b : flag_banks) {
    size_t eq = b.find('=');
    if (eq == std::string::npos)
      return InvalidArgumentError("--bank '" + b + "': expected KIND=PATH");
    auto k = ParseBankKind(b.substr(0, eq));
    if (!k.ok()) return k.status().WithPrefix("--bank");
    from_flags[std::string(BankKindName(*k))].push_back(b.substr(eq + 1));
  }
  if (!from_flags.empty()) banks = from_flags;
  if (banks.empty()) {
    return InvalidArgumentError(
        "no question banks: give --bank KIND=PATH, or banks (or eval.banks) in the project "
        "file");
  }
  return banks;
}

Result<RunPlan> PlanRun(const policy::Policy& policy, const policy::Profile& profile,
                        const TargetSpec& target, const JudgeList& judges,
                        const std::map<std::string, std::vector<std::string>>& banks,
                        const RunPlanOptions& options, std::vector<std::string>* warnings) {
  RunPlan plan;
  json sample_meta = json::object();
  for (const auto& [kind_name, paths] : banks) {
    auto kind_or = ParseBankKind(kind_name);
    if (!kind_or.ok()) return kind_or.status().WithPrefix("banks");
    const BankKind kind = *kind_or;
    policy::BankLoadOptions bo;
    bo.lenient = options.lenient_banks;
    SAFEGATE_ASSIGN_OR_RETURN(policy::Bank bank,
                              policy::LoadBanks(paths, kind, policy.taxonomy, bo, warnings));
    uint64_t n = 0;
    if (options.sample >= 0) {
      n = static_cast<uint64_t>(options.sample);
    } else {
      SAFEGATE_ASSIGN_OR_RETURN(n, bank::ProfileSampleSize(profile, kind));
    }
    if (bank.items.size() < n) {
      warnings->push_back("the " + kind_name + " bank has " + std::to_string(bank.items.size()) +
                          " questions, fewer than the " + std::to_string(n) + " to sample (" +
                          (options.sample >= 0 ? "--sample" : bank::SampleSizeKey(kind)) +
                          "): using all of them");
    }
    SAFEGATE_ASSIGN_OR_RETURN(auto drawn,
                              bank::DrawSample(bank, {static_cast<size_t>(n), options.seed}));
    for (const policy::BankItem* it : drawn) {
      plan.items.push_back({it->id, kind, it->category, it->lang, it->text});
    }
    sample_meta[kind_name] = {{"paths", paths},
                              {"bank_items", bank.items.size()},
                              {"sampled", drawn.size()},
                              {"requested", n}};
  }
  plan.run_id = options.run_id.empty() ? NewRunId() : options.run_id;
  json jj = json::array();
  for (const auto& j : judges)
    jj.push_back({{"name", std::string(j->name())}, {"version", std::string(j->version())}});
  json meta = {
      {"seed", options.seed},
      {"target", TargetMeta(target)},
      {"policy",
       {{"id", policy.id},
        {"version", policy.version},
        {"path", std::filesystem::absolute(policy.path).lexically_normal().string()}}},
      {"profile", {{"id", profile.id}, {"version", profile.version}, {"origin", profile.origin}}},
      {"judges", jj},
      {"sample", sample_meta},
      {"tool_version", ToolVersion()}};
  plan.meta_json = DumpJson(meta);
  return plan;
}

std::string NewRunId() {
  char buf[64];
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  std::random_device rd;
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%04x", rd() & 0xffff);
  return std::string("run-") + buf + "-" + suffix;
}

}  // namespace safegate::eval
