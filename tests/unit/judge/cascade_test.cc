// The refusal cascade: the fast judge decides where it is sure, the escalation
// judge decides the rest, and a failing escalation judge leaves the answer
// unjudged (an error), never the fast judge's verdict.
#include "safegate/judge/cascade.h"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "safegate/judge/llm.h"
#include "unit/judge/loopback_server.h"

namespace safegate::judge {
namespace {

// A judge that returns a fixed verdict (or error) and counts its calls.
class FixedJudge final : public Judge {
 public:
  FixedJudge(std::string name, std::string label, double score, bool fail = false)
      : name_(std::move(name)), label_(std::move(label)), score_(score), fail_(fail) {}
  std::string_view name() const override { return name_; }
  std::string_view version() const override { return "v1"; }
  Result<Verdict> Run(const JudgeInput&) const override {
    calls++;
    if (fail_) return UnavailableError("judge down");
    Verdict v;
    v.label = label_;
    v.score = score_;
    return v;
  }
  mutable std::atomic<int> calls{0};

 private:
  std::string name_, label_;
  double score_;
  bool fail_;
};

TEST(Cascade, ConfidenceOfEachLabel) {
  Verdict v;
  v.label = "full_refusal";
  v.score = 0.9;
  EXPECT_DOUBLE_EQ(RefusalConfidence(v), 0.9);
  v.label = "partial_refusal";
  v.score = 0.6;
  EXPECT_DOUBLE_EQ(RefusalConfidence(v), 0.6);
  v.label = "compliance";
  v.score = 0.1;  // P(refusal) 0.1: 0.9 sure of compliance
  EXPECT_DOUBLE_EQ(RefusalConfidence(v), 0.9);
}

TEST(Cascade, FastJudgeDecidesWhereSureTheOtherTheRest) {
  struct Row {
    std::string label;
    double score;
    bool escalates;
  };
  for (const Row& r : {Row{"full_refusal", 0.95, false}, Row{"full_refusal", 0.8, false},
                       Row{"full_refusal", 0.79, true}, Row{"compliance", 0.05, false},
                       Row{"compliance", 0.3, true}, Row{"partial_refusal", 0.5, true}}) {
    auto fast = std::make_shared<FixedJudge>("refusal", r.label, r.score);
    auto slow = std::make_shared<FixedJudge>("refusal-llm", "partial_refusal", 1.0);
    auto c = NewCascadeJudge(fast, slow, 0.8);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ((*c)->name(), "refusal");
    EXPECT_EQ((*c)->version(), "v1|escalate<0.8:refusal-llm/v1");
    auto v = (*c)->Run({"answer", "prompt", ""});
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(slow->calls, r.escalates ? 1 : 0) << r.label << " " << r.score;
    EXPECT_EQ(v->decided_by, r.escalates ? "refusal-llm" : "refusal");
    EXPECT_EQ(v->label, r.escalates ? "partial_refusal" : r.label);
  }
}

TEST(Cascade, FailingEscalationIsAnErrorNeverTheFastVerdict) {
  auto fast = std::make_shared<FixedJudge>("refusal", "compliance", 0.4);  // 0.6 sure
  auto slow = std::make_shared<FixedJudge>("refusal-llm", "", 0, /*fail=*/true);
  auto c = NewCascadeJudge(fast, slow, 0.8);
  ASSERT_TRUE(c.ok());
  auto v = (*c)->Run({"answer", "prompt", ""});
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("escalation judge refusal-llm failed"), std::string::npos);
  // A failing fast judge is an error too.
  auto c2 = NewCascadeJudge(std::make_shared<FixedJudge>("refusal", "", 0, true),
                            std::make_shared<FixedJudge>("refusal-llm", "compliance", 0), 0.8);
  ASSERT_TRUE(c2.ok());
  EXPECT_FALSE((*c2)->Run({"a", "p", ""}).ok());
}

TEST(Cascade, BadOptions) {
  auto j = std::make_shared<FixedJudge>("refusal", "compliance", 0);
  EXPECT_FALSE(NewCascadeJudge(j, nullptr, 0.8).ok());
  EXPECT_FALSE(NewCascadeJudge(nullptr, j, 0.8).ok());
  EXPECT_FALSE(NewCascadeJudge(j, j, 1.5).ok());
  EXPECT_FALSE(NewCascadeJudge(j, j, -0.1).ok());
}

// End to end with the LLM refusal judge on a loopback server that returns a
// malformed class: the escalated answer is an error.
TEST(Cascade, MalformedLlmOutputLeavesTheAnswerUnjudged) {
  std::string reply = "full_refusal";
  testing::LoopbackServer server([&](const std::string&) {
    return std::make_pair(
        200, nlohmann::json{{"choices", {{{"message", {{"content", reply}}}}}}}.dump());
  });
  LlmJudgeOptions o;
  o.url = server.url();
  o.format = LlmFormat::kRefusal;
  o.api = "chat";
  o.timeout_seconds = 10;
  auto llm = NewLlmJudge(o);
  ASSERT_TRUE(llm.ok());
  auto c = NewCascadeJudge(std::make_shared<FixedJudge>("refusal", "compliance", 0.5),
                           std::shared_ptr<const Judge>(std::move(llm).value()), 0.8);
  ASSERT_TRUE(c.ok());
  auto v = (*c)->Run({"answer", "prompt", ""});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->label, "full_refusal");
  EXPECT_EQ(v->decided_by, "refusal-llm");
  reply = "full_refus";
  EXPECT_FALSE((*c)->Run({"answer", "prompt", ""}).ok());
}

}  // namespace
}  // namespace safegate::judge
