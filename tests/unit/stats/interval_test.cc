#include "safegate/stats/interval.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace safegate::stats {
namespace {

// Reference values were computed independently: Clopper-Pearson bounds by
// bisection on exact binomial sums in rational arithmetic (Python fractions),
// normal quantiles with Python's statistics.NormalDist, and they agree with
// R's binom.test / the published tables to the digits shown there.

// Exact P(X <= k) by summing the pmf in log space (small n only).
double ExactCdf(uint64_t k, uint64_t n, double p) {
  double sum = 0;
  for (uint64_t i = 0; i <= k && i <= n; ++i) {
    const double log_pmf = std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) +
                           i * std::log(p) + (n - i) * std::log1p(-p);
    sum += std::exp(log_pmf);
  }
  return sum;
}

TEST(NormalQuantile, MatchesReference) {
  EXPECT_NEAR(NormalQuantile(0.975), 1.9599639845400536, 1e-12);
  EXPECT_NEAR(NormalQuantile(0.025), -1.9599639845400538, 1e-12);
  EXPECT_NEAR(NormalQuantile(0.5), 0.0, 1e-15);
  EXPECT_NEAR(NormalQuantile(0.3), -0.5244005127080407, 1e-12);
  EXPECT_NEAR(NormalQuantile(0.8), 0.8416212335729144, 1e-12);
  EXPECT_NEAR(NormalQuantile(0.01), -2.3263478740408408, 1e-12);
  EXPECT_NEAR(NormalQuantile(0.001), -3.090232306167813, 1e-12);
  EXPECT_NEAR(NormalQuantile(1e-6), -4.753424308822899, 1e-11);
  EXPECT_NEAR(NormalQuantile(1e-10), -6.361340902404056, 1e-10);
  EXPECT_NEAR(NormalQuantile(0.999999), 4.753424308817089, 1e-9);
  EXPECT_TRUE(std::isinf(NormalQuantile(0)));
  EXPECT_TRUE(std::isinf(NormalQuantile(1)));
}

TEST(IncompleteBeta, KnownValuesAndSymmetry) {
  // I_x(1, 1) = x; I_x(1, b) = 1 - (1-x)^b; I_x(a, 1) = x^a.
  EXPECT_NEAR(IncompleteBeta(1, 1, 0.3), 0.3, 1e-14);
  EXPECT_NEAR(IncompleteBeta(1, 7, 0.2), 1 - std::pow(0.8, 7), 1e-14);
  EXPECT_NEAR(IncompleteBeta(5, 1, 0.6), std::pow(0.6, 5), 1e-14);
  // I_{1/2}(a, a) = 1/2.
  EXPECT_NEAR(IncompleteBeta(13.5, 13.5, 0.5), 0.5, 1e-13);
  EXPECT_NEAR(IncompleteBeta(2e6, 2e6, 0.5), 0.5, 1e-9);
  // I_x(a, b) = 1 - I_{1-x}(b, a).
  for (double x : {0.01, 0.2, 0.45, 0.7, 0.99}) {
    EXPECT_NEAR(IncompleteBeta(3.5, 9.25, x), 1 - IncompleteBeta(9.25, 3.5, 1 - x), 1e-13);
  }
  EXPECT_EQ(IncompleteBeta(2, 3, 0), 0);
  EXPECT_EQ(IncompleteBeta(2, 3, 1), 1);
  EXPECT_TRUE(std::isnan(IncompleteBeta(0, 3, 0.5)));
}

