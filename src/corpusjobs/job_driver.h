// The one skeleton of the corpus jobs (scan, sample, filter).
//
// A job supplies only its per-unit work (the loop over a unit's documents,
// optionally something after the reader's counts are in) and its part of the
// consumer; the driver does the rest, once for all jobs:
//   - the shard's units, the threads (ResolveThreads), one reader per worker;
//   - opening each unit's reader; after the job's loop, the unit's lines,
//     on-disk bytes and bad lines (--strict: the first is the error; the first
//     `max_bad_shown` are kept as examples);
//   - progress: JobContext::on_progress (the library draws nothing), sized by
//     the on-disk bytes of the units this run reads (UnitsDiskBytes: the
//     shard's, less those a checkpoint already did), never by the whole
//     corpus;
//   - the consumer in unit order (runner.h): absolute line numbers
//     (LineBases), per-source files, bytes, documents, bad lines and bad
//     examples, then the job's consume;
//   - checkpoints and resumption (when the job gives a CheckpointSpec): the
//     units consumed, line bases, per-source counts and bad examples, plus the
//     job's own fields; written every `seconds`, and once more when the run
//     fails, so that the next run resumes after the last unit consumed.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "meta.h"
#include "safegate/base/progress.h"
#include "safegate/corpusjobs/corpus_jobs.h"
#include "safegate/corpusjobs/runner.h"

namespace safegate::corpusjobs::internal {

// What the driver reads into every unit's result; a job's unit result derives
// from it. The job's loop counts `docs`; the driver fills the rest after it.
struct UnitCounts {
  uint64_t docs = 0;
  uint64_t lines = 0;                          // lines of the unit (for LineBases)
  uint64_t bytes = 0;                          // on-disk bytes the reader read
  uint64_t bad = 0;                            // bad lines
  std::vector<corpus::BadRecord> bad_records;  // the first max_bad_shown
};

// A job's checkpoint. The driver writes {schema, config, consumed,
// line_bases, <the job's fields>, sources, bad_examples} atomically to `path`.
struct CheckpointSpec {
  std::string path;    // "" = no checkpoints
  std::string schema;  // "safegate.corpus.scan-checkpoint/1"
  // Identity of the job's configuration: a checkpoint of another is refused.
  std::string config;
  bool resume = true;    // continue from a checkpoint at `path`
  double seconds = 2.0;  // between two checkpoints; 0 = after every unit
  // Adds the job's fields (after flushing what they vouch for). An error
  // skips this checkpoint and is returned.
  std::function<Status(Json* fields)> save;
  // Reads them back from a checkpoint being resumed; a nlohmann::json
  // exception (a field missing or of the wrong type) becomes an error naming
  // the file.
  std::function<void(const Json& checkpoint)> load;
};

// A job for JobDriver::Run. R derives from UnitCounts; W is the job's
// per-worker state, with a `corpus::UnitReader reader` member.
template <typename R, typename W>
struct UnitJob {
  size_t max_bad_shown = 5;
  // Optional: prepares each worker's state before the run.
  std::function<void(W& worker)> init_worker;
  // Optional: the reader options of a unit of this source (default: the
  // context's).
  std::function<corpus::ReaderOptions(const corpus::SourceSpec& source)> reader_options;
  // The per-unit work: the loop over the documents of `unit` from w.reader
  // (open), counting out.docs and reporting them to `progress`.
  std::function<Status(uint32_t unit, W& w, R& out, Progress& progress)> read;
  // Optional: runs after the driver has filled the UnitCounts of `out`.
  std::function<Status(uint32_t unit, W& w, R& out)> after_read;
  // The consumer's part, in unit order: `base` is the number of lines of the
  // unit's file before it; `st` its source's stats, to which the driver has
  // added files, bytes, documents and bad lines.
  std::function<Status(uint32_t unit, uint64_t base, R&& r, SourceStats& st)> consume;
  // Optional: after each unit is consumed (and checkpointed when due), with
  // the number of units this run has consumed; an error stops the run.
  std::function<Status(uint64_t units_done)> after_unit;
};

class JobDriver {
 public:
  // `name` names the job in messages ("scan").
  JobDriver(const JobContext& ctx, std::string name);

  // Sets the job's checkpoint; when spec.resume and a checkpoint exists at
  // spec.path, continues from it and returns true. A checkpoint of another
  // configuration, or one that does not fit the plan, is an error.
  Result<bool> UseCheckpoint(CheckpointSpec spec);

