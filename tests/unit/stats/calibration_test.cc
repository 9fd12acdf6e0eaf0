// Platt scaling against closed-form and simulated cases, and the expected
// calibration error against hand-computed and simulated cases.
#include "safegate/stats/calibration.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace safegate::stats {
namespace {

double Sigmoid(double z) {
  return 1 / (1 + std::exp(-z));
}

TEST(PlattTest, TwoScoreValuesGiveTheSmoothedRateAtEach) {
  // With two distinct scores the two parameters fit each score's mean target
  // exactly. 5 positives, 3 negatives: t+ = 6/7, t- = 1/5.
  // s = 0: 1 positive, 2 negatives; s = 1: 4 positives, 1 negative.
  std::vector<double> s = {0, 0, 0, 1, 1, 1, 1, 1};
  std::vector<uint8_t> y = {1, 0, 0, 1, 1, 1, 1, 0};
  auto fit = FitPlatt(s, y);
  ASSERT_TRUE(fit.ok()) << fit.status().message();
  EXPECT_NEAR(fit->Apply(0), (6.0 / 7 + 2.0 / 5) / 3, 1e-9);
  EXPECT_NEAR(fit->Apply(1), (4 * 6.0 / 7 + 1.0 / 5) / 5, 1e-9);
  // Without smoothing: the raw rates 1/3 and 4/5.
  PlattOptions raw;
  raw.smooth_targets = false;
  auto fit_raw = FitPlatt(s, y, raw);
  ASSERT_TRUE(fit_raw.ok());
  EXPECT_NEAR(fit_raw->Apply(0), 1.0 / 3, 1e-9);
  EXPECT_NEAR(fit_raw->Apply(1), 4.0 / 5, 1e-9);
  EXPECT_NEAR(fit_raw->b, std::log(0.5), 1e-9);
  EXPECT_NEAR(fit_raw->a, std::log(4.0) - std::log(0.5), 1e-9);
}

TEST(PlattTest, RecoversTheParametersThatGeneratedTheData) {
  // y ~ Bernoulli(sigmoid(2 s - 1)), s uniform on [-4, 4].
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-4, 4), v(0, 1);
  std::vector<double> s(40000);
  std::vector<uint8_t> y(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    s[i] = u(rng);
    y[i] = v(rng) < Sigmoid(2 * s[i] - 1);
  }
  auto fit = FitPlatt(s, y);
  ASSERT_TRUE(fit.ok()) << fit.status().message();
  EXPECT_NEAR(fit->a, 2.0, 0.08);
  EXPECT_NEAR(fit->b, -1.0, 0.06);
  // A score that is the negated log-odds gives a negative slope.
  for (auto& x : s) x = -x;
  auto neg = FitPlatt(s, y);
  ASSERT_TRUE(neg.ok());
  EXPECT_NEAR(neg->a, -fit->a, 1e-6);
  EXPECT_NEAR(neg->b, fit->b, 1e-6);
}

TEST(PlattTest, SeparableDataStaysFiniteWithSmoothedTargets) {
  std::vector<double> s = {-3, -2, -1, 1, 2, 3};
  std::vector<uint8_t> y = {0, 0, 0, 1, 1, 1};
  auto fit = FitPlatt(s, y);
  ASSERT_TRUE(fit.ok());
  EXPECT_TRUE(std::isfinite(fit->a));
  EXPECT_GT(fit->a, 0);
  // The targets are 4/5 and 1/5: the fit never claims certainty.
  EXPECT_LT(fit->Apply(3), 0.99);
  EXPECT_GT(fit->Apply(-3), 0.01);
  EXPECT_GT(fit->Apply(3), 0.75);
  EXPECT_LT(fit->Apply(-3), 0.25);
}

TEST(PlattTest, OneOutcomeOnlyGivesItsSmoothedRate) {
  std::vector<double> s = {0.5, 0.5, 0.5, 0.5};
  std::vector<uint8_t> y = {0, 0, 0, 0};
  auto fit = FitPlatt(s, y);
  ASSERT_TRUE(fit.ok());
  EXPECT_NEAR(fit->Apply(0.5), 1.0 / 6, 1e-9);  // t- = 1 / (4 + 2)
}

