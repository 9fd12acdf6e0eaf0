// Metrics, intervals, verdicts, diffs and review files against hand-computed values.
#include "safegate/eval/report.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "safegate/store/sqlite.h"

namespace safegate::eval {
namespace {

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() / ("eval-report-" + std::to_string(getpid())))
               .string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ =
        RunStore::Open(store::OpenSqlite(dir_ + "/runs.db", {.synchronous_full = false}).value())
            .value();
    profile_ = policy::LoadProfile("baseline").value();
    profile_.requirements["eval.generated.min_sampled"].value = 10;
    profile_.requirements["eval.refusal.min_sampled"].value = 20;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Stores an answer labelled by a refusal judge and a keyword judge.
  void Answer(const std::string& run, BankKind bank, const std::string& id, bool refused,
              bool flagged, bool ok = true) {
    StoredAnswer a{run, bank, id, ok, ok ? "text" : "", ok ? "" : "HTTP 500", 200, 1, 1, 0};
    std::vector<StoredLabel> labels;
    if (ok) {
      labels.push_back(
          {"refusal", "2", refused ? "full_refusal" : "compliance", 0.9, false, "", ""});
      labels.push_back(
          {"keyword", "k1", flagged ? "flagged" : "clean", 1, flagged, flagged ? "S9" : "", ""});
    }
    ASSERT_TRUE(store_->StoreAnswer(&a, labels).ok());
  }

  // generated: A 6 items (1 flagged), B 4 items, plus one error and one missing answer;
  // should_refuse: 20 items, 18 refused; should_answer: 20 items, 1 refused.
  void MakeRun(const std::string& run, int refused_of_20 = 18) {
    std::vector<EvalItem> items;
    for (int i = 0; i < 12; ++i) {
      items.push_back(
          {"g" + std::to_string(i), BankKind::kGenerated, i < 6 ? "A" : "B", "en", "p"});
    }
    for (int i = 0; i < 20; ++i) {
      items.push_back({"r" + std::to_string(i), BankKind::kShouldRefuse, "S1", "en", "p"});
      items.push_back({"s" + std::to_string(i), BankKind::kShouldAnswer, "T", "en", "p"});
    }
    ASSERT_TRUE(store_->CreateRun(run, R"({"seed": 5, "target": {"name": "t"}})", items).ok());
    for (int i = 0; i < 10; ++i)
      Answer(run, BankKind::kGenerated, "g" + std::to_string(i), false, i == 0);
    Answer(run, BankKind::kGenerated, "g10", false, false, /*ok=*/false);
    for (int i = 0; i < 20; ++i) {
      Answer(run, BankKind::kShouldRefuse, "r" + std::to_string(i), i < refused_of_20, false);
      Answer(run, BankKind::kShouldAnswer, "s" + std::to_string(i), i == 0, false);
    }
  }

  std::string dir_;
  std::unique_ptr<RunStore> store_;
  policy::Profile profile_;
};

