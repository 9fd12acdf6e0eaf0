#include "safegate/text/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace safegate::text {
namespace {

TEST(IsAscii, AllLengthsAndPositions) {
  EXPECT_TRUE(IsAscii(""));
  for (size_t len = 1; len < 80; ++len) {
    std::string s(len, 'a');
    EXPECT_TRUE(IsAscii(s)) << len;
    for (size_t i = 0; i < len; ++i) {
      std::string t = s;
      t[i] = static_cast<char>(0x80);
      EXPECT_FALSE(IsAscii(t)) << len << " " << i;
    }
  }
}

struct Decoded {
  char32_t cp;
  size_t len;
  bool invalid;
};

Decoded Decode(std::string_view s, size_t pos = 0) {
  Decoded d{};
  d.cp = DecodeAt(s, pos, &d.len, &d.invalid);
  return d;
}

TEST(DecodeAt, ValidSequences) {
  Decoded d = Decode("A");
  EXPECT_EQ(d.cp, U'A');
  EXPECT_EQ(d.len, 1u);
  EXPECT_FALSE(d.invalid);
  d = Decode("\xC3\xA9");  // é
  EXPECT_EQ(d.cp, 0xE9u);
  EXPECT_EQ(d.len, 2u);
  d = Decode("\xE6\xB1\x89");  // 汉
  EXPECT_EQ(d.cp, 0x6C49u);
  EXPECT_EQ(d.len, 3u);
  d = Decode("\xF0\x9F\x98\x80");  // U+1F600
  EXPECT_EQ(d.cp, 0x1F600u);
  EXPECT_EQ(d.len, 4u);
  d = Decode("\xF4\x8F\xBF\xBF");  // U+10FFFF
  EXPECT_EQ(d.cp, 0x10FFFFu);
  EXPECT_FALSE(d.invalid);
  d = Decode(std::string_view("\0", 1));
  EXPECT_EQ(d.cp, 0u);
  EXPECT_EQ(d.len, 1u);
}

TEST(DecodeAt, InvalidSequencesUseMaximalSubpart) {
  struct Case {
    std::string in;
    size_t len;
  };
  const Case cases[] = {
      {"\x80", 1},              // lone continuation
      {"\xBF", 1},              // lone continuation
      {"\xC0\x80", 1},          // overlong lead: C0 is never valid
      {"\xC1\xBF", 1},          // overlong lead
      {"\xE0\x80\x80", 1},      // overlong 3-byte: second byte out of range
      {"\xF0\x80\x80\x80", 1},  // overlong 4-byte
      {"\xED\xA0\x80", 1},      // surrogate U+D800
      {"\xF4\x90\x80\x80", 1},  // > U+10FFFF
      {"\xF5\x80\x80\x80", 1},  // > U+10FFFF lead
      {"\xFF", 1},
      {"\xE4\xB8", 2},      // truncated at the end
      {"\xE4\xB8x", 2},     // truncated before ASCII
      {"\xF0\x9F\x98", 3},  // truncated 4-byte
      {"\xF0\x9F\x98 ", 3},
      {"\xC3", 1},
  };
  for (const Case& c : cases) {
    Decoded d = Decode(c.in);
    EXPECT_EQ(d.cp, kReplacementChar) << testing::PrintToString(c.in);
    EXPECT_TRUE(d.invalid) << testing::PrintToString(c.in);
    EXPECT_EQ(d.len, c.len) << testing::PrintToString(c.in);
  }
  Decoded end = Decode("a", 1);
  EXPECT_EQ(end.len, 0u);
}

TEST(CountInvalid, CountsEachMaximalSubpart) {
  EXPECT_EQ(CountInvalid(""), 0u);
  EXPECT_EQ(CountInvalid("plain ascii text, long enough for words"), 0u);
  EXPECT_EQ(CountInvalid("\xE6\xB1\x89\xE8\xAF\xAD"), 0u);
  EXPECT_EQ(CountInvalid("\xC0\x80"), 2u);          // overlong NUL: two bad bytes
  EXPECT_EQ(CountInvalid("\xED\xA0\x80"), 3u);      // surrogate: three
  EXPECT_EQ(CountInvalid("\xF4\x90\x80\x80"), 4u);  // > U+10FFFF: four
  EXPECT_EQ(CountInvalid("ab\xE4\xB8"), 1u);        // truncated: one
  EXPECT_EQ(CountInvalid("\x80\x80\x80"), 3u);      // lone continuations
  EXPECT_EQ(CountInvalid("0123456789abcdef\xFF"), 1u);
}

TEST(FirstInvalid, OffsetOfTheFirstBadSequence) {
  EXPECT_EQ(FirstInvalid(""), std::string_view::npos);
  EXPECT_EQ(FirstInvalid("plain ascii text, long enough for words"), std::string_view::npos);
  EXPECT_EQ(FirstInvalid("\xE6\xB1\x89\xE8\xAF\xAD"), std::string_view::npos);
  EXPECT_EQ(FirstInvalid("0123456789abcdef\xFF"), 16u);      // after the word-at-a-time skip
  EXPECT_EQ(FirstInvalid("ab\xE4\xB8"), 2u);                 // truncated at the end
  EXPECT_EQ(FirstInvalid("\xE6\xB1\x89x\xED\xA0\x80"), 4u);  // a surrogate after a Han character
}

TEST(Repair, ReplacesWithFffd) {
  size_t n = 99;
  EXPECT_EQ(Repair("a\xC0\x80z", &n), "a\xEF\xBF\xBD\xEF\xBF\xBDz");
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(Repair("ok \xE6\xB1\x89", &n), "ok \xE6\xB1\x89");
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(Repair("x\xE4\xB8", &n), "x\xEF\xBF\xBD");
  EXPECT_EQ(n, 1u);
}

TEST(AppendUtf8, RoundTripsEveryScalarValue) {
  std::string s;
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    s.clear();
    AppendUtf8(cp, &s);
    Decoded d = Decode(s);
    ASSERT_FALSE(d.invalid) << static_cast<uint32_t>(cp);
    ASSERT_EQ(d.cp, cp);
    ASSERT_EQ(d.len, s.size());
  }
}

