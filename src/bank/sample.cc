// Stratified seeded sampling of banks. See bank/sample.h.
#include "safegate/bank/sample.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "safegate/base/hash.h"

namespace safegate::bank {

std::map<std::string, size_t> StratifiedQuotas(const std::map<std::string, size_t>& sizes,
                                               size_t total) {
  std::map<std::string, size_t> quota;
  size_t n = 0, nonempty = 0;
  for (const auto& [c, s] : sizes) {
    quota[c] = 0;
    n += s;
    nonempty += s > 0 ? 1 : 0;
  }
  if (n == 0 || total == 0) return quota;
  if (total >= n) {
    for (const auto& [c, s] : sizes) quota[c] = s;
    return quota;
  }
  // Proportional shares: floor, then the largest remainders (exact integer
  // arithmetic: remainder = total * s mod n).
  struct Rem {
    size_t rem;
    const std::string* cat;
  };
  std::vector<Rem> rems;
  size_t given = 0;
  for (const auto& [c, s] : sizes) {
    const unsigned __int128 prod = static_cast<unsigned __int128>(total) * s;
    quota[c] = static_cast<size_t>(prod / n);
    given += quota[c];
    rems.push_back({static_cast<size_t>(prod % n), &c});
  }
  std::stable_sort(rems.begin(), rems.end(),
                   [](const Rem& a, const Rem& b) { return a.rem > b.rem; });
  for (size_t i = 0; given < total && i < rems.size(); ++i) {
    if (quota[*rems[i].cat] < sizes.at(*rems[i].cat)) {
      ++quota[*rems[i].cat];
      ++given;
    }
  }
  // At least one per non-empty category: take from the largest quota.
  if (total >= nonempty) {
    for (const auto& [c, s] : sizes) {
      if (s == 0 || quota[c] > 0) continue;
      auto donor = quota.end();
      for (auto it = quota.begin(); it != quota.end(); ++it) {
        if (it->second > 1 && (donor == quota.end() || it->second > donor->second)) donor = it;
      }
      if (donor == quota.end()) break;
      --donor->second;
      quota[c] = 1;
    }
  }
  return quota;
}

Result<std::vector<const policy::BankItem*>> DrawSample(const policy::Bank& bank,
                                                        const SampleSpec& spec) {
  if (spec.total == 0) return InvalidArgumentError("sample size must be at least 1");
  std::map<std::string, std::vector<size_t>> by_cat;
  for (size_t i = 0; i < bank.items.size(); ++i) by_cat[bank.items[i].category].push_back(i);
  std::map<std::string, size_t> sizes;
  for (const auto& [c, v] : by_cat) sizes[c] = v.size();
  const std::map<std::string, size_t> quota = StratifiedQuotas(sizes, spec.total);
  std::vector<char> chosen(bank.items.size(), 0);
  for (auto& [c, idx] : by_cat) {
    const size_t q = quota.at(c);
    if (q >= idx.size()) {
      for (size_t i : idx) chosen[i] = 1;
      continue;
    }
    const HashKey key = DeriveKey(spec.seed, "bank-sample/" + c);
    std::vector<std::pair<uint64_t, size_t>> ranked;
    ranked.reserve(idx.size());
    for (size_t i : idx) ranked.emplace_back(SipHash24(key, bank.items[i].id), i);
    std::nth_element(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(q), ranked.end());
    for (size_t k = 0; k < q; ++k) chosen[ranked[k].second] = 1;
  }
  std::vector<const policy::BankItem*> out;
  for (size_t i = 0; i < bank.items.size(); ++i) {
    if (chosen[i]) out.push_back(&bank.items[i]);
  }
  return out;
}

std::string SampleSizeKey(policy::BankKind kind) {
  switch (kind) {
    case policy::BankKind::kGenerated: return "eval.generated.min_sampled";
    case policy::BankKind::kShouldRefuse:
    case policy::BankKind::kShouldAnswer: return "eval.refusal.min_sampled";
    case policy::BankKind::kKeywords: return "";
  }
  return "";
}

Result<size_t> ProfileSampleSize(const policy::Profile& profile, policy::BankKind kind) {
  const std::string key = SampleSizeKey(kind);
  if (key.empty()) return InvalidArgumentError("keyword banks are not sampled for evaluation");
  SAFEGATE_ASSIGN_OR_RETURN(double v, profile.Value(key));
  if (!(v >= 1) || v > 1e12) {
    return InvalidArgumentError("profile " + profile.id + ": " + key + " must be at least 1");
  }
  return static_cast<size_t>(std::ceil(v));
}

}  // namespace safegate::bank
