// Near-duplicate search: MinHash over character n-grams with LSH banding.
//
// Each text is cut into overlapping n-grams of Unicode code points (default 3;
// whitespace runs count as one space), so the measure works the same for
// Chinese, English and Russian. A signature of 128 minimum hashes estimates
// the Jaccard similarity of two texts' n-gram sets; candidate pairs are the
// texts that agree on all 6 values of at least one of 20 bands (a pair of
// similarity 0.7 becomes a candidate with probability 0.92, 0.8 with 0.998,
// 0.5 with 0.27, 0.3 with 0.015), and a candidate is reported when its
// estimated similarity is at least the threshold. Deterministic: fixed hash
// constants, results sorted. Bounded work and memory: in a bucket of more than
// 256 texts each is compared with the next 256 of the bucket only (pairs from
// such a bucket are then a subset), and at most max_pairs pairs are returned
// (each band keeps its first max_pairs; the union is sorted and cut).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace safegate::bank {

struct NearDupOptions {
  double threshold = 0.7;     // estimated Jaccard similarity of n-gram sets
  size_t ngram = 3;           // code points per n-gram
  int threads = 0;            // 0: hardware concurrency (at most 8)
  size_t max_pairs = 100000;  // pairs returned at most (all are counted)
};

struct NearPair {
  uint32_t a = 0;  // indexes into the input, a < b
  uint32_t b = 0;
  double similarity = 0;  // estimated, a multiple of 1/128
  bool operator==(const NearPair&) const = default;
};

// Pairs of `texts` whose estimated similarity is at least the threshold,
// sorted by (a, b). Identical texts are pairs of similarity 1. `total` (may be
// null) receives the number of pairs found, each counted once, also beyond
// max_pairs.
std::vector<NearPair> FindNearDuplicates(const std::vector<std::string_view>& texts,
                                         const NearDupOptions& options, size_t* total = nullptr);

// The exact Jaccard similarity of two texts' n-gram sets (tests, reports).
double NgramJaccard(std::string_view a, std::string_view b, size_t ngram = 3);

}  // namespace safegate::bank
