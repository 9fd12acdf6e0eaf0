// CompilePolicyMatcher end to end. Needs the scan engine (src/scan).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "safegate/base/file.h"
#include "safegate/policy/matcher_cache.h"
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

// --- The matcher cache (policy.h: CompilePolicyMatcher). ---

const char kCachePolicy[] =
    "schema: safegate.policy/1\nid: p\nversion: \"1\"\nprofile: baseline\n"
    "keyword_banks:\n  - banks/a.csv\n";

std::vector<std::string> Matches(const scan::Matcher& m, std::string_view doc) {
  scan::Scratch scratch(m);
  std::vector<scan::Hit> hits;
  EXPECT_TRUE(m.Scan(doc, &scratch, &hits).ok());
  std::vector<std::string> ids;
  for (const scan::Hit& h : hits) ids.push_back(m.patterns()[h.pattern].id);
  return ids;
}

struct CacheRun {
  std::shared_ptr<const scan::Matcher> matcher;
  MatcherCacheReport report;
  std::vector<std::string> warnings;
};

CacheRun CompileCached(const std::string& policy_path, const std::string& cache_dir,
                       bool lenient = false) {
  CacheRun run;
  Result<Policy> policy = LoadPolicy(policy_path);
  EXPECT_TRUE(policy.ok()) << policy.status().ToString();
  if (!policy.ok()) return run;
  BankLoadOptions options;
  options.lenient = lenient;
  auto m = CompilePolicyMatcher(*policy, options, &run.warnings, cache_dir, &run.report);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  if (m.ok()) run.matcher = *m;
  return run;
}

TEST(MatcherCache, HitDoesNotParseTheBankAndContentDecides) {
  testing::TempDir dir;
  const std::string bank = dir.Write("banks/a.csv", "id,category,text\nk1,S1,knife\n");
  const std::string policy = dir.Write("policy.yaml", kCachePolicy);
  const std::string cache = dir.path() + "/cache";

  CacheRun first = CompileCached(policy, cache);
  ASSERT_TRUE(first.matcher);
  EXPECT_TRUE(first.report.parsed);
  EXPECT_TRUE(first.report.saved);
  EXPECT_FALSE(first.report.hit);
  EXPECT_TRUE(std::filesystem::exists(first.report.path));

  CacheRun second = CompileCached(policy, cache);
  ASSERT_TRUE(second.matcher);
  EXPECT_TRUE(second.report.hit);
  EXPECT_FALSE(second.report.parsed);
  EXPECT_EQ(second.report.path, first.report.path);
  EXPECT_EQ(Matches(*second.matcher, "a Knife"), std::vector<std::string>{"k1"});
  EXPECT_EQ(second.matcher->patterns()[0].origin, bank + ":2");

  // A newer modification time with the same bytes: still a hit.
  std::filesystem::last_write_time(bank,
                                   std::filesystem::last_write_time(bank) + std::chrono::hours(1));
  CacheRun touched = CompileCached(policy, cache);
  EXPECT_TRUE(touched.report.hit);
  EXPECT_EQ(touched.report.path, first.report.path);

  // One byte changed: a miss, recompiled from the new bytes.
  dir.Write("banks/a.csv", "id,category,text\nk1,S1,knive\n");
  CacheRun changed = CompileCached(policy, cache);
  ASSERT_TRUE(changed.matcher);
  EXPECT_FALSE(changed.report.hit);
  EXPECT_TRUE(changed.report.parsed);
  EXPECT_NE(changed.report.path, first.report.path);
  EXPECT_TRUE(Matches(*changed.matcher, "a knife").empty());
  EXPECT_EQ(Matches(*changed.matcher, "a knive"), std::vector<std::string>{"k1"});

  // The same bytes under another path: a miss (origins name the file).
  dir.Write("moved/a.csv", "id,category,text\nk1,S1,knive\n");
  const std::string moved =
      dir.Write("moved.yaml",
                "schema: safegate.policy/1\nid: p\nversion: \"1\"\nprofile: baseline\n"
                "keyword_banks:\n  - moved/a.csv\n");
  CacheRun added = CompileCached(moved, cache);
  EXPECT_TRUE(added.report.parsed);
  EXPECT_NE(added.report.path, changed.report.path);
  ASSERT_TRUE(added.matcher);
  EXPECT_THAT(added.matcher->patterns()[0].origin, HasSubstr("moved/a.csv:2"));

  // Other normalisation options: a miss.
  const std::string other =
      dir.Write("other.yaml", std::string(kCachePolicy) + "normalize:\n  digit_letters: false\n");
  CacheRun options = CompileCached(other, cache);
  EXPECT_TRUE(options.report.parsed);
  EXPECT_NE(options.report.path, added.report.path);
  ASSERT_TRUE(options.matcher);
  EXPECT_FALSE(options.matcher->options().digit_letters);
}

