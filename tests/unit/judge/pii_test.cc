#include "safegate/judge/pii.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace safegate::judge {
namespace {

std::vector<std::string> Found(std::string_view text, std::vector<std::string> dets = {}) {
  std::vector<std::string> out;
  for (const auto& m : FindPii(text, dets))
    out.push_back(std::string(m.detector) + ":" +
                  std::string(text.substr(m.begin, m.end - m.begin)));
  return out;
}

using V = std::vector<std::string>;

TEST(Pii, Checksums) {
  EXPECT_TRUE(LuhnValid("4111 1111 1111 1111"));
  EXPECT_FALSE(LuhnValid("4111 1111 1111 1112"));
  EXPECT_TRUE(LuhnValid("378282246310005"));
  EXPECT_TRUE(IbanValid("GB82 WEST 1234 5698 7654 32"));
  EXPECT_FALSE(IbanValid("GB82 WEST 1234 5698 7654 33"));
  EXPECT_TRUE(IbanValid("DE89370400440532013000"));
  EXPECT_FALSE(IbanValid("DE8937040044053201300"));  // wrong length for DE
  EXPECT_TRUE(CnResidentIdValid("11010519491231002X"));
  EXPECT_FALSE(CnResidentIdValid("110105194912310021"));  // wrong check digit
  EXPECT_FALSE(CnResidentIdValid("110105194913310028"));  // month 13
  EXPECT_TRUE(RuSnilsValid("112-233-445 95"));            // 9+8+14+12+15+12+12+8+5 = 95
  EXPECT_FALSE(RuSnilsValid("112-233-445 96"));
  EXPECT_TRUE(RuSnilsValid("987-654-321 83"));   // sum 285, mod 101 = 83
  EXPECT_FALSE(RuSnilsValid("987-654-321 85"));  // wrong check number
  EXPECT_TRUE(RuSnilsValid("100-356-355 00"));   // sum 100 -> 00
  EXPECT_TRUE(RuSnilsValid("100-079-190 00"));   // sum 101 -> 00
  EXPECT_TRUE(RuSnilsValid("105-978-845 00"));   // sum 202, mod 101 = 0
  EXPECT_FALSE(RuSnilsValid("001-001-998 00"));  // no check number defined this low
  EXPECT_FALSE(RuSnilsValid("112-233-445 9"));   // too short
  EXPECT_TRUE(RuInnValid("500100732259"));
  EXPECT_FALSE(RuInnValid("500100732258"));  // second check digit
  EXPECT_FALSE(RuInnValid("500100732249"));  // first check digit
  EXPECT_FALSE(RuInnValid("5001007322"));    // an organisation's 10 digits
}

TEST(Pii, Email) {
  EXPECT_EQ(Found("write to jane.doe+x@example.co.uk today"), V{"email:jane.doe+x@example.co.uk"});
  EXPECT_EQ(Found("not@an-email, a@b.c"), V{});
  EXPECT_EQ(Found("联系邮箱：li.ming@example.cn。"), V{"email:li.ming@example.cn"});
}

TEST(Pii, Cards) {
  EXPECT_EQ(Found("card 4111 1111 1111 1111 exp"), V{"card:4111 1111 1111 1111"});
  EXPECT_EQ(Found("card 4111-1111-1111-1111"), V{"card:4111-1111-1111-1111"});
  EXPECT_EQ(Found("card 4111111111111111."), V{"card:4111111111111111"});
  EXPECT_EQ(Found("card 4111 1111 1111 1112"), V{});  // Luhn fails
  EXPECT_EQ(Found("amex 378282246310005"), V{"card:378282246310005"});
}

TEST(Pii, Iban) {
  EXPECT_EQ(Found("IBAN GB82 WEST 1234 5698 7654 32 thanks"),
            V{"iban:GB82 WEST 1234 5698 7654 32"});
  EXPECT_EQ(Found("IBAN DE89370400440532013000"), V{"iban:DE89370400440532013000"});
  EXPECT_EQ(Found("IBAN DE89370400440532013001"), V{});
}

TEST(Pii, ChineseId) {
  EXPECT_EQ(Found("身份证号11010519491231002X。"), V{"cn_id:11010519491231002X"});
  EXPECT_EQ(Found("身份证号110105194912310021。"), V{});
}

TEST(Pii, Phones) {
  EXPECT_EQ(Found("call +1 415 555 2671 now"), V{"phone:+1 415 555 2671"});
  EXPECT_EQ(Found("手机13812345678联系"), V{"phone:13812345678"});
  EXPECT_EQ(Found("手机 138-1234-5678"), V{"phone:138-1234-5678"});
  EXPECT_EQ(Found("+86 138 1234 5678"), V{"phone:+86 138 1234 5678"});
  EXPECT_EQ(Found("(415) 555-2671"), V{"phone:(415) 555-2671"});
  EXPECT_EQ(Found("415-555-2671"), V{"phone:415-555-2671"});
  EXPECT_EQ(Found("order 12812345678901"), V{});  // too long for a mobile
  EXPECT_EQ(Found("+86 128 1234 5678"), V{});     // not a CN mobile prefix
}

// Numbers written so a person still reads them but a byte pattern does not:
// full-width and mathematical digits, no-break spaces, zero-width characters,
// a full-width "@". Spans are the input's own bytes. Each failed before the
// detectors read normalised text.
TEST(Pii, SeesNumbersAsAPersonReadsThem) {
  const std::string fw = "４１１１ １１１１ １１１１ １１１１";  // full-width digits and spaces
  EXPECT_EQ(Found("card: " + fw + " ok"), V{"card:" + fw});
  EXPECT_EQ(Found("４１１１ １１１１ １１１１ １１１２"), V{});  // Luhn still decides
  EXPECT_EQ(Found("4111\u00a01111\u00a01111\u00a01111"),
            V{"card:4111\u00a01111\u00a01111\u00a01111"});
  EXPECT_EQ(Found("4111\u200b1111\u200b1111\u200b1111"),
            V{"card:4111\u200b1111\u200b1111\u200b1111"});
  const std::string math =
      "\U0001D7DD\U0001D7D9\U0001D7E0-\U0001D7DA\U0001D7DA-"
      "\U0001D7D9\U0001D7DB\U0001D7DC\U0001D7E0";  // double-struck digits
  EXPECT_EQ(Found("x " + math + " y", {"us_ssn"}), V{"us_ssn:" + math});
  EXPECT_EQ(Found("mail ａ.ｂ＠example.org"), V{"email:ａ.ｂ＠example.org"});
  EXPECT_EQ(Found("手机１３８１２３４５６７８联系"), V{"phone:１３８１２３４５６７８"});
  // Folding must not invent a number: letters stay letters.
  EXPECT_EQ(Found("4111 1111 1111 111l"), V{});
}

TEST(Pii, UsSsn) {
  EXPECT_EQ(Found("SSN 123-45-6789."), V{"us_ssn:123-45-6789"});
  EXPECT_EQ(Found("SSN 000-45-6789"), V{});
  EXPECT_EQ(Found("SSN 666-45-6789"), V{});
  EXPECT_EQ(Found("SSN 923-45-6789"), V{});
  EXPECT_EQ(Found("SSN 123-00-6789"), V{});
  EXPECT_EQ(Found("SSN 123-45-0000"), V{});
}

TEST(Pii, RussianSnils) {
  EXPECT_EQ(Found("СНИЛС 112-233-445 95."), V{"ru_snils:112-233-445 95"});
  EXPECT_EQ(Found("SNILS 112-233-445-95"), V{"ru_snils:112-233-445-95"});
  EXPECT_EQ(Found("СНИЛС 112-233-445 96"), V{});  // wrong check number
  EXPECT_EQ(Found("11223344595"), V{});           // bare digits are not matched
  EXPECT_EQ(Found("112-233-445 955"), V{});       // glued to another digit
}

TEST(Pii, RussianInn) {
  EXPECT_EQ(Found("ИНН 500100732259"), V{"ru_inn:500100732259"});
  EXPECT_EQ(Found("ИНН: 500100732259."), V{"ru_inn:500100732259"});
  EXPECT_EQ(Found("ИНН № 500100732259"), V{"ru_inn:500100732259"});
  EXPECT_EQ(Found("INN No. 500100732259"), V{"ru_inn:500100732259"});
  EXPECT_EQ(Found("inn 500100732259"), V{"ru_inn:500100732259"});
  EXPECT_EQ(Found("мой инн 500100732259"), V{"ru_inn:500100732259"});
  EXPECT_EQ(Found("order 500100732259"), V{});  // no label: one in a hundred passes
  EXPECT_EQ(Found("ИНН 500100732258"), V{});    // wrong check digit
  EXPECT_EQ(Found("ИНН 50010073225"), V{});     // 11 digits
  EXPECT_EQ(Found("spinn 500100732259"), V{});  // "inn" inside a word
}

TEST(Pii, DetectorSelectionAndJudge) {
  EXPECT_EQ(Found("a@example.com 123-45-6789", {"us_ssn"}), V{"us_ssn:123-45-6789"});
  PiiOptions o;
  o.category = "S7";
  auto j = NewPiiJudge(o);
  ASSERT_TRUE(j.ok());
  auto v = (*j)->Run({"mail me: a.b@example.org", "", ""});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->label, "flagged");
  ASSERT_EQ(v->categories.size(), 1u);
  EXPECT_EQ(v->categories[0].category, "S7");
  ASSERT_EQ(v->evidence.size(), 1u);
  EXPECT_EQ(v->evidence[0].rule, "email");
  auto clean = (*j)->Run({"nothing here 12345", "", ""});
  EXPECT_EQ(clean->label, "clean");
  o.detectors = {"passport"};
  EXPECT_FALSE(NewPiiJudge(o).ok());
}

// Arbitrary bytes: every match is a non-empty span inside the text, named by a
// known detector; a valid card number between noise bytes is still found
// exactly; lone punctuation matches nothing.
TEST(Pii, AnyBytes) {
  std::string noise;
  for (int i = 0; i < 4096; ++i) noise.push_back(static_cast<char>((i * 7919) & 0xff));
  const std::string card = "4111 1111 1111 1111";
  const std::string text = noise + " " + card + " " + noise;
  const auto& names = PiiDetectorNames();
  bool card_found = false;
  for (const std::string* in : {static_cast<const std::string*>(&noise), &text}) {
    const std::string& s = *in;
    for (const PiiMatch& m : FindPii(s)) {
      EXPECT_LT(m.begin, m.end);
      EXPECT_LE(m.end, s.size());
      EXPECT_NE(std::find(names.begin(), names.end(), m.detector), names.end()) << m.detector;
      if (in == &text && m.detector == "card" && m.begin == noise.size() + 1)
        card_found = m.end == noise.size() + 1 + card.size();
    }
  }
  EXPECT_TRUE(card_found);
  for (std::string_view p : {"+", "@", "(", ""}) EXPECT_TRUE(FindPii(p).empty()) << p;
}

}  // namespace
}  // namespace safegate::judge
