// The corpus jobs of the corpusjobs library on a small generated corpus whose
// answers are known by construction: every 7th document of source a and every
// 5th of source b carries a keyword. Scans count them exactly, any thread
// count and any shard split merged give the one-run result, a scan stopped
// mid-run resumes from its checkpoint to the same result, and the audit's
// verdicts follow the sampled counts and the profile's threshold.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "../corpus/test_util.h"
#include "corpusjobs/meta.h"
#include "safegate/base/json.h"
#include "safegate/base/progress.h"
#include "safegate/corpus/source.h"
#include "safegate/corpusjobs/corpus_jobs.h"
#include "safegate/corpusjobs/merge.h"
#include "safegate/corpusjobs/verdict.h"
#include "safegate/judge/pii.h"
#include "safegate/policy/policy.h"

namespace safegate::corpusjobs {
namespace {

using Json = nlohmann::json;

using corpus::testing::TempDir;

constexpr int kDocsA = 700, kEveryA = 7;  // 100 flagged, category S9 (pipe bomb)
constexpr int kDocsB = 400, kEveryB = 5;  // 80 flagged, category S2 (stolen card numbers)

std::string Docs(int n, int every, const std::string& keyword) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += "{\"id\": \"d" + std::to_string(i) + "\", \"text\": \"document number " +
           std::to_string(i) + (i % every == 0 ? " mentions a " + keyword : " is harmless") +
           " and some more words to fill the line\"}\n";
  }
  return out;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A result file without its "run" object (timing, threads, shard): the part
// that must not depend on how the job was split.
Json WithoutRun(const std::string& path) {
  Json j = Json::parse(ReadAll(path));
  j.erase("run");
  return j;
}

// A JSONL file's lines, the header's "run" removed.
std::vector<std::string> JsonlWithoutRun(const std::string& path) {
  std::vector<std::string> out;
  std::istringstream in(ReadAll(path));
  std::string line;
  while (std::getline(in, line)) {
    Json j = Json::parse(line);
    if (j.contains("schema")) j.erase("run");
    out.push_back(DumpJson(j));
  }
  return out;
}

class AuditJobs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("bank.csv",
               "id,category,lang,type,whole_word,text\n"
               "kw-1,S9,en,literal,true,pipe bomb\n"
               "kw-2,S2,en,literal,true,stolen card numbers\n");
    dir_.Write("policy.yaml",
               "schema: safegate.policy/1\nid: test-policy\nversion: \"1\"\n"
               "profile: baseline\nkeyword_banks: [bank.csv]\n");
    dir_.Write("data/a.jsonl", Docs(kDocsA, kEveryA, "pipe bomb"));
    dir_.Write("data/b.jsonl", Docs(kDocsB, kEveryB, "stolen card numbers"));
    auto pol = policy::LoadPolicy(Path("policy.yaml"));
    ASSERT_TRUE(pol.ok()) << pol.status().message();
    policy_ = std::make_unique<policy::Policy>(std::move(*pol));
    std::vector<std::string> warnings;
    auto m = policy::CompilePolicyMatcher(*policy_, {}, &warnings, "");
    ASSERT_TRUE(m.ok()) << m.status().message();
    matcher_ = *m;
    corpus::SourceSpec a{"a", {"data/a.jsonl"}, corpus::Format::kJsonl, "text", "id"};
    corpus::SourceSpec b{"b", {"data/b.jsonl"}, corpus::Format::kJsonl, "text", "id"};
    // Units of ~4 KB: tens of units, so that shards and checkpoints matter.
    auto plan = corpus::Plan::Make({a, b}, dir_.path(), corpus::PlanOptions{4096});
    ASSERT_TRUE(plan.ok()) << plan.status().message();
    plan_ = std::make_unique<corpus::Plan>(std::move(*plan));
    ASSERT_GT(plan_->units().size(), 20u);
  }

  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }

  JobContext Context(int threads = 2, corpus::Shard shard = {}) const {
    JobContext ctx;
    ctx.plan = plan_.get();
    ctx.policy = policy_.get();
    ctx.matcher = matcher_;
    ctx.threads = threads;
    ctx.shard = shard;
    return ctx;
  }

  Result<ScanResult> Scan(const std::string& name, int threads = 2, corpus::Shard shard = {}) {
    ScanOptions o;
    o.summary_path = Path(name + ".json");
    o.hits_path = Path(name + ".jsonl");
    return RunScan(Context(threads, shard), o);
  }

  TempDir dir_;
  std::unique_ptr<policy::Policy> policy_;
  std::shared_ptr<const scan::Matcher> matcher_;
  std::unique_ptr<corpus::Plan> plan_;
};

