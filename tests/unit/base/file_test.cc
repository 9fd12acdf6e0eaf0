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

TEST(ReadFile, MissingFileNamesPath) {
  auto r = ReadFile("/nonexistent/sg/x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_NE(r.status().message().find("/nonexistent/sg/x"), std::string::npos);
}

}  // namespace
}  // namespace safegate