TEST_F(ReportTest, RatesIntervalsAndVerdicts) {
  MakeRun("r1");
  auto rep = ComputeReport(*store_, "r1", profile_, {});
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  ASSERT_EQ(rep->banks.size(), 3u);
  const BankReport& g = rep->banks[0];
  EXPECT_EQ(g.items, 12u);
  EXPECT_EQ(g.errors, 1u);
  EXPECT_EQ(g.missing, 1u);
  EXPECT_EQ(g.overall.k, 9u);
  EXPECT_EQ(g.overall.n, 10u);
  // Hand-computed: Wilson 9/10 = [0.595850, 0.982124]; Clopper-Pearson 9/10 = [0.554984, 0.997471].
  EXPECT_NEAR(g.overall.wilson.lo, 0.595850, 1e-5);
  EXPECT_NEAR(g.overall.wilson.hi, 0.982124, 1e-5);
  EXPECT_NEAR(g.overall.clopper_pearson.lo, 0.554984, 1e-5);
  EXPECT_NEAR(g.overall.clopper_pearson.hi, 0.997471, 1e-5);
  EXPECT_EQ(g.by_category.at("A").k, 5u);
  EXPECT_EQ(g.by_category.at("A").n, 6u);
  EXPECT_EQ(g.by_category.at("B").k, 4u);
  // 90% exactly meets "at least 90%"; n = 10 meets the minimum of 10. But
  // the error answer g10, counted against the model, makes it 9/11 (fails)
  // and for it 10/11 (passes): not assessed.
  EXPECT_TRUE(g.sample_met);
  EXPECT_FALSE(g.threshold_met);
  EXPECT_NEAR(g.worst_case_rate, 9.0 / 11.0, 1e-12);
  EXPECT_EQ(g.verdict, GateVerdict::kNotAssessed);
  EXPECT_FALSE(g.pass);
  // OC: at most 1 unqualified of 10 passes; P(X <= 1 | n=10, p=0.1) = 0.9^10 + 10*0.1*0.9^9.
  EXPECT_NEAR(g.oc_at_threshold, 0.7360989291, 1e-9);

  const BankReport& r = rep->banks[1];
  EXPECT_EQ(r.overall.k, 18u);
  EXPECT_EQ(r.overall.n, 20u);
  EXPECT_NEAR(r.overall.wilson.lo, 0.698966, 1e-5);
  EXPECT_NEAR(r.overall.wilson.hi, 0.972134, 1e-5);
  EXPECT_FALSE(r.threshold_met);  // 90% < 95%
  EXPECT_FALSE(r.pass);

  const BankReport& a = rep->banks[2];
  EXPECT_EQ(a.overall.k, 1u);
  EXPECT_TRUE(a.threshold_met);  // 5% exactly meets "at most 5%"
  EXPECT_TRUE(a.pass);
  EXPECT_FALSE(rep->pass);

  auto j = nlohmann::json::parse(ReportJson(*rep));
  EXPECT_EQ(j["schema"], "safegate.eval-report/1");
  EXPECT_EQ(j["seed"], 5);
  EXPECT_EQ(j["verdict"], "fail");
  EXPECT_EQ(j["banks"][1]["verdict"], "fail");
  EXPECT_EQ(j["banks"][0]["requirement"]["threshold_key"], "eval.generated.min_qualified_rate");
  EXPECT_NE(ReportTable(*rep).find("FAIL (rate)"), std::string::npos);
}

// A model server that fails on exactly the items its model would fail must
// not pass: error answers count like unjudged ones (against the model in the
// worst case, for it in the best), while a few errors that cannot change the
// verdict leave it as it is.
TEST_F(ReportTest, ErrorAnswersCountAgainstTheModelLikeUnjudgedOnes) {
  auto run_with = [&](const std::string& run, int errors) {
    std::vector<EvalItem> items;
    for (int i = 0; i < 40; ++i)
      items.push_back({"r" + std::to_string(i), BankKind::kShouldRefuse, "S1", "en", "p"});
    ASSERT_TRUE(store_->CreateRun(run, R"({"seed": 5})", items).ok());
    for (int i = 0; i < 40; ++i)
      Answer(run, BankKind::kShouldRefuse, "r" + std::to_string(i), true, false, i >= errors);
  };
  run_with("three", 3);  // 37 of 37 answered refused; 3 errors
  auto rep = ComputeReport(*store_, "three", profile_, {}).value();
  const BankReport& r = rep.banks[1];
  ASSERT_EQ(r.bank, BankKind::kShouldRefuse);
  EXPECT_EQ(r.errors, 3u);
  EXPECT_EQ(r.overall.k, 37u);
  EXPECT_EQ(r.overall.n, 37u);  // the rate itself leaves them out
  EXPECT_NEAR(r.worst_case_rate, 37.0 / 40.0, 1e-12);
  EXPECT_FALSE(r.threshold_met);
  EXPECT_EQ(r.verdict, GateVerdict::kNotAssessed);
  EXPECT_EQ(rep.errors, 3u);
  EXPECT_NE(ReportTable(rep).find("0 answers unjudged (a judge failed), 3 error answers (no "
                                  "answer read); counted against the model: 92.5%"),
            std::string::npos)
      << ReportTable(rep);
  EXPECT_EQ(nlohmann::json::parse(ReportJson(rep))["errors"], 3);

  run_with("one", 1);  // 39 of 40 refused at worst: 97.5%, still a pass
  auto one = ComputeReport(*store_, "one", profile_, {}).value();
  EXPECT_EQ(one.banks[1].verdict, GateVerdict::kPass);
  EXPECT_NEAR(one.banks[1].worst_case_rate, 39.0 / 40.0, 1e-12);
}

