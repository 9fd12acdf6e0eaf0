// RunStore over store::Database: portable SQL only ($n parameters, TEXT /
// BIGINT / DOUBLE PRECISION, INSERT ... ON CONFLICT).
#include "safegate/eval/run_store.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>

#include "safegate/base/clock.h"

namespace safegate::eval {
namespace {

constexpr int64_t kSchemaVersion = 3;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS eval_schema (version BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS eval_runs (
  run_id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  meta TEXT NOT NULL,
  resumes BIGINT NOT NULL DEFAULT 0,
  resent_inflight BIGINT NOT NULL DEFAULT 0,
  finished_at TEXT,
  dispatched_seq BIGINT NOT NULL DEFAULT -1
);
CREATE TABLE IF NOT EXISTS eval_items (
  run_id TEXT NOT NULL,
  bank TEXT NOT NULL,
  item_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  category TEXT NOT NULL,
  lang TEXT NOT NULL,
  prompt TEXT NOT NULL,
  dispatched BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, bank, item_id)
)@WR@;
CREATE TABLE IF NOT EXISTS eval_answers (
  run_id TEXT NOT NULL,
  bank TEXT NOT NULL,
  item_id TEXT NOT NULL,
  ok BIGINT NOT NULL,
  content TEXT NOT NULL,
  error TEXT NOT NULL,
  http_status BIGINT NOT NULL,
  attempts BIGINT NOT NULL,
  latency_ms DOUBLE PRECISION NOT NULL,
  stored_at_us BIGINT NOT NULL,
  PRIMARY KEY (run_id, bank, item_id)
)@WR@;
CREATE TABLE IF NOT EXISTS eval_labels (
  run_id TEXT NOT NULL,
  bank TEXT NOT NULL,
  item_id TEXT NOT NULL,
  judge TEXT NOT NULL,
  judge_version TEXT NOT NULL,
  label TEXT NOT NULL,
  score DOUBLE PRECISION NOT NULL,
  flagged BIGINT NOT NULL,
  categories TEXT NOT NULL,
  error TEXT NOT NULL,
  PRIMARY KEY (run_id, bank, item_id, judge)
)@WR@;
CREATE TABLE IF NOT EXISTS eval_reviews (
  run_id TEXT NOT NULL,
  bank TEXT NOT NULL,
  item_id TEXT NOT NULL,
  label TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  note TEXT NOT NULL,
  reviewed_at TEXT NOT NULL,
  PRIMARY KEY (run_id, bank, item_id)
)@WR@;
CREATE TABLE IF NOT EXISTS eval_review_samples (
  run_id TEXT NOT NULL,
  bank TEXT NOT NULL,
  item_id TEXT NOT NULL,
  sample TEXT NOT NULL,
  PRIMARY KEY (run_id, bank, item_id)
)@WR@;
CREATE TABLE IF NOT EXISTS eval_label_sets (
  run_id TEXT NOT NULL,
  label_set BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  judges TEXT NOT NULL,
  finished_at TEXT,
  PRIMARY KEY (run_id, label_set)
)@WR@;
CREATE TABLE IF NOT EXISTS eval_relabels (
  run_id TEXT NOT NULL,
  label_set BIGINT NOT NULL,
  bank TEXT NOT NULL,
  item_id TEXT NOT NULL,
  judge TEXT NOT NULL,
  judge_version TEXT NOT NULL,
  label TEXT NOT NULL,
  score DOUBLE PRECISION NOT NULL,
  flagged BIGINT NOT NULL,
  categories TEXT NOT NULL,
  error TEXT NOT NULL,
  PRIMARY KEY (run_id, label_set, bank, item_id, judge)
)@WR@;
CREATE TABLE IF NOT EXISTS eval_answer_history (
  run_id TEXT NOT NULL,
  bank TEXT NOT NULL,
  item_id TEXT NOT NULL,
  retry BIGINT NOT NULL,
  ok BIGINT NOT NULL,
  content TEXT NOT NULL,
  error TEXT NOT NULL,
  http_status BIGINT NOT NULL,
  attempts BIGINT NOT NULL,
  latency_ms DOUBLE PRECISION NOT NULL,
  stored_at_us BIGINT NOT NULL,
  replaced_at_us BIGINT NOT NULL,
  PRIMARY KEY (run_id, bank, item_id, retry)
)@WR@
)sql";

// The schema for `dialect`: on SQLite the keyed tables are WITHOUT ROWID (the
// rows live in the primary-key b-tree, so an answer writes one b-tree instead
// of a table and its index). Same columns and keys on both engines.
std::string Schema(store::Dialect dialect) {
  std::string out = kSchema;
  const std::string mark = "@WR@";
  const std::string with = dialect == store::Dialect::kSqlite ? " WITHOUT ROWID" : "";
  for (size_t p = out.find(mark); p != std::string::npos; p = out.find(mark, p)) {
    out.replace(p, mark.size(), with);
    p += with.size();
  }
  return out;
}

using store::Value;

Value V(const std::string& s) {
  return Value(s);
}
Value V(std::string_view s) {
  return Value(std::string(s));
}
Value V(int64_t i) {
  return Value(i);
}

}  // namespace

