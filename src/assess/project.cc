// The assessment project: the project file (project/project.h) with its files checked,
// and the steps with their input hashes.
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "safegate/assess/assess.h"
#include "safegate/base/clock.h"
#include "safegate/base/digest.h"
#include "safegate/base/file.h"
#include "safegate/base/i18n.h"
#include "safegate/base/version.h"
#include "safegate/corpus/source.h"
#include "safegate/policy/policy.h"

namespace safegate::assess {
namespace {

namespace fs = std::filesystem;

std::string Rel(const std::string& dir, const std::string& path) {
  if (path.empty()) return path;
  std::error_code ec;
  fs::path r = fs::relative(path, dir.empty() ? "." : dir, ec);
  return ec ? path : r.string();
}

// `path`, named by `key` of the project file, must exist.
Status MustExist(const project::Project& p, const std::string& key, const std::string& path) {
  if (path.empty() || fs::exists(path)) return OkStatus();
  return p.ErrorAt(key, "no such file or directory: " + path);
}

}  // namespace

Result<AssessProject> LoadAssessProject(const std::string& dir_or_file) {
  AssessProject p;
  p.file = fs::is_directory(dir_or_file) ? (fs::path(dir_or_file) / "safegate.yaml").string()
                                         : dir_or_file;
  if (!fs::exists(p.file)) {
    return InvalidArgumentError(p.file + ": no project file (safegate init DIR writes one)");
  }
  p.dir = fs::path(p.file).parent_path().string();
  if (p.dir.empty()) p.dir = ".";
  SAFEGATE_ASSIGN_OR_RETURN(p.project, project::LoadProject(p.file));
  const project::Project& pr = p.project;
  // Every file the project names must exist before any step runs.
  SAFEGATE_RETURN_IF_ERROR(MustExist(pr, "policy", pr.policy_path));
  if (!pr.profile.empty()) {
    const std::string& name = pr.profile;
    if (policy::BuiltinProfileText(name)) {
      p.profile = name;
    } else {
      p.profile = (fs::path(p.dir) / name).lexically_normal().string();
      if (!fs::exists(p.profile)) {
        std::string names;
        for (const auto& b : policy::BuiltinProfiles()) names += (names.empty() ? "" : ", ") + b;
        return pr.ErrorAt(
            "profile", "'" + name + "' is neither a built-in profile (" + names + ") nor a file");
      }
      auto prof = policy::LoadProfile(p.profile);
      if (!prof.ok()) return pr.ErrorAt("profile", prof.status().message());
    }
  }
  if (pr.has_seed) p.seed = pr.seed;
  for (const auto& [kind, paths] : pr.banks) {
    for (const auto& path : paths) SAFEGATE_RETURN_IF_ERROR(MustExist(pr, "banks." + kind, path));
  }
  SAFEGATE_RETURN_IF_ERROR(MustExist(pr, "corpus.labels", pr.corpus_labels));
  if (pr.eval.has_target && pr.eval.target.kind == "replay") {
    SAFEGATE_RETURN_IF_ERROR(MustExist(pr, "eval.target.path", pr.eval.target.replay_path));
  }
  if (pr.has_moderation) {
    SAFEGATE_RETURN_IF_ERROR(MustExist(pr, "moderation.db", pr.moderation.db_path));
    SAFEGATE_RETURN_IF_ERROR(MustExist(pr, "moderation.config", pr.moderation.config));
  }
  p.out_dir = pr.assess.out_dir;
  p.lang = pr.assess.lang;
  p.today = pr.assess.today.empty() ? UtcDate() : pr.assess.today;
  return p;
}

Result<policy::Profile> ResolveProfile(const AssessProject& project) {
  if (!project.profile.empty()) return policy::LoadProfile(project.profile);
  SAFEGATE_ASSIGN_OR_RETURN(policy::Policy pol, policy::LoadPolicy(project.project.policy_path));
  return pol.profile;
}

std::vector<PlannedStep> PlanSteps(const AssessProject& p, const policy::Profile& profile) {
  const std::string ev = p.out_dir + "/evidence";
  const std::string project_file = fs::path(p.file).filename().string();
  std::vector<std::string> policy_inputs = {p.project.policy_path};
  if (auto pol = policy::LoadPolicy(p.project.policy_path); pol.ok()) {
    for (const auto& b : pol->keyword_banks) policy_inputs.push_back(b);
  }
  std::vector<std::string> profile_args;
  std::vector<std::string> profile_inputs;
  if (!p.profile.empty()) {
    std::string prof = policy::BuiltinProfileText(p.profile) ? p.profile : Rel(p.dir, p.profile);
    profile_args = {"--profile", prof};
    if (!policy::BuiltinProfileText(p.profile)) profile_inputs.push_back(p.profile);
  }
  auto with = [](std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  std::vector<PlannedStep> steps;

  // Banks.
  {
    PlannedStep s;
    s.id = "banks";
    s.title = "Banks: lint against the profile";
    if (p.project.banks.empty()) {
      s.not_assessed =
          "no banks in safegate.yaml (banks: keywords, generated, should_refuse, "
          "should_answer)";
    } else {
      s.commands.push_back({with({"bank", "lint", "--project", project_file, "--today", p.today,
                                  "--json", ev + "/bank-lint.json"},
                                 profile_args)});
      for (const auto& [kind, paths] : p.project.banks)
        for (const auto& path : paths) s.content_inputs.push_back(path);
      s.content_inputs = with(s.content_inputs, policy_inputs);
      s.content_inputs = with(s.content_inputs, profile_inputs);
      s.evidence = {ev + "/bank-lint.json"};
    }
    steps.push_back(std::move(s));
  }
  // Corpus.
  {
    PlannedStep s;
    s.id = "corpus";
    s.title = "Corpus: sample every source, scan, audit";
    if (p.project.sources.empty()) {
      s.not_assessed = "no corpus sources in safegate.yaml (corpus: sources)";
    } else {
      uint64_t seed = p.project.has_sample_seed ? p.project.sample_seed : p.seed;
      std::vector<std::string> sample = {"corpus", "sample", "--project", project_file};
      if (p.project.sample_fraction > 0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", p.project.sample_fraction);
        sample.insert(sample.end(), {"--fraction", buf});
      } else {
        uint64_t n = p.project.sample_per_source > 0 ? p.project.sample_per_source : 400;
        sample.insert(sample.end(), {"-n", std::to_string(n)});
      }
      sample.insert(sample.end(),
                    {"--seed", std::to_string(seed), "-o", ev + "/corpus-sample.jsonl"});
      s.commands.push_back(
          {{"corpus", "scan", "--project", project_file, "-q", "-o", ev + "/corpus-scan.json"},
           {0}});
      s.commands.push_back({sample, {0}});
      std::vector<std::string> audit = {"corpus",    "audit",
                                        "--project", project_file,
                                        "--sample",  ev + "/corpus-sample.jsonl",
                                        "--scan",    ev + "/corpus-scan.json",
                                        "--json",    ev + "/corpus-audit.json"};
      if (!p.project.corpus_labels.empty()) {
        audit.insert(audit.end(), {"--labels", Rel(p.dir, p.project.corpus_labels)});
        s.content_inputs.push_back(p.project.corpus_labels);
      }
      s.commands.push_back({with(audit, profile_args)});
      // Corpus files by the plan's fingerprint (paths, sizes, mtimes):
      // hashing terabytes is the audit's job, not the cache's.
      auto plan = corpus::Plan::Make(p.project.sources, p.dir);
      s.settings = plan.ok() ? "corpus:" + std::to_string(plan->fingerprint())
                             : "corpus plan error: " + plan.status().message();
      s.content_inputs = with(s.content_inputs, policy_inputs);
      s.content_inputs = with(s.content_inputs, profile_inputs);
      s.content_inputs.push_back(p.file);  // the source definitions
      s.evidence = {ev + "/corpus-scan.json", ev + "/corpus-sample.jsonl",
                    ev + "/corpus-audit.json"};
    }
    steps.push_back(std::move(s));
  }
  // Model evaluation.
  {
    PlannedStep s;
    s.id = "eval";
    s.title = "Model evaluation: the three question banks";
    bool has_banks = false;
    for (const char* k : {"generated", "should_refuse", "should_answer"})
      has_banks |= p.project.banks.count(k) > 0 || p.project.eval.banks.count(k) > 0;
    if (!p.project.eval.has_target) {
      s.not_assessed =
          "no evaluation target in safegate.yaml (eval: target: an OpenAI-compatible endpoint "
          "or a replay file)";
    } else if (!has_banks) {
      s.not_assessed =
          "no question banks in safegate.yaml (banks: generated, should_refuse, "
          "should_answer)";
    } else {
      // The run id is filled in by the caller from the input hash (a rerun
      // after an interruption resumes the same run).
      uint64_t seed = p.project.eval.has_seed ? p.project.eval.seed : p.seed;
      s.commands.push_back(
          {with({"eval", "run", "--project", project_file, "--store", ev + "/eval.db", "--seed",
                 std::to_string(seed), "--run-id", "{run_id}"},
                profile_args),
           {0}});
      // Reviewer labels (eval.reviews) go into the run before the report.
      for (const std::string& review : p.project.eval.reviews) {
        s.commands.push_back({with({"eval", "review", "import", "{run_id}", Rel(p.dir, review),
                                    "--project", project_file, "--store", ev + "/eval.db"},
                                   profile_args),
                              {0}});
        s.content_inputs.push_back(review);
      }
      s.commands.push_back({with({"eval", "report", "{run_id}", "--project", project_file,
                                  "--store", ev + "/eval.db", "--json", ev + "/eval-report.json"},
                                 profile_args),
                            {0, 1, 4}});  // 4: not assessed (unjudged answers), still evidence
      for (const char* k : {"generated", "should_refuse", "should_answer"}) {
        auto it = p.project.banks.find(k);
        if (it != p.project.banks.end())
          for (const auto& path : it->second) s.content_inputs.push_back(path);
        auto e = p.project.eval.banks.find(k);
        if (e != p.project.eval.banks.end()) s.content_inputs.push_back(e->second);
      }
      if (p.project.eval.target.kind == "replay")
        s.content_inputs.push_back(p.project.eval.target.replay_path);
      s.content_inputs = with(s.content_inputs, policy_inputs);
      s.content_inputs = with(s.content_inputs, profile_inputs);
      s.content_inputs.push_back(p.file);  // the target's settings
      s.evidence = {ev + "/eval.db", ev + "/eval-report.json"};
    }
    steps.push_back(std::move(s));
  }
  // Moderation.
  {
    PlannedStep s;
    s.id = "moderation";
    s.title = "Live moderation: SLA, staffing, strikes, audit log";
    if (!p.project.has_moderation) {
      s.not_assessed =
          "no moderation section in safegate.yaml (moderation: db of a running "
          "safegate serve)";
    } else {
      std::vector<std::string> cmd = {"serve", "report"};
      if (!p.project.moderation.db.empty())
        cmd.insert(cmd.end(), {"--db", p.project.moderation.db});
      if (!p.project.moderation.config.empty()) {
        cmd.insert(cmd.end(), {"-c", Rel(p.dir, p.project.moderation.config)});
        s.content_inputs.push_back(p.project.moderation.config);
      }
      cmd.insert(cmd.end(),
                 {"--today", p.today, "--days", std::to_string(p.project.moderation.days)});
      const policy::Requirement* minutes = profile.Find("moderation.review.target_minutes");
      const policy::Requirement* share = profile.Find("moderation.review.min_within_target");
      char buf[32];
      if (minutes) {
        std::snprintf(buf, sizeof buf, "%g", minutes->value);
        cmd.insert(cmd.end(), {"--target-minutes", buf});
      }
      if (share) {
        std::snprintf(buf, sizeof buf, "%g", share->value);
        cmd.insert(cmd.end(), {"--target-share", buf});
      }
      if (p.project.moderation.reviewers >= 0)
        cmd.insert(cmd.end(), {"--reviewers", std::to_string(p.project.moderation.reviewers)});
      cmd.insert(cmd.end(), {"--json", ev + "/moderation.json"});
      s.commands.push_back({cmd, {0}});
      if (p.project.moderation.db.rfind("sqlite:", 0) == 0) {
        std::string path = (fs::path(p.dir) / p.project.moderation.db.substr(7)).string();
        s.content_inputs.push_back(path);
        if (fs::exists(path + "-wal")) s.content_inputs.push_back(path + "-wal");
      } else if (!p.project.moderation.db.empty()) {
        s.always_rerun = true;  // a server database cannot be hashed
      } else {
        s.always_rerun = true;  // the config's database: read it every time
      }
      s.evidence = {ev + "/moderation.json"};
    }
    steps.push_back(std::move(s));
  }
  return steps;
}

Result<std::string> StepInputHash(const PlannedStep& step, const std::string& project_dir) {
  Sha256 h;
  auto add = [&](std::string_view s) {
    uint64_t len = s.size();
    h.Update(std::string_view(reinterpret_cast<const char*>(&len), sizeof len));
    h.Update(s);
  };
  add(ToolVersion());
  add(step.id);
  for (const Command& c : step.commands)
    for (const auto& a : c.args) add(a);
  Status status = OkStatus();
  std::vector<char> buf(1 << 16);
  auto add_file = [&](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      status = InvalidArgumentError(path + ": cannot read (an input of step " + step.id + ")");
      return;
    }
    add(Rel(project_dir, path));
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      h.Update(std::string_view(buf.data(), static_cast<size_t>(in.gcount())));
    }
  };
  for (const auto& in : step.content_inputs) {
    if (!status.ok()) break;
    if (fs::is_directory(in)) {
      std::vector<std::string> files;
      for (const auto& e : fs::recursive_directory_iterator(in))
        if (e.is_regular_file()) files.push_back(e.path().string());
      std::sort(files.begin(), files.end());
      for (const auto& f : files) add_file(f);
    } else {
      add_file(in);
    }
  }
  add(step.settings);
  if (!status.ok()) return status;
  return h.HexDigest();
}

std::string CommandLine(const Command& command) {
  std::string out = "safegate";
  for (const auto& a : command.args) {
    bool plain = !a.empty() && a.find_first_not_of(
                                   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
                                   "VWXYZ0123456789-_./:=,@+%") == std::string::npos;
    out += ' ';
    if (plain) {
      out += a;
    } else {
      out += '\'';
      for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
      out += '\'';
    }
  }
  return out;
}

}  // namespace safegate::assess