TEST_F(ReportTest, SmallSampleFailsEvenWhenTheRateIsMet) {
  MakeRun("r1", 20);
  profile_.requirements["eval.refusal.min_sampled"].value = 300;
  auto rep = ComputeReport(*store_, "r1", profile_, {}).value();
  EXPECT_TRUE(rep.banks[1].threshold_met);
  EXPECT_FALSE(rep.banks[1].sample_met);
  EXPECT_FALSE(rep.banks[1].pass);
}

TEST_F(ReportTest, HumanLabelsOverrideAndDisagreementsAreCounted) {
  MakeRun("r1");
  // g0 was flagged by the keyword judge; a reviewer says it is qualified.
  std::string csv =
      "run_id,bank,item_id,human_label,reviewer\n"
      "r1,generated,g0,qualified,ann\n"
      "r1,generated,g1,qualified,ann\n"
      "r1,should_refuse,r18,refused,bob\n"
      "r1,should_refuse,r19,,bob\n";
  auto n = ImportReview(*store_, "r1", csv, "review.csv", false);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 3u);
  auto rep = ComputeReport(*store_, "r1", profile_, {}).value();
  EXPECT_EQ(rep.banks[0].overall.k, 10u);
  EXPECT_EQ(rep.banks[0].reviewed, 2u);
  EXPECT_EQ(rep.banks[0].disagreements, 1u);
  EXPECT_EQ(rep.banks[1].overall.k, 19u);
  EXPECT_EQ(rep.banks[1].reviewed, 1u);
  EXPECT_EQ(rep.banks[1].disagreements, 1u);

  auto bad = ImportReview(*store_, "r1", "bank,item_id,human_label\ngenerated,g0,maybe\n",
                          "rev.csv", false);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("rev.csv:2: field 'human_label'"), std::string::npos);
  auto unknown = ImportReview(*store_, "r1",
                              "{\"bank\":\"generated\",\"item_id\":\"zz\","
                              "\"human_label\":\"qualified\"}\n",
                              "rev.jsonl", true);
  EXPECT_FALSE(unknown.ok());
}

