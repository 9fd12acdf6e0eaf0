// `safegate assess DIR`: the project, the steps that produce the evidence,
// and the report built from it.
//
// A project is a directory with a safegate.yaml (audit/project.h for policy,
// corpus and banks; eval/target.h for the eval section) plus these keys:
//
//   profile: profile.yaml          # built-in name or file; default: the policy's
//   seed: 7                        # default seed of every draw (default 1)
//   moderation:                    # optional: a safegate serve database
//     db: sqlite:moderation/serve.db   # or postgresql://...; relative to this file
//     config: ../serve/serve.yaml      # optional: its strike rule (and db, when no db)
//     days: 7                          # the window, ending with `today`
//     reviewers: 3                     # reviewers on duty (the staffing check)
//   assess:
//     out: assessment              # where report.json, report.html, evidence/ go
//     today: 2026-11-26            # the date bank staleness and the window use
//     lang: zh                     # report.html in en (default), zh or ru
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
#include "safegate/audit/project.h"
#include "safegate/base/status.h"
#include "safegate/eval/target.h"
#include "safegate/policy/profile.h"

namespace safegate::assess {

struct ModerationSpec {
  std::string db;      // as written (sqlite:PATH resolved against the project dir)
  std::string config;  // resolved path, or ""
  int days = 7;
  int reviewers = -1;  // -1: not given
};

struct AssessProject {
  audit::Project project;  // policy, corpus, banks (paths resolved)
  eval::EvalConfig eval;   // eval section (target, store, seed, profile)
  std::string file;        // the safegate.yaml
  std::string dir;         // its directory
  std::string profile;     // built-in name or resolved path ("" = the policy's)
  uint64_t seed = 1;
  bool has_moderation = false;
  ModerationSpec moderation;
  std::string out_dir = "assessment";  // relative to dir
  std::string today;                   // YYYY-MM-DD ("" = the current date)
  i18n::Lang lang = i18n::Lang::kEn;   // of report.html (assess.lang)
};

// Loads DIR/safegate.yaml (or the file given). Errors name the file, the line
// and the key: missing keys, wrong types, paths that do not exist, a profile
// that does not exist.
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
