#include "safegate/base/json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
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

// Long strings of well-formed UTF-8 (every length of sequence, the edges of
// each range: U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF, U+10000,
// U+10FFFF), escapes and control characters, some broken on purpose (a byte
// dropped, a stray continuation byte, a surrogate or overlong form, a cut end):
// the direct writer must give DumpJson's bytes, and most strings must be
// written by it (not by its DumpJson fallback, which would hide a bug in it).
TEST(AppendJsonString, LongUtf8StringsAsDumpJsonWritesThem) {
  static const uint32_t kPoints[] = {'a',    ' ',    '~',    0x7f,   0,       0x1f,    '"',
                                     '\\',   '\n',   '\r',   '\t',   '\b',    '\f',    0x0b,
                                     0x80,   0xe9,   0x7ff,  0x800,  0x2019,  0x2028,  0xd7ff,
                                     0xe000, 0xfeff, 0xfffd, 0xffff, 0x10000, 0x1f4a3, 0x10ffff};
  auto encode = [](uint32_t c, std::string* s) {
    if (c < 0x80) {
      s->push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      s->push_back(static_cast<char>(0xc0 | (c >> 6)));
      s->push_back(static_cast<char>(0x80 | (c & 0x3f)));
    } else if (c < 0x10000) {
      s->push_back(static_cast<char>(0xe0 | (c >> 12)));
      s->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
      s->push_back(static_cast<char>(0x80 | (c & 0x3f)));
    } else {
      s->push_back(static_cast<char>(0xf0 | (c >> 18)));
      s->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3f)));
      s->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
      s->push_back(static_cast<char>(0x80 | (c & 0x3f)));
    }
  };
  static const char* const kBroken[] = {"\x80",
                                        "\xbf",
                                        "\xc0\xaf",
                                        "\xc1\xbf",
                                        "\xe0\x80\x80",
                                        "\xed\xa0\x80",
                                        "\xf0\x8f\xbf\xbf",
                                        "\xf4\x90\x80\x80",
                                        "\xf5\x80\x80\x80",
                                        "\xff",
                                        "\xe2\x82",
                                        "\xf0\x9f\x92"};
  uint64_t x = 0x243f6a8885a308d3ull;
  auto next = [&x] {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return x >> 33;
  };
  size_t direct = 0, broken = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    const size_t len = next() % 200;
    for (size_t k = 0; k < len; ++k) {
      const uint64_t r = next();
      if (r % 3 == 0) {
        s.push_back(static_cast<char>('a' + r % 26));
      } else {
        encode(kPoints[(r / 3) % (sizeof kPoints / sizeof kPoints[0])], &s);
      }
    }
    if (next() % 4 == 0) {  // break one string in four
      const uint64_t r = next();
      const size_t at = s.empty() ? 0 : r % s.size();
      switch (r % 3) {
        case 0:
          if (!s.empty()) s.erase(at, 1);
          break;
        case 1: s.insert(at, kBroken[(r / 3) % (sizeof kBroken / sizeof kBroken[0])]); break;
        case 2: s.resize(at); break;
      }
    }
    std::string out = "[";
    AppendJsonString(s, &out);
    const std::string want = "[" + DumpJson(json(s));
    ASSERT_EQ(out, want) << testing::PrintToString(s);
    if (want.find("\xef\xbf\xbd") == std::string::npos ||
        s.find("\xef\xbf\xbd") != std::string::npos)
      ++direct;
    else
      ++broken;
  }
  EXPECT_GT(direct, 14000u);
  EXPECT_GT(broken, 500u);
}

// Doubles: random bit patterns (every exponent, subnormals, NaNs and
// infinities), the edges, and the judges' scores (probabilities near 0 and 1):
// AppendJsonNumber writes what DumpJson writes.
TEST(AppendJsonNumber, WritesWhatDumpJsonWrites) {
  std::vector<double> cases = {0.0,
                               -0.0,
                               1.0,
                               -1.0,
                               0.5,
                               0.1,
                               1e-5,
                               1e-4,
                               123456789012345.0,
                               1234567890123456.0,
                               1e15,
                               1e16,
                               1e17,
                               1e20,
                               1e21,
                               1e22,
                               1e100,
                               5e-324,
                               2.2250738585072014e-308,
                               1.7976931348623157e308,
                               std::nextafter(1.0, 0.0),
                               std::nextafter(1.0, 2.0),
                               std::numeric_limits<double>::infinity(),
                               -std::numeric_limits<double>::infinity(),
                               std::numeric_limits<double>::quiet_NaN(),
                               0.9878015783555537,
                               5.663297418499412e-06};
  uint64_t x = 0x13198a2e03707344ull;
  for (int i = 0; i < 200000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    uint64_t bits = x ^ (x >> 29);
    double d;
    std::memcpy(&d, &bits, sizeof d);
    cases.push_back(d);
    const double p = static_cast<double>(x >> 11) / 9007199254740992.0;  // in [0, 1)
    cases.push_back(p);
    cases.push_back(1 / (1 + std::exp(-40 * (p - 0.5))));  // a logistic score
    cases.push_back(std::ldexp(p, -static_cast<int>(x % 60)));
  }
  for (double d : cases) {
    std::string out = "=";
    AppendJsonNumber(d, &out);
    ASSERT_EQ(out, "=" + DumpJson(json(d))) << std::hexfloat << d;
  }
  for (uint64_t u : {uint64_t{0}, uint64_t{7}, uint64_t{1} << 53, UINT64_MAX}) {
    std::string out;
    AppendJsonNumber(u, &out);
    EXPECT_EQ(out, DumpJson(json(u)));
  }
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
