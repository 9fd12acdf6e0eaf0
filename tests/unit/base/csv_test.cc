#include "safegate/base/csv.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace safegate {
namespace {

TEST(Csv, QuotesNewlinesCrlfBom) {
  std::string data = "\xEF\xBB\xBFid,text\r\n1,\"a, \"\"b\"\"\nc\"\r\n2,plain\n";
  CsvReader r(data, "x.csv");
  std::vector<std::string> f;
  ASSERT_TRUE(*r.Next(&f));
  EXPECT_EQ(f, (std::vector<std::string>{"id", "text"}));
  EXPECT_EQ(r.line(), 1u);
  ASSERT_TRUE(*r.Next(&f));
  EXPECT_EQ(f, (std::vector<std::string>{"1", "a, \"b\"\nc"}));
  EXPECT_EQ(r.line(), 2u);
  ASSERT_TRUE(*r.Next(&f));
  EXPECT_EQ(f, (std::vector<std::string>{"2", "plain"}));
  EXPECT_EQ(r.line(), 4u);
  EXPECT_FALSE(*r.Next(&f));
}

TEST(Csv, UnterminatedQuoteNamesLine) {
  CsvReader r("a\n\"open,x\n", "y.csv");
  std::vector<std::string> f;
  ASSERT_TRUE(*r.Next(&f));
  auto res = r.Next(&f);
  ASSERT_FALSE(res.ok());
  EXPECT_NE(res.status().message().find("y.csv:2"), std::string::npos);
}

TEST(Csv, RoundTrip) {
  std::vector<std::string> in{"a", "b,c", "d\"e", "line\nbreak", ""};
  std::string out;
  AppendCsvRecord(in, &out);
  CsvReader r(out, "z");
  std::vector<std::string> f;
  ASSERT_TRUE(*r.Next(&f));
  EXPECT_EQ(f, in);
}

// Reads `data` whole, and one record at a time as `judge` streams a file
// (physical lines fed to CsvRecordSplitter, each finished piece read by its
// own CsvReader that knows its first line): records, errors and line numbers
// are the same.
std::vector<std::string> ReadWhole(const std::string& data) {
  std::vector<std::string> out;
  CsvReader r(data, "f");
  std::vector<std::string> fields;
  for (;;) {
    std::string err;
    Result<bool> more = r.NextRecord(&fields, &err);
    if (!more.ok()) {
      out.push_back("fail " + more.status().message());
      return out;
    }
    if (!*more) return out;
    std::string rec = std::to_string(r.line()) + (err.empty() ? ":" : ":error " + err + ":");
    for (const auto& f : fields) rec += "[" + f + "]";
    out.push_back(rec);
  }
}

std::vector<std::string> ReadSplit(const std::string& data) {
  std::vector<std::string> out;
  CsvRecordSplitter splitter;
  std::string chunk;
  uint64_t line = 1, chunk_line = 1;
  auto flush = [&]() -> bool {
    std::vector<std::string> part;
    CsvReader r(chunk, "f", chunk_line);
    std::vector<std::string> fields;
    for (;;) {
      std::string err;
      Result<bool> more = r.NextRecord(&fields, &err);
      if (!more.ok()) {
        out.push_back("fail " + more.status().message());
        return false;
      }
      if (!*more) break;
      std::string rec = std::to_string(r.line()) + (err.empty() ? ":" : ":error " + err + ":");
      for (const auto& f : fields) rec += "[" + f + "]";
      out.push_back(rec);
    }
    chunk.clear();
    return true;
  };
  size_t pos = 0;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    size_t end = nl == std::string::npos ? data.size() : nl + 1;
    std::string_view l(data.data() + pos, end - pos);
    pos = end;
    std::string_view feed = l;  // the first reader skips a BOM; the splitter must not see it
    if (line == 1 && feed.substr(0, 3) == "\xEF\xBB\xBF") feed.remove_prefix(3);
    if (chunk.empty()) chunk_line = line;
    ++line;
    chunk.append(l);
    if (splitter.Feed(feed) && !flush()) return out;
  }
  if (!chunk.empty()) flush();
  return out;
}

TEST(Csv, SplitterFindsTheRecordsTheReaderReads) {
  const std::vector<std::string> cases = {
      "id,text\n1,\"a\nb\"\n2,c\n",
      "id,text\r\n1,\"x\"\"y\"\r\n2,bad\"quote\n3,\"after\"junk\n4,ok",
      "a,b\n\"never\nclosed\n1,2\n",
      "\"\"\n\"\"\"\"\n,\n\n\"a\"\"\n\"\n",
      "a,b\n1,2\n\xEF\xBB\xBF\"x\"\n",  // a BOM in the middle is data
      "\xEF\xBB\xBF\xEF\xBB\xBF",       // only the first BOM is skipped
      "\xEF\xBB\xBF\"q\nr\",s\n",       // a quoted field right after the BOM
  };
  for (const std::string& c : cases) EXPECT_EQ(ReadSplit(c), ReadWhole(c)) << c;
  // And random texts over the characters that matter.
  uint64_t x = 88172645463325252ull;
  const char alphabet[] = {'a', ',', '"', '\n', '\r', 'b'};
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const size_t n = x % 24;
    for (size_t k = 0; k < n; ++k) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      s.push_back(alphabet[x % sizeof(alphabet)]);
    }
    ASSERT_EQ(ReadSplit(s), ReadWhole(s)) << "input: " << s;
  }
}

}  // namespace
}  // namespace safegate
