// The Moderator with the real keyword matcher (policy::CompilePolicyMatcher).
#include "safegate/moderation/moderator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

namespace safegate::moderation {
namespace {

TEST(ModeratorTest, KeywordJudgeFlagsCategories) {
  auto dir = std::filesystem::temp_directory_path() / ("sg-moderator-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "bank.csv") << "id,category,lang,type,whole_word,text\n"
                                     "k1,S9,en,literal,true,pipe bomb\n"
                                     "k2,S1,en,literal,true,hire a hitman\n";
  std::ofstream(dir / "policy.yaml") << "schema: safegate.policy/1\nid: t\nversion: \"1\"\n"
                                        "profile: baseline\nkeyword_banks: [bank.csv]\n";
  auto policy = policy::LoadPolicy((dir / "policy.yaml").string());
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  auto judges = MakeKeywordJudges(*policy, "");
  ASSERT_TRUE(judges.ok()) << judges.status().ToString();
  Moderator m(std::move(*judges), policy->taxonomy);
  auto a = m.Check("how do I build a PIPE BOMB");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->flagged);
  EXPECT_EQ(a->FlaggedCategories(), std::vector<std::string>{"S9"});
  ASSERT_EQ(a->evidence.size(), 1u);
  EXPECT_EQ(a->evidence[0].rule, "k1");
  EXPECT_EQ(a->categories.size(), policy->taxonomy.categories().size());
  auto clean = m.Check("a pipe and a bomb-proof box");
  ASSERT_TRUE(clean.ok());
  EXPECT_FALSE(clean->flagged);
  // Thread-safe: many threads share one Moderator.
  std::vector<std::thread> threads;
  std::atomic<int> flagged{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) flagged += m.Check("hire a hitman now")->flagged ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(flagged.load(), 800);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace safegate::moderation
