#include "safegate/corpus/source.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "unit/corpus/test_util.h"

namespace safegate::corpus {
namespace {

using testing::Gzip;
using testing::MakePlan;
using testing::TempDir;
using testing::Zstd;

SourceSpec Spec(std::string name, std::vector<std::string> paths, Format format = Format::kJsonl) {
  SourceSpec s;
  s.name = std::move(name);
  s.paths = std::move(paths);
  s.format = format;
  return s;
}

std::vector<std::string> RelPaths(const Plan& plan) {
  std::vector<std::string> out;
  for (const FileEntry& f : plan.files()) out.push_back(f.rel_path);
  return out;
}

TEST(Format, NamesRoundTrip) {
  for (Format f : {Format::kJsonl, Format::kLines, Format::kFiles}) {
    Result<Format> r = ParseFormat(FormatName(f));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, f);
  }
  EXPECT_FALSE(ParseFormat("csv").ok());
}

TEST(Plan, ExpandsFilesDirectoriesAndGlobsSorted) {
  TempDir d;
  d.Write("data/b.jsonl", "{}\n");
  d.Write("data/a.jsonl", "{}\n");
  d.Write("data/sub/c.jsonl", "{}\n");
  d.Write("data/sub/deeper/d.txt", "x\n");
  d.Write("other/x.jsonl", "{}\n");
  d.Write("other/y.json", "{}\n");
  d.Write("single.jsonl", "{}\n");

  Plan dir = MakePlan(d, {"data"});
  EXPECT_EQ(RelPaths(dir), (std::vector<std::string>{"data/a.jsonl", "data/b.jsonl",
                                                     "data/sub/c.jsonl", "data/sub/deeper/d.txt"}));
  Plan glob = MakePlan(d, {"other/*.jsonl", "single.jsonl", "data/*.jsonl"});
  EXPECT_EQ(RelPaths(glob), (std::vector<std::string>{"data/a.jsonl", "data/b.jsonl",
                                                      "other/x.jsonl", "single.jsonl"}));
  Plan brace = MakePlan(d, {"other/*.{jsonl,json}"});
  EXPECT_EQ(RelPaths(brace), (std::vector<std::string>{"other/x.jsonl", "other/y.json"}));
  // A file matched twice is listed once.
  Plan dup = MakePlan(d, {"data/a.jsonl", "data/*.jsonl", "./data/a.jsonl"});
  EXPECT_EQ(RelPaths(dup), (std::vector<std::string>{"data/a.jsonl", "data/b.jsonl"}));
  for (const FileEntry& f : dir.files()) {
    EXPECT_EQ(f.path, d.path() + "/" + f.rel_path);
    EXPECT_EQ(f.compression, Compression::kNone);
  }
  EXPECT_EQ(dir.total_bytes(), 3u * 3 + 2);
}

TEST(Plan, RelPathOutsideBaseIsPathAsGiven) {
  TempDir outside, base;
  std::string abs = outside.Write("f.jsonl", "{}\n");
  Plan p = MakePlan(base, {abs});
  ASSERT_EQ(p.files().size(), 1u);
  EXPECT_EQ(p.files()[0].rel_path, abs);
}

TEST(Plan, MissingPathOrGlobIsAnErrorNamingIt) {
  TempDir d;
  d.Write("a.jsonl", "{}\n");
  SourceSpec s = Spec("s", {"a.jsonl", "nope.jsonl"});
  Result<Plan> p = Plan::Make({s}, d.path());
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("nope.jsonl"), std::string::npos) << p.status().ToString();
  s.paths = {"*.zst"};
  p = Plan::Make({s}, d.path());
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("*.zst"), std::string::npos) << p.status().ToString();
  std::filesystem::create_directories(d.path() + "/empty/sub");
  s.paths = {"empty"};
  p = Plan::Make({s}, d.path());
  EXPECT_FALSE(p.ok());
}

