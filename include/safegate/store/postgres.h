// PostgreSQL backend of store::Database (target safegate::store_postgres).
//
// One Database is one libpq connection (use it from one thread at a time).
// No call waits longer than the client deadline (PostgresOptions::
// reply_timeout_ms) plus, when it must reconnect, connect_timeout_seconds.
// A connection lost to a server restart is reopened by the next statement
// (with the session settings); a statement that failed because the
// connection was lost is sent once more on the fresh one, unless a
// transaction was open (then the error is kUnavailable and the caller
// retries the transaction).
// Parameters are sent as text ($1, $2, ... as in the SQL); result columns of
// integer types (int2/int4/int8) come back as int64_t, float4/float8/numeric
// as double, NULL as monostate, everything else as text.
#pragma once

#include <memory>
#include <string>

#include "safegate/store/store.h"

namespace safegate::store {

struct PostgresOptions {
  int connect_timeout_seconds = 10;  // libpq's minimum is 2
  // Statement timeout in milliseconds, enforced by the server (0: the
  // server's default).
  int statement_timeout_ms = 0;
  // Client deadline in milliseconds for the reply to each statement (0:
  // none). A server that does not reply in time (frozen, or unreachable
  // without a reset) fails the statement with kUnavailable and the
  // connection is dropped; the next statement reconnects. Set it above
  // statement_timeout_ms so the server's own timeout, which keeps the
  // connection, fires first.
  int reply_timeout_ms = 0;
};

// Connects to `url` ("postgresql://user@host:port/db" or a libpq key=value
// string). Fails with kUnavailable when the server cannot be reached.
Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url,
                                               const PostgresOptions& options = {});

// True when `url` names a PostgreSQL database ("postgres://" or "postgresql://").
bool IsPostgresUrl(std::string_view url);

}  // namespace safegate::store