TEST(PlattTest, RejectsBadInput) {
  std::vector<double> s = {0, 1};
  std::vector<uint8_t> y1 = {1};
  EXPECT_EQ(FitPlatt(s, y1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(FitPlatt({}, {}).status().code(), StatusCode::kInvalidArgument);
  std::vector<double> nan = {0, std::nan("")};
  std::vector<uint8_t> y2 = {0, 1};
  auto r = FitPlatt(nan, y2);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("score 1"), std::string::npos);
}

TEST(CalibrationTest, HandComputedBins) {
  // 4 bins. Bin 0: p 0.1, 0.2 with y 0, 1 (rate 0.5, mean 0.15, gap 0.35);
  // bin 3: p 0.9, 1.0 (1.0 falls in the last bin) with y 1, 1 (gap 0.05).
  // ECE = 0.5 * 0.35 + 0.5 * 0.05 = 0.2; MCE = 0.35;
  // Brier = (0.01 + 0.64 + 0.01 + 0) / 4 = 0.165.
  std::vector<double> p = {0.1, 0.2, 0.9, 1.0};
  std::vector<uint8_t> y = {0, 1, 1, 1};
  auto r = Calibration(p, y, 4);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_NEAR(r->ece, 0.2, 1e-12);
  EXPECT_NEAR(r->mce, 0.35, 1e-12);
  EXPECT_NEAR(r->brier, 0.165, 1e-12);
  ASSERT_EQ(r->bins.size(), 4u);
  EXPECT_EQ(r->bins[0].count, 2u);
  EXPECT_EQ(r->bins[1].count, 0u);
  EXPECT_EQ(r->bins[3].count, 2u);
  EXPECT_NEAR(r->bins[3].lo, 0.75, 1e-12);
  EXPECT_NEAR(r->bins[3].hi, 1.0, 1e-12);
  EXPECT_NEAR(r->bins[0].mean_probability, 0.15, 1e-12);
  EXPECT_NEAR(r->bins[0].observed_rate, 0.5, 1e-12);
}

TEST(CalibrationTest, CalibratedDataHasSmallErrorAndMiscalibratedLarge) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  const size_t n = 200000;
  std::vector<double> p(n);
  std::vector<uint8_t> good(n), bad(n);
  for (size_t i = 0; i < n; ++i) {
    p[i] = u(rng);
    double v = u(rng);
    good[i] = v < p[i];
    bad[i] = v < p[i] * p[i];  // the true rate is p^2: E|p - p^2| = 1/6
  }
  auto g = ExpectedCalibrationError(p, good);
  auto b = ExpectedCalibrationError(p, bad);
  ASSERT_TRUE(g.ok() && b.ok());
  EXPECT_LT(*g, 0.01);
  // Binning to 10 bins: sum over bins of 0.1 * (m - m^2 - 1/1200), m the
  // bin centre, = 1/6 - 0.1 * 10 / 1200 = 0.165833.
  EXPECT_NEAR(*b, 0.165833, 0.006);
  // Platt scaling of the logit repairs a distortion of the log-odds.
  std::vector<double> logit(n);
  std::vector<uint8_t> sharp(n);
  for (size_t i = 0; i < n; ++i) {
    logit[i] = std::log(p[i] / (1 - p[i]));
    sharp[i] = u(rng) < Sigmoid(0.5 * logit[i] + 0.3);  // overconfident p
  }
  auto before = ExpectedCalibrationError(p, sharp);
  auto fit = FitPlatt(logit, sharp);
  ASSERT_TRUE(before.ok() && fit.ok());
  std::vector<double> fixed(n);
  for (size_t i = 0; i < n; ++i) fixed[i] = fit->Apply(logit[i]);
  auto after = ExpectedCalibrationError(fixed, sharp);
  ASSERT_TRUE(after.ok());
  EXPECT_GT(*before, 0.05);
  EXPECT_LT(*after, 0.01);
  EXPECT_NEAR(fit->a, 0.5, 0.03);
  EXPECT_NEAR(fit->b, 0.3, 0.03);
}

TEST(CalibrationTest, RejectsBadInput) {
  std::vector<double> p = {0.5, 1.5};
  std::vector<uint8_t> y = {0, 1};
  auto r = Calibration(p, y);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("probability 1"), std::string::npos);
  std::vector<double> ok = {0.5, 0.5};
  EXPECT_EQ(Calibration(ok, y, 0).status().code(), StatusCode::kInvalidArgument);
  std::vector<uint8_t> short_y = {0};
  EXPECT_EQ(Calibration(ok, short_y).status().code(), StatusCode::kInvalidArgument);
  std::vector<double> nan = {std::nan(""), 0.5};
  EXPECT_EQ(Calibration(nan, y).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace safegate::stats