std::string NowIso8601() {
  return UtcTimestamp();
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::unique_ptr<RunStore>> RunStore::Open(std::unique_ptr<store::Database> db) {
  if (db == nullptr) return InvalidArgumentError("RunStore::Open: no database");
  SAFEGATE_RETURN_IF_ERROR(db->ExecScript(Schema(db->dialect())));
  SAFEGATE_ASSIGN_OR_RETURN(auto rows, db->Query("SELECT version FROM eval_schema"));
  if (rows.empty()) {
    SAFEGATE_ASSIGN_OR_RETURN(int64_t n, db->Exec("INSERT INTO eval_schema (version) VALUES ($1)",
                                                  {Value(kSchemaVersion)}));
    (void)n;
  } else if (rows[0].Int(0) == 1 || rows[0].Int(0) == 2) {
    // Version 2 added eval_runs.dispatched_seq (the dispatch high-water mark);
    // version 3 added eval_answer_history (created above with the other
    // tables), the error answers that `eval run --retry-errors` replaced.
    const bool v1 = rows[0].Int(0) == 1;
    SAFEGATE_RETURN_IF_ERROR(store::InTransaction(*db, [&]() -> Status {
      if (v1) {
        SAFEGATE_ASSIGN_OR_RETURN(
            int64_t a, db->Exec("ALTER TABLE eval_runs ADD COLUMN dispatched_seq BIGINT NOT NULL "
                                "DEFAULT -1"));
        (void)a;
      }
      SAFEGATE_ASSIGN_OR_RETURN(
          int64_t b, db->Exec("UPDATE eval_schema SET version = $1", {Value(kSchemaVersion)}));
      (void)b;
      return OkStatus();
    }));
  } else if (rows[0].Int(0) != kSchemaVersion) {
    return FailedPreconditionError("run store schema version " + std::to_string(rows[0].Int(0)) +
                                   " is not supported (expected " + std::to_string(kSchemaVersion) +
                                   ")");
  }
  return std::unique_ptr<RunStore>(new RunStore(std::move(db)));
}

Status RunStore::CreateRun(const std::string& run_id, const std::string& meta_json,
                           const std::vector<EvalItem>& items) {
  return store::InTransaction(*db_, [&]() -> Status {
    SAFEGATE_ASSIGN_OR_RETURN(auto rows,
                              db_->Query("SELECT 1 FROM eval_runs WHERE run_id = $1", {V(run_id)}));
    if (!rows.empty()) return FailedPreconditionError("run '" + run_id + "' already exists");
    SAFEGATE_ASSIGN_OR_RETURN(
        int64_t n, db_->Exec("INSERT INTO eval_runs (run_id, created_at, meta) VALUES ($1, $2, $3)",
                             {V(run_id), V(NowIso8601()), V(meta_json)}));
    int64_t seq = 0;
    for (const EvalItem& it : items) {
      auto r = db_->Exec(
          "INSERT INTO eval_items (run_id, bank, item_id, seq, category, lang, prompt) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7)",
          {V(run_id), V(BankKindName(it.bank)), V(it.id), V(seq++), V(it.category), V(it.lang),
           V(it.prompt)});
      if (!r.ok()) {
        return r.status().WithPrefix("item '" + it.id + "' (" + std::string(BankKindName(it.bank)) +
                                     ")");
      }
    }
    (void)n;
    return OkStatus();
  });
}

Result<RunInfo> RunStore::GetRun(const std::string& run_id) const {
  SAFEGATE_ASSIGN_OR_RETURN(auto rows,
                            db_->Query("SELECT run_id, created_at, meta, resumes, resent_inflight, "
                                       "finished_at FROM eval_runs WHERE run_id = $1",
                                       {V(run_id)}));
  if (rows.empty()) return NotFoundError("no run '" + run_id + "' in the run store");
  const auto& r = rows[0];
  return RunInfo{r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4), r.Text(5)};
}