TEST(MatcherCache, CorruptOrTruncatedCacheFileIsRecompiled) {
  testing::TempDir dir;
  dir.Write("banks/a.csv", "id,category,text\nk1,S1,knife\nk2,S1,pipe bomb\n");
  const std::string policy = dir.Write("policy.yaml", kCachePolicy);
  const std::string cache = dir.path() + "/cache";
  CacheRun first = CompileCached(policy, cache);
  ASSERT_TRUE(first.report.saved);
  auto good = ReadFile(first.report.path);
  ASSERT_TRUE(good.ok());
  const std::string bytes = *good;

  std::string flipped = bytes;
  flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 0x21);
  for (const std::string& bad :
       {bytes.substr(0, bytes.size() / 3), flipped, std::string(), std::string("garbage")}) {
    ASSERT_TRUE(WriteFileAtomic(first.report.path, bad).ok());
    CacheRun run = CompileCached(policy, cache);
    ASSERT_TRUE(run.matcher);
    EXPECT_FALSE(run.report.hit);
    EXPECT_TRUE(run.report.parsed);
    EXPECT_TRUE(run.report.saved);
    ASSERT_EQ(run.warnings.size(), 1u);
    EXPECT_THAT(run.warnings[0], HasSubstr("cached keyword matcher not used, recompiling"));
    EXPECT_THAT(run.warnings[0], HasSubstr(first.report.path));
    EXPECT_EQ(Matches(*run.matcher, "pipe-bomb and a knife"),
              (std::vector<std::string>{"k2", "k1"}));
    // Replaced by a good file.
    CacheRun again = CompileCached(policy, cache);
    EXPECT_TRUE(again.report.hit);
    EXPECT_TRUE(again.warnings.empty());
  }
}

TEST(MatcherCache, BanksWithWarningsAreNotCached) {
  testing::TempDir dir;
  dir.Write("banks/a.csv", "id,category,text\nk1,S1,knife\nk1,S2,fraud\nk3,NOPE,x\n");
  const std::string policy = dir.Write("policy.yaml", kCachePolicy);
  const std::string cache = dir.path() + "/cache";
  CacheRun first = CompileCached(policy, cache, /*lenient=*/true);
  ASSERT_EQ(first.warnings.size(), 2u);
  EXPECT_FALSE(first.report.saved);
  // The warnings again, every time.
  CacheRun second = CompileCached(policy, cache, /*lenient=*/true);
  EXPECT_FALSE(second.report.hit);
  EXPECT_TRUE(second.report.parsed);
  EXPECT_EQ(second.warnings, first.warnings);
  // Strict loading of the same bytes fails.
  Result<Policy> p = LoadPolicy(policy);
  ASSERT_TRUE(p.ok());
  MatcherCacheReport report;
  auto strict = CompilePolicyMatcher(*p, {}, nullptr, cache, &report);
  ASSERT_FALSE(strict.ok());
  EXPECT_THAT(strict.status().message(), HasSubstr("a.csv:3"));
}

TEST(MatcherCache, ConcurrentWritersLeaveOneGoodFile) {
  testing::TempDir dir;
  std::string csv = "id,category,text\n";
  for (int i = 0; i < 300; ++i)
    csv += "k" + std::to_string(i) + ",S1,word" + std::to_string(i) + "\n";
  dir.Write("banks/a.csv", csv);
  const std::string policy = dir.Write("policy.yaml", kCachePolicy);
  const std::string cache = dir.path() + "/cache";
  std::vector<CacheRun> runs(4);
  std::vector<std::thread> threads;
  for (CacheRun& run : runs) threads.emplace_back([&] { run = CompileCached(policy, cache); });
  for (std::thread& t : threads) t.join();
  for (const CacheRun& run : runs) {
    ASSERT_TRUE(run.matcher);
    EXPECT_EQ(run.matcher->patterns().size(), 300u);
    EXPECT_TRUE(run.warnings.empty());
  }
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(cache)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("engine-", 0) == 0) continue;  // the engine check's marker (scan::CheckEngine)
    ++files;
    EXPECT_THAT(name, ::testing::EndsWith(".sgm"));
  }
  EXPECT_EQ(files, 1u);
  CacheRun after = CompileCached(policy, cache);
  EXPECT_TRUE(after.report.hit);
  EXPECT_EQ(Matches(*after.matcher, "word299"), std::vector<std::string>{"k299"});
}

}  // namespace
}  // namespace safegate::policy
