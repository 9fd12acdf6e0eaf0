// A rate corrected for the judge's errors, and how far the judge agrees with
// people: prediction-powered inference for a proportion.
//
// Setting: N items all carry a machine label f_i in {0, 1} (a judge's
// outcome); a uniform random subset of n of them also carries a human label
// y_j in {0, 1}. The machine rate (1/N) sum f_i is biased by the judge's
// errors, however many items it covers. Prediction-powered inference
// (Angelopoulos, Bates, Fannjiang, Jordan, Zrnic, "Prediction-powered
// inference", Science 382(6671):669-674, 2023) corrects it with the human
// subset:
//
//   theta     = (1/N) sum_{i=1..N} f_i  +  (1/n) sum_{j=1..n} (y_j - f_j)
//   var       = s_f^2 / N  +  s_d^2 / n
//   interval  = theta -/+ z_{1-alpha/2} sqrt(var), clipped to [0, 1]
//
// where s_f^2 is the sample variance of the machine labels over the N items
// and s_d^2 the sample variance of the corrections d_j = y_j - f_j over the n
// reviewed items (both with n - 1 denominators). The estimate is unbiased for
// any judge, however wrong, because the human subset is a uniform random
// sample; the interval is the normal (central limit) interval of the paper,
// valid for large n. A better judge makes s_d^2, and so the interval, smaller.
// Human labels on a non-random subset (e.g. the answers a judge is least sure
// of) must not be used here.
//
// Judge against people, on the same subset, with "positive" meaning the
// outcome the judge detects: agreement (y == f), sensitivity P(f = 1 | y = 1)
// and specificity P(f = 0 | y = 0), each with its Wilson interval.
//
// Pure functions of counts; thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include "safegate/stats/interval.h"

namespace safegate::stats {

// Human label y against machine label f on the reviewed random subset.
struct LabelPairs {
  uint64_t both_positive = 0;  // y = 1, f = 1
  uint64_t human_only = 0;     // y = 1, f = 0 (the judge missed it)
  uint64_t machine_only = 0;   // y = 0, f = 1 (the judge raised a false alarm)
  uint64_t both_negative = 0;  // y = 0, f = 0
  uint64_t n() const { return both_positive + human_only + machine_only + both_negative; }
  // The same pairs with 0 and 1 swapped in both labels.
  LabelPairs Flipped() const { return {both_negative, machine_only, human_only, both_positive}; }
};

struct CorrectedRate {
  double rate = 0;         // theta, clipped to [0, 1]
  double std_error = 0;    // sqrt(var)
  Interval interval;       // clipped to [0, 1]
  uint64_t n_human = 0;    // n
  uint64_t n_machine = 0;  // N
};

// The prediction-powered rate from `machine_positive` of `n_machine` machine
// labels (all N items, reviewed ones included) and the reviewed subset's
// pairs. No figure (nullopt) without human labels or machine labels, or when
// the subset is larger than N. With one human label the variance of the
// corrections is unknown: the interval is [0, 1].
std::optional<CorrectedRate> PpiProportion(uint64_t machine_positive, uint64_t n_machine,
                                           const LabelPairs& pairs, double confidence = 0.95);

// A proportion with its Wilson interval; n == 0: rate 0, [0, 1].
struct ProportionCi {
  uint64_t k = 0;
  uint64_t n = 0;
  double rate = 0;
  Interval wilson;
};

struct JudgeAgreement {
  uint64_t n = 0;            // reviewed items with both labels
  ProportionCi agreement;    // y == f
  ProportionCi sensitivity;  // f = 1 among y = 1
  ProportionCi specificity;  // f = 0 among y = 0
};

JudgeAgreement CompareWithHumans(const LabelPairs& pairs, double confidence = 0.95);

}  // namespace safegate::stats
