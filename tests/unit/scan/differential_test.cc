// Differential test: Matcher against a naive oracle (std::string::find per
// pattern on the normalised text, same whole-word and first-occurrence rules).
//
// The normalisation options switch every normaliser step off (word_gaps, a
// matcher rule, stays on and the oracle applies it naively), so the text library is
// (effectively) the identity on these alphabets and the test checks only the
// matcher. The oracle still goes through the same Normalizer and ToOriginal,
// so it stays valid if the normaliser repairs or maps anything.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "safegate/scan/matcher.h"
#include "safegate/text/normalize.h"
#include "safegate/text/utf8.h"
#include "unit/scan/oracle.h"

namespace safegate::scan {
namespace {

using testing::Oracle;
using testing::Show;

text::NormalizeOptions AllOff() {
  text::NormalizeOptions o;
  o.strip_invisible = o.nfkc = o.fullwidth = o.casefold = o.confusables = o.t2s = false;
  o.strip_separators = o.strip_accents = o.digit_letters = false;
  return o;
}

struct Alphabet {
  const char* name;
  std::vector<std::string> symbols;  // for texts and keywords
};

// `reload`: scan with the matcher saved and loaded again (Load() recomputes
// what Compile() derived from the keywords) as well as with the compiled one.
// `spaced_hits` (optional): counts the hits whose span holds a run of spaced
// letters (text::HasSpacedLetters), which only the spaced-letters rule finds.
void RunDifferential(const Alphabet& alphabet, uint32_t seed, int rounds,
                     const text::NormalizeOptions& options = AllOff(), bool reload = false,
                     size_t* spaced_hits = nullptr, size_t* anchor_groups = nullptr) {
  std::mt19937 rng(seed);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const auto& sym = alphabet.symbols;
  text::NormalizeOptions kw_opt = options;
  kw_opt.matcher_folds_ascii = false;
  const text::Normalizer kw_norm(kw_opt);
  size_t total_hits = 0, whole_word_rejections = 0;
  for (int round = 0; round < rounds; ++round) {
    std::vector<Pattern> patterns;
    // Overlapping and nested literals.
    for (const char* fixed : {"ab", "abc", "bc"}) {
      Pattern p;
      p.id = std::string("f") + fixed;
      p.text = fixed;
      p.whole_word = rng() % 2;
      p.inflect = rng() % 2;
      patterns.push_back(p);
    }
    const size_t n = 1 + pick(12);
    for (size_t i = 0; i < n; ++i) {
      Pattern p;
      p.id = "p" + std::to_string(i);
      size_t len = 1 + pick(4);
      for (size_t j = 0; j < len; ++j) p.text += sym[pick(sym.size())];
      p.whole_word = rng() % 2;
      p.inflect = rng() % 2;
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
    // Keywords that normalise to nothing (only invisible characters) are refused.
    std::erase_if(patterns,
                  [&](const Pattern& p) { return kw_norm.NormalizeToString(p.text).empty(); });
    auto compiled = Matcher::Compile(patterns, options);
    ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();
    std::shared_ptr<const Matcher> matcher = *compiled;
    if (reload) {
      const auto dir = std::filesystem::temp_directory_path() /
                       ("sg_scan_differential_" + std::to_string(getpid()));
      std::filesystem::create_directories(dir);
      const std::string path = (dir / "m.sgm").string();
      ASSERT_TRUE(matcher->Save(path).ok());
      auto loaded = Matcher::Load(path);
      ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
      matcher = *loaded;
      std::filesystem::remove_all(dir);
    }
    const Matcher& m = *matcher;
    if (anchor_groups != nullptr) *anchor_groups += m.anchor_group_count();
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
      for (const Hit& h : hits) {
        if (spaced_hits != nullptr &&
            text::HasSpacedLetters(std::string_view(doc).substr(h.begin, h.end - h.begin))) {
          ++*spaced_hits;
        }
      }
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

// Words and gaps (word_gaps is on), inflections (inflect is random).
TEST(MatcherDifferential, WordGapsAndEnglishEndings) {
  RunDifferential({"english",
                   {"bomb", "pipe", "s", "'s", "\u2019", "es", "y", "ies", "part", " ", "  ", "-",
                    "_", ".", "\n", "x", "ch", "B"}},
                  5, 300);
}

TEST(MatcherDifferential, WordGapsAndRussianEndings) {
  RunDifferential(
      {"russian",
       {"бомб", "героин", "а", "ы", "ами", "ой", "я", "ь", " ", "-", "\n", "ж", ",", "о"}},
      6, 300);
}

// Sentence ends in word gaps (normalize.h step 9) and keywords written with
// accents (step 6a), with every normalisation step on (the oracle's full
// normaliser against the matcher's alphabet-aware one).
TEST(MatcherDifferential, SentenceEndsAndAccents) {
  RunDifferential(
      {"accents", {"p",      "e",      "\u00e9", "e\u0301", "\u00e8", "\u00c9", "E",
                   "t",      "ter",    "\u0451", "\u0435",  "\u0436", "\u0439", "\u0438\u0306",
                   " ",      " ",      ".",      "!",       "?",      "\n",     "-",
                   "\u3002", "\uff01", "\u2026", "\u00a0",  "\u3000", "\u200b", ")"}},
      7, 400, text::NormalizeOptions());
}

// Keywords of several words where a common word (the, which, и, ...) is the
// longest: the anchor that Hyperscan looks for is then another word
// (ChooseAnchor in matcher.cc), which must find the same occurrences.
TEST(MatcherDifferential, WordGapsWithCommonWords) {
  RunDifferential({"common",
                   {"the", "which", "and", "a", "of", "ox", "s", "bomb", "в", "и", "что", "яд", " ",
                    " ", "-", ".", "\n", "'s"}},
                  8, 400);
}

// Keywords whose words are all one letter ("s&m", "x y"): the anchor is one
// byte and its expressions carry the whole-word check on both sides, with
// one expression per letter that starts an ending and one at the text's end
// (ShapeExpressions() in matcher.cc). Compiled and reloaded.
TEST(MatcherDifferential, OneLetterWords) {
  const Alphabet alphabet{"one-letter",
                          {"s", "m", "S", "M", "x", " ", " ", "&", "-", "  ", "\n", "es", "'s",
                           "ms", "1", "\u00e9", "\u2014", "ies", "y"}};
  RunDifferential(alphabet, 9, 300);
  RunDifferential(alphabet, 10, 300, AllOff(), /*reload=*/true);
}

// Look-alike renderings (matcher.h; issue 21): Latin keywords whose words
// are all look-alikes of Cyrillic or Greek capitals and Cyrillic ones of
// Latin capitals, in documents that write them in either script or mixed,
// with every normalisation step on; compiled and reloaded.
TEST(MatcherDifferential, LookAlikeRenderings) {
  const Alphabet alphabet{
      "look-alikes",
      {"b",      "o",      "m",      "h",      "e",      "t",      "\u0412", "\u041e",
       "\u041c", "\u0435", "\u0442", "\u041d", "\u0392", "\u039f", "\u039c", "\u043e",
       "\u0436", "\u0432", "s",      " ",      " ",      "-",      "\n"}};
  RunDifferential(alphabet, 12, 300, text::NormalizeOptions());
  RunDifferential(alphabet, 13, 200, text::NormalizeOptions(), /*reload=*/true);
}

// Spaced letters (matcher.h; normalize.h step 7a) in both modes: documents
// of single letters with one or two separators between them, keywords of
// one or several words; the oracle searches the second, joined form and the
// keywords' joined forms naively. Compiled and reloaded.
TEST(MatcherDifferential, SpacedLetters) {
  const Alphabet alphabet{
      "spaced", {"a ", "b ", "c ", "a.",      "b.",      "c-",      "a",        "b", "c",  "ab",
                 " ",  "  ", "-",  "\u0431 ", "\u043e ", "\u00e9 ", "e\u0301 ", "1", "\n", "x"}};
  text::NormalizeOptions on;
  on.strip_separators = true;
  for (const text::NormalizeOptions& options : {text::NormalizeOptions(), on, AllOff()}) {
    size_t spaced = 0;
    RunDifferential(alphabet, 21, 250, options, /*reload=*/false, &spaced);
    RunDifferential(alphabet, 22, 100, options, /*reload=*/true, &spaced);
    // The generator must make the rule matter.
    EXPECT_GT(spaced, 20u) << options.ToString();
  }
}

// Phrases that share their anchor word (matcher.cc: anchor groups): the
// words of a refusal-phrase list, so that several keywords of a round look
// for the same word with other words, or the same words with other
// punctuation, around it. Compiled and reloaded (the groups are saved).
TEST(MatcherDifferential, SharedAnchors) {
  const Alphabet alphabet{
      "shared",
      {"help you", "can help", "help with", "i can", "no, i", "i can't", "i can\u2019t", "help",
       "you", " ", " ", ", ", ". ", "\u043d\u0435\u0442, \u044f", "\u5e2e", "\n", "helps", "x"}};
  for (const text::NormalizeOptions& options : {text::NormalizeOptions(), AllOff()}) {
    size_t groups = 0;
    RunDifferential(alphabet, 23, 300, options, /*reload=*/false, nullptr, &groups);
    RunDifferential(alphabet, 24, 150, options, /*reload=*/true, nullptr, &groups);
    // The generator must make the groups matter.
    EXPECT_GT(groups, 100u) << options.ToString();
  }
}

TEST(MatcherDifferential, TinyAlphabetDenseOverlaps) {
  RunDifferential({"tiny", {"a", "b", "c", " "}}, 4, 300);
  RunDifferential({"tiny", {"a", "b", "c", " "}}, 11, 100, AllOff(), /*reload=*/true);
}

}  // namespace
}  // namespace safegate::scan
