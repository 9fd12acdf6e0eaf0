// The assessment project: safegate.yaml's assess-only keys, checked paths,
// and the steps with their input hashes.
#include <yaml-cpp/yaml.h>

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

Status Err(const std::string& file, const YAML::Node& n, const std::string& key,
           const std::string& msg) {
  return InvalidArgumentError(AtLocation(file, n.Mark().line + 1, key, msg));
}

// The line of a top-level key (or of the root) for errors about what it names.
// (Node::operator= assigns through to the node it refers to, so walking uses reset().)
YAML::Node Find(const YAML::Node& root, std::initializer_list<const char*> path) {
  YAML::Node n;
  n.reset(root);
  for (const char* k : path) {
    if (!n.IsMap() || !n[k]) return root;
    const YAML::Node child = n[k];
    n.reset(child);
  }
  return n;
}

Status MustExist(const std::string& file, const YAML::Node& n, const std::string& key,
                 const std::string& path) {
  if (path.empty() || fs::exists(path)) return OkStatus();
  return Err(file, n, key, "no such file or directory: " + path);
}

std::string Rel(const std::string& dir, const std::string& path) {
  if (path.empty()) return path;
  std::error_code ec;
  fs::path r = fs::relative(path, dir.empty() ? "." : dir, ec);
  return ec ? path : r.string();
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
  SAFEGATE_ASSIGN_OR_RETURN(p.project, audit::LoadProject(p.file));
  SAFEGATE_ASSIGN_OR_RETURN(std::string text, ReadFile(p.file));
  SAFEGATE_ASSIGN_OR_RETURN(p.eval, eval::ParseEvalConfig(text, p.file, p.dir));
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(AtLocation(p.file, e.mark.line + 1, "", e.msg));
  }
  const std::string& f = p.file;
  try {
    if (!root["policy"]) return Err(f, root, "policy", "missing: the policy file is required");
    SAFEGATE_RETURN_IF_ERROR(MustExist(f, root["policy"], "policy", p.project.policy_path));
    if (root["profile"]) {
      const YAML::Node& n = root["profile"];
      if (!n.IsScalar()) return Err(f, n, "profile", "expected a built-in name or a file");
      std::string name = n.as<std::string>();
      auto builtin = policy::BuiltinProfileText(name);
      if (builtin) {
        p.profile = name;
      } else {
        p.profile = (fs::path(p.dir) / name).lexically_normal().string();
        if (!fs::exists(p.profile)) {
          std::string names;
          for (const auto& b : policy::BuiltinProfiles()) names += (names.empty() ? "" : ", ") + b;
          return Err(f, n, "profile",
                     "'" + name + "' is neither a built-in profile (" + names + ") nor a file");
        }
        auto prof = policy::LoadProfile(p.profile);
        if (!prof.ok()) return Err(f, n, "profile", prof.status().message());
      }
    }
    if (root["seed"]) {
      const YAML::Node& n = root["seed"];
      try {
        long long s = n.as<long long>();
        if (s < 0) return Err(f, n, "seed", "must be a non-negative integer");
        p.seed = static_cast<uint64_t>(s);
      } catch (const YAML::Exception&) {
        return Err(f, n, "seed", "expected a non-negative integer");
      }
    }
    for (const auto& [kind, paths] : p.project.banks) {
      for (const auto& path : paths) {
        SAFEGATE_RETURN_IF_ERROR(
            MustExist(f, Find(root, {"banks", kind.c_str()}), "banks." + kind, path));
      }
    }
    if (!p.project.corpus_labels.empty()) {
      SAFEGATE_RETURN_IF_ERROR(
          MustExist(f, Find(root, {"corpus", "labels"}), "corpus.labels", p.project.corpus_labels));
    }
    if (p.eval.has_target && p.eval.target.kind == "replay") {
      SAFEGATE_RETURN_IF_ERROR(MustExist(f, Find(root, {"eval", "target", "path"}),
                                         "eval.target.path", p.eval.target.replay_path));
    }
    if (const YAML::Node m = root["moderation"]) {
      if (!m.IsMap()) return Err(f, m, "moderation", "expected a map");
      p.has_moderation = true;
      for (const auto& kv : m) {
        std::string key = "moderation." + kv.first.as<std::string>();
        const YAML::Node& v = kv.second;
        if (key == "moderation.db") {
          if (!v.IsScalar()) return Err(f, v, key, "expected sqlite:PATH or postgresql://...");
          std::string db = v.as<std::string>();
          if (db.rfind("postgres", 0) == 0) {
            p.moderation.db = db;
          } else {
            std::string path = db.rfind("sqlite:", 0) == 0 ? db.substr(7) : db;
            path = (fs::path(p.dir) / path).lexically_normal().string();
            SAFEGATE_RETURN_IF_ERROR(MustExist(f, v, key, path));
            p.moderation.db = "sqlite:" + Rel(p.dir, path);
          }
        } else if (key == "moderation.config") {
          if (!v.IsScalar()) return Err(f, v, key, "expected a path");
          p.moderation.config = (fs::path(p.dir) / v.as<std::string>()).lexically_normal().string();
          SAFEGATE_RETURN_IF_ERROR(MustExist(f, v, key, p.moderation.config));
        } else if (key == "moderation.days" || key == "moderation.reviewers") {
          int x = 0;
          try {
            x = v.as<int>();
          } catch (const YAML::Exception&) {
            return Err(f, v, key, "expected an integer");
          }
          if (key == "moderation.days") {
            if (x < 1 || x > 90) return Err(f, v, key, "must be 1..90");
            p.moderation.days = x;
          } else {
            if (x < 0) return Err(f, v, key, "must be >= 0");
            p.moderation.reviewers = x;
          }
        } else {
          return Err(f, kv.first, key, "unknown key (db, config, days, reviewers)");
        }
      }
      if (p.moderation.db.empty() && p.moderation.config.empty()) {
        return Err(f, m, "moderation", "give db (sqlite:PATH or postgresql://...) or config");
      }
    }
    if (const YAML::Node a = root["assess"]) {
      if (!a.IsMap()) return Err(f, a, "assess", "expected a map");
      for (const auto& kv : a) {
        std::string key = "assess." + kv.first.as<std::string>();
        const YAML::Node& v = kv.second;
        if (!v.IsScalar()) return Err(f, v, key, "expected a string");
        if (key == "assess.out") {
          p.out_dir = v.as<std::string>();
          if (p.out_dir.empty()) return Err(f, v, key, "empty path");
        } else if (key == "assess.today") {
          p.today = v.as<std::string>();
          struct tm tm {};
          if (p.today.size() != 10 || strptime(p.today.c_str(), "%Y-%m-%d", &tm) == nullptr)
            return Err(f, v, key, "expected a date YYYY-MM-DD");
        } else if (key == "assess.lang") {
          std::optional<i18n::Lang> lang = i18n::ParseLang(v.as<std::string>());
          if (!lang) return Err(f, v, key, "expected en, zh or ru");
          p.lang = *lang;
        } else {
          return Err(f, kv.first, key, "unknown key (out, today, lang)");
        }
      }
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(AtLocation(f, e.mark.line + 1, "", e.msg));
  }
  if (p.today.empty()) p.today = UtcDate();
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
      has_banks |= p.project.banks.count(k) > 0 || p.eval.banks.count(k) > 0;
    if (!p.eval.has_target) {
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
      uint64_t seed = p.eval.has_seed ? p.eval.seed : p.seed;
      s.commands.push_back(
          {with({"eval", "run", "--project", project_file, "--store", ev + "/eval.db", "--seed",
                 std::to_string(seed), "--run-id", "{run_id}"},
                profile_args),
           {0}});
      // Reviewer labels (eval.reviews) go into the run before the report.
      for (const std::string& review : p.eval.reviews) {
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
        auto e = p.eval.banks.find(k);
        if (e != p.eval.banks.end()) s.content_inputs.push_back(e->second);
      }
      if (p.eval.target.kind == "replay") s.content_inputs.push_back(p.eval.target.replay_path);
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
    if (!p.has_moderation) {
      s.not_assessed =
          "no moderation section in safegate.yaml (moderation: db of a running "
          "safegate serve)";
    } else {
      std::vector<std::string> cmd = {"serve", "report"};
      if (!p.moderation.db.empty()) cmd.insert(cmd.end(), {"--db", p.moderation.db});
      if (!p.moderation.config.empty()) {
        cmd.insert(cmd.end(), {"-c", Rel(p.dir, p.moderation.config)});
        s.content_inputs.push_back(p.moderation.config);
      }
      cmd.insert(cmd.end(), {"--today", p.today, "--days", std::to_string(p.moderation.days)});
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
      if (p.moderation.reviewers >= 0)
        cmd.insert(cmd.end(), {"--reviewers", std::to_string(p.moderation.reviewers)});
      cmd.insert(cmd.end(), {"--json", ev + "/moderation.json"});
      s.commands.push_back({cmd, {0}});
      if (p.moderation.db.rfind("sqlite:", 0) == 0) {
        std::string path = (fs::path(p.dir) / p.moderation.db.substr(7)).string();
        s.content_inputs.push_back(path);
        if (fs::exists(path + "-wal")) s.content_inputs.push_back(path + "-wal");
      } else if (!p.moderation.db.empty()) {
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
