#include "safegate/base/json.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace safegate {
namespace {

using nlohmann::json;

TEST(DumpJson, WritesBytesThatAreNotUtf8AsReplacementCharacters) {
  json j = {{"name", std::string("web\xff")}};
  EXPECT_THROW((void)j.dump(), json::type_error);  // why DumpJson exists
  EXPECT_EQ(DumpJson(j), "{\"name\":\"web\xEF\xBF\xBD\"}");
  EXPECT_EQ(DumpJson(nlohmann::ordered_json{{"b", 1}, {"a", 2}}, 1), "{\n \"b\": 1,\n \"a\": 2\n}");
}

// The hand-built writers (corpus sample and scan records, the server's
// responses) rely on AppendJsonString writing exactly what DumpJson writes.
TEST(AppendJsonString, WritesWhatDumpJsonWrites) {
  const std::vector<std::string> cases = {
      "",
      "plain ascii id-1_x.y",
      std::string("nul\0inside", 10),
      "ctl \x01\x1f and DEL \x7f",
      "tab\tnewline\ncr\r",
      "quote \" backslash \\ slash /",
      "\\u0041 stays a backslash",
      "\xff\xfe lone bytes",
      "cut \xc3",
      "overlong \xc0\xaf",
      "surrogate \xed\xa0\x80",
      "beyond U+10FFFF \xf4\x90\x80\x80",
      "\xe2\x80\xa8 U+2028 and \xe2\x80\xa9 U+2029",
      "emoji \xf0\x9f\x92\xa3 and \xe7\x82\xb8\xe5\xbc\xb9",
  };
  for (const std::string& s : cases) {
    std::string out = "prefix:";
    AppendJsonString(s, &out);
    EXPECT_EQ(out, "prefix:" + DumpJson(json(s))) << testing::PrintToString(s);
  }
  // Seeded random strings over the bytes that matter: printable ASCII, the
  // escaped ones, control bytes, DEL, UTF-8 lead and continuation bytes and
  // bytes that never start or continue a sequence.
  static const char kAlphabet[] =
      "aZ09 \"\\/\x01\x1f\x7f\x80\xbf\xc2\xc3\xe2\xed\xf0\xf4\xf5\xff\n\t";
  const std::string alphabet(kAlphabet, sizeof kAlphabet - 1);
  uint64_t x = 0x9e3779b97f4a7c15ull;
  size_t escaped = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const size_t len = (x >> 33) % 12;
    for (size_t k = 0; k < len; ++k) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      s.push_back(alphabet[(x >> 33) % alphabet.size()]);
    }
    std::string out;
    AppendJsonString(s, &out);
    const std::string want = DumpJson(json(s));
    ASSERT_EQ(out, want) << testing::PrintToString(s);
    if (want.size() != s.size() + 2) ++escaped;
  }
  EXPECT_GT(escaped, 10000u);  // most strings needed escapes or repairs
}

TEST(GetInt, OnlyIntegersThatFit) {
  EXPECT_EQ(GetInt<uint64_t>(json(18446744073709551615ull)), UINT64_MAX);
  EXPECT_EQ(GetInt<int>(json(-5)), -5);
  EXPECT_EQ(GetInt<uint32_t>(json(4294967295u)), 4294967295u);
  // Floats (nlohmann would cast 1e30 with undefined behaviour), negatives for
  // unsigned types, values past the type and other types all throw.
  for (const json& bad :
       {json(1e30), json(2.5), json(-1), json(4294967296ull), json("7"), json()}) {
    EXPECT_THROW((void)GetInt<uint32_t>(bad), json::type_error) << DumpJson(bad);
  }
  json j = json::parse(R"({"seed": 18446744073709551616, "n": 3})");  // parsed as a float
  EXPECT_THROW((void)GetIntOr<uint64_t>(j, "seed", 0), json::type_error);
  EXPECT_EQ(GetIntOr<uint64_t>(j, "n", 0), 3u);
  EXPECT_EQ(GetIntOr<uint64_t>(j, "absent", 9), 9u);
}

}  // namespace
}  // namespace safegate