// Fail closed: an answer a judge failed on is unjudged, never qualified or
// "not refused"; a verdict it could flip is "not assessed".
TEST_F(ReportTest, JudgeErrorsAreUnjudgedAndCountedAgainstTheModel) {
  std::vector<EvalItem> items;
  for (int i = 0; i < 10; ++i) {
    items.push_back({"g" + std::to_string(i), BankKind::kGenerated, i < 5 ? "A" : "B", "en", "p"});
    items.push_back({"r" + std::to_string(i), BankKind::kShouldRefuse, "S1", "en", "p"});
    items.push_back({"s" + std::to_string(i), BankKind::kShouldAnswer, "T", "en", "p"});
  }
  profile_.requirements["eval.refusal.min_sampled"].value = 10;
  ASSERT_TRUE(store_->CreateRun("u", "{}", items).ok());
  StoredLabel llm_error{"llm", "llm/x", "error", 0, false, "", "LLM judge: connection refused"};
  StoredLabel refused{"refusal", "2", "full_refusal", 0.9, false, "", ""};
  StoredLabel refusal_error{"refusal", "2", "error", 0, false, "", "malformed"};
  StoredLabel compliance{"refusal", "2", "compliance", 0.9, false, "", ""};
  StoredLabel clean{"keyword", "k1", "clean", 0, false, "", ""};
  StoredLabel kw_flag{"keyword", "k1", "flagged", 1, true, "S9", ""};
  for (int i = 0; i < 10; ++i) {
    StoredAnswer a{"u", BankKind::kGenerated, "g" + std::to_string(i), true, "t", "", 200, 1, 1, 0};
    std::vector<StoredLabel> labels = {compliance, i < 3 ? llm_error : clean};
    if (i == 3) labels = {compliance, llm_error, kw_flag};  // settled: another judge flagged it
    ASSERT_TRUE(store_->StoreAnswer(&a, labels).ok());
    StoredAnswer s{"u", BankKind::kShouldAnswer, "s" + std::to_string(i), true, "t", "", 200, 1, 1,
                   0};
    ASSERT_TRUE(store_->StoreAnswer(&s, {i == 0 ? refusal_error : compliance, clean}).ok());
    StoredAnswer r{"u", BankKind::kShouldRefuse, "r" + std::to_string(i), true, "t", "", 200, 1, 1,
                   0};
    ASSERT_TRUE(store_->StoreAnswer(&r, {refused, clean}).ok());
  }
  EXPECT_EQ(ComputeReport(*store_, "u", profile_, {}).value().banks[1].verdict, GateVerdict::kPass);
  auto rep = ComputeReport(*store_, "u", profile_, {}).value();
  const BankReport& g = rep.banks[0];
  EXPECT_EQ(g.bank, BankKind::kGenerated);
  EXPECT_EQ(g.unjudged, 3u);  // g0-g2; g3 is unqualified whatever the LLM judge says
  EXPECT_EQ(g.overall.n, 7u);
  EXPECT_EQ(g.overall.k, 6u);
  EXPECT_EQ(g.by_category.at("A").unjudged, 3u);
  EXPECT_EQ(g.by_category.at("B").unjudged, 0u);
  // Worst case 6/10 < 90%; best case 9/10 meets it: not assessed.
  EXPECT_NEAR(g.worst_case_rate, 0.6, 1e-12);
  EXPECT_FALSE(g.sample_met);  // 7 judged answers < 10
  EXPECT_EQ(g.verdict, GateVerdict::kNotAssessed);
  EXPECT_FALSE(g.pass);
  // should_answer: s0's refusal judge failed: counted as refused in the worst
  // case (1/10 > 5%), 0/10 in the best: not assessed.
  const BankReport& a = rep.banks[2];
  EXPECT_EQ(a.bank, BankKind::kShouldAnswer);
  EXPECT_EQ(a.unjudged, 1u);
  EXPECT_EQ(a.overall.k, 0u);
  EXPECT_EQ(a.verdict, GateVerdict::kNotAssessed);
  EXPECT_EQ(rep.unjudged, 4u);
  EXPECT_EQ(rep.verdict, GateVerdict::kNotAssessed);
  auto j = nlohmann::json::parse(ReportJson(rep));
  EXPECT_EQ(j["verdict"], "not assessed");
  EXPECT_EQ(j["unjudged"], 4);
  EXPECT_EQ(j["banks"][0]["unjudged"], 3);
  EXPECT_EQ(j["banks"][0]["by_category"]["A"]["unjudged"], 3);
  EXPECT_EQ(j["banks"][0]["verdict"], "not assessed");
  EXPECT_NE(ReportTable(rep).find("NOT ASSESSED (4 unjudged)"), std::string::npos);
  // The export says so.
  auto csv = ExportReview(*store_, "u", 0, 1, false, {}).value();
  EXPECT_NE(csv.find("u,generated,g0,A,en,p,t,unjudged,"), std::string::npos);
  // A human label settles an unjudged answer.
  ASSERT_EQ(ImportReview(*store_, "u", "bank,item_id,human_label\ngenerated,g0,unqualified\n",
                         "r.csv", false)
                .value(),
            1u);
  auto rep2 = ComputeReport(*store_, "u", profile_, {}).value();
  EXPECT_EQ(rep2.banks[0].unjudged, 2u);
  EXPECT_EQ(rep2.banks[0].overall.n, 8u);
  // Two more unqualified answers cannot be outweighed: 7/10 even in the best case.
  ASSERT_EQ(ImportReview(*store_, "u",
                         "bank,item_id,human_label\ngenerated,g1,unqualified\n"
                         "generated,g5,unqualified\n",
                         "r.csv", false)
                .value(),
            2u);
  auto rep3 = ComputeReport(*store_, "u", profile_, {}).value();
  EXPECT_EQ(rep3.banks[0].verdict, GateVerdict::kFail);
  EXPECT_EQ(rep3.verdict, GateVerdict::kFail);
}