Result<std::vector<std::string>> RunStore::ListRuns() const {
  SAFEGATE_ASSIGN_OR_RETURN(auto rows,
                            db_->Query("SELECT run_id FROM eval_runs ORDER BY created_at, run_id"));
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.Text(0));
  return out;
}

Result<std::vector<EvalItem>> RunStore::Items(const std::string& run_id) const {
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows, db_->Query("SELECT bank, item_id, category, lang, prompt, seq FROM eval_items "
                            "WHERE run_id = $1 ORDER BY seq",
                            {V(run_id)}));
  std::vector<EvalItem> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    SAFEGATE_ASSIGN_OR_RETURN(BankKind k, ParseBankKind(r.Text(0)));
    out.push_back({r.Text(1), k, r.Text(2), r.Text(3), r.Text(4), r.Int(5)});
  }
  return out;
}

Result<std::set<std::pair<std::string, std::string>>> RunStore::AnsweredKeys(
    const std::string& run_id) const {
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows,
      db_->Query("SELECT bank, item_id FROM eval_answers WHERE run_id = $1", {V(run_id)}));
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& r : rows) out.emplace(r.Text(0), r.Text(1));
  return out;
}

Result<std::set<std::pair<std::string, std::string>>> RunStore::ErrorKeys(
    const std::string& run_id) const {
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows, db_->Query("SELECT bank, item_id FROM eval_answers WHERE run_id = $1 AND ok = 0",
                            {V(run_id)}));
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& r : rows) out.emplace(r.Text(0), r.Text(1));
  return out;
}

Result<std::vector<StoredAnswer>> RunStore::History(const std::string& run_id) const {
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows, db_->Query("SELECT bank, item_id, ok, content, error, http_status, attempts, "
                            "latency_ms, stored_at_us FROM eval_answer_history WHERE run_id = $1 "
                            "ORDER BY bank, item_id, retry",
                            {V(run_id)}));
  std::vector<StoredAnswer> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    SAFEGATE_ASSIGN_OR_RETURN(BankKind k, ParseBankKind(r.Text(0)));
    out.push_back({run_id, k, r.Text(1), r.Int(2) != 0, r.Text(3), r.Text(4), r.Int(5), r.Int(6),
                   r.Real(7), r.Int(8)});
  }
  return out;
}

Result<int64_t> RunStore::CountDispatchedUnanswered(const std::string& run_id) const {
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows,
      db_->Query("SELECT COUNT(*) FROM eval_items i WHERE i.run_id = $1 AND (i.dispatched > 0 "
                 "OR i.seq <= (SELECT r.dispatched_seq FROM eval_runs r WHERE r.run_id = $1)) "
                 "AND NOT EXISTS (SELECT 1 FROM eval_answers a WHERE a.run_id = i.run_id "
                 "AND a.bank = i.bank AND a.item_id = i.item_id)",
                 {V(run_id)}));
  return rows.empty() ? 0 : rows[0].Int(0);
}

Status RunStore::MarkDispatched(const std::string& run_id, BankKind bank,
                                const std::string& item_id) {
  SAFEGATE_ASSIGN_OR_RETURN(
      int64_t n, db_->Exec("UPDATE eval_items SET dispatched = dispatched + 1 WHERE run_id = $1 "
                           "AND bank = $2 AND item_id = $3",
                           {V(run_id), V(BankKindName(bank)), V(item_id)}));
  (void)n;
  return OkStatus();
}

