#include "safegate/base/csv.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace safegate
