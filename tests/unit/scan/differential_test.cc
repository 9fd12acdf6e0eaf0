// Differential test: Matcher against a naive oracle (std::string::find per
// pattern on the normalised text, same whole-word and first-occurrence rules).
//
// The normalisation options switch every step off, so the text library is
// (effectively) the identity on these alphabets and the test checks only the
// matcher. The oracle still goes through the same Normalizer and ToOriginal,
// so it stays valid if the normaliser repairs or maps anything.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "safegate/scan/matcher.h"
#include "safegate/text/utf8.h"

namespace safegate::scan {
namespace {

text::NormalizeOptions AllOff() {
  text::NormalizeOptions o;
  o.strip_invisible = o.nfkc = o.fullwidth = o.casefold = o.confusables = o.t2s = false;
  o.strip_separators = false;
  return o;
}

std::string AsciiLower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// Code points of `s` with their byte offsets (forward decoding only).
struct Decoded {
  std::vector<char32_t> cps;
  std::vector<size_t> starts;  // byte offset of each code point; plus s.size() at the end
};

Decoded Decode(std::string_view s) {
  Decoded d;
  for (size_t pos = 0; pos < s.size();) {
    size_t len = 0;
    bool invalid = false;
    char32_t cp = text::DecodeAt(s, pos, &len, &invalid);
    d.cps.push_back(invalid ? text::kReplacementChar : cp);
    d.starts.push_back(pos);
    pos += std::max<size_t>(len, 1);
  }
  d.starts.push_back(s.size());
  return d;
}

bool OracleIgnoresWholeWord(std::string_view keyword) {
  Decoded d = Decode(keyword);
  bool any = false;
  for (char32_t cp : d.cps) {
    if (!text::IsWordChar(cp)) continue;
    if (!text::IsNoSpaceScript(cp)) return false;
    any = true;
  }
  return any;
}

std::vector<Hit> Oracle(const std::vector<Pattern>& patterns, const text::NormalizeOptions& options,
                        std::string_view doc) {
  text::NormalizeOptions kw_opt = options, doc_opt = options;
  kw_opt.matcher_folds_ascii = false;
  doc_opt.matcher_folds_ascii = true;
  text::Normalizer kw_norm(kw_opt), doc_norm(doc_opt);
  text::NormalizedText nt;
  doc_norm.Normalize(doc, &nt);
  const std::string text = AsciiLower(std::string(nt.text()));
  const Decoded d = Decode(text);
  // Byte offset -> index of the code point starting there (or -1).
  std::vector<int> cp_at(text.size() + 1, -1);
  for (size_t i = 0; i < d.cps.size(); ++i) cp_at[d.starts[i]] = static_cast<int>(i);
  cp_at[text.size()] = static_cast<int>(d.cps.size());

  std::vector<Hit> hits;
  for (size_t pi = 0; pi < patterns.size(); ++pi) {
    const Pattern& p = patterns[pi];
    const std::string kw = AsciiLower(kw_norm.NormalizeToString(p.text));
    const bool check = p.whole_word && !OracleIgnoresWholeWord(kw);
    for (size_t pos = text.find(kw); pos != std::string::npos; pos = text.find(kw, pos + 1)) {
      size_t end = pos + kw.size();
      if (check) {
        int b = cp_at[pos], e = cp_at[end];
        // Matches inside a code point cannot happen with valid UTF-8 patterns.
        if (b < 0 || e < 0) continue;
        if (b > 0 && text::IsWordChar(d.cps[b - 1])) continue;
        if (e < static_cast<int>(d.cps.size()) && text::IsWordChar(d.cps[e])) continue;
      }
      Hit h{static_cast<uint32_t>(pi), pos, end};
      if (!nt.identity()) {
        text::Span s = nt.ToOriginal(pos, end);
        h.begin = s.begin;
        h.end = s.end;
      }
      hits.push_back(h);
      break;
    }
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.pattern < b.pattern;
  });
  return hits;
}

std::string Show(const std::vector<Hit>& hits, const std::vector<Pattern>& patterns) {
  std::string s;
  for (const Hit& h : hits) {
    s += "{" + patterns[h.pattern].text + (patterns[h.pattern].whole_word ? "/w" : "") + " " +
         std::to_string(h.begin) + ".." + std::to_string(h.end) + "} ";
  }
  return s;
}

struct Alphabet {
  const char* name;
  std::vector<std::string> symbols;  // for texts and keywords
};

void RunDifferential(const Alphabet& alphabet, uint32_t seed, int rounds) {
  std::mt19937 rng(seed);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const auto& sym = alphabet.symbols;
  const text::NormalizeOptions options = AllOff();
  size_t total_hits = 0, whole_word_rejections = 0;
  for (int round = 0; round < rounds; ++round) {
    std::vector<Pattern> patterns;
    // Overlapping and nested literals.
    for (const char* fixed : {"ab", "abc", "bc"}) {
      Pattern p;
      p.id = std::string("f") + fixed;
      p.text = fixed;
      p.whole_word = rng() % 2;
      patterns.push_back(p);
    }
    const size_t n = 1 + pick(12);
    for (size_t i = 0; i < n; ++i) {
      Pattern p;
      p.id = "p" + std::to_string(i);
      size_t len = 1 + pick(4);
      for (size_t j = 0; j < len; ++j) p.text += sym[pick(sym.size())];
      p.whole_word = rng() % 2;
      patterns.push_back(p);
    }
    // Nested/overlapping copies of earlier patterns (prefixes, suffixes).
    for (size_t i = 0, m = patterns.size(); i < m; ++i) {
      if (rng() % 4 == 0 && patterns[i].text.size() > 1) {
        Pattern p = patterns[i];
        p.id += "x";
        p.whole_word = !p.whole_word;
        p.text = rng() % 2 ? p.text.substr(1) : p.text + sym[pick(sym.size())];
        if (text::CountInvalid(p.text) == 0) patterns.push_back(p);
      }
    }
    auto compiled = Matcher::Compile(patterns, options);
    ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();
    const Matcher& m = **compiled;
    Scratch scratch(m);
    std::vector<Hit> hits;
    for (int doc_i = 0; doc_i < 8; ++doc_i) {
      std::string doc;
      const size_t len = pick(80);
      for (size_t j = 0; j < len; ++j) {
        std::string s = sym[pick(sym.size())];
        if (rng() % 7 == 0) {  // upper-case ASCII: the engine folds it
          for (char& c : s)
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        }
        doc += s;
      }
      ASSERT_TRUE(m.Scan(doc, &scratch, &hits).ok());
      std::vector<Hit> want = Oracle(patterns, options, doc);
      ASSERT_EQ(hits, want) << alphabet.name << " round " << round << " doc \"" << doc
                            << "\"\n got:  " << Show(hits, patterns)
                            << "\n want: " << Show(want, patterns);
      total_hits += hits.size();
      for (const Pattern& p : patterns) {
        if (p.whole_word && doc.find(p.text) != std::string::npos) ++whole_word_rejections;
      }
    }
  }
  // The generator must exercise the matcher: plenty of hits and whole-word cases.
  EXPECT_GT(total_hits, static_cast<size_t>(rounds));
  EXPECT_GT(whole_word_rejections, 0u);
}

TEST(MatcherDifferential, AsciiLettersSpacesPunct) {
  RunDifferential({"ascii", {"a", "b", "c", "d", "A", "B", " ", " ", ".", "_", "1", "-"}}, 1, 300);
}

TEST(MatcherDifferential, Cyrillic) {
  RunDifferential({"cyrillic", {"б", "в", "ж", "а", " ", ",", "a", "b", "c"}}, 2, 300);
}

TEST(MatcherDifferential, HanAndMixed) {
  RunDifferential({"han", {"中", "文", "炸", "弹", "。", " ", "a", "b", "c", "ж"}}, 3, 300);
}

TEST(MatcherDifferential, TinyAlphabetDenseOverlaps) {
  RunDifferential({"tiny", {"a", "b", "c", " "}}, 4, 300);
}

}  // namespace
}  // namespace safegate::scan