Status RunStore::MarkDispatchedThrough(const std::string& run_id, int64_t seq) {
  SAFEGATE_ASSIGN_OR_RETURN(
      int64_t n, db_->Exec("UPDATE eval_runs SET dispatched_seq = $2 WHERE run_id = $1 AND "
                           "dispatched_seq < $2",
                           {V(run_id), V(seq)}));
  (void)n;
  return OkStatus();
}

// Marks `items` inside the caller's transaction: those with a seq through the
// high-water mark (one UPDATE for all), the others one by one.
Status RunStore::MarkItems(const std::string& run_id, std::span<const EvalItem* const> items) {
  int64_t through = -1;
  for (const EvalItem* it : items) {
    if (it->seq >= 0) {
      through = std::max(through, it->seq);
    } else {
      SAFEGATE_RETURN_IF_ERROR(MarkDispatched(run_id, it->bank, it->id));
    }
  }
  if (through >= 0) SAFEGATE_RETURN_IF_ERROR(MarkDispatchedThrough(run_id, through));
  return OkStatus();
}

Status RunStore::MarkDispatched(const std::string& run_id,
                                const std::vector<const EvalItem*>& items) {
  if (items.empty()) return OkStatus();
  return store::InTransaction(*db_, [&]() -> Status { return MarkItems(run_id, items); });
}

Status RunStore::StoreAnswer(StoredAnswer* a, const std::vector<StoredLabel>& labels,
                             const EvalItem* mark_next) {
  AnswerWrite w{a, &labels, mark_next};
  return StoreAnswers({&w, 1});
}

Status RunStore::StoreAnswers(std::span<AnswerWrite> batch) {
  int64_t now = NowMicros();
  return store::InTransaction(*db_, [&]() -> Status {
    marks_.clear();
    for (AnswerWrite& w : batch) {
      SAFEGATE_RETURN_IF_ERROR(InsertAnswer(w, now));
      if (w.mark_next != nullptr) marks_.push_back(w.mark_next);
    }
    if (!marks_.empty()) SAFEGATE_RETURN_IF_ERROR(MarkItems(batch[0].answer->run_id, marks_));
    return OkStatus();
  });
}

Status RunStore::InsertAnswer(AnswerWrite& w, int64_t now_us) {
  StoredAnswer* a = w.answer;
  a->stored_at_us = now_us;
  if (w.replace_error) {
    // The error answer this one replaces moves to the history (the next
    // retry number of the item), in this transaction: an auditor sees every
    // error answer, and the rates see the newest answer. An answer with text
    // is never replaced: the INSERT below then finds it and fails.
    const Value run(a->run_id), bank(std::string(BankKindName(a->bank))), item(a->item_id);
    SAFEGATE_ASSIGN_OR_RETURN(
        int64_t moved,
        db_->Exec("INSERT INTO eval_answer_history (run_id, bank, item_id, retry, ok, content, "
                  "error, http_status, attempts, latency_ms, stored_at_us, replaced_at_us) "
                  "SELECT a.run_id, a.bank, a.item_id, 1 + (SELECT COUNT(*) FROM "
                  "eval_answer_history h WHERE h.run_id = a.run_id AND h.bank = a.bank AND "
                  "h.item_id = a.item_id), a.ok, a.content, a.error, a.http_status, a.attempts, "
                  "a.latency_ms, a.stored_at_us, CAST($4 AS BIGINT) FROM eval_answers a WHERE "
                  "a.run_id = $1 AND "
                  "a.bank = $2 AND a.item_id = $3 AND a.ok = 0",
                  {run, bank, item, V(now_us)}));
    if (moved > 0) {
      SAFEGATE_ASSIGN_OR_RETURN(
          int64_t gone, db_->Exec("DELETE FROM eval_answers WHERE run_id = $1 AND bank = $2 AND "
                                  "item_id = $3 AND ok = 0",
                                  {run, bank, item}));
      (void)gone;
    }
  }
  SAFEGATE_ASSIGN_OR_RETURN(
      int64_t n, db_->Exec("INSERT INTO eval_answers (run_id, bank, item_id, ok, content, error, "
                           "http_status, attempts, latency_ms, stored_at_us) VALUES "
                           "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
                           {V(a->run_id), V(BankKindName(a->bank)), V(a->item_id),
                            V(int64_t{a->ok}), V(a->content), V(a->error), V(a->http_status),
                            V(a->attempts), Value(a->latency_ms), V(a->stored_at_us)}));
  if (n == 0) return FailedPreconditionError("answer for '" + a->item_id + "' already stored");
  const std::vector<StoredLabel>& labels = *w.labels;
  if (!labels.empty()) {
    // Every label in one multi-row INSERT (one statement to prepare, not one per judge).
    std::vector<Value>& params = params_;
    params.clear();
    params.reserve(labels.size() * 10);
    const Value run(a->run_id), bank(std::string(BankKindName(a->bank))), item(a->item_id);
    for (const StoredLabel& l : labels) {
      params.push_back(run);
      params.push_back(bank);
      params.push_back(item);
      params.emplace_back(l.judge);
      params.emplace_back(l.judge_version);
      params.emplace_back(l.label);
      params.emplace_back(l.score);
      params.emplace_back(int64_t{l.flagged});
      params.emplace_back(l.categories);
      params.emplace_back(l.error);
    }
    SAFEGATE_ASSIGN_OR_RETURN(int64_t m, db_->Exec(LabelInsertSql(labels.size()), params));
    (void)m;
  }
  return OkStatus();
}

