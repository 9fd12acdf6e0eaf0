// Stratified, seeded samples of a bank (the evaluation runner's draw).
//
// DrawSample gives every category its proportional share of `total`
// (largest-remainder rounding; ties go to the category that sorts first), and
// at least one item to every non-empty category when `total` is at least the
// number of categories. Within a category the items with the smallest
// SipHash-2-4 of their id, keyed by DeriveKey(seed, "bank-sample/" + category),
// are drawn: the same bank and spec give the same sample on every run and
// platform, and adding items to one category does not change the draw of
// another category whose quota is unchanged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/policy/bank.h"
#include "safegate/policy/profile.h"

namespace safegate::bank {

struct SampleSpec {
  size_t total = 0;  // items to draw; at least the bank size draws every item
  uint64_t seed = 0;
};

// Draws the sample. The result points into `bank` (which must outlive it) and
// is in bank order (the order of bank.items). Fails with kInvalidArgument when
// total is 0.
Result<std::vector<const policy::BankItem*>> DrawSample(const policy::Bank& bank,
                                                        const SampleSpec& spec);

// The per-category quotas DrawSample uses: category -> items drawn (categories
// in sorted order). `sizes` maps category -> items available.
std::map<std::string, size_t> StratifiedQuotas(const std::map<std::string, size_t>& sizes,
                                               size_t total);

// The profile key that sets the sample size of a bank kind:
// generated -> "eval.generated.min_sampled", should_refuse and should_answer
// -> "eval.refusal.min_sampled"; keywords -> "" (keyword banks are not sampled).
std::string SampleSizeKey(policy::BankKind kind);

// The sample size the profile asks for `kind`; kNotFound when the profile has
// no such requirement, kInvalidArgument for keywords.
Result<size_t> ProfileSampleSize(const policy::Profile& profile, policy::BankKind kind);

}  // namespace safegate::bank