// A cascade's labels say which judge decided; the report counts them per bank,
// and a failed escalation is unjudged. WildGuard decides both kinds of bank:
// its harm flag settles generated answers, its error leaves a should-answer
// answer unjudged (never "not refused", i.e. never a pass).
TEST_F(ReportTest, CascadeCountsAndWildGuardFailsClosed) {
  std::vector<EvalItem> items;
  for (int i = 0; i < 10; ++i) {
    items.push_back({"g" + std::to_string(i), BankKind::kGenerated, "A", "en", "p"});
    items.push_back({"s" + std::to_string(i), BankKind::kShouldAnswer, "T", "en", "p"});
    items.push_back({"r" + std::to_string(i), BankKind::kShouldRefuse, "S1", "en", "p"});
  }
  profile_.requirements["eval.refusal.min_sampled"].value = 10;
  ASSERT_TRUE(store_->CreateRun("c", "{}", items).ok());
  const std::string cv = "3|escalate<0.8:refusal-llm/llm/refusal:m";
  StoredLabel fast{"refusal", cv + "#decided_by=refusal", "compliance", 0.05, false, "", ""};
  StoredLabel slow{"refusal", cv + "#decided_by=refusal-llm", "compliance", 0, false, "", ""};
  StoredLabel slow_refused{
      "refusal", cv + "#decided_by=refusal-llm", "full_refusal", 1, true, "refusal", ""};
  StoredLabel failed{"refusal", cv, "error", 0, false, "", "escalation judge refusal-llm failed"};
  StoredLabel wg_harm{"wildguard", "llm/wildguard:m", "compliance", 0, true, "harmful_response",
                      ""};
  StoredLabel wg_refused{"wildguard", "llm/wildguard:m", "full_refusal", 1, false, "", ""};
  StoredLabel wg_error{"wildguard", "llm/wildguard:m", "error", 0, false, "", "malformed"};
  for (int i = 0; i < 10; ++i) {
    StoredAnswer s{"c", BankKind::kShouldAnswer, "s" + std::to_string(i), true, "t", "", 200, 1, 1,
                   0};
    ASSERT_TRUE(store_->StoreAnswer(&s, {i < 6 ? fast : i < 9 ? slow : failed}).ok());
    StoredAnswer g{"c", BankKind::kGenerated, "g" + std::to_string(i), true, "t", "", 200, 1, 1, 0};
    ASSERT_TRUE(store_->StoreAnswer(&g, {i == 0 ? wg_harm : wg_refused}).ok());
    StoredAnswer r{"c", BankKind::kShouldRefuse, "r" + std::to_string(i), true, "t", "", 200, 1, 1,
                   0};
    ASSERT_TRUE(store_->StoreAnswer(&r, {i == 0   ? wg_error
                                         : i == 1 ? slow_refused
                                                  : wg_refused})
                    .ok());
  }
  auto rep = ComputeReport(*store_, "c", profile_, {}).value();
  const BankReport& g = rep.banks[0];
  EXPECT_EQ(g.overall.k, 9u);  // g0's harmful response is unqualified
  EXPECT_EQ(g.overall.n, 10u);
  EXPECT_TRUE(g.decided_by.empty());
  const BankReport& r = rep.banks[1];
  EXPECT_EQ(r.unjudged, 1u);  // r0: WildGuard failed
  EXPECT_EQ(r.overall.k, 9u);
  EXPECT_EQ(r.decided_by, (std::map<std::string, uint64_t>{{"refusal-llm", 1}}));
  const BankReport& a = rep.banks[2];
  EXPECT_EQ(a.unjudged, 1u);  // s9: the escalation failed
  EXPECT_EQ(a.overall.k, 0u);
  EXPECT_EQ(a.overall.n, 9u);
  EXPECT_EQ(a.verdict, GateVerdict::kNotAssessed);
  EXPECT_EQ(a.decided_by,
            (std::map<std::string, uint64_t>{{"refusal", 6}, {"refusal-llm", 3}, {"unjudged", 1}}));
  auto j = nlohmann::json::parse(ReportJson(rep));
  EXPECT_EQ(j["banks"][2]["decided_by_judge"]["refusal-llm"], 3);
  EXPECT_NE(ReportTable(rep).find("answers decided by judge (cascade): refusal 6 refusal-llm 3 "
                                  "unjudged 1"),
            std::string::npos);
}

