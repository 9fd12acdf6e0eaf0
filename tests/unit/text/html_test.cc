#include "safegate/text/html.h"

#include <gtest/gtest.h>

namespace safegate::text {
namespace {

std::string D(std::string_view in) {
  std::string out;
  std::vector<size_t> b, e;
  if (!DecodeHtmlReferences(in, &out, &b, &e)) return "<none>";
  EXPECT_EQ(b.size(), out.size());
  EXPECT_EQ(e.size(), out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_LT(b[i], e[i]);
    EXPECT_LE(e[i], in.size());
    if (i) EXPECT_LE(b[i - 1], b[i]);
  }
  return out;
}

TEST(DecodeHtmlReferences, NumericAndBasicNamedOnce) {
  EXPECT_EQ(D("b&#111;mb"), "bomb");
  EXPECT_EQ(D("b&#x6F;mb &#X6f;"), "bomb o");
  EXPECT_EQ(D("a&amp;b &lt;&gt;&quot;&apos;"), "a&b <>\"'");
  EXPECT_EQ(D("&amp;#111;"), "&#111;");  // once, as a renderer does
  EXPECT_EQ(D("&#233;&#x1F600;"), "\u00E9\U0001F600");
  EXPECT_EQ(D("&#0;&#xD800;&#x110000;"), "\uFFFD\uFFFD\uFFFD");
  EXPECT_EQ(D("a&zwj;b&shy;c"), "a\u200Db\u00ADc");
  // Numeric references as an HTML5 browser reads them: any number of digits,
  // the semicolon optional.
  EXPECT_EQ(D("b&#111mb"), "bomb");
  EXPECT_EQ(D("b&#x6fmb"), "bomb");
  EXPECT_EQ(D("b&#0000000000111;mb"), "bomb");
  EXPECT_EQ(D("&#12345678;&#x99999999999"), "\uFFFD\uFFFD");
  for (const char* none : {"", "plain", "R&D", "&#;", "&#x;", "&#xg", "&bogus;", "&amp", "&"}) {
    EXPECT_EQ(D(none), "<none>") << none;
  }
}

TEST(DecodeHtmlReferences, MapsEachByteToItsReference) {
  std::string out;
  std::vector<size_t> b, e;
  ASSERT_TRUE(DecodeHtmlReferences("x&#233;y", &out, &b, &e));
  EXPECT_EQ(out, "x\u00E9y");
  EXPECT_EQ(b, (std::vector<size_t>{0, 1, 1, 7}));
  EXPECT_EQ(e, (std::vector<size_t>{1, 7, 7, 8}));
}

}  // namespace
}  // namespace safegate::text