TEST(BinomialCdf, MatchesExactSums) {
  EXPECT_NEAR(BinomialCdf(1, 20, 0.05), 0.7358395249438499, 1e-12);
  EXPECT_NEAR(BinomialCdf(3, 50, 0.1), 0.2502939059533077, 1e-12);
  EXPECT_NEAR(BinomialCdf(7, 100, 0.05), 0.8720395213796212, 1e-12);
  for (uint64_t n : {1, 2, 7, 30, 200}) {
    for (double p : {0.001, 0.05, 0.3, 0.5, 0.9}) {
      for (uint64_t k = 0; k <= n; k += (n / 10 + 1)) {
        EXPECT_NEAR(BinomialCdf(k, n, p), ExactCdf(k, n, p), 1e-11) << k << "/" << n << " p=" << p;
      }
    }
  }
  EXPECT_EQ(BinomialCdf(5, 5, 0.3), 1);
  EXPECT_EQ(BinomialCdf(0, 5, 0), 1);
  EXPECT_EQ(BinomialCdf(4, 5, 1), 0);
  // Huge n: the normal approximation is accurate here.
  const double n = 1e9, p = 0.05;
  const double sd = std::sqrt(n * p * (1 - p));
  EXPECT_NEAR(BinomialCdf(static_cast<uint64_t>(n * p), 1000000000, p), 0.5, 1e-3);
  EXPECT_NEAR(BinomialCdf(static_cast<uint64_t>(n * p + 2 * sd), 1000000000, p), 0.97725, 1e-3);
}

TEST(BetaQuantile, InvertsIncompleteBeta) {
  for (double a : {0.5, 1.0, 3.0, 40.0, 1e5}) {
    for (double b : {0.7, 2.0, 25.0, 3e6}) {
      for (double p : {1e-6, 0.025, 0.5, 0.975, 0.999}) {
        const double x = BetaQuantile(p, a, b);
        ASSERT_GE(x, 0);
        ASSERT_LE(x, 1);
        EXPECT_NEAR(IncompleteBeta(a, b, x), p, 1e-9 * std::max(1.0, p * 100))
            << "a=" << a << " b=" << b << " p=" << p;
      }
    }
  }
  EXPECT_EQ(BetaQuantile(0, 2, 3), 0);
  EXPECT_EQ(BetaQuantile(1, 2, 3), 1);
}

struct CpCase {
  uint64_t k, n;
  double lo, hi;
};

TEST(ClopperPearson, PublishedValues) {
  const CpCase cases[] = {
      {0, 10, 0.0, 0.308497107819},
      {1, 10, 0.002528578544, 0.445016117028},
      {5, 100, 0.016431879182, 0.112834911105},
      {3, 20, 0.032070937185, 0.378926826545},
      {10, 10, 0.691502892181, 1.0},
      {0, 1, 0.0, 0.975},
      {1, 1, 0.025, 1.0},
      {37, 50, 0.596552321272, 0.853699415603},
      {20, 400, 0.030805241143, 0.076166972755},
      {1, 30, 0.000843570927, 0.172169455633},
      {50, 200, 0.191607169623, 0.315962833330},
  };
  for (const CpCase& c : cases) {
    Interval ci = ClopperPearson(c.k, c.n);
    EXPECT_NEAR(ci.lo, c.lo, 1e-10) << c.k << "/" << c.n;
    EXPECT_NEAR(ci.hi, c.hi, 1e-10) << c.k << "/" << c.n;
  }
  // The values usually quoted to five digits.
  EXPECT_NEAR(ClopperPearson(0, 10).hi, 0.30850, 5e-6);
  EXPECT_NEAR(ClopperPearson(1, 10).lo, 0.00253, 5e-6);
  EXPECT_NEAR(ClopperPearson(1, 10).hi, 0.44502, 5e-6);
  EXPECT_NEAR(ClopperPearson(5, 100).lo, 0.01643, 5e-6);
  EXPECT_NEAR(ClopperPearson(5, 100).hi, 0.1128349, 5e-8);  // R: 0.1128349
  // Another confidence level.
  Interval ci99 = ClopperPearson(3, 20, 0.99);
  EXPECT_NEAR(ci99.lo, 0.017642637954, 1e-10);
  EXPECT_NEAR(ci99.hi, 0.449465406739, 1e-10);
}

