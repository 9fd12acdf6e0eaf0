#include "safegate/base/build_id.h"

#include <gtest/gtest.h>

#include <string>

namespace safegate {
namespace {

// The test binary is linked with the toolchain's default --build-id, so the
// note is found: lower-case hex, the same on every call.
TEST(BuildId, IsTheBuildIdNoteOfThisBinary) {
  const std::string id(BuildId());
  ASSERT_FALSE(id.empty());
  if (id.rfind("file:", 0) == 0) GTEST_SKIP() << "no build-id note: " << id;
  EXPECT_GE(id.size(), 16u);
  EXPECT_EQ(id.size() % 2, 0u);
  for (char c : id) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << id;
  EXPECT_EQ(BuildId().data(), BuildId().data());  // computed once
}

}  // namespace
}  // namespace safegate
