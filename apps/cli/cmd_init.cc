// `safegate init DIR`: a commented starting project for `safegate assess`.
#include <cstdio>
#include <filesystem>

#include "common.h"
#include "safegate/base/file.h"

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
# tc260-2024) or a profile file. Default: the policy's.
profile: baseline
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
)";

constexpr const char* kPolicy =
    R"(# The policy (docs/policy.md): judged against the built-in baseline profile.
schema: safegate.policy/1
id: my-policy
version: "1"
profile: baseline
normalize:
  nfkc: true
  casefold: true
keyword_banks:
  - banks/keywords.csv
)";

constexpr const char* kKeywords = R"(id,category,lang,text,added
kw-0001,S9,en,pipe bomb,2026-01-01
)";

}  // namespace

void RegisterInit(CLI::App& app, int* rc) {
  struct Opts {
    std::string dir;
    bool force = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd =
      app.add_subcommand("init", "Write a commented starting project for `safegate assess`");
  cmd->add_option("dir", o->dir, "Directory to create or fill")->required();
  cmd->add_flag("--force", o->force, "Overwrite existing files");
  cmd->callback([o, rc] {
    const std::vector<std::pair<std::string, const char*>> files = {
        {"safegate.yaml", kProject}, {"policy.yaml", kPolicy}, {"banks/keywords.csv", kKeywords}};
    for (const auto& [name, text] : files) {
      (void)text;
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
