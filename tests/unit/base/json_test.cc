#include "safegate/base/json.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace safegate {
namespace {

using nlohmann::json;

TEST(DumpJson, WritesBytesThatAreNotUtf8AsReplacementCharacters) {
  json j = {{"name", std::string("web\xff")}};
  EXPECT_THROW((void)j.dump(), json::type_error);  // why DumpJson exists
  EXPECT_EQ(DumpJson(j), "{\"name\":\"web\xEF\xBF\xBD\"}");
  EXPECT_EQ(DumpJson(nlohmann::ordered_json{{"b", 1}, {"a", 2}}, 1), "{\n \"b\": 1,\n \"a\": 2\n}");
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
