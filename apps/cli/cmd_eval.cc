// `safegate eval run|report|diff|review export|review import`: model evaluation.
// The commands parse flags and print; what a run is (target, banks, sample,
// metadata, id) is planned by eval/plan.h.
//
// Exit codes: 0 ok (report: every gate passed; diff: no significant
// regression), 1 a gate failed (report) or a significant regression (diff),
// 2 bad input (flags, files, unknown run), 3 internal error, 4 (report) no
// gate failed but unjudged answers (a judge failed) leave one not assessed. `eval run` exits
// 0 once every item has a stored answer (error answers included), 1 when it
// was interrupted (resume with --resume RUN).
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "common.h"
#include "safegate/base/file.h"
#include "safegate/base/json.h"
#include "safegate/base/progress.h"
#include "safegate/eval/plan.h"
#include "safegate/eval/report.h"
#include "safegate/eval/runner.h"
#include "safegate/eval/target.h"
#include "safegate/judge/factory.h"
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

// "eval: 512/1000 answers, 143/s, 3 errors, ETA 3s" on standard error (the
// runner reports through ExecuteOptions::on_answer; a ProgressLine draws).
class RunProgress {
 public:
  RunProgress() : line_([this](double secs) { return Line(secs); }) {}
  void Update(const eval::RunProgressCounts& c) {
    std::lock_guard<std::mutex> lock(mu_);
    if (first_ == UINT64_MAX) first_ = c.stored - 1;
    c_ = c;
  }
  void Start() { line_.Start(); }
  void Finish() { line_.Finish(); }

 private:
  std::string Line(double secs) {
    std::lock_guard<std::mutex> lock(mu_);
    if (first_ == UINT64_MAX) return "";  // no answer yet
    double rate = secs > 0 ? (c_.stored - first_) / secs : 0;
    double eta = rate > 0 ? (c_.total - c_.stored) / rate : 0;
    char buf[160];
    int n = std::snprintf(
        buf, sizeof buf, "eval: %llu/%llu answers, %.0f/s, %llu errors, ETA %.0fs",
        static_cast<unsigned long long>(c_.stored), static_cast<unsigned long long>(c_.total), rate,
        static_cast<unsigned long long>(c_.errors), eta);
    return std::string(buf, n > 0 ? static_cast<size_t>(n) : 0);
  }

