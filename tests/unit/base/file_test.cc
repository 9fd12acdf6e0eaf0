#include "safegate/base/file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace safegate {
namespace {

TEST(AtomicFile, AppearsOnlyOnCommit) {
  auto dir = std::filesystem::temp_directory_path() / ("sg_file_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "out.txt").string();
  {
    AtomicFile f;
    ASSERT_TRUE(f.Open(path).ok());
    ASSERT_TRUE(f.Write("abc").ok());
    EXPECT_FALSE(std::filesystem::exists(path));
  }  // destroyed without Commit
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  ASSERT_TRUE(WriteFileAtomic(path, "hello").ok());
  auto r = ReadFile(path);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "hello");
  std::filesystem::remove_all(dir);
}

TEST(PruneCacheFiles, KeepsTheNewestAndTheOneJustWritten) {
  namespace fs = std::filesystem;
  auto dir = fs::temp_directory_path() / ("sg_prune_test_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  // m-0 oldest ... m-5 newest (explicit modification times, one hour apart).
  const auto now = fs::file_time_type::clock::now();
  for (int i = 0; i < 6; ++i) {
    auto p = dir / ("m-" + std::to_string(i) + ".sgm");
    ASSERT_TRUE(WriteFileAtomic(p.string(), "x").ok());
    fs::last_write_time(p, now - std::chrono::hours(6 - i));
  }
  ASSERT_TRUE(WriteFileAtomic((dir / "m-9.tmp").string(), "x").ok());      // other suffix
  ASSERT_TRUE(WriteFileAtomic((dir / "other-1.sgm").string(), "x").ok());  // other prefix
  fs::create_directories(dir / "m-dir.sgm");                               // not a regular file
  // m-1 is "the one just written": kept although it is old.
  EXPECT_EQ(PruneCacheFiles(dir.string(), "m-", ".sgm", 3, "m-1.sgm"), 3u);
  for (const char* kept : {"m-1.sgm", "m-4.sgm", "m-5.sgm", "m-9.tmp", "other-1.sgm", "m-dir.sgm"})
    EXPECT_TRUE(fs::exists(dir / kept)) << kept;
  for (const char* gone : {"m-0.sgm", "m-2.sgm", "m-3.sgm"})
    EXPECT_FALSE(fs::exists(dir / gone)) << gone;
  EXPECT_EQ(PruneCacheFiles(dir.string(), "m-", ".sgm", 3), 0u);  // nothing more to do
  EXPECT_EQ(PruneCacheFiles((dir / "missing").string(), "m-", ".sgm", 1), 0u);
  fs::remove_all(dir);
}

TEST(ReadFile, LargeRegularFilesAndFilesWithoutASize) {
  auto path = std::filesystem::temp_directory_path() / ("sg_read_" + std::to_string(getpid()));
  std::string big(3 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 2654435761u) >> 24);
  ASSERT_TRUE(WriteFileAtomic(path.string(), big).ok());
  auto r = ReadFile(path.string());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(*r == big);
  std::filesystem::remove(path);
  // /proc files report size 0: read to the end all the same.
  auto proc = ReadFile("/proc/self/status");
  ASSERT_TRUE(proc.ok());
  EXPECT_NE(proc->find("Name:"), std::string::npos);
}

TEST(ReadFile, MissingFileNamesPath) {
  auto r = ReadFile("/nonexistent/sg/x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_NE(r.status().message().find("/nonexistent/sg/x"), std::string::npos);
}

}  // namespace
}  // namespace safegate
