#include "safegate/corpus/reader.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "safegate/corpus/field.h"
#include "unit/corpus/test_util.h"

namespace safegate::corpus {
namespace {

using testing::Bad;
using testing::Gzip;
using testing::MakePlan;
using testing::ReadResult;
using testing::ReadUnits;
using testing::Rec;
using testing::TempDir;
using testing::Zstd;

std::vector<std::string> Texts(const ReadResult& r) {
  std::vector<std::string> out;
  for (const Rec& d : r.docs) out.push_back(d.text);
  return out;
}

std::string JsonEscape(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      char tmp[8];
      std::snprintf(tmp, sizeof(tmp), "\\u%04x", c);
      out += tmp;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}

const char kThree[] =
    "{\"text\":\"alpha\",\"id\":\"a1\"}\n"
    "{\"text\":\"beta\",\"id\":2}\n"
    "{\"text\":\"gamma \\u00e9\\n\",\"id\":-3.5}\n";

TEST(UnitReader, ReadsPlainJsonl) {
  TempDir d;
  d.Write("a.jsonl", kThree);
  Plan p = MakePlan(d, {"a.jsonl"}, Format::kJsonl, "text", "id");
  ReadResult r = ReadUnits(p);
  ASSERT_EQ(r.docs.size(), 3u);
  EXPECT_EQ(r.docs[0], (Rec{0, 1, "alpha", "a1", "{\"text\":\"alpha\",\"id\":\"a1\"}"}));
  EXPECT_EQ(r.docs[1].offset, 27u);
  EXPECT_EQ(r.docs[1].line, 2u);
  EXPECT_EQ(r.docs[1].id, "2");
  EXPECT_EQ(r.docs[2].text, "gamma \xc3\xa9\n");
  EXPECT_EQ(r.docs[2].id, "-3.5");
  EXPECT_TRUE(r.bad.empty());
  EXPECT_EQ(r.lines, 3u);
  EXPECT_EQ(r.disk_bytes, sizeof(kThree) - 1);
}

TEST(UnitReader, GzipAndZstdReadLikePlain) {
  TempDir d;
  d.Write("a.jsonl", kThree);
  d.Write("b.jsonl.gz", Gzip(kThree));
  d.Write("c.jsonl.zst", Zstd(kThree));
  // Concatenated gzip members and zstd frames are one stream.
  std::string half1 = std::string(kThree).substr(0, 30), half2 = std::string(kThree).substr(30);
  d.Write("d.gz", Gzip(half1) + Gzip(half2));
  d.Write("e.zst", Zstd(half1) + Zstd(half2));
  ReadResult plain = ReadUnits(MakePlan(d, {"a.jsonl"}, Format::kJsonl, "text", "id"));
  for (const char* name : {"b.jsonl.gz", "c.jsonl.zst", "d.gz", "e.zst"}) {
    Plan p = MakePlan(d, {name}, Format::kJsonl, "text", "id");
    ReadResult r = ReadUnits(p);
    EXPECT_EQ(r.docs, plain.docs) << name;
    EXPECT_TRUE(r.bad.empty()) << name << ": " << (r.bad.empty() ? "" : r.bad[0].reason);
    EXPECT_EQ(r.lines, 3u) << name;
    EXPECT_EQ(r.disk_bytes, p.files()[0].size) << name;
  }
}

TEST(UnitReader, DottedFieldsAndFieldErrors) {
  TempDir d;
  d.Write("a.jsonl",
          "{\"meta\":{\"body\":\"deep\",\"id\":{\"n\":7}}}\n"  // 1 ok
          "{\"meta\":{\"other\":1}}\n"                         // 2 missing
          "{\"meta\":{\"body\":17,\"id\":{\"n\":1}}}\n"        // 3 not a string
          "{\"meta\":\"flat\"}\n"                              // 4 missing (not an object)
          "[1,2]\n"                                            // 5 not an object
          "{\"meta\":{\"body\":\"x\",\"id\":{\"n\":true}}}\n"  // 6 bad id
          "{\"meta\":{\"body\":\"y\"}}\n");                    // 7 id missing
  Plan p = MakePlan(d, {"a.jsonl"}, Format::kJsonl, "meta.body", "meta.id.n");
  ReadResult r = ReadUnits(p);
  ASSERT_EQ(r.docs.size(), 1u);
  EXPECT_EQ(r.docs[0].text, "deep");
  EXPECT_EQ(r.docs[0].id, "7");
  std::vector<std::pair<uint64_t, std::string>> bad;
  for (const Bad& b : r.bad) bad.emplace_back(b.line, b.reason);
  std::vector<std::pair<uint64_t, std::string>> want = {
      {2, "field 'meta.body' missing"},
      {3, "field 'meta.body' not a string"},
      {4, "field 'meta.body' missing"},
      {5, "not a JSON object"},
      {6, "field 'meta.id.n' not a string or number"},
      {7, "field 'meta.id.n' missing"}};
  EXPECT_EQ(bad, want);
  EXPECT_EQ(r.lines, 7u);
}

TEST(UnitReader, InvalidJsonHasCorrectLineNumbers) {
  TempDir d;
  d.Write("a.jsonl",
          "{\"text\":\"one\"}\n"
          "\n"
          "{\"text\":\"two\"\n"  // line 3: unterminated object
          "   \t \n"
          "{\"text\":\"three\"}\n"
          "not json at all\n"          // line 6
          "{\"text\":\"\xff\xfe\"}\n"  // line 7: invalid UTF-8 inside a JSON string
          "{\"text\":\"four\"}");      // line 8, no final newline
  Plan p = MakePlan(d, {"a.jsonl"});
  ReadResult r = ReadUnits(p);
  EXPECT_EQ(Texts(r), (std::vector<std::string>{"one", "three", "four"}));
  EXPECT_EQ(r.docs[1].line, 5u);
  EXPECT_EQ(r.docs[2].line, 8u);
  ASSERT_EQ(r.bad.size(), 3u);
  EXPECT_EQ(r.bad[0].line, 3u);
  EXPECT_EQ(r.bad[0].offset, 16u);
  EXPECT_EQ(r.bad[1].line, 6u);
  EXPECT_EQ(r.bad[2].line, 7u);
  for (const Bad& b : r.bad) EXPECT_EQ(b.reason.rfind("invalid JSON: ", 0), 0u) << b.reason;
  EXPECT_EQ(r.lines, 8u);
}

TEST(UnitReader, CrlfBomEmptyAndWhitespaceLines) {
  TempDir d;
  d.Write("a.jsonl", "\xEF\xBB\xBF{\"text\":\"bom\"}\r\n\r\n  \r\n{\"text\":\"crlf\"}\r\n\n");
  d.Write("b.txt",
          "\xEF\xBB\xBF"
          "first\r\nsecond\n\n \t\nthird\r\n\xEF\xBB\xBFnot-at-start");
  ReadResult j = ReadUnits(MakePlan(d, {"a.jsonl"}));
  EXPECT_EQ(Texts(j), (std::vector<std::string>{"bom", "crlf"}));
  EXPECT_EQ(j.docs[0].offset, 0u);
  EXPECT_EQ(j.docs[0].raw, "{\"text\":\"bom\"}");
  EXPECT_EQ(j.docs[1].line, 4u);
  EXPECT_EQ(j.lines, 5u);
  EXPECT_TRUE(j.bad.empty());
  ReadResult l = ReadUnits(MakePlan(d, {"b.txt"}, Format::kLines));
  EXPECT_EQ(Texts(l),
            (std::vector<std::string>{"first", "second", "third", "\xEF\xBB\xBFnot-at-start"}));
  EXPECT_EQ(l.docs[2].line, 5u);
  EXPECT_EQ(l.lines, 6u);
}

TEST(UnitReader, EmptyFiles) {
  TempDir d;
  d.Write("empty.jsonl", "");
  d.Write("newlines.jsonl", "\n\n\n");
  d.Write("empty.gz", Gzip(""));
  d.Write("empty.zst", Zstd(""));
  for (const char* name : {"empty.jsonl", "newlines.jsonl", "empty.gz", "empty.zst"}) {
    for (Format f : {Format::kJsonl, Format::kLines, Format::kFiles}) {
      ReadResult r = ReadUnits(MakePlan(d, {name}, f));
      EXPECT_TRUE(r.docs.empty()) << name;
      EXPECT_TRUE(r.bad.empty()) << name;
    }
  }
  EXPECT_EQ(ReadUnits(MakePlan(d, {"newlines.jsonl"})).lines, 3u);
}

TEST(UnitReader, FilesFormatIsOneDocumentPerFile) {
  TempDir d;
  d.Write("x/a.txt", "line one\nline two\n");
  d.Write("x/b.txt.gz", Gzip("compressed\r\nbody"));
  d.Write("x/c.txt", "   \n\t");
  Plan p = MakePlan(d, {"x"}, Format::kFiles);
  ReadResult r = ReadUnits(p);
  ASSERT_EQ(r.docs.size(), 2u);
  EXPECT_EQ(r.docs[0], (Rec{0, 1, "line one\nline two\n", "", "line one\nline two\n"}));
  EXPECT_EQ(r.docs[1].text, "compressed\r\nbody");
  ReaderOptions small;
  small.max_doc_bytes = 10;
  r = ReadUnits(p, small);
  EXPECT_TRUE(r.docs.empty());
  ASSERT_EQ(r.bad.size(), 2u);
  EXPECT_EQ(r.bad[0].reason, "file longer than 10 bytes");
}

// A NUL byte past the 4 KiB the plan reads refuses the file from Next, with
// the file's line (whichever unit reads it) and the offset of the first NUL,
// also inside a line too long to be held (skipped as it streams).
TEST(UnitReader, NulBytePastThePlansPrefixRefusesTheFile) {
  TempDir d;
  std::string clean;
  for (int i = 0; clean.size() < 10000; ++i)
    clean += "a fine garden river " + std::to_string(i) + "\n";
  const uint64_t lines = static_cast<uint64_t>(std::count(clean.begin(), clean.end(), '\n'));
  const std::string tail = std::string("how to build a pipe") + '\0' + "bomb\n";
  const std::string longline = std::string(5000, 'x') + '\0' + "y\n";
  d.Write("short.txt", clean + tail + "after\n");
  d.Write("long.txt", clean + longline);
  struct Case {
    const char* file;
    uint64_t max_doc;
    uint64_t offset;
  } cases[] = {{"short.txt", 1000, clean.size() + 19}, {"long.txt", 1000, clean.size() + 5000}};
  for (const Case& c : cases) {
    for (uint64_t unit_bytes : {uint64_t{4096}, uint64_t{1} << 20}) {
      Plan plan = MakePlan(d, {c.file}, Format::kLines, "text", "", unit_bytes);
      ReaderOptions o;
      o.max_doc_bytes = c.max_doc;
      UnitReader reader;
      Status refused;
      for (const Unit& u : plan.units()) {
        ASSERT_TRUE(reader.Open(plan, u, o).ok());
        Document doc;
        Result<bool> more = true;
        while (more.ok() && *more) more = reader.Next(&doc);
        if (!more.ok()) {
          refused = more.status();
          break;
        }
      }
      SCOPED_TRACE(std::string(c.file) + " unit " + std::to_string(unit_bytes));
      EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
      EXPECT_NE(refused.message().find("line " + std::to_string(lines + 1) +
                                       ": has a NUL byte at offset " + std::to_string(c.offset)),
                std::string::npos)
          << refused.message();
    }
  }
}

TEST(UnitReader, UnparsedModeAndParseOnDemand) {
  TempDir d;
  d.Write("a.jsonl", "{\"text\":\"ok\",\"id\":5}\n{broken\n{\"text\":\"ok2\",\"id\":\"z\"}\n");
  Plan p = MakePlan(d, {"a.jsonl"}, Format::kJsonl, "text", "id");
  UnitReader reader;
  ReaderOptions o;
  o.parse = false;
  ASSERT_TRUE(reader.Open(p, p.units()[0], o).ok());
  Document doc;
  std::vector<std::string> raws, texts;
  for (;;) {
    Result<bool> more = reader.Next(&doc);
    ASSERT_TRUE(more.ok());
    if (!*more) break;
    EXPECT_TRUE(doc.text.empty());
    raws.emplace_back(doc.raw);
    if (reader.Parse(&doc)) texts.push_back(std::string(doc.text) + "/" + std::string(doc.id));
  }
  EXPECT_EQ(raws.size(), 3u);
  EXPECT_EQ(texts, (std::vector<std::string>{"ok/5", "ok2/z"}));
  ASSERT_EQ(reader.bad().size(), 1u);
  EXPECT_EQ(reader.bad()[0].line, 2u);
  EXPECT_EQ(reader.bad()[0].offset, 21u);
  // A document that does not point into the reader's buffer is copied.
  Document own;
  std::string line = "{\"text\":\"mine\",\"id\":1}";
  own.raw = line;
  ASSERT_TRUE(reader.Parse(&own));
  EXPECT_EQ(own.text, "mine");
}

// A line longer than max_doc_bytes is reported and skipped without holding it.
void CheckLongLine(uint64_t line_bytes, uint64_t max_doc_bytes, bool gzip) {
  TempDir d;
  std::string body = "{\"text\":\"before\"}\n{\"text\":\"";
  body.append(line_bytes, 'x');
  body += "\"}\n{\"text\":\"after\"}\n";
  d.Write("long.jsonl", gzip ? Gzip(body, 1) : body);
  Plan p = MakePlan(d, {"long.jsonl"});
  ReaderOptions o;
  o.max_doc_bytes = max_doc_bytes;
  ReadResult r = ReadUnits(p, o);
  EXPECT_EQ(Texts(r), (std::vector<std::string>{"before", "after"}));
  ASSERT_EQ(r.bad.size(), 1u);
  EXPECT_EQ(r.bad[0].line, 2u);
  EXPECT_EQ(r.bad[0].offset, 18u);
  EXPECT_EQ(r.bad[0].reason, "line longer than " + std::to_string(max_doc_bytes) + " bytes");
  ASSERT_EQ(r.docs.size(), 2u);
  EXPECT_EQ(r.docs[1].line, 3u);
  EXPECT_EQ(r.docs[1].offset, body.size() - 17);
  EXPECT_EQ(r.lines, 3u);
}

TEST(UnitReader, HundredMegabyteLineWithSmallLimit) {
  CheckLongLine(100u << 20, 1000, false);
}

TEST(UnitReader, TwentyMegabyteLineWithDefaultLimit) {
  CheckLongLine(20u << 20, ReaderOptions().max_doc_bytes, false);
  CheckLongLine(20u << 20, ReaderOptions().max_doc_bytes, true);
}

TEST(UnitReader, LineJustUnderTheLimitIsKept) {
  TempDir d;
  std::string big(5u << 20, 'y');  // bigger than the initial buffer
  d.Write("a.txt", "a\n" + big + "\nb\n");
  ReaderOptions o;
  o.max_doc_bytes = big.size();
  ReadResult r = ReadUnits(MakePlan(d, {"a.txt"}, Format::kLines), o);
  ASSERT_EQ(r.docs.size(), 3u);
  EXPECT_EQ(r.docs[1].text, big);
  o.max_doc_bytes = big.size() - 1;
  r = ReadUnits(MakePlan(d, {"a.txt"}, Format::kLines), o);
  EXPECT_EQ(Texts(r), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.bad.size(), 1u);
}

TEST(UnitReader, TruncatedArchivesKeepEarlierDocuments) {
  TempDir d;
  std::string body;
  for (int i = 0; i < 20000; ++i) body += "{\"text\":\"document " + std::to_string(i) + "\"}\n";
  std::string gz = Gzip(body), zs = Zstd(body);
  d.Write("t.gz", gz.substr(0, gz.size() / 2));
  d.Write("t.zst", zs.substr(0, zs.size() / 2));
  d.Write("tail.gz", gz.substr(0, gz.size() - 4));  // only the trailer is missing
  for (const char* name : {"t.gz", "t.zst", "tail.gz"}) {
    ReadResult r = ReadUnits(MakePlan(d, {name}));
    ASSERT_FALSE(r.docs.empty()) << name;
    if (std::string(name) == "tail.gz") {
      EXPECT_EQ(r.docs.size(), 20000u);  // all data decodes; the trailer is missing
    } else {
      EXPECT_LT(r.docs.size(), 20000u) << name;
    }
    for (size_t i = 0; i < r.docs.size(); ++i) {
      ASSERT_EQ(r.docs[i].text, "document " + std::to_string(i)) << name;
    }
    ASSERT_EQ(r.bad.size(), 1u) << name;
    std::string want = std::string(name).find(".gz") != std::string::npos ? "truncated gzip stream"
                                                                          : "truncated zstd stream";
    EXPECT_EQ(r.bad[0].reason, want);
    EXPECT_EQ(r.bad[0].line, r.docs.size() + 1) << name;
  }
}

TEST(UnitReader, CorruptArchivesAreBadRecords) {
  TempDir d;
  std::string body;
  for (int i = 0; i < 5000; ++i) body += "{\"text\":\"document " + std::to_string(i) + "\"}\n";
  std::string gz = Gzip(body), zs = Zstd(body);
  for (size_t i = gz.size() / 2; i < gz.size() / 2 + 64; ++i) gz[i] = static_cast<char>(~gz[i]);
  for (size_t i = 20; i < zs.size(); i += 7) zs[i] = static_cast<char>(zs[i] ^ 0x5a);
  std::string crc = Gzip(body);
  crc[crc.size() - 6] = static_cast<char>(crc[crc.size() - 6] ^ 1);  // CRC-32 trailer
  d.Write("crc.gz", crc);
  d.Write("c.gz", gz);
  d.Write("c.zst", zs);
  d.Write("garbage.gz", Gzip(body) + "JUNK");
  ReadResult c = ReadUnits(MakePlan(d, {"crc.gz"}));
  EXPECT_EQ(c.docs.size(), 5000u);
  ASSERT_EQ(c.bad.size(), 1u);
  EXPECT_EQ(c.bad[0].reason, "corrupt gzip stream: incorrect data check");
  // Garbage in the middle of deflate data: depending on the bytes, zlib sees
  // an invalid code or a block running past the end of the file.
  ReadResult g = ReadUnits(MakePlan(d, {"c.gz"}));
  ASSERT_FALSE(g.bad.empty());
  EXPECT_TRUE(g.bad.back().reason.rfind("corrupt gzip stream: ", 0) == 0 ||
              g.bad.back().reason == "truncated gzip stream")
      << g.bad.back().reason;
  EXPECT_LT(g.docs.size(), 5000u);
  ReadResult z = ReadUnits(MakePlan(d, {"c.zst"}));
  ASSERT_FALSE(z.bad.empty());
  EXPECT_EQ(z.bad.back().reason.rfind("corrupt zstd stream: ", 0), 0u) << z.bad.back().reason;
  ReadResult t = ReadUnits(MakePlan(d, {"garbage.gz"}));
  EXPECT_EQ(t.docs.size(), 5000u);
  ASSERT_EQ(t.bad.size(), 1u);
  EXPECT_EQ(t.bad[0].reason, "trailing garbage after gzip stream");
}

// Reference line splitter for kLines (an oracle independent of the reader).
void Reference(const std::string& data, uint64_t max_doc_bytes, std::vector<Rec>* docs,
               std::vector<uint64_t>* bad_lines, uint64_t* lines) {
  uint64_t line = 0;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    size_t end = nl == std::string::npos ? data.size() : nl;
    ++line;
    std::string s = data.substr(pos, end - pos);
    uint64_t off = pos;
    pos = nl == std::string::npos ? data.size() : nl + 1;
    if (s.size() > max_doc_bytes) {
      bad_lines->push_back(line);
      continue;
    }
    if (off == 0 && s.rfind("\xEF\xBB\xBF", 0) == 0) s = s.substr(3);
    if (!s.empty() && s.back() == '\r') s.pop_back();
    if (s.find_first_not_of(" \t\r\n\v\f") == std::string::npos) continue;
    docs->push_back(Rec{off, line, s, "", s});
  }
  *lines = line;
}

std::string RandomCorpus(std::mt19937_64& rng, size_t n_lines) {
  std::string out;
  if (rng() % 4 == 0) out += "\xEF\xBB\xBF";
  for (size_t i = 0; i < n_lines; ++i) {
    switch (rng() % 10) {
      case 0: break;                                             // empty line
      case 1: out += " \t "; break;                              // whitespace only
      case 2: out += "{broken"; break;                           // invalid JSON
      case 3: out += "{\"other\":1}"; break;                     // missing field
      case 4: out += std::string(60 + rng() % 200, 'L'); break;  // long (max is 100)
      default: {
        std::string text(rng() % 40, 'a');
        for (char& c : text) c = static_cast<char>('a' + rng() % 26);
        out += "{\"text\":\"" + text + "\",\"id\":" + std::to_string(i) + "}";
      }
    }
    if (rng() % 5 == 0) out += "\r";
    if (i + 1 < n_lines || rng() % 2 == 0) out += "\n";
  }
  return out;
}

TEST(UnitReader, SplitUnitsReadExactlyLikeTheWholeFile) {
  std::mt19937_64 rng(20240611);
  ReaderOptions o;
  o.max_doc_bytes = 100;
  for (int round = 0; round < 60; ++round) {
    TempDir d;
    std::string data = RandomCorpus(rng, 1 + rng() % (round < 20 ? 20 : 300));
    d.Write("f.jsonl", data);
    for (Format f : {Format::kJsonl, Format::kLines}) {
      Plan whole = MakePlan(d, {"f.jsonl"}, f, "text", "id");
      ASSERT_EQ(whole.units().size(), 1u);
      ReaderOptions unparsed = o;
      unparsed.parse = false;
      ReadResult ref = ReadUnits(whole, o), ref_unparsed = ReadUnits(whole, unparsed);
      if (f == Format::kLines) {
        std::vector<Rec> docs;
        std::vector<uint64_t> bad_lines;
        uint64_t lines = 0;
        Reference(data, o.max_doc_bytes, &docs, &bad_lines, &lines);
        ASSERT_EQ(ref.docs, docs) << "round " << round;
        std::vector<uint64_t> got_bad;
        for (const Bad& b : ref.bad) got_bad.push_back(b.line);
        ASSERT_EQ(got_bad, bad_lines);
        ASSERT_EQ(ref.lines, lines);
      }
      for (int cut = 0; cut < 4; ++cut) {
        uint64_t unit_bytes = 1 + rng() % (data.size() + 2);
        if (cut == 0) unit_bytes = 1 + rng() % 16;  // tiny units: many cut points
        Plan split = MakePlan(d, {"f.jsonl"}, f, "text", "id", unit_bytes);
        ReadResult got = ReadUnits(split, o);
        ASSERT_EQ(got.docs, ref.docs) << "round " << round << " unit_bytes " << unit_bytes;
        ASSERT_EQ(got.bad, ref.bad) << "round " << round << " unit_bytes " << unit_bytes;
        ReadResult got_unparsed = ReadUnits(split, unparsed);
        ASSERT_EQ(got_unparsed.docs, ref_unparsed.docs);
        ASSERT_EQ(got_unparsed.bad, ref_unparsed.bad);
        ASSERT_EQ(got_unparsed.lines, ref.lines);
        ASSERT_EQ(got.lines, ref.lines);
        ASSERT_EQ(got.disk_bytes, data.size());
        // Sharded reading covers the same documents.
        size_t total = 0;
        for (uint32_t s = 0; s < 3; ++s) {
          std::vector<uint32_t> units = split.UnitsOf(Shard{s, 3});
          if (!units.empty()) total += ReadUnits(split, o, units).docs.size();
        }
        ASSERT_EQ(total, ref.docs.size());
      }
    }
  }
}

// An uncompressed file is read a bounded chunk at a time (256 KiB): lines
// that straddle chunk boundaries, span several chunks or end exactly at one
// read as the whole file says, whole and cut into units.
TEST(UnitReader, LinesAcrossReadChunksReadLikeTheFile) {
  std::mt19937_64 rng(7);
  std::string data;
  const size_t chunk = 256u << 10;
  while (data.size() < 3 * chunk) {
    size_t len = rng() % 40 == 0 ? rng() % 700000 : rng() % 3000;
    if (data.size() < chunk && data.size() + len + 1 > chunk) len = chunk - data.size() - 1;
    for (size_t i = 0; i < len; ++i) data.push_back(static_cast<char>('a' + rng() % 26));
    data.push_back('\n');
  }
  data += "last line without a newline";
  TempDir d;
  d.Write("f.txt", data);
  ReaderOptions o;
  o.max_doc_bytes = 1u << 20;
  std::vector<Rec> docs;
  std::vector<uint64_t> bad_lines;
  uint64_t lines = 0;
  Reference(data, o.max_doc_bytes, &docs, &bad_lines, &lines);
  ASSERT_GT(lines, 30u);
  size_t longest = 0;
  for (const Rec& r : docs) longest = std::max(longest, r.text.size());
  ASSERT_GT(longest, chunk);  // a line spans more than one read
  for (uint64_t unit_bytes : {uint64_t{0}, uint64_t{100000}, uint64_t{chunk}}) {
    Plan plan = unit_bytes == 0 ? MakePlan(d, {"f.txt"}, Format::kLines, "", "")
                                : MakePlan(d, {"f.txt"}, Format::kLines, "", "", unit_bytes);
    ReadResult got = ReadUnits(plan, o);
    EXPECT_EQ(got.docs, docs) << unit_bytes;
    EXPECT_TRUE(got.bad.empty());
    EXPECT_EQ(got.lines, lines);
    EXPECT_EQ(got.disk_bytes, data.size());
  }
}

TEST(UnitReader, UnparsedSplitMatchesParsedRaw) {
  std::mt19937_64 rng(7);
  TempDir d;
  std::string data = RandomCorpus(rng, 2000);
  d.Write("f.jsonl", data);
  ReaderOptions raw;
  raw.parse = false;
  raw.max_doc_bytes = 100;
  ReadResult a = ReadUnits(MakePlan(d, {"f.jsonl"}, Format::kJsonl, "text", "", 333), raw);
  ReadResult b = ReadUnits(MakePlan(d, {"f.jsonl"}, Format::kLines), raw);
  ASSERT_EQ(a.docs.size(), b.docs.size());
  for (size_t i = 0; i < a.docs.size(); ++i) {
    EXPECT_EQ(a.docs[i].raw, b.docs[i].raw);
    EXPECT_EQ(a.docs[i].line, b.docs[i].line);
    EXPECT_EQ(a.docs[i].offset, b.docs[i].offset);
  }
}

TEST(UnitReader, ReopenResetsState) {
  TempDir d;
  d.Write("a.jsonl", "{bad\n{\"text\":\"x\"}\n");
  d.Write("b.jsonl.gz", Gzip("{\"text\":\"y\"}\n"));
  Plan p = MakePlan(d, {"."});
  UnitReader reader;
  Document doc;
  for (int round = 0; round < 3; ++round) {
    for (const Unit& u : p.units()) {
      ASSERT_TRUE(reader.Open(p, u, {}).ok());
      int n = 0;
      while (*reader.Next(&doc)) ++n;
      EXPECT_EQ(n, 1);
      EXPECT_EQ(reader.bad().size(), u.file == 0 ? 1u : 0u);
    }
  }
  // Next after the end keeps returning false.
  Result<bool> more = reader.Next(&doc);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
}

TEST(UnitReader, OpenFailsForAMissingFile) {
  TempDir d;
  std::string path = d.Write("a.jsonl", "{}\n");
  Plan p = MakePlan(d, {"a.jsonl"});
  std::filesystem::remove(path);
  UnitReader reader;
  Status st = reader.Open(p, p.units()[0], {});
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_NE(st.message().find("a.jsonl"), std::string::npos);
}

// field.h's one table of rules, on a raw line (ExtractField) and on a parsed
// object (FieldOf): both must give every row.
TEST(Field, OneTableForRawLinesAndParsedObjects) {
  struct Case {
    const char* json;
    const char* path;
    bool allow_missing;
    bool ok;
    const char* want;  // the text, or the error's message
  };
  const Case cases[] = {
      {R"({"a":{"b":"c"}})", "a.b", false, true, "c"},                  // string
      {R"({"s":"\"q\""})", "s", false, true, "\"q\""},                  // escapes
      {R"({"n":12345678901234})", "n", false, true, "12345678901234"},  // integer
      {R"({"n":-7})", "n", false, true, "-7"},                          // negative
      {R"({"n":18446744073709551615})", "n", false, true, "18446744073709551615"},
      {R"({"x":0.5})", "x", false, true, "0.5"},  // float
      {R"({"x":1.0})", "x", false, true, "1"},    // shortest form
      {R"({"x":1e20})", "x", false, true, "1e+20"},
      {R"({"t":true,"f":false})", "t", false, true, "true"},  // booleans
      {R"({"t":true,"f":false})", "f", false, true, "false"},
      {R"({"a":null})", "a", false, false, "missing"},  // null
      {R"({"a":null})", "a", true, true, ""},
      {R"({"a":1})", "b", false, false, "missing"},  // missing
      {R"({"a":1})", "b", true, true, ""},
      {R"({"a":{}})", "a.b", false, false, "missing"},              // nested missing
      {R"({"a":"text"})", "a.b", false, false, "missing"},          // through a string
      {R"({"a":{"b":1}})", "a", false, false, "must be a string"},  // object
      {R"({"a":{"b":1}})", "a", true, false, "must be a string"},
      {R"({"a":[1,2]})", "a", false, false, "must be a string"},  // array
  };
  for (const Case& c : cases) {
    const std::string where = std::string(c.json) + " " + c.path;
    Result<std::string> raw = ExtractField(c.json, c.path, c.allow_missing);
    Result<std::string> parsed = FieldOf(nlohmann::json::parse(c.json), c.path, c.allow_missing);
    for (const Result<std::string>* r : {&raw, &parsed}) {
      ASSERT_EQ(r->ok(), c.ok) << where;
      if (c.ok) {
        EXPECT_EQ(**r, c.want) << where;
      } else {
        EXPECT_EQ(r->status().message(), c.want) << where;
        EXPECT_EQ(r->status().code(), StatusCode::kInvalidArgument) << where;
      }
    }
  }
  Result<std::string> r = ExtractField("{\"a\":", "a");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("invalid JSON: ", 0), 0u);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

