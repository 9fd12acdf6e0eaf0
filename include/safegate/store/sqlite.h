// SQLite backend of store::Database (target safegate::store_sqlite).
#pragma once

#include <memory>
#include <string>

#include "safegate/store/store.h"

namespace safegate::store {

struct SqliteOptions {
  bool wal = true;               // journal_mode=WAL
  bool synchronous_full = true;  // synchronous=FULL: a committed row survives power loss
  int busy_timeout_ms = 10000;
  bool read_only = false;
  // WAL pages before an automatic checkpoint (PRAGMA wal_autocheckpoint);
  // 0: SQLite's default (1,000). A larger value trades WAL size for fewer
  // checkpoints during a burst of small transactions.
  int wal_autocheckpoint_pages = 0;
};

// Opens (creating when missing, unless read_only) the database file at `path`.
Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path,
                                             const SqliteOptions& options = {});

}  // namespace safegate::store
