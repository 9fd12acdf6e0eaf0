#include "safegate/scan/matcher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "safegate/base/file.h"
#include "safegate/base/hash.h"

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
  o.strip_separators = o.strip_accents = o.digit_letters = false;
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

// A huge pattern is quoted cut short, not echoed whole into the error.
TEST(Matcher, HugePatternQuotedShortInErrors) {
  auto m = Matcher::Compile({Re("long", "(" + std::string(100000, 'a'))}, Plain());
  ASSERT_FALSE(m.ok());
  EXPECT_LT(m.status().message().size(), 400u);
  EXPECT_NE(m.status().message().find("regex '(aaa"), std::string::npos) << m.status().message();
  EXPECT_NE(m.status().message().find("aaa... (100001 bytes)' (id long) does not compile"),
            std::string::npos)
      << m.status().message();
}

// A 10 MB literal cost 2.9 s and 390 MB before the engine refused it; it is
// refused first now, with the origin, the field and 80 bytes of it.
TEST(Matcher, OverlongKeywordIsRefusedBeforeCompiling) {
  auto m = Matcher::Compile({Lit("ok", "bomb"), Lit("huge", std::string(10 << 20, 'a'))},
                            text::NormalizeOptions());
  ASSERT_FALSE(m.ok());
  const std::string& msg = m.status().message();
  EXPECT_LT(msg.size(), 400u) << msg;
  EXPECT_NE(msg.find("bank.csv:1: field 'text': keyword 'aaa"), std::string::npos) << msg;
  EXPECT_NE(msg.find("(10485760 bytes)' (id huge) is longer than 4096 bytes"), std::string::npos)
      << msg;
  // The limit itself is accepted.
  EXPECT_TRUE(Matcher::Compile({Lit("edge", std::string(kMaxKeywordBytes, 'a'))}, Plain()).ok());
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

// The engine self-test is remembered by a marker file that is trusted only
// with exactly the content this engine, build and processor would write.
TEST(EngineCheck, MarkerIsTrustedOnlyWithItsExactContent) {
  const std::string dir = TempPath("engine-cache");
  std::filesystem::remove_all(dir);
  EngineCheckReport first;
  ASSERT_TRUE(CheckEngine(dir, &first).ok());
  if (first.marker.empty()) GTEST_SKIP() << "no build identity or not x86: no marker is used";
  EXPECT_FALSE(first.trusted);
  EXPECT_TRUE(first.written);
  auto content = ReadFile(first.marker);
  ASSERT_TRUE(content.ok());
  const std::string good = *content;
  EXPECT_NE(good.find(EngineVersion()), std::string::npos);
  EngineCheckReport again;
  ASSERT_TRUE(CheckEngine(dir, &again).ok());
  EXPECT_EQ(again.marker, first.marker);
  EXPECT_TRUE(again.trusted);
  EXPECT_FALSE(again.written);
  std::string other_engine = good;
  other_engine.replace(other_engine.find(EngineVersion()), 1, "X");
  for (const std::string& bad :
       {std::string(), good.substr(0, good.size() - 1), good + "x", other_engine}) {
    ASSERT_TRUE(WriteFileAtomic(first.marker, bad).ok());
    EngineCheckReport r;
    ASSERT_TRUE(CheckEngine(dir, &r).ok());
    EXPECT_FALSE(r.trusted) << bad;
    EXPECT_TRUE(r.written);
    EXPECT_EQ(*ReadFile(first.marker), good);
  }
  EngineCheckReport none;
  ASSERT_TRUE(CheckEngine("", &none).ok());
  EXPECT_TRUE(none.marker.empty());
  EXPECT_FALSE(none.trusted);
}

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

// A saved matcher's anchor groups (format 9: count; per group its member
// count and members) hand-made corrupt, with the header's size and checksum
// made to agree (WordChecksum64), so the loader's own group checks are what
// is tested: each is refused with an error that says what, none crashes.
TEST(Matcher, LoadRejectsCorruptAnchorGroups) {
  std::vector<Pattern> ps;
  int i = 0;
  for (const char* t : {"i can't help", "i can't help it", "can't help you", "no, i can't",
                        "no i can't", "help with that", "stolen card numbers"}) {
    Pattern p;
    p.id = "k" + std::to_string(i++);
    p.text = t;
    p.whole_word = true;
    ps.push_back(p);
  }
  auto m = MustCompile(ps);
  ASSERT_TRUE(m);
  ASSERT_GT(m->anchor_group_count(), 0u);
  const std::string path = TempPath("groups.sgm");
  ASSERT_TRUE(m->Save(path).ok());
  auto saved = ReadFile(path);
  ASSERT_TRUE(saved.ok());
  // The header: magic (8 bytes), format version (4), payload size (8),
  // checksum (8); the payload ends with the anchor groups, the engine
  // database's size (8) and the database.
  constexpr size_t kSizeAt = 12, kChecksumAt = 20, kPayloadAt = 28;
  const std::string payload = saved->substr(kPayloadAt);
  auto u32 = [&](size_t at) {
    uint32_t v = 0;
    if (at + 4 <= payload.size()) {
      std::memcpy(&v, payload.data() + at, 4);
    } else {
      ADD_FAILURE() << "the walk left the payload at " << at;
    }
    return v;
  };
  // Walked as Save() writes it (little-endian; a string is its length and
  // bytes): the engine's version, the options, the pattern records (no regex,
  // no accents here), the renderings and joined forms, the anchor groups, the
  // database's size and the database.
  size_t at = 0;
  auto str = [&] { at += 4 + u32(at); };
  str();                       // engine version
  at += 4 + u32(at);           // option count, one byte each
  const uint32_t n = u32(at);  // patterns
  at += 4;
  ASSERT_EQ(n, m->pattern_count());
  for (uint32_t k = 0; k < n; ++k) {
    for (int f = 0; f < 5; ++f) str();  // id, category, language, text, origin
    at += 1;                            // flags
    at += 4 + u32(at);                  // normalised text
    ASSERT_EQ(u32(at), 0u);             // no accents
    at += 4;
  }
  const uint32_t renderings = u32(at);
  at += 4;
  for (uint32_t k = 0; k < renderings; ++k) {
    at += 4;  // owner
    str();    // text
    at += 1;  // kind
  }
  const uint32_t entries = n + renderings;
  const size_t groups_at = at;
  std::vector<std::vector<uint32_t>> groups(u32(at));
  at += 4;
  for (auto& g : groups) {
    g.resize(u32(at));
    at += 4;
    for (uint32_t& id : g) id = u32(at), at += 4;
  }
  const size_t db_at = at;
  uint64_t db_size;
  std::memcpy(&db_size, payload.data() + db_at, 8);
  ASSERT_EQ(db_at + 8 + db_size, payload.size());
  ASSERT_EQ(groups.size(), m->anchor_group_count());
  ASSERT_GE(groups[0].size(), 2u);
  // "stolen card numbers" has words and shares none with a group: another anchor.
  const uint32_t foreign = n - 1;
  for (const auto& g : groups) ASSERT_EQ(std::count(g.begin(), g.end(), foreign), 0);

  auto load = [&](const std::vector<std::vector<uint32_t>>& gs) {
    std::string section;
    auto put = [&](uint32_t v) { section.append(reinterpret_cast<const char*>(&v), 4); };
    put(static_cast<uint32_t>(gs.size()));
    for (const auto& g : gs) {
      put(static_cast<uint32_t>(g.size()));
      for (uint32_t id : g) put(id);
    }
    const std::string body = payload.substr(0, groups_at) + section + payload.substr(db_at);
    std::string file = saved->substr(0, kPayloadAt) + body;
    const uint64_t size = body.size(), sum = WordChecksum64(body);
    std::memcpy(file.data() + kSizeAt, &size, 8);
    std::memcpy(file.data() + kChecksumAt, &sum, 8);
    const std::string bad = TempPath("bad-groups.sgm");
    EXPECT_TRUE(WriteFileAtomic(bad, file).ok());
    return Matcher::Load(bad);
  };
  // The section as saved loads and scans as before: the rewriting is right.
  {
    auto r = load(groups);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(ScanOnce(**r, "No, I can't help you with that").size(),
              ScanOnce(*m, "No, I can't help you with that").size());
  }
  struct Case {
    const char* what;
    std::function<void(std::vector<std::vector<uint32_t>>*)> change;
    const char* error;
  };
  const std::vector<Case> cases = {
      {"member id out of range", [&](auto* g) { (*g)[0][1] = 2 * entries; }, "bad anchor group 0"},
      {"member id far out of range", [&](auto* g) { (*g)[0][0] = 0xFFFFFFFFu; },
       "bad anchor group 0"},
      {"member with another anchor", [&](auto* g) { (*g)[0][1] = foreign; },
       "has another anchor than member"},
      {"member of the text-end kind in a group of the other",
       [&](auto* g) {
         uint32_t& id = (*g)[0][1];
         id = id >= entries ? id - entries : id + entries;
       },
       "has another anchor than member"},
      {"group with zero members", [&](auto* g) { (*g)[0].clear(); }, "bad anchor group 0"},
      {"group with one member", [&](auto* g) { (*g)[0].resize(1); }, "bad anchor group 0"},
      {"member listed twice", [&](auto* g) { (*g)[0].push_back((*g)[0][0]); }, "is listed twice"},
      {"a whole group twice",
       [&](auto* g) { (*g)[0].insert((*g)[0].end(), (*g)[0].begin(), (*g)[0].end()); },
       "is listed twice"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    auto gs = groups;
    c.change(&gs);
    auto r = load(gs);
    if (r.ok()) {
      ADD_FAILURE() << "loaded";
      continue;
    }
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << r.status().ToString();
    EXPECT_NE(r.status().message().find("corrupt saved matcher"), std::string::npos)
        << r.status().ToString();
    EXPECT_NE(r.status().message().find(c.error), std::string::npos) << r.status().ToString();
  }
}

// A loaded matcher reads its patterns from its own copy of the file's
// records (pattern(), no Pattern objects until patterns() is called) and
// owes nothing to the file afterwards: overwriting it in place changes
// neither the patterns nor the hits.
TEST(Matcher, LoadedPatternViewsOutliveTheFile) {
  std::vector<Pattern> patterns = MixedPatterns();
  Pattern accented = Lit("f", "péter", true);
  accented.language = "hu";
  patterns.push_back(accented);
  auto m = MustCompile(patterns);
  ASSERT_TRUE(m);
  const std::string path = TempPath("views.sgm");
  ASSERT_TRUE(m->Save(path).ok());
  auto loaded = Matcher::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const Matcher& l = **loaded;
  {
    std::ofstream overwrite(path, std::ios::binary | std::ios::trunc);
    overwrite << std::string(4096, 'x');
  }
  ASSERT_EQ(l.pattern_count(), patterns.size());
  ASSERT_EQ(m->pattern_count(), patterns.size());
  for (size_t i = 0; i < patterns.size(); ++i) {
    for (const Matcher* x : {&l, m.get()}) {
      const PatternView v = x->pattern(i);
      EXPECT_EQ(v.id, patterns[i].id);
      EXPECT_EQ(v.category, patterns[i].category);
      EXPECT_EQ(v.language, patterns[i].language);
      EXPECT_EQ(v.text, patterns[i].text);
      EXPECT_EQ(v.origin, patterns[i].origin);
      EXPECT_EQ(v.regex, patterns[i].regex);
      EXPECT_EQ(v.whole_word, patterns[i].whole_word);
      EXPECT_EQ(v.inflect, patterns[i].inflect);
    }
  }
  for (const std::string& doc : kDocs) EXPECT_EQ(ScanOnce(l, doc), ScanOnce(*m, doc)) << doc;
  EXPECT_EQ(ScanOnce(l, "PÉTER péter peter").size(), 1u);
  // patterns() built on demand, from many threads at once.
  std::vector<std::thread> threads;
  std::vector<size_t> sizes(4);
  for (size_t t = 0; t < sizes.size(); ++t) {
    threads.emplace_back([&l, &sizes, t] { sizes[t] = l.patterns().size(); });
  }
  for (auto& t : threads) t.join();
  for (size_t n : sizes) EXPECT_EQ(n, patterns.size());
  EXPECT_EQ(l.patterns()[4].origin, "ru.csv:9");
  EXPECT_EQ(l.patterns()[5].text, "péter");
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

TEST(MatcherRealNormalizer, SpacedLettersNextToOneLetterWords) {
  SKIP_IF_STUB_NORMALIZER();
  text::NormalizeOptions o;
  o.strip_separators = true;
  auto m = MustCompile({Lit("b", "bomb", true), Lit("h", "heroin", true)}, o);
  ASSERT_TRUE(m);
  EXPECT_EQ(ScanOnce(*m, "how to build a b o m b"), (std::vector<Hit>{{0, 15, 22}}));
  EXPECT_FALSE(ScanOnce(*m, "got a b o m b i said").empty());
  EXPECT_FALSE(ScanOnce(*m, "b o m b").empty());
  EXPECT_TRUE(ScanOnce(*m, "He said a b o u t it").empty());
  EXPECT_TRUE(ScanOnce(*m, "Grades: a b c d e f").empty());
  EXPECT_TRUE(ScanOnce(*m, "a b o m b e r").empty());  // "abomber": not at a boundary
  EXPECT_TRUE(ScanOnce(*m, "x b o m b y z").empty());  // only one letter on either side
}

TEST(MatcherRealNormalizer, EvasionsOfEachKind) {
  SKIP_IF_STUB_NORMALIZER();
  text::NormalizeOptions o;
  o.strip_separators = true;
  std::vector<Pattern> ps = {Lit("b", "bomb", true), Lit("r", "самодельная бомба", true),
                             Lit("z", "炸弹")};
  for (Pattern& p : ps) p.inflect = p.whole_word;
  auto m = MustCompile(ps, o);
  ASSERT_TRUE(m);
  for (const char* doc : {"b\u00F3mb", "b0mbs", "B\u041EMB", "\u0412OMB", "bomb's"}) {
    EXPECT_EQ(ScanOnce(*m, doc).size(), 1u) << doc;
  }
  for (const char* doc : {"caмoдeльнaя бoмбa", "самодельная\nбомбы", "самодельная-бомбой"}) {
    auto hits = ScanOnce(*m, doc);
    ASSERT_EQ(hits.size(), 1u) << doc;
    EXPECT_EQ(m->patterns()[hits[0].pattern].id, "r") << doc;
  }
  for (const char* doc : {"炸，弹", "炸\n弹", "炸 · 彈"})
    EXPECT_EQ(ScanOnce(*m, doc).size(), 1u) << doc;
  for (const char* doc : {"bombastic", "a bomber pilot", "b0mber", "炸酱面", "бомбардировщик"}) {
    EXPECT_TRUE(ScanOnce(*m, doc).empty()) << doc;
  }
}

// Red team, session 20, with the default options (strip_separators off):
// the spaces of rule 7c and the reading of a right-to-left override, with
// spans in the document as written. Each fails on d188cb8.
TEST(MatcherRealNormalizer, HanSpacesAndOverridesWithDefaultOptions) {
  SKIP_IF_STUB_NORMALIZER();
  auto m = MustCompile({Lit("z", "炸弹"), Lit("h", "海洛因"), Lit("b", "bomb", true)},
                       text::NormalizeOptions());
  ASSERT_TRUE(m);
  EXPECT_EQ(ScanOnce(*m, "买炸 弹"), (std::vector<Hit>{{0, 3, 10}}));
  EXPECT_EQ(ScanOnce(*m, "海\u3000洛\u3000因"), (std::vector<Hit>{{1, 0, 15}}));
  EXPECT_EQ(ScanOnce(*m, "a \u202Ebmob\u202C now"), (std::vector<Hit>{{2, 5, 9}}));
  EXPECT_EQ(ScanOnce(*m, "\u202E弹炸"), (std::vector<Hit>{{0, 3, 9}}));
  EXPECT_TRUE(ScanOnce(*m, "炸，弹").empty());            // punctuation: strip_separators only
  EXPECT_TRUE(ScanOnce(*m, "\u202Ebomb\u202C").empty());  // shown as "bmob"
}

// ---- Keywords written with accents (normalize.h step 6a) -----------------------

TEST(MatcherAccents, KeywordWithAccentsKeepsThem) {
  SKIP_IF_STUB_NORMALIZER();
  std::vector<Pattern> ps = {Lit("pe", "p\u00e9ter", true),
                             Lit("b", "bomb", true),
                             Lit("t", "t\u00f6ten", true),
                             Lit("yo", "\u0451\u0436", true),
                             Lit("h", "h\u00e5rd", true),
                             Lit("j", "\u0439\u043e\u0434", true),
                             Lit("pb", "p\u00edpe b\u00f3mb", true),
                             Lit("c", "caf\u00e9"),  // substring
                             Lit("y", "part\u00fd", true)};
  for (Pattern& p : ps) p.inflect = p.whole_word;
  auto m = MustCompile(ps, text::NormalizeOptions());
  ASSERT_TRUE(m);
  struct Case {
    std::string doc;
    std::vector<std::string> ids;
  };
  const std::vector<Case> cases = {
      // The keyword's accented letters need the same accents in the text.
      {"p\u00e9ter", {"pe"}},
      {"P\u00c9TER", {"pe"}},
      {"pe\u0301ter", {"pe"}},
      {"p\u200b\u00e9ter", {"pe"}},
      {"p\u00e9ters", {"pe"}},
      {"p\u00e9t\u00e9r", {"pe"}},  // its other letters match with or without accents
      {"Peter", {}},
      {"p\u00e8ter", {}},
      {"p\u00ebter", {}},
      {"pe\u0301\u0300ter", {}},  // an extra accent is another accent
      {"p3ter", {}},
      {"t\u00f6ten", {"t"}},
      {"TO\u0308TEN", {"t"}},
      {"die Toten", {}},
      {"t\u0151ten", {}},
      {"\u0451\u0436", {"yo"}},
      {"\u0401\u0416", {"yo"}},
      {"\u0435\u0308\u0436", {"yo"}},
      {"\u0435\u0436", {"yo"}},  // ё's dots are mostly left out in print
      {"hard", {}},
      {"H\u00c5RD", {"h"}},
      // й keeps its breve in normalisation: not an accent.
      {"\u0419\u041e\u0414", {"j"}},
      {"\u0438\u0306\u043e\u0434", {"j"}},
      // A keyword without accents still matches accented text.
      {"b\u00f3mb", {"b"}},
      {"bo\u0301mb", {"b"}},
      // Each word of a multi-word keyword.
      {"p\u00edpe  b\u00f3mb", {"b", "pb"}},
      {"pipe b\u00f3mb", {"b"}},
      {"p\u00edpe bomb", {"b"}},
      // A substring keyword: the first occurrence with the accents counts.
      {"cafe", {}},
      {"caf\u00e9s", {"c"}},
      // An accent on a letter that an ending replaces is not checked.
      {"party", {"y"}},
      {"parties", {"y"}},
  };
  for (const Case& c : cases) {
    std::vector<std::string> got;
    for (const Hit& h : ScanOnce(*m, c.doc)) got.push_back(m->patterns()[h.pattern].id);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, c.ids) << c.doc;
  }
  // Spans: the occurrence with the accents, after one without.
  EXPECT_EQ(ScanOnce(*m, "cafe caf\u00e9"), (std::vector<Hit>{{7, 5, 10}}));
  EXPECT_EQ(ScanOnce(*m, "Peter, P\u00e9ter"), (std::vector<Hit>{{0, 7, 13}}));
}

TEST(MatcherAccents, OnlyWithStripAccents) {
  SKIP_IF_STUB_NORMALIZER();
  text::NormalizeOptions o;
  o.strip_accents = false;
  auto m = MustCompile({Lit("pe", "p\u00e9ter", true), Lit("b", "bomb", true)}, o);
  ASSERT_TRUE(m);
  EXPECT_EQ(ScanOnce(*m, "p\u00e9ter").size(), 1u);
  EXPECT_TRUE(ScanOnce(*m, "peter").empty());
  EXPECT_TRUE(ScanOnce(*m, "b\u00f3mb").empty());
}

TEST(MatcherAccents, SaveLoadKeepsAccents) {
  SKIP_IF_STUB_NORMALIZER();
  Pattern inflected = Lit("pb", "p\u00edpe b\u00f3mb", true);
  inflected.inflect = true;
  auto m = MustCompile({Lit("pe", "p\u00e9ter", true), inflected, Lit("c", "caf\u00e9")},
                       text::NormalizeOptions());
  ASSERT_TRUE(m);
  std::string path = TempPath("accents.sgm");
  ASSERT_TRUE(m->Save(path).ok());
  auto l = Matcher::Load(path);
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  for (const char* doc : {"peter", "p\u00e9ter", "pipe bomb", "p\u00edpe-b\u00f3mbs",
                          "p\u00edpe bombs", "cafe caf\u00e9"}) {
    EXPECT_EQ(ScanOnce(**l, doc), ScanOnce(*m, doc)) << doc;
  }
  EXPECT_EQ(ScanOnce(**l, "peter p\u00e9ter").size(), 1u);
  EXPECT_TRUE(ScanOnce(**l, "pipe bombs").empty());
}

TEST(MatcherAccents, AccentMarksOfCharacters) {
  SKIP_IF_STUB_NORMALIZER();
  std::u32string marks;
  struct Case {
    std::string chars;
    std::u32string marks;
  };
  const std::vector<Case> cases = {
      {"\u00e9", U"\u0301"},
      {"e\u0301", U"\u0301"},
      {"\u00c9", U"\u0301"},
      {"e\u200b\u0301", U"\u0301"},  // invisible characters are skipped
      {"\u01d6", U"\u0308\u0304"},   // ǖ
      {"e\u0323\u0301", U"\u0323\u0301"},
      {"e\u0301\u0323", U"\u0323\u0301"},  // canonical order
      {"\u0451", U""},                     // ё: its dots are left out in print
      {"\u0401\u0301", U"\u0301"},
      {"\u03ac", U"\u0301"},  // ά
      {"\u0439", U""},        // й: the breve is its own letter
      {"\u0439\u0301", U"\u0301"},
      {"e", U""},
      {"\u00f8", U""},        // ø has no decomposition
      {"\u0915\u093f", U""},  // Devanagari: marks are letters there
      {"5\u0301", U""},       // not after a letter
      {"\xff", U""},
  };
  for (const Case& c : cases) {
    text::AccentMarks(c.chars, &marks);
    EXPECT_EQ(marks, c.marks) << c.chars;
  }
}

// ---- Words and gaps, inflections (matcher.h) ----------------------------------

Pattern Inflected(std::string id, std::string text) {
  Pattern p = Lit(std::move(id), std::move(text), /*whole_word=*/true);
  p.inflect = true;
  return p;
}

TEST(MatcherWordGaps, AnyRunOfGapCharactersBetweenWords) {
  auto m = MustCompile({Lit("pb", "pipe bomb", true)});
  ASSERT_TRUE(m);
  struct Case {
    std::string doc;
    bool match;
  };
  const std::vector<Case> cases = {
      {"pipe bomb", true},      {"pipe  bomb", true},     {"pipe\tbomb", true},
      {"pipe\nbomb", true},     {"pipe-bomb", true},      {"pipe_bomb", true},
      {"pipe...bomb", true},    {"pipe / bomb", true},    {"PIPE\r\n  BOMB!", true},
      {"pipe\u00a0bomb", true}, {"pipe\u3002bomb", true}, {"pipebomb", false},
      {"pipe x bomb", false},   {"pipe1bomb", false},     {"pipe\u00e9bomb", false},
      {"pipe bombs", false},    {"apipe bomb", false},    {"pipe\u0436bomb", false},
  };
  for (const Case& c : cases) EXPECT_EQ(!ScanOnce(*m, c.doc).empty(), c.match) << c.doc;
  // The span covers the words and the gap between them.
  EXPECT_EQ(ScanOnce(*m, "a pipe -- bomb."), (std::vector<Hit>{{0, 2, 14}}));
}

// normalize.h step 9: a gap with a sentence-ending mark followed by white
// space does not join two words of a keyword in a spaced script.
TEST(MatcherWordGaps, GapsDoNotCrossSentenceEnds) {
  auto m = MustCompile({Lit("pb", "pipe bomb", true), Lit("ks", "kill someone", true),
                        Lit("h3", "how to kill", true), Lit("zh", "炸弹 制作")});
  ASSERT_TRUE(m);
  struct Case {
    std::string doc;
    std::vector<std::string> ids;
  };
  const std::vector<Case> cases = {
      // Sentence ends: a mark, then white space later in the same gap.
      {"pipe. Bomb", {}},
      {"pipe! bomb", {}},
      {"pipe? bomb", {}},
      {"pipe.) bomb", {}},
      {"pipe.\" bomb", {}},
      {"pipe\u2026 bomb", {}},
      {"pipe\u3002 bomb", {}},
      {"pipe\uff01 bomb", {}},
      {"pipe .\tbomb", {}},
      {"kill.\nsomeone", {}},  // backwards from the anchor "someone"
      {"kill!\r\nsomeone", {}},
      {"how to. kill", {}},  // the second gap
      {"how. to kill", {}},
      // Not a sentence end: no white space after the mark, or no mark.
      {"pipe.bomb", {"pb"}},
      {"pipe...bomb", {"pb"}},
      {"pipe .bomb", {"pb"}},
      {"pipe - bomb", {"pb"}},
      {"pipe  bomb", {"pb"}},
      {"pipe_bomb", {"pb"}},
      {"pipe, bomb", {"pb"}},
      {"pipe;\nbomb", {"pb"}},
      {"pipe\u3002bomb", {"pb"}},
      {"kill\nsomeone", {"ks"}},
      {"kill...someone", {"ks"}},
      {"how to  kill.", {"h3"}},  // after the last word: not in a gap
      // Keywords in scripts without spaces: gaps may hold sentence ends.
      {"炸弹。 制作", {"zh"}},
      {"炸弹！\n制作", {"zh"}},
  };
  for (const Case& c : cases) {
    std::vector<std::string> got;
    for (const Hit& h : ScanOnce(*m, c.doc)) got.push_back(m->patterns()[h.pattern].id);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, c.ids) << c.doc;
  }
  // A later occurrence without a sentence end is found.
  EXPECT_EQ(ScanOnce(*m, "pipe. Bomb, pipe-bomb"), (std::vector<Hit>{{0, 12, 21}}));
}

TEST(MatcherWordGaps, SwitchOffMatchesAsWritten) {
  text::NormalizeOptions o = Plain();
  o.word_gaps = false;
  auto m = MustCompile({Lit("pb", "pipe bomb", true)}, o);
  ASSERT_TRUE(m);
  EXPECT_FALSE(ScanOnce(*m, "pipe bomb").empty());
  EXPECT_TRUE(ScanOnce(*m, "pipe  bomb").empty());
  EXPECT_TRUE(ScanOnce(*m, "pipe-bomb").empty());
}

TEST(MatcherWordGaps, GapFirstOrLastMatchesAsWritten) {
  auto m = MustCompile({Lit("c", "c++"), Lit("e", "e.g."), Lit("i", "c++ code")});
  ASSERT_TRUE(m);
  EXPECT_TRUE(ScanOnce(*m, "c c").empty());
  EXPECT_EQ(ScanOnce(*m, "see c++!"), (std::vector<Hit>{{0, 4, 7}}));
  // Inner gap characters are gaps like any other.
  EXPECT_EQ(ScanOnce(*m, "c code"), (std::vector<Hit>{{2, 0, 6}}));
  EXPECT_TRUE(ScanOnce(*m, "e g").empty());
  EXPECT_FALSE(ScanOnce(*m, "e.g.").empty());
}

TEST(MatcherWordGaps, SpanStartsAtTheFirstWord) {
  auto m = MustCompile({Lit("ab", "a b", true), Lit("sub", "x y")});
  ASSERT_TRUE(m);
  EXPECT_EQ(ScanOnce(*m, "b a a  b x-y"), (std::vector<Hit>{{0, 4, 8}, {1, 9, 12}}));
}

TEST(MatcherInflect, EnglishPluralAndPossessive) {
  auto m = MustCompile({Inflected("b", "bomb"), Inflected("p", "pipe bomb"), Inflected("x", "box"),
                        Inflected("y", "party")});
  ASSERT_TRUE(m);
  struct Case {
    std::string doc;
    std::vector<std::string> ids;
  };
  const std::vector<Case> cases = {
      {"bombs", {"b"}},       {"bomb's", {"b"}},  {"bombs'", {"b"}},
      {"bomb\u2019s", {"b"}}, {"BOMBS", {"b"}},   {"pipe  bombs", {"b", "p"}},
      {"bomber", {}},         {"bombastic", {}},  {"bombes", {}},
      {"boxes", {"x"}},       {"boxs", {"x"}},    {"boxer", {}},
      {"parties", {"y"}},     {"party's", {"y"}}, {"partys", {}},
      {"partie", {}},
  };
  for (const Case& c : cases) {
    std::vector<std::string> got;
    for (const Hit& h : ScanOnce(*m, c.doc)) got.push_back(m->patterns()[h.pattern].id);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, c.ids) << c.doc;
  }
  EXPECT_EQ(ScanOnce(*m, "two bombs."), (std::vector<Hit>{{0, 4, 9}}));
}

