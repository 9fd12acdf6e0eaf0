// store::Database on PostgreSQL through libpq's C API (PQexecParams, text
// parameters): it never throws, so errors stay values.
#include "safegate/store/postgres.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <string>

namespace safegate::store {
namespace {

// Type OIDs from pg_type.h (stable across versions).
constexpr Oid kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701, kNumeric = 1700,
              kBool = 16;

std::string ValueText(const Value& v) {
  if (auto* p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto* p = std::get_if<double>(&v)) {
    char buf[64];
    snprintf(buf, sizeof(buf), "%.17g", *p);
    return buf;
  }
  if (auto* p = std::get_if<std::string>(&v)) return *p;
  return "";
}

class PostgresDatabase final : public Database {
 public:
  explicit PostgresDatabase(PGconn* conn) : conn_(conn) {}
  // Statements run on every new session (after a reset too).
  void set_session_setup(std::string sql) { setup_ = std::move(sql); }
  ~PostgresDatabase() override { PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::kPostgres; }

  Result<int64_t> Exec(std::string_view sql, const std::vector<Value>& params) override {
    SAFEGATE_ASSIGN_OR_RETURN(PGresult * res, Run(sql, params));
    const char* n = PQcmdTuples(res);
    int64_t affected = (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
    PQclear(res);
    return affected;
  }

  Result<std::vector<Row>> Query(std::string_view sql, const std::vector<Value>& params) override {
    SAFEGATE_ASSIGN_OR_RETURN(PGresult * res, Run(sql, params));
    int nrows = PQntuples(res), ncols = PQnfields(res);
    std::vector<Row> rows(nrows);
    for (int r = 0; r < nrows; ++r) {
      rows[r].values.reserve(ncols);
      for (int c = 0; c < ncols; ++c) {
        if (PQgetisnull(res, r, c)) {
          rows[r].values.emplace_back(std::monostate{});
          continue;
        }
        const char* s = PQgetvalue(res, r, c);
        int len = PQgetlength(res, r, c);
        switch (PQftype(res, c)) {
          case kInt2:
          case kInt4:
          case kInt8: rows[r].values.emplace_back(int64_t{std::strtoll(s, nullptr, 10)}); break;
          case kFloat4:
          case kFloat8:
          case kNumeric: rows[r].values.emplace_back(std::strtod(s, nullptr)); break;
          case kBool: rows[r].values.emplace_back(int64_t{s[0] == 't' ? 1 : 0}); break;
          default: rows[r].values.emplace_back(std::string(s, len));
        }
      }
    }
    PQclear(res);
    return rows;
  }

  Status ExecScript(std::string_view sql) override {
    std::string s(sql);
    for (int attempt = 0;; ++attempt) {
      if (!Connected())
        return UnavailableError(std::string("postgres: not connected: ") + PQerrorMessage(conn_));
      PGresult* res = PQexec(conn_, s.c_str());
      ExecStatusType st = PQresultStatus(res);
      if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
        PQclear(res);
        return OkStatus();
      }
      Status err = Error(res, sql);
      PQclear(res);
      if (!RetryOnFreshConnection(attempt)) return err;
    }
  }

  Status BeginOuter() override { return ExecScript("BEGIN"); }
  Status CommitOuter() override { return ExecScript("COMMIT"); }

 private:
  Status Error(PGresult* res, std::string_view sql) {
    std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn_);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    std::string where = " (in: " + std::string(sql.substr(0, 120)) + ")";
    if (PQstatus(conn_) != CONNECTION_OK) {
      return UnavailableError("postgres: connection lost: " + msg + where);
    }
    // SQLSTATE class 40 (serialization failure, deadlock) may be retried.
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    if (state && state[0] == '4' && state[1] == '0') {
      return UnavailableError("postgres: " + msg + where);
    }
    return IoError("postgres: " + msg + where);
  }

  // Reconnects a connection that was lost (a PostgreSQL restart) and runs the
  // session setup again; false when the server cannot be reached.
  bool Connected() {
    if (PQstatus(conn_) == CONNECTION_OK) return true;
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) return false;
    if (!setup_.empty()) PQclear(PQexec(conn_, setup_.c_str()));
    return true;
  }

  // After a failure: true when the statement may be sent again on a fresh
  // connection (the connection was lost, it is the first retry, and no
  // transaction was open, whose earlier statements would be lost with it).
  bool RetryOnFreshConnection(int attempt) {
    return attempt == 0 && PQstatus(conn_) != CONNECTION_OK && transaction_depth() == 0 &&
           Connected();
  }

  Result<PGresult*> Run(std::string_view sql, const std::vector<Value>& params) {
    for (int attempt = 0;; ++attempt) {
      auto r = RunOnce(sql, params);
      if (r.ok() || !RetryOnFreshConnection(attempt)) return r;
    }
  }

  Result<PGresult*> RunOnce(std::string_view sql, const std::vector<Value>& params) {
    if (!Connected()) {
      return UnavailableError(std::string("postgres: not connected: ") + PQerrorMessage(conn_));
    }
    std::vector<std::string> texts(params.size());
    std::vector<const char*> ptrs(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      if (std::holds_alternative<std::monostate>(params[i])) {
        ptrs[i] = nullptr;
      } else {
        texts[i] = ValueText(params[i]);
        ptrs[i] = texts[i].c_str();
      }
    }
    std::string s(sql);
    PGresult* res = PQexecParams(conn_, s.c_str(), static_cast<int>(params.size()), nullptr,
                                 ptrs.data(), nullptr, nullptr, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      Status err = Error(res, sql);
      PQclear(res);
      return err;
    }
    return res;
  }

  PGconn* conn_;
  std::string setup_;
};

}  // namespace

bool IsPostgresUrl(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url,
                                               const PostgresOptions& options) {
  std::string conninfo = url;
  std::string timeout = std::to_string(options.connect_timeout_seconds);
  const char* keys[] = {"dbname", "connect_timeout", nullptr};
  const char* values[] = {conninfo.c_str(), timeout.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!conn) return UnavailableError("postgres: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    PQfinish(conn);
    return UnavailableError("cannot connect to PostgreSQL: " + msg);
  }
  auto db = std::make_unique<PostgresDatabase>(conn);
  std::string setup = "SET client_min_messages = warning";
  if (options.statement_timeout_ms > 0) {
    setup += "; SET statement_timeout = " + std::to_string(options.statement_timeout_ms);
  }
  SAFEGATE_RETURN_IF_ERROR(db->ExecScript(setup));
  db->set_session_setup(setup);
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace safegate::store
