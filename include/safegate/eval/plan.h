// Planning an evaluation run: everything `safegate eval run` decides before
// the first request. The target (the project's eval.target with the
// command's overrides, or a resumed run's stored target), the question banks,
// the seeded sample drawn from each, the run's metadata and its id. The CLI
// parses flags into these types and prints; `assess` and the Python module
// can plan a run the same way without it. Pure functions apart from reading
// bank files; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/eval/runner.h"
#include "safegate/eval/target.h"
#include "safegate/policy/policy.h"
#include "safegate/policy/profile.h"

namespace safegate::eval {

// What a command gives beside the project's eval.target (the flags of
// `eval run`). Empty strings, negative numbers and zeros are "not given".
struct TargetOverrides {
  std::string replay;  // a replay file: kind replay, name "replay"
  std::string base_url;
  std::string model;
  std::string api_key_env;
  std::string api;
  std::string system_prompt;
  std::vector<std::string> headers;  // "NAME: VALUE"
  double temperature = -1;
  int max_tokens = 0;
  int concurrency = 0;
  double requests_per_second = -1;
  int max_attempts = 0;
  double timeout_seconds = 0;
  double item_deadline_seconds = 0;
  std::string http_client;
  bool stream = false;

  // Whether any override names the target's identity (what decides the
  // answers: URL, model, prompt, sampling settings, key), not only its speed.
  bool NamesIdentity() const;
};

// The target of a new run: the project's eval.target (cfg.has_target), with
// the overrides applied. `given` (optional) is set to whether anyone named a
// target (the project or an identity override). Errors: a header that is not
// "NAME: VALUE".
Result<TargetSpec> ResolveTarget(const EvalConfig& cfg, const TargetOverrides& overrides,
                                 bool* given = nullptr);

// What decides a target's answers, rendered for comparison: name -> value
// (concurrency, rate, retries, timeouts and client only decide how fast they
// come). A replay target is its file.
std::vector<std::pair<std::string, std::string>> TargetIdentity(const TargetSpec& target);

// The run's metadata "target" object (header values are not stored: they may
// hold credentials; their names are).
std::string TargetMetaJson(const TargetSpec& target);

// The target of a resumed run `run_id` whose metadata is `meta_json`: the
// stored target, with what may still change (speed, retries, client, header
// values, and the fields an older run did not record) taken from the
// overrides, else the project's eval.target. When `given_by_user` (the
// project or an override named a target), a `given` identity that differs
// from the stored one is an error naming each difference; header names must
// match the stored ones.
Result<TargetSpec> ResumeTarget(const EvalConfig& cfg, const TargetOverrides& overrides,
                                const TargetSpec& given, bool given_by_user,
                                const std::string& run_id, const std::string& meta_json);

// The policy file a run was started with (its metadata's policy.path), "" when
// not recorded: a resumed run without --policy or a project uses it.
std::string RunPolicyPath(const std::string& meta_json);

// The question banks of a new run, bank kind name -> files: `flag_banks`
// ("KIND=PATH", the --bank flags) when given, else the project's eval.banks,
// else the project's banks section (`project_banks`, kind -> paths; keyword
// banks left out). Errors: a malformed flag, an unknown kind, no bank at all.
Result<std::map<std::string, std::vector<std::string>>> ResolveBanks(
    const std::vector<std::string>& flag_banks, const EvalConfig& cfg,
    const std::map<std::string, std::vector<std::string>>& project_banks);

struct RunPlanOptions {
  uint64_t seed = 1;
  int64_t sample = -1;  // questions per bank; < 0: the profile's minimum sample size
  bool lenient_banks = false;
  std::string run_id;  // "" = a new id (NewRunId)
};

// A run ready for RunStore::CreateRun.
struct RunPlan {
  std::string run_id;
  std::vector<EvalItem> items;
  std::string meta_json;  // seed, target, policy, profile, judges, sample, tool_version
};

// Loads each bank (taxonomy of `policy`), draws its seeded stratified sample
// (bank/sample.h) of options.sample items, else the profile's minimum, and
// writes the run's metadata. Warnings (bank items skipped by a lenient load,
// a bank smaller than the sample asked for) are appended to `warnings`, also
// when planning fails.
Result<RunPlan> PlanRun(const policy::Policy& policy, const policy::Profile& profile,
                        const TargetSpec& target, const JudgeList& judges,
                        const std::map<std::string, std::vector<std::string>>& banks,
                        const RunPlanOptions& options, std::vector<std::string>* warnings);

// "run-YYYYMMDD-HHMMSS-xxxx": the UTC time and 16 random bits.
std::string NewRunId();

}  // namespace safegate::eval
