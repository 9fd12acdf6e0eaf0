// The profile a command applies: one rule for the corpus commands (`corpus
// audit`), the bank commands (`bank lint`), `eval` and `assess`.
//
//   1. the command's --profile, when given;
//   2. else the project's top-level `profile:` (eval: `eval.profile`, which
//      defaults to it; assess passes it to each step as --profile);
//   3. else "" = the policy's own `profile:`.
//
// A name with a '/' or ending in .yaml/.yml is a file: a project's is
// resolved against the project's directory (as eval.profile is), a flag's is
// taken as written. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "safegate/project/project.h"

namespace safegate::project {

// The profile to load (policy::LoadProfile), or "" for the policy's own.
std::string ProfileName(const std::optional<Project>& project, const std::string& flag);

}  // namespace safegate::project