TEST(MatcherInflect, RussianCaseEndingsNotDerivations) {
  auto m = MustCompile(
      {Inflected("b", "бомба"), Inflected("k", "нанять киллера"), Inflected("h", "героин")});
  ASSERT_TRUE(m);
  struct Case {
    std::string doc;
    bool b, k, h;
  };
  const std::vector<Case> cases = {
      {"бомба", true, false, false},           {"бомбы", true, false, false},
      {"бомбу", true, false, false},           {"бомбой", true, false, false},
      {"бомбами", true, false, false},         {"бомб", true, false, false},
      {"бомбардировщик", false, false, false}, {"бомбить", false, false, false},
      {"супербомба", false, false, false},     {"нанять киллеров", false, true, false},
      {"нанять киллер", false, true, false},   {"нанять киллерша", false, false, false},
      {"героина", false, false, true},         {"героином", false, false, true},
      {"героиня", false, false, false},        {"героинщик", false, false, false},
  };
  for (const Case& c : cases) {
    bool b = false, k = false, h = false;
    for (const Hit& hit : ScanOnce(*m, c.doc)) {
      const std::string& id = m->patterns()[hit.pattern].id;
      b = b || id == "b";
      k = k || id == "k";
      h = h || id == "h";
    }
    EXPECT_EQ(b, c.b) << c.doc;
    EXPECT_EQ(k, c.k) << c.doc;
    EXPECT_EQ(h, c.h) << c.doc;
  }
}

