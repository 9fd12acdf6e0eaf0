// The step cache of `safegate assess`: what is reused, what is rerun.
#include "safegate/assess/steps.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../temp_dir.h"

namespace safegate::assess {
namespace {

namespace fs = std::filesystem;

PlannedStep Step(const std::string& id, std::vector<std::string> evidence = {}) {
  PlannedStep s;
  s.id = id;
  s.evidence = std::move(evidence);
  return s;
}

TEST(StepCache, ReusesOnlyASucceededStepWithTheSameHashAndItsEvidence) {
  const test_support::TempDir tmp;
  const fs::path dir = tmp.path();
  fs::create_directories(dir / "out");
  std::ofstream((dir / "out" / "lint.json").string()) << "{}";

  StepCache first;
  first.Record("banks", {"h1", "ran", 1.5, "2026-12-07T01:00:00Z"});
  first.Record("eval", {"h2", "reused", 3, "2026-12-06T01:00:00Z"});
  first.Record("corpus", {"h3", "failed", 0, ""});
  StepCache cache = StepCache::Parse(first.Json());

  const CachedStep* banks = cache.Reusable(Step("banks", {"out/lint.json"}), "h1", dir.string());
  ASSERT_NE(banks, nullptr);
  EXPECT_EQ(banks->seconds, 1.5);
  EXPECT_EQ(banks->finished_at, "2026-12-07T01:00:00Z");
  EXPECT_NE(cache.Reusable(Step("eval"), "h2", dir.string()), nullptr);  // reused counts
  // Another hash, a failed step, a missing evidence file, an always-rerun
  // step, an unknown step: rerun.
  EXPECT_EQ(cache.Reusable(Step("banks", {"out/lint.json"}), "h9", dir.string()), nullptr);
  EXPECT_EQ(cache.Reusable(Step("corpus"), "h3", dir.string()), nullptr);
  EXPECT_EQ(cache.Reusable(Step("banks", {"out/gone.json"}), "h1", dir.string()), nullptr);
  PlannedStep db = Step("banks");
  db.always_rerun = true;
  EXPECT_EQ(cache.Reusable(db, "h1", dir.string()), nullptr);
  EXPECT_EQ(cache.Reusable(Step("moderation"), "h1", dir.string()), nullptr);
}

TEST(StepCache, ADamagedOrForeignFileReusesNothing) {
  StepCache good;
  good.Record("banks", {"h1", "ran", 1, "t"});
  const std::string text = good.Json();
  EXPECT_NE(text.find("\"schema\": \"safegate.assess-steps/1\""), std::string::npos) << text;
  EXPECT_NE(StepCache::Parse(text).Reusable(Step("banks"), "h1", "."), nullptr);
  // One damaged entry: nothing is reused.
  std::string damaged = text;
  damaged.replace(damaged.find("\"seconds\""), 9, "\"secs\"");
  EXPECT_EQ(StepCache::Parse(damaged).Reusable(Step("banks"), "h1", "."), nullptr);
  std::string foreign = text;
  foreign.replace(foreign.find("assess-steps/1"), 14, "assess-steps/9");
  EXPECT_EQ(StepCache::Parse(foreign).Reusable(Step("banks"), "h1", "."), nullptr);
  EXPECT_EQ(StepCache::Parse("not json").Reusable(Step("banks"), "h1", "."), nullptr);
  EXPECT_EQ(StepCache::Load("/nonexistent/steps.json").Reusable(Step("banks"), "h1", "."), nullptr);
  EXPECT_NE(StepCache().Json().find("\"steps\": {}"), std::string::npos);
}

TEST(EvalStep, RunIdAndResume) {
  EXPECT_EQ(EvalRunId("0123456789abcdef"), "assess-0123456789ab");
  PlannedStep s;
  s.commands.push_back({{"eval", "run", "--store", "out/eval.db", "--run-id", "{run_id}", "--seed",
                         "7", "--profile", "p.yaml", "--sample", "5"}});
  s.commands.push_back({{"eval", "report", "{run_id}", "--store", "out/eval.db"}});
  EXPECT_EQ(FillRunId(&s, "assess-1"), "out/eval.db");
  EXPECT_EQ(s.commands[1].args[2], "assess-1");
  ResumeEvalRun(&s, "assess-1");
  EXPECT_EQ(s.commands[0].args,
            (std::vector<std::string>{"eval", "run", "--store", "out/eval.db", "--sample", "5",
                                      "--resume", "assess-1"}));
}

TEST(AddToolIdentity, EveryStepHashesTheBinary) {
  const test_support::TempDir tmp;
  const fs::path exe = fs::path(tmp.path()) / "steps_test_tool";
  std::ofstream(exe.string()) << "build 1";
  std::vector<PlannedStep> steps = {Step("banks"), Step("eval")};
  ASSERT_TRUE(AddToolIdentity(&steps, exe.string()).ok());
  EXPECT_EQ(steps[0].settings.rfind("\ntool:", 0), 0u);
  EXPECT_EQ(steps[0].settings, steps[1].settings);
  std::vector<PlannedStep> rebuilt = {Step("banks")};
  std::ofstream(exe.string()) << "build 2";
  ASSERT_TRUE(AddToolIdentity(&rebuilt, exe.string()).ok());
  EXPECT_NE(rebuilt[0].settings, steps[0].settings);
  EXPECT_FALSE(AddToolIdentity(&rebuilt, "/nonexistent/safegate").ok());
}

}  // namespace
}  // namespace safegate::assess