  std::mutex mu_;
  eval::RunProgressCounts c_;
  uint64_t first_ = UINT64_MAX;
  ProgressLine line_;  // last: stops drawing before the counts go
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

struct RunFlags {
  EvalFlags ev;
  std::vector<std::string> banks;  // KIND=PATH
  eval::TargetOverrides target;
  uint64_t seed = 0;
  bool seed_set = false;
  int64_t sample = -1;
  std::string run_id;
  std::string resume;
  bool retry_errors = false;
  bool no_judges = false;
};

int DoRun(RunFlags& f) {
  auto ep_r = LoadEvalConfig(f.ev);
  if (!ep_r.ok()) return Fail(ep_r.status());
  const EvalProject ep = std::move(ep_r).value();
  const eval::EvalConfig& cfg = ep.cfg;
  bool target_given = false;
  auto target_r = eval::ResolveTarget(cfg, f.target, &target_given);
  if (!target_r.ok()) return Fail(target_r.status());
  eval::TargetSpec target = std::move(target_r).value();

  auto store_r = OpenStore(StorePath(f.ev, ep), !f.resume.empty());
  if (!store_r.ok()) return Fail(store_r.status());
  auto& store = *store_r.value();
  CorpusFlags corpus_flags = f.ev.corpus;
  if (!f.resume.empty()) {
    auto info = store.GetRun(f.resume);
    if (!info.ok()) return Fail(info.status());
    auto t = eval::ResumeTarget(cfg, f.target, target, target_given, f.resume, info->meta_json);
    if (!t.ok()) return Fail(t.status());
    target = std::move(t).value();
    // Without --policy or a project: the policy the run was started with.
    if (corpus_flags.policy.empty() && !ep.project) {
      corpus_flags.policy = eval::RunPolicyPath(info->meta_json);
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
    // The profile: --profile, else the project's, else the loaded policy's.
    const std::string profile_name = !f.ev.profile.empty() ? f.ev.profile : cfg.profile;
    policy::Profile profile = loaded.policy.profile;
    if (!profile_name.empty()) {
      auto prof_r = policy::LoadProfile(profile_name);
      if (!prof_r.ok()) return Fail(prof_r.status());
      profile = std::move(prof_r).value();
    }
    auto banks = eval::ResolveBanks(
        f.banks, cfg,
        ep.project ? ep.project->banks : std::map<std::string, std::vector<std::string>>{});
    if (!banks.ok()) return Fail(banks.status());
    eval::RunPlanOptions po;
    po.seed = f.seed_set ? f.seed : (cfg.has_seed ? cfg.seed : 1);
    po.sample = f.sample;
    po.lenient_banks = f.ev.corpus.lenient_banks;
    po.run_id = f.run_id;
    std::vector<std::string> warnings;
    auto plan = eval::PlanRun(loaded.policy, profile, target, judges, *banks, po, &warnings);
    for (const auto& w : warnings) std::fprintf(stderr, "safegate: warning: %s\n", w.c_str());
    if (!plan.ok()) return Fail(plan.status());
    run_id = plan->run_id;
    Status s = store.CreateRun(run_id, plan->meta_json, plan->items);
    if (!s.ok()) return Fail(s);
    std::printf("run %s: %zu items\n", run_id.c_str(), plan->items.size());
    std::fflush(stdout);
  }

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  RunProgress progress;
  eval::ExecuteOptions eo;
  eo.resume = !f.resume.empty();
  eo.retry_errors = f.retry_errors;
  eo.stop = &g_stop;
  if (ProgressLine::Enabled())
    eo.on_answer = [&](const eval::RunProgressCounts& c) { progress.Update(c); };
  progress.Start();
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
  if (f.retry_errors) {
    std::printf(
        "run %s: %llu error answers asked again (the errors they replace are kept in the "
        "run store's answer history)\n",
        s.run_id.c_str(), static_cast<unsigned long long>(s.retried));
  }
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
  // "relabel: 512/1000 answers" (RelabelRun reports; a ProgressLine draws).
  std::atomic<uint64_t> done{0}, total{0};
  std::atomic<bool> started{false};
  ProgressLine line([&](double) {
    if (!started) return std::string();
    return "relabel: " + std::to_string(done.load()) + "/" + std::to_string(total.load()) +
           " answers";
  });
  eval::RelabelOptions ro;
  ro.stop = &g_stop;
  ro.on_progress = [&](uint64_t d, uint64_t t) {
    done = d;
    total = t;
    started = true;
  };
  line.Start();
  auto sum = eval::RelabelRun(**store, run, *judges, DumpJson(jj), ro);
  line.Finish();
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
  run->add_option("--replay", rf->target.replay,
                  "Replay target: JSONL of recorded answers keyed by id");
  run->add_option("--base-url", rf->target.base_url,
                  "OpenAI-compatible endpoint base URL (…/v1); overrides eval.target");
  run->add_option("--model", rf->target.model, "Model name sent with each request");
  run->add_option("--api-key-env", rf->target.api_key_env,
                  "Environment variable holding the API key");
  run->add_option("--api", rf->target.api,
                  "Request shape: chat (/chat/completions) or ollama (/api/chat)")
      ->check(CLI::IsMember({"chat", "ollama"}));
  run->add_option("--system-prompt", rf->target.system_prompt, "System prompt");
  run->add_option("--header", rf->target.headers, "Extra header 'NAME: VALUE'; repeatable");
  run->add_option("--temperature", rf->target.temperature, "Sampling temperature");
  run->add_option("--max-tokens", rf->target.max_tokens, "Maximum answer tokens");
  run->add_flag("--stream", rf->target.stream, "Ask for streamed (SSE) answers");
  run->add_option("-c,--concurrency", rf->target.concurrency, "Requests in flight at most")
      ->check(CLI::Range(1, 4096));
  run->add_option("--rps", rf->target.requests_per_second,
                  "Requests per second at most (0: unlimited)")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--max-attempts", rf->target.max_attempts, "Attempts per request (retries + 1)")
      ->check(CLI::Range(1, 100));
  run->add_option("--timeout", rf->target.timeout_seconds, "Seconds per attempt")
      ->check(CLI::PositiveNumber);
  run->add_option("--item-deadline", rf->target.item_deadline_seconds,
                  "Seconds one item may take, retries and Retry-After waits included; past it "
                  "the item's answer is an error; at most 86400 (default: "
                  "eval.target.item_deadline_seconds, else 300)")
      ->check(CLI::PositiveNumber & CLI::Range(0.0, eval::TargetSpec::kMaxItemDeadlineSeconds));
  run->add_option("--http-client", rf->target.http_client,
                  "HTTP client: auto (built-in for plain http:// without a proxy, else libcurl), "
                  "builtin or curl")
      ->check(CLI::IsMember({"auto", "builtin", "curl"}));
  run->add_option("--seed", rf->seed, "Sampling seed (default: eval.seed, else 1)")
      ->each([rf](const std::string&) { rf->seed_set = true; });
  run->add_option("--sample", rf->sample,
                  "Questions to draw per bank (default: the profile's minimum sample)")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--run-id", rf->run_id, "Id of the new run (default: run-DATE-TIME-XXXX)");
  auto* resume_opt = run->add_option(
      "--resume", rf->resume,
      "Continue this run with the target it stored (URL, model, parameters, system "
      "prompt; the key is read again from its variable): send only unanswered items. "
      "A target flag or eval.target that differs is an error; speed and retry flags "
      "apply");
  run->add_flag("--retry-errors", rf->retry_errors,
                "With --resume: also ask again the items whose stored answer is an error (HTTP "
                "error, malformed reply, timeout...); the new answer replaces the error for the "
                "rates, the error stays in the run store (eval_answer_history) and the report "
                "counts the items asked again")
      ->needs(resume_opt);
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
