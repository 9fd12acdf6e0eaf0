#include "safegate/stats/queueing.h"

#include <gtest/gtest.h>

#include <cmath>

namespace safegate::stats {
namespace {

// The Call Centre Helper worked example of the Erlang C formula: 100 calls in
// 30 minutes, 180 s average handling time (A = 10 erlangs), target 80% of
// calls answered within 20 s. Published: with 11 agents the probability of
// waiting is 68.21%, the service level 39.0% and the average speed of answer
// 122.8 s; 14 agents are needed to reach 80% (88.8%).
constexpr QueueModel kCallCentre{200.0, 3.0};

TEST(ErlangCTest, PublishedCallCentreExample) {
  EXPECT_NEAR(kCallCentre.OfferedLoad(), 10.0, 1e-12);
  EXPECT_NEAR(ErlangC(11, 10.0), 0.6821, 5e-5);
  EXPECT_NEAR(ServiceLevel(kCallCentre, 11, 20.0 / 60, ServiceLevelKind::kPickedUp), 0.3896, 5e-5);
  EXPECT_NEAR(MeanWaitMinutes(kCallCentre, 11) * 60, 122.8, 0.05);
  EXPECT_NEAR(ServiceLevel(kCallCentre, 13, 20.0 / 60, ServiceLevelKind::kPickedUp), 0.7956, 5e-5);
  EXPECT_NEAR(ServiceLevel(kCallCentre, 14, 20.0 / 60, ServiceLevelKind::kPickedUp), 0.8884, 5e-5);
  auto r = RequiredServers(kCallCentre, 0.80, 20.0 / 60, ServiceLevelKind::kPickedUp);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->servers, 14);
  EXPECT_NEAR(r->occupancy, 10.0 / 14, 1e-12);
}

TEST(ErlangCTest, HandComputedSmallSystems) {
  // M/M/1: the probability of waiting is the utilisation.
  EXPECT_NEAR(ErlangC(1, 0.5), 0.5, 1e-12);
  // A = 2, N = 3: P0 = 1 / (1 + 2 + 2 + (8/6)(3/1)) = 1/9; C = 4 * P0 = 4/9.
  EXPECT_NEAR(ErlangC(3, 2.0), 4.0 / 9, 1e-12);
  // Unstable and empty systems.
  EXPECT_EQ(ErlangC(2, 2.0), 1.0);
  EXPECT_EQ(ErlangC(5, 0.0), 0.0);
  EXPECT_EQ(ServiceLevel({60, 2}, 2, 10, ServiceLevelKind::kDecided), 0.0);
}

TEST(ErlangCTest, DecidedWithinMatchesTheMM1SojournTime) {
  // M/M/1 time in system is exponential with rate mu - lambda.
  QueueModel m{30, 1};  // lambda = 0.5/min, mu = 1/min
  for (double t : {0.5, 1.0, 2.0, 5.0}) {
    EXPECT_NEAR(ServiceLevel(m, 1, t, ServiceLevelKind::kDecided), 1 - std::exp(-0.5 * t), 1e-12);
  }
}

TEST(ErlangCTest, DecidedWithinIsContinuousWhereRatesCoincide) {
  // N - A = 1 makes the two exponential rates equal (special case).
  QueueModel m{60, 1};  // A = 1
  double at = ServiceLevel(m, 2, 3, ServiceLevelKind::kDecided);
  double near = ServiceLevel({60 * (1 + 1e-7), 1}, 2, 3, ServiceLevelKind::kDecided);
  EXPECT_NEAR(at, near, 1e-6);
  EXPECT_GT(at, 0);
  EXPECT_LT(at, 1);
  // Decided within T is never more likely than picked up within T.
  EXPECT_LE(at, ServiceLevel(m, 2, 3, ServiceLevelKind::kPickedUp));
}

TEST(ErlangCTest, StaffingIsMonotoneInLoadAndTarget) {
  int64_t prev = 0;
  for (double arrivals = 0; arrivals <= 2000; arrivals += 50) {
    auto r = RequiredServers({arrivals, 4}, 0.95, 30, ServiceLevelKind::kDecided);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_GE(r->servers, prev) << arrivals;
    EXPECT_GE(r->service_level, 0.95);
    if (r->servers > 0) {
      // One reviewer fewer misses the target: the answer is the smallest.
      EXPECT_LT(ServiceLevel({arrivals, 4}, r->servers - 1, 30, ServiceLevelKind::kDecided), 0.95);
    }
    prev = r->servers;
  }
  auto loose = RequiredServers({600, 4}, 0.95, 60, ServiceLevelKind::kDecided);
  auto tight = RequiredServers({600, 4}, 0.95, 15, ServiceLevelKind::kDecided);
  ASSERT_TRUE(loose.ok() && tight.ok());
  EXPECT_LE(loose->servers, tight->servers);
}

TEST(ErlangCTest, RejectsImpossibleAndBadParameters) {
  // Handling alone (mean 30 min) cannot finish 95% within 30 minutes.
  EXPECT_FALSE(RequiredServers({10, 30}, 0.95, 30, ServiceLevelKind::kDecided).ok());
  EXPECT_FALSE(RequiredServers({10, 0}, 0.95, 30, ServiceLevelKind::kDecided).ok());
  EXPECT_FALSE(RequiredServers({-1, 3}, 0.95, 30, ServiceLevelKind::kDecided).ok());
  EXPECT_FALSE(RequiredServers({10, 3}, 1.0, 30, ServiceLevelKind::kDecided).ok());
  EXPECT_FALSE(RequiredServers({10, 3}, 0.9, 0, ServiceLevelKind::kPickedUp).ok());
  EXPECT_FALSE(RequiredServers({1e9, 3}, 0.9, 30, ServiceLevelKind::kPickedUp, 1000).ok());
  auto none = RequiredServers({0, 3}, 0.9, 30, ServiceLevelKind::kPickedUp);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->servers, 0);
}

TEST(PercentileTest, NearestRankHandComputed) {
  // The nearest-rank example of the Wikipedia "Percentile" article.
  std::vector<double> v{35, 20, 15, 50, 40};
  EXPECT_EQ(PercentileNearestRank(v, 5), 15);
  EXPECT_EQ(PercentileNearestRank(v, 30), 20);
  EXPECT_EQ(PercentileNearestRank(v, 40), 20);
  EXPECT_EQ(PercentileNearestRank(v, 50), 35);
  EXPECT_EQ(PercentileNearestRank(v, 100), 50);
  std::vector<double> ten{10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  EXPECT_EQ(PercentileNearestRank(ten, 50), 5);
  EXPECT_EQ(PercentileNearestRank(ten, 90), 9);
  EXPECT_EQ(PercentileNearestRank(ten, 99), 10);
  EXPECT_EQ(PercentileNearestRank(ten, 0), 1);
  EXPECT_TRUE(std::isnan(PercentileNearestRank({}, 50)));
  EXPECT_DOUBLE_EQ(ShareAtMost(ten, 3), 0.3);
  EXPECT_DOUBLE_EQ(ShareAtMost({}, 3), 0);
}

}  // namespace
}  // namespace safegate::stats