TEST(MatcherInflect, OnlyWholeWordLiteralsInSpacedScripts) {
  Pattern sub = Inflected("sub", "bomb");
  sub.whole_word = false;
  Pattern off = Lit("off", "pipe", true);
  auto m = MustCompile({sub, off, Inflected("zh", "炸弹")});
  ASSERT_TRUE(m);
  // A substring keyword already matches inside "bombs"; its span stays "bomb".
  EXPECT_EQ(ScanOnce(*m, "bombs"), (std::vector<Hit>{{0, 0, 4}}));
  EXPECT_TRUE(ScanOnce(*m, "pipes").empty());
  EXPECT_EQ(ScanOnce(*m, "炸弹们"), (std::vector<Hit>{{2, 0, 6}}));
}

TEST(MatcherInflect, EndingsTable) {
  std::string stem;
  std::vector<std::string> endings;
  ASSERT_TRUE(Inflect("bomb", &stem, &endings));
  EXPECT_EQ(stem, "bomb");
  EXPECT_EQ(endings, (std::vector<std::string>{"", "s", "'s", "\u2019s", "s'", "s\u2019"}));
  ASSERT_TRUE(Inflect("бомба", &stem, &endings));
  EXPECT_EQ(stem, "бомб");
  EXPECT_FALSE(Inflect("ox", &stem, &endings));     // stem too short
  EXPECT_FALSE(Inflect("bomb1", &stem, &endings));  // not all letters
  EXPECT_FALSE(Inflect("bombа", &stem, &endings));  // mixed scripts
  EXPECT_FALSE(Inflect("новые", &stem, &endings));  // adjective ending: no inflection
  EXPECT_FALSE(Inflect("", &stem, &endings));
}

