// A test fixture with the service database: a fresh SQLite file in its own
// temporary directory, migrated to the latest schema (moderation::Migrate),
// removed after the test. For the moderation and reviewer tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "safegate/moderation/store.h"
#include "safegate/store/sqlite.h"

namespace safegate::moderation::testing {

class MigratedDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sg_db_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto db = store::OpenSqlite((dir_ / "t.db").string());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(Migrate(*db_).ok());
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
};

}  // namespace safegate::moderation::testing