// A judge that fails on texts containing "number 42 " (as an LLM judge can).
class FailingJudge final : public judge::Judge {
 public:
  std::string_view name() const override { return "flaky"; }
  std::string_view version() const override { return "flaky/1"; }
  Result<judge::Verdict> Run(const judge::JudgeInput& in) const override {
    if (in.text.find("number 42 ") != std::string_view::npos) return UnavailableError("no answer");
    return judge::Verdict{"clean", 0, {}, {}, ""};
  }
};

TEST(CheckDocument, AnyJudgeFlagsAndEachIsNamed) {
  auto pol = KeywordOnlyJudges(policy::Policy{});
  auto judges = std::make_shared<CorpusJudges>(*pol);
  auto pii = judge::NewPiiJudge({{}, "S7"});
  ASSERT_TRUE(pii.ok());
  judges->others.push_back(std::move(*pii));
  judges->names.push_back("pii");
  judges->versions.push_back("pii/1");
  scan::Pattern kw;
  kw.id = "kw-1";
  kw.category = "S9";
  kw.text = "pipe bomb";
  auto m = scan::Matcher::Compile({kw}, {});
  ASSERT_TRUE(m.ok()) << m.status().message();
  scan::Scratch scratch(**m);
  DocVerdict v;
  ASSERT_TRUE(CheckDocument(*judges, **m, "a pipe bomb", &scratch, &v).ok());
  EXPECT_TRUE(v.flagged);
  EXPECT_EQ(v.by, (std::vector<uint8_t>{1, 0}));
  ASSERT_TRUE(CheckDocument(*judges, **m, "card 4111 1111 1111 1111", &scratch, &v).ok());
  EXPECT_TRUE(v.flagged);
  EXPECT_EQ(v.by, (std::vector<uint8_t>{0, 1}));
  EXPECT_TRUE(v.hits.empty());
  EXPECT_EQ(v.verdicts.at(0).evidence.at(0).rule, "card");
  ASSERT_TRUE(CheckDocument(*judges, **m, "card 4111 1111 1111 1112", &scratch, &v).ok());
  EXPECT_FALSE(v.flagged);
  EXPECT_EQ(v.by, (std::vector<uint8_t>{0, 0}));
}

// The hits-file line written without nlohmann (AppendHitsLine) is byte for
// byte what the Json object route gives, strings with quotes, control
// characters, non-ASCII and invalid UTF-8 included.
TEST(HitsLine, SameBytesAsTheJsonRoute) {
  auto pol = KeywordOnlyJudges(policy::Policy{});
  const CorpusJudges judges(*pol);
  std::vector<scan::Pattern> ps;
  const std::vector<std::string> odd = {"kw-1",         "k\"w\\2", "k\n\x01w",
                                        "\xe7\x82\xb8", "k\xffw",  "k\x7fw"};
  for (size_t i = 0; i < odd.size(); ++i) {
    scan::Pattern p;
    p.id = odd[i];
    p.category = i % 2 ? odd[(i + 1) % odd.size()] : "S9";
    p.text = "word" + std::to_string(i);
    ps.push_back(p);
  }
  auto m = scan::Matcher::Compile(ps, {});
  ASSERT_TRUE(m.ok()) << m.status().message();
  DocVerdict v;
  v.flagged = true;
  v.by = {1};
  for (uint32_t i = 0; i < ps.size(); ++i) v.hits.push_back({i, 10ull * i, 10ull * i + 3});
  v.hits.push_back({0, 1ull << 40, (1ull << 40) + 1});
  for (const std::string& id : {std::string(), std::string("doc-1"), std::string("d\"\t\xc3")}) {
    for (const std::string& source : odd) {
      internal::Json j;
      j["source"] = source;
      j["file"] = "dir/f\u00e9.jsonl";
      j["line"] = uint64_t{12345678901};
      j["offset"] = uint64_t{0};
      if (!id.empty()) j["id"] = id;
      j["unit"] = uint32_t{7};
      internal::Json names, cats, hits;
      internal::VerdictToJson(judges, **m, v, &names, &cats, &hits);
      j["judges"] = std::move(names);
      j["categories"] = std::move(cats);
      j["hits"] = std::move(hits);
      std::string fast;
      internal::AppendHitsLine(judges, **m, v, source, "dir/f\u00e9.jsonl", 12345678901, 0, id, 7,
                               &fast);
      EXPECT_EQ(fast, DumpJson(j)) << source << " " << id;
    }
  }
}

