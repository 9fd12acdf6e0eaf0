// Platt scaling and calibration error (see calibration.h).
#include "safegate/stats/calibration.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace safegate::stats {
namespace {

// log(1 + exp(x)) without overflow.
double Log1pExp(double x) {
  return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

double Sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  double e = std::exp(z);
  return e / (1.0 + e);
}

Status CheckLengths(size_t a, size_t b) {
  if (a != b)
    return InvalidArgumentError("calibration: " + std::to_string(a) + " values but " +
                                std::to_string(b) + " outcomes");
  if (a == 0) return InvalidArgumentError("calibration: no items");
  return Status();
}

}  // namespace

double PlattScaling::Apply(double score) const {
  return Sigmoid(a * score + b);
}

Result<PlattScaling> FitPlatt(std::span<const double> scores, std::span<const uint8_t> outcomes,
                              const PlattOptions& options) {
  SAFEGATE_RETURN_IF_ERROR(CheckLengths(scores.size(), outcomes.size()));
  if (options.max_iterations < 1 || !(options.tolerance > 0))
    return InvalidArgumentError("calibration: max_iterations must be >= 1 and tolerance > 0");
  const size_t n = scores.size();
  double pos = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(scores[i]))
      return InvalidArgumentError("calibration: score " + std::to_string(i) + " is not finite");
    if (outcomes[i]) pos += 1;
  }
  const double neg = static_cast<double>(n) - pos;
  const double hi = options.smooth_targets ? (pos + 1) / (pos + 2) : 1.0;
  const double lo = options.smooth_targets ? 1 / (neg + 2) : 0.0;
  std::vector<double> t(n);
  for (size_t i = 0; i < n; ++i) t[i] = outcomes[i] ? hi : lo;

  // Mean log-loss against the targets, z = a s + b:
  //   L = (1/n) sum (1 - t) z + log(1 + exp(-z)).
  const double inv_n = 1.0 / static_cast<double>(n);
  auto loss = [&](double a, double b) {
    double sum = 0;
    for (size_t i = 0; i < n; ++i) {
      double z = a * scores[i] + b;
      sum += (1 - t[i]) * z + Log1pExp(-z);
    }
    return sum * inv_n;
  };
  PlattScaling m;
  m.a = 0;
  m.b = std::log((pos + 1) / (neg + 1));
  double f = loss(m.a, m.b);
  constexpr double kRidge = 1e-12;  // keeps the Hessian invertible (Lin et al.)
  for (int it = 0; it < options.max_iterations; ++it) {
    double ga = 0, gb = 0, haa = kRidge, hab = 0, hbb = kRidge;
    for (size_t i = 0; i < n; ++i) {
      double s = scores[i];
      double p = Sigmoid(m.a * s + m.b);
      double d = p - t[i];
      double h = p * (1 - p);
      ga += d * s;
      gb += d;
      haa += h * s * s * inv_n;
      hab += h * s * inv_n;
      hbb += h * inv_n;
    }
    ga *= inv_n;
    gb *= inv_n;
    if (std::max(std::fabs(ga), std::fabs(gb)) < options.tolerance) break;
    double det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    double da = -(hbb * ga - hab * gb) / det;
    double db = -(-hab * ga + haa * gb) / det;
    double slope = ga * da + gb * db;  // < 0 for a descent direction
    double step = 1;
    bool moved = false;
    while (step >= 1e-10) {
      double na = m.a + step * da, nb = m.b + step * db;
      double nf = loss(na, nb);
      if (nf < f + 1e-4 * step * slope) {
        m.a = na;
        m.b = nb;
        f = nf;
        moved = true;
        break;
      }
      step /= 2;
    }
    if (!moved) break;  // no further decrease at double precision
  }
  return m;
}

Result<CalibrationReport> Calibration(std::span<const double> probabilities,
                                      std::span<const uint8_t> outcomes, int bins) {
  SAFEGATE_RETURN_IF_ERROR(CheckLengths(probabilities.size(), outcomes.size()));
  if (bins < 1) return InvalidArgumentError("calibration: bins must be at least 1");
  CalibrationReport r;
  r.bins.resize(static_cast<size_t>(bins));
  std::vector<double> sum_p(r.bins.size(), 0), sum_y(r.bins.size(), 0);
  const size_t n = probabilities.size();
  double brier = 0;
  for (size_t i = 0; i < n; ++i) {
    double p = probabilities[i];
    if (!(p >= 0 && p <= 1))
      return InvalidArgumentError("calibration: probability " + std::to_string(i) +
                                  " is not in [0, 1]");
    double y = outcomes[i] ? 1 : 0;
    size_t b = std::min(static_cast<size_t>(p * bins), r.bins.size() - 1);
    r.bins[b].count++;
    sum_p[b] += p;
    sum_y[b] += y;
    brier += (p - y) * (p - y);
  }
  for (size_t b = 0; b < r.bins.size(); ++b) {
    auto& bin = r.bins[b];
    bin.lo = static_cast<double>(b) / bins;
    bin.hi = static_cast<double>(b + 1) / bins;
    if (bin.count == 0) continue;
    bin.mean_probability = sum_p[b] / bin.count;
    bin.observed_rate = sum_y[b] / bin.count;
    double gap = std::fabs(bin.observed_rate - bin.mean_probability);
    r.ece += gap * bin.count / static_cast<double>(n);
    r.mce = std::max(r.mce, gap);
  }
  r.brier = brier / static_cast<double>(n);
  return r;
}

Result<double> ExpectedCalibrationError(std::span<const double> probabilities,
                                        std::span<const uint8_t> outcomes, int bins) {
  SAFEGATE_ASSIGN_OR_RETURN(CalibrationReport r, Calibration(probabilities, outcomes, bins));
  return r.ece;
}

}  // namespace safegate::stats
