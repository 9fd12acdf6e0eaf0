// Differential test of the alphabet-aware document normaliser (see
// text::Normalizer(options, alphabet) and Matcher::Compile): the Matcher,
// which skips code point changes that cannot affect matching, against an
// oracle that normalises the document with the FULL normaliser (no
// alphabet), finds each normalised literal with std::string::find (same
// whole-word and first-occurrence rules) and maps spans with ToOriginal.
// The hits must be identical. Documents mix Simplified and Traditional Han,
// full-width punctuation and letters, ASCII, Cyrillic, separators, combining
// marks and invalid bytes; literal sets include ASCII punctuation (so that
// full-width punctuation must NOT be skipped) and Traditional/Simplified pairs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "safegate/scan/matcher.h"
#include "safegate/text/utf8.h"
#include "unit/scan/oracle.h"

namespace safegate::scan {
namespace {

using testing::Oracle;
using testing::Show;

std::string ShowPatterns(const std::vector<Pattern>& patterns) {
  std::string s;
  for (const Pattern& p : patterns) s += "[" + p.text + (p.whole_word ? "/w" : "") + "] ";
  return s;
}

// Document symbols.
const std::vector<std::string>& DocSymbols() {
  static const std::vector<std::string> kSyms = {
      // Simplified and Traditional Han (國/国, 彈/弹, 為/为, 這/这, 學/学, 們/们).
      "中", "国", "國", "炸", "弹", "彈", "为", "為", "这", "這", "学", "學", "们", "們", "文",
      "我", "好",
      // Full-width and other compatibility punctuation, spaces, digits, letters.
      "，", "（", "）", "：", "！", "？", "；", "、", "。", "～", "﹐", "․", "①", "１", "２", "ａ",
      "Ｂ", "ｘ", "\u00A0", "\u2002", "\u3000", "℃", "ｶ",
      // ASCII.
      "a", "b", "c", "x", "A", "B", "1", "2", ",", "(", ")", ":", " ", " ", ".", "-", "_", "*", "/",
      "!", "?", "\n",
      // Letters with and without accents (keywords written with accents keep them).
      "e", "o", "\u00e9", "\u00f3", "\u00f2", "\u2026",
      // Cyrillic (confusables with Latin in one word), Greek.
      "а", "б", "р", "ο",
      // Separators of strip_separators.
      "\u00B7", "\u2022", "\u2027", "\u30FB",
      // Combining marks (compose with the preceding code point, also a kept one).
      "\u0301", "\u0308", "\u3099",
      // Invisible, invalid bytes.
      "\u200B", "\xFF", "\xC3", "\xE4\xB8"};
  return kSyms;
}

// Literal building blocks: keywords in Han (with Traditional spellings),
// ASCII with punctuation (must not be skipped), mixed.
const std::vector<std::string>& LiteralPool() {
  static const std::vector<std::string> kPool = {
      "中国",  "中國", "炸弹", "炸彈", "为", "這", "学", "我们", "好", "a,b",  "(x)", "1:2",
      "a b",   "ab",   "abc",  "b.c",  "c",  "x",  ",",  "：",   "１", "ａｂ", "а",   "bomb",
      "b o m", "文，", "国（", "a-b",  "2",  "·",  "①",  "～",   "c~", "ca",   "ó",   "e\u0301"};
  return kPool;
}

struct Stats {
  size_t docs = 0, hits = 0, alpha_matchers = 0, oracle_changed_but_kept = 0;
};

void RunAlphabetDifferential(bool strip_separators, uint32_t seed, int rounds, Stats* st) {
  std::mt19937 rng(seed);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  text::NormalizeOptions options;  // defaults: every step on
  options.strip_separators = strip_separators;
  text::NormalizeOptions kw_opt = options;
  kw_opt.matcher_folds_ascii = false;
  const text::Normalizer kw_norm(kw_opt);
  const auto& sym = DocSymbols();
  const auto& pool = LiteralPool();
  for (int round = 0; round < rounds; ++round) {
    std::vector<Pattern> patterns;
    const size_t n = 1 + pick(8);
    // Some rounds: only Han keywords (the alphabet then lets full-width
    // punctuation and unrelated Traditional characters through).
    const bool han_only = rng() % 3 == 0;
    for (size_t i = 0; i < n; ++i) {
      Pattern p;
      p.id = "p" + std::to_string(i);
      if (han_only) {
        p.text = pool[pick(9)];
      } else if (rng() % 2) {
        p.text = pool[pick(pool.size())];
      } else {
        const size_t len = 1 + pick(3);
        for (size_t j = 0; j < len; ++j) p.text += sym[pick(sym.size())];
      }
      p.whole_word = rng() % 2;
      if (text::CountInvalid(p.text) != 0 || kw_norm.NormalizeToString(p.text).empty()) continue;
      patterns.push_back(p);
    }
    if (patterns.empty()) continue;
    auto compiled = Matcher::Compile(patterns, options);
    ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();
    const Matcher& m = **compiled;
    if (m.normalizer().uses_alphabet()) ++st->alpha_matchers;
    Scratch scratch(m);
    std::vector<Hit> hits;
    text::NormalizedText nt;
    for (int doc_i = 0; doc_i < 10; ++doc_i) {
      std::string doc;
      const size_t len = pick(60);
      for (size_t j = 0; j < len; ++j) {
        if (rng() % 3 == 0) {
          // Bias towards pieces of the keywords, so that hits are frequent.
          doc += patterns[pick(patterns.size())].text;
        } else {
          doc += sym[pick(sym.size())];
        }
      }
      ASSERT_TRUE(m.Scan(doc, &scratch, &hits).ok());
      bool oracle_identity = false;
      const std::vector<Hit> want = Oracle(patterns, options, doc, &oracle_identity);
      ASSERT_EQ(hits, want) << "strip_separators=" << strip_separators << " round " << round
                            << " doc \"" << doc << "\"\n got:  " << Show(hits, patterns)
                            << "\n want: " << Show(want, patterns)
                            << "\n patterns: " << ShowPatterns(patterns);
      m.normalizer().Normalize(doc, &nt);
      if (nt.identity() && !oracle_identity) ++st->oracle_changed_but_kept;
      ++st->docs;
      st->hits += hits.size();
    }
  }
}

TEST(MatcherAlphabetDifferential, StripSeparatorsOff) {
  Stats st;
  RunAlphabetDifferential(false, 11, 1500, &st);
  // The generator must exercise the optimisation and the matcher.
  EXPECT_GT(st.alpha_matchers, 100u);
  EXPECT_GT(st.oracle_changed_but_kept, 20u);
  EXPECT_GT(st.hits, st.docs);
  std::printf("docs %zu hits %zu alphabet matchers %zu kept-only docs %zu\n", st.docs, st.hits,
              st.alpha_matchers, st.oracle_changed_but_kept);
}

TEST(MatcherAlphabetDifferential, StripSeparatorsOn) {
  Stats st;
  RunAlphabetDifferential(true, 12, 1500, &st);
  EXPECT_GT(st.alpha_matchers, 100u);
  EXPECT_GT(st.oracle_changed_but_kept, 20u);
  EXPECT_GT(st.hits, st.docs);
  std::printf("docs %zu hits %zu alphabet matchers %zu kept-only docs %zu\n", st.docs, st.hits,
              st.alpha_matchers, st.oracle_changed_but_kept);
}

Pattern Lit(std::string id, std::string text, bool whole_word = false) {
  Pattern p;
  p.id = std::move(id);
  p.text = std::move(text);
  p.whole_word = whole_word;
  return p;
}

TEST(MatcherAlphabet, UsedOnlyWithoutRegexes) {
  const std::string doc = "我们在北京（中国），今天：好。";
  auto lit = Matcher::Compile({Lit("a", "炸弹"), Lit("b", "中國")}, {});
  ASSERT_TRUE(lit.ok());
  EXPECT_TRUE((*lit)->normalizer().uses_alphabet());
  std::vector<Hit> hits;
  Scratch s1(**lit);
  ASSERT_TRUE((*lit)->Scan(doc, &s1, &hits).ok());
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(doc.substr(hits[0].begin, hits[0].end - hits[0].begin), "中国");

  Pattern re;
  re.id = "r";
  re.text = "\\(";
  re.regex = true;
  auto with_regex = Matcher::Compile({Lit("a", "炸弹"), re}, {});
  ASSERT_TRUE(with_regex.ok());
  EXPECT_FALSE((*with_regex)->normalizer().uses_alphabet());
  Scratch s2(**with_regex);
  ASSERT_TRUE((*with_regex)->Scan(doc, &s2, &hits).ok());
  ASSERT_EQ(hits.size(), 1u);  // "（" is "(" for the regex
  EXPECT_EQ(doc.substr(hits[0].begin, hits[0].end - hits[0].begin), "（");
}

// A code point that the full rules turn into a sentence-ending mark (U+2024
// ONE DOT LEADER -> '.') or into white space is not kept by the alphabet-aware
// normaliser when the two differ in that property: the word gap rule reads it.
TEST(MatcherAlphabet, SentenceEndPropertiesDecideSkipping) {
  auto m = Matcher::Compile({Lit("pb", "pipe bomb", true)}, {});
  ASSERT_TRUE(m.ok());
  Scratch s(**m);
  std::vector<Hit> hits;
  for (const char* doc : {"pipe\u2024 bomb", "pipe\u2024\u3000bomb", "pipe\uff0e bomb"}) {
    ASSERT_TRUE((*m)->Scan(doc, &s, &hits).ok());
    EXPECT_TRUE(hits.empty()) << doc;
    EXPECT_EQ(hits, Oracle({Lit("pb", "pipe bomb", true)}, {}, doc)) << doc;
  }
  for (const char* doc : {"pipe\u2024bomb", "pipe\u3000\u2024bomb"}) {
    ASSERT_TRUE((*m)->Scan(doc, &s, &hits).ok());
    EXPECT_EQ(hits.size(), 1u) << doc;
  }
}

TEST(MatcherAlphabet, SaveLoadRebuildsTheAlphabet) {
  auto m = Matcher::Compile({Lit("a", "炸弹"), Lit("b", "a,b", true)}, {});
  ASSERT_TRUE(m.ok());
  const std::string path = ::testing::TempDir() + "/alphabet_matcher.bin";
  ASSERT_TRUE((*m)->Save(path).ok());
  auto loaded = Matcher::Load(path);
  std::remove(path.c_str());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE((*loaded)->normalizer().uses_alphabet());
  const std::string doc = "炸彈（Ａ，Ｂ）：a，b。";
  text::NormalizedText t1, t2;
  (*m)->normalizer().Normalize(doc, &t1);
  (*loaded)->normalizer().Normalize(doc, &t2);
  EXPECT_EQ(t1.text(), t2.text());
  std::vector<Hit> h1, h2;
  Scratch s1(**m), s2(**loaded);
  ASSERT_TRUE((*m)->Scan(doc, &s1, &h1).ok());
  ASSERT_TRUE((*loaded)->Scan(doc, &s2, &h2).ok());
  EXPECT_EQ(h1, h2);
  EXPECT_EQ(h1.size(), 2u);  // 炸彈, and "a，b" (",", in the alphabet, is not skipped)
}

}  // namespace
}  // namespace safegate::scan