// A judge error stops the scan, naming the file and the document; it is never read as clean.
TEST_F(AuditJobs, JudgeErrorStopsTheScan) {
  auto judges = std::make_shared<CorpusJudges>(*KeywordOnlyJudges(*policy_));
  judges->others.push_back(std::make_shared<FailingJudge>());
  judges->names.push_back("flaky");
  judges->versions.push_back("flaky/1");
  JobContext ctx = Context(2);
  ctx.judges = judges;
  ScanOptions o;
  o.summary_path = Path("failed.json");
  auto r = RunScan(ctx, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("data/a.jsonl: document at byte"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("judge 'flaky'"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(Path("failed.json")));
}

TEST_F(AuditJobs, ScanCountsWhatTheCorpusHolds) {
  auto r = Scan("scan");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->sources.size(), 2u);
  const SourceStats& a = r->sources[0];
  const SourceStats& b = r->sources[1];
  EXPECT_EQ(a.source, "a");
  EXPECT_EQ(a.docs, static_cast<uint64_t>(kDocsA));
  EXPECT_EQ(a.flagged, static_cast<uint64_t>(kDocsA / kEveryA));
  EXPECT_EQ(a.categories, (std::map<std::string, uint64_t>{{"S9", kDocsA / kEveryA}}));
  EXPECT_EQ(a.keywords, (std::map<std::string, uint64_t>{{"kw-1", kDocsA / kEveryA}}));
  EXPECT_EQ(b.docs, static_cast<uint64_t>(kDocsB));
  EXPECT_EQ(b.flagged, static_cast<uint64_t>(kDocsB / kEveryB));
  EXPECT_EQ(b.categories, (std::map<std::string, uint64_t>{{"S2", kDocsB / kEveryB}}));
  EXPECT_EQ(a.bad + b.bad, 0u);
  EXPECT_EQ(r->units, plan_->units().size());
  // The hits file: a header, then one record per flagged document, in order.
  std::vector<std::string> hits = JsonlWithoutRun(Path("scan.jsonl"));
  ASSERT_EQ(hits.size(), 1u + kDocsA / kEveryA + kDocsB / kEveryB);
  EXPECT_EQ(Json::parse(hits[0])["schema"], kHitsSchema);
  Json first = Json::parse(hits[1]);
  EXPECT_EQ(first["source"], "a");
  EXPECT_EQ(first["id"], "d0");
  EXPECT_EQ(first["line"], 1);
  Json summary = Json::parse(ReadAll(Path("scan.json")));
  EXPECT_EQ(summary["schema"], kScanSchema);
}

TEST_F(AuditJobs, ThreadCountDoesNotChangeTheResult) {
  ASSERT_TRUE(Scan("one", 1).ok());
  ASSERT_TRUE(Scan("three", 3).ok());
  EXPECT_EQ(WithoutRun(Path("one.json")), WithoutRun(Path("three.json")));
  EXPECT_EQ(JsonlWithoutRun(Path("one.jsonl")), JsonlWithoutRun(Path("three.jsonl")));
}

TEST_F(AuditJobs, ShardsMergeToTheWholeScan) {
  ASSERT_TRUE(Scan("whole").ok());
  std::vector<std::string> sums, hits;
  uint64_t units = 0;
  for (uint32_t i = 0; i < 3; ++i) {
    std::string name = "part" + std::to_string(i);
    auto r = Scan(name, 2, corpus::Shard{i, 3});
    ASSERT_TRUE(r.ok()) << r.status().message();
    units += r->units;
    EXPECT_LT(r->sources[0].flagged + r->sources[1].flagged,
              static_cast<uint64_t>(kDocsA / kEveryA + kDocsB / kEveryB));
    sums.push_back(Path(name + ".json"));
    hits.push_back(Path(name + ".jsonl"));
  }
  EXPECT_EQ(units, plan_->units().size());
  auto kind = MergeResults(sums, Path("merged.json"));
  ASSERT_TRUE(kind.ok()) << kind.status().message();
  EXPECT_EQ(*kind, "scan");
  EXPECT_EQ(WithoutRun(Path("merged.json")), WithoutRun(Path("whole.json")));
  kind = MergeResults(hits, Path("merged.jsonl"));
  ASSERT_TRUE(kind.ok()) << kind.status().message();
  EXPECT_EQ(*kind, "hits");
  EXPECT_EQ(JsonlWithoutRun(Path("merged.jsonl")), JsonlWithoutRun(Path("whole.jsonl")));
}

TEST_F(AuditJobs, MergeRefusesMissingAndRepeatedShards) {
  for (uint32_t i = 0; i < 2; ++i) ASSERT_TRUE(Scan("p" + std::to_string(i), 1, {i, 2}).ok());
  auto missing = MergeResults({Path("p0.json")}, Path("m.json"));
  EXPECT_FALSE(missing.ok());
  auto twice = MergeResults({Path("p0.json"), Path("p0.json")}, Path("m.json"));
  EXPECT_FALSE(twice.ok());
  EXPECT_FALSE(std::filesystem::exists(Path("m.json")));  // nothing half-written
  EXPECT_TRUE(MergeResults({Path("p1.json"), Path("p0.json")}, Path("m.json")).ok());
}

TEST_F(AuditJobs, StoppedScanResumesFromItsCheckpoint) {
  ASSERT_TRUE(Scan("fresh").ok());
  ScanOptions o;
  o.summary_path = Path("r.json");
  o.hits_path = Path("r.jsonl");
  o.checkpoint_seconds = 0;  // after every unit
  o.after_unit = [](uint64_t done) {
    return done >= 5 ? FailedPreconditionError("stopped by the test") : OkStatus();
  };
  auto stopped = RunScan(Context(2), o);
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.status().message(), "stopped by the test");
  EXPECT_TRUE(std::filesystem::exists(Path("r.json.checkpoint")));
  EXPECT_FALSE(std::filesystem::exists(Path("r.json")));
  EXPECT_FALSE(std::filesystem::exists(Path("r.jsonl")));

  uint64_t calls = 0;
  o.after_unit = [&calls](uint64_t done) {
    EXPECT_EQ(done, ++calls);  // counts this run's units only
    return OkStatus();
  };
  auto resumed = RunScan(Context(3), o);
  ASSERT_TRUE(resumed.ok()) << resumed.status().message();
  EXPECT_EQ(resumed->resumed_units, 5u);
  EXPECT_EQ(calls, plan_->units().size() - 5);
  EXPECT_FALSE(std::filesystem::exists(Path("r.json.checkpoint")));
  EXPECT_EQ(WithoutRun(Path("r.json")), WithoutRun(Path("fresh.json")));
  EXPECT_EQ(JsonlWithoutRun(Path("r.jsonl")), JsonlWithoutRun(Path("fresh.jsonl")));
}

