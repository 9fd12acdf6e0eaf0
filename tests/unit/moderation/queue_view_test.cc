// The reviewer's view of the moderation queue: SLA figures against
// hand-computed values, keyset pagination and filters.
#include "safegate/moderation/queue_view.h"

#include <gtest/gtest.h>

#include "safegate/moderation/sla.h"
#include "safegate/moderation/store.h"
#include "unit/moderation/test_db.h"

namespace safegate::moderation {
namespace {

class QueueViewTest : public moderation::testing::MigratedDbTest {
 protected:
  int64_t AddItem(const std::string& kind, const std::string& status, int64_t created,
                  const std::string& decided_by = "", int64_t claimed_at = 0,
                  int64_t decided_at = 0, int64_t level = 0, const std::string& message = "",
                  const std::string& categories = "[]", int64_t claim_expires = 0,
                  const std::string& decision = "allow") {
    auto n = db_->Exec(
        "INSERT INTO review_queue (kind, status, level, message_id, categories, created_at, "
        "claimed_by, claimed_at, claim_expires, decision, decided_by, decided_at) VALUES "
        "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
        {kind, status, level, message, categories, created, decided_by, claimed_at, claim_expires,
         decided_at ? decision : std::string(), decided_by, decided_at});
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    auto rows = db_->Query("SELECT MAX(id) FROM review_queue");
    return (*rows)[0].Int(0);
  }
};

// The crafted store (times in minutes after T0):
//   alice decides items created at 0..4 after 2, 4, 10, 40, 60 minutes (1 min handling)
//   bob   decides items created at 5..9 after 1, 3, 5, 20, 90 minutes (2 min handling)
// plus one decision before the window, an escalated item, an open and a claimed one.
TEST_F(QueueViewTest, SlaFiguresMatchHandComputedValues) {
  const int64_t T0 = 1700000000 / 3600 * 3600;
  struct D {
    const char* who;
    int64_t created_min, minutes, handling;
  };
  const D decided[] = {{"alice", 0, 2, 1},  {"alice", 1, 4, 1},  {"alice", 2, 10, 1},
                       {"alice", 3, 40, 1}, {"alice", 4, 60, 1}, {"bob", 5, 1, 2},
                       {"bob", 6, 3, 2},    {"bob", 7, 5, 2},    {"bob", 8, 20, 2},
                       {"bob", 9, 90, 2}};
  for (const auto& d : decided) {
    int64_t created = T0 + d.created_min * 60;
    int64_t at = created + d.minutes * 60;
    AddItem("flag", "decided", created, d.who, at - d.handling * 60, at, 0, "", "[]", 0,
            d.minutes >= 40 ? "remove" : "allow");
  }
  AddItem("flag", "decided", T0 - 7200, "alice", T0 - 3700, T0 - 3600);  // before the window
  AddItem("flag", "open", T0 + 1800, "alice", T0 + 1810, T0 + 1900, 1);  // escalated
  AddItem("report", "open", T0 + 3600);
  AddItem("flag", "claimed", T0 + 3660, "", 0, 0, 0, "", "[]", T0 + 99999);

  SlaOptions o;
  o.from = T0;
  o.to = T0 + 7200;
  o.sla_minutes = 30;
  auto r = ComputeSla(*db_, o, T0 + 7200);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->arrivals, 13);
  EXPECT_DOUBLE_EQ(r->arrivals_per_hour, 6.5);
  EXPECT_EQ(r->backlog, 3);
  EXPECT_EQ(r->oldest_open_age_seconds, 5400);
  // Overall: 1 2 3 4 5 10 20 40 60 90 -> ranks ceil(p/100 * 10).
  EXPECT_EQ(r->overall.decided, 10);
  EXPECT_EQ(r->overall.removed, 3);
  EXPECT_DOUBLE_EQ(r->overall.p50_minutes, 5);
  EXPECT_DOUBLE_EQ(r->overall.p90_minutes, 60);
  EXPECT_DOUBLE_EQ(r->overall.p99_minutes, 90);
  // 7 decisions within 30 minutes; the 3 open items have all waited longer
  // (90, 60 and 59 minutes at `now`): misses, so 7 of 13 (issue 22).
  EXPECT_EQ(r->overall.decided_within, 7);
  EXPECT_EQ(r->open_overdue, 3);
  EXPECT_EQ(r->overall.missed_open, 3);
  EXPECT_DOUBLE_EQ(r->overall.within_sla, 7.0 / 13.0);
  EXPECT_DOUBLE_EQ(r->overall.mean_handling_minutes, 1.5);
  EXPECT_EQ(r->overall.handled, 10);
  ASSERT_EQ(r->per_reviewer.size(), 2u);
  const auto& a = r->per_reviewer[0].reviewer == "alice" ? r->per_reviewer[0] : r->per_reviewer[1];
  const auto& b = r->per_reviewer[0].reviewer == "bob" ? r->per_reviewer[0] : r->per_reviewer[1];
  // alice: 2 4 10 40 60; bob: 1 3 5 20 90.
  EXPECT_DOUBLE_EQ(a.figures.p50_minutes, 10);
  EXPECT_DOUBLE_EQ(a.figures.p90_minutes, 60);
  EXPECT_DOUBLE_EQ(a.figures.p99_minutes, 60);
  EXPECT_DOUBLE_EQ(a.figures.within_sla, 0.6);
  EXPECT_DOUBLE_EQ(a.figures.mean_handling_minutes, 1);
  EXPECT_EQ(a.figures.removed, 2);
  EXPECT_DOUBLE_EQ(b.figures.p50_minutes, 5);
  EXPECT_DOUBLE_EQ(b.figures.p90_minutes, 90);
  EXPECT_DOUBLE_EQ(b.figures.within_sla, 0.8);
  EXPECT_DOUBLE_EQ(b.figures.mean_handling_minutes, 2);
  // Hours: decisions at 2 5 12 43 64 | 6 9 12 28 99 minutes.
  ASSERT_EQ(r->hours.size(), 2u);
  EXPECT_EQ(r->hours[0].arrivals, 11);
  EXPECT_EQ(r->hours[1].arrivals, 2);
  EXPECT_EQ(r->hours[0].decided, 8);
  EXPECT_EQ(r->hours[1].decided, 2);

