// Binomial intervals and verdicts. See interval.h for the contracts.
//
// Numerics, written for this file:
//   * log-gamma: Lanczos (g = 7, 9 terms) for small arguments; for the log of
//     the Beta function with both arguments large, Stirling's series arranged
//     so that the huge terms cancel analytically (needed for n ~ 1e9).
//   * I_x(a, b): the continued fraction of Numerical Recipes 6.4 evaluated by
//     the modified Lentz method, with the symmetry I_x(a,b) = 1 - I_{1-x}(b,a)
//     so that the fraction is always used where it converges fast.
//   * Beta quantile: Newton steps on I_x(a,b) - p kept inside a bisection
//     bracket, so a bad step can never leave [0, 1].
#include "safegate/stats/interval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace safegate::stats {
namespace {

constexpr double kLogSqrt2Pi = 0.91893853320467274178;  // log(sqrt(2 pi))

// log Gamma(x) for x > 0 (Lanczos, g = 7, relative error ~1e-15).
double LogGamma(double x) {
  static constexpr double kCoef[9] = {
      0.99999999999980993,  676.5203681218851,     -1259.1392167224028,
      771.32342877765313,   -176.61502916214059,   12.507343278686905,
      -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
  if (x < 0.5) {
    // Reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x); here 0 < x < 0.5.
    return std::log(std::numbers::pi / std::sin(std::numbers::pi * x)) - LogGamma(1.0 - x);
  }
  x -= 1.0;
  double sum = kCoef[0];
  for (int i = 1; i < 9; ++i) sum += kCoef[i] / (x + i);
  const double t = x + 7.5;
  return kLogSqrt2Pi + (x + 0.5) * std::log(t) - t + std::log(sum);
}

// Stirling's correction: log Gamma(x) - [(x - 1/2) log x - x + log sqrt(2 pi)],
// for x >= 10 (error below 1e-13).
double StirlingCorrection(double x) {
  const double r = 1.0 / x;
  const double r2 = r * r;
  return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 / 1188))));
}

// log of the front factor x^a (1-x)^b / B(a, b) of the incomplete beta series.
double LogFrontFactor(double a, double b, double x) {
  if (a >= 10 && b >= 10) {
    // Stirling for all three Gammas; the O(a log a) terms cancel exactly:
    // a log x + b log(1-x) - log B(a,b)
    //   = a log(x (a+b)/a) + b log((1-x)(a+b)/b)
    //     + 1/2 log(a b / (a+b)) - log sqrt(2 pi) - corr(a) - corr(b) + corr(a+b).
    const double s = a + b;
    const double la = std::log1p((x * s - a) / a);
    const double lb = std::log1p(((1.0 - x) * s - b) / b);
    return a * la + b * lb + 0.5 * (std::log(a) + std::log(b) - std::log(s)) - kLogSqrt2Pi -
           StirlingCorrection(a) - StirlingCorrection(b) + StirlingCorrection(s);
  }
  const double log_beta = LogGamma(a) + LogGamma(b) - LogGamma(a + b);
  return a * std::log(x) + b * std::log1p(-x) - log_beta;
}

// The continued fraction for I_x(a, b) (without the front factor), by the
// modified Lentz method. Converges quickly for x < (a + 1) / (a + b + 2).
double BetaContinuedFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEps = 1e-16;
  const double max_iter = 1000.0 + 20.0 * std::sqrt(std::max(a, b));
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double f = d;
  for (double m = 1; m <= max_iter; ++m) {
    const double m2 = 2 * m;
    // Even step: d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m)).
    double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1.0 + num * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + num / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    f *= d * c;
    // Odd step: d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
    num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1.0 + num * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + num / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    f *= delta;
    if (std::fabs(delta - 1.0) < kEps) break;
  }
  return f;
}

// Density of Beta(a, b) at 0 < x < 1.
double BetaDensity(double a, double b, double x) {
  return std::exp(LogFrontFactor(a, b, x) - std::log(x) - std::log1p(-x));
}

}  // namespace

