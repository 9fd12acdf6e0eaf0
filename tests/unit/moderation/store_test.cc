// The moderation store on SQLite (the PostgreSQL path runs the same SQL in
// tests/server against a real server).
#include "safegate/moderation/store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "safegate/base/digest.h"
#include "safegate/store/sqlite.h"

namespace safegate::moderation {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sg-mod-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto db = store::OpenSqlite((dir_ / "m.db").string());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    auto v = Migrate(*db_);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(*v, LatestSchemaVersion());
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
};

// Ids sort in the order they were made (the indexes grow at their right
// edge) and keep 80 random bits after the time stamp.
TEST(NewRecordId, SortsInOrderOfMakingAndKeepsItsRandomPart) {
  std::vector<std::string> ids;
  for (int i = 0; i < 2000; ++i) {
    auto id = NewRecordId("msg_");
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    ASSERT_EQ(ids[i].size(), 4u + 13 + 20) << ids[i];
    EXPECT_EQ(ids[i].rfind("msg_", 0), 0u);
    EXPECT_EQ(ids[i].find_first_not_of("0123456789abcdef", 4), std::string::npos) << ids[i];
    if (i > 0) EXPECT_LT(ids[i - 1], ids[i]);
  }
  // The random parts of two ids made in a row differ (80 bits each).
  EXPECT_NE(ids[0].substr(17), ids[1].substr(17));
}

TEST_F(StoreTest, MigrateTwiceIsANoOp) {
  auto v = Migrate(*db_);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, LatestSchemaVersion());
}

// Version 2 made the reviewer tables part of the schema. A database of
// version 1 whose reviewer page had already created them (outside the
// migrations, as safegate did then) must migrate, keeping its rows.
TEST_F(StoreTest, VersionTwoMigratesADatabaseThatAlreadyHasTheReviewerTables) {
  EXPECT_EQ(LatestSchemaVersion(), 2);
  ASSERT_TRUE(db_->Exec("INSERT INTO review_accounts (username, role, password_hash, created_at) "
                        "VALUES ('alice', 'admin', 'h', 1)")
                  .ok());
  ASSERT_TRUE(db_->Exec("DELETE FROM schema_migrations WHERE version = 2").ok());
  auto v = Migrate(*db_);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, 2);
  auto rows = db_->Query("SELECT username FROM review_accounts");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), "alice");
  for (const char* index : {"review_queue_created", "review_queue_decided",
                            "review_sessions_expires", "review_label_items_ord"}) {
    auto found = db_->Query("SELECT name FROM sqlite_master WHERE type = 'index' AND name = $1",
                            {std::string(index)});
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->size(), 1u) << index;
  }
}

TEST_F(StoreTest, KeysAreHashedAndRevocable) {
  ApiKey key;
  auto plain = CreateApiKey(*db_, "alice", "reviewer", 100, &key);
  ASSERT_TRUE(plain.ok());
  auto rows = db_->Query("SELECT hash FROM api_keys");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), Sha256Hex(*plain));
  EXPECT_EQ((*rows)[0].Text(0).find(*plain), std::string::npos);
  auto found = LookupApiKey(*db_, *plain);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->role, "reviewer");
  EXPECT_FALSE(CreateApiKey(*db_, "bob", "root", 100, nullptr).ok());
  ASSERT_TRUE(RevokeApiKey(*db_, key.id, "test", 200).ok());
  found = LookupApiKey(*db_, *plain);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  EXPECT_EQ(RevokeApiKey(*db_, key.id, "test", 200).code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, ClaimIsExclusiveUntilItExpires) {
  QueueItem q;
  q.kind = "report";
  q.created_at = 1000;
  auto id = Enqueue(*db_, q, "t");
  ASSERT_TRUE(id.ok());
  EXPECT_TRUE(*Claim(*db_, *id, "r1", 1000, 60));
  EXPECT_FALSE(*Claim(*db_, *id, "r2", 1010, 60));
  EXPECT_TRUE(*Claim(*db_, *id, "r1", 1020, 60));  // the holder renews
  int64_t secs = 0;
  EXPECT_EQ(*Decide(*db_, *id, "r2", "allow", "", 1030, &secs), DecideResult::kNotClaimed);
  EXPECT_TRUE(*Claim(*db_, *id, "r2", 1081, 60));  // r1's claim expired
  EXPECT_EQ(*Decide(*db_, *id, "r1", "allow", "", 1082, &secs), DecideResult::kNotClaimed);
  EXPECT_EQ(*Decide(*db_, *id, "r2", "allow", "fine", 1090, &secs), DecideResult::kDone);
  EXPECT_EQ(secs, 90);
  EXPECT_FALSE(*Claim(*db_, *id, "r3", 2000, 60));  // decided items stay decided
  EXPECT_EQ(*Decide(*db_, 999, "r2", "allow", "", 1090, &secs), DecideResult::kNotFound);
  EXPECT_EQ(*QueueDepth(*db_), 0);
}

