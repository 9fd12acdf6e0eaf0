// Throughput of text::Normalizer on the shared Wikipedia paragraphs.
//
//   normalize_bench [DATA_DIR [SET]]   (default ../shared/data, all sets)
//
// Each paragraph is one document (as the corpus scanner sees it). Sets:
//   en-ascii   wiki-en paragraphs that are pure ASCII
//   en-all     all wiki-en paragraphs
//   zh-hans    wiki-zh Simplified paragraphs (full-width punctuation included)
//   zh-hans-np the same with full-width punctuation made ASCII (already normal)
//   zh-hant    wiki-zh Traditional paragraphs
//   ru-mixed   wiki-en paragraphs with Latin letters replaced by Cyrillic ones
//              (upper and lower case), a stand-in for Russian prose
// For each set, the document options (matcher_folds_ascii = true, as the
// scanner uses) and the keyword options (false). Prints MB/s of input and the
// share of documents returned as identity. Times are thread CPU time.
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "safegate/text/normalize.h"
#include "safegate/text/utf8.h"

namespace {

using safegate::text::AppendUtf8;
using safegate::text::DecodeAt;
using safegate::text::NormalizedText;
using safegate::text::NormalizeOptions;
using safegate::text::Normalizer;

std::vector<nlohmann::json> ReadJsonl(const std::string& path) {
  std::vector<nlohmann::json> v;
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line)) {
    if (!line.empty()) v.push_back(nlohmann::json::parse(line));
  }
  return v;
}

std::string ToCyrillic(const std::string& s) {
  static const char32_t kLower[26] = {0x430, 0x431, 0x446, 0x434, 0x435, 0x444, 0x433, 0x445, 0x438,
                                      0x439, 0x43A, 0x43B, 0x43C, 0x43D, 0x43E, 0x43F, 0x449, 0x440,
                                      0x441, 0x442, 0x443, 0x432, 0x448, 0x436, 0x44B, 0x437};
  std::string out;
  for (unsigned char c : s) {
    if (c >= 'a' && c <= 'z') {
      AppendUtf8(kLower[c - 'a'], &out);
    } else if (c >= 'A' && c <= 'Z') {
      AppendUtf8(kLower[c - 'A'] - 0x20, &out);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string AsciiPunct(const std::string& s) {
  std::string out;
  for (size_t pos = 0; pos < s.size();) {
    size_t len = 0;
    bool bad = false;
    char32_t cp = DecodeAt(s, pos, &len, &bad);
    if (cp >= 0xFF01 && cp <= 0xFF5E) {
      out.push_back(static_cast<char>(cp - 0xFEE0));
    } else {
      out.append(s, pos, len);
    }
    pos += len;
  }
  return out;
}

void Run(const char* name, const std::vector<std::string>& docs, const NormalizeOptions& o,
         const char* mode) {
  Normalizer n(o);
  NormalizedText t;
  size_t bytes = 0;
  for (const auto& d : docs) bytes += d.size();
  size_t identity = 0;
  for (const auto& d : docs) {  // warm-up
    n.Normalize(d, &t);
    identity += t.identity();
  }
  size_t reps = 0;
  volatile size_t sink = 0;
  // CPU time of this thread: the machine is shared, wall time is noisy.
  auto cpu_now = [] {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
  };
  const double start = cpu_now();
  double secs = 0;
  do {
    for (const auto& d : docs) {
      n.Normalize(d, &t);
      sink = sink + t.text().size();
    }
    ++reps;
    secs = cpu_now() - start;
  } while (secs < 1.0);
  std::printf("%-11s %-8s %8.1f MB/s  %5.1f%% identity  (%zu docs, %.1f MB)\n", name, mode,
              static_cast<double>(bytes) * reps / secs / 1e6, 100.0 * identity / docs.size(),
              docs.size(), bytes / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : "../shared/data";
  auto en = ReadJsonl(dir + "/wiki-en/paragraphs.jsonl");
  auto zh = ReadJsonl(dir + "/wiki-zh/paragraphs.jsonl");
  if (en.empty() || zh.empty()) {
    std::fprintf(stderr, "normalize_bench: no data under %s\n", dir.c_str());
    return 1;
  }
  std::vector<std::string> en_ascii, en_all, hans, hans_np, hant, ru;
  for (const auto& j : en) {
    std::string s = j["text"];
    if (safegate::text::IsAscii(s)) en_ascii.push_back(s);
    en_all.push_back(s);
    ru.push_back(ToCyrillic(s));
  }
  for (const auto& j : zh) {
    std::string s = j["text"];
    if (j["script"] == "Hans") {
      hans.push_back(s);
      hans_np.push_back(AsciiPunct(s));
    } else {
      hant.push_back(s);
    }
  }
  NormalizeOptions doc;
  doc.matcher_folds_ascii = true;
  NormalizeOptions kw;
  const struct {
    const char* name;
    const std::vector<std::string>* docs;
  } sets[] = {{"en-ascii", &en_ascii},  {"en-all", &en_all}, {"zh-hans", &hans},
              {"zh-hans-np", &hans_np}, {"zh-hant", &hant},  {"ru-mixed", &ru}};
  const std::string only = argc > 2 ? argv[2] : "";
  for (const auto& s : sets) {
    if (!only.empty() && only != s.name) continue;
    Run(s.name, *s.docs, doc, "document");
    Run(s.name, *s.docs, kw, "keyword");
  }
  if (!only.empty()) return 0;
  NormalizeOptions sep = doc;
  sep.strip_separators = true;
  Run("en-all", en_all, sep, "doc+sep");
  Run("zh-hans", hans, sep, "doc+sep");
  return 0;
}