TEST(ClopperPearson, BoundsSolveTheTailEquations) {
  // By definition: P(X <= k | hi) = alpha/2 and P(X >= k | lo) = alpha/2.
  for (uint64_t n : {5, 40, 1000, 123457}) {
    for (uint64_t k : {uint64_t{1}, n / 7 + 1, n / 2, n - 1}) {
      Interval ci = ClopperPearson(k, n);
      EXPECT_NEAR(BinomialCdf(k, n, ci.hi), 0.025, 1e-9) << k << "/" << n;
      EXPECT_NEAR(1 - BinomialCdf(k - 1, n, ci.lo), 0.025, 1e-9) << k << "/" << n;
    }
  }
}

TEST(Wilson, PublishedValues) {
  Interval w = Wilson(5, 100);
  EXPECT_NEAR(w.lo, 0.02154, 5e-6);
  EXPECT_NEAR(w.hi, 0.11175, 5e-6);
  // 0/10: [0, z^2 / (n + z^2)].
  const double z = 1.959963984540054;
  EXPECT_EQ(Wilson(0, 10).lo, 0);
  EXPECT_NEAR(Wilson(0, 10).hi, z * z / (10 + z * z), 1e-12);
  EXPECT_EQ(Wilson(10, 10).hi, 1);
  EXPECT_NEAR(Wilson(10, 10).lo, 10 / (10 + z * z), 1e-12);
}

TEST(Intervals, EdgeCases) {
  for (auto f : {&Wilson, &ClopperPearson}) {
    Interval e = f(0, 0, 0.95);
    EXPECT_EQ(e.lo, 0);
    EXPECT_EQ(e.hi, 1);
    Interval z = f(0, 1, 0.95);
    EXPECT_EQ(z.lo, 0);
    EXPECT_GT(z.hi, 0.5);
    Interval o = f(1, 1, 0.95);
    EXPECT_EQ(o.hi, 1);
    EXPECT_LT(o.lo, 0.5);
    // Huge n.
    const uint64_t big = 1000000000;
    for (uint64_t k : {uint64_t{0}, uint64_t{1}, uint64_t{50000000}, big - 1, big}) {
      Interval ci = f(k, big, 0.95);
      const double p = static_cast<double>(k) / big;
      EXPECT_LE(ci.lo, p);
      EXPECT_GE(ci.hi, p);
      EXPECT_GE(ci.lo, 0);
      EXPECT_LE(ci.hi, 1);
      EXPECT_LT(ci.hi - ci.lo, 1e-4);
    }
  }
  // At 5% of 1e9, both intervals are p +- 1.96 sqrt(p q / n) to many digits.
  const double half = 1.959963984540054 * std::sqrt(0.05 * 0.95 / 1e9);
  EXPECT_NEAR(ClopperPearson(50000000, 1000000000).lo, 0.05 - half, 1e-8);
  EXPECT_NEAR(ClopperPearson(50000000, 1000000000).hi, 0.05 + half, 1e-8);
  EXPECT_NEAR(Wilson(50000000, 1000000000).lo, 0.05 - half, 1e-8);
  // 0 of 1e9: the rule of three, about 3.69 / n at 97.5% one-sided.
  EXPECT_NEAR(ClopperPearson(0, 1000000000).hi, -std::log(0.025) / 1e9, 1e-15);
  // At n = 1e9 with k = 1 the Beta continued fraction is badly conditioned
  // (1 - x is rounded); the bound is still right to ~1e-6 relative.
  EXPECT_NEAR(BinomialCdf(1, 1000000000, ClopperPearson(1, 1000000000).hi), 0.025, 1e-6);
}

