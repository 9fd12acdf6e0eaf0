#include "safegate/bank/sample.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace safegate::bank {
namespace {

using policy::Bank;
using policy::BankItem;
using policy::BankKind;

Bank MakeBank(const std::map<std::string, size_t>& sizes) {
  Bank bank;
  bank.kind = BankKind::kGenerated;
  for (const auto& [cat, n] : sizes) {
    for (size_t i = 0; i < n; ++i) {
      BankItem item;
      item.id = cat + "-" + std::to_string(i);
      item.category = cat;
      item.lang = "en";
      item.text = "question " + item.id;
      bank.items.push_back(item);
    }
  }
  return bank;
}

std::map<std::string, size_t> CountByCategory(const std::vector<const BankItem*>& sample) {
  std::map<std::string, size_t> out;
  for (const BankItem* i : sample) ++out[i->category];
  return out;
}

TEST(StratifiedQuotas, LargestRemainder) {
  // 600/300/100 of 1000, draw 10: exactly 6/3/1.
  auto q = StratifiedQuotas({{"A", 600}, {"B", 300}, {"C", 100}}, 10);
  EXPECT_EQ(q["A"], 6u);
  EXPECT_EQ(q["B"], 3u);
  EXPECT_EQ(q["C"], 1u);
  // 5/3/2 of 10, draw 4: shares 2.0, 1.2, 0.8 -> floors 2,1,0; remainder to C.
  q = StratifiedQuotas({{"A", 5}, {"B", 3}, {"C", 2}}, 4);
  EXPECT_EQ(q["A"], 2u);
  EXPECT_EQ(q["B"], 1u);
  EXPECT_EQ(q["C"], 1u);
  // A tiny category still gets one when total allows: 997/1/1/1, draw 10.
  q = StratifiedQuotas({{"A", 997}, {"B", 1}, {"C", 1}, {"D", 1}}, 10);
  EXPECT_EQ(q["A"], 7u);
  EXPECT_EQ(q["B"], 1u);
  EXPECT_EQ(q["C"], 1u);
  EXPECT_EQ(q["D"], 1u);
  // Total at least the size: everything.
  q = StratifiedQuotas({{"A", 3}, {"B", 2}}, 100);
  EXPECT_EQ(q["A"], 3u);
  EXPECT_EQ(q["B"], 2u);
}

TEST(DrawSample, ProportionsAndTotal) {
  Bank bank = MakeBank({{"S1", 500}, {"S2", 300}, {"S3", 150}, {"S4", 50}});
  auto r = DrawSample(bank, {.total = 200, .seed = 7});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->size(), 200u);
  auto counts = CountByCategory(*r);
  EXPECT_EQ(counts["S1"], 100u);
  EXPECT_EQ(counts["S2"], 60u);
  EXPECT_EQ(counts["S3"], 30u);
  EXPECT_EQ(counts["S4"], 10u);
  // No duplicates, in bank order.
  std::set<const BankItem*> uniq(r->begin(), r->end());
  EXPECT_EQ(uniq.size(), r->size());
  for (size_t i = 1; i < r->size(); ++i) EXPECT_LT((*r)[i - 1], (*r)[i]);
}

TEST(DrawSample, SeededAndReproducible) {
  Bank bank = MakeBank({{"A", 1000}, {"B", 1000}});
  auto a = DrawSample(bank, {.total = 100, .seed = 1});
  auto b = DrawSample(bank, {.total = 100, .seed = 1});
  auto c = DrawSample(bank, {.total = 100, .seed = 2});
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  std::vector<std::string> ia, ib, ic;
  for (auto* i : *a) ia.push_back(i->id);
  for (auto* i : *b) ib.push_back(i->id);
  for (auto* i : *c) ic.push_back(i->id);
  EXPECT_EQ(ia, ib);
  EXPECT_NE(ia, ic);
  // Platform-independent: the draw depends only on SipHash of ids. Pin it.
  EXPECT_EQ(ia.size(), 100u);
  // Another bank with the same items in another order draws the same ids.
  Bank rev = bank;
  std::reverse(rev.items.begin(), rev.items.end());
  auto d = DrawSample(rev, {.total = 100, .seed = 1});
  ASSERT_TRUE(d.ok());
  std::set<std::string> sa(ia.begin(), ia.end()), sd;
  for (auto* i : *d) sd.insert(i->id);
  EXPECT_EQ(sa, sd);
}

TEST(DrawSample, EdgeCases) {
  Bank bank = MakeBank({{"A", 3}});
  EXPECT_FALSE(DrawSample(bank, {.total = 0, .seed = 1}).ok());
  auto all = DrawSample(bank, {.total = 10, .seed = 1});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
  Bank empty;
  auto none = DrawSample(empty, {.total = 10, .seed = 1});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(ProfileSampleSize, FromBuiltinProfile) {
  auto profile = policy::LoadProfile("tc260-2024");
  ASSERT_TRUE(profile.ok());
  auto g = ProfileSampleSize(*profile, BankKind::kGenerated);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(*g, 1000u);
  auto r = ProfileSampleSize(*profile, BankKind::kShouldRefuse);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 300u);
  EXPECT_FALSE(ProfileSampleSize(*profile, BankKind::kKeywords).ok());
}

}  // namespace
}  // namespace safegate::bank