// The progress of every job (one driver) is sized by what the run reads: the
// units of its shard, less those a checkpoint already did; never the whole
// corpus. It counts up from 0 to that total. Oracle: the units' byte ranges
// (plain files), unit i belonging to shard i mod N.
// The library reports progress only through ctx.on_progress and draws
// nothing, even where a line would be drawn (SAFEGATE_PROGRESS forces it): the
// apps draw. The counts it reports add up to the result's: every document and
// bad line once, each in order. Fails on the old code, where the driver drew
// its own line (at least the clearing escape) on standard error.
TEST_F(AuditJobs, ProgressIsReportedNotDrawn) {
  ::setenv("SAFEGATE_PROGRESS", "1", 1);
  ::unsetenv("SAFEGATE_NO_PROGRESS");
  JobContext ctx = Context(2);
  std::mutex mu;
  std::vector<ProgressCounts> seen;
  ctx.on_progress = [&](const ProgressCounts& c) {
    std::lock_guard<std::mutex> lock(mu);  // also checked by TSan: never concurrent
    seen.push_back(c);
  };
  ScanOptions o;
  o.summary_path = Path("drawn.json");
  testing::internal::CaptureStderr();
  auto r = RunScan(ctx, o);
  std::string err = testing::internal::GetCapturedStderr();
  ::unsetenv("SAFEGATE_PROGRESS");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(err, "");
  uint64_t docs = 0, bad = 0;
  for (const auto& s : r->sources) docs += s.docs, bad += s.bad;
  ASSERT_GE(seen.size(), 2u);
  EXPECT_EQ(seen.front().bytes + seen.front().docs + seen.front().errors, 0u);
  for (size_t i = 1; i < seen.size(); ++i) {
    EXPECT_GE(seen[i].docs, seen[i - 1].docs);
    EXPECT_GE(seen[i].bytes, seen[i - 1].bytes);
  }
  EXPECT_EQ(seen.back().docs, docs);
  EXPECT_EQ(seen.back().errors, bad);
  EXPECT_EQ(seen.back().bytes, seen.back().total_bytes);
}

