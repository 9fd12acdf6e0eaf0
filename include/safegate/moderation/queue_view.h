// The reviewer page's view of the review queue: filters the moderation
// API's list does not have (source, age) and keyset pagination that stays
// fast at a million items (each page is one index range scan on
// review_queue's primary key or its (status, id) index; no OFFSET, no COUNT).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/moderation/store.h"
#include "safegate/store/store.h"

namespace safegate::moderation {

struct QueueQuery {
  std::string status;           // "" any, "open" (incl. expired claims), "claimed", "decided"
  std::string source;           // "" any, "input" (flagged user message), "output" (flagged model
                                // answer), "report" (user complaint)
  std::string category;         // items whose categories contain this id
  int64_t min_age_seconds = 0;  // only items waiting at least this long (created_at <= now-age)
  int64_t min_level = 0;        // escalation level at least
  int64_t max_level = -1;       // -1: no upper bound
  int64_t after = 0;            // keyset cursor: ids > after
  int64_t limit = 50;           // 1..200
};

// Rows read as the queue API reads them (store.h's QueueItem) with `source`
// set, and an expired claim as "open" with no claimant.
struct QueueRowsPage {
  std::vector<QueueItem> rows;
  int64_t next_after = 0;  // 0: no further page
};

// InvalidArgument for an unknown status or source.
Result<QueueRowsPage> QueryQueue(store::Database& db, const QueueQuery& query, int64_t now);

// The oldest open item matching `query` (status forced to open, cursor
// ignored) whose id is not in `skip`; 0 when none. The caller claims it.
Result<int64_t> NextOpenItem(store::Database& db, const QueueQuery& query, int64_t now,
                             const std::vector<int64_t>& skip);

}  // namespace safegate::moderation
