// Probability calibration: Platt scaling of a score and the expected
// calibration error of probabilities against 0/1 outcomes.
//
// Platt scaling maps a real score s (a margin, a log-odds, an uncalibrated
// probability's logit) to P(y = 1 | s) = 1 / (1 + exp(-(a s + b))). The fit
// minimises the log-loss against Platt's smoothed targets
//   t+ = (N+ + 1) / (N+ + 2) for positives, t- = 1 / (N- + 2) for negatives,
// which keeps a and b finite on separable data, by Newton's method with a
// backtracking line search (Lin, Lin and Weng, "A note on Platt's
// probabilistic outputs for support vector machines", Machine Learning
// 68:267-276, 2007, algorithm 1; Platt, "Probabilistic outputs for support
// vector machines", 1999). Note the sign: a > 0 means a higher score is more
// likely positive (Platt's paper writes A = -a, B = -b).
//
// Expected calibration error with M equal-width bins over [0, 1]:
//   ECE = sum_m (|B_m| / n) |mean(y in B_m) - mean(p in B_m)|
// (Naeini, Cooper and Hauskrecht, AAAI 2015; Guo et al., ICML 2017). For a
// multi-class model's top-label ECE pass p = the highest probability and
// y = 1 when that label was right; for one class's ECE pass that class's
// probability and y = 1 when the item is of that class.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "safegate/base/status.h"

namespace safegate::stats {

struct PlattScaling {
  double a = 1;  // slope on the score
  double b = 0;  // intercept
  // 1 / (1 + exp(-(a * score + b))), computed without overflow.
  double Apply(double score) const;
};

struct PlattOptions {
  bool smooth_targets = true;  // Platt's targets; false = plain 0/1 labels
  int max_iterations = 100;
  double tolerance = 1e-10;  // stop when the gradient's largest component is below
};

// Fits a and b on parallel lists (same length, at least one item). Items with
// outcome != 0 are positives. Errors (kInvalidArgument): lengths differ, no
// item, a non-finite score, or bad options. Without target smoothing, data
// all of one outcome or separable by the score has no finite optimum; the fit
// then stops after max_iterations with a steep, still finite, slope.
Result<PlattScaling> FitPlatt(std::span<const double> scores, std::span<const uint8_t> outcomes,
                              const PlattOptions& options = {});

struct CalibrationBin {
  double lo = 0, hi = 0;        // the bin's edges: [lo, hi), the last one [lo, 1]
  uint64_t count = 0;           // items whose probability falls in it
  double mean_probability = 0;  // 0 when empty
  double observed_rate = 0;     // share of positive outcomes; 0 when empty
};

struct CalibrationReport {
  double ece = 0;                    // expected calibration error (weighted mean gap)
  double mce = 0;                    // maximum calibration error over non-empty bins
  double brier = 0;                  // mean (p - y)^2
  std::vector<CalibrationBin> bins;  // the reliability diagram
};

// Equal-width bins over [0, 1] (bins >= 1). Errors (kInvalidArgument):
// lengths differ, no item, bins < 1, or a probability outside [0, 1] or NaN.
Result<CalibrationReport> Calibration(std::span<const double> probabilities,
                                      std::span<const uint8_t> outcomes, int bins = 10);

// Calibration(...)->ece, for callers that need only the number.
Result<double> ExpectedCalibrationError(std::span<const double> probabilities,
                                        std::span<const uint8_t> outcomes, int bins = 10);

}  // namespace safegate::stats