// Every BLNS string as a JSONL text field and as a line.
TEST(UnitReader, BigListOfNaughtyStrings) {
  std::string dir = SAFEGATE_SHARED_DATA "/blns";
  if (!std::filesystem::exists(dir + "/blns.json")) GTEST_SKIP() << "no " << dir;
  simdjson::dom::parser parser;
  simdjson::padded_string json;
  ASSERT_EQ(simdjson::padded_string::load(dir + "/blns.json").get(json), simdjson::SUCCESS);
  simdjson::dom::array arr;
  ASSERT_EQ(parser.parse(json).get_array().get(arr), simdjson::SUCCESS);
  std::vector<std::string> strings;
  for (auto e : arr) strings.emplace_back(std::string_view(e.get_string().value_unsafe()));
  ASSERT_GT(strings.size(), 500u);

  TempDir d;
  std::string jsonl;
  for (size_t i = 0; i < strings.size(); ++i) {
    jsonl += "{\"id\":" + std::to_string(i) + ",\"text\":" + JsonEscape(strings[i]) + "}\n";
  }
  d.Write("blns.jsonl", jsonl);
  d.Write("blns.jsonl.zst", Zstd(jsonl));
  for (const char* name : {"blns.jsonl", "blns.jsonl.zst"}) {
    ReadResult r = ReadUnits(MakePlan(d, {name}, Format::kJsonl, "text", "id", 1000));
    ASSERT_EQ(r.docs.size(), strings.size()) << name;
    EXPECT_TRUE(r.bad.empty());
    for (size_t i = 0; i < strings.size(); ++i) {
      EXPECT_EQ(r.docs[i].text, strings[i]);
      EXPECT_EQ(r.docs[i].id, std::to_string(i));
      EXPECT_EQ(r.docs[i].line, i + 1);
    }
  }

  std::ifstream in(dir + "/blns.txt", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string txt = ss.str();
  d.Write("blns.txt", txt);
  std::vector<Rec> want;
  std::vector<uint64_t> bad_lines;
  uint64_t lines = 0;
  Reference(txt, ReaderOptions().max_doc_bytes, &want, &bad_lines, &lines);
  EXPECT_GT(want.size(), 500u);
  for (uint64_t unit : {uint64_t{32} << 20, uint64_t{777}}) {
    ReadResult r = ReadUnits(MakePlan(d, {"blns.txt"}, Format::kLines, "text", "", unit));
    EXPECT_EQ(r.docs, want);
    EXPECT_EQ(r.lines, lines);
    EXPECT_TRUE(r.bad.empty());
  }
}

// Python's json and most training code keep the LAST value of a duplicated
// key, simdjson's at_key the first: such a line would be scanned as one text
// and trained on as another, so it is a bad line (issue 22).
TEST(UnitReader, DuplicateKeyOnTheTextOrIdPathIsABadLine) {
  TempDir d;
  d.Write("a.jsonl",
          "{\"id\":\"1\",\"m\":{\"t\":\"ok\"}}\n"                     // 1 ok
          "{\"id\":\"2\",\"m\":{\"t\":\"fine\",\"t\":\"harm\"}}\n"    // 2 text key twice
          "{\"id\":\"3\",\"m\":{\"t\":\"a\"},\"m\":{\"t\":\"b\"}}\n"  // 3 parent key twice
          "{\"id\":\"4\",\"m\":{\"\\u0074\":\"a\",\"t\":\"b\"}}\n"    // 4 escaped twin
          "{\"id\":\"5\",\"id\":\"6\",\"m\":{\"t\":\"c\"}}\n"         // 5 id twice
          "{\"id\":\"7\",\"m\":{\"t\":\"d\",\"x\":1,\"x\":2}}\n");    // 6 elsewhere: ok
  Plan p = MakePlan(d, {"a.jsonl"}, Format::kJsonl, "m.t", "id");
  ReadResult r = ReadUnits(p);
  EXPECT_EQ(Texts(r), (std::vector<std::string>{"ok", "d"}));
  std::vector<std::pair<uint64_t, std::string>> bad;
  for (const Bad& b : r.bad) bad.emplace_back(b.line, b.reason);
  std::vector<std::pair<uint64_t, std::string>> want = {{2, "field 'm.t' appears more than once"},
                                                        {3, "field 'm.t' appears more than once"},
                                                        {4, "field 'm.t' appears more than once"},
                                                        {5, "field 'id' appears more than once"}};
  EXPECT_EQ(bad, want);
  // The same rule for ExtractField.
  Result<std::string> e = ExtractField("{\"text\":\"a\",\"text\":\"b\"}", "text");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().message(), "appears more than once");
}