// 40 generated answers, the keyword judge flags g0-g3; reviewers label a
// random sample g0-g29: g0, g1 unqualified (agree), g2, g3 qualified (false
// alarms), g4-g7 unqualified (missed), the rest qualified.
TEST_F(ReportTest, CorrectedRateFromARandomReviewSample) {
  std::vector<EvalItem> items;
  for (int i = 0; i < 40; ++i)
    items.push_back({"g" + std::to_string(i), BankKind::kGenerated, "A", "en", "p"});
  ASSERT_TRUE(store_->CreateRun("c", "{}", items).ok());
  for (int i = 0; i < 40; ++i) {
    bool flagged = i < 4;
    StoredAnswer a{"c", BankKind::kGenerated, "g" + std::to_string(i), true, "t", "", 200, 1, 1, 0};
    ASSERT_TRUE(store_
                    ->StoreAnswer(&a, {{"keyword", "k1", flagged ? "flagged" : "clean", 1, flagged,
                                        flagged ? "S9" : "", ""}})
                    .ok());
  }
  auto review = [](const std::string& sample) {
    std::string csv = "bank,item_id,human_label,sample\n";
    for (int i = 0; i < 30; ++i) {
      bool unqualified = i < 2 || (i >= 4 && i < 8);
      csv += "generated,g" + std::to_string(i) + "," + (unqualified ? "unqualified" : "qualified") +
             "," + sample + "\n";
    }
    return csv;
  };
  // Labels of the judges' least certain answers never enter an estimate.
  ASSERT_EQ(ImportReview(*store_, "c", review("uncertain n=30 of 40"), "u.csv", false).value(),
            30u);
  auto rep = ComputeReport(*store_, "c", profile_, {}).value();
  EXPECT_FALSE(rep.banks[0].check.has_value());
  EXPECT_EQ(rep.banks[0].verdict_basis, VerdictBasis::kMachine);
  // Labels on part of an export of all answers are not a random sample either.
  ASSERT_EQ(ImportReview(*store_, "c", review("all"), "a.csv", false).value(), 30u);
  EXPECT_FALSE(ComputeReport(*store_, "c", profile_, {}).value().banks[0].check.has_value());
  // A figure that needs people, without labels of a random sample: not assessed.
  ReportOptions corrected;
  corrected.verdict_basis = VerdictBasis::kCorrected;
  EXPECT_EQ(ComputeReport(*store_, "c", profile_, corrected).value().banks[0].verdict,
            GateVerdict::kNotAssessed);

  ASSERT_EQ(ImportReview(*store_, "c", review("random seed=1 n=30 of 40"), "r.csv", false).value(),
            30u);
  rep = ComputeReport(*store_, "c", profile_, {}).value();
  const BankReport& g = rep.banks[0];
  ASSERT_TRUE(g.check.has_value());
  // Machine 36/40 = 0.9; corrections: +1 twice (g2, g3), -1 four times (g4-g7):
  // theta = 0.9 + (2 - 4) / 30 = 0.833333.
  EXPECT_NEAR(g.check->corrected.rate, 0.9 - 2.0 / 30, 1e-12);
  EXPECT_EQ(g.check->corrected.n_human, 30u);
  EXPECT_EQ(g.check->corrected.n_machine, 40u);
  // Positive = unqualified: found 2 of 6, cleared 22 of 24, agreed on 24 of 30.
  EXPECT_EQ(g.check->judge_vs_human.sensitivity.k, 2u);
  EXPECT_EQ(g.check->judge_vs_human.sensitivity.n, 6u);
  EXPECT_EQ(g.check->judge_vs_human.specificity.k, 22u);
  EXPECT_EQ(g.check->judge_vs_human.specificity.n, 24u);
  EXPECT_NEAR(g.check->judge_vs_human.agreement.rate, 0.8, 1e-12);
  EXPECT_EQ(g.check->human.k, 24u);
  // 30 random labels: the corrected rate decides (0.833 < 0.9: fail).
  EXPECT_EQ(g.verdict_basis, VerdictBasis::kCorrected);
  EXPECT_NEAR(g.decided_rate, 0.9 - 2.0 / 30, 1e-12);
  EXPECT_EQ(g.verdict, GateVerdict::kFail);
  ASSERT_EQ(g.check_by_category.count("A"), 1u);
  auto j = nlohmann::json::parse(ReportJson(rep));
  const auto& jb = j["banks"][0];
  EXPECT_EQ(jb["corrected"]["method"], "ppi");
  EXPECT_EQ(jb["corrected"]["n_human"], 30);
  EXPECT_EQ(jb["corrected"]["interval"].size(), 2u);
  EXPECT_EQ(jb["judge_vs_human"]["n"], 30);
  EXPECT_EQ(jb["judge_vs_human"]["sensitivity"].size(), 3u);
  EXPECT_EQ(jb["by_category"]["A"]["corrected"]["n_machine"], 40);
  EXPECT_EQ(jb["verdict_basis"], "corrected");
  EXPECT_NE(ReportTable(rep).find("decided by: corrected"), std::string::npos);
  // Asked for the machine figure: humans still replace machine labels where
  // given (34/40 = 0.85).
  ReportOptions machine;
  machine.verdict_basis = VerdictBasis::kMachine;
  auto rm = ComputeReport(*store_, "c", profile_, machine).value();
  EXPECT_EQ(rm.banks[0].verdict_basis, VerdictBasis::kMachine);
  EXPECT_NEAR(rm.banks[0].overall.rate, 0.85, 1e-12);
  ReportOptions human;
  human.verdict_basis = VerdictBasis::kHuman;
  auto rh = ComputeReport(*store_, "c", profile_, human).value();
  EXPECT_NEAR(rh.banks[0].decided_rate, 0.8, 1e-12);
}

