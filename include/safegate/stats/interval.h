// Binomial proportions: confidence intervals, threshold verdicts and the
// operating characteristic of a sampling plan.
//
// Everything here is a pure function of counts; thread-safe. Intervals are
// two-sided at `confidence` (default 0.95) and always within [0, 1].
//
// References: Wilson (1927) score interval; Clopper and Pearson (1934) exact
// interval via Beta quantiles; the regularised incomplete beta function by
// Lentz's continued fraction (as in Numerical Recipes, 3rd ed., 6.4).
#pragma once

#include <cstdint>
#include <string_view>

namespace safegate::stats {

struct Interval {
  double lo = 0;
  double hi = 1;
};

// Wilson score interval for k successes in n trials. n == 0 gives [0, 1].
Interval Wilson(uint64_t k, uint64_t n, double confidence = 0.95);

// Exact Clopper-Pearson interval. n == 0 gives [0, 1]; k == 0 gives lo = 0,
// k == n gives hi = 1.
Interval ClopperPearson(uint64_t k, uint64_t n, double confidence = 0.95);

// Standard normal quantile (Acklam's algorithm refined by one Halley step;
// absolute error below 1e-12 on (0, 1)).
double NormalQuantile(double p);

// Regularised incomplete beta I_x(a, b), a > 0, b > 0, 0 <= x <= 1.
double IncompleteBeta(double a, double b, double x);

// The x with I_x(a, b) = p (bisection refined by Newton; |error| < 1e-12).
double BetaQuantile(double p, double a, double b);

// P(X <= k) for X ~ Binomial(n, p), computed in log space (exact for n up to
// billions; uses IncompleteBeta).
double BinomialCdf(uint64_t k, uint64_t n, double p);

// How a measured rate is compared with a maximum allowed rate.
enum class VerdictRule {
  kPointEstimate,  // pass when k/n <= threshold (the regime's reading; default)
  kUpperBound,     // pass when the Clopper-Pearson upper bound <= threshold
};

std::string_view VerdictRuleName(VerdictRule rule);  // "point" / "upper-bound"

struct ThresholdTest {
  double threshold = 0.05;  // maximum allowed rate of "bad" items
  VerdictRule rule = VerdictRule::kPointEstimate;
  double confidence = 0.95;  // used by kUpperBound
};

// True when k bad items out of n pass the test. n == 0 never passes.
bool Passes(uint64_t k, uint64_t n, const ThresholdTest& test);

// The largest k that passes at this n, or -1 when none does.
int64_t MaxPassingCount(uint64_t n, const ThresholdTest& test);

// Operating characteristic: the probability that a source whose true bad rate
// is `true_rate` passes when n items are sampled: P(X <= MaxPassingCount(n)),
// X ~ Binomial(n, true_rate). At true_rate == threshold this is the chance that
// a source exactly at the limit passes.
double OperatingCharacteristic(uint64_t n, double true_rate, const ThresholdTest& test);

// For a minimum-rate requirement ("qualified rate at least 96%") the same
// functions apply to the complementary count: bad = n - qualified, threshold =
// 1 - minimum.

}  // namespace safegate::stats
