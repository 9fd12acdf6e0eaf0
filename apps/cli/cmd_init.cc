// `safegate init DIR`: a commented starting project for `safegate assess`.
#include <cstdio>
#include <filesystem>
#include <string>

#include "common.h"
#include "safegate/base/file.h"
#include "safegate/policy/profile.h"

namespace safegate::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kProject =
    R"(# safegate project: `safegate assess .` runs everything named here and writes
# assessment/report.html and assessment/report.json. Paths are relative to
# this file. docs/assess.md describes every key.
schema: safegate.project/1

# The policy: categories, normalisation, keyword banks, judges (docs/policy.md).
policy: policy.yaml
# The profile the service is judged against: a built-in name (baseline,
# tc260-2024, gbt45654-2025) or a profile file (docs/policy.md: the profiles,
# and how to override any number). Default: the policy's.
profile: @PROFILE@
# Seed of every random draw (corpus sample, evaluation sample).
seed: 1

# Training-data sources: each is sampled and audited (docs/cli.md, corpus).
# corpus:
#   sources:
#     - name: forum
#       paths: [data/forum/*.jsonl.gz]
#       format: jsonl            # jsonl | lines | files
#       text_field: text
#   sample: {per_source: 400}    # or fraction: 0.01
#   labels: labels/corpus.csv    # reviewers' labels (safegate corpus label export)
#   max_ratio: 2000              # compression-bomb guard, as --max-ratio (0 = no limit)

# The four banks (CSV, JSONL or YAML; files or directories; docs/banks.md).
banks:
  keywords: banks/keywords.csv
#   generated: banks/generated.jsonl
#   should_refuse: banks/should_refuse.jsonl
#   should_answer: banks/should_answer.jsonl

# The model under evaluation (docs/eval.md): an OpenAI-compatible endpoint
# or a replay file of recorded answers.
# eval:
#   target:
#     name: my-model
#     kind: openai
#     base_url: http://127.0.0.1:8000/v1
#     model: my-model
#     api_key_env: MODEL_API_KEY
#     concurrency: 16

# A running `safegate serve`: its database holds the moderation figures.
# moderation:
#   db: sqlite:serve.db          # or postgresql://...
#   config: serve.yaml           # its strike rule
#   days: 7                      # the window, ending today
#   reviewers: 3                 # reviewers on duty (staffing check)

# assess:
#   out: assessment
#   today: 2026-01-31            # fix the date (bank staleness, moderation window)
#   lang: en                     # report.html in en, zh or ru (or assess --lang)
)";

constexpr const char* kPolicy =
    R"(# The policy (docs/policy.md): judged against the built-in @PROFILE@ profile.
schema: safegate.policy/1
id: my-policy
version: "1"
profile: @PROFILE@
normalize:
  nfkc: true
  casefold: true
keyword_banks:
  - banks/keywords.csv
)";

// One example keyword (a weapon), filed under the profile's category for it.
constexpr const char* kKeywords = R"(id,category,lang,text,added
kw-0001,@CATEGORY@,en,pipe bomb,2026-01-01
)";

std::string Fill(std::string text, const std::string& profile, const std::string& category) {
  for (const auto& [from, to] :
       {std::pair<std::string, std::string>{"@PROFILE@", profile}, {"@CATEGORY@", category}}) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
      text.replace(at, from.size(), to);
      at += to.size();
    }
  }
  return text;
}

}  // namespace

void RegisterInit(CLI::App& app, int* rc) {
  struct Opts {
    std::string dir;
    std::string profile = "baseline";
    bool force = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd =
      app.add_subcommand("init", "Write a commented starting project for `safegate assess`");
  cmd->add_option("dir", o->dir, "Directory to create or fill")->required();
  std::string names;
  for (const std::string& n : policy::BuiltinProfiles()) names += (names.empty() ? "" : ", ") + n;
  cmd->add_option("--profile", o->profile,
                  "Built-in profile to start from: " + names +
                      " (default: baseline; docs/policy.md explains them)")
      ->check(CLI::IsMember(policy::BuiltinProfiles()));
  cmd->add_flag("--force", o->force, "Overwrite existing files");
  cmd->callback([o, rc] {
    // The example keyword is a weapon: S9 in baseline, A.1-6 (violence) in
    // the TC260 / GB/T structure.
    const std::string category = o->profile == "baseline" ? "S9" : "A.1-6";
    const std::vector<std::pair<std::string, std::string>> files = {
        {"safegate.yaml", Fill(kProject, o->profile, category)},
        {"policy.yaml", Fill(kPolicy, o->profile, category)},
        {"banks/keywords.csv", Fill(kKeywords, o->profile, category)}};
    for (const auto& [name, text] : files) {
      fs::path path = fs::path(o->dir) / name;
      if (fs::exists(path) && !o->force) {
        *rc = Fail(InvalidArgumentError(path.string() + " exists (use --force to overwrite)"));
        return;
      }
    }
    for (const auto& [name, text] : files) {
      fs::path path = fs::path(o->dir) / name;
      Status s = MakeDirs(path.parent_path().string());
      if (s.ok()) s = WriteFileAtomic(path.string(), text);
      if (!s.ok()) {
        *rc = Fail(s);
        return;
      }
      std::printf("wrote %s\n", path.string().c_str());
    }
    std::printf("next: edit %s, then run: safegate assess %s\n",
                (fs::path(o->dir) / "safegate.yaml").string().c_str(), o->dir.c_str());
  });
}

}  // namespace safegate::cli
