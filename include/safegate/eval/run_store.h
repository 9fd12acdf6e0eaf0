// The run store: every evaluation run, its items, each answer as it arrives,
// the judges' labels and the reviewers' labels, in a store::Database.
//
// Written only through store::Database (portable SQL), so SQLite (default)
// and PostgreSQL backends both work. Each answer is written in one
// transaction together with its labels (answers that arrived together may
// share one: group commit): after a crash (kill -9) an answer is either fully
// stored or absent. Before a request is sent its item is marked
// dispatched (in its own transaction, or in the transaction of the answer that
// freed the slot), so a resumed run can count the requests that were in flight.
// On SQLite the keyed tables are WITHOUT ROWID (new stores; older stores keep
// their layout and work unchanged).
//
// Tables (schema version 3, prefix eval_): eval_schema, eval_runs, eval_items,
// eval_answers, eval_labels, eval_reviews, and (added later, created when
// missing) eval_review_samples, eval_label_sets, eval_relabels,
// eval_answer_history. eval_answers holds each item's newest answer; an error
// answer that a retry replaced (AnswerWrite::replace_error, `eval run
// --retry-errors`) moves to eval_answer_history in the transaction that
// stores its replacement, so the rates read the newest answer and the run
// keeps every error. Version 2 added eval_runs.dispatched_seq, version 3
// eval_answer_history; older stores are upgraded on open, newer ones refused.
// A RunStore owns its Database and is used from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/eval/target.h"
#include "safegate/store/store.h"

namespace safegate::eval {

// A label's judge_version ends in kDecidedByMark + NAME when a cascade
// (judge/cascade.h) stored it: NAME is the judge that decided.
inline constexpr std::string_view kDecidedByMark = "#decided_by=";

struct StoredLabel {
  std::string judge;
  std::string judge_version;
  std::string label;  // the judge's label, or "error" when the judge failed
  double score = 0;
  bool flagged = false;
  std::string categories;  // comma-separated flagged categories
  std::string error;
};

struct StoredAnswer {
  std::string run_id;
  BankKind bank = BankKind::kGenerated;
  std::string item_id;
  bool ok = false;      // an answer text was received
  std::string content;  // the answer text (ok)
  std::string error;    // why there is no answer (!ok)
  int64_t http_status = 0;
  int64_t attempts = 0;
  double latency_ms = 0;
  int64_t stored_at_us = 0;  // wall clock (microseconds since the epoch); set by StoreAnswer
};

struct RunInfo {
  std::string run_id;
  std::string created_at;  // ISO 8601 UTC
  std::string meta_json;   // seed, target, policy/profile/judge versions, tool version
  int64_t resumes = 0;
  int64_t resent_inflight = 0;  // requests in flight at an interruption, sent again
  std::string finished_at;      // empty while unfinished
};

// One item with its answer, labels and review (for reports and exports).
struct AnswerRecord {
  EvalItem item;
  bool answered = false;  // a StoredAnswer exists
  StoredAnswer answer;
  std::vector<StoredLabel> labels;
  std::string review_label;  // empty: not reviewed
  std::string reviewer;
  // How the reviewed item was chosen, from the review file's `sample` column:
  // "random ..." (a seeded uniform sample: usable for corrected rates), "all"
  // (every answer), "uncertain ..." (the judges' least certain answers: never
  // used for estimates); empty: unknown.
  std::string review_sample;
  // Error answers of this item that a retry replaced (eval_answer_history):
  // the answer above is the newest; 0 when it is the first.
  int64_t earlier_errors = 0;
};

// A run's label sets: set 0 holds the labels stored with the answers; each
// `eval relabel` adds the next set (1, 2, ...) with the judges of that time.
struct LabelSetInfo {
  int64_t label_set = 0;
  std::string created_at;
  std::string judges;       // JSON array of {name, version}
  std::string finished_at;  // empty while unfinished
};

// The new labels of one answer in a label set.
struct Relabel {
  BankKind bank = BankKind::kGenerated;
  std::string item_id;
  std::vector<StoredLabel> labels;
};

// One answer to store: its labels, and the item marked dispatched in the
// same transaction (nullptr: none; see MarkDispatched for what marking an
// item with a `seq` means). The pointers must outlive the call.
// With `replace_error`, a stored error answer of the item is moved to
// eval_answer_history first (an answer with text is never replaced: the
// write then fails as a duplicate).
struct AnswerWrite {
  StoredAnswer* answer = nullptr;
  const std::vector<StoredLabel>* labels = nullptr;
  const EvalItem* mark_next = nullptr;
  bool replace_error = false;
};

class RunStore {
 public:
  // Takes the database and creates the tables when missing.
  static Result<std::unique_ptr<RunStore>> Open(std::unique_ptr<store::Database> db);