  o.to = o.from;
  EXPECT_EQ(ComputeSla(*db_, o, T0).status().code(), StatusCode::kInvalidArgument);
}

// Issue 22: 17 items open for 4 hours and 2 decided in 10 minutes gave "100%
// within 30 minutes"; the open items are misses, shown separately, and the
// age of the oldest is measured to now, not to the end of the window.
TEST_F(QueueViewTest, SlaCountsOpenItemsPastTheTargetAsMisses) {
  const int64_t T0 = 1700000000 / 86400 * 86400;  // midnight
  const int64_t now = T0 + 12 * 3600;
  for (int i = 0; i < 17; ++i) AddItem("flag", "open", now - 4 * 3600 + i);
  for (int i = 0; i < 2; ++i) {
    AddItem("flag", "decided", now - 3600 + i, "alice", now - 3000, now - 3000 + 60);
  }
  AddItem("flag", "open", now - 180);  // 3 minutes old: not (yet) a miss
  SlaOptions o;
  o.from = T0;
  o.to = T0 + 86400;  // the window runs to midnight; `now` is noon
  o.sla_minutes = 30;
  auto r = ComputeSla(*db_, o, now);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->overall.decided, 2);
  EXPECT_EQ(r->overall.decided_within, 2);
  EXPECT_EQ(r->open_overdue, 17);
  EXPECT_DOUBLE_EQ(r->overall.within_sla, 2.0 / 19.0);
  EXPECT_EQ(r->backlog, 18);
  EXPECT_EQ(r->oldest_open_age_seconds, 4 * 3600);
  // Per reviewer: decisions only.
  ASSERT_EQ(r->per_reviewer.size(), 1u);
  EXPECT_DOUBLE_EQ(r->per_reviewer[0].figures.within_sla, 1.0);
}