// The stem of an inflected keyword is compared without regard to ASCII
// case, whatever the case of the keyword (casefold off here): "ARMY" drops
// its "Y" for "armies" as "army" does.
TEST(MatcherInflect, UpperCaseKeywordsTakeTheirEndings) {
  auto m = MustCompile({Inflected("a", "ARMY"), Inflected("b", "Pipe BOMB")});
  ASSERT_TRUE(m);
  const std::string path = TempPath("upper.sgm");
  ASSERT_TRUE(m->Save(path).ok());
  auto l = Matcher::Load(path);
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  for (const Matcher* x : {m.get(), l->get()}) {
    EXPECT_EQ(ScanOnce(*x, "two armies"), (std::vector<Hit>{{0, 4, 10}}));
    EXPECT_EQ(ScanOnce(*x, "the Army's"), (std::vector<Hit>{{0, 4, 8}}));  // shortest form
    EXPECT_EQ(ScanOnce(*x, "pipe-bombs"), (std::vector<Hit>{{1, 0, 10}}));
    EXPECT_TRUE(ScanOnce(*x, "armys armyies arm").empty());
  }
}

TEST(MatcherInflect, SaveLoadKeepsWordsAndEndings) {
  auto m = MustCompile({Inflected("p", "pipe bomb"), Lit("q", "pipe bomb", true)});
  ASSERT_TRUE(m);
  std::string path = TempPath("shapes.sgm");
  ASSERT_TRUE(m->Save(path).ok());
  auto l = Matcher::Load(path);
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_TRUE((*l)->patterns()[0].inflect);
  EXPECT_FALSE((*l)->patterns()[1].inflect);
  for (const char* doc : {"pipe-bombs", "pipe  bomb", "pipebombs", "pipe bomber"}) {
    EXPECT_EQ(ScanOnce(**l, doc), ScanOnce(*m, doc)) << doc;
  }
  EXPECT_EQ(ScanOnce(**l, "pipe-bombs"), (std::vector<Hit>{{0, 0, 10}}));
}