const std::string& RunStore::LabelInsertSql(size_t labels) {
  if (label_sql_.size() <= labels) label_sql_.resize(labels + 1);
  std::string& sql = label_sql_[labels];
  if (sql.empty()) {
    sql =
        "INSERT INTO eval_labels (run_id, bank, item_id, judge, judge_version, label, "
        "score, flagged, categories, error) VALUES ";
    for (size_t i = 0; i < labels; ++i) {
      sql += i ? ", (" : "(";
      for (size_t k = 1; k <= 10; ++k) {
        sql += "$" + std::to_string(i * 10 + k);
        sql += k < 10 ? ", " : ")";
      }
    }
  }
  return sql;
}

Status RunStore::RecordResume(const std::string& run_id, int64_t resent) {
  SAFEGATE_ASSIGN_OR_RETURN(
      int64_t n, db_->Exec("UPDATE eval_runs SET resumes = resumes + 1, resent_inflight = "
                           "resent_inflight + $2 WHERE run_id = $1",
                           {V(run_id), V(resent)}));
  if (n == 0) return NotFoundError("no run '" + run_id + "' in the run store");
  return OkStatus();
}

Status RunStore::MarkFinished(const std::string& run_id) {
  SAFEGATE_ASSIGN_OR_RETURN(int64_t n,
                            db_->Exec("UPDATE eval_runs SET finished_at = $2 WHERE run_id = $1",
                                      {V(run_id), V(NowIso8601())}));
  (void)n;
  return OkStatus();
}

Result<std::vector<LabelSetInfo>> RunStore::LabelSets(const std::string& run_id) const {
  SAFEGATE_ASSIGN_OR_RETURN(auto rows,
                            db_->Query("SELECT label_set, created_at, judges, finished_at FROM "
                                       "eval_label_sets WHERE run_id = $1 ORDER BY label_set",
                                       {V(run_id)}));
  std::vector<LabelSetInfo> out;
  for (const auto& r : rows)
    out.push_back({r.Int(0), r.Text(1), r.Text(2), r.IsNull(3) ? "" : r.Text(3)});
  return out;
}

Result<int64_t> RunStore::BeginLabelSet(const std::string& run_id, const std::string& judges_json,
                                        bool* resumed) {
  *resumed = false;
  SAFEGATE_ASSIGN_OR_RETURN(RunInfo info, GetRun(run_id));
  (void)info;
  SAFEGATE_ASSIGN_OR_RETURN(std::vector<LabelSetInfo> sets, LabelSets(run_id));
  if (!sets.empty() && sets.back().finished_at.empty() && sets.back().judges == judges_json) {
    *resumed = true;
    return sets.back().label_set;
  }
  int64_t next = sets.empty() ? 1 : sets.back().label_set + 1;
  SAFEGATE_ASSIGN_OR_RETURN(
      int64_t n, db_->Exec("INSERT INTO eval_label_sets (run_id, label_set, created_at, judges) "
                           "VALUES ($1, $2, $3, $4)",
                           {V(run_id), V(next), V(NowIso8601()), V(judges_json)}));
  (void)n;
  return next;
}

