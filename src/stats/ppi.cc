// Prediction-powered inference for a proportion (formula in ppi.h).
#include "safegate/stats/ppi.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace safegate::stats {
namespace {

double Clip01(double v) {
  return std::min(1.0, std::max(0.0, v));
}

ProportionCi MakeCi(uint64_t k, uint64_t n, double confidence) {
  ProportionCi p;
  p.k = k;
  p.n = n;
  p.rate = n == 0 ? 0 : static_cast<double>(k) / static_cast<double>(n);
  p.wilson = Wilson(k, n, confidence);
  return p;
}

}  // namespace

std::optional<CorrectedRate> PpiProportion(uint64_t machine_positive, uint64_t n_machine,
                                           const LabelPairs& pairs, double confidence) {
  const uint64_t n = pairs.n();
  if (n == 0 || n_machine == 0 || n > n_machine || machine_positive > n_machine)
    return std::nullopt;
  const double big_n = static_cast<double>(n_machine);
  const double small_n = static_cast<double>(n);
  // Machine term: the mean of 0/1 labels and its sample variance.
  const double f_mean = static_cast<double>(machine_positive) / big_n;
  const double f_var = n_machine > 1 ? f_mean * (1 - f_mean) * big_n / (big_n - 1) : 0;
  // Correction term: d = y - f is +1 (human_only), -1 (machine_only) or 0.
  const double plus = static_cast<double>(pairs.human_only);
  const double minus = static_cast<double>(pairs.machine_only);
  const double d_mean = (plus - minus) / small_n;
  CorrectedRate out;
  out.n_human = n;
  out.n_machine = n_machine;
  const double theta = f_mean + d_mean;
  out.rate = Clip01(theta);
  if (n < 2) {
    out.std_error = std::numeric_limits<double>::infinity();
    out.interval = {0, 1};
    return out;
  }
  // Sample variance of d: (sum d^2 - n mean^2) / (n - 1), sum d^2 = plus + minus.
  const double d_var = std::max(0.0, (plus + minus - small_n * d_mean * d_mean) / (small_n - 1));
  const double var = f_var / big_n + d_var / small_n;
  out.std_error = std::sqrt(var);
  const double z = NormalQuantile(1 - (1 - confidence) / 2);
  out.interval = {Clip01(theta - z * out.std_error), Clip01(theta + z * out.std_error)};
  return out;
}

JudgeAgreement CompareWithHumans(const LabelPairs& p, double confidence) {
  JudgeAgreement a;
  a.n = p.n();
  a.agreement = MakeCi(p.both_positive + p.both_negative, a.n, confidence);
  a.sensitivity = MakeCi(p.both_positive, p.both_positive + p.human_only, confidence);
  a.specificity = MakeCi(p.both_negative, p.both_negative + p.machine_only, confidence);
  return a;
}

}  // namespace safegate::stats