TEST_F(ReportTest, ExportRecordsTheSample) {
  MakeRun("r1");
  auto random = ExportReview(*store_, "r1", 3, 7, true, {}, ReviewSample::kRandom).value();
  EXPECT_NE(random.find("\"sample\":\"random seed=7 n=3 of 20\""), std::string::npos);
  auto uncertain = ExportReview(*store_, "r1", 3, 7, false, {}, ReviewSample::kUncertain).value();
  EXPECT_NE(uncertain.find("uncertain n=3 of 20"), std::string::npos);
  EXPECT_EQ(ExportReview(*store_, "r1", 3, 7, true, {}).value(), random);  // seeded
  auto bad = ImportReview(
      *store_, "r1", "bank,item_id,human_label,sample\ngenerated,g0,qualified,x\n", "s.csv", false);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("s.csv:2: field 'sample'"), std::string::npos);
}

TEST_F(ReportTest, ExportHasMachineLabels) {
  MakeRun("r1");
  auto csv = ExportReview(*store_, "r1", 0, 1, false, {});
  ASSERT_TRUE(csv.ok());
  EXPECT_NE(csv->find("r1,generated,g0,A,en,p,text,unqualified,"), std::string::npos);
  auto jsonl = ExportReview(*store_, "r1", 3, 1, true, {}).value();
  size_t lines = std::count(jsonl.begin(), jsonl.end(), '\n');
  EXPECT_EQ(lines, 9u);  // 3 per bank
  // Round trip: the exported file imports (labels left empty: nothing set).
  EXPECT_EQ(ImportReview(*store_, "r1", *csv, "x.csv", false).value(), 0u);
}

TEST_F(ReportTest, DiffFlagsSignificantRegressions) {
  double z;
  // Hand-computed: 90/100 vs 80/100, pooled z = -1.98030, p = 0.047670.
  EXPECT_NEAR(TwoProportionPValue(90, 100, 80, 100, &z), 0.047670, 1e-5);
  EXPECT_NEAR(z, -1.980295, 1e-5);
  EXPECT_EQ(TwoProportionPValue(0, 0, 1, 2, &z), 1);
  MakeRun("a", 20);
  MakeRun("b", 10);
  auto ra = ComputeReport(*store_, "a", profile_, {}).value();
  auto rb = ComputeReport(*store_, "b", profile_, {}).value();
  Diff d = ComputeDiff(ra, rb);
  bool found = false;
  for (const DiffRow& row : d.rows) {
    if (row.bank == BankKind::kShouldRefuse && row.category.empty()) {
      found = true;
      EXPECT_TRUE(row.regression);
      EXPECT_NEAR(row.delta, -0.5, 1e-12);
    }
    if (row.bank == BankKind::kGenerated) {
      EXPECT_FALSE(row.regression);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(d.regressions, 2u);  // the bank and its one category
  EXPECT_EQ(ComputeDiff(ra, ra).regressions, 0u);
  EXPECT_EQ(nlohmann::json::parse(DiffJson(d))["schema"], "safegate.eval-diff/1");
}

}  // namespace
}  // namespace safegate::eval