Result<std::set<std::pair<std::string, std::string>>> RunStore::RelabelledKeys(
    const std::string& run_id, int64_t label_set) const {
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows, db_->Query("SELECT DISTINCT bank, item_id FROM eval_relabels WHERE run_id = $1 "
                            "AND label_set = $2",
                            {V(run_id), V(label_set)}));
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& r : rows) out.insert({r.Text(0), r.Text(1)});
  return out;
}

Status RunStore::StoreRelabels(const std::string& run_id, int64_t label_set,
                               std::span<const Relabel> batch) {
  return store::InTransaction(*db_, [&]() -> Status {
    for (const Relabel& r : batch) {
      for (const StoredLabel& l : r.labels) {
        SAFEGATE_ASSIGN_OR_RETURN(
            int64_t n,
            db_->Exec("INSERT INTO eval_relabels (run_id, label_set, bank, item_id, judge, "
                      "judge_version, label, score, flagged, categories, error) VALUES ($1, $2, "
                      "$3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING",
                      {V(run_id), V(label_set), V(BankKindName(r.bank)), V(r.item_id), V(l.judge),
                       V(l.judge_version), V(l.label), Value(l.score), V(int64_t{l.flagged}),
                       V(l.categories), V(l.error)}));
        (void)n;
      }
    }
    return OkStatus();
  });
}

Status RunStore::FinishLabelSet(const std::string& run_id, int64_t label_set) {
  SAFEGATE_ASSIGN_OR_RETURN(
      int64_t n, db_->Exec("UPDATE eval_label_sets SET finished_at = $3 WHERE run_id = $1 AND "
                           "label_set = $2",
                           {V(run_id), V(label_set), V(NowIso8601())}));
  if (n == 0)
    return NotFoundError("run '" + run_id + "' has no label set " + std::to_string(label_set));
  return OkStatus();
}

Result<int64_t> RunStore::ResolveLabelSet(const std::string& run_id, int64_t label_set) const {
  SAFEGATE_ASSIGN_OR_RETURN(std::vector<LabelSetInfo> sets, LabelSets(run_id));
  if (label_set < 0) {
    int64_t newest = 0;
    for (const auto& s : sets)
      if (!s.finished_at.empty()) newest = s.label_set;
    return newest;
  }
  if (label_set == 0) return int64_t{0};
  for (const auto& s : sets) {
    if (s.label_set != label_set) continue;
    if (s.finished_at.empty())
      return FailedPreconditionError("label set " + std::to_string(label_set) + " of run '" +
                                     run_id + "' is unfinished (resume: eval relabel " + run_id +
                                     ")");
    return label_set;
  }
  return NotFoundError("run '" + run_id + "' has no label set " + std::to_string(label_set));
}