TEST(CharClasses, WordAndNoSpace) {
  EXPECT_TRUE(IsWordChar(U'a'));
  EXPECT_TRUE(IsWordChar(U'Z'));
  EXPECT_TRUE(IsWordChar(U'7'));
  EXPECT_TRUE(IsWordChar(U'_'));
  EXPECT_TRUE(IsWordChar(0x0436));  // ж
  EXPECT_TRUE(IsWordChar(0x0301));  // combining acute
  EXPECT_TRUE(IsWordChar(0x6C49));  // 汉
  EXPECT_FALSE(IsWordChar(U' '));
  EXPECT_FALSE(IsWordChar(U'-'));
  EXPECT_FALSE(IsWordChar(0x3002));  // 。
  EXPECT_FALSE(IsWordChar(0x110000));
  // The inline ASCII test, byte by byte: letters, digits and '_' only.
  for (char32_t c = 0; c < 0x80; ++c) {
    const bool want =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    EXPECT_EQ(IsWordChar(c), want) << static_cast<uint32_t>(c);
  }
  EXPECT_FALSE(IsWordChar(0x80));         // a C1 control
  EXPECT_TRUE(IsWordChar(0xAA));          // ª, a letter
  EXPECT_FALSE(IsWordChar(0xD7));         // ×
  EXPECT_TRUE(IsNoSpaceScript(0x6C49));   // Han
  EXPECT_TRUE(IsNoSpaceScript(0x3042));   // Hiragana
  EXPECT_TRUE(IsNoSpaceScript(0x30AB));   // Katakana
  EXPECT_TRUE(IsNoSpaceScript(0xAC00));   // Hangul
  EXPECT_TRUE(IsNoSpaceScript(0x0E01));   // Thai
  EXPECT_TRUE(IsNoSpaceScript(0x20000));  // Han extension B
  EXPECT_FALSE(IsNoSpaceScript(U'a'));
  EXPECT_FALSE(IsNoSpaceScript(0x0436));
}

}  // namespace
}  // namespace safegate::text
