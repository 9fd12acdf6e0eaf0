#include "safegate/base/i18n.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace safegate::i18n {
namespace {

using ::testing::HasSubstr;

// The catalog's completeness: a key without a language, or whose languages
// use different placeholders, is listed (and fails this test).
TEST(Catalog, EveryKeyInEveryLanguage) {
  const std::vector<std::string> problems = CatalogProblems();
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems);
  EXPECT_GT(Keys().size(), 100u);
  for (const std::string& key : Keys()) {
    for (Lang lang : AllLangs()) {
      const std::string text = Tr(lang, key);
      EXPECT_FALSE(text.empty()) << key;
      EXPECT_EQ(text.find("\u27e6"), std::string::npos) << key;
    }
  }
}

TEST(Catalog, TranslatesAndMarksMissingKeys) {
  EXPECT_EQ(Tr(Lang::kEn, "verdict.pass"), "pass");
  EXPECT_EQ(Tr(Lang::kZh, "verdict.pass"), "通过");
  EXPECT_EQ(Tr(Lang::kRu, "verdict.pass"), "выполнено");
  EXPECT_EQ(Tr(Lang::kZh, "no.such.key"), "\u27e6no.such.key\u27e7");
  EXPECT_FALSE(Has("no.such.key"));
  EXPECT_EQ(Format(Lang::kEn, "overall.fail", {"2", "9"}),
            "NOT PASSED \u2014 2 of 9 requirements are not met or not assessed.");
  EXPECT_THAT(Format(Lang::kZh, "overall.fail", {"2", "9"}), HasSubstr("9 项要求中有 2 项"));
  // The page's script gets one language as {"key": "text"}.
  nlohmann::json j = nlohmann::json::parse(CatalogJson(Lang::kRu));
  EXPECT_EQ(j["verdict.fail"], "не выполнено");
  EXPECT_EQ(j.size(), Keys().size());
}

TEST(Lang, ParseAndNegotiate) {
  EXPECT_EQ(ParseLang("zh"), Lang::kZh);
  EXPECT_EQ(ParseLang("zh-Hans"), Lang::kZh);
  EXPECT_EQ(ParseLang("ZH-cn"), Lang::kZh);
  EXPECT_EQ(ParseLang("ru-RU"), Lang::kRu);
  EXPECT_EQ(ParseLang("en_GB"), Lang::kEn);
  EXPECT_EQ(ParseLang("zh-Hant"), std::nullopt);  // traditional script: not in the catalog
  EXPECT_EQ(ParseLang("de"), std::nullopt);
  EXPECT_EQ(ParseLang(""), std::nullopt);
  EXPECT_EQ(LangTag(Lang::kZh), "zh-Hans");
  EXPECT_EQ(LangCode(Lang::kZh), "zh");
  EXPECT_EQ(FromAcceptLanguage("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7"), Lang::kRu);
  EXPECT_EQ(FromAcceptLanguage("de-DE,de;q=0.9,zh-CN;q=0.8,en;q=0.5"), Lang::kZh);
  EXPECT_EQ(FromAcceptLanguage("en;q=0.3, ru;q=0.6"), Lang::kRu);
  EXPECT_EQ(FromAcceptLanguage("fr-FR"), Lang::kEn);
  EXPECT_EQ(FromAcceptLanguage("fr-FR", Lang::kRu), Lang::kRu);
  EXPECT_EQ(FromAcceptLanguage(""), Lang::kEn);
  EXPECT_EQ(FromAcceptLanguage("ru;q=0, en;q=0.1"), Lang::kEn);
  EXPECT_EQ(FromAcceptLanguage(";;,,q=,"), Lang::kEn);
}

TEST(Format, NumbersPercentagesAndDatesPerLocale) {
  EXPECT_EQ(FormatNumber(Lang::kEn, 10000), "10000");  // unchanged English form
  EXPECT_EQ(FormatNumber(Lang::kZh, 10000), "10,000");
  EXPECT_EQ(FormatNumber(Lang::kRu, 10000), "10\u00a0000");
  EXPECT_EQ(FormatNumber(Lang::kRu, 4000), "4000");  // no grouping of four digits in Russian
  EXPECT_EQ(FormatNumber(Lang::kRu, 1234567.5), "1\u00a0234\u00a0567,5");
  EXPECT_EQ(FormatNumber(Lang::kZh, -1234567.25), "-1,234,567.25");
  EXPECT_EQ(FormatNumber(Lang::kRu, 0.5), "0,5");
  EXPECT_EQ(FormatNumber(Lang::kRu, 2.25, 1), "2,2");
  EXPECT_EQ(FormatPercent(Lang::kEn, 0.953), "95.3%");
  EXPECT_EQ(FormatPercent(Lang::kZh, 0.953), "95.3%");
  EXPECT_EQ(FormatPercent(Lang::kRu, 0.953), "95,3\u00a0%");
  EXPECT_EQ(FormatDate(Lang::kEn, "2026-11-26T10:20:30Z"), "2026-11-26T10:20:30Z");
  EXPECT_EQ(FormatDate(Lang::kZh, "2026-11-26T10:20:30Z"), "2026年11月26日 10:20:30 UTC");
  EXPECT_EQ(FormatDate(Lang::kRu, "2026-11-26T10:20:30Z"), "26.11.2026 10:20:30 UTC");
  EXPECT_EQ(FormatDate(Lang::kZh, "2026-01-05"), "2026年1月5日");
  EXPECT_EQ(FormatDate(Lang::kRu, "2026-01-05"), "05.01.2026");
  EXPECT_EQ(FormatDate(Lang::kRu, "yesterday"), "yesterday");
  EXPECT_EQ(FormatDate(Lang::kRu, "2026-1-5"), "2026-1-5");
}

}  // namespace
}  // namespace safegate::i18n