// Issue 21: a keyword written entirely in look-alikes of another script.
// The normaliser leaves such a word in its script ("МЕТН" -> "метн"); the
// matcher looks for the keyword's renderings.
TEST(MatcherLookAlikes, RenderingsOfAKeyword) {
  const text::NormalizeOptions o;
  text::NormalizeOptions kw = o;
  kw.matcher_folds_ascii = false;
  const text::Normalizer n(kw);
  using V = std::vector<std::string>;
  EXPECT_EQ(LookAlikeRenderings("bomb", n), (V{"вомв", "βομβ"}));
  EXPECT_EQ(LookAlikeRenderings("meth", n), (V{"метн", "μετη"}));
  // Each word as written or rendered, independently ("pipe" has a Greek one).
  EXPECT_EQ(LookAlikeRenderings("pipe bomb", n),
            (V{"ριρε bomb", "pipe вомв", "ριρε вомв", "pipe βομβ", "ριρε βομβ"}));
  EXPECT_EQ(LookAlikeRenderings("нарко", n), (V{"hapko"}));
  // Every combination of the qualifying words.
  EXPECT_EQ(LookAlikeRenderings("tom cat", n).size(), 5u);  // 3 forms x 2 forms - 1
  // No letter without a look-alike: no rendering.
  EXPECT_TRUE(LookAlikeRenderings("heroin", n).empty());
  EXPECT_TRUE(LookAlikeRenderings("бомба", n).empty());
  EXPECT_TRUE(LookAlikeRenderings("炸弹", n).empty());
  EXPECT_TRUE(LookAlikeRenderings("b52", n).empty());
  // Words of fewer than 3 letters are not rendered ("to" is Greek "το").
  EXPECT_TRUE(LookAlikeRenderings("how to kill", n).empty());
  EXPECT_EQ(LookAlikeRenderings("to bomb", n), (V{"to вомв", "to βομβ"}));
}