TEST(Plan, DuplicateSourceNamesAreAnError) {
  TempDir d;
  d.Write("a.jsonl", "{}\n");
  SourceSpec s = Spec("s", {"a.jsonl"});
  Result<Plan> p = Plan::Make({s, s}, d.path());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(p.status().message().find("'s'"), std::string::npos);
}

TEST(Plan, DetectsCompressionByMagicNotExtension) {
  TempDir d;
  d.Write("plain.gz", "{\"text\":\"x\"}\n");
  d.Write("gzip.txt", Gzip("{\"text\":\"x\"}\n"));
  d.Write("zstd.jsonl", Zstd("{\"text\":\"x\"}\n"));
  d.Write("tiny", "\x1f");
  Plan p = MakePlan(d, {"."});
  ASSERT_EQ(p.files().size(), 4u);
  EXPECT_EQ(p.files()[0].rel_path, "gzip.txt");
  EXPECT_EQ(p.files()[0].compression, Compression::kGzip);
  EXPECT_EQ(p.files()[1].compression, Compression::kNone);  // plain.gz
  EXPECT_EQ(p.files()[2].compression, Compression::kNone);  // tiny
  EXPECT_EQ(p.files()[3].compression, Compression::kZstd);
}

TEST(Plan, CutsPlainFilesIntoUnits) {
  TempDir d;
  d.Write("a.jsonl", std::string(1000, 'x'));
  d.Write("b.jsonl", std::string(300, 'x'));
  d.Write("c.jsonl", std::string(10, 'x'));
  d.Write("d.jsonl", "");
  d.Write("e.jsonl", Gzip(std::string(5000, 'x'), 0));  // stored: bigger than a unit
  Plan p = MakePlan(d, {"."}, Format::kJsonl, "text", "", 300);
  ASSERT_EQ(p.files().size(), 5u);
  std::vector<std::tuple<uint32_t, uint64_t, uint64_t>> got;
  for (size_t i = 0; i < p.units().size(); ++i) {
    const Unit& u = p.units()[i];
    EXPECT_EQ(u.index, i);
    got.emplace_back(u.file, u.begin, u.end);
  }
  uint64_t esize = p.files()[4].size;
  ASSERT_GT(esize, 300u);
  std::vector<std::tuple<uint32_t, uint64_t, uint64_t>> want = {
      {0, 0, 300}, {0, 300, 600}, {0, 600, 900}, {0, 900, 1000},
      {1, 0, 300}, {2, 0, 10},    {3, 0, 0},     {4, 0, esize}};
  EXPECT_EQ(got, want);

  // kFiles: whole-file units.
  Plan files = MakePlan(d, {"a.jsonl"}, Format::kFiles, "text", "", 300);
  ASSERT_EQ(files.units().size(), 1u);
  EXPECT_EQ(files.units()[0].end, 1000u);
}

TEST(Plan, FingerprintTracksSourcesFilesAndCut) {
  TempDir d;
  d.Write("a.jsonl", std::string(1000, 'x'));
  uint64_t base = MakePlan(d, {"a.jsonl"}).fingerprint();
  EXPECT_EQ(MakePlan(d, {"a.jsonl"}).fingerprint(), base);
  EXPECT_NE(MakePlan(d, {"a.jsonl"}, Format::kJsonl, "text", "", 100).fingerprint(), base);
  EXPECT_NE(MakePlan(d, {"a.jsonl"}, Format::kJsonl, "body").fingerprint(), base);
  EXPECT_NE(MakePlan(d, {"a.jsonl"}, Format::kLines).fingerprint(), base);
  d.Write("a.jsonl", std::string(1001, 'x'));
  EXPECT_NE(MakePlan(d, {"a.jsonl"}).fingerprint(), base);
  // Same size, different mtime.
  d.Write("a.jsonl", std::string(1000, 'x'));
  uint64_t now = MakePlan(d, {"a.jsonl"}).fingerprint();
  struct timespec times[2] = {{1, 0}, {1, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, (d.path() + "/a.jsonl").c_str(), times, 0), 0);
  EXPECT_NE(MakePlan(d, {"a.jsonl"}).fingerprint(), now);
}

