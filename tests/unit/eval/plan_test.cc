// Planning a run without the command line: target, banks, sample, metadata.
#include "safegate/eval/plan.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace safegate::eval {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

TEST(ResolveTarget, TheProjectTargetWithTheOverrides) {
  EvalConfig cfg;
  cfg.has_target = true;
  cfg.target.name = "staging";
  cfg.target.base_url = "http://a/v1";
  cfg.target.model = "m1";
  cfg.target.concurrency = 4;
  TargetOverrides o;
  o.model = "m2";
  o.headers = {"X-Team:  safety"};
  o.requests_per_second = 0;
  bool given = false;
  auto t = ResolveTarget(cfg, o, &given);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_TRUE(given);
  EXPECT_EQ(t->name, "staging");
  EXPECT_EQ(t->base_url, "http://a/v1");
  EXPECT_EQ(t->model, "m2");
  EXPECT_EQ(t->concurrency, 4);
  EXPECT_EQ(t->requests_per_second, 0);
  ASSERT_EQ(t->headers.size(), 1u);
  EXPECT_EQ(t->headers[0].name, "X-Team");
  EXPECT_EQ(t->headers[0].value, "safety");

  TargetOverrides replay;
  replay.replay = "answers.jsonl";
  auto r = ResolveTarget(EvalConfig{}, replay, &given);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(given);
  EXPECT_EQ(r->kind, "replay");
  EXPECT_EQ(r->replay_path, "answers.jsonl");

  auto none = ResolveTarget(EvalConfig{}, TargetOverrides{}, &given);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(given);  // speed-only or no overrides name no target

  TargetOverrides bad;
  bad.headers = {"no colon"};
  auto b = ResolveTarget(cfg, bad);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message(), "--header 'no colon': expected NAME: VALUE");
}

TEST(ResumeTarget, KeepsTheStoredIdentityAndTakesTheSpeed) {
  TargetSpec started;
  started.base_url = "http://a/v1";
  started.model = "m1";
  started.headers = {{"X-Team", "v"}};
  const std::string meta = "{\"target\":" + TargetMetaJson(started) + "}";
  EvalConfig cfg;
  TargetOverrides speed;
  speed.concurrency = 2;
  TargetSpec given;
  given.headers = {{"X-Team", "new value"}};
  auto t = ResumeTarget(cfg, speed, given, false, "run-1", meta);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->model, "m1");
  EXPECT_EQ(t->concurrency, 2);
  EXPECT_EQ(t->headers.at(0).value, "new value");

  TargetOverrides other;
  other.model = "m2";
  TargetSpec other_target = started;
  other_target.model = "m2";
  auto diff = ResumeTarget(cfg, other, other_target, true, "run-1", meta);
  ASSERT_FALSE(diff.ok());
  EXPECT_NE(diff.status().message().find("model: the run has 'm1', the flags give 'm2'"),
            std::string::npos)
      << diff.status().message();

  TargetSpec no_headers;
  EXPECT_FALSE(ResumeTarget(cfg, speed, no_headers, false, "run-1", meta).ok());
  EXPECT_FALSE(ResumeTarget(cfg, speed, given, false, "run-1", "{}").ok());
  EXPECT_EQ(RunPolicyPath(R"({"policy": {"path": "/p/policy.yaml"}})"), "/p/policy.yaml");
  EXPECT_EQ(RunPolicyPath("{}"), "");
}

TEST(ResolveBanks, FlagsThenEvalBanksThenTheProjectsBanks) {
  EvalConfig cfg;
  std::map<std::string, std::vector<std::string>> project = {
      {"keywords", {"k.csv"}}, {"should_refuse", {"r1.jsonl", "r2.jsonl"}}};
  auto from_project = ResolveBanks({}, cfg, project);
  ASSERT_TRUE(from_project.ok());
  EXPECT_EQ(from_project->size(), 1u);  // keyword banks are not evaluated
  EXPECT_EQ(from_project->at("should_refuse").size(), 2u);

  cfg.banks["should_answer"] = "a.yaml";
  auto from_eval = ResolveBanks({}, cfg, project);
  ASSERT_TRUE(from_eval.ok());
  EXPECT_EQ(from_eval->size(), 1u);
  EXPECT_EQ(from_eval->at("should_answer"), std::vector<std::string>{"a.yaml"});

  auto from_flags =
      ResolveBanks({"should-refuse=x.jsonl", "generated_content=g.csv"}, cfg, project);
  ASSERT_TRUE(from_flags.ok());
  EXPECT_EQ(from_flags->size(), 2u);
  EXPECT_EQ(from_flags->at("generated"), std::vector<std::string>{"g.csv"});

  EXPECT_EQ(ResolveBanks({"x.jsonl"}, cfg, project).status().message(),
            "--bank 'x.jsonl': expected KIND=PATH");
  EXPECT_FALSE(ResolveBanks({"keywords=k.csv"}, cfg, project).ok());
  EXPECT_FALSE(ResolveBanks({}, EvalConfig{}, {{"keywords", {"k.csv"}}}).ok());
}

class PlanRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // One directory per test and process: ctest runs this fixture's tests
    // at the same time, and they wrote the same bank file.
    dir_ = fs::path(::testing::TempDir()) /
           ("plan_run_test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    profile_ = policy::LoadProfile("baseline").value();
    policy_.id = "p";
    policy_.version = "1";
    policy_.path = (dir_ / "policy.yaml").string();
    policy_.profile = profile_;
    policy_.taxonomy = profile_.taxonomy;
    auto leaves = profile_.taxonomy.Leaves();
    ASSERT_GE(leaves.size(), 2u);
    bank_ = (dir_ / "refuse.jsonl").string();
    std::ofstream out(bank_);
    for (int i = 0; i < 30; ++i) {
      out << json{{"id", "q" + std::to_string(i)},
                  {"category", leaves[i % 2]->id},
                  {"lang", "en"},
                  {"text", "question " + std::to_string(i)}}
                 .dump()
          << "\n";
    }
  }

  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  fs::path dir_;
  policy::Profile profile_;
  policy::Policy policy_;
  std::string bank_;
};

TEST_F(PlanRunTest, DrawsTheSeededSampleAndWritesTheMetadata) {
  TargetSpec target;
  target.base_url = "http://a/v1";
  target.model = "m";
  target.headers = {{"Authorization", "secret"}};
  RunPlanOptions o;
  o.seed = 7;
  o.sample = 10;
  o.run_id = "r1";
  std::vector<std::string> warnings;
  auto plan = PlanRun(policy_, profile_, target, {}, {{"should_refuse", {bank_}}}, o, &warnings);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(plan->run_id, "r1");
  ASSERT_EQ(plan->items.size(), 10u);
  for (const auto& it : plan->items) EXPECT_EQ(it.bank, BankKind::kShouldRefuse);
  // Seeded: the same options draw the same items; another seed others.
  auto again = PlanRun(policy_, profile_, target, {}, {{"should_refuse", {bank_}}}, o, &warnings);
  ASSERT_TRUE(again.ok());
  o.seed = 8;
  auto other = PlanRun(policy_, profile_, target, {}, {{"should_refuse", {bank_}}}, o, &warnings);
  ASSERT_TRUE(other.ok());
  std::vector<std::string> a, b, c;
  for (const auto& it : plan->items) a.push_back(it.id);
  for (const auto& it : again->items) b.push_back(it.id);
  for (const auto& it : other->items) c.push_back(it.id);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);

  json meta = json::parse(plan->meta_json);
  EXPECT_EQ(meta["seed"], 7);
  EXPECT_EQ(meta["target"]["model"], "m");
  EXPECT_EQ(meta["target"]["header_names"], json::array({"Authorization"}));
  EXPECT_EQ(plan->meta_json.find("secret"), std::string::npos);  // header values are not stored
  EXPECT_EQ(meta["policy"]["path"], policy_.path);
  EXPECT_EQ(meta["profile"]["id"], profile_.id);
  EXPECT_EQ(meta["sample"]["should_refuse"]["bank_items"], 30);
  EXPECT_EQ(meta["sample"]["should_refuse"]["sampled"], 10);
  EXPECT_EQ(meta["sample"]["should_refuse"]["requested"], 10);
  EXPECT_TRUE(meta.contains("tool_version"));
}

TEST_F(PlanRunTest, ASmallBankWarnsAndABadBankFails) {
  RunPlanOptions o;
  o.sample = 50;
  std::vector<std::string> warnings;
  auto plan =
      PlanRun(policy_, profile_, TargetSpec{}, {}, {{"should_refuse", {bank_}}}, o, &warnings);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->items.size(), 30u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "the should_refuse bank has 30 questions, fewer than the 50 to sample (--sample): "
            "using all of them");
  EXPECT_EQ(plan->run_id.rfind("run-", 0), 0u);  // a new id

  std::ofstream((dir_ / "bad.jsonl").string()) << "{\"id\": \"x\", \"lang\": \"en\"}\n";
  auto bad = PlanRun(policy_, profile_, TargetSpec{}, {},
                     {{"should_refuse", {(dir_ / "bad.jsonl").string()}}}, o, &warnings);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("bad.jsonl:1"), std::string::npos)
      << bad.status().message();
  EXPECT_FALSE(
      PlanRun(policy_, profile_, TargetSpec{}, {}, {{"keywords", {bank_}}}, o, &warnings).ok());
}

}  // namespace
}  // namespace safegate::eval
