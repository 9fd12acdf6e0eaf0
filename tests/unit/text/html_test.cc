#include "safegate/text/html.h"

#include <gtest/gtest.h>

namespace safegate::text {
namespace {

// Decodes (or, with `render`, renders) `in`, checking the map's contract.
std::string D(std::string_view in, bool render = false) {
  std::string out;
  std::vector<size_t> b, e;
  if (!(render ? RenderMarkup(in, &out, &b, &e) : DecodeHtmlReferences(in, &out, &b, &e))) {
    return "<none>";
  }
  EXPECT_EQ(b.size(), out.size());
  EXPECT_EQ(e.size(), out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_LT(b[i], e[i]);
    EXPECT_LE(e[i], in.size());
    if (i > 0) {
      EXPECT_LE(b[i - 1], b[i]);
      EXPECT_LE(e[i - 1], e[i]);
    }
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
  for (const char* none : {"", "plain", "R&D", "&#;", "&#x;", "&#xg", "&bogus;", "&", "&;"}) {
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

// Every HTML5 named reference (red team, session 16: "b&omicron;mb" passed),
// with the browser's longest-match rule for names without ';'.
TEST(DecodeHtmlReferences, Html5NamedReferences) {
  EXPECT_EQ(D("b&omicron;mb"), "b\u03BFmb");
  EXPECT_EQ(D("&Bscr;omb"), "\u212Comb");
  EXPECT_EQ(D("&bopf;&oscr;"), "\U0001D553\u2134");
  EXPECT_EQ(D("&NotEqualTilde;"), "\u2242\u0338");              // two code points
  EXPECT_EQ(D("&CounterClockwiseContourIntegral;"), "\u2233");  // the longest name
  // Without ';': only the legacy names, the longest one that fits.
  EXPECT_EQ(D("&amp"), "&");
  EXPECT_EQ(D("&ampx"), "&x");
  EXPECT_EQ(D("&notin;"), "\u2209");
  EXPECT_EQ(D("&notit;"), "\u00ACit;");
  EXPECT_EQ(D("p&eacutepe"), "p\u00E9pe");
  EXPECT_EQ(D("&omicron"), "<none>");    // not a legacy name
  EXPECT_EQ(D("&AMP;&Amp;"), "&&Amp;");  // names are case-sensitive
}

// The rendered view (red team, session 16: markup inside words passed).
TEST(RenderMarkup, TagsCommentsAndMarkdownMarkersAreRemoved) {
  EXPECT_EQ(D("pi<b></b>pe bomb", true), "pipe bomb");
  EXPECT_EQ(D("pi**pe** bo**mb**", true), "pipe bomb");
  EXPECT_EQ(D("pi<!-- -->pe bomb", true), "pipe bomb");
  EXPECT_EQ(D("p<span class=\"x\">ipe</span> bomb", true), "pipe bomb");
  EXPECT_EQ(D("pi`pe` bomb", true), "pipe bomb");
  EXPECT_EQ(D("~~p~~ipe b_o_mb", true), "pipe bomb");
  EXPECT_EQ(D("pi<!---->pe <!-->x", true), "pipe x");
  EXPECT_EQ(D("pipe<br>bomb<BR/>x<p>y</P>", true), "pipe\nbomb\nx\ny\n");
  EXPECT_EQ(D("b&#111;<i>m</i>b", true), "bomb");
  // A decoded '<' is text; '<' that starts no tag is text.
  EXPECT_EQ(D("&lt;b&gt;x", true), "<b>x");
  EXPECT_EQ(D("a < b", true), "<none>");
  EXPECT_EQ(D("I <3 you", true), "<none>");
  EXPECT_EQ(D("<b unclosed", true), "<none>");
  EXPECT_EQ(D("plain text", true), "<none>");
  EXPECT_FALSE(MayHaveMarkup("plain text, no markup."));
  EXPECT_TRUE(MayHaveMarkup("a_b"));
}

TEST(RenderMarkup, MapsKeptBytesToThemselvesAndRemovedMarkupToNothing) {
  std::string out;
  std::vector<size_t> b, e;
  ASSERT_TRUE(RenderMarkup("p<b>i</b>&#112;<br>e", &out, &b, &e));
  EXPECT_EQ(out, "pip\ne");
  EXPECT_EQ(b, (std::vector<size_t>{0, 4, 9, 15, 19}));
  EXPECT_EQ(e, (std::vector<size_t>{1, 5, 15, 19, 20}));
}

}  // namespace
}  // namespace safegate::text