TEST_F(QueueViewTest, QueuePagesWithKeysetAndFilters) {
  const int64_t now = 1000000;
  ASSERT_TRUE(db_->Exec("INSERT INTO messages (id, conversation_id, seq, role, content, status, "
                        "created_at) VALUES ('m_in', 'c', 0, 'user', 'x', 'blocked', 0), "
                        "('m_out', 'c', 1, 'assistant', 'y', 'blocked', 0)")
                  .ok());
  std::vector<int64_t> ids;
  for (int i = 0; i < 7; ++i) {
    ids.push_back(AddItem("flag", "open", now - 3600 + i * 60, "", 0, 0, 0,
                          i % 2 ? "m_in" : "m_out", i % 3 ? "[\"S1\"]" : "[\"S10\"]"));
  }
  int64_t report = AddItem("report", "open", now - 10, "", 0, 0, 0, "m_out", "[\"S2\"]");
  int64_t expired = AddItem("flag", "claimed", now - 5, "", 0, 0, 0, "m_out", "[]", now - 1);
  int64_t held = AddItem("flag", "claimed", now - 5, "", 0, 0, 0, "m_out", "[]", now + 100);

  // Open (with the expired claim), three per page, in id order.
  QueueQuery q;
  q.status = "open";
  q.limit = 3;
  std::vector<int64_t> seen;
  for (int page = 0; page < 10; ++page) {
    auto p = QueryQueue(*db_, q, now);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    for (const auto& r : p->rows) {
      seen.push_back(r.id);
      EXPECT_EQ(r.status, "open");
    }
    if (!p->next_after) break;
    q.after = p->next_after;
  }
  std::vector<int64_t> want = ids;
  want.push_back(report);
  want.push_back(expired);
  EXPECT_EQ(seen, want);

  q = QueueQuery();
  q.status = "claimed";
  auto claimed = QueryQueue(*db_, q, now);
  ASSERT_EQ(claimed->rows.size(), 1u);
  EXPECT_EQ(claimed->rows[0].id, held);

  q = QueueQuery();
  q.source = "input";
  auto in = QueryQueue(*db_, q, now);
  ASSERT_EQ(in->rows.size(), 3u);
  for (const auto& r : in->rows) EXPECT_EQ(r.source, "input");
  q.source = "report";
  auto rep = QueryQueue(*db_, q, now);
  ASSERT_EQ(rep->rows.size(), 1u);
  EXPECT_EQ(rep->rows[0].id, report);

  q = QueueQuery();
  q.category = "S1";  // not S10
  auto s1 = QueryQueue(*db_, q, now);
  EXPECT_EQ(s1->rows.size(), 4u);
  q = QueueQuery();
  q.min_age_seconds = 3600 - 120;  // created at least 58 minutes ago: items 0..2
  auto old = QueryQueue(*db_, q, now);
  EXPECT_EQ(old->rows.size(), 3u);

  auto next = NextOpenItem(*db_, QueueQuery(), now, {ids[0]});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, ids[1]);
  q = QueueQuery();
  q.source = "bogus";
  EXPECT_EQ(QueryQueue(*db_, q, now).status().code(), StatusCode::kInvalidArgument);
}

// The view reads a row as the queue API does (one reader, store.h's
// QueueItem): every column equal, plus the source the view joins in, and an
// expired claim shown open with no claimant.
TEST_F(QueueViewTest, ViewReadsRowsAsTheQueueApiDoes) {
  const int64_t now = 1700000000;
  const int64_t decided = AddItem("report", "decided", now - 600, "alice", now - 500, now - 400, 2,
                                  "m-1", "[\"S1\"]", now - 300, "remove");
  const int64_t expired =
      AddItem("flag", "claimed", now - 200, "bob", now - 150, 0, 0, "", "[]", now - 1);
  ASSERT_TRUE(db_->Exec("UPDATE review_queue SET conversation_id = 'c-1', user_id = 'u-1', "
                        "reason = 'why', excerpt = 'text', decision_reason = 'because' "
                        "WHERE id = $1",
                        {decided})
                  .ok());
  for (int64_t id : {decided, expired}) {
    auto api = GetQueueItem(*db_, id);
    ASSERT_TRUE(api.ok() && api->has_value()) << id;
    QueueQuery q;
    q.after = id - 1;
    q.limit = 1;
    auto page = QueryQueue(*db_, q, now);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ASSERT_EQ(page->rows.size(), 1u);
    const QueueItem& a = **api;
    const QueueItem& v = page->rows[0];
    EXPECT_EQ(a.source, "");
    EXPECT_EQ(v.source, id == decided ? "report" : "output");
    EXPECT_EQ(v.id, a.id);
    EXPECT_EQ(v.kind, a.kind);
    EXPECT_EQ(v.level, a.level);
    EXPECT_EQ(v.message_id, a.message_id);
    EXPECT_EQ(v.conversation_id, a.conversation_id);
    EXPECT_EQ(v.user, a.user);
    EXPECT_EQ(v.categories, a.categories);
    EXPECT_EQ(v.reason, a.reason);
    EXPECT_EQ(v.excerpt, a.excerpt);
    EXPECT_EQ(v.created_at, a.created_at);
    EXPECT_EQ(v.claimed_at, a.claimed_at);
    EXPECT_EQ(v.claim_expires, a.claim_expires);
    EXPECT_EQ(v.decision, a.decision);
    EXPECT_EQ(v.decision_reason, a.decision_reason);
    EXPECT_EQ(v.decided_by, a.decided_by);
    EXPECT_EQ(v.decided_at, a.decided_at);
    if (id == decided) {
      EXPECT_EQ(v.status, "decided");
      EXPECT_EQ(v.claimed_by, a.claimed_by);
      EXPECT_EQ(a.user, "u-1");
      EXPECT_EQ(a.decision_reason, "because");
    } else {
      EXPECT_EQ(a.status, "claimed");
      EXPECT_EQ(a.claimed_by, "bob");
      EXPECT_EQ(v.status, "open");
      EXPECT_EQ(v.claimed_by, "");
    }
  }
}

}  // namespace
}  // namespace safegate::moderation