TEST_F(StoreTest, RemovedMessageAndKeysetPages) {
  ASSERT_TRUE(EnsureConversation(*db_, "c1", "u", 100, 0).ok());
  EXPECT_FALSE(EnsureConversation(*db_, "c1", "other", 100, 0).ok());
  std::vector<Message> msgs(2);
  msgs[0] = {"", "c1", 0, "user", "hi", "ok", "", "[]", 100};
  msgs[1] = {"", "c1", 0, "assistant", "bad answer", "blocked", "bad answer", "[\"S1\"]", 100};
  ASSERT_TRUE(AppendMessages(*db_, &msgs, "u", true, "flag").ok());
  EXPECT_EQ(msgs[1].seq, 1);
  QueueFilter f;
  f.limit = 1;
  auto page = ListQueue(*db_, f, 100);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].message_id, msgs[1].id);
  EXPECT_EQ(page->next_after, 0);
  f.category = "S1";
  EXPECT_EQ(ListQueue(*db_, f, 100)->items.size(), 1u);
  f.category = "S2";
  EXPECT_EQ(ListQueue(*db_, f, 100)->items.size(), 0u);
  int64_t id = page->items[0].id;
  ASSERT_TRUE(*Claim(*db_, id, "r", 100, 60));
  int64_t secs = 0;
  ASSERT_EQ(*Decide(*db_, id, "r", "remove", "harm", 110, &secs), DecideResult::kDone);
  auto conv = GetConversation(*db_, "c1", 120);
  ASSERT_TRUE(conv.ok() && conv->has_value());
  EXPECT_EQ((*conv)->messages[1].status, "removed");
}

TEST_F(StoreTest, RetentionExpiresConversations) {
  ASSERT_TRUE(EnsureConversation(*db_, "old", "u", 100, 50).ok());
  ASSERT_TRUE(EnsureConversation(*db_, "keep", "u", 100, 0).ok());
  EXPECT_FALSE(GetConversation(*db_, "old", 151)->has_value());
  EXPECT_EQ(*PurgeExpired(*db_, 151), 1);
  EXPECT_TRUE(GetConversation(*db_, "keep", 1 << 30)->has_value());
}

TEST_F(StoreTest, AuditChainDetectsEdits) {
  bool suspended = false;
  StrikeRule rule{1, 0, 60};
  ASSERT_TRUE(RecordInput(*db_, "u", true, 100, rule, &suspended).ok());
  EXPECT_TRUE(suspended);
  ASSERT_TRUE(LiftSuspension(*db_, "u", "admin", "appeal", 110).ok());
  auto check = VerifyAudit(*db_);
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok) << check->message;
  EXPECT_EQ(check->rows, 2);
  // The log refuses edits; with the trigger gone an edit is detected.
  EXPECT_FALSE(db_->Exec("UPDATE audit_log SET actor = 'x' WHERE seq = 1").ok());
  ASSERT_TRUE(db_->ExecScript("DROP TRIGGER audit_log_no_update").ok());
  ASSERT_TRUE(db_->Exec("UPDATE audit_log SET detail = '{}' WHERE seq = 1").ok());
  check = VerifyAudit(*db_);
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->ok);
  EXPECT_EQ(check->first_bad_seq, 1);
}

TEST_F(StoreTest, AuditChainDetectsDeletedTail) {
  ASSERT_TRUE(LiftSuspension(*db_, "nobody", "a", "", 1).code() == StatusCode::kNotFound);
  bool s = false;
  ASSERT_TRUE(RecordInput(*db_, "u", true, 100, {1, 0, 60}, &s).ok());
  ASSERT_TRUE(RecordInput(*db_, "v", true, 100, {1, 0, 60}, &s).ok());
  ASSERT_TRUE(db_->ExecScript("DROP TRIGGER audit_log_no_delete").ok());
  ASSERT_TRUE(db_->Exec("DELETE FROM audit_log WHERE seq = 2").ok());
  auto check = VerifyAudit(*db_);
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->ok);
}

}  // namespace
}  // namespace safegate::moderation