TEST(MatcherLookAlikes, WordEntirelyInLookAlikes) {
  auto m = MustCompile(
      {Lit("meth", "meth", true), Lit("bomb", "bomb", true), Lit("pipe", "pipe bomb", true),
       Lit("narko", "нарко", true), Lit("sea", "more", true), Lit("taxi", "taxi", true)},
      text::NormalizeOptions());
  ASSERT_TRUE(m);
  struct Case {
    std::string doc;
    std::vector<std::string> ids;
  };
  const std::vector<Case> cases = {
      // Must match.
      {"\u041c\u0415\u0422\u041d", {"meth"}},               // МЕТН
      {"buy \u041c\u0415\u0422\u041d now", {"meth"}},       // МЕТН
      {"\u0412\u041e\u041c\u0412", {"bomb"}},               // ВОМВ
      {"\u0412\u043e\u041c\u0412", {"bomb"}},               // ВоМВ
      {"\u0392\u039f\u039c\u0392", {"bomb"}},               // ΒΟΜΒ (Greek)
      {"\u039c\u0395\u03a4\u0397", {"meth"}},               // ΜΕΤΗ (Greek)
      {"pipe \u0412\u041e\u041c\u0412", {"bomb", "pipe"}},  // pipe ВОМВ
      {"PIPE-\u0392\u039f\u039c\u0392", {"bomb", "pipe"}},  // PIPE-ΒΟΜΒ
      {"HAPKO", {"narko"}},                                 // Latin capitals
      {"\u043d\u0430\u0440\u043a\u043e", {"narko"}},        // нарко as written
      // Must not match: ordinary Russian and Greek capitals, near misses.
      {"\u041c\u041e\u0420\u0415", {}},              // МОРЕ
      {"\u0422\u0410\u041a\u0421\u0418", {}},        // ТАКСИ
      {"\u0420\u0410\u041a", {}},                    // РАК
      {"\u0412\u041e\u041c\u0412\u0410STIC", {}},    // ВОМВАSТIС
      {"\u0412\u041e\u041c\u0412\u0415\u0420", {}},  // ВОМВЕР
      {"\u0412\u041e\u041c\u0412\u0430", {}},        // ВОМВа
      {"\u041c\u0415\u0422\u041d\u041e\u0414", {}},  // МЕТНОД
      {"hapkotic", {}},
  };
  for (const Case& c : cases) {
    std::vector<std::string> got;
    for (const Hit& h : ScanOnce(*m, c.doc)) got.push_back(m->patterns()[h.pattern].id);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, c.ids) << c.doc;
  }
  // The span is in the original document; the keyword's first occurrence
  // over its forms.
  EXPECT_EQ(ScanOnce(*m, "a \u0412\u041e\u041c\u0412 and a bomb"), (std::vector<Hit>{{1, 2, 10}}));
  EXPECT_EQ(ScanOnce(*m, "a bomb and a \u0412\u041e\u041c\u0412"), (std::vector<Hit>{{1, 2, 6}}));
}

