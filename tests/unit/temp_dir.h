// One temporary directory per test object, for the unit tests of every
// library: made by mkdtemp under $TMPDIR (or /tmp), so no two objects, in one
// test process or in processes running at the same time (ctest -j), ever share
// one; removed with its contents by the destructor.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace safegate::test_support {

class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "sg-test") {
    const char* t = std::getenv("TMPDIR");
    std::string tmpl = std::string(t != nullptr && *t != '\0' ? t : "/tmp") + "/" +
                       std::string(prefix) + "-XXXXXX";
    const char* made = mkdtemp(tmpl.data());
    EXPECT_NE(made, nullptr) << "mkdtemp " << tmpl;
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path()/name, not created.
  std::string Path(std::string_view name) const {
    return (std::filesystem::path(path_) / name).string();
  }
  // Writes `data` to path()/name (creating parent directories); returns the full path.
  std::string Write(std::string_view name, std::string_view data) const {
    const std::filesystem::path p = std::filesystem::path(path_) / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    EXPECT_TRUE(out.good()) << "writing " << p;
    return p.string();
  }

 private:
  std::string path_;
};

}  // namespace safegate::test_support
