// The step cache of `safegate assess`: OUT/steps.json (schema
// "safegate.assess-steps/1") records, per step, the input hash it ran with,
// its status, when it finished and how long it took. A step whose inputs
// hash the same as last time (its content inputs, commands, settings and the
// safegate binary itself), whose last run succeeded and whose evidence files
// are all present is reused rather than rerun.
//
// Also here: what an eval step needs before it runs (its run id, derived from
// the input hash, and the switch to resuming an interrupted run). Pure
// functions apart from reading and writing the cache file; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/assess/assess.h"
#include "safegate/base/status.h"

namespace safegate::assess {

inline constexpr const char* kStepsSchema = "safegate.assess-steps/1";

struct CachedStep {
  std::string input_hash;
  std::string status;  // "ran" | "reused"
  double seconds = 0;
  std::string finished_at;  // ISO 8601 UTC
};

class StepCache {
 public:
  // Parses the text of a steps.json. A damaged file or another schema is an
  // empty cache: nothing is reused, nothing fails.
  static StepCache Parse(std::string_view json);
  // Reads `path`; a missing file is an empty cache.
  static StepCache Load(const std::string& path);

  // The previous run of `step`, when it may be reused for `input_hash`: the
  // same hash, it ran or was reused (a failed step is always rerun), the step
  // is not always_rerun, and its evidence files exist under `project_dir`.
  const CachedStep* Reusable(const PlannedStep& step, const std::string& input_hash,
                             const std::string& project_dir) const;

  // Records this run's outcome of a step (only steps that ran or were
  // reused are written).
  void Record(const std::string& id, CachedStep step);

  // The new steps.json (the steps recorded with Record).
  std::string Json() const;

 private:
  std::map<std::string, CachedStep> previous_;
  std::map<std::string, CachedStep> current_;
};

// Adds the identity of the safegate binary at `exe` to every step's
// settings: a rebuilt judge or matcher must not reuse evidence made by
// another build with the same version string. Errors when `exe` is unreadable.
Status AddToolIdentity(std::vector<PlannedStep>* steps, const std::string& exe);

// The eval step's run id for an input hash: "assess-" + its first 12 digits.
std::string EvalRunId(const std::string& input_hash);

// Replaces "{run_id}" in the step's commands with `run_id`; returns the run
// store the commands name (the argument of --store, relative to the project
// dir; "" when none).
std::string FillRunId(PlannedStep* step, const std::string& run_id);

// Turns the step's first command (`eval run ...`) into `eval run ...
// --resume RUN_ID` (without --run-id, --seed and --profile): for a run that
// already exists in the store, so that only unanswered items are sent.
void ResumeEvalRun(PlannedStep* step, const std::string& run_id);

}  // namespace safegate::assess
