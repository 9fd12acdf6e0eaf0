// Micro-benchmark of Matcher::Scan: throughput over synthetic documents.
//
//   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSAFEGATE_BUILD_BENCH=ON
//   cmake --build build-bench --target scan_bench && ./build-bench/bench/scan_bench
//
// Documents are random lower-case "words" drawn from a Zipf-like vocabulary
// (so common words repeat and rare ones are rare, as in real text); keywords
// are rare vocabulary words (about 90 %) and non-words that never match, half
// of them whole_word. Arguments: document size in bytes, keyword count.
// bytes_per_second is the aggregate over all threads (real time).
#include <benchmark/benchmark.h>

#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "safegate/scan/matcher.h"

namespace {

using safegate::scan::Hit;
using safegate::scan::Matcher;
using safegate::scan::Pattern;
using safegate::scan::Scratch;

constexpr size_t kVocabulary = 50000;
constexpr size_t kTextBytes = 4u << 20;

struct Corpus {
  std::vector<std::string> words;
  std::string text;  // kTextBytes of words separated by spaces and punctuation
};

std::string RandomWord(std::mt19937_64& rng) {
  std::string w;
  size_t len = 3 + rng() % 7;
  for (size_t i = 0; i < len; ++i) w.push_back(static_cast<char>('a' + rng() % 26));
  return w;
}

const Corpus& GetCorpus() {
  static const Corpus corpus = [] {
    Corpus c;
    std::mt19937_64 rng(42);
    for (size_t i = 0; i < kVocabulary; ++i) c.words.push_back(RandomWord(rng));
    // Zipf-like rank: floor(exp(u * ln N)) - 1 gives a 1/x density.
    std::uniform_real_distribution<double> u(0.0, std::log(static_cast<double>(kVocabulary)));
    static constexpr const char* kSep[] = {" ", " ", " ", " ", " ", ", ", ". ", "\n"};
    c.text.reserve(kTextBytes + 32);
    while (c.text.size() < kTextBytes) {
      size_t rank = static_cast<size_t>(std::exp(u(rng))) - 1;
      std::string w = c.words[std::min(rank, kVocabulary - 1)];
      if (rng() % 20 == 0) w[0] = static_cast<char>(w[0] - 'a' + 'A');
      c.text += w;
      c.text += kSep[rng() % 8];
    }
    c.text.resize(kTextBytes);
    return c;
  }();
  return corpus;
}

// `count` keywords; every other one whole_word when `whole_word`.
std::shared_ptr<const Matcher> GetMatcher(int64_t count, bool whole_word) {
  static std::mutex mu;
  static std::map<std::pair<int64_t, bool>, std::shared_ptr<const Matcher>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find({count, whole_word});
  if (it != cache.end()) return it->second;
  const Corpus& c = GetCorpus();
  std::mt19937_64 rng(7 + count);
  std::vector<Pattern> patterns;
  for (int64_t i = 0; i < count; ++i) {
    Pattern p;
    p.id = std::to_string(i);
    p.id.insert(p.id.begin(), 'k');
    p.category = "bench";
    // Skip the 300 most frequent words, as a real keyword bank would.
    if (rng() % 10 == 0) {  // a non-word that never matches
      p.text = RandomWord(rng);
      p.text += 'q';
      p.text += RandomWord(rng);
    } else {
      p.text = c.words[300 + rng() % (kVocabulary - 300)];
    }
    p.whole_word = whole_word && i % 2 == 0;
    patterns.push_back(std::move(p));
  }
  auto m = Matcher::Compile(std::move(patterns), safegate::text::NormalizeOptions());
  std::shared_ptr<const Matcher> out = m.ok() ? *m : nullptr;
  cache[{count, whole_word}] = out;
  return out;
}

void ScanLoop(benchmark::State& state, bool whole_word) {
  const size_t size = static_cast<size_t>(state.range(0));
  std::shared_ptr<const Matcher> m = GetMatcher(state.range(1), whole_word);
  if (!m) {
    state.SkipWithError("Matcher::Compile failed");
    return;
  }
  const std::string& text = GetCorpus().text;
  Scratch scratch(*m);
  std::vector<Hit> hits;
  // Rotate over different slices so the documents differ between iterations.
  size_t offset = (static_cast<size_t>(state.thread_index()) * 7919) % (text.size() - size + 1);
  size_t total_hits = 0;
  for (auto _ : state) {
    std::string_view doc(text.data() + offset, size);
    if (!m->Scan(doc, &scratch, &hits).ok()) {
      state.SkipWithError("Scan failed");
      break;
    }
    total_hits += hits.size();
    benchmark::DoNotOptimize(hits.data());
    offset = (offset + size + 4099) % (text.size() - size + 1);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
  state.counters["hits/doc"] =
      benchmark::Counter(static_cast<double>(total_hits) / std::max<int64_t>(1, state.iterations()),
                         benchmark::Counter::kAvgThreads);
}

// Half of the keywords whole_word (the realistic mix).
void BM_Scan(benchmark::State& state) {
  ScanLoop(state, true);
}
BENCHMARK(BM_Scan)
    ->ArgsProduct({benchmark::CreateRange(64, 1 << 20, 8), {10, 1000, 10000}})
    ->ArgNames({"bytes", "keywords"})
    ->ThreadRange(1, 2)
    ->UseRealTime();

// No whole_word keyword: every literal is SINGLEMATCH (engine-side dedupe).
void BM_ScanNoWholeWord(benchmark::State& state) {
  ScanLoop(state, false);
}
BENCHMARK(BM_ScanNoWholeWord)
    ->ArgsProduct({{4096, 1 << 20}, {1000, 10000}})
    ->ArgNames({"bytes", "keywords"})
    ->UseRealTime();

void BM_Compile(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  std::vector<Pattern> patterns;
  for (int64_t i = 0; i < state.range(0); ++i) {
    Pattern p;
    p.id = std::to_string(i);
    p.id.insert(p.id.begin(), 'k');
    p.text = c.words[300 + (i * 7919) % (kVocabulary - 300)];
    p.text += std::to_string(i);
    p.whole_word = i % 2 == 0;
    patterns.push_back(std::move(p));
  }
  for (auto _ : state) {
    auto m = Matcher::Compile(patterns, safegate::text::NormalizeOptions());
    if (!m.ok()) {
      state.SkipWithError("Matcher::Compile failed");
      break;
    }
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_Compile)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