TEST(Intervals, Monotonicity) {
  for (uint64_t n : {1, 10, 57, 400}) {
    Interval prev_w = Wilson(0, n), prev_c = ClopperPearson(0, n);
    for (uint64_t k = 1; k <= n; ++k) {
      Interval w = Wilson(k, n), c = ClopperPearson(k, n);
      EXPECT_GT(w.lo, prev_w.lo);
      EXPECT_GT(w.hi, prev_w.hi - 1e-15);
      EXPECT_GT(c.lo, prev_c.lo);
      EXPECT_GT(c.hi, prev_c.hi - 1e-15);
      prev_w = w;
      prev_c = c;
    }
  }
  // Higher confidence, wider interval; more data, narrower interval.
  EXPECT_LT(ClopperPearson(7, 50, 0.99).lo, ClopperPearson(7, 50, 0.9).lo);
  EXPECT_GT(Wilson(7, 50, 0.99).hi, Wilson(7, 50, 0.9).hi);
  EXPECT_LT(ClopperPearson(70, 500).hi - ClopperPearson(70, 500).lo,
            ClopperPearson(7, 50).hi - ClopperPearson(7, 50).lo);
}

// Exact coverage: sum of pmf(k) over k whose interval contains p.
double ExactCoverage(uint64_t n, double p, Interval (*f)(uint64_t, uint64_t, double)) {
  double cover = 0;
  for (uint64_t k = 0; k <= n; ++k) {
    Interval ci = f(k, n, 0.95);
    if (ci.lo <= p && p <= ci.hi) {
      cover += (k == 0 ? BinomialCdf(0, n, p) : BinomialCdf(k, n, p) - BinomialCdf(k - 1, n, p));
    }
  }
  return cover;
}

TEST(Intervals, Coverage) {
  const uint64_t n = 400;
  const std::vector<double> rates = {0.02, 0.05, 0.1, 0.3};
  std::vector<Interval> wilson(n + 1), cp(n + 1);
  for (uint64_t k = 0; k <= n; ++k) {
    wilson[k] = Wilson(k, n);
    cp[k] = ClopperPearson(k, n);
  }
  // Exact coverage: Clopper-Pearson is conservative at every p; Wilson is
  // close to nominal on average.
  double exact_wilson = 0;
  for (double p : rates) {
    EXPECT_GE(ExactCoverage(n, p, &ClopperPearson), 0.95) << p;
    exact_wilson += ExactCoverage(n, p, &Wilson) / rates.size();
  }
  EXPECT_NEAR(exact_wilson, 0.95, 0.01);

  // Simulation with a fixed seed (deterministic): 20000 draws per rate.
  std::mt19937_64 rng(20240229);
  const int draws = 20000;
  double sim_wilson = 0, sim_cp = 0;
  for (double p : rates) {
    std::binomial_distribution<uint64_t> binom(n, p);
    int in_w = 0, in_c = 0;
    for (int i = 0; i < draws; ++i) {
      const uint64_t k = binom(rng);
      in_w += wilson[k].lo <= p && p <= wilson[k].hi;
      in_c += cp[k].lo <= p && p <= cp[k].hi;
    }
    sim_wilson += static_cast<double>(in_w) / draws / rates.size();
    sim_cp += static_cast<double>(in_c) / draws / rates.size();
  }
  EXPECT_NEAR(sim_wilson, 0.95, 0.01);
  EXPECT_GE(sim_cp, 0.95);
}

TEST(Verdict, PointRule) {
  ThresholdTest t;  // 5%, point estimate
  EXPECT_EQ(VerdictRuleName(t.rule), "point");
  EXPECT_TRUE(Passes(1, 20, t));
  EXPECT_FALSE(Passes(2, 20, t));
  EXPECT_TRUE(Passes(5, 100, t));
  EXPECT_FALSE(Passes(6, 100, t));
  EXPECT_FALSE(Passes(0, 0, t));
  EXPECT_EQ(MaxPassingCount(20, t), 1);
  EXPECT_EQ(MaxPassingCount(100, t), 5);
  EXPECT_EQ(MaxPassingCount(19, t), 0);
  EXPECT_EQ(MaxPassingCount(0, t), -1);
  EXPECT_EQ(MaxPassingCount(1000000000, t), 50000000);
  ThresholdTest t7{0.07, VerdictRule::kPointEstimate, 0.95};
  EXPECT_EQ(MaxPassingCount(100, t7), 7);
  EXPECT_EQ(MaxPassingCount(300, t7), 21);
  ThresholdTest neg{-0.1, VerdictRule::kPointEstimate, 0.95};
  EXPECT_EQ(MaxPassingCount(10, neg), -1);
  EXPECT_EQ(OperatingCharacteristic(10, 0.01, neg), 0);
}

