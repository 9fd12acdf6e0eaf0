#include "safegate/moderation/queue_view.h"

#include <algorithm>

#include "queue_row.h"

namespace safegate::moderation {
namespace {

using store::Value;

// The queue's columns, then the role of the message under review.
const std::string& Columns() {
  static const std::string columns = internal::QueueColumns("q.") + ", COALESCE(m.role, '')";
  return columns;
}

QueueItem FromRow(const store::Row& r, int64_t now) {
  QueueItem q = internal::ItemFromRow(r);
  std::string role = r.Text(18);
  if (q.kind == "report") {
    q.source = "report";
  } else {
    q.source = role == "user" ? "input" : "output";
  }
  if (q.status == "claimed" && q.claim_expires <= now) {
    q.status = "open";
    q.claimed_by.clear();
  }
  return q;
}

std::string LikeEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '!' || c == '%' || c == '_') out += '!';
    out += c;
  }
  return out;
}

// WHERE conditions other than status, appended to `sql` with parameters.
void AddConditions(const QueueQuery& q, int64_t now, std::string* sql, std::vector<Value>* params) {
  auto p = [&](Value v) {
    params->push_back(std::move(v));
    return "$" + std::to_string(params->size());
  };
  if (q.source == "report") *sql += " AND q.kind = 'report'";
  if (q.source == "input") *sql += " AND q.kind = 'flag' AND m.role = 'user'";
  if (q.source == "output") *sql += " AND q.kind = 'flag' AND m.role <> 'user'";
  if (!q.category.empty()) {
    *sql += " AND q.categories LIKE " + p("%\"" + LikeEscape(q.category) + "\"%") + " ESCAPE '!'";
  }
  if (q.min_age_seconds > 0) *sql += " AND q.created_at <= " + p(now - q.min_age_seconds);
  if (q.min_level > 0) *sql += " AND q.level >= " + p(q.min_level);
  if (q.max_level >= 0) *sql += " AND q.level <= " + p(q.max_level);
}

Result<std::vector<store::Row>> Select(store::Database& db, const QueueQuery& q, int64_t now,
                                       const std::string& status_sql,
                                       const std::vector<Value>& status_params, int64_t limit) {
  std::vector<Value> params = status_params;
  params.push_back(q.after);
  std::string sql = "SELECT " + Columns() +
                    " FROM review_queue q LEFT JOIN messages m ON m.id = q.message_id WHERE " +
                    status_sql + " q.id > $" + std::to_string(params.size());
  AddConditions(q, now, &sql, &params);
  sql += " ORDER BY q.id LIMIT " + std::to_string(limit);
  return db.Query(sql, params);
}

}  // namespace

Result<QueueRowsPage> QueryQueue(store::Database& db, const QueueQuery& query, int64_t now) {
  if (!query.status.empty() && query.status != "open" && query.status != "claimed" &&
      query.status != "decided") {
    return InvalidArgumentError("status '" + query.status + "': must be open, claimed or decided");
  }
  if (!query.source.empty() && query.source != "input" && query.source != "output" &&
      query.source != "report") {
    return InvalidArgumentError("source '" + query.source + "': must be input, output or report");
  }
  int64_t limit = std::clamp<int64_t>(query.limit, 1, 200);
  std::vector<store::Row> rows;
  if (query.status.empty()) {
    SAFEGATE_ASSIGN_OR_RETURN(rows, Select(db, query, now, "", {}, limit + 1));
  } else if (query.status == "decided") {
    SAFEGATE_ASSIGN_OR_RETURN(rows,
                              Select(db, query, now, "q.status = 'decided' AND", {}, limit + 1));
  } else if (query.status == "claimed") {
    SAFEGATE_ASSIGN_OR_RETURN(
        rows, Select(db, query, now, "q.status = 'claimed' AND q.claim_expires > $1 AND", {now},
                     limit + 1));
  } else {
    // Open items and expired claims: two index range scans, merged by id.
    SAFEGATE_ASSIGN_OR_RETURN(rows, Select(db, query, now, "q.status = 'open' AND", {}, limit + 1));
    SAFEGATE_ASSIGN_OR_RETURN(
        auto expired, Select(db, query, now, "q.status = 'claimed' AND q.claim_expires <= $1 AND",
                             {now}, limit + 1));
    rows.insert(rows.end(), expired.begin(), expired.end());
    std::sort(rows.begin(), rows.end(),
              [](const store::Row& a, const store::Row& b) { return a.Int(0) < b.Int(0); });
    if (static_cast<int64_t>(rows.size()) > limit + 1) rows.resize(limit + 1);
  }
  QueueRowsPage page;
  for (size_t i = 0; i < rows.size() && static_cast<int64_t>(i) < limit; ++i) {
    page.rows.push_back(FromRow(rows[i], now));
  }
  if (static_cast<int64_t>(rows.size()) > limit) page.next_after = page.rows.back().id;
  return page;
}

Result<int64_t> NextOpenItem(store::Database& db, const QueueQuery& query, int64_t now,
                             const std::vector<int64_t>& skip) {
  QueueQuery q = query;
  q.status = "open";
  q.after = 0;
  q.limit = static_cast<int64_t>(skip.size()) + 1;
  SAFEGATE_ASSIGN_OR_RETURN(QueueRowsPage page, QueryQueue(db, q, now));
  for (const auto& r : page.rows) {
    if (std::find(skip.begin(), skip.end(), r.id) == skip.end()) return r.id;
  }
  return int64_t{0};
}

}  // namespace safegate::moderation
