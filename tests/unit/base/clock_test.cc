#include "safegate/base/clock.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace safegate {
namespace {

TEST(FormatUtc, FormatsAndRefusesTimesGmtimeCannotHold) {
  EXPECT_EQ(FormatUtc(0, "%Y-%m-%dT%H:%M:%SZ"), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtc(1795737600, "%Y-%m-%d"), "2026-11-27");
  EXPECT_EQ(FormatUtc(-86400, "%Y-%m-%d"), "1969-12-31");
  // A suspension of a few hundred million years, or INT64_MAX, used to print an
  // uninitialised struct tm ("1730807052-01-00T..."): the year does not fit an int.
  EXPECT_EQ(FormatUtc(INT64_MAX, "%Y-%m-%d"), "");
  EXPECT_EQ(FormatUtc(INT64_MIN, "%Y-%m-%d"), "");
  EXPECT_EQ(UtcTimestamp().size(), 20u);
  EXPECT_EQ(UtcDate().size(), 10u);
}

}  // namespace
}  // namespace safegate
