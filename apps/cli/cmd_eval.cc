// `safegate eval run|report|diff|review export|review import`: model evaluation.
//
// Exit codes: 0 ok (report: every gate passed; diff: no significant
// regression), 1 a gate failed (report) or a significant regression (diff),
// 2 bad input (flags, files, unknown run), 3 internal error, 4 (report) no
// gate failed but unjudged answers (a judge failed) leave one not assessed. `eval run` exits
// 0 once every item has a stored answer (error answers included), 1 when it
// was interrupted (resume with --resume RUN).
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <type_traits>

#include "common.h"
#include "safegate/bank/sample.h"
#include "safegate/base/file.h"
#include "safegate/base/json.h"
#include "safegate/base/progress.h"
#include "safegate/base/version.h"
#include "safegate/eval/report.h"
#include "safegate/eval/runner.h"
#include "safegate/eval/target.h"
#include "safegate/judge/factory.h"
#include "safegate/policy/bank.h"
#include "safegate/store/sqlite.h"

namespace safegate::cli {
namespace {

using json = nlohmann::json;

std::atomic<bool> g_stop{false};
void OnSignal(int) {
  g_stop.store(true);
}

struct EvalFlags {
  CorpusFlags corpus;
  std::string store;
  std::string profile;

  void AddTo(CLI::App* app) {
    corpus.AddTo(app, false);
    app->add_option("--store", store,
                    "Run store (SQLite file; default: eval.store of the project, else "
                    ".safegate/eval.db)");
    app->add_option("--profile", profile, "Profile (built-in name or file); default: the policy's");
  }
};

// The project file, read once, and its eval section (defaults without one).
struct EvalProject {
  std::optional<project::Project> project;
  eval::EvalConfig cfg;
};

Result<EvalProject> LoadEvalConfig(const EvalFlags& f) {
  EvalProject ep;
  SAFEGATE_ASSIGN_OR_RETURN(ep.project, project::LoadProjectIfAny(f.corpus.project));
  if (ep.project) ep.cfg = ep.project->eval;
  return ep;
}

std::string StorePath(const EvalFlags& f, const EvalProject& ep) {
  if (!f.store.empty()) return f.store;
  if (!ep.cfg.store.empty()) return ep.cfg.store;
  std::string base = ep.project ? ep.project->base_dir : ".";
  if (base.empty()) base = ".";
  return base + "/.safegate/eval.db";
}

Result<std::unique_ptr<eval::RunStore>> OpenStore(const std::string& path, bool must_exist) {
  if (must_exist && !std::filesystem::exists(path)) {
    return InvalidArgumentError("run store " + path + " does not exist (give --store)");
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (!dir.empty()) SAFEGATE_RETURN_IF_ERROR(MakeDirs(dir));
  store::SqliteOptions o;
  o.synchronous_full = false;  // WAL + NORMAL: a committed answer survives kill -9
  // Checkpoint every 16,384 pages (64 MiB with 4 KiB pages) rather than every
  // 1,000: a run commits thousands of small transactions a second.
  o.wal_autocheckpoint_pages = 16384;
  SAFEGATE_ASSIGN_OR_RETURN(auto db, store::OpenSqlite(path, o));
  return eval::RunStore::Open(std::move(db));
}

// Redraws "eval: 512/1000 answers, 143/s, 3 errors, ETA 3s" at most 4 times a second.
class RunProgress {
 public:
  explicit RunProgress(bool on) : on_(on), t0_(std::chrono::steady_clock::now()) {}
  void Update(const eval::RunProgressCounts& c) {
    if (!on_) return;
    if (first_ == UINT64_MAX) first_ = c.stored - 1;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(250) && c.stored < c.total) return;
    last_ = now;
    double secs = std::chrono::duration<double>(now - t0_).count();
    double rate = secs > 0 ? (c.stored - first_) / secs : 0;
    double eta = rate > 0 ? (c.total - c.stored) / rate : 0;
    std::fprintf(stderr, "\r\033[Keval: %llu/%llu answers, %.0f/s, %llu errors, ETA %.0fs",
                 static_cast<unsigned long long>(c.stored),
                 static_cast<unsigned long long>(c.total), rate,
                 static_cast<unsigned long long>(c.errors), eta);
    std::fflush(stderr);
  }
  void Finish() {
    if (on_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  bool on_;
  std::chrono::steady_clock::time_point t0_, last_{};
  uint64_t first_ = UINT64_MAX;
};

Result<policy::Profile> ResolveProfile(const EvalFlags& f, const EvalProject& ep,
                                       const std::string& meta_json) {
  std::string name = !f.profile.empty() ? f.profile : ep.cfg.profile;
  if (name.empty() && !meta_json.empty()) {
    json meta = json::parse(meta_json, nullptr, false);
    if (meta.is_object() && meta.contains("profile") && meta["profile"].is_object() &&
        meta["profile"].contains("origin") && meta["profile"]["origin"].is_string()) {
      name = meta["profile"]["origin"].get<std::string>();
      if (name.starts_with("builtin:")) name = name.substr(8);
    }
  }
  if (name.empty()) {
    SAFEGATE_ASSIGN_OR_RETURN(auto loaded, Load(f.corpus, ep.project, MatcherMode::kNone, false));
    return loaded->policy.profile;
  }
  return policy::LoadProfile(name);
}

// What decides a target's answers (the rest -- concurrency, rate, retries,
// timeouts, client -- only decides how fast they come), rendered for
// comparison: name -> value. A replay target is its file.
std::vector<std::pair<std::string, std::string>> TargetIdentity(const eval::TargetSpec& t) {
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

// The target a run stored in its meta ("target"), and which fields it recorded
// (runs of older versions did not record system_prompt, api_key_env, seed, headers).
eval::TargetSpec TargetFromMeta(const json& jt, std::set<std::string>* recorded) {
  eval::TargetSpec t;
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

struct RunFlags {
  EvalFlags ev;
  std::vector<std::string> banks;  // KIND=PATH
  std::string replay;
  std::string base_url, model, api_key_env, api, system_prompt;
  std::vector<std::string> headers;
  double temperature = -1;
  int max_tokens = 0;
  int concurrency = 0;
  double rps = -1;
  int max_attempts = 0;
  double timeout = 0;
  std::string http_client;
  bool stream = false;
  uint64_t seed = 0;
  bool seed_set = false;
  int64_t sample = -1;
  std::string run_id;
  std::string resume;
  bool no_judges = false;
};

// For `eval run --resume RUN`: the run's stored target, with what the flags
// and the project may still change (speed, retries, header values, and fields
// the run did not record). A flag or the project's eval.target that names a
// different identity (TargetIdentity) is an error naming each difference.
Result<eval::TargetSpec> ResumeTarget(const RunFlags& f, const eval::EvalConfig& cfg,
                                      const eval::TargetSpec& given, bool given_by_user,
                                      const std::string& meta_json) {
  json meta = json::parse(meta_json, nullptr, false);
  if (!meta.is_object() || !meta.contains("target") || !meta["target"].is_object()) {
    return InvalidArgumentError("--resume " + f.resume + ": the run stored no target");
  }
  std::set<std::string> recorded;
  eval::TargetSpec t = TargetFromMeta(meta["target"], &recorded);
  if (given_by_user) {
    const std::string from =
        !f.base_url.empty() || !f.model.empty() || !f.replay.empty() || !f.api.empty() ||
                !f.system_prompt.empty() || f.temperature >= 0 || f.max_tokens > 0 ||
                !f.api_key_env.empty()
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
          "--resume " + f.resume + ": the target differs from the one the run was started with (" +
          diffs +
          "). A resumed run keeps its target, so that every answer comes from it; to evaluate "
          "the other target start a new run (without --resume)");
    }
  }
  // Not recorded by an older run: as given.
  if (!recorded.count("system_prompt")) t.system_prompt = given.system_prompt;
  if (!recorded.count("api_key_env")) t.api_key_env = given.api_key_env;
  if (!recorded.count("seed")) t.seed = given.seed;
  // Speed and retries: the flags, else the project, else the run's.
  const eval::TargetSpec* ops = cfg.has_target ? &cfg.target : nullptr;
  if (ops != nullptr) {
    t.concurrency = ops->concurrency;
    t.requests_per_second = ops->requests_per_second;
    t.timeout_seconds = ops->timeout_seconds;
    t.max_attempts = ops->max_attempts;
    t.backoff_initial_seconds = ops->backoff_initial_seconds;
    t.backoff_max_seconds = ops->backoff_max_seconds;
    t.http_client = ops->http_client;
    t.stream = ops->stream;
  }
  if (f.concurrency > 0) t.concurrency = f.concurrency;
  if (f.rps >= 0) t.requests_per_second = f.rps;
  if (f.max_attempts > 0) t.max_attempts = f.max_attempts;
  if (f.timeout > 0) t.timeout_seconds = f.timeout;
  if (!f.http_client.empty()) t.http_client = f.http_client;
  if (f.stream) t.stream = true;
  t.headers = given.headers;  // values are not stored (they may hold credentials)
  if (recorded.count("headers")) {
    std::set<std::string> stored_names, names;
    for (const auto& n : meta["target"]["header_names"])
      if (n.is_string()) stored_names.insert(n.get<std::string>());
    for (const auto& h : t.headers) names.insert(h.name);
    if (names != stored_names) {
      std::string list;
      for (const auto& n : stored_names) list += (list.empty() ? "" : ", ") + n;
      return InvalidArgumentError("--resume " + f.resume +
                                  ": the run was started with the headers [" + list +
                                  "]; give the same ones (--header or eval.target.headers)");
    }
  }
  return t;
}

int DoRun(RunFlags& f) {
  auto ep_r = LoadEvalConfig(f.ev);
  if (!ep_r.ok()) return Fail(ep_r.status());
  const EvalProject ep = std::move(ep_r).value();
  const eval::EvalConfig& cfg = ep.cfg;
  eval::TargetSpec target = cfg.target;
  const bool target_given = cfg.has_target || !f.replay.empty() || !f.base_url.empty() ||
                            !f.model.empty() || !f.api.empty() || !f.system_prompt.empty() ||
                            f.temperature >= 0 || f.max_tokens > 0 || !f.api_key_env.empty();
  if (!f.replay.empty()) {
    target.kind = "replay";
    target.name = "replay";
    target.replay_path = f.replay;
  }
  if (!f.base_url.empty()) {
    target.kind = "openai";
    target.base_url = f.base_url;
    if (!cfg.has_target) target.name = "openai";
  }
  if (!f.model.empty()) target.model = f.model;
  if (!f.api_key_env.empty()) target.api_key_env = f.api_key_env;
  if (!f.api.empty()) target.api = f.api;
  if (!f.system_prompt.empty()) target.system_prompt = f.system_prompt;
  for (const auto& h : f.headers) {
    size_t c = h.find(':');
    if (c == std::string::npos)
      return Fail(InvalidArgumentError("--header '" + h + "': expected NAME: VALUE"));
    std::string v = h.substr(c + 1);
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    target.headers.push_back({h.substr(0, c), v});
  }
  if (f.temperature >= 0) target.temperature = f.temperature;
  if (f.max_tokens > 0) target.max_tokens = f.max_tokens;
  if (f.concurrency > 0) target.concurrency = f.concurrency;
  if (f.rps >= 0) target.requests_per_second = f.rps;
  if (f.max_attempts > 0) target.max_attempts = f.max_attempts;
  if (f.timeout > 0) target.timeout_seconds = f.timeout;
  if (!f.http_client.empty()) target.http_client = f.http_client;
  if (f.stream) target.stream = true;

  auto store_r = OpenStore(StorePath(f.ev, ep), !f.resume.empty());
  if (!store_r.ok()) return Fail(store_r.status());
  auto& store = *store_r.value();
  CorpusFlags corpus_flags = f.ev.corpus;
  if (!f.resume.empty()) {
    auto info = store.GetRun(f.resume);
    if (!info.ok()) return Fail(info.status());
    auto t = ResumeTarget(f, cfg, target, target_given, info->meta_json);
    if (!t.ok()) return Fail(t.status());
    target = std::move(t).value();
    // Without --policy or a project: the policy the run was started with.
    json meta = json::parse(info->meta_json, nullptr, false);
    if (corpus_flags.policy.empty() && !ep.project && meta.is_object() && meta.contains("policy") &&
        meta["policy"].is_object() && meta["policy"].contains("path") &&
        meta["policy"]["path"].is_string()) {
      corpus_flags.policy = meta["policy"]["path"].get<std::string>();
    }
  }
  if (target.kind == "openai" && target.base_url.empty()) {
    return Fail(InvalidArgumentError(
        "no target: give --base-url URL, --replay FILE, or eval.target in the project file"));
  }

  if (target.kind == "replay") {  // a broken replay file is bad input before anything is written
    auto replay = eval::LoadReplay(target.replay_path);
    if (!replay.ok()) return Fail(replay.status());
  }

  // Policy and the judges it names (judge/factory.h).
  auto loaded_r = Load(corpus_flags, ep.project, MatcherMode::kNone, false);
  if (!loaded_r.ok()) return Fail(loaded_r.status());
  auto& loaded = *loaded_r.value();
  eval::JudgeList judges;
  if (!f.no_judges) {
    std::vector<std::string> warnings;
    judge::JudgeOptions jo;
    jo.bank_options.lenient = f.ev.corpus.lenient_banks;
    jo.cache_dir = f.ev.corpus.no_cache ? std::string() : policy::DefaultMatcherCacheDir();
    jo.warnings = &warnings;
    // The refusal banks ask "did it decline what was asked": strict unless
    // the policy's refusal entry names a convention (docs/judges.md).
    jo.refusal_convention = judge::RefusalConvention::kStrict;
    auto j = judge::MakePolicyJudges(loaded.policy, jo);
    for (const auto& w : warnings) std::fprintf(stderr, "safegate: warning: %s\n", w.c_str());
    if (!j.ok()) return Fail(j.status());
    judges = std::move(j).value();
  }

  std::string run_id = f.resume;
  if (run_id.empty()) {
    auto prof_r = ResolveProfile(f.ev, ep, "");
    if (!prof_r.ok()) return Fail(prof_r.status());
    const policy::Profile& profile = prof_r.value();
    uint64_t seed = f.seed_set ? f.seed : (cfg.has_seed ? cfg.seed : 1);
    // Banks: --bank flags, else eval.banks, else the project's banks section.
    std::map<std::string, std::vector<std::string>> banks;
    for (const auto& [k, v] : cfg.banks) banks[k] = {v};
    if (banks.empty() && ep.project) {
      for (const auto& [k, v] : ep.project->banks)
        if (k != "keywords") banks[k] = v;
    }
    std::map<std::string, std::vector<std::string>> flag_banks;
    for (const auto& b : f.banks) {
      size_t eq = b.find('=');
      if (eq == std::string::npos)
        return Fail(InvalidArgumentError("--bank '" + b + "': expected KIND=PATH"));
      auto k = eval::ParseBankKind(b.substr(0, eq));
      if (!k.ok()) return Fail(k.status().WithPrefix("--bank"));
      flag_banks[std::string(policy::BankKindName(*k))].push_back(b.substr(eq + 1));
    }
    if (!flag_banks.empty()) banks = flag_banks;
    if (banks.empty()) {
      return Fail(InvalidArgumentError(
          "no question banks: give --bank KIND=PATH, or banks (or eval.banks) in the project "
          "file"));
    }
    std::vector<eval::EvalItem> items;
    json sample_meta = json::object();
    for (const auto& [kind_name, paths] : banks) {
      auto kind_or = eval::ParseBankKind(kind_name);
      if (!kind_or.ok()) return Fail(kind_or.status().WithPrefix("banks"));
      const policy::BankKind kind = *kind_or;
      std::vector<std::string> warnings;
      policy::BankLoadOptions bo;
      bo.lenient = f.ev.corpus.lenient_banks;
      auto bank = policy::LoadBanks(paths, kind, loaded.policy.taxonomy, bo, &warnings);
      for (const auto& w : warnings) std::fprintf(stderr, "safegate: warning: %s\n", w.c_str());
      if (!bank.ok()) return Fail(bank.status());
      uint64_t n = 0;
      if (f.sample >= 0) {
        n = static_cast<uint64_t>(f.sample);
      } else {
        auto v = bank::ProfileSampleSize(profile, kind);
        if (!v.ok()) return Fail(v.status());
        n = *v;
      }
      if (bank->items.size() < n) {
        std::fprintf(stderr,
                     "safegate: warning: the %s bank has %zu questions, fewer than the %llu to "
                     "sample (%s): using all of them\n",
                     kind_name.c_str(), bank->items.size(), static_cast<unsigned long long>(n),
                     f.sample >= 0 ? "--sample" : bank::SampleSizeKey(kind).c_str());
      }
      auto drawn = bank::DrawSample(*bank, {static_cast<size_t>(n), seed});
      if (!drawn.ok()) return Fail(drawn.status());
      for (const policy::BankItem* it : *drawn) {
        items.push_back({it->id, kind, it->category, it->lang, it->text});
      }
      sample_meta[kind_name] = {{"paths", paths},
                                {"bank_items", bank->items.size()},
                                {"sampled", drawn->size()},
                                {"requested", n}};
    }
    if (f.run_id.empty()) {
      char buf[64];
      std::time_t t = std::time(nullptr);
      std::tm tm{};
      gmtime_r(&t, &tm);
      std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
      std::random_device rd;
      char suffix[8];
      std::snprintf(suffix, sizeof suffix, "%04x", rd() & 0xffff);
      run_id = std::string("run-") + buf + "-" + suffix;
    } else {
      run_id = f.run_id;
    }
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
      json names = json::array();
      for (const auto& h : target.headers) names.push_back(h.name);
      jt["header_names"] = std::move(names);
    } else {
      jt["path"] = target.replay_path;
    }
    json jj = json::array();
    for (const auto& j : judges)
      jj.push_back({{"name", std::string(j->name())}, {"version", std::string(j->version())}});
    json meta = {
        {"seed", seed},
        {"target", jt},
        {"policy",
         {{"id", loaded.policy.id},
          {"version", loaded.policy.version},
          {"path", std::filesystem::absolute(loaded.policy.path).lexically_normal().string()}}},
        {"profile", {{"id", profile.id}, {"version", profile.version}, {"origin", profile.origin}}},
        {"judges", jj},
        {"sample", sample_meta},
        {"tool_version", ToolVersion()}};
    Status s = store.CreateRun(run_id, DumpJson(meta), items);
    if (!s.ok()) return Fail(s);
    std::printf("run %s: %zu items\n", run_id.c_str(), items.size());
    std::fflush(stdout);
  }

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  RunProgress progress(Progress::Enabled());
  eval::ExecuteOptions eo;
  eo.resume = !f.resume.empty();
  eo.stop = &g_stop;
  eo.on_answer = [&](const eval::RunProgressCounts& c) { progress.Update(c); };
  auto sum_r = eval::ExecuteRun(store, run_id, target, judges, eo);
  progress.Finish();
  if (!sum_r.ok()) return Fail(sum_r.status());
  const eval::RunSummary& s = *sum_r;
  std::printf(
      "run %s: %llu items, %llu stored before, %llu sent, %llu answered, %llu errors, "
      "%llu re-sent after an interruption, %llu attempts (%llu retries), %.2f s (%.0f/s)\n",
      s.run_id.c_str(), static_cast<unsigned long long>(s.total),
      static_cast<unsigned long long>(s.already_stored), static_cast<unsigned long long>(s.sent),
      static_cast<unsigned long long>(s.answered), static_cast<unsigned long long>(s.errors),
      static_cast<unsigned long long>(s.resent_inflight),
      static_cast<unsigned long long>(s.attempts), static_cast<unsigned long long>(s.retries),
      s.seconds, s.seconds > 0 ? s.sent / s.seconds : 0.0);
  if (s.interrupted) {
    std::printf("interrupted: resume with `safegate eval run --resume %s`\n", s.run_id.c_str());
    return kExitGateFailed;
  }
  std::printf("next: safegate eval report %s\n", s.run_id.c_str());
  return kExitOk;
}

int DoReport(EvalFlags& f, const std::string& run, const std::string& json_out, bool no_partial,
             bool quiet, const std::string& basis_flag, int64_t label_set) {
  auto cfg = LoadEvalConfig(f);
  if (!cfg.ok()) return Fail(cfg.status());
  auto store = OpenStore(StorePath(f, *cfg), true);
  if (!store.ok()) return Fail(store.status());
  auto info = (*store)->GetRun(run);
  if (!info.ok()) return Fail(InvalidArgumentError(info.status().message()));
  auto profile = ResolveProfile(f, *cfg, info->meta_json);
  if (!profile.ok()) return Fail(profile.status());
  eval::ReportOptions o;
  o.count_partial_as_refusal = !no_partial;
  o.label_set = label_set;
  std::string basis = !basis_flag.empty() ? basis_flag : cfg->cfg.verdict_basis;
  if (!basis.empty()) {
    auto b = eval::ParseVerdictBasis(basis);
    if (!b.ok()) return Fail(b.status());
    o.verdict_basis = *b;
  }
  auto rep = eval::ComputeReport(**store, run, *profile, o);
  if (!rep.ok()) return Fail(rep.status());
  if (!json_out.empty()) {
    Status s = WriteFileAtomic(json_out, eval::ReportJson(*rep));
    if (!s.ok()) return Fail(s);
  }
  if (!quiet) std::fputs(eval::ReportTable(*rep).c_str(), stdout);
  switch (rep->verdict) {
    case eval::GateVerdict::kPass: return kExitOk;
    case eval::GateVerdict::kNotAssessed: return kExitNotAssessed;
    case eval::GateVerdict::kFail: break;
  }
  return kExitGateFailed;
}

// `eval relabel RUN`: the current policy's judges over the stored answers.
int DoRelabel(EvalFlags& f, const std::string& run) {
  auto cfg = LoadEvalConfig(f);
  if (!cfg.ok()) return Fail(cfg.status());
  auto store = OpenStore(StorePath(f, *cfg), true);
  if (!store.ok()) return Fail(store.status());
  auto info = (*store)->GetRun(run);
  if (!info.ok()) return Fail(InvalidArgumentError(info.status().message()));
  auto loaded = Load(f.corpus, cfg->project, MatcherMode::kNone, false);
  if (!loaded.ok()) return Fail(loaded.status());
  std::vector<std::string> warnings;
  judge::JudgeOptions jo;
  jo.bank_options.lenient = f.corpus.lenient_banks;
  jo.cache_dir = f.corpus.no_cache ? std::string() : policy::DefaultMatcherCacheDir();
  jo.warnings = &warnings;
  jo.refusal_convention = judge::RefusalConvention::kStrict;  // as `eval run`
  auto judges = judge::MakePolicyJudges((*loaded)->policy, jo);
  for (const auto& w : warnings) std::fprintf(stderr, "safegate: warning: %s\n", w.c_str());
  if (!judges.ok()) return Fail(judges.status());
  json jj = json::array();
  for (const auto& j : *judges)
    jj.push_back({{"name", std::string(j->name())}, {"version", std::string(j->version())}});
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  bool tty = Progress::Enabled();
  eval::RelabelOptions ro;
  ro.stop = &g_stop;
  ro.on_progress = [tty](uint64_t done, uint64_t total) {
    if (!tty) return;
    std::fprintf(stderr, "\r\033[Krelabel: %llu/%llu answers",
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
    std::fflush(stderr);
  };
  auto sum = eval::RelabelRun(**store, run, *judges, DumpJson(jj), ro);
  if (tty) std::fprintf(stderr, "\r\033[K");
  if (!sum.ok()) return Fail(sum.status());
  std::printf(
      "run %s: label set %lld%s, %llu answers, %llu judged now, %llu changed, %llu with a judge "
      "error; nothing sent to the model\n",
      run.c_str(), static_cast<long long>(sum->label_set), sum->resumed ? " (resumed)" : "",
      static_cast<unsigned long long>(sum->answers),
      static_cast<unsigned long long>(sum->relabelled),
      static_cast<unsigned long long>(sum->changed),
      static_cast<unsigned long long>(sum->judge_errors));
  if (sum->interrupted) {
    std::printf("interrupted: run `safegate eval relabel %s` again to finish the set\n",
                run.c_str());
    return kExitGateFailed;
  }
  std::printf("next: safegate eval report %s (reads label set %lld)\n", run.c_str(),
              static_cast<long long>(sum->label_set));
  return kExitOk;
}

int DoDiff(EvalFlags& f, const std::string& a, const std::string& b, const std::string& json_out) {
  auto cfg = LoadEvalConfig(f);
  if (!cfg.ok()) return Fail(cfg.status());
  auto store = OpenStore(StorePath(f, *cfg), true);
  if (!store.ok()) return Fail(store.status());
  eval::Report reps[2];
  const std::string* ids[2] = {&a, &b};
  for (int i = 0; i < 2; ++i) {
    auto info = (*store)->GetRun(*ids[i]);
    if (!info.ok()) return Fail(InvalidArgumentError(info.status().message()));
    auto profile = ResolveProfile(f, *cfg, info->meta_json);
    if (!profile.ok()) return Fail(profile.status());
    auto rep = eval::ComputeReport(**store, *ids[i], *profile, {});
    if (!rep.ok()) return Fail(rep.status());
    reps[i] = std::move(rep).value();
  }
  eval::Diff d = eval::ComputeDiff(reps[0], reps[1]);
  if (!json_out.empty()) {
    Status s = WriteFileAtomic(json_out, eval::DiffJson(d));
    if (!s.ok()) return Fail(s);
  }
  std::fputs(eval::DiffTable(d).c_str(), stdout);
  return d.regressions > 0 ? kExitGateFailed : kExitOk;
}

}  // namespace

void RegisterEval(CLI::App& app, int* rc) {
  CLI::App* ev = app.add_subcommand(
      "eval",
      "Model evaluation: put the sampled banks to a model, judge and store every answer, "
      "report metrics with intervals and verdicts (exit codes: 0 pass, 1 gate failed or "
      "regression, 2 bad input, 3 internal error, 4 not assessed: unjudged answers)");
  ev->require_subcommand(1);

  // eval run
  auto rf = std::make_shared<RunFlags>();
  CLI::App* run = ev->add_subcommand(
      "run",
      "Draw the profile's sample from each bank (seeded) and send it to the target; "
      "every answer is stored as it arrives; --resume RUN continues an interrupted run");
  rf->ev.AddTo(run);
  run->add_option("--bank", rf->banks,
                  "A question bank KIND=PATH (generated, should_refuse, should_answer; CSV or "
                  "JSONL with id, category, text[, lang]); repeatable; overrides eval.banks");
  run->add_option("--replay", rf->replay, "Replay target: JSONL of recorded answers keyed by id");
  run->add_option("--base-url", rf->base_url,
                  "OpenAI-compatible endpoint base URL (…/v1); overrides eval.target");
  run->add_option("--model", rf->model, "Model name sent with each request");
  run->add_option("--api-key-env", rf->api_key_env, "Environment variable holding the API key");
  run->add_option("--api", rf->api, "Request shape: chat (/chat/completions) or ollama (/api/chat)")
      ->check(CLI::IsMember({"chat", "ollama"}));
  run->add_option("--system-prompt", rf->system_prompt, "System prompt");
  run->add_option("--header", rf->headers, "Extra header 'NAME: VALUE'; repeatable");
  run->add_option("--temperature", rf->temperature, "Sampling temperature");
  run->add_option("--max-tokens", rf->max_tokens, "Maximum answer tokens");
  run->add_flag("--stream", rf->stream, "Ask for streamed (SSE) answers");
  run->add_option("-c,--concurrency", rf->concurrency, "Requests in flight at most")
      ->check(CLI::Range(1, 4096));
  run->add_option("--rps", rf->rps, "Requests per second at most (0: unlimited)")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--max-attempts", rf->max_attempts, "Attempts per request (retries + 1)")
      ->check(CLI::Range(1, 100));
  run->add_option("--timeout", rf->timeout, "Seconds per attempt")->check(CLI::PositiveNumber);
  run->add_option("--http-client", rf->http_client,
                  "HTTP client: auto (built-in for plain http:// without a proxy, else libcurl), "
                  "builtin or curl")
      ->check(CLI::IsMember({"auto", "builtin", "curl"}));
  run->add_option("--seed", rf->seed, "Sampling seed (default: eval.seed, else 1)")
      ->each([rf](const std::string&) { rf->seed_set = true; });
  run->add_option("--sample", rf->sample,
                  "Questions to draw per bank (default: the profile's minimum sample)")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--run-id", rf->run_id, "Id of the new run (default: run-DATE-TIME-XXXX)");
  run->add_option("--resume", rf->resume,
                  "Continue this run with the target it stored (URL, model, parameters, system "
                  "prompt; the key is read again from its variable): send only unanswered items. "
                  "A target flag or eval.target that differs is an error; speed and retry flags "
                  "apply");
  run->add_flag("--no-judges", rf->no_judges, "Store answers without judging them");
  run->callback([rf, rc] { *rc = DoRun(*rf); });

  // eval report
  auto pf = std::make_shared<EvalFlags>();
  auto report_run = std::make_shared<std::string>();
  auto report_json = std::make_shared<std::string>();
  auto no_partial = std::make_shared<bool>(false);
  auto quiet = std::make_shared<bool>(false);
  auto basis = std::make_shared<std::string>();
  auto label_set = std::make_shared<int64_t>(-1);
  CLI::App* report = ev->add_subcommand(
      "report",
      "Metrics of a run with Wilson and Clopper-Pearson intervals and the profile's "
      "verdicts; exit 0 when every gate passes, 1 when one fails, 4 when none fails but "
      "answers a judge failed on (unjudged, counted against the model) leave one not "
      "assessed");
  pf->AddTo(report);
  report->add_option("run", *report_run, "Run id")->required();
  report->add_option("--json", *report_json,
                     "Also write the report as JSON (safegate.eval-report/1)");
  report->add_flag("--partial-is-answer", *no_partial,
                   "Count partial refusals as answers (default: as refusals)");
  report->add_flag("-q,--quiet", *quiet, "No table on standard output");
  report
      ->add_option("--verdict-basis", *basis,
                   "The figure that decides each bank: corrected (judge labels corrected by "
                   "reviewer labels of a random sample, prediction-powered inference), machine, "
                   "human (the random sample alone), or auto: corrected with at least 30 "
                   "reviewer labels from a random sample for the bank, else machine (default: "
                   "eval.verdict_basis, else auto)")
      ->check(CLI::IsMember({"auto", "machine", "corrected", "human"}));
  report
      ->add_option("--label-set", *label_set,
                   "Judge labels to report: 0 those stored with the answers, N the set of the "
                   "Nth `eval relabel` (default: the newest finished set)")
      ->check(CLI::NonNegativeNumber);
  report->callback([=] {
    *rc = DoReport(*pf, *report_run, *report_json, *no_partial, *quiet, *basis, *label_set);
  });

  // eval relabel
  auto lf = std::make_shared<EvalFlags>();
  auto relabel_run = std::make_shared<std::string>();
  CLI::App* relabel = ev->add_subcommand(
      "relabel",
      "Re-judge a run's stored answers with the current policy's judges (after fixing a "
      "keyword bank or a judge), without asking the model again; the labels become a new "
      "label set that reports read (reviewer labels are kept); an interrupted relabel "
      "resumes when run again");
  lf->AddTo(relabel);
  relabel->add_option("run", *relabel_run, "Run id")->required();
  relabel->callback([=] { *rc = DoRelabel(*lf, *relabel_run); });

  // eval diff
  auto df = std::make_shared<EvalFlags>();
  auto diff_a = std::make_shared<std::string>();
  auto diff_b = std::make_shared<std::string>();
  auto diff_json = std::make_shared<std::string>();
  CLI::App* diff = ev->add_subcommand(
      "diff",
      "Compare two runs per bank and category (two-proportion z-test); exit 1 when a "
      "significant regression is found");
  df->AddTo(diff);
  diff->add_option("run_a", *diff_a, "Baseline run id")->required();
  diff->add_option("run_b", *diff_b, "New run id")->required();
  diff->add_option("--json", *diff_json, "Also write the diff as JSON (safegate.eval-diff/1)");
  diff->callback([=] { *rc = DoDiff(*df, *diff_a, *diff_b, *diff_json); });

  // eval review export|import
  CLI::App* review = ev->add_subcommand("review", "Human review of machine labels");
  review->require_subcommand(1);
  auto xf = std::make_shared<EvalFlags>();
  auto x_run = std::make_shared<std::string>();
  auto x_out = std::make_shared<std::string>();
  auto x_n = std::make_shared<uint64_t>(0);
  auto x_uncertain = std::make_shared<uint64_t>(0);
  auto x_seed = std::make_shared<uint64_t>(1);
  CLI::App* exp = review->add_subcommand(
      "export", "Write answers with machine labels for reviewers (CSV, or JSONL by extension)");
  xf->AddTo(exp);
  exp->add_option("run", *x_run, "Run id")->required();
  exp->add_option("-o,--output", *x_out, "Output file (.csv or .jsonl; - for stdout)")->required();
  auto* random_opt = exp->add_option(
      "-n,--random", *x_n,
      "Answers per bank, a seeded uniform random sample (recorded in the file's sample column; "
      "reviewer labels of it correct the machine figures) (default: all)");
  exp->add_option("--uncertain", *x_uncertain,
                  "Answers per bank the judges are least sure of (unjudged first; for improving "
                  "a judge, never used for estimates)")
      ->excludes(random_opt);
  exp->add_option("--seed", *x_seed, "Seed of the review sample");
  exp->callback([=] {
    auto cfg = LoadEvalConfig(*xf);
    if (!cfg.ok()) return void(*rc = Fail(cfg.status()));
    auto store = OpenStore(StorePath(*xf, *cfg), true);
    if (!store.ok()) return void(*rc = Fail(store.status()));
    auto info = (*store)->GetRun(*x_run);
    if (!info.ok()) return void(*rc = Fail(InvalidArgumentError(info.status().message())));
    bool jsonl = x_out->ends_with(".jsonl");
    bool uncertain = *x_uncertain > 0;
    auto data = eval::ExportReview(
        **store, *x_run, uncertain ? *x_uncertain : *x_n, *x_seed, jsonl, {},
        uncertain ? eval::ReviewSample::kUncertain : eval::ReviewSample::kRandom);
    if (!data.ok()) return void(*rc = Fail(data.status()));
    Status s = WriteFileAtomic(*x_out, *data);
    *rc = s.ok() ? kExitOk : Fail(s);
  });
  auto mf = std::make_shared<EvalFlags>();
  auto m_run = std::make_shared<std::string>();
  auto m_in = std::make_shared<std::string>();
  CLI::App* imp = review->add_subcommand(
      "import", "Read reviewers' labels (column human_label); they override machine labels");
  mf->AddTo(imp);
  imp->add_option("run", *m_run, "Run id")->required();
  imp->add_option("file", *m_in, "Reviewed file (.csv or .jsonl)")->required();
  imp->callback([=] {
    auto cfg = LoadEvalConfig(*mf);
    if (!cfg.ok()) return void(*rc = Fail(cfg.status()));
    auto store = OpenStore(StorePath(*mf, *cfg), true);
    if (!store.ok()) return void(*rc = Fail(store.status()));
    auto info = (*store)->GetRun(*m_run);
    if (!info.ok()) return void(*rc = Fail(InvalidArgumentError(info.status().message())));
    auto data = ReadFile(*m_in);
    if (!data.ok()) return void(*rc = Fail(data.status()));
    auto n = eval::ImportReview(**store, *m_run, *data, *m_in, m_in->ends_with(".jsonl"));
    if (!n.ok()) return void(*rc = Fail(n.status()));
    std::printf("imported %llu human labels into run %s\n", static_cast<unsigned long long>(*n),
                m_run->c_str());
    *rc = kExitOk;
  });
}

}  // namespace safegate::cli
