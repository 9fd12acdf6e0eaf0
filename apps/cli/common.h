// Shared pieces of the safegate command line: exit codes, error printing, and
// the flags every corpus command takes (project, policy, sources, threads).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/corpusjobs/corpus_jobs.h"
#include "safegate/policy/policy.h"
#include "safegate/project/project.h"

namespace safegate::cli {

// Exit codes (documented in docs/cli.md and `safegate --help`).
inline constexpr int kExitOk = 0;
inline constexpr int kExitGateFailed = 1;     // a verdict failed (audit)
inline constexpr int kExitBadInput = 2;       // bad flags, files, lines, fields
inline constexpr int kExitInternal = 3;       // a bug, an engine failure, a full disk
inline constexpr int kExitInterrupted = 130;  // SIGINT/SIGTERM stopped a corpus job
// No gate failed, but some could not be assessed (eval report: unjudged
// answers decide a gate; assess: a requirement not assessed).
inline constexpr int kExitNotAssessed = 4;

// Subcommand groups, one file each (cmd_<group>.cc). Each sets *rc.
void RegisterBank(CLI::App& app, int* rc);
void RegisterJudge(CLI::App& app, int* rc);
void RegisterEval(CLI::App& app, int* rc);
void RegisterServe(CLI::App& app, int* rc);
void RegisterStaffing(CLI::App& app, int* rc);  // under `serve`; after RegisterServe
// `serve users`, `serve labels` and the reviewer page's routes (cmd_serve_users.cc).
void RegisterServeUsers(CLI::App& app, int* rc);
// `assess` and `init` (cmd_assess.cc, cmd_init.cc).
void RegisterAssess(CLI::App& app, int* rc);
void RegisterInit(CLI::App& app, int* rc);

// Prints "safegate: error: MESSAGE" and returns the exit code for `s`.
int Fail(const Status& s);

// For a short command that runs few threads and allocates little per
// document (corpus sample): every thread allocates from the main heap, which
// grows in one step of 32 MiB (address space, not memory) backed by
// transparent huge pages where the kernel allows them. On a virtual machine
// whose page faults cost ~12 us each, this halves a `corpus sample`'s 2,200
// faults of 4 KiB (matcher, policy, reader, candidates): about 20 of its
// ~150 ms of CPU. Peak RSS grows by a few MB (2 MiB pages), not with the
// corpus. Call before any thread is started.
void UseOneHugePageHeap();

// The last line of a corpus job with `bad` skipped lines (nothing when 0), and
// its exit code: kExitGateFailed when `fail_on_bad_lines` and bad > 0, else kExitOk.
int EndWithBadLines(uint64_t bad, bool fail_on_bad_lines);

struct CorpusFlags {
  std::string project;  // safegate.yaml; default ./safegate.yaml when present
  std::string policy;
  std::vector<std::string> sources;  // NAME=PATH[,PATH...]
  std::string format = "jsonl";
  std::string text_field = "text";
  std::string id_field;
  int threads = 0;
  std::string shard;
  bool strict = false;
  bool fail_on_bad_lines = false;
  uint64_t max_doc_mb = 16;
  uint64_t max_ratio = corpus::ReaderOptions{}.max_ratio;
  bool max_ratio_given = false;  // --max-ratio was given: it overrides corpus.max_ratio
  double unit_mb = 32;
  bool lenient_banks = false;
  bool no_cache = false;

  // Adds the flags to a subcommand. `with_sources` false for commands that
  // read result files only (they still need the policy).
  void AddTo(CLI::App* app, bool with_sources);
};

// Everything a corpus job needs, loaded from the flags.
struct Loaded {
  policy::Policy policy;
  std::shared_ptr<const scan::Matcher> matcher;
  std::unique_ptr<corpus::Plan> plan;
  corpusjobs::JobContext ctx;
};

enum class MatcherMode { kNone, kNow, kAsync };

// Loads the project/policy (always), compiles the matcher (kNow; or in the
// background, kAsync: ctx.matcher_future) and plans the sources (when
// `sources`). Bank warnings go to stderr.
Result<std::unique_ptr<Loaded>> Load(const CorpusFlags& flags, MatcherMode matcher, bool sources);
// The same with the project already read (nullopt: no project file), for
// commands that need the project for more than the corpus.
Result<std::unique_ptr<Loaded>> Load(const CorpusFlags& flags,
                                     const std::optional<project::Project>& project,
                                     MatcherMode matcher, bool sources);

void RegisterCorpus(CLI::App& app, int* exit_code);

}  // namespace safegate::cli
