// review: accounts and sessions, label sets (their tables made by the
// service database's schema, moderation::Migrate).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "safegate/base/digest.h"
#include "safegate/moderation/store.h"
#include "safegate/review/accounts.h"
#include "safegate/review/labels.h"
#include "unit/moderation/test_db.h"

namespace safegate::review {
namespace {

class ReviewTest : public moderation::testing::MigratedDbTest {};

TEST_F(ReviewTest, PasswordsAreArgon2idAndChecked) {
  ASSERT_TRUE(CreateAccount(*db_, "alice", "correct horse", Role::kReviewer, 100).ok());
  auto rows = db_->Query("SELECT password_hash FROM review_accounts WHERE username = 'alice'");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Text(0).rfind("$argon2id$", 0), 0u);
  EXPECT_EQ((*rows)[0].Text(0).find("correct horse"), std::string::npos);

  auto ok = CheckPassword(*db_, "alice", "correct horse");
  ASSERT_TRUE(ok.ok());
  ASSERT_TRUE(ok->has_value());
  EXPECT_EQ((*ok)->role, Role::kReviewer);
  auto wrong = CheckPassword(*db_, "alice", "wrong horse");
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(wrong->has_value());
  auto nobody = CheckPassword(*db_, "mallory", "correct horse");
  ASSERT_TRUE(nobody.ok());
  EXPECT_FALSE(nobody->has_value());

  EXPECT_EQ(CreateAccount(*db_, "alice", "another pw", Role::kViewer, 1).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(CreateAccount(*db_, "bob", "short", Role::kViewer, 1).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateAccount(*db_, "bad name", "long enough", Role::kViewer, 1).code(),
            StatusCode::kInvalidArgument);

  ASSERT_TRUE(SetDisabled(*db_, "alice", true).ok());
  auto disabled = CheckPassword(*db_, "alice", "correct horse");
  ASSERT_TRUE(disabled.ok());
  EXPECT_FALSE(disabled->has_value());
  EXPECT_EQ(SetRole(*db_, "nobody", Role::kAdmin).code(), StatusCode::kNotFound);
}

TEST_F(ReviewTest, RolesParse) {
  EXPECT_EQ(ParseRole("admin"), Role::kAdmin);
  EXPECT_EQ(ParseRole("reviewer"), Role::kReviewer);
  EXPECT_EQ(ParseRole("viewer"), Role::kViewer);
  EXPECT_FALSE(ParseRole("client").has_value());
  EXPECT_STREQ(RoleName(Role::kReviewer), "reviewer");
}

TEST_F(ReviewTest, SessionsExpireAndAreStoredHashed) {
  ASSERT_TRUE(CreateAccount(*db_, "carol", "password 1", Role::kAdmin, 0).ok());
  auto acc = CheckPassword(*db_, "carol", "password 1");
  ASSERT_TRUE(acc.ok() && acc->has_value());
  auto s = CreateSession(*db_, **acc, 1000, 3600);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->token.size(), 64u);
  EXPECT_EQ(s->csrf.size(), 64u);
  EXPECT_NE(s->token, s->csrf);
  auto stored = db_->Query("SELECT token_hash FROM review_sessions");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ((*stored)[0].Text(0), Sha256Hex(s->token));

  auto live = LookupSession(*db_, s->token, 4599);
  ASSERT_TRUE(live.ok() && live->has_value());
  EXPECT_EQ((*live)->account.username, "carol");
  EXPECT_EQ((*live)->csrf, s->csrf);
  auto expired = LookupSession(*db_, s->token, 4600);
  ASSERT_TRUE(expired.ok());
  EXPECT_FALSE(expired->has_value());
  auto forged = LookupSession(*db_, std::string(64, 'a'), 2000);
  ASSERT_TRUE(forged.ok());
  EXPECT_FALSE(forged->has_value());

  // Logout and password changes end sessions.
  auto s2 = CreateSession(*db_, **acc, 1000, 3600);
  ASSERT_TRUE(s2.ok());
  ASSERT_TRUE(EndSession(*db_, s2->token).ok());
  EXPECT_FALSE(LookupSession(*db_, s2->token, 2000)->has_value());
  auto s3 = CreateSession(*db_, **acc, 1000, 3600);
  ASSERT_TRUE(SetPassword(*db_, "carol", "password 2").ok());
  EXPECT_FALSE(LookupSession(*db_, s3->token, 2000)->has_value());
  auto purged = PurgeSessions(*db_, 10000);
  ASSERT_TRUE(purged.ok());
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

TEST_F(ReviewTest, LabelSetsRoundTripInTheExportFormat) {
  std::string exported =
      R"({"sample_id":"a1","source":"web","file":"a.jsonl","line":1,"machine_flagged":true,)"
      R"("machine_categories":["S1"],"machine_keywords":["kw"],"text":"first","label":"",)"
      R"("category":"","reviewer":"","note":""})"
      "\n"
      R"({"sample_id":"a2","source":"web","file":"a.jsonl","line":2,"machine_flagged":false,)"
      R"("machine_categories":[],"machine_keywords":[],"text":"second","label":"",)"
      R"("category":"","reviewer":"","note":""})"
      "\n";
  auto n = ImportLabelSet(*db_, "s1", exported, "x.jsonl", 5);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 2);
  ASSERT_TRUE(SetLabel(*db_, "s1", "a1", "unallowable", "S1", "alice", "clear case", 6).ok());
  EXPECT_EQ(SetLabel(*db_, "s1", "zz", "allowable", "", "alice", "", 6).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(SetLabel(*db_, "s1", "a2", "maybe", "", "alice", "", 6).code(),
            StatusCode::kInvalidArgument);
  auto sets = ListLabelSets(*db_);
  ASSERT_EQ(sets->size(), 1u);
  EXPECT_EQ((*sets)[0].items, 2);
  EXPECT_EQ((*sets)[0].labelled, 1);
  EXPECT_EQ((*sets)[0].unallowable, 1);
  auto todo = ListLabelItems(*db_, "s1", -1, 10, true);
  ASSERT_EQ(todo->size(), 1u);
  EXPECT_EQ((*todo)[0].sample_id, "a2");

  auto out = ExportLabelSet(*db_, "s1");
  ASSERT_TRUE(out.ok());
  auto nl = out->find('\n');
  auto first = nlohmann::json::parse(out->substr(0, nl));
  EXPECT_EQ(first["sample_id"], "a1");
  EXPECT_EQ(first["label"], "unallowable");
  EXPECT_EQ(first["category"], "S1");
  EXPECT_EQ(first["reviewer"], "alice");
  EXPECT_EQ(first["text"], "first");
  EXPECT_EQ(first["machine_categories"][0], "S1");
  // Re-importing keeps the labels given in the browser.
  ASSERT_TRUE(ImportLabelSet(*db_, "s1", exported, "x.jsonl", 7).ok());
  EXPECT_EQ((*ListLabelSets(*db_))[0].labelled, 1);
  EXPECT_EQ(ImportLabelSet(*db_, "s1", "{\"text\":\"x\"}\n", "bad.jsonl", 7).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace safegate::review