// A file changed between planning and reading fails naming it, rather than
// reporting the planned byte count with a fraction of the documents.
TEST(UnitReader, FileChangedAfterPlanningFailsNamingIt) {
  TempDir d;
  std::string lines;
  for (int i = 0; i < 1000; ++i) lines += "{\"text\":\"document " + std::to_string(i) + "\"}\n";
  std::string path = d.Write("a.jsonl", lines);
  Plan p = MakePlan(d, {"a.jsonl"});
  // Truncated before the unit is opened.
  std::filesystem::resize_file(path, lines.size() / 5);
  UnitReader reader;
  Status st = reader.Open(p, p.units()[0], {});
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition) << st.ToString();
  EXPECT_NE(st.message().find(path), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("changed size"), std::string::npos) << st.message();

  // Truncated while the unit is being read: the end of the unit fails.
  d.Write("a.jsonl", lines);
  Plan p2 = MakePlan(d, {"a.jsonl"});
  ASSERT_TRUE(reader.Open(p2, p2.units()[0], {}).ok());
  Document doc;
  ASSERT_TRUE(*reader.Next(&doc));
  std::filesystem::resize_file(path, lines.size() / 5);
  Result<bool> more = true;
  int docs = 1;
  while (more.ok() && *more) {
    more = reader.Next(&doc);
    if (more.ok() && *more) ++docs;
  }
  ASSERT_FALSE(more.ok()) << "read " << docs << " documents of a cut file without an error";
  EXPECT_EQ(more.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(more.status().message().find(path), std::string::npos);

  // Replaced by another file of the same size (a new inode).
  d.Write("a.jsonl", lines);
  Plan p3 = MakePlan(d, {"a.jsonl"});
  std::filesystem::remove(path);
  d.Write("a.jsonl", lines);
  st = reader.Open(p3, p3.units()[0], {});
  // A new file may reuse the freed inode number; then its mtime still differs or equals.
  if (st.ok()) GTEST_SKIP() << "the file system reused the inode and the timestamp";
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace safegate::corpus
