// The prediction-powered rate against hand-computed cases, and its coverage by
// simulation next to the machine-only interval.
#include "safegate/stats/ppi.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <numeric>
#include <random>
#include <vector>

namespace safegate::stats {
namespace {

// Reference values computed by hand from the formula in ppi.h (checked with
// Python's statistics.NormalDist for z = 1.959964).

TEST(PpiProportion, SmallSample) {
  // N = 10, 4 machine positives; 4 reviewed: 2 agree positive, 1 the judge
  // missed (d = +1), 1 agree negative.
  // theta = 0.4 + 1/4 = 0.65; s_f^2 = 0.4 * 0.6 * 10/9; s_d^2 = (1 - 4 * 0.25^2) / 3 = 0.25;
  // se = sqrt(0.266667/10 + 0.25/4) = 0.298608; 0.65 -/+ 0.585262, clipped.
  auto r = PpiProportion(4, 10, {2, 1, 0, 1});
  ASSERT_TRUE(r.has_value());
  EXPECT_NEAR(r->rate, 0.65, 1e-12);
  EXPECT_NEAR(r->std_error, 0.29860788, 1e-7);
  EXPECT_NEAR(r->interval.lo, 0.06473931, 1e-7);
  EXPECT_EQ(r->interval.hi, 1.0);
  EXPECT_EQ(r->n_human, 4u);
  EXPECT_EQ(r->n_machine, 10u);
}

TEST(PpiProportion, AllAgreeLeavesTheMachineRate) {
  // The judge agrees with every human label: no correction, and only the
  // machine term's variance: 0.3 -/+ 1.96 * sqrt(0.3 * 0.7 * 100/99 / 100).
  auto r = PpiProportion(30, 100, {6, 0, 0, 14});
  ASSERT_TRUE(r.has_value());
  EXPECT_NEAR(r->rate, 0.3, 1e-12);
  EXPECT_NEAR(r->interval.lo, 0.20973069, 1e-7);
  EXPECT_NEAR(r->interval.hi, 0.39026931, 1e-7);
  JudgeAgreement a = CompareWithHumans({6, 0, 0, 14});
  EXPECT_EQ(a.n, 20u);
  EXPECT_EQ(a.agreement.rate, 1.0);
  EXPECT_EQ(a.sensitivity.k, 6u);
  EXPECT_EQ(a.sensitivity.n, 6u);
  EXPECT_EQ(a.specificity.rate, 1.0);
}

TEST(PpiProportion, AllDisagreeMovesTheRateAndWidensTheInterval) {
  // Every human label differs: 14 missed (+1), 6 false alarms (-1):
  // theta = 0.3 + 8/20 = 0.7; s_d^2 = (20 - 20 * 0.4^2) / 19 = 0.884211;
  // se = sqrt(0.00212121 + 0.0442105) = 0.215248.
  auto r = PpiProportion(30, 100, {0, 14, 6, 0});
  ASSERT_TRUE(r.has_value());
  EXPECT_NEAR(r->rate, 0.7, 1e-12);
  EXPECT_NEAR(r->std_error, 0.21524809, 1e-7);
  EXPECT_NEAR(r->interval.lo, 0.27812150, 1e-7);
  EXPECT_EQ(r->interval.hi, 1.0);
  JudgeAgreement a = CompareWithHumans({0, 14, 6, 0});
  EXPECT_EQ(a.agreement.k, 0u);
  EXPECT_EQ(a.sensitivity.rate, 0.0);
  EXPECT_EQ(a.sensitivity.n, 14u);
  EXPECT_EQ(a.specificity.n, 6u);
  // Wilson 0/14 = [0, 0.215311].
  EXPECT_NEAR(a.sensitivity.wilson.hi, 0.21531080, 1e-7);
}

TEST(PpiProportion, NoHumanLabelsNoFigure) {
  EXPECT_FALSE(PpiProportion(30, 100, {}).has_value());
  EXPECT_FALSE(PpiProportion(0, 0, {1, 0, 0, 0}).has_value());
  EXPECT_FALSE(PpiProportion(3, 2, {1, 0, 0, 0}).has_value());  // more positives than items
  JudgeAgreement a = CompareWithHumans({});
  EXPECT_EQ(a.n, 0u);
  EXPECT_EQ(a.agreement.wilson.lo, 0.0);
  EXPECT_EQ(a.agreement.wilson.hi, 1.0);
  // One human label: a corrected point, but no variance of the corrections.
  auto one = PpiProportion(5, 10, {0, 1, 0, 0});
  ASSERT_TRUE(one.has_value());
  EXPECT_NEAR(one->rate, 1.0, 1e-12);
  EXPECT_EQ(one->interval.lo, 0.0);
  EXPECT_EQ(one->interval.hi, 1.0);
}

TEST(PpiProportion, WilsonIntervalsOfTheJudge) {
  // 3 of 4 human positives found, 2 of 3 human negatives cleared.
  JudgeAgreement a = CompareWithHumans({3, 1, 1, 2});
  EXPECT_NEAR(a.agreement.rate, 5.0 / 7, 1e-12);
  EXPECT_NEAR(a.sensitivity.rate, 0.75, 1e-12);
  EXPECT_NEAR(a.sensitivity.wilson.lo, 0.30064184, 1e-7);
  EXPECT_NEAR(a.sensitivity.wilson.hi, 0.95441274, 1e-7);
  EXPECT_NEAR(a.specificity.wilson.lo, 0.20765960, 1e-7);
  EXPECT_NEAR(a.specificity.wilson.hi, 0.93850806, 1e-7);
}

// A judge that misses 20% of the positives and raises a false alarm on 5% of
// the negatives, on 2,000 items with a true positive rate of 10%; 100 of them
// reviewed by people (uniform without replacement). Over 2,000 seeded
// repetitions the corrected 95% interval covers the true rate about 95% of
// the time; the machine-only Wilson interval, centred on the biased machine
// rate (0.8 * 0.1 + 0.05 * 0.9 = 12.5%), almost never does.
TEST(PpiProportion, CoverageBySimulation) {
  constexpr int kReps = 2000;
  constexpr int kItems = 2000;
  constexpr int kReviewed = 100;
  constexpr double kTrue = 0.10, kMiss = 0.20, kFalseAlarm = 0.05;
  std::mt19937_64 rng(20231101);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<uint8_t> y(kItems), f(kItems);
  std::vector<int> idx(kItems);
  int corrected_covers = 0, machine_covers = 0;
  for (int rep = 0; rep < kReps; ++rep) {
    uint64_t machine_positive = 0;
    for (int i = 0; i < kItems; ++i) {
      y[i] = u(rng) < kTrue;
      f[i] = y[i] ? u(rng) >= kMiss : u(rng) < kFalseAlarm;
      machine_positive += f[i];
    }
    std::iota(idx.begin(), idx.end(), 0);
    LabelPairs pairs;
    for (int j = 0; j < kReviewed; ++j) {  // partial Fisher-Yates: a uniform sample
      std::uniform_int_distribution<int> pick(j, kItems - 1);
      std::swap(idx[j], idx[pick(rng)]);
      int i = idx[j];
      if (y[i] && f[i]) pairs.both_positive++;
      if (y[i] && !f[i]) pairs.human_only++;
      if (!y[i] && f[i]) pairs.machine_only++;
      if (!y[i] && !f[i]) pairs.both_negative++;
    }
    auto c = PpiProportion(machine_positive, kItems, pairs);
    ASSERT_TRUE(c.has_value());
    corrected_covers += c->interval.lo <= kTrue && kTrue <= c->interval.hi;
    Interval m = Wilson(machine_positive, kItems);
    machine_covers += m.lo <= kTrue && kTrue <= m.hi;
  }
  double corrected = static_cast<double>(corrected_covers) / kReps;
  double machine = static_cast<double>(machine_covers) / kReps;
  std::printf(
      "coverage of the 95%% intervals over %d repetitions: corrected (PPI) %.4f, "
      "machine-only (Wilson) %.4f\n",
      kReps, corrected, machine);
  EXPECT_GE(corrected, 0.94);
  EXPECT_LE(corrected, 0.96);
  EXPECT_LT(machine, 0.50);
}

}  // namespace
}  // namespace safegate::stats