TEST(MatcherLookAlikes, OnlyWithConfusablesAndKeptBySaveLoad) {
  text::NormalizeOptions off;
  off.confusables = false;
  auto plain = MustCompile({Lit("bomb", "bomb", true)}, off);
  ASSERT_TRUE(plain);
  EXPECT_TRUE(ScanOnce(*plain, "\u0412\u041e\u041c\u0412").empty());
  auto m = MustCompile({Lit("bomb", "bomb", true), Lit("pipe", "pipe bomb", true), Re("re", "x+y"),
                        Lit("narko", "нарко", true)},
                       text::NormalizeOptions());
  ASSERT_TRUE(m);
  const std::string path = TempPath("lookalikes.sgm");
  ASSERT_TRUE(m->Save(path).ok());
  auto l = Matcher::Load(path);
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ((*l)->pattern_count(), 4u);
  for (const char* doc : {"\u0412\u041e\u041c\u0412", "pipe \u0392\u039f\u039c\u0392 xy", "HAPKO",
                          "\u0412\u041e\u041c\u0412\u0410", "pipe bomb"}) {
    EXPECT_EQ(ScanOnce(**l, doc), ScanOnce(*m, doc)) << doc;
  }
  EXPECT_EQ(ScanOnce(**l, "pipe \u0412\u041e\u041c\u0412").size(), 2u);
}

