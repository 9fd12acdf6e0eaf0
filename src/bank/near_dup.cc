// MinHash + LSH near-duplicate search. See bank/near_dup.h.
#include "safegate/bank/near_dup.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <thread>

#include "safegate/base/hash.h"
#include "safegate/text/utf8.h"

namespace safegate::bank {
namespace {

constexpr size_t kHashes = 128;
constexpr size_t kBands = 20;
constexpr size_t kRows = 6;
// In a bucket of more than this many texts (thousands of texts that agree on a
// whole band: one template with short fillers), each text is compared with the
// next kMaxBucketWindow texts of the bucket only, bounding the work.
constexpr size_t kMaxBucketWindow = 256;

uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Hash i of a gram hash h = (hi, lo): ((lo + a_i) * (hi + c_i) + b_i) >> 32 with
// 32-bit a_i, c_i and a 64-bit product: a 32x32->64 multiply that vectorises
// (pmuludq) on every x86-64 and on NEON.
struct Coefficients {
  alignas(64) std::array<uint32_t, kHashes> a, c;
  alignas(64) std::array<uint64_t, kHashes> b;
  Coefficients() {
    uint64_t s = 0x5afe9a7e5eed0001ULL;
    for (size_t i = 0; i < kHashes; ++i) {
      a[i] = static_cast<uint32_t>(SplitMix(s++));
      c[i] = static_cast<uint32_t>(SplitMix(s++));
      b[i] = SplitMix(s++);
    }
  }
};

const Coefficients& Coef() {
  static const Coefficients c;
  return c;
}

// Code points of `s`, whitespace runs as one space, trimmed.
std::vector<std::string_view> CodePoints(std::string_view s) {
  std::vector<std::string_view> out;
  bool space = false;
  size_t i = 0;
  while (i < s.size()) {
    size_t len = 1;
    bool invalid = false;
    const char32_t cp = text::DecodeAt(s, i, &len, &invalid);
    if (len == 0) len = 1;
    const bool ws = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000 ||
                    cp == 0xA0 || cp == '\f' || cp == '\v';
    if (ws) {
      space = !out.empty();
    } else {
      if (space) out.push_back(" ");
      space = false;
      out.push_back(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

// Hashes of the n-grams of `s` (at least one: a text shorter than n is one gram).
std::vector<uint64_t> GramHashes(std::string_view s, size_t n) {
  const std::vector<std::string_view> cps = CodePoints(s);
  std::vector<uint64_t> out;
  if (n == 0) n = 1;
  if (cps.size() <= n) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (std::string_view c : cps) h = Fnv1a64(c, h);
    out.push_back(SplitMix(h));
    return out;
  }
  out.reserve(cps.size() - n + 1);
  for (size_t i = 0; i + n <= cps.size(); ++i) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t k = 0; k < n; ++k) h = Fnv1a64(cps[i + k], h);
    out.push_back(SplitMix(h));
  }
  return out;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SAFEGATE_MINHASH_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SAFEGATE_MINHASH_CLONES
#endif

// The 128 minimums over the gram hashes (the hot loop: vectorised, with an
// AVX2 clone picked at run time where GCC supports it).
SAFEGATE_MINHASH_CLONES
void MinHashes(const uint64_t* grams, size_t n, uint32_t* sig) {
  const Coefficients& c = Coef();
  alignas(64) uint32_t mins[kHashes];
  for (size_t i = 0; i < kHashes; ++i) mins[i] = ~0u;
  for (size_t g = 0; g < n; ++g) {
    const uint32_t lo = static_cast<uint32_t>(grams[g]);
    const uint32_t hi = static_cast<uint32_t>(grams[g] >> 32);
    for (size_t i = 0; i < kHashes; ++i) {
      const uint64_t x = static_cast<uint64_t>(static_cast<uint32_t>(lo + c.a[i])) *
                             static_cast<uint64_t>(static_cast<uint32_t>(hi + c.c[i])) +
                         c.b[i];
      const uint32_t v = static_cast<uint32_t>(x >> 32);
      mins[i] = v < mins[i] ? v : mins[i];
    }
  }
  for (size_t i = 0; i < kHashes; ++i) sig[i] = mins[i];
}

void Signature(std::string_view s, size_t n, uint32_t* sig) {
  const std::vector<uint64_t> grams = GramHashes(s, n);  // repeats do not change a minimum
  MinHashes(grams.data(), grams.size(), sig);
}

int Threads(int requested, size_t work) {
  int t = requested > 0 ? requested : static_cast<int>(std::thread::hardware_concurrency());
  t = std::clamp(t, 1, 8);
  if (work < 2000) t = 1;
  return t;
}

template <typename F>
void ParallelFor(size_t n, int threads, F f) {
  if (threads <= 1) {
    f(0, n);
    return;
  }
  std::vector<std::thread> pool;
  const size_t chunk = (n + threads - 1) / threads;
  for (int t = 0; t < threads; ++t) {
    const size_t b = std::min(n, t * chunk), e = std::min(n, b + chunk);
    pool.emplace_back([&f, b, e] { f(b, e); });
  }
  for (auto& th : pool) th.join();
}

}  // namespace

std::vector<NearPair> FindNearDuplicates(const std::vector<std::string_view>& texts,
                                         const NearDupOptions& options, size_t* total) {
  const size_t n = texts.size();
  std::vector<uint32_t> sigs(n * kHashes);
  const int threads = Threads(options.threads, n);
  ParallelFor(n, threads, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) Signature(texts[i], options.ngram, &sigs[i * kHashes]);
  });
  const size_t need = static_cast<size_t>(std::ceil(options.threshold * kHashes - 1e-9));
  const size_t may_differ = kHashes - std::min(need, kHashes);
  // Band hashes of every text; a pair is counted in the first band where it collides.
  std::vector<uint64_t> band_hash(n * kBands);
  ParallelFor(n, threads, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      for (size_t band = 0; band < kBands; ++band) {
        uint64_t h = SplitMix(band + 1);
        for (size_t r = 0; r < kRows; ++r) h = SplitMix(h ^ sigs[i * kHashes + band * kRows + r]);
        band_hash[i * kBands + band] = h;
      }
    }
  });
  std::vector<std::vector<NearPair>> found(kBands);
  std::vector<size_t> counts(kBands, 0);
  ParallelFor(kBands, std::min<int>(threads, kBands), [&](size_t b0, size_t b1) {
    std::vector<std::pair<uint64_t, uint32_t>> keys(n);
    for (size_t band = b0; band < b1; ++band) {
      for (size_t i = 0; i < n; ++i) keys[i] = {band_hash[i * kBands + band], uint32_t(i)};
      std::sort(keys.begin(), keys.end());
      std::vector<NearPair>& out = found[band];
      for (size_t s = 0; s < n;) {
        size_t e = s + 1;
        while (e < n && keys[e].first == keys[s].first) ++e;
        for (size_t x = s; x < e; ++x) {
          for (size_t y = x + 1; y < e && y <= x + kMaxBucketWindow; ++y) {
            const uint32_t i = keys[x].second, j = keys[y].second;
            bool earlier = false;
            for (size_t pb = 0; pb < band && !earlier; ++pb) {
              earlier = band_hash[size_t{i} * kBands + pb] == band_hash[size_t{j} * kBands + pb];
            }
            if (earlier) continue;
            const uint32_t* si = &sigs[static_cast<size_t>(i) * kHashes];
            const uint32_t* sj = &sigs[static_cast<size_t>(j) * kHashes];
            size_t differ = 0;
            for (size_t k = 0; k < kHashes && differ <= may_differ; ++k) differ += si[k] != sj[k];
            if (differ > may_differ) continue;
            ++counts[band];
            if (out.size() < options.max_pairs) {
              out.push_back({std::min(i, j), std::max(i, j),
                             static_cast<double>(kHashes - differ) / static_cast<double>(kHashes)});
            }
          }
        }
        s = e;
      }
    }
  });
  std::vector<NearPair> all;
  size_t count = 0;
  for (size_t band = 0; band < kBands; ++band) {
    all.insert(all.end(), found[band].begin(), found[band].end());
    count += counts[band];
  }
  std::sort(all.begin(), all.end(), [](const NearPair& x, const NearPair& y) {
    return x.a != y.a ? x.a < y.a : x.b < y.b;
  });
  if (all.size() > options.max_pairs) all.resize(options.max_pairs);
  if (total != nullptr) *total = count;
  return all;
}

double NgramJaccard(std::string_view a, std::string_view b, size_t ngram) {
  const std::vector<uint64_t> ha = GramHashes(a, ngram), hb = GramHashes(b, ngram);
  std::set<uint64_t> sa(ha.begin(), ha.end()), sb(hb.begin(), hb.end());
  size_t inter = 0;
  for (uint64_t h : sa) inter += sb.count(h);
  const size_t uni = sa.size() + sb.size() - inter;
  return uni == 0 ? 1.0 : static_cast<double>(inter) / static_cast<double>(uni);
}

}  // namespace safegate::bank
