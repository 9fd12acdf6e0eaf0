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
//
// Later issues add banks, the evaluation target and the moderation service.
#pragma once

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
};

// Loads a project file. Errors name the file, line and key.
Result<Project> LoadProject(const std::string& path);

// Parses "NAME=PATH[,PATH...]" (the --source flag) into a spec with the given
// format and fields.
Result<corpus::SourceSpec> ParseSourceFlag(const std::string& flag, corpus::Format format,
                                           const std::string& text_field,
                                           const std::string& id_field);

}  // namespace safegate::audit
