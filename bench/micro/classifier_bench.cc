// Classification throughput of a `judge train` model on one core.
//
//   classifier_bench MODEL TEXTS.jsonl [ROUNDS]   (texts: the "text" field of each line)
//
// Runs PredictIndex (features, logits, decision, calibrated probability of
// the decided label) over every text ROUNDS times (default 5) on one thread
// and prints texts per second of thread CPU time (independent of other load
// on the machine) and of wall time, and the mean text length in bytes.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "safegate/judge/classifier.h"

namespace {

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: classifier_bench MODEL TEXTS.jsonl [ROUNDS]\n");
    return 2;
  }
  auto model = safegate::judge::TextClassifier::Load(argv[1]);
  if (!model.ok()) {
    std::fprintf(stderr, "%s\n", model.status().ToString().c_str());
    return 1;
  }
  std::vector<std::string> texts;
  std::ifstream f(argv[2]);
  std::string line;
  size_t bytes = 0;
  while (std::getline(f, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("text") && j["text"].is_string()) {
      texts.push_back(j["text"].get<std::string>());
      bytes += texts.back().size();
    }
  }
  if (texts.empty()) {
    std::fprintf(stderr, "%s: no {\"text\": ...} lines\n", argv[2]);
    return 1;
  }
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 5;
  size_t sink = 0;
  auto w0 = std::chrono::steady_clock::now();
  double c0 = ThreadCpuSeconds();
  for (int r = 0; r < rounds; ++r)
    for (const auto& t : texts) sink += (*model)->PredictIndex(t);
  double cpu = ThreadCpuSeconds() - c0;
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  const double n = static_cast<double>(texts.size()) * rounds;
  std::printf(
      "%zu texts (mean %.0f bytes) x %d: %.0f texts/s (thread CPU), %.0f texts/s (wall)  [%zu]\n",
      texts.size(), static_cast<double>(bytes) / texts.size(), rounds, n / cpu, n / wall, sink);
  return 0;
}