  // Runs the units of the shard not yet consumed. On error, writes a last
  // checkpoint (when the job has them) and returns the error.
  template <typename R, typename W>
  Status Run(const UnitJob<R, W>& job);

  const std::vector<uint32_t>& units() const { return units_; }  // the shard's
  uint64_t resumed_units() const { return resumed_; }
  std::vector<SourceStats>& sources() { return sources_; }
  std::vector<BadExample>& bad_examples() { return bad_examples_; }
  // The checkpoint on disk (as last written or resumed), or null.
  const Json* checkpoint_on_disk() const { return on_disk_ ? &*on_disk_ : nullptr; }
  // Removes the checkpoint file (the job has succeeded, or gives it up).
  void RemoveCheckpoint() const;
  double Seconds() const;  // since construction

 private:
  corpus::ReaderOptions ReaderOptionsOf(
      uint32_t unit,
      const std::function<corpus::ReaderOptions(const corpus::SourceSpec&)>& f) const;
  // After the job's loop: lines, bytes and bad lines of the reader into `out`.
  Status TakeReaderCounts(uint32_t unit, const corpus::UnitReader& reader, size_t max_bad_shown,
                          UnitCounts* out, Progress* progress) const;
  // The consumer's common part; returns the unit's line base.
  Result<uint64_t> AddUnitCounts(uint32_t unit, const UnitCounts& r, size_t max_bad_shown);
  // After the job's consume: counts the unit, checkpoints when due, reports.
  Status UnitConsumed(uint32_t unit, const std::function<Status(uint64_t)>& after_unit);
  Status WriteCheckpoint();

  const JobContext& ctx_;
  const std::string name_;
  const std::chrono::steady_clock::time_point t0_;
  const std::vector<uint32_t> units_;
  const int threads_;
  std::vector<SourceStats> sources_;
  std::vector<BadExample> bad_examples_;
  LineBases line_bases_;
  size_t consumed_ = 0;  // units of units_ consumed (resumed ones included)
  uint64_t resumed_ = 0;
  CheckpointSpec ckpt_;
  std::chrono::steady_clock::time_point last_ckpt_;
  std::optional<Json> on_disk_;
};

template <typename R, typename W>
Status JobDriver::Run(const UnitJob<R, W>& job) {
  const corpus::Plan& plan = *ctx_.plan;
  const std::vector<uint32_t> todo(
      units_.begin() + static_cast<long>(std::min(consumed_, units_.size())), units_.end());
  Progress progress(UnitsDiskBytes(plan, todo), ctx_.on_progress);
  last_ckpt_ = std::chrono::steady_clock::now();

  std::vector<W> workers(static_cast<size_t>(threads_));
  if (job.init_worker) {
    for (auto& w : workers) job.init_worker(w);
  }
  auto work = [&](uint32_t u, int wi) -> Result<R> {
    W& w = workers[static_cast<size_t>(wi)];
    R out;
    if (ctx_.reader.stop != nullptr && ctx_.reader.stop->load(std::memory_order_relaxed)) {
      return UnavailableError(name_ + " interrupted");
    }
    SAFEGATE_RETURN_IF_ERROR(
        w.reader.Open(plan, plan.units()[u], ReaderOptionsOf(u, job.reader_options)));
    SAFEGATE_RETURN_IF_ERROR(job.read(u, w, out, progress));
    SAFEGATE_RETURN_IF_ERROR(TakeReaderCounts(u, w.reader, job.max_bad_shown, &out, &progress));
    if (job.after_read) SAFEGATE_RETURN_IF_ERROR(job.after_read(u, w, out));
    progress.AddBytes(UnitDiskBytes(plan, u));
    return out;
  };
  auto consume = [&](uint32_t u, R&& r) -> Status {
    uint64_t base = 0;
    SAFEGATE_ASSIGN_OR_RETURN(base, AddUnitCounts(u, r, job.max_bad_shown));
    SourceStats& st = sources_[plan.files()[plan.units()[u].file].source];
    SAFEGATE_RETURN_IF_ERROR(job.consume(u, base, std::move(r), st));
    return UnitConsumed(u, job.after_unit);
  };
  Status s = RunOrdered<R>(todo, threads_, work, consume);
  // Keep what was consumed, so that the next run resumes from it.
  if (!s.ok()) (void)WriteCheckpoint();
  return s;
}

}  // namespace safegate::corpusjobs::internal
