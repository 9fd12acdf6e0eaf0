// `safegate assess DIR`: the project, the steps that produce the evidence,
// and the report built from it.
//
// A project is a directory with a safegate.yaml (project/project.h reads
// every key: policy, profile, seed, corpus, banks, eval, moderation, assess).
//
// Each step is a list of safegate commands run in the project directory (so
// that an auditor can re-run them as printed). A step's input hash covers the
// contents of every input file (corpus files by the corpus plan's fingerprint:
// paths, sizes and modification times), the commands and the tool version; a step whose hash and
// evidence files are unchanged since the last run is reused, not rerun.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "safegate/assess/report.h"
#include "safegate/base/status.h"
#include "safegate/eval/target.h"
#include "safegate/policy/profile.h"
#include "safegate/project/project.h"

namespace safegate::assess {

using project::ModerationSpec;

// The project as the assessment reads it: the file's keys, and what
// `assess` resolves from them (and its flags may override).
struct AssessProject {
  project::Project project;            // every key of the file (paths resolved)
  std::string file;                    // the safegate.yaml
  std::string dir;                     // its directory ("." for the current one)
  std::string profile;                 // built-in name or resolved path ("" = the policy's)
  uint64_t seed = 1;                   // the top-level seed, else 1
  std::string out_dir = "assessment";  // assess.out, relative to dir
  std::string today;                   // assess.today, else the current date
  i18n::Lang lang = i18n::Lang::kEn;   // of report.html (assess.lang)
};

// Loads DIR/safegate.yaml (or the file given) with project::LoadProject and
// checks that every file it names exists. Errors name the file, the line and
// the key: missing keys, wrong types, paths that do not exist, a profile that
// does not exist.
Result<AssessProject> LoadAssessProject(const std::string& dir_or_file);

// The profile the assessment judges against (AssessProject::profile, else the
// policy's).
Result<policy::Profile> ResolveProfile(const AssessProject& project);

// One command of a step: argv after the program name, run in the project dir.
struct Command {
  std::vector<std::string> args;
  std::vector<int> ok_exit_codes = {0, 1};  // 1: the command's gate failed, still evidence
};

struct PlannedStep {
  std::string id;  // banks | corpus | eval | moderation
  std::string title;
  std::vector<Command> commands;
  std::vector<std::string> content_inputs;  // hashed by content
  std::string settings;                     // hashed too: the corpus plan's fingerprint
  bool always_rerun = false;                // a database server: no hash possible
  std::vector<std::string> evidence;        // relative to the project dir
  std::string not_assessed;                 // non-empty: cannot run, and why
};

// The steps for a project. `out` is the output dir relative to the project
// dir; evidence goes to OUT/evidence/.
std::vector<PlannedStep> PlanSteps(const AssessProject& project, const policy::Profile& profile);

// Hex content hash of a step's inputs and commands. Errors when an input is unreadable.
Result<std::string> StepInputHash(const PlannedStep& step, const std::string& project_dir);

// A command line as a person would type it ("safegate bank lint ...", quoted).
std::string CommandLine(const Command& command);

// The report from the steps' evidence files (read from the project dir).
// Every requirement of the profile becomes at least one row; a requirement of
// a step that did not produce evidence is "not assessed" with the step's reason.
Result<Report> BuildReport(const AssessProject& project, const policy::Profile& profile,
                           const std::vector<Step>& steps);

}  // namespace safegate::assess
