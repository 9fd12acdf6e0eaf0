// Nested transactions (savepoints) and the group committer, on real SQLite.
#include "safegate/store/group_commit.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "safegate/store/sqlite.h"

namespace safegate::store {
namespace {

std::string TempDb() {
  auto dir = std::filesystem::temp_directory_path() /
             ("sg-gc-" + std::to_string(getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return (dir / "t.db").string();
}

int64_t Count(Database& db, const std::string& where = "1=1") {
  auto rows = db.Query("SELECT COUNT(*) FROM t WHERE " + where);
  return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : -1;
}

TEST(Transactions, NestedOnesAreSavepoints) {
  auto db = OpenSqlite(TempDb());
  ASSERT_TRUE(db.ok());
  Database& d = **db;
  ASSERT_TRUE(d.ExecScript("CREATE TABLE t (x INTEGER)").ok());
  ASSERT_TRUE(d.Begin().ok());
  ASSERT_TRUE(d.Exec("INSERT INTO t VALUES (1)").ok());
  // An inner transaction that fails rolls back only its own rows.
  Status inner = InTransaction(d, [&] {
    (void)d.Exec("INSERT INTO t VALUES (2)");
    return InvalidArgumentError("no");
  });
  EXPECT_FALSE(inner.ok());
  EXPECT_EQ(d.transaction_depth(), 1);
  ASSERT_TRUE(InTransaction(d, [&] { return d.Exec("INSERT INTO t VALUES (3)").status(); }).ok());
  ASSERT_TRUE(d.Commit().ok());
  EXPECT_EQ(d.transaction_depth(), 0);
  EXPECT_EQ(Count(d), 2);
  EXPECT_EQ(Count(d, "x = 2"), 0);
}

TEST(GroupCommitter, ManyWritersShareCommitsAndFailuresStayAlone) {
  const std::string path = TempDb();
  {
    auto db = OpenSqlite(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->ExecScript("CREATE TABLE t (x INTEGER UNIQUE)").ok());
  }
  GroupCommitter::Options o;
  o.max_batch = 64;
  o.max_queue = 128;
  GroupCommitter w([&] { return OpenSqlite(path); }, o);
  ASSERT_TRUE(w.Open().ok());
  constexpr int kThreads = 8, kEach = 200;
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        int x = t * kEach + i;
        // Every 50th write is a duplicate of the previous one: it fails alone.
        int value = x % 50 == 49 ? x - 1 : x;
        Status s = w.Run([&](Database& db) {
          return db.Exec("INSERT INTO t VALUES ($1)", {static_cast<int64_t>(value)}).status();
        });
        (s.ok() ? ok : failed)++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok + failed, kThreads * kEach);
  EXPECT_EQ(failed.load(), kThreads * kEach / 50);
  auto stats = w.stats();
  EXPECT_EQ(stats.ops, static_cast<uint64_t>(kThreads * kEach));
  // Commits were shared: fewer batches than operations.
  EXPECT_LT(stats.batches, stats.ops);
  // Everything acknowledged is in the file, read through another connection.
  auto reader = OpenSqlite(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(Count(**reader), ok.load());
}

// No writer thread: every operation runs on the thread of one of the callers
// (its own when no batch is running), so an uncontended write costs no hand-off.
TEST(GroupCommitter, OperationsRunOnCallerThreads) {
  const std::string path = TempDb();
  GroupCommitter w([&] { return OpenSqlite(path); });
  ASSERT_TRUE(w.Open().ok());
  std::thread::id ran_on;
  ASSERT_TRUE(w.Run([&](Database& db) {
                 ran_on = std::this_thread::get_id();
                 return db.ExecScript("CREATE TABLE t (x INTEGER)");
               }).ok());
  EXPECT_EQ(ran_on, std::this_thread::get_id());

  constexpr int kThreads = 6, kEach = 50;
  std::vector<std::thread::id> callers(kThreads);
  std::vector<std::thread::id> ran(kThreads * kEach);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      callers[t] = std::this_thread::get_id();
      ++ready;
      while (ready.load() < kThreads) std::this_thread::yield();
      for (int i = 0; i < kEach; ++i) {
        const int k = t * kEach + i;
        Status s = w.Run([&, k](Database& db) {
          ran[k] = std::this_thread::get_id();
          return db.Exec("INSERT INTO t VALUES ($1)", {static_cast<int64_t>(k)}).status();
        });
        EXPECT_TRUE(s.ok()) << s.ToString();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int k = 0; k < kThreads * kEach; ++k) {
    EXPECT_NE(std::find(callers.begin(), callers.end(), ran[k]), callers.end()) << k;
  }
  auto reader = OpenSqlite(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(Count(**reader), kThreads * kEach);
}

TEST(GroupCommitter, AnOperationSeesEarlierOnesAndTheOpenerErrorIsReturned) {
  const std::string path = TempDb();
  GroupCommitter w([&] { return OpenSqlite(path); });
  ASSERT_TRUE(w.Run([](Database& db) { return db.ExecScript("CREATE TABLE t (x INTEGER)"); }).ok());
  ASSERT_TRUE(
      w.Run([](Database& db) { return db.Exec("INSERT INTO t VALUES (7)").status(); }).ok());
  int64_t seen = -1;
  ASSERT_TRUE(w.Run([&](Database& db) {
                 seen = Count(db);
                 return OkStatus();
               }).ok());
  EXPECT_EQ(seen, 1);
  GroupCommitter bad([] { return OpenSqlite("/nonexistent-dir/x/y.db"); });
  EXPECT_FALSE(bad.Open().ok());
  EXPECT_FALSE(bad.Run([](Database&) { return OkStatus(); }).ok());
}

}  // namespace
}  // namespace safegate::store
