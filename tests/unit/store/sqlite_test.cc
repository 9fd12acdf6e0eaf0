#include "safegate/store/sqlite.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace safegate::store {
namespace {

std::string TempDb() {
  auto dir = std::filesystem::temp_directory_path() /
             ("sg-store-" + std::to_string(getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return (dir / "t.db").string();
}

TEST(SqliteTest, RoundTripsEveryValueType) {
  auto db = OpenSqlite(TempDb());
  ASSERT_TRUE(db.ok()) << db.status().message();
  Database& d = **db;
  ASSERT_TRUE(d.ExecScript("CREATE TABLE t (a INTEGER, b REAL, c TEXT, d TEXT)").ok());
  auto n = d.Exec("INSERT INTO t VALUES ($1, $2, $3, $4)",
                  {int64_t{42}, 2.5, std::string("h\0llo", 5), std::monostate{}});
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(*n, 1);
  // Parameters may appear out of order.
  auto rows = d.Query("SELECT a, b, c, d FROM t WHERE b = $2 AND a = $1", {int64_t{42}, 2.5});
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 1u);
  const Row& r = (*rows)[0];
  EXPECT_EQ(r.Int(0), 42);
  EXPECT_DOUBLE_EQ(r.Real(1), 2.5);
  EXPECT_EQ(r.Text(2), std::string("h\0llo", 5));
  EXPECT_TRUE(r.IsNull(3));
}

// SQLite turns an integer that overflows into a REAL: reading it back as an
// integer saturates instead of casting out of range (undefined behaviour).
TEST(SqliteTest, IntegerOverflowStoredAsRealSaturates) {
  auto db = OpenSqlite(TempDb());
  ASSERT_TRUE(db.ok()) << db.status().message();
  Database& d = **db;
  ASSERT_TRUE(d.ExecScript("CREATE TABLE t (a BIGINT);"
                           "INSERT INTO t VALUES (9223372036854775807 + 1), (-1e30), (2.9)")
                  .ok());
  auto rows = d.Query("SELECT a FROM t ORDER BY rowid", {});
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].Int(0), INT64_MAX);
  EXPECT_EQ((*rows)[1].Int(0), INT64_MIN);
  EXPECT_EQ((*rows)[2].Int(0), 2);
}

TEST(SqliteTest, RollbackDiscardsAndCommitKeeps) {
  auto db = OpenSqlite(TempDb());
  ASSERT_TRUE(db.ok());
  Database& d = **db;
  ASSERT_TRUE(d.ExecScript("CREATE TABLE t (a INTEGER)").ok());
  Status s = InTransaction(d, [&] {
    SAFEGATE_RETURN_IF_ERROR(d.Exec("INSERT INTO t VALUES (1)").status());
    return InvalidArgumentError("stop");
  });
  EXPECT_FALSE(s.ok());
  ASSERT_TRUE(InTransaction(d, [&] { return d.Exec("INSERT INTO t VALUES (2)").status(); }).ok());
  auto rows = d.Query("SELECT a FROM t");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Int(0), 2);
}

TEST(SqliteTest, ErrorsNameTheDatabase) {
  std::string path = TempDb();
  auto db = OpenSqlite(path);
  ASSERT_TRUE(db.ok());
  auto r = (*db)->Query("SELECT * FROM missing");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(path), std::string::npos);
  EXPECT_NE(r.status().message().find("missing"), std::string::npos);
  auto bad = OpenSqlite("/nonexistent-dir/x.db");
  EXPECT_FALSE(bad.ok());
}

// Cached statements keep the bind index of each $N: out-of-order, repeated
// and unused parameters bind right on the first and on later uses.
TEST(SqliteTest, CachedStatementsBindByNumber) {
  auto db = OpenSqlite(TempDb());
  ASSERT_TRUE(db.ok());
  Database& d = **db;
  ASSERT_TRUE(d.ExecScript("CREATE TABLE t (a TEXT, b TEXT, c TEXT)").ok());
  const char* sql = "INSERT INTO t VALUES ($3, $1, $3)";  // $2 unused
  for (int i = 0; i < 3; ++i) {
    std::string k = std::to_string(i);
    ASSERT_TRUE(d.Exec(sql, {Value("one" + k), Value("two" + k), Value("three" + k)}).ok());
  }
  auto rows = d.Query("SELECT a, b, c FROM t ORDER BY b").value();
  ASSERT_EQ(rows.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    std::string k = std::to_string(i);
    EXPECT_EQ(rows[i].Text(0), "three" + k);
    EXPECT_EQ(rows[i].Text(1), "one" + k);
    EXPECT_EQ(rows[i].Text(2), "three" + k);
  }
}

TEST(SqliteTest, WalAutocheckpointOption) {
  SqliteOptions o;
  o.wal_autocheckpoint_pages = 16384;
  std::string path = TempDb();
  auto db = OpenSqlite(path, o);
  ASSERT_TRUE(db.ok());
  auto rows = (*db)->Query("PRAGMA wal_autocheckpoint").value();
  EXPECT_EQ(rows[0].Int(0), 16384);
  auto plain = OpenSqlite(path + "-plain").value()->Query("PRAGMA wal_autocheckpoint").value();
  EXPECT_EQ(plain[0].Int(0), 1000);
}

}  // namespace
}  // namespace safegate::store
