// The corpus jobs: scan, sample, filter. Thin drivers over corpus (reading),
// the policy's judges (judges.h: keyword banks, personal-data detectors,
// classifiers; one decision, CheckDocument) and the ordered runner; the CLI
// calls these and prints.
//
// Every job works on the units of one shard of a Plan (the whole plan by
// default), on `threads` threads, and writes its result files atomically:
// nothing appears at the output path until the job has succeeded. Results are
// identical for any number of threads, and N shards merged (merge.h) equal one
// run, apart from the "run" object of each file (timing, threads, shard).
//
// Result files carry a header with "schema", the tool version, the policy and
// profile ids and versions, the judges run ("judges": name and version of
// each; "judges_skipped": the policy's entries not run on a corpus), the
// corpus fingerprint and (for samples) the seed.
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "safegate/base/progress.h"
#include "safegate/base/status.h"
#include "safegate/corpus/reader.h"
#include "safegate/corpus/source.h"
#include "safegate/corpusjobs/judges.h"
#include "safegate/policy/policy.h"
#include "safegate/scan/matcher.h"

namespace safegate::corpusjobs {

// Version 2 (2026-12): the judges in the header, per-judge counts, the judge
// of every hit. Readers of summaries and samples (verdict.h) accept 1 too.
inline constexpr const char* kScanSchema = "safegate.corpus.scan/2";
inline constexpr const char* kHitsSchema = "safegate.corpus.hits/2";
inline constexpr const char* kSampleSchema = "safegate.corpus.sample/2";
inline constexpr const char* kFilterSchema = "safegate.corpus.filter/2";
inline constexpr const char* kScanSchemaV1 = "safegate.corpus.scan/1";
inline constexpr const char* kSampleSchemaV1 = "safegate.corpus.sample/1";

struct JobContext {
  const corpus::Plan* plan = nullptr;
  const policy::Policy* policy = nullptr;
  // The matcher; or, when null, a future of it, so that compiling or loading
  // it overlaps with work that does not need it yet (sampling).
  std::shared_ptr<const scan::Matcher> matcher;
  std::shared_future<Result<std::shared_ptr<const scan::Matcher>>> matcher_future;
  // The judges (LoadCorpusJudges); null = the keyword banks alone.
  std::shared_ptr<const CorpusJudges> judges;
  int threads = 0;  // 0 = all cores
  corpus::Shard shard;
  bool strict = false;  // the first bad line is an error
  // The job's progress, the only way it reports it (the library draws
  // nothing; apps draw a ProgressLine from it). Called from the workers,
  // never concurrently, first with nothing done, then as they read documents,
  // finish units and meet bad lines. bytes/total_bytes: the on-disk bytes of
  // the units this run has finished and of all it reads: the shard's units not
  // taken from a checkpoint (a compressed file counts its whole size), never
  // the whole corpus. Null: nothing is reported.
  std::function<void(const ProgressCounts&)> on_progress;
  corpus::ReaderOptions reader;
};

// ctx.matcher, or the result of ctx.matcher_future (waiting for it).
Result<std::shared_ptr<const scan::Matcher>> GetMatcher(const JobContext& ctx);

// A bad line, located for people: "data/a.jsonl:17: invalid JSON: ...".
struct BadExample {
  std::string source;
  std::string file;
  uint64_t line = 0;
  std::string reason;
};

struct SourceStats {
  std::string source;
  uint64_t files = 0;
  uint64_t bytes = 0;                          // on-disk bytes read
  uint64_t docs = 0;                           // documents read (scan) or population (sample)
  uint64_t bad = 0;                            // bad lines
  uint64_t flagged = 0;                        // documents flagged by any judge
  std::map<std::string, uint64_t> categories;  // category id -> flagged documents
  std::map<std::string, uint64_t> keywords;    // keyword id -> documents
  std::map<std::string, uint64_t> judges;      // judge name -> documents it flagged
};

struct ScanOptions {
  std::string summary_path;  // JSON summary ("" = none, "-" = stdout)
  std::string hits_path;     // JSONL of per-document hits ("" = none)
  size_t max_bad_shown = 5;
  // Resumption: when true and a checkpoint of the same job exists next to the
  // summary ("SUMMARY.checkpoint"), continue from it.
  bool resume = true;
  // Seconds between two checkpoints; 0 checkpoints after every unit.
  double checkpoint_seconds = 2.0;
  // Called after each unit is consumed (and checkpointed when due) with the
  // number of units this run has consumed (resumed ones not counted). A non-OK
  // status stops the scan with that status and leaves the checkpoint as a
  // crash would (the hits file cut to what it vouches for). Null: nothing.
  std::function<Status(uint64_t units_done)> after_unit;
};

struct ScanResult {
  std::vector<std::string> judges;  // the judges run (CorpusJudges::names)
  std::vector<SourceStats> sources;
  std::vector<BadExample> bad_examples;
  uint64_t units = 0;
  uint64_t resumed_units = 0;  // units taken from a checkpoint
  double seconds = 0;
};

Result<ScanResult> RunScan(const JobContext& ctx, const ScanOptions& options);

struct SampleOptions {
  uint64_t seed = 0;
  uint64_t n = 0;        // per source; or
  double fraction = 0;   // of every source (when n == 0)
  std::string out_path;  // JSONL: header line + records
};

struct SampleResult {
  std::vector<std::string> judges;   // the judges run (CorpusJudges::names)
  std::vector<SourceStats> sources;  // docs = population; flagged = machine-flagged in sample
  std::map<std::string, uint64_t> sampled;  // per source
  std::vector<BadExample> bad_examples;
  double seconds = 0;
};

Result<SampleResult> RunSample(const JobContext& ctx, const SampleOptions& options);

struct FilterOptions {
  std::string out_dir;        // mirror of the corpus without flagged documents
  std::string manifest_path;  // JSONL of removed documents ("" = OUT_DIR/manifest.jsonl)
  // Called, before the job, with what was done about each OUT_DIR.tmp-PID an
  // earlier run left: removed when process PID is not running (a SIGKILL), or
  // left as it is when it runs. Null: nothing is reported.
  std::function<void(const std::string&)> note;
};

struct FilterResult {
  std::vector<std::string> judges;   // the judges run (CorpusJudges::names)
  std::vector<SourceStats> sources;  // flagged = removed
  std::vector<BadExample> bad_examples;
  double seconds = 0;
};

Result<FilterResult> RunFilter(const JobContext& ctx, const FilterOptions& options);

// A terminal table of per-source counts (scan and filter): documents, MB,
// flagged (removed) by any judge, bad lines, rate, then one column per judge
// of `judges` (CorpusJudges::names: documents it flagged), top categories.
std::string FormatStatsTable(const std::vector<SourceStats>& sources, bool filter,
                             const std::vector<std::string>& judges);

}  // namespace safegate::corpusjobs
