// CompilePolicyMatcher end to end. Needs the scan engine (src/scan).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "safegate/policy/policy.h"
#include "unit/policy/test_util.h"

namespace safegate::policy {
namespace {

using ::testing::HasSubstr;

TEST(CompilePolicyMatcher, LoadsAllBanksAndMatches) {
  testing::TempDir dir;
  dir.Write("banks/a.csv", "id,category,text,whole_word\nk1,S1,knife,true\n");
  dir.Write("banks/b.jsonl", "{\"id\":\"k2\",\"category\":\"S9\",\"text\":\"nerve agent\"}\n");
  const std::string path =
      dir.Write("policy.yaml",
                "schema: safegate.policy/1\nid: p\nversion: \"1\"\nprofile: baseline\n"
                "keyword_banks:\n  - banks/a.csv\n  - banks/b.jsonl\n");
  Result<Policy> policy = LoadPolicy(path);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  std::vector<std::string> warnings;
  auto m = CompilePolicyMatcher(*policy, {}, &warnings);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ((*m)->patterns().size(), 2u);
  scan::Scratch scratch(**m);
  std::vector<scan::Hit> hits;
  ASSERT_TRUE((*m)->Scan("A KNIFE and a Nerve Agent", &scratch, &hits).ok());
  EXPECT_EQ(hits.size(), 2u);
  EXPECT_TRUE(warnings.empty());
}

TEST(CompilePolicyMatcher, DuplicateIdsAcrossBanks) {
  testing::TempDir dir;
  dir.Write("a.csv", "id,category,text\nk1,S1,knife\n");
  dir.Write("b.csv", "id,category,text\nk1,S2,fraud\n");
  const std::string path =
      dir.Write("policy.yaml",
                "schema: safegate.policy/1\nid: p\nversion: \"1\"\nprofile: baseline\n"
                "keyword_banks: [a.csv, b.csv]\n");
  Result<Policy> policy = LoadPolicy(path);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  auto m = CompilePolicyMatcher(*policy, {}, nullptr);
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.status().message(), HasSubstr("b.csv:2: field 'id': duplicate id 'k1'"));
  std::vector<std::string> warnings;
  BankLoadOptions lenient;
  lenient.lenient = true;
  auto m2 = CompilePolicyMatcher(*policy, lenient, &warnings);
  ASSERT_TRUE(m2.ok()) << m2.status().ToString();
  EXPECT_EQ((*m2)->patterns().size(), 1u);
  EXPECT_EQ(warnings.size(), 1u);
}

}  // namespace
}  // namespace safegate::policy