TEST(Verdict, UpperBoundRule) {
  ThresholdTest t{0.05, VerdictRule::kUpperBound, 0.95};
  EXPECT_EQ(VerdictRuleName(t.rule), "upper-bound");
  // 0 of 59 has upper bound 1 - 0.025^(1/59) = 0.0606 > 5%; 0 of 73 is 0.0493.
  EXPECT_FALSE(Passes(0, 59, t));
  EXPECT_TRUE(Passes(0, 73, t));
  EXPECT_EQ(MaxPassingCount(20, t), -1);
  const uint64_t n = 1000;
  const int64_t m = MaxPassingCount(n, t);
  ASSERT_GE(m, 0);
  EXPECT_LE(ClopperPearson(m, n).hi, 0.05);
  EXPECT_GT(ClopperPearson(m + 1, n).hi, 0.05);
  EXPECT_LT(m, 50);
}

TEST(OperatingCharacteristic, ExactSums) {
  ThresholdTest t;
  // n = 20, 5%: passes with at most 1 bad item, so OC(p) = P(X <= 1).
  EXPECT_NEAR(OperatingCharacteristic(20, 0.05, t), 0.7358395249438499, 1e-12);
  for (double p : {0.0, 0.01, 0.05, 0.1, 0.2, 0.5}) {
    const double direct = std::pow(1 - p, 20) + 20 * p * std::pow(1 - p, 19);
    EXPECT_NEAR(OperatingCharacteristic(20, p, t), direct, 1e-12) << p;
  }
  // Small n against exact pmf sums, every rate and both rules.
  for (VerdictRule rule : {VerdictRule::kPointEstimate, VerdictRule::kUpperBound}) {
    ThresholdTest tt{0.1, rule, 0.95};
    for (uint64_t n : {10, 33, 120}) {
      const int64_t m = MaxPassingCount(n, tt);
      for (double p : {0.02, 0.1, 0.25}) {
        const double expect = m < 0 ? 0 : ExactCdf(m, n, p);
        EXPECT_NEAR(OperatingCharacteristic(n, p, tt), expect, 1e-11);
      }
    }
  }
}

TEST(OperatingCharacteristic, DecreasingInRateIncreasingInThreshold) {
  ThresholdTest t;
  double prev = 2;
  for (double p = 0; p <= 1.0; p += 0.01) {
    const double oc = OperatingCharacteristic(200, p, t);
    EXPECT_LE(oc, prev + 1e-15) << p;
    EXPECT_GE(oc, 0);
    EXPECT_LE(oc, 1);
    prev = oc;
  }
  EXPECT_EQ(OperatingCharacteristic(200, 0, t), 1);
  EXPECT_EQ(OperatingCharacteristic(200, 1, t), 0);
  // A looser threshold passes more often.
  prev = -1;
  for (double thr : {0.01, 0.03, 0.05, 0.08, 0.2}) {
    const double oc = OperatingCharacteristic(200, 0.05, ThresholdTest{thr});
    EXPECT_GE(oc, prev);
    prev = oc;
  }
  // The upper-bound rule is stricter than the point rule.
  ThresholdTest ub{0.05, VerdictRule::kUpperBound, 0.95};
  EXPECT_LT(OperatingCharacteristic(4000, 0.04, ub), OperatingCharacteristic(4000, 0.04, t));
  // At the limit with large n, the point rule passes about half the time.
  EXPECT_NEAR(OperatingCharacteristic(100000, 0.05, t), 0.5, 0.01);
}

}  // namespace
}  // namespace safegate::stats
