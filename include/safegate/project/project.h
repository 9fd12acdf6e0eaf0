// The project file (safegate.yaml): every key, read once into one typed
// struct. The corpus commands, the bank commands, `eval`, `assess` and the
// Python module all take their settings from a Project; none reads the file
// itself.
//
//   schema: safegate.project/1
//   policy: policy.yaml              # required; relative to this file
//   profile: profile.yaml            # optional: built-in name or file (default: the policy's)
//   seed: 7                          # optional: default seed of every draw
//   corpus:
//     sources:
//       - name: forum
//         paths: [corpus/forum/*.jsonl.gz]
//         format: jsonl              # jsonl | lines | files
//         text_field: text           # dotted path, JSONL only
//         id_field: id               # optional
//     sample: {per_source: 400, seed: 7}   # optional: the audit sample (or fraction: 0.01)
//     labels: labels/corpus.csv      # optional: reviewers' labels of that sample
//     max_ratio: 2000                # optional: compression-bomb guard, as --max-ratio
//   banks:                           # optional; each a path or a list of paths
//     keywords: banks/keywords.csv   # (files or directories), relative to this file
//     generated: [banks/generated/]
//     should_refuse: banks/should_refuse.jsonl
//     should_answer: banks/should_answer.yaml
//     topics: [cooking, history]     # optional: should-answer topics to cover
//   eval:                            # optional: the evaluation (eval::EvalConfig)
//     target: {...}                  # eval.target.* keys: see eval::TargetSpec
//     seed, store, profile, banks (KIND: PATH), verdict_basis, reviews
//   moderation:                      # optional: a safegate serve database
//     db: sqlite:moderation/serve.db # or postgresql://...; relative to this file
//     config: ../serve/serve.yaml    # optional: its strike rule (and db, when no db)
//     days: 7                        # the window, ending with `today` (1..90)
//     reviewers: 3                   # reviewers on duty (the staffing check)
//   assess:
//     out: assessment                # where report.json, report.html, evidence/ go
//     today: 2026-11-26              # the date bank staleness and the window use
//     lang: zh                       # report.html in en (default), zh or ru
//
// Errors name the file, the line and the key ("safegate.yaml:7: field
// 'banks.colour': unknown key ..."). Unknown keys inside corpus, a source,
// corpus.sample, banks, eval, eval.target, moderation and assess are errors;
// unknown top-level keys are ignored (room for later sections). Whether the
// files named exist is checked by the user that needs them (assess checks
// all of them up front; eval.reviews is checked here).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/i18n.h"
#include "safegate/base/status.h"
#include "safegate/corpus/source.h"
#include "safegate/eval/target.h"

namespace safegate::project {

// The `moderation:` section.
struct ModerationSpec {
  std::string db;       // as `assess` passes it on: sqlite:PATH (relative to the
                        // project dir) or the postgresql:// URL as written
  std::string db_path;  // sqlite: the file, resolved against the project dir; else ""
  std::string config;   // resolved path, or ""
  int days = 7;
  int reviewers = -1;  // -1: not given
};

// The `assess:` section.
struct AssessSpec {
  std::string out_dir = "assessment";  // relative to the project dir
  std::string today;                   // YYYY-MM-DD as written ("" = not given)
  i18n::Lang lang = i18n::Lang::kEn;   // of report.html
};

struct Project {
  std::string path;         // the project file
  std::string base_dir;     // its directory: relative paths resolve against it
  std::string policy_path;  // resolved
  // Top-level profile as written ("" = not given; `eval.profile` and
  // `assess` resolve it, see eval below and assess::LoadAssessProject).
  std::string profile;
  uint64_t seed = 0;  // top-level seed
  bool has_seed = false;
  // corpus:
  std::vector<corpus::SourceSpec> sources;
  uint64_t sample_per_source = 0;  // corpus.sample.per_source; 0: not set
  double sample_fraction = 0;      // corpus.sample.fraction; 0: not set
  uint64_t sample_seed = 0;        // corpus.sample.seed
  bool has_sample_seed = false;
  std::string corpus_labels;  // resolved path, "" when not set
  // corpus.max_ratio (corpus::ReaderOptions::max_ratio; 0 = no limit); a
  // --max-ratio flag overrides it.
  uint64_t max_ratio = 0;
  bool has_max_ratio = false;
  // banks: resolved paths per kind ("keywords", "generated", "should_refuse",
  // "should_answer"; only kinds the file names), and the should-answer topics.
  std::map<std::string, std::vector<std::string>> banks;
  std::vector<std::string> topics;
  // eval: with the top-level profile and seed as the defaults of eval.profile
  // and eval.seed (a profile that looks like a file, with a '/' or ending in
  // .yaml/.yml, is resolved against base_dir).
  eval::EvalConfig eval;
  bool has_moderation = false;
  ModerationSpec moderation;
  AssessSpec assess;
  // The line of every key read ("banks.generated", "eval.target.path",
  // "moderation", ...), for errors about what a key names.
  std::map<std::string, uint64_t, std::less<>> lines;

  // The line of `key` (1-based; 0 when the file has no such key).
  uint64_t LineOf(std::string_view key) const;
  // kInvalidArgument "PATH:LINE: field 'KEY': MESSAGE" at the line of `key`.
  Status ErrorAt(std::string_view key, std::string_view message) const;
};

// Parses the text of a project file; `path` names it in errors and its
// directory is the base of relative paths.
Result<Project> ParseProject(std::string_view yaml, const std::string& path);

// Reads and parses a project file.
Result<Project> LoadProject(const std::string& path);

// The project file a command reads: `flag` when given, else ./safegate.yaml
// when it exists, else "" (no project).
std::string ProjectPath(const std::string& flag);

// LoadProject(ProjectPath(flag)), or nullopt when there is no project file.
Result<std::optional<Project>> LoadProjectIfAny(const std::string& flag);

// Parses "NAME=PATH[,PATH...]" (the --source flag) into a spec with the given
// format and fields.
Result<corpus::SourceSpec> ParseSourceFlag(const std::string& flag, corpus::Format format,
                                           const std::string& text_field,
                                           const std::string& id_field);

}  // namespace safegate::project