TEST_F(AuditJobs, ProgressIsSizedByTheUnitsTheRunReads) {
  const uint64_t corpus_bytes = std::filesystem::file_size(Path("data/a.jsonl")) +
                                std::filesystem::file_size(Path("data/b.jsonl"));
  auto shard_bytes = [&](uint32_t k, uint32_t n, size_t skip) {
    uint64_t total = 0;
    size_t seen = 0;
    for (size_t i = 0; i < plan_->units().size(); ++i) {
      if (i % n != k || seen++ < skip) continue;
      total += plan_->units()[i].end - plan_->units()[i].begin;
    }
    return total;
  };
  struct Seen {
    int calls = 0;
    uint64_t total = 0, done = 0;
  };
  auto watch = [](Seen* s) {
    return [s](const ProgressCounts& c) {
      if (s->calls++ == 0) {
        EXPECT_EQ(c.bytes, 0u);
        s->total = c.total_bytes;
      }
      EXPECT_EQ(c.total_bytes, s->total);
      EXPECT_GE(c.bytes, s->done);
      s->done = c.bytes;
    };
  };

  uint64_t sum = 0;
  for (uint32_t k = 0; k < 3; ++k) {
    Seen seen;
    JobContext ctx = Context(2, {k, 3});
    ctx.on_progress = watch(&seen);
    ScanOptions o;
    o.summary_path = Path("p" + std::to_string(k) + ".json");
    ASSERT_TRUE(RunScan(ctx, o).ok());
    EXPECT_EQ(seen.total, shard_bytes(k, 3, 0)) << "scan, shard " << k + 1 << " of 3";
    EXPECT_LT(seen.total, corpus_bytes / 2);
    EXPECT_EQ(seen.done, seen.total);
    sum += seen.total;
  }
  EXPECT_EQ(sum, corpus_bytes);

  {
    Seen seen;
    JobContext ctx = Context(2, {1, 3});
    ctx.on_progress = watch(&seen);
    SampleOptions o;
    o.seed = 9;
    o.n = 10;
    o.out_path = Path("s.jsonl");
    ASSERT_TRUE(RunSample(ctx, o).ok());
    EXPECT_EQ(seen.total, shard_bytes(1, 3, 0)) << "sample, shard 2 of 3";
    EXPECT_EQ(seen.done, seen.total);
  }
  {
    Seen seen;
    JobContext ctx = Context(2);  // the filter takes no shard
    ctx.on_progress = watch(&seen);
    FilterOptions o;
    o.out_dir = Path("clean");
    ASSERT_TRUE(RunFilter(ctx, o).ok());
    EXPECT_EQ(seen.total, corpus_bytes) << "filter";
    EXPECT_EQ(seen.done, seen.total);
  }
  {
    // A scan of shard 1 of 2 stopped after 5 units resumes with the rest.
    ScanOptions o;
    o.summary_path = Path("r.json");
    o.checkpoint_seconds = 0;
    o.after_unit = [](uint64_t done) {
      return done >= 5 ? FailedPreconditionError("stopped by the test") : OkStatus();
    };
    ASSERT_FALSE(RunScan(Context(1, {0, 2}), o).ok());
    o.after_unit = nullptr;
    Seen seen;
    JobContext ctx = Context(2, {0, 2});
    ctx.on_progress = watch(&seen);
    auto r = RunScan(ctx, o);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->resumed_units, 5u);
    EXPECT_EQ(seen.total, shard_bytes(0, 2, 5)) << "resumed scan";
    EXPECT_EQ(seen.done, seen.total);
  }
}

