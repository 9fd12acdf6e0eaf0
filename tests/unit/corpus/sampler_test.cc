#include "safegate/corpus/sampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace safegate::corpus {
namespace {

TEST(Keys, FastPathMatchesAndIdentitiesAreUnambiguous) {
  HashKey fk = FileKey(9, "src", "a/b.jsonl");
  for (uint64_t off : {0ull, 1ull, 12345ull}) {
    EXPECT_EQ(OffsetKey(9, "src", "a/b.jsonl", off), OffsetKeyFast(fk, off));
  }
  EXPECT_NE(OffsetKey(9, "ab", "c", 0), OffsetKey(9, "a", "bc", 0));
  EXPECT_NE(OffsetKey(9, "src", "f", 0), OffsetKey(10, "src", "f", 0));
  EXPECT_NE(OffsetKey(9, "src", "f", 0), OffsetKey(9, "src", "f", 1));
  EXPECT_NE(IdKey(1, "s", "x"), IdKey(2, "s", "x"));
  EXPECT_NE(IdKey(1, "s", "x"), IdKey(1, "t", "x"));
  EXPECT_EQ(IdKey(1, "s", "x"), IdKey(1, "s", "x"));
}

TEST(FractionThreshold, EdgesAndAccuracy) {
  EXPECT_EQ(FractionThreshold(0), 0u);
  EXPECT_EQ(FractionThreshold(-1), 0u);
  EXPECT_EQ(FractionThreshold(std::nan("")), 0u);
  EXPECT_EQ(FractionThreshold(1), UINT64_MAX);
  EXPECT_EQ(FractionThreshold(2), UINT64_MAX);
  EXPECT_EQ(FractionThreshold(0.5), uint64_t{1} << 63);
  EXPECT_EQ(FractionThreshold(0.25), uint64_t{1} << 62);
  EXPECT_EQ(FractionThreshold(std::nextafter(1.0, 0.0)), UINT64_MAX - 2047);
  // Kept fraction of many document keys is within 5 sigma of f.
  const int n = 200000;
  for (double f : {0.001, 0.01, 0.1, 0.5, 0.9}) {
    uint64_t t = FractionThreshold(f);
    int kept = 0;
    for (int i = 0; i < n; ++i) kept += OffsetKey(77, "s", "f", static_cast<uint64_t>(i)) < t;
    double sigma = std::sqrt(n * f * (1 - f));
    EXPECT_NEAR(kept, n * f, 5 * sigma) << f;
  }
}

using Sampler = BottomK<int>;

std::vector<std::tuple<uint64_t, std::string, int>> Flatten(std::vector<Sampler::Entry> v) {
  std::vector<std::tuple<uint64_t, std::string, int>> out;
  for (auto& e : v) out.emplace_back(e.key, e.tie, e.value);
  return out;
}

TEST(BottomK, MatchesSortingAndMergesExactly) {
  std::mt19937_64 rng(1);
  for (int round = 0; round < 200; ++round) {
    size_t n = rng() % 500, k = rng() % 40;
    // Few distinct keys in some rounds, to exercise ties.
    uint64_t range = round % 3 == 0 ? 20 : UINT64_MAX;
    std::vector<std::tuple<uint64_t, std::string, int>> all;
    for (size_t i = 0; i < n; ++i) {
      all.emplace_back(rng() % range,
                       "t" + std::to_string(rng() % 1000000) + "." + std::to_string(i),
                       static_cast<int>(i));
    }
    Sampler whole(k);
    const int shards = 1 + static_cast<int>(rng() % 5);
    std::vector<Sampler> parts(shards, Sampler(k));
    for (size_t i = 0; i < n; ++i) {
      auto& [key, tie, v] = all[i];
      bool accept = whole.WouldAccept(key);
      size_t before = whole.size();
      whole.Add(key, tie, v);
      if (!accept) {
        EXPECT_EQ(whole.size(), before);
      }
      parts[rng() % shards].Add(key, tie, v);
    }
    std::vector<std::tuple<uint64_t, std::string, int>> want = all;
    std::sort(want.begin(), want.end());
    want.resize(std::min(k, n));
    EXPECT_EQ(whole.size(), want.size());
    EXPECT_EQ(Flatten(whole.TakeSorted()), want);
    Sampler merged(k);
    for (Sampler& p : parts) merged.Merge(std::move(p));
    EXPECT_EQ(Flatten(merged.TakeSorted()), want);
  }
}

// Wilson-Hilferty approximation of the chi-square quantile for the normal quantile z.
double ChiSquareQuantile(double df, double z) {
  double a = 2.0 / (9.0 * df);
  return df * std::pow(1 - a + z * std::sqrt(a), 3);
}

// Over many seeds, every document is equally likely to be in the bottom-k sample.
TEST(BottomK, SampleIsUniformOverSeeds) {
  const int n = 2000, k = 50, seeds = 400;
  std::vector<int> count(n, 0);
  for (int s = 0; s < seeds; ++s) {
    HashKey fk = FileKey(static_cast<uint64_t>(s) * 7919 + 1, "source", "data/part-0.jsonl");
    BottomK<int> sample(k);
    for (int i = 0; i < n; ++i) {
      uint64_t key = OffsetKeyFast(fk, static_cast<uint64_t>(i) * 113);
      if (sample.WouldAccept(key)) sample.Add(key, std::to_string(i), i);
    }
    ASSERT_EQ(sample.size(), static_cast<size_t>(k));
    for (auto& e : sample.TakeSorted()) ++count[e.value];
  }
  const double expected = static_cast<double>(seeds) * k / n;  // 10
  double chi2 = 0;
  for (int c : count) chi2 += (c - expected) * (c - expected) / expected;
  // Sampling without replacement scales the statistic by (1 - k/n); the bounds
  // are two-sided at significance 0.001.
  const double df = n - 1, shrink = 1.0 - static_cast<double>(k) / n;
  EXPECT_LT(chi2, shrink * ChiSquareQuantile(df, 3.29)) << chi2;
  EXPECT_GT(chi2, shrink * ChiSquareQuantile(df, -3.29)) << chi2;

  // The same with id keys.
  std::fill(count.begin(), count.end(), 0);
  for (int s = 0; s < seeds; ++s) {
    BottomK<int> sample(k);
    for (int i = 0; i < n; ++i) {
      uint64_t key = IdKey(static_cast<uint64_t>(s), "ids", "doc-" + std::to_string(i));
      sample.Add(key, std::to_string(i), i);
    }
    for (auto& e : sample.TakeSorted()) ++count[e.value];
  }
  chi2 = 0;
  for (int c : count) chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, shrink * ChiSquareQuantile(df, 3.29)) << chi2;
  EXPECT_GT(chi2, shrink * ChiSquareQuantile(df, -3.29)) << chi2;
}

TEST(BottomK, ZeroCapacityKeepsNothing) {
  BottomK<int> s(0);
  EXPECT_FALSE(s.WouldAccept(0));
  s.Add(0, "a", 1);
  EXPECT_EQ(s.size(), 0u);
}

}  // namespace
}  // namespace safegate::corpus
