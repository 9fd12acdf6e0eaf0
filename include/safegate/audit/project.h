// The project file (safegate.yaml): which policy, which corpus sources.
//
//   schema: safegate.project/1
//   policy: policy.yaml              # relative to this file
//   corpus:
//     sources:
//       - name: forum
//         paths: [corpus/forum/*.jsonl.gz]
//         format: jsonl              # jsonl | lines | files
//         text_field: text           # dotted path, JSONL only
//         id_field: id               # optional
//     sample: {per_source: 400, seed: 7}   # optional: the audit sample (or fraction: 0.01)
//     labels: labels/corpus.csv      # optional: reviewers' labels of that sample
//   banks:                           # optional; each a path or a list of paths
//     keywords: banks/keywords.csv   # (files or directories), relative to this file
//     generated: [banks/generated/]
//     should_refuse: banks/should_refuse.jsonl
//     should_answer: banks/should_answer.yaml
//     topics: [cooking, history]     # optional: should-answer topics to cover
//
// Other top-level keys (profile, seed, eval, moderation, assess) belong to
// eval/target.h and assess/assess.h and are ignored here.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/corpus/source.h"

namespace safegate::audit {

struct Project {
  std::string path;      // the project file
  std::string base_dir;  // its directory: relative paths resolve against it
  std::string policy_path;
  std::vector<corpus::SourceSpec> sources;
  // banks: resolved paths per kind ("keywords", "generated", "should_refuse",
  // "should_answer"; only kinds the file names), and the should-answer topics.
  std::map<std::string, std::vector<std::string>> banks;
  std::vector<std::string> topics;
  // corpus.sample and corpus.labels (used by `safegate assess`).
  uint64_t sample_per_source = 0;  // 0: not set
  double sample_fraction = 0;      // 0: not set
  uint64_t sample_seed = 0;
  bool has_sample_seed = false;
  std::string corpus_labels;  // resolved path, "" when not set
};

// Loads a project file. Errors name the file, line and key.
Result<Project> LoadProject(const std::string& path);

// Parses "NAME=PATH[,PATH...]" (the --source flag) into a spec with the given
// format and fields.
Result<corpus::SourceSpec> ParseSourceFlag(const std::string& flag, corpus::Format format,
                                           const std::string& text_field,
                                           const std::string& id_field);

}  // namespace safegate::audit
