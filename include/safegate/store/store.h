// Storage interface: a small SQL connection that eval run stores and the
// moderation service are written against. Backends are separate targets
// (store_sqlite: store/sqlite.h; store_postgres: store/postgres.h), linked
// only by apps and tests, so a library never depends on a particular engine.
//
// SQL is written once for both engines: parameters are $1, $2, ... (SQLite
// accepts them as named parameters); use portable types (INTEGER/BIGINT,
// DOUBLE PRECISION/REAL, TEXT) and Dialect() where the engines differ
// (auto-increment keys, upserts).
//
// A Database is one connection: use it from one thread at a time (open one
// per thread, or guard it). Errors are values; nothing throws.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "safegate/base/status.h"

namespace safegate::store {

// NULL, integer, real, text (text also carries blobs).
using Value = std::variant<std::monostate, int64_t, double, std::string>;

struct Row {
  std::vector<Value> values;
  bool IsNull(size_t i) const { return std::holds_alternative<std::monostate>(values.at(i)); }
  // Typed access; NULL reads as 0 / 0.0 / "". Integers read as doubles and
  // back when asked.
  int64_t Int(size_t i) const;
  double Real(size_t i) const;
  std::string Text(size_t i) const;
};

enum class Dialect { kSqlite, kPostgres };

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;
  // Runs one statement (no result rows expected). Returns rows affected.
  virtual Result<int64_t> Exec(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // Runs one statement and returns its rows.
  virtual Result<std::vector<Row>> Query(std::string_view sql,
                                         const std::vector<Value>& params = {}) = 0;
  // Runs several statements separated by ';' without parameters (schema setup).
  virtual Status ExecScript(std::string_view sql) = 0;
  // Transactions. Begin() on SQLite takes the write lock at once (IMMEDIATE).
  // They nest: Begin() inside a transaction opens a savepoint, and the
  // matching Commit() releases it or Rollback() undoes only its part (so a
  // function that uses InTransaction can run inside a caller's transaction,
  // as the group committer does). Only the outermost Commit() commits.
  Status Begin() {
    if (depth_ > 0) {
      SAFEGATE_RETURN_IF_ERROR(ExecScript("SAVEPOINT sg_" + std::to_string(depth_)));
    } else {
      SAFEGATE_RETURN_IF_ERROR(BeginOuter());
    }
    ++depth_;
    return OkStatus();
  }
  Status Commit() {
    if (depth_ > 1) {
      --depth_;
      return ExecScript("RELEASE sg_" + std::to_string(depth_));
    }
    depth_ = 0;
    Status s = CommitOuter();
    // A commit that failed leaves nothing open behind it.
    if (!s.ok()) (void)ExecScript("ROLLBACK");
    return s;
  }
  Status Rollback() {
    if (depth_ > 1) {
      --depth_;
      const std::string sp = "sg_" + std::to_string(depth_);
      return ExecScript("ROLLBACK TO " + sp + "; RELEASE " + sp);
    }
    depth_ = 0;
    return ExecScript("ROLLBACK");
  }
  // How many transactions (the outer one and savepoints) are open.
  int transaction_depth() const { return depth_; }

 protected:
  virtual Status BeginOuter() = 0;
  virtual Status CommitOuter() = 0;

 private:
  int depth_ = 0;
};

// Runs `fn` inside a transaction; commits when it returns OK, rolls back
// otherwise and returns its error.
template <typename Fn>
Status InTransaction(Database& db, Fn&& fn) {
  SAFEGATE_RETURN_IF_ERROR(db.Begin());
  Status s = fn();
  if (!s.ok()) {
    (void)db.Rollback();
    return s;
  }
  return db.Commit();
}

}  // namespace safegate::store
