// The evaluation runner: sends a run's unanswered items to the target and
// stores every answer, judged, as it arrives.
//
// ExecuteRun() reads the run's items from the store, skips those that already
// have an answer (so `--resume` never sends a stored prompt again; with
// ExecuteOptions::retry_errors, only error answers are sent again), marks each
// item dispatched before its request goes out, and stores each answer with its
// labels in one transaction. Without a rate limit the dispatch mark of the item
// that takes a freed slot is written in the transaction of the answer that
// freed it, and the first requests of a session are marked together (one
// commit per answer instead of two); the mark still precedes the request. On a resume, the items
// that were dispatched but have no answer (in flight when the previous process died) are counted
// and recorded in the run (resent_inflight), then sent again.
//
// HTTP targets go through net::Client (bounded concurrency, keep-alive, rate
// limit, retries) on the calling thread; without a rate limit the answers are
// judged there and stored on a second thread (a pipeline: the next request of a slot
// goes out once the transaction holding its dispatch mark has committed);
// with a rate limit everything runs on the calling thread. A
// failed call (transport error after the retries, non-2xx status, malformed
// or unrecognised body, oversized body) is stored as an error answer: it is
// final, not a crash, and is reported as an error count.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/eval/run_store.h"
#include "safegate/eval/target.h"
#include "safegate/judge/judge.h"

namespace safegate::eval {

using JudgeList = std::vector<std::shared_ptr<const judge::Judge>>;

// Runs every judge on an answer; a judge error becomes a label "error".
std::vector<StoredLabel> JudgeAnswer(const JudgeList& judges, const EvalItem& item,
                                     std::string_view answer);

struct RunProgressCounts {
  uint64_t total = 0;   // items in the run
  uint64_t stored = 0;  // answers stored (including earlier sessions)
  uint64_t errors = 0;  // error answers stored in this session
};

struct ExecuteOptions {
  bool resume = false;  // count and record the in-flight items of an interrupted session
  // Also send the items whose stored answer is an error (`eval run --resume
  // RUN --retry-errors`): each new answer (text or error) replaces the error
  // in eval_answers, and the error moves to eval_answer_history in the same
  // transaction (run_store.h). An answer with text is never sent again.
  bool retry_errors = false;
  // Called after each stored answer, from the thread that stores answers
  // (never concurrently with itself).
  std::function<void(const RunProgressCounts&)> on_answer;
  // Set to true (e.g. from a signal handler) to stop soon: calls in flight are
  // abandoned and stay unanswered; the run can be resumed.
  std::atomic<bool>* stop = nullptr;
  uint64_t jitter_seed = 0;  // for retry back-off; 0: from the clock
};

struct RunSummary {
  std::string run_id;
  uint64_t total = 0;            // items in the run
  uint64_t already_stored = 0;   // answers stored before this session and kept
  uint64_t retried = 0;          // of `sent`: error answers asked again (retry_errors)
  uint64_t sent = 0;             // items sent (or replayed) in this session
  uint64_t answered = 0;         // answers with text stored in this session
  uint64_t errors = 0;           // error answers stored in this session
  uint64_t resent_inflight = 0;  // of `sent`: in flight at the previous interruption
  uint64_t attempts = 0;         // HTTP attempts (retries included)
  uint64_t retries = 0;
  double seconds = 0;
  bool interrupted = false;  // stopped before every item had an answer
};

// Re-judging without re-asking: RelabelRun runs `judges` over every stored
// answer with text of a run and stores the labels as a new label set
// (RunStore::BeginLabelSet; `judges_json` names the judges and versions), in
// transactions of up to 256 answers; nothing is sent to the model. An
// unfinished set started with the same judges is resumed (its stored answers
// are skipped). Once every answer is labelled the set is finished and
// becomes the one reports read. Reviewers' labels are untouched.
struct RelabelOptions {
  std::function<void(uint64_t done, uint64_t total)> on_progress;  // after each transaction
  std::atomic<bool>* stop = nullptr;  // set to stop after the current transaction
};
struct RelabelSummary {
  int64_t label_set = 0;
  bool resumed = false;
  uint64_t answers = 0;       // answers with text in the run
  uint64_t relabelled = 0;    // labelled in this session
  uint64_t changed = 0;       // of them: machine outcome differs from the previous set's
  uint64_t judge_errors = 0;  // of them: some judge failed
  bool interrupted = false;   // stopped before the set was finished
};
Result<RelabelSummary> RelabelRun(RunStore& store, const std::string& run_id,
                                  const JudgeList& judges, const std::string& judges_json,
                                  const RelabelOptions& options);

Result<RunSummary> ExecuteRun(RunStore& store, const std::string& run_id, const TargetSpec& target,
                              const JudgeList& judges, const ExecuteOptions& options);

}  // namespace safegate::eval
