// store::Database on SQLite: prepared statements, $N parameters bound by name.
// Statements are prepared once per connection and kept (up to kMaxCached
// distinct SQL texts; SQLite re-prepares them itself after a schema change):
// preparing was most of the cost of a small transaction. The bind index of
// each $N is looked up once per cached statement, not on every call.
#include "safegate/store/sqlite.h"

#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace safegate::store {
namespace {

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteDatabase() override {
    for (auto& [sql, c] : cache_) sqlite3_finalize(c.stmt);
    sqlite3_close_v2(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  Result<int64_t> Exec(std::string_view sql, const std::vector<Value>& params) override {
    SAFEGATE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    Status err = rc == SQLITE_DONE ? OkStatus() : Error(sql);
    Release(stmt);
    if (!err.ok()) return err;
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

  Result<std::vector<Row>> Query(std::string_view sql, const std::vector<Value>& params) override {
    SAFEGATE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    std::vector<Row> rows;
    int rc;
    int ncol = sqlite3_column_count(stmt);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      Row row;
      row.values.reserve(ncol);
      for (int c = 0; c < ncol; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_INTEGER:
            row.values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c)));
            break;
          case SQLITE_FLOAT: row.values.emplace_back(sqlite3_column_double(stmt, c)); break;
          case SQLITE_NULL: row.values.emplace_back(std::monostate{}); break;
          default: {
            const void* p = sqlite3_column_blob(stmt, c);
            int n = sqlite3_column_bytes(stmt, c);
            row.values.emplace_back(std::string(static_cast<const char*>(p), p ? n : 0));
          }
        }
      }
      rows.push_back(std::move(row));
    }
    Status err = rc == SQLITE_DONE ? OkStatus() : Error(sql);
    Release(stmt);
    if (!err.ok()) return err;
    return rows;
  }

  Status ExecScript(std::string_view sql) override {
    // The savepoints that nested Begin/Commit open and release run as cached
    // prepared statements: parsing them anew was a third of the statements
    // of a group-committed chat request.
    if ((sql.starts_with("SAVEPOINT ") || sql.starts_with("RELEASE ")) &&
        sql.find(';') == std::string_view::npos) {
      return Exec(sql, {}).status();
    }
    std::string s(sql);
    char* err = nullptr;
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      return Classify("sqlite " + path_ + ": " + msg);
    }
    return OkStatus();
  }

  Status BeginOuter() override { return Exec("BEGIN IMMEDIATE", {}).status(); }
  Status CommitOuter() override { return Exec("COMMIT", {}).status(); }

 private:
  Status Error(std::string_view sql) {
    std::string msg = "sqlite " + path_ + ": " + sqlite3_errmsg(db_) +
                      " (in: " + std::string(sql.substr(0, 120)) + ")";
    return Classify(std::move(msg));
  }

  // A full disk or a file size limit is the machine's, not the input's:
  // kResourceExhausted (exit 3), whatever errno says by now.
  Status Classify(std::string msg) {
    const int code = sqlite3_extended_errcode(db_);
    const int sys = sqlite3_system_errno(db_);
    if ((code & 0xff) == SQLITE_FULL || sys == ENOSPC || sys == EDQUOT || sys == EFBIG) {
      if (sys != 0) msg += std::string(": ") + std::strerror(sys);
      return Status(StatusCode::kResourceExhausted, std::move(msg));
    }
    return Status(StatusCode::kIoError, IoError(std::move(msg)).message());
  }

  static constexpr size_t kMaxCached = 128;

  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    std::vector<int> slots;  // slots[i]: bind index of $i+1 (0: not used)
  };

  // A cached statement is reset for its next use; an uncached one finalized.
  void Release(sqlite3_stmt* stmt) {
    if (!cached_.contains(stmt)) {
      sqlite3_finalize(stmt);
      return;
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  }

  static int SlotOf(sqlite3_stmt* stmt, size_t i) {
    std::string name = "$" + std::to_string(i + 1);
    return sqlite3_bind_parameter_index(stmt, name.c_str());
  }

  Result<sqlite3_stmt*> Prepare(std::string_view sql, const std::vector<Value>& params) {
    sqlite3_stmt* stmt = nullptr;
    std::vector<int>* slots = nullptr;
    std::string key(sql);
    if (auto it = cache_.find(key); it != cache_.end()) {
      stmt = it->second.stmt;
      slots = &it->second.slots;
    } else {
      bool keep = cache_.size() < kMaxCached;
      if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                             keep ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr) != SQLITE_OK) {
        return Error(sql);
      }
      if (keep && stmt != nullptr) {
        Cached& c = cache_[std::move(key)];
        c.stmt = stmt;
        slots = &c.slots;
        cached_.insert(stmt);
      }
    }
    if (stmt == nullptr) return Error(sql);  // empty SQL
    if (slots != nullptr) {
      while (slots->size() < params.size()) slots->push_back(SlotOf(stmt, slots->size()));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = slots != nullptr ? (*slots)[i] : SlotOf(stmt, i);
      if (idx == 0) continue;  // parameter not used by this statement
      const Value& v = params[i];
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::monostate>(v)) {
        rc = sqlite3_bind_null(stmt, idx);
      } else if (auto* p = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, idx, *p);
      } else if (auto* p = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, idx, *p);
      } else {
        const std::string& s = std::get<std::string>(v);
        // STATIC: `params` outlives the statement's use (reset and cleared in Release).
        rc = sqlite3_bind_text(stmt, idx, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
      }
      if (rc != SQLITE_OK) {
        Status err = Error(sql);
        Release(stmt);
        return err;
      }
    }
    return stmt;
  }

  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, Cached> cache_;  // SQL text -> statement
  std::unordered_set<sqlite3_stmt*> cached_;       // the statements of cache_
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path,
                                             const SqliteOptions& options) {
  sqlite3* db = nullptr;
  int flags =
      options.read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return IoError("cannot open database " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  auto out = std::make_unique<SqliteDatabase>(db, path);
  std::string pragmas = "PRAGMA foreign_keys=ON;";
  if (!options.read_only) {
    if (options.wal) pragmas += "PRAGMA journal_mode=WAL;";
    pragmas += options.synchronous_full ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;";
    if (options.wal && options.wal_autocheckpoint_pages > 0) {
      pragmas +=
          "PRAGMA wal_autocheckpoint=" + std::to_string(options.wal_autocheckpoint_pages) + ";";
    }
  }
  SAFEGATE_RETURN_IF_ERROR(out->ExecScript(pragmas));
  return std::unique_ptr<Database>(std::move(out));
}

}  // namespace safegate::store
