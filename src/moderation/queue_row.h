// The one reader of review_queue rows (private to the moderation library):
// the server's queue API (store.h) and the reviewer's view (queue_view.h)
// select the same columns and read them into the same QueueItem.
#pragma once

#include <string>

#include "safegate/moderation/store.h"
#include "safegate/store/store.h"

namespace safegate::moderation::internal {

// The columns ItemFromRow reads, in its order, each name after `prefix`
// ("" or a table alias such as "q.").
std::string QueueColumns(const std::string& prefix);

// A row selected with QueueColumns (further columns after them are the
// caller's). The stored status as is (an expired claim still reads
// "claimed"); `source` is left empty.
QueueItem ItemFromRow(const store::Row& r);

}  // namespace safegate::moderation::internal