double NormalQuantile(double p) {
  if (!(p > 0)) return -std::numeric_limits<double>::infinity();
  if (!(p < 1)) return std::numeric_limits<double>::infinity();
  // Acklam's rational approximations (relative error 1.15e-9) ...
  static constexpr double a[6] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                  -2.759285104469687e+02, 1.383577518672690e+02,
                                  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[5] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                  -1.556989798598866e+02, 6.680131188771972e+01,
                                  -1.328068155288572e+01};
  static constexpr double c[6] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                  -2.400758277161838e+00, -2.549732539343734e+00,
                                  4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[4] = {7.784695709041462e-03, 3.224671290700398e-01,
                                  2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  double x;
  if (p < kLow || p > 1 - kLow) {
    const double q = std::sqrt(-2 * std::log(p < kLow ? p : 1 - p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    if (p > 1 - kLow) x = -x;
  } else {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  // ... refined by one Halley step on Phi(x) - p (cubic convergence).
  const double e = 0.5 * std::erfc(-x / std::numbers::sqrt2) - p;
  const double u = e * std::sqrt(2 * std::numbers::pi) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

double IncompleteBeta(double a, double b, double x) {
  if (std::isnan(a) || std::isnan(b) || std::isnan(x) || !(a > 0) || !(b > 0)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x < (a + 1) / (a + b + 2)) {
    return std::exp(LogFrontFactor(a, b, x)) * BetaContinuedFraction(a, b, x) / a;
  }
  return 1.0 - std::exp(LogFrontFactor(b, a, 1 - x)) * BetaContinuedFraction(b, a, 1 - x) / b;
}

double BetaQuantile(double p, double a, double b) {
  if (std::isnan(p) || !(a > 0) || !(b > 0)) return std::numeric_limits<double>::quiet_NaN();
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  // Invariant: I_lo < p <= I_hi.
  double lo = 0, hi = 1;
  double x = a / (a + b);
  for (int iter = 0; iter < 300; ++iter) {
    const double f = IncompleteBeta(a, b, x) - p;
    if (f == 0) return x;
    if (f < 0) {
      lo = x;
    } else {
      hi = x;
    }
    if (hi - lo <= 1e-15 * std::max(x, 1e-300)) break;
    const double density = BetaDensity(a, b, x);
    double next = (density > 0 && std::isfinite(density)) ? x - f / density : lo;
    if (!(next > lo && next < hi)) {
      // Outside the bracket: bisect (geometrically when the bracket spans
      // many orders of magnitude near 0, so tiny quantiles are reached fast).
      next = (lo > 0 && hi / lo > 1e3) ? std::sqrt(lo * hi)
             : lo == 0 && hi < 1e-3    ? hi * 1e-3
                                       : 0.5 * (lo + hi);
    } else if (std::fabs(next - x) <= 1e-15 * x) {
      return next;
    }
    x = next;
  }
  return x;
}

double BinomialCdf(uint64_t k, uint64_t n, double p) {
  if (k >= n) return 1;
  if (!(p > 0)) return 1;
  if (!(p < 1)) return 0;
  if (k < 32) {
    // Few terms: sum the pmf directly in log space. More accurate than the
    // incomplete beta at tiny p, where 1 - p is rounded.
    const double nn = static_cast<double>(n);
    const double log_p = std::log(p), log_q = std::log1p(-p);
    double log_choose = 0;  // log C(n, i)
    double sum = 0;
    for (uint64_t i = 0; i <= k; ++i) {
      if (i > 0) log_choose += std::log((nn - static_cast<double>(i) + 1) / static_cast<double>(i));
      sum += std::exp(log_choose + static_cast<double>(i) * log_p +
                      (nn - static_cast<double>(i)) * log_q);
    }
    return std::min(sum, 1.0);
  }
  // P(X <= k) = I_{1-p}(n - k, k + 1).
  return IncompleteBeta(static_cast<double>(n - k), static_cast<double>(k) + 1, 1 - p);
}

Interval Wilson(uint64_t k, uint64_t n, double confidence) {
  if (n == 0) return {0, 1};
  k = std::min(k, n);
  const double z = NormalQuantile(1 - (1 - confidence) / 2);
  const double nn = static_cast<double>(n);
  const double phat = static_cast<double>(k) / nn;
  const double z2n = z * z / nn;
  const double center = (phat + z2n / 2) / (1 + z2n);
  const double half = z / (1 + z2n) * std::sqrt(phat * (1 - phat) / nn + z2n / (4 * nn));
  Interval r{std::max(0.0, center - half), std::min(1.0, center + half)};
  if (k == 0) r.lo = 0;
  if (k == n) r.hi = 1;
  return r;
}

Interval ClopperPearson(uint64_t k, uint64_t n, double confidence) {
  if (n == 0) return {0, 1};
  k = std::min(k, n);
  const double alpha = 1 - confidence;
  const double nn = static_cast<double>(n);
  const double kk = static_cast<double>(k);
  Interval r{0, 1};
  // Closed forms at the ends: I_x(1, n) = 1 - (1 - x)^n, I_x(n, 1) = x^n.
  if (k == 0) {
    r.hi = -std::expm1(std::log(alpha / 2) / nn);
  } else if (k == n) {
    r.lo = std::exp(std::log(alpha / 2) / nn);
  } else {
    r.lo = BetaQuantile(alpha / 2, kk, nn - kk + 1);
    r.hi = BetaQuantile(1 - alpha / 2, kk + 1, nn - kk);
  }
  r.lo = std::clamp(r.lo, 0.0, 1.0);
  r.hi = std::clamp(r.hi, r.lo, 1.0);
  return r;
}

std::string_view VerdictRuleName(VerdictRule rule) {
  switch (rule) {
    case VerdictRule::kPointEstimate: return "point";
    case VerdictRule::kUpperBound: return "upper-bound";
  }
  return "unknown";
}

bool Passes(uint64_t k, uint64_t n, const ThresholdTest& test) {
  if (n == 0 || k > n) return false;
  switch (test.rule) {
    case VerdictRule::kPointEstimate:
      return static_cast<double>(k) / static_cast<double>(n) <= test.threshold;
    case VerdictRule::kUpperBound: {
      if (k == n) return test.threshold >= 1;
      return ClopperPearson(k, n, test.confidence).hi <= test.threshold;
    }
  }
  return false;
}

int64_t MaxPassingCount(uint64_t n, const ThresholdTest& test) {
  if (n == 0 || !Passes(0, n, test)) return -1;
  if (Passes(n, n, test)) return static_cast<int64_t>(n);
  // Passing is monotone in k: binary search for the last passing count.
  // Invariant: Passes(lo), !Passes(hi).
  uint64_t lo = 0, hi = n;
  if (test.rule == VerdictRule::kPointEstimate) {
    // Start next to the answer; the loops fix floating-point rounding.
    const double guess = std::floor(test.threshold * static_cast<double>(n));
    const uint64_t g = static_cast<uint64_t>(std::clamp(guess, 0.0, static_cast<double>(n)));
    lo = g > 2 ? g - 2 : 0;
    hi = std::min(n, g + 2);
    while (lo > 0 && !Passes(lo, n, test)) lo = lo > 16 ? lo - 16 : 0;
    while (hi < n && Passes(hi, n, test)) hi = std::min(n, hi + 16);
  }
  while (hi - lo > 1) {
    const uint64_t mid = lo + (hi - lo) / 2;
    if (Passes(mid, n, test)) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return static_cast<int64_t>(lo);
}

double OperatingCharacteristic(uint64_t n, double true_rate, const ThresholdTest& test) {
  const int64_t m = MaxPassingCount(n, test);
  if (m < 0) return 0;
  return BinomialCdf(static_cast<uint64_t>(m), n, true_rate);
}

}  // namespace safegate::stats