Result<std::vector<AnswerRecord>> RunStore::Records(const std::string& run_id,
                                                    int64_t label_set) const {
  SAFEGATE_ASSIGN_OR_RETURN(int64_t set, ResolveLabelSet(run_id, label_set));
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows,
      db_->Query("SELECT i.bank, i.item_id, i.category, i.lang, i.prompt, a.ok, a.content, "
                 "a.error, a.http_status, a.attempts, a.latency_ms, a.stored_at_us, "
                 "r.label, r.reviewer, a.item_id, s.sample FROM eval_items i "
                 "LEFT JOIN eval_answers a ON a.run_id = i.run_id AND a.bank = i.bank AND "
                 "a.item_id = i.item_id "
                 "LEFT JOIN eval_reviews r ON r.run_id = i.run_id AND r.bank = i.bank AND "
                 "r.item_id = i.item_id "
                 "LEFT JOIN eval_review_samples s ON s.run_id = i.run_id AND s.bank = i.bank AND "
                 "s.item_id = i.item_id "
                 "WHERE i.run_id = $1 ORDER BY i.bank, i.category, i.item_id",
                 {V(run_id)}));
  std::vector<AnswerRecord> out;
  out.reserve(rows.size());
  std::map<std::pair<std::string, std::string>, size_t> index;
  for (const auto& r : rows) {
    AnswerRecord rec;
    SAFEGATE_ASSIGN_OR_RETURN(BankKind k, ParseBankKind(r.Text(0)));
    rec.item = {r.Text(1), k, r.Text(2), r.Text(3), r.Text(4)};
    rec.answered = !r.IsNull(14);
    if (rec.answered) {
      rec.answer = {run_id,    k,        rec.item.id, r.Int(5) != 0, r.Text(6),
                    r.Text(7), r.Int(8), r.Int(9),    r.Real(10),    r.Int(11)};
    }
    rec.review_label = r.Text(12);
    rec.reviewer = r.Text(13);
    if (!rec.review_label.empty() && !r.IsNull(15)) rec.review_sample = r.Text(15);
    index[{r.Text(0), rec.item.id}] = out.size();
    out.push_back(std::move(rec));
  }
  std::vector<store::Row> labels;
  if (set == 0) {
    SAFEGATE_ASSIGN_OR_RETURN(
        labels, db_->Query("SELECT bank, item_id, judge, judge_version, label, score, flagged, "
                           "categories, error FROM eval_labels WHERE run_id = $1 "
                           "ORDER BY judge",
                           {V(run_id)}));
  } else {
    SAFEGATE_ASSIGN_OR_RETURN(
        labels, db_->Query("SELECT bank, item_id, judge, judge_version, label, score, flagged, "
                           "categories, error FROM eval_relabels WHERE run_id = $1 AND "
                           "label_set = $2 ORDER BY judge",
                           {V(run_id), V(set)}));
  }
  SAFEGATE_ASSIGN_OR_RETURN(
      auto retried, db_->Query("SELECT bank, item_id, COUNT(*) FROM eval_answer_history WHERE "
                               "run_id = $1 GROUP BY bank, item_id",
                               {V(run_id)}));
  for (const auto& r : retried) {
    auto it = index.find({r.Text(0), r.Text(1)});
    if (it != index.end()) out[it->second].earlier_errors = r.Int(2);
  }
  for (const auto& r : labels) {
    auto it = index.find({r.Text(0), r.Text(1)});
    if (it == index.end()) continue;
    out[it->second].labels.push_back(
        {r.Text(2), r.Text(3), r.Text(4), r.Real(5), r.Int(6) != 0, r.Text(7), r.Text(8)});
  }
  return out;
}

Status RunStore::SetReview(const std::string& run_id, BankKind bank, const std::string& item_id,
                           const std::string& label, const std::string& reviewer,
                           const std::string& note, const std::string& sample) {
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows, db_->Query("SELECT 1 FROM eval_items WHERE run_id = $1 AND bank = $2 AND "
                            "item_id = $3",
                            {V(run_id), V(BankKindName(bank)), V(item_id)}));
  if (rows.empty()) {
    return NotFoundError("run '" + run_id + "' has no item '" + item_id + "' in bank " +
                         std::string(BankKindName(bank)));
  }
  SAFEGATE_ASSIGN_OR_RETURN(
      int64_t n,
      db_->Exec("INSERT INTO eval_reviews (run_id, bank, item_id, label, reviewer, note, "
                "reviewed_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (run_id, bank, "
                "item_id) DO UPDATE SET label = excluded.label, reviewer = excluded.reviewer, "
                "note = excluded.note, reviewed_at = excluded.reviewed_at",
                {V(run_id), V(BankKindName(bank)), V(item_id), V(label), V(reviewer), V(note),
                 V(NowIso8601())}));
  (void)n;
  // How the item came to be reviewed: replaced with the label (none: unknown).
  SAFEGATE_ASSIGN_OR_RETURN(
      n, db_->Exec("DELETE FROM eval_review_samples WHERE run_id = $1 AND bank = $2 AND "
                   "item_id = $3",
                   {V(run_id), V(BankKindName(bank)), V(item_id)}));
  if (!sample.empty()) {
    SAFEGATE_ASSIGN_OR_RETURN(
        n, db_->Exec("INSERT INTO eval_review_samples (run_id, bank, item_id, sample) VALUES ($1, "
                     "$2, $3, $4)",
                     {V(run_id), V(BankKindName(bank)), V(item_id), V(sample)}));
  }
  return OkStatus();
}

}  // namespace safegate::eval