TEST_F(AuditJobs, SampleShardsMergeToTheWholeSample) {
  SampleOptions o;
  o.seed = 9;
  o.n = 30;
  o.out_path = Path("whole.sample.jsonl");
  auto whole = RunSample(Context(2), o);
  ASSERT_TRUE(whole.ok()) << whole.status().message();
  EXPECT_EQ(whole->sampled.at("a"), 30u);
  EXPECT_EQ(whole->sampled.at("b"), 30u);
  std::vector<std::string> parts;
  for (uint32_t i = 0; i < 3; ++i) {
    o.out_path = Path("s" + std::to_string(i) + ".jsonl");
    ASSERT_TRUE(RunSample(Context(1, {i, 3}), o).ok());
    parts.push_back(o.out_path);
  }
  auto kind = MergeResults(parts, Path("merged.sample.jsonl"));
  ASSERT_TRUE(kind.ok()) << kind.status().message();
  EXPECT_EQ(*kind, "sample");
  EXPECT_EQ(JsonlWithoutRun(Path("merged.sample.jsonl")),
            JsonlWithoutRun(Path("whole.sample.jsonl")));
  // Another seed draws another sample.
  o.seed = 10;
  o.out_path = Path("other.sample.jsonl");
  ASSERT_TRUE(RunSample(Context(2), o).ok());
  EXPECT_NE(JsonlWithoutRun(Path("other.sample.jsonl")),
            JsonlWithoutRun(Path("whole.sample.jsonl")));
}

TEST_F(AuditJobs, VerdictsFollowTheSampleAndTheThreshold) {
  SampleOptions so;
  so.seed = 3;
  so.n = 100;
  so.out_path = Path("sample.jsonl");
  ASSERT_TRUE(RunSample(Context(2), so).ok());
  // The oracle: the machine labels of the sampled documents, counted here.
  std::map<std::string, uint64_t> flagged, n;
  std::vector<std::string> ids;
  for (const std::string& line : JsonlWithoutRun(so.out_path)) {
    Json j = Json::parse(line);
    if (j.contains("schema")) continue;
    n[j["source"]] += 1;
    if (j["machine"]["flagged"].get<bool>()) flagged[j["source"]] += 1;
    ids.push_back(j["sample_id"]);
  }
  ASSERT_EQ(n["a"], 100u);
  ASSERT_GT(flagged["a"], 0u);

  auto rep = RunAudit(policy_->profile, policy_->taxonomy, so.out_path, AuditOptions{});
  ASSERT_TRUE(rep.ok()) << rep.status().message();
  ASSERT_EQ(rep->sources.size(), 2u);
  for (const SourceVerdict& v : rep->sources) {
    SCOPED_TRACE(v.source);
    EXPECT_EQ(v.n, n[v.source]);
    EXPECT_EQ(v.flagged, flagged[v.source]);
    EXPECT_EQ(v.basis, "machine");
    EXPECT_DOUBLE_EQ(v.rate, static_cast<double>(v.flagged) / v.n);
    EXPECT_DOUBLE_EQ(v.threshold, 0.05);  // baseline: corpus.source.max_unallowable_rate
    // ~14% and ~20% unallowable: both sources fail a 5% threshold.
    EXPECT_EQ(v.verdict, "fail");
    EXPECT_LE(v.wilson.lo, v.rate);
    EXPECT_GE(v.wilson.hi, v.rate);
  }
  EXPECT_FALSE(rep->all_pass);
  Json j = Json::parse(AuditReportJson(*rep));
  EXPECT_EQ(j["schema"], kAuditSchema);
  EXPECT_EQ(j["all_pass"], false);

  // People relabel every sampled document of both sources allowable: the
  // verdicts now rest on human labels and pass.
  std::string labels = "sample_id,label\n";
  for (const std::string& id : ids) labels += id + ",allowable\n";
  dir_.Write("labels.csv", labels);
  AuditOptions ao;
  ao.labels_path = Path("labels.csv");
  rep = RunAudit(policy_->profile, policy_->taxonomy, so.out_path, ao);
  ASSERT_TRUE(rep.ok()) << rep.status().message();
  for (const SourceVerdict& v : rep->sources) {
    EXPECT_EQ(v.basis, "human");
    EXPECT_EQ(v.flagged, 0u);
    EXPECT_EQ(v.verdict, "pass");
  }
}

TEST_F(AuditJobs, LabelsNamingAnUnknownSampleAreAnErrorAtTheirLine) {
  SampleOptions so;
  so.seed = 3;
  so.n = 5;
  so.out_path = Path("sample.jsonl");
  ASSERT_TRUE(RunSample(Context(1), so).ok());
  dir_.Write("labels.csv", "sample_id,label\nno-such-id,allowable\n");
  auto l = ReadLabels(Path("labels.csv"), so.out_path, policy_->taxonomy);
  ASSERT_FALSE(l.ok());
  EXPECT_NE(l.status().message().find("labels.csv:2"), std::string::npos) << l.status().message();
  EXPECT_NE(l.status().message().find("sample_id"), std::string::npos);
}

}  // namespace
}  // namespace safegate::corpusjobs