  // Creates a run with its items (one transaction). Fails when the id exists.
  Status CreateRun(const std::string& run_id, const std::string& meta_json,
                   const std::vector<EvalItem>& items);
  Result<RunInfo> GetRun(const std::string& run_id) const;
  // Run ids, oldest first.
  Result<std::vector<std::string>> ListRuns() const;
  Result<std::vector<EvalItem>> Items(const std::string& run_id) const;
  // (bank, item id) of every stored answer.
  Result<std::set<std::pair<std::string, std::string>>> AnsweredKeys(
      const std::string& run_id) const;
  // (bank, item id) of every stored error answer (no text).
  Result<std::set<std::pair<std::string, std::string>>> ErrorKeys(const std::string& run_id) const;
  // The error answers that retries replaced (eval_answer_history), by bank,
  // item and retry number.
  Result<std::vector<StoredAnswer>> History(const std::string& run_id) const;
  // Items marked dispatched that have no stored answer (in flight at a crash).
  Result<int64_t> CountDispatchedUnanswered(const std::string& run_id) const;

  // Marks an item dispatched (its request is about to be sent).
  Status MarkDispatched(const std::string& run_id, BankKind bank, const std::string& item_id);
  // Marks several items dispatched in one transaction (requests about to be
  // sent together, e.g. the first `concurrency` of a run). An item that
  // carries its `seq` (from Items()) is marked through the run's high-water
  // mark: the runner sends items in seq order, so marking item k marks every
  // item up to k, and costs one small row per transaction instead of one
  // item row per request. An item without a seq is marked on its own row.
  Status MarkDispatched(const std::string& run_id, const std::vector<const EvalItem*>& items);
  // Marks every item of the run with seq <= `seq` dispatched.
  Status MarkDispatchedThrough(const std::string& run_id, int64_t seq);
  // Stores one answer and its labels in one transaction; sets stored_at_us.
  // When `mark_next` is given, the same transaction also marks that item of
  // the run dispatched (the request the runner sends next in the freed slot),
  // so a stored answer and the next dispatch mark cost one commit.
  // An answer that already exists is left alone (returns kFailedPrecondition,
  // and `mark_next` is not marked).
  Status StoreAnswer(StoredAnswer* answer, const std::vector<StoredLabel>& labels,
                     const EvalItem* mark_next = nullptr);
  // Group commit: stores several answers, with their labels and dispatch
  // marks, in ONE transaction, as StoreAnswer would one by one. All or none:
  // when one fails (e.g. an answer already stored) the transaction is rolled
  // back and nothing of the batch is stored or marked.
  Status StoreAnswers(std::span<AnswerWrite> batch);
  // Records a resume: resumes += 1, resent_inflight += resent.
  Status RecordResume(const std::string& run_id, int64_t resent);
  Status MarkFinished(const std::string& run_id);

  // Every item of the run with its answer, labels and review, ordered by bank,
  // category, id. Labels come from `label_set`: -1 the newest finished set
  // (0 when the run was never relabelled), 0 the labels stored with the
  // answers, N > 0 that finished set (else kNotFound / kFailedPrecondition).
  Result<std::vector<AnswerRecord>> Records(const std::string& run_id,
                                            int64_t label_set = -1) const;
  // The label set Records() reads for `label_set` (see there).
  Result<int64_t> ResolveLabelSet(const std::string& run_id, int64_t label_set) const;

  // Label sets of a run (sets 1, 2, ...; set 0 is implicit), oldest first.
  Result<std::vector<LabelSetInfo>> LabelSets(const std::string& run_id) const;
  // Starts the next label set for `judges_json`, or returns the newest set
  // when it is unfinished and was started with the same judges (*resumed =
  // true). Fails with kNotFound for an unknown run.
  Result<int64_t> BeginLabelSet(const std::string& run_id, const std::string& judges_json,
                                bool* resumed);
  // (bank, item id) of the answers that have labels in the set.
  Result<std::set<std::pair<std::string, std::string>>> RelabelledKeys(const std::string& run_id,
                                                                       int64_t label_set) const;
  // Stores the labels of several answers in one transaction (existing ones are kept).
  Status StoreRelabels(const std::string& run_id, int64_t label_set,
                       std::span<const Relabel> batch);
  Status FinishLabelSet(const std::string& run_id, int64_t label_set);
  // Sets (replaces) a human label and how the item was sampled for review
  // (`sample`, see AnswerRecord::review_sample; "" unknown). Fails with
  // kNotFound for an unknown item.
  Status SetReview(const std::string& run_id, BankKind bank, const std::string& item_id,
                   const std::string& label, const std::string& reviewer, const std::string& note,
                   const std::string& sample = "");

  store::Database& db() { return *db_; }

 private:
  explicit RunStore(std::unique_ptr<store::Database> db) : db_(std::move(db)) {}
  Status InsertAnswer(AnswerWrite& w, int64_t now_us);  // inside a transaction
  const std::string& LabelInsertSql(size_t labels);     // multi-row INSERT, built once per size
  Status MarkItems(const std::string& run_id, std::span<const EvalItem* const> items);
  std::unique_ptr<store::Database> db_;
  std::vector<std::string> label_sql_;  // by number of rows
  std::vector<store::Value> params_;    // InsertAnswer's parameters, reused
  std::vector<const EvalItem*> marks_;  // StoreAnswers' dispatch marks, reused
};

// Current UTC time as "YYYY-MM-DDTHH:MM:SSZ", and wall-clock microseconds.
std::string NowIso8601();
int64_t NowMicros();

}  // namespace safegate::eval
