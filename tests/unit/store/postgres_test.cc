// The PostgreSQL backend against a real server: SAFEGATE_TEST_PG_URL (make
// test starts one with scripts/start-postgres.sh). Skips when it is unset.
#include "safegate/store/postgres.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <set>
#include <thread>

#include "safegate/moderation/store.h"

namespace safegate::store {
namespace {

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = getenv("SAFEGATE_TEST_PG_URL");
    if (!url || !*url) {
      GTEST_SKIP() << "PostgreSQL tests skipped: SAFEGATE_TEST_PG_URL is not set "
                      "(make test starts a server with scripts/start-postgres.sh)";
    }
    url_ = url;
    auto admin = OpenPostgres(url_);
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    dbname_ = "sg_unit_" + std::to_string(getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (auto& c : dbname_) c = static_cast<char>(std::tolower(c));
    ASSERT_TRUE((*admin)->ExecScript("DROP DATABASE IF EXISTS " + dbname_).ok());
    ASSERT_TRUE((*admin)->ExecScript("CREATE DATABASE " + dbname_).ok());
    db_url_ = url_.substr(0, url_.rfind('/') + 1) + dbname_;
    auto db = OpenPostgres(db_url_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }
  std::string url_, dbname_, db_url_;
  std::unique_ptr<Database> db_;
};

TEST_F(PostgresTest, TypesParamsAndTransactions) {
  ASSERT_TRUE(db_->ExecScript("CREATE TABLE t (a BIGINT, b DOUBLE PRECISION, c TEXT)").ok());
  auto n = db_->Exec("INSERT INTO t VALUES ($1, $2, $3), ($4, NULL, $5)",
                     {int64_t{42}, 2.5, std::string("x'; DROP TABLE t; --"), int64_t{-7},
                      std::string("\xe7\x82\xb8")});
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 2);
  auto rows = db_->Query("SELECT a, b, c FROM t ORDER BY a DESC");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].Int(0), 42);
  EXPECT_DOUBLE_EQ((*rows)[0].Real(1), 2.5);
  EXPECT_EQ((*rows)[0].Text(2), "x'; DROP TABLE t; --");
  EXPECT_TRUE((*rows)[1].IsNull(1));
  Status s = InTransaction(*db_, [&]() -> Status {
    SAFEGATE_RETURN_IF_ERROR(db_->Exec("DELETE FROM t").status());
    return InvalidArgumentError("roll back");
  });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM t")->at(0).Int(0), 2);
  EXPECT_FALSE(db_->Exec("SELECT * FROM missing_table").ok());
}

TEST_F(PostgresTest, UnreachableServerIsUnavailable) {
  auto db = OpenPostgres("postgresql://postgres@127.0.0.1:1/postgres");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kUnavailable);
}

TEST_F(PostgresTest, ConcurrentClaimsAreDisjoint) {
  ASSERT_TRUE(moderation::Migrate(*db_).ok());
  for (int i = 0; i < 40; ++i) {
    moderation::QueueItem q;
    q.kind = "report";
    q.created_at = 1000;
    ASSERT_TRUE(moderation::Enqueue(*db_, q, "t").ok());
  }
  std::vector<std::vector<int64_t>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto db = OpenPostgres(db_url_);
      ASSERT_TRUE(db.ok());
      for (;;) {
        auto item = moderation::ClaimNext(**db, {}, "r" + std::to_string(t), 1000, 600);
        ASSERT_TRUE(item.ok()) << item.status().ToString();
        if (!*item) break;
        got[t].push_back((*item)->id);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<int64_t> all;
  size_t total = 0;
  for (const auto& g : got) {
    total += g.size();
    all.insert(g.begin(), g.end());
  }
  EXPECT_EQ(total, 40u);
  EXPECT_EQ(all.size(), 40u);
  auto check = moderation::VerifyAudit(*db_);
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok) << check->message;
  EXPECT_EQ(check->rows, 80);
}

}  // namespace
}  // namespace safegate::store
