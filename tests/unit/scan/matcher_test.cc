#include "safegate/scan/matcher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "safegate/base/file.h"

namespace safegate::scan {
namespace {

Pattern Lit(std::string id, std::string text, bool whole_word = false) {
  Pattern p;
  p.id = std::move(id);
  p.category = "cat";
  p.text = std::move(text);
  p.whole_word = whole_word;
  p.origin = "bank.csv:1";
  return p;
}

Pattern Re(std::string id, std::string text, bool whole_word = false) {
  Pattern p = Lit(std::move(id), std::move(text), whole_word);
  p.regex = true;
  return p;
}

// Every normalisation step off: identity on valid UTF-8 with either the stub
// or the real normaliser.
text::NormalizeOptions Plain() {
  text::NormalizeOptions o;
  o.strip_invisible = o.nfkc = o.fullwidth = o.casefold = o.confusables = o.t2s = false;
  o.strip_separators = false;
  return o;
}

std::shared_ptr<const Matcher> MustCompile(std::vector<Pattern> patterns,
                                           const text::NormalizeOptions& o = Plain()) {
  auto m = Matcher::Compile(std::move(patterns), o);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? *m : nullptr;
}

std::vector<Hit> ScanOnce(const Matcher& m, std::string_view doc) {
  Scratch scratch(m);
  std::vector<Hit> hits;
  Status s = m.Scan(doc, &scratch, &hits);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return hits;
}

std::string TempPath(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("sg_scan_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

TEST(Matcher, EngineSelfTestPasses) {
  Status s = SelfTest();
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(EngineVersion().rfind("hyperscan 5.", 0), 0u) << EngineVersion();
}

TEST(Matcher, LiteralSpanAndCaseInsensitiveAscii) {
  auto m = MustCompile({Lit("k1", "world"), Lit("k2", "HeLLo")});
  ASSERT_TRUE(m);
  EXPECT_EQ(ScanOnce(*m, "Hello WORLD"), (std::vector<Hit>{{1, 0, 5}, {0, 6, 11}}));
  EXPECT_TRUE(ScanOnce(*m, "hell o wor ld").empty());
  EXPECT_TRUE(ScanOnce(*m, "").empty());
}

TEST(Matcher, LiteralWithPunctuationAndNonAsciiBytes) {
  auto m = MustCompile({Lit("a", "a.b*c"), Lit("b", "(x|y)"), Lit("c", "ж\\d")});
  ASSERT_TRUE(m);
  EXPECT_EQ(ScanOnce(*m, "axb*c a.b*c"), (std::vector<Hit>{{0, 6, 11}}));
  EXPECT_EQ(ScanOnce(*m, "x (x|y) ж\\d"), (std::vector<Hit>{{1, 2, 7}, {2, 8, 12}}));
  EXPECT_TRUE(ScanOnce(*m, "x y ж1").empty());
}

TEST(Matcher, RegexSpanIsLeftmostStart) {
  auto m = MustCompile({Re("phone", "[0-9]{3}-[0-9]{4}"), Re("mail", "[a-z]+@[a-z]+\\.com")});
  ASSERT_TRUE(m);
  EXPECT_EQ(ScanOnce(*m, "call 555-1234 or Bob@Example.com"),
            (std::vector<Hit>{{0, 5, 13}, {1, 17, 32}}));
}

TEST(Matcher, RegexUtf8) {
  auto m = MustCompile({Re("r", "бом.а")});
  ASSERT_TRUE(m);
  // '.' is one code point in UTF-8 mode.
  EXPECT_EQ(ScanOnce(*m, "x бомба"), (std::vector<Hit>{{0, 2, 12}}));
}

TEST(Matcher, WholeWordEdges) {
  auto m = MustCompile({Lit("cat", "cat", /*whole_word=*/true)});
  ASSERT_TRUE(m);
  struct Case {
    std::string doc;
    bool match;
  };
  const std::vector<Case> cases = {
      {"cat", true},     {"cat.", true},  {".cat", true},  {"a cat b", true}, {"(cat)", true},
      {"cat,dog", true}, {"cat\n", true}, {"cats", false}, {"bobcat", false}, {"cat_", false},
      {"_cat", false},   {"cat1", false}, {"1cat", false}, {"жcat", false},   {"catж", false},
      {"кот cat", true}, {"éCAT", false}, {"CAT!", true},  {"中cat", false},  {"cat。", true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(!ScanOnce(*m, c.doc).empty(), c.match) << c.doc;
  }
}

TEST(Matcher, WholeWordReportsFirstValidOccurrence) {
  auto m = MustCompile({Lit("cat", "cat", true), Lit("sub", "cat")});
  ASSERT_TRUE(m);
  EXPECT_EQ(ScanOnce(*m, "cats bobcat cat cat"), (std::vector<Hit>{{1, 0, 3}, {0, 12, 15}}));
}

TEST(Matcher, WholeWordCyrillic) {
  auto m = MustCompile({Lit("b", "бомба", true)});
  ASSERT_TRUE(m);
  EXPECT_TRUE(ScanOnce(*m, "бомбами").empty());
  EXPECT_TRUE(ScanOnce(*m, "супербомба").empty());
  EXPECT_EQ(ScanOnce(*m, "это бомба!"), (std::vector<Hit>{{0, 7, 17}}));
}

TEST(Matcher, WholeWordRegex) {
  auto m = MustCompile({Re("r", "ca[a-z]", true)});
  ASSERT_TRUE(m);
  EXPECT_TRUE(ScanOnce(*m, "scat").empty());
  EXPECT_EQ(ScanOnce(*m, "scat cab"), (std::vector<Hit>{{0, 5, 8}}));
}

TEST(Matcher, CjkKeywordIgnoresWholeWord) {
  auto m = MustCompile({Lit("zh", "炸弹", true), Lit("ja", "ばくだん", true)});
  ASSERT_TRUE(m);
  EXPECT_EQ(ScanOnce(*m, "这是炸弹吗"), (std::vector<Hit>{{0, 6, 12}}));
  EXPECT_EQ(ScanOnce(*m, "xばくだんy"), (std::vector<Hit>{{1, 1, 13}}));
}

TEST(Matcher, OneHitPerPatternPerDocument) {
  auto m = MustCompile({Lit("a", "ab"), Lit("w", "ab", true), Re("r", "a[b]")});
  ASSERT_TRUE(m);
  EXPECT_EQ(ScanOnce(*m, "xab ab ab ab"), (std::vector<Hit>{{0, 1, 3}, {2, 1, 3}, {1, 4, 6}}));
}

TEST(Matcher, HitsSortedByBeginThenPattern) {
  auto m = MustCompile({Lit("z", "cd"), Lit("y", "abc"), Lit("x", "ab"), Lit("w", "bcd")});
  ASSERT_TRUE(m);
  EXPECT_EQ(ScanOnce(*m, "abcd"), (std::vector<Hit>{{1, 0, 3}, {2, 0, 2}, {3, 1, 4}, {0, 2, 4}}));
}

TEST(Matcher, DuplicateKeywordsEachReported) {
  auto m = MustCompile({Lit("a", "dup"), Lit("b", "DUP")});
  ASSERT_TRUE(m);
  EXPECT_EQ(ScanOnce(*m, "a dup"), (std::vector<Hit>{{0, 2, 5}, {1, 2, 5}}));
}

TEST(Matcher, BadRegexErrorNamesOrigin) {
  Pattern bad = Re("r7", "a(b");
  bad.origin = "bank.csv:12";
  auto m = Matcher::Compile({Lit("ok", "fine"), bad}, Plain());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(m.status().message().rfind(
                "bank.csv:12: field 'text': regex 'a(b' (id r7) does not compile: ", 0),
            0u)
      << m.status().message();
}

TEST(Matcher, RegexMatchingEmptyIsRejected) {
  auto m = Matcher::Compile({Re("e", "x*")}, Plain());
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("(id e) does not compile"), std::string::npos);
}

TEST(Matcher, RegexTooComplexForSomExplained) {
  auto m = Matcher::Compile({Re("big", "[a-z]+x[a-z]{50}y")}, Plain());
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("start-of-match"), std::string::npos) << m.status().message();
}

TEST(Matcher, EmptyKeywordIsError) {
  Pattern p = Lit("e1", "");
  p.origin = "kw.csv:3";
  auto m = Matcher::Compile({p}, Plain());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(m.status().message().find("kw.csv:3"), std::string::npos);
  EXPECT_NE(m.status().message().find("e1"), std::string::npos);
}

TEST(Matcher, EmptyPatternSet) {
  auto m = MustCompile({});
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->patterns().empty());
  EXPECT_TRUE(ScanOnce(*m, "anything at all").empty());
}

TEST(Matcher, AnyBytesDoNotCrash) {
  auto m = MustCompile({Lit("a", "ab"), Re("r", "b[^a]"), Lit("w", "ab", true)});
  ASSERT_TRUE(m);
  std::string doc =
      "ab\xff\xfe"
      "ab\xc3"
      "ab\x80\x00"
      "ab";
  doc.push_back('\0');
  std::vector<Hit> hits = ScanOnce(*m, doc);
  EXPECT_FALSE(hits.empty());
  for (const Hit& h : hits) EXPECT_LE(h.end, doc.size());
}

TEST(Matcher, ScratchOfAnotherMatcherIsRejected) {
  auto a = MustCompile({Lit("a", "a")});
  auto b = MustCompile({Lit("b", "b")});
  ASSERT_TRUE(a && b);
  Scratch sb(*b);
  std::vector<Hit> hits{{1, 2, 3}};
  Status s = a->Scan("a", &sb, &hits);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(hits.empty());
}

TEST(Matcher, ScratchReusedAcrossDocuments) {
  auto m = MustCompile({Lit("a", "foo", true), Lit("b", "bar")});
  ASSERT_TRUE(m);
  Scratch scratch(*m);
  std::vector<Hit> hits;
  ASSERT_TRUE(m->Scan("foo bar", &scratch, &hits).ok());
  EXPECT_EQ(hits.size(), 2u);
  ASSERT_TRUE(m->Scan("bar foo", &scratch, &hits).ok());
  EXPECT_EQ(hits, (std::vector<Hit>{{1, 0, 3}, {0, 4, 7}}));
  ASSERT_TRUE(m->Scan("nothing", &scratch, &hits).ok());
  EXPECT_TRUE(hits.empty());
}

std::vector<Pattern> MixedPatterns() {
  std::vector<Pattern> p = {Lit("a", "alpha"), Lit("b", "beta", true), Re("c", "g[a-z]+a"),
                            Lit("d", "炸弹", true), Lit("e", "бомба", true)};
  p[0].language = "en";
  p[3].category = "weapons";
  p[4].origin = "ru.csv:9";
  return p;
}

const std::vector<std::string> kDocs = {"alpha beta gamma", "alphabet betas", "炸弹 бомба!", "",
                                        "GAMMA ALPHA"};

TEST(Matcher, SaveLoadRoundTrip) {
  for (bool empty : {false, true}) {
    auto m = MustCompile(empty ? std::vector<Pattern>{} : MixedPatterns());
    ASSERT_TRUE(m);
    std::string path = TempPath(empty ? "empty.sgm" : "m.sgm");
    ASSERT_TRUE(m->Save(path).ok());
    auto loaded = Matcher::Load(path);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    const Matcher& l = **loaded;
    ASSERT_EQ(l.patterns().size(), m->patterns().size());
    for (size_t i = 0; i < l.patterns().size(); ++i) {
      const Pattern& x = l.patterns()[i];
      const Pattern& y = m->patterns()[i];
      EXPECT_EQ(x.id, y.id);
      EXPECT_EQ(x.category, y.category);
      EXPECT_EQ(x.language, y.language);
      EXPECT_EQ(x.text, y.text);
      EXPECT_EQ(x.regex, y.regex);
      EXPECT_EQ(x.whole_word, y.whole_word);
      EXPECT_EQ(x.origin, y.origin);
    }
    EXPECT_EQ(l.options(), m->options());
    for (const std::string& doc : kDocs) EXPECT_EQ(ScanOnce(l, doc), ScanOnce(*m, doc)) << doc;
    if (!empty) {
      EXPECT_EQ(ScanOnce(l, kDocs[0]).size(), 3u);
    }
  }
}

TEST(Matcher, LoadRejectsCorruptFiles) {
  auto m = MustCompile(MixedPatterns());
  ASSERT_TRUE(m);
  std::string path = TempPath("good.sgm");
  ASSERT_TRUE(m->Save(path).ok());
  auto good = ReadFile(path);
  ASSERT_TRUE(good.ok());
  const std::string bytes = *good;
  std::string bad_path = TempPath("bad.sgm");

  auto load = [&](const std::string& content) {
    EXPECT_TRUE(WriteFileAtomic(bad_path, content).ok());
    return Matcher::Load(bad_path);
  };
  // Wrong magic.
  {
    std::string c = bytes;
    c[0] = 'X';
    auto r = load(c);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(bad_path), std::string::npos);
  }
  // Wrong format version.
  {
    std::string c = bytes;
    c[8] = 99;
    auto r = load(c);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("version"), std::string::npos);
  }
  // Every truncation fails cleanly.
  for (size_t len = 0; len < bytes.size(); len += (len < 200 ? 1 : 97)) {
    auto r = load(bytes.substr(0, len));
    ASSERT_FALSE(r.ok()) << len;
    EXPECT_TRUE(r.status().code() == StatusCode::kDataLoss ||
                r.status().code() == StatusCode::kInvalidArgument)
        << r.status().ToString();
    EXPECT_NE(r.status().message().find(bad_path), std::string::npos);
  }
  // Flipped bytes anywhere are caught.
  for (size_t pos = 12; pos < bytes.size(); pos += 13) {
    std::string c = bytes;
    c[pos] = static_cast<char>(c[pos] ^ 0x5a);
    auto r = load(c);
    EXPECT_FALSE(r.ok()) << pos;
  }
  // Missing file.
  auto r = Matcher::Load(TempPath("does-not-exist.sgm"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
}

TEST(Matcher, ThreadsShareOneMatcher) {
  std::vector<Pattern> patterns;
  for (int i = 0; i < 200; ++i)
    patterns.push_back(Lit("k" + std::to_string(i), "w" + std::to_string(i * 7), i % 2 == 0));
  patterns.push_back(Re("r", "w1[0-9]+x"));
  auto m = MustCompile(patterns);
  ASSERT_TRUE(m);
  std::vector<std::string> docs;
  for (int d = 0; d < 50; ++d) {
    std::string doc;
    for (int j = 0; j < 300; ++j)
      doc += "w" + std::to_string((d * 131 + j * 17) % 1500) + (j % 5 ? " " : "x ");
    docs.push_back(doc);
  }
  std::vector<std::vector<Hit>> expected;
  for (const auto& doc : docs) expected.push_back(ScanOnce(*m, doc));
  size_t total = 0;
  for (const auto& e : expected) total += e.size();
  ASSERT_GT(total, 0u);

  constexpr int kThreads = 4;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Scratch scratch(*m);
      std::vector<Hit> hits;
      for (int round = 0; round < 5; ++round) {
        for (size_t d = 0; d < docs.size(); ++d) {
          size_t i = (d + t * 7) % docs.size();
          if (!m->Scan(docs[i], &scratch, &hits).ok() || hits != expected[i]) ++mismatches[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

// ---------------------------------------------------------------------------
// NORMALISATION-DEPENDENT tests: they need the real src/text normaliser and
// are skipped while normalize.cc is the identity stub (ToString() == "stub").
// ---------------------------------------------------------------------------

bool NormalizerIsStub() {
  return text::NormalizeOptions().ToString() == "stub";
}

#define SKIP_IF_STUB_NORMALIZER() \
  if (NormalizerIsStub()) GTEST_SKIP() << "needs the real normaliser (src/text)"

TEST(MatcherRealNormalizer, UppercaseFullWidthAndZeroWidth) {
  SKIP_IF_STUB_NORMALIZER();
  auto m = MustCompile({Lit("b", "BOMB", true)}, text::NormalizeOptions());
  ASSERT_TRUE(m);
  EXPECT_EQ(ScanOnce(*m, "a bomb!"), (std::vector<Hit>{{0, 2, 6}}));
  // Full-width ＢＯＭＢ: 4 x 3 bytes, mapped back to the original span.
  EXPECT_EQ(ScanOnce(*m, "x ＢＯＭＢ y"), (std::vector<Hit>{{0, 2, 14}}));
  // Zero-width space inside the word (3 bytes).
  EXPECT_EQ(ScanOnce(*m, "b\u200bomb"), (std::vector<Hit>{{0, 0, 7}}));
}

TEST(MatcherRealNormalizer, CaseFoldingBeyondAscii) {
  SKIP_IF_STUB_NORMALIZER();
  auto m = MustCompile({Lit("s", "STRASSE"), Lit("r", "БОМБА", true)}, text::NormalizeOptions());
  ASSERT_TRUE(m);
  EXPECT_EQ(ScanOnce(*m, "die Straße"), (std::vector<Hit>{{0, 4, 11}}));
  EXPECT_EQ(ScanOnce(*m, "Бомба!"), (std::vector<Hit>{{1, 0, 10}}));
}

TEST(MatcherRealNormalizer, KeywordOfOnlyInvisiblesIsError) {
  SKIP_IF_STUB_NORMALIZER();
  Pattern p = Lit("zw", "\u200b\u200d");
  p.origin = "kw.csv:4";
  auto m = Matcher::Compile({p}, text::NormalizeOptions());
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("kw.csv:4"), std::string::npos);
  EXPECT_NE(m.status().message().find("zw"), std::string::npos);
}

TEST(MatcherRealNormalizer, SaveLoadKeepsOptions) {
  SKIP_IF_STUB_NORMALIZER();
  text::NormalizeOptions o;
  o.t2s = false;
  o.strip_separators = true;
  auto m = MustCompile({Lit("b", "bomb")}, o);
  ASSERT_TRUE(m);
  std::string path = TempPath("opts.sgm");
  ASSERT_TRUE(m->Save(path).ok());
  auto l = Matcher::Load(path);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ((*l)->options(), m->options());
  EXPECT_EQ(ScanOnce(**l, "b.o.m.b"), ScanOnce(*m, "b.o.m.b"));
  EXPECT_FALSE(ScanOnce(**l, "b.o.m.b").empty());
}

}  // namespace
}  // namespace safegate::scan