// CompileOptions::lookalike_renderings off (the refusal judge's rules): the
// words as written, and those the normaliser maps, still match; a word written
// entirely in another script's look-alikes does not.
TEST(MatcherLookAlikes, RenderingsCanBeTurnedOffAtCompileTime) {
  CompileOptions no_renderings;
  no_renderings.lookalike_renderings = false;
  auto m = Matcher::Compile({Lit("bomb", "bomb", true), Lit("narko", "нарко", true)},
                            text::NormalizeOptions(), no_renderings);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE(ScanOnce(**m, "\u0412\u041e\u041c\u0412").empty());  // ВОМВ
  EXPECT_TRUE(ScanOnce(**m, "HAPKO").empty());
  EXPECT_EQ(ScanOnce(**m, "a bomb").size(), 1u);
  EXPECT_EQ(ScanOnce(**m, "b\u043emb").size(), 1u);  // Cyrillic о inside a Latin word
  EXPECT_EQ(ScanOnce(**m, "\u043d\u0430\u0440\u043a\u043e").size(), 1u);
  // The default compiles them (the test above), so the two differ.
  auto with = MustCompile({Lit("bomb", "bomb", true)}, text::NormalizeOptions());
  ASSERT_TRUE(with);
  EXPECT_EQ(ScanOnce(*with, "\u0412\u041e\u041c\u0412").size(), 1u);
}

// Letter-spacing dodges (red team, session 16), in both modes: a run of
// single letters with one separator between each two is read joined, and a
// keyword of several words also matches with its words run together inside
// one run (matcher.h: spaced letters). Spans cover what was written.
TEST(MatcherRealNormalizer, LetterSpacedKeywordsInBothModes) {
  if (NormalizerIsStub()) GTEST_SKIP();
  Pattern pipe = Lit("pb", "pipe bomb", true);
  pipe.inflect = true;
  Pattern bomb = Lit("b", "bomb", true);
  bomb.inflect = true;
  Pattern rapist = Lit("r", "the rapist", true);
  text::NormalizeOptions on;
  on.strip_separators = true;
  for (const text::NormalizeOptions& o : {text::NormalizeOptions(), on}) {
    auto m = MustCompile({pipe, bomb, rapist}, o);
    ASSERT_TRUE(m);
    for (std::string_view doc :
         {"p i p e b o m b", "p.i.p.e b.o.m.b", "p-i-p-e b-o-m-b", "p i p e  b o m b",
          "P I P E B O M B", "p*i*p*e b*o*m*b", "p i p e bomb", "pipe b-o-m-b"}) {
      const std::vector<Hit> hits = ScanOnce(*m, std::string("how to make a ") + std::string(doc));
      ASSERT_FALSE(hits.empty()) << doc << " " << o.ToString();
      EXPECT_EQ(hits[0].pattern, 0u) << doc << " " << o.ToString();
      EXPECT_EQ(hits[0].begin, 14u) << doc;
      EXPECT_EQ(hits[0].end, 14 + doc.size()) << doc;
    }
    // Full-width full stops (U+FF0E) as separators: no keyword has a '.',
    // so the alphabet-aware normaliser must still not keep them.
    EXPECT_FALSE(ScanOnce(*m, "p\uFF0Ei\uFF0Ep\uFF0Ee b\uFF0Eo\uFF0Em\uFF0Eb").empty())
        << o.ToString();
    // One-letter words next to the run, endings written spaced.
    EXPECT_FALSE(ScanOnce(*m, "a p i p e b o m b").empty());
    EXPECT_FALSE(ScanOnce(*m, "p i p e b o m b s").empty());
    // Not a run, or not a keyword: no hit for "pipe bomb".
    for (std::string_view doc :
         {"pipebomb", "the pipebomber", "p i p e b o m b e r", "J. R. R. Tolkien", "a b c d e",
          "p i p e. B o m b", "p  i  p  e b o m b x"}) {
      for (const Hit& h : ScanOnce(*m, doc)) {
        EXPECT_NE(h.pattern, 0u) << doc << " " << o.ToString();
      }
    }
    // The words of a keyword run together match only inside a run.
    EXPECT_TRUE(ScanOnce(*m, "my therapist said").empty()) << o.ToString();
  }
}

}  // namespace
}  // namespace safegate::scan