TEST(Shard, ParsesOneBasedIndex) {
  Result<Shard> s = ParseShard("2/3");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->index, 1u);
  EXPECT_EQ(s->count, 3u);
  EXPECT_FALSE(s->whole());
  s = ParseShard("1/1");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->whole());
  for (const char* bad : {"0/3", "4/3", "1/0", "a/b", "1", "", "/", "1/", "/2", "1/2x", "-1/2",
                          " 1/2", "99999999999/99999999999"}) {
    EXPECT_FALSE(ParseShard(bad).ok()) << bad;
  }
}

TEST(Shard, ShardsPartitionTheUnits) {
  TempDir d;
  d.Write("a.jsonl", std::string(10000, 'x'));
  d.Write("b.jsonl", std::string(777, 'x'));
  Plan p = MakePlan(d, {"."}, Format::kJsonl, "text", "", 100);
  ASSERT_EQ(p.units().size(), 108u);
  for (uint32_t n : {1u, 2u, 3u, 7u, 200u}) {
    std::vector<int> seen(p.units().size(), 0);
    for (uint32_t i = 0; i < n; ++i) {
      std::vector<uint32_t> units = p.UnitsOf(Shard{i, n});
      EXPECT_TRUE(std::is_sorted(units.begin(), units.end()));
      for (uint32_t u : units) ++seen[u];
    }
    for (int c : seen) EXPECT_EQ(c, 1) << n;
  }
}

TEST(Plan, SourceIndex) {
  TempDir d;
  d.Write("a.jsonl", "{}\n");
  d.Write("b.txt", "x\n");
  SourceSpec a = Spec("alpha", {"a.jsonl"}), b = Spec("beta", {"b.txt"}, Format::kLines);
  Result<Plan> p = Plan::Make({a, b}, d.path());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->SourceIndex("alpha"), 0);
  EXPECT_EQ(p->SourceIndex("beta"), 1);
  EXPECT_EQ(p->SourceIndex("gamma"), -1);
  ASSERT_EQ(p->files().size(), 2u);
  EXPECT_EQ(p->files()[1].source, 1u);
}

// A directory symlink back to a directory being walked is not followed (it
// would multiply every count); a file reached by two names counts once.
TEST(Plan, DirectoryLoopsAreNotFollowedAndNamed) {
  TempDir d;
  d.Write("data/a.jsonl", "{}\n");
  d.Write("data/sub/b.jsonl", "{}\n");
  d.Write("outside.jsonl", "{}\n");
  std::filesystem::create_directory_symlink("..", d.path() + "/data/up");
  std::filesystem::create_directory_symlink("..", d.path() + "/data/sub/back");
  std::filesystem::create_directory_symlink("sub", d.path() + "/data/twin");
  std::filesystem::create_symlink("a.jsonl", d.path() + "/data/alias.jsonl");
  Plan p = MakePlan(d, {"data"});
  EXPECT_EQ(RelPaths(p), (std::vector<std::string>{"data/a.jsonl", "data/sub/b.jsonl"}));
  // data/up (to an ancestor of the walk), data/sub/back and data/twin/back.
  ASSERT_EQ(p.warnings().size(), 3u);
  EXPECT_NE(p.warnings()[0].find("directory loop"), std::string::npos) << p.warnings()[0];
  EXPECT_NE(p.warnings()[0].find("data/up'"), std::string::npos) << p.warnings()[0];
  EXPECT_NE(p.warnings()[1].find("data/sub/back'"), std::string::npos) << p.warnings()[1];
  EXPECT_NE(p.warnings()[2].find("data/twin/back'"), std::string::npos) << p.warnings()[2];
  // A hard link is the same file too.
  std::filesystem::create_hard_link(d.path() + "/outside.jsonl", d.path() + "/data/hard.jsonl");
  Plan h = MakePlan(d, {"outside.jsonl", "data"});
  EXPECT_EQ(h.files().size(), 3u);
}

}  // namespace
}  // namespace safegate::corpus
