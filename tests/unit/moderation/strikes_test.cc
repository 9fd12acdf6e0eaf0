#include "safegate/moderation/strikes.h"

#include <gtest/gtest.h>

namespace safegate::moderation {
namespace {

constexpr int64_t kDay = 1764115200;  // 2025-11-26T00:00:00Z

TEST(StrikesTest, ThreeInARowSuspends) {
  StrikeRule rule{3, 5, 3600};
  StrikeState s;
  EXPECT_FALSE(ApplyStrike(rule, true, kDay + 10, &s));
  EXPECT_FALSE(ApplyStrike(rule, true, kDay + 20, &s));
  EXPECT_TRUE(ApplyStrike(rule, true, kDay + 30, &s));
  EXPECT_EQ(s.suspended_until, kDay + 30 + 3600);
  EXPECT_NE(s.reason.find("in a row"), std::string::npos);
}

TEST(StrikesTest, CleanInputResetsTheRunButNotTheDay) {
  StrikeRule rule{3, 5, 60};
  StrikeState s;
  for (bool f : {true, true, false, true, true, false})
    EXPECT_FALSE(ApplyStrike(rule, f, kDay, &s));
  EXPECT_EQ(s.day_count, 4);
  EXPECT_TRUE(ApplyStrike(rule, true, kDay + 1, &s));  // the 5th of the day
  EXPECT_NE(s.reason.find("a day"), std::string::npos);
}

TEST(StrikesTest, NewCalendarDayStartsAtZero) {
  StrikeRule rule{0, 2, 60};
  StrikeState s;
  EXPECT_FALSE(ApplyStrike(rule, true, kDay + 86399, &s));
  EXPECT_FALSE(ApplyStrike(rule, true, kDay + 86400, &s));  // next day (UTC)
  EXPECT_EQ(s.day, "2025-11-27");
  EXPECT_TRUE(ApplyStrike(rule, true, kDay + 86401, &s));
}

TEST(StrikesTest, DisabledRulesNeverSuspend) {
  StrikeRule rule{0, 0, 60};
  StrikeState s;
  for (int i = 0; i < 50; ++i) EXPECT_FALSE(ApplyStrike(rule, true, kDay, &s));
}

TEST(StrikesTest, ProfileNumbers) {
  auto p = policy::LoadProfile("tc260-2024");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  StrikeRule rule = StrikeRuleFromProfile(*p, 600);
  EXPECT_EQ(rule.consecutive, 3);
  EXPECT_EQ(rule.per_day, 5);
  EXPECT_EQ(rule.suspend_seconds, 600);
}

}  // namespace
}  // namespace safegate::moderation
