#include "safegate/judge/factory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "safegate/judge/classifier.h"
#include "safegate/judge/keyword.h"

namespace safegate::judge {
namespace {

namespace fs = std::filesystem;

class FactoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sg-judge-factory-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    Write("bank.csv", "id,category,lang,text\nkw-1,S9,en,pipe bomb\n");
  }
  void TearDown() override { fs::remove_all(dir_); }
  // m.sgc: a classifier with labels "bad" and "0" (insults are "bad").
  void SaveToyModel() {
    std::vector<std::string> texts = {"idiot", "fool", "hello", "thanks"};
    std::vector<std::string> labels = {"bad", "bad", "0", "0"};
    ClassifierTrainOptions o;
    o.hash_bits = 12;
    auto m = TextClassifier::Train(texts, labels, o);
    ASSERT_TRUE(m.ok());
    ASSERT_TRUE((*m)->Save((dir_ / "m.sgc").string()).ok());
  }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  Result<std::vector<std::shared_ptr<const Judge>>> Make(const std::string& judges,
                                                         JudgeOptions o = {}) {
    Write("policy.yaml",
          "schema: safegate.policy/1\nid: p\nversion: \"1\"\nprofile: baseline\n"
          "keyword_banks: [bank.csv]\n" +
              judges);
    auto p = policy::LoadPolicy((dir_ / "policy.yaml").string());
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    if (!p.ok()) return p.status();
    o.cache_dir = (dir_ / "cache").string();  // the refusal model trains once per test
    return MakePolicyJudges(*p, o);
  }
  fs::path dir_;
};

std::vector<std::string> Names(const std::vector<std::shared_ptr<const Judge>>& js) {
  std::vector<std::string> out;
  for (const auto& j : js) out.emplace_back(j->name());
  return out;
}

TEST_F(FactoryTest, DefaultsWhenAbsent) {
  auto js = Make("");
  ASSERT_TRUE(js.ok()) << js.status().ToString();
  EXPECT_EQ(Names(*js), (std::vector<std::string>{"keyword", "pii", "refusal"}));
  auto v = (*js)[0]->Run({"how to make a PIPE BOMB", "", ""});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->label, "flagged");
  EXPECT_EQ(v->categories.at(0).category, "S9");
  EXPECT_EQ(v->evidence.at(0).rule, "kw-1");
  // The version names the banks and the matching rules' revision, so labels
  // stored under earlier rules (before spaced letters) are told apart.
  EXPECT_EQ(std::string((*js)[0]->version()), "keyword/p@1+match3");
  EXPECT_EQ(KeywordJudgeVersion("p@1"), "keyword/p@1+match3");
}

// The judges come from the bytes the policy was parsed from: a policy file
// rewritten (or removed) after loading changes nothing, so the judges can
// never come from a later version of the file than the rest of the policy.
TEST_F(FactoryTest, JudgesComeFromThePolicyAsLoaded) {
  Write("policy.yaml",
        "schema: safegate.policy/1\nid: p\nversion: \"1\"\nprofile: baseline\n"
        "keyword_banks: [bank.csv]\njudges: [{name: keyword}]\n");
  auto p = policy::LoadPolicy((dir_ / "policy.yaml").string());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  Write("policy.yaml", "judges: [{name: keyword}, {name: pii}, {name: refusal}]\n");
  JudgeOptions o;
  o.cache_dir = (dir_ / "cache").string();
  auto js = MakePolicyJudges(*p, o);
  ASSERT_TRUE(js.ok()) << js.status().ToString();
  EXPECT_EQ(Names(*js), (std::vector<std::string>{"keyword"}));
  fs::remove(dir_ / "policy.yaml");
  js = MakePolicyJudges(*p, o);
  ASSERT_TRUE(js.ok()) << js.status().ToString();
  EXPECT_EQ(Names(*js), (std::vector<std::string>{"keyword"}));
}

// The corpus jobs' options: skipped entries are checked, not built, and reported in order.
TEST_F(FactoryTest, SkippedEntriesAreReportedNotBuilt) {
  SaveToyModel();
  std::vector<JudgeOptions::Skipped> skipped;
  JudgeOptions o;
  o.skip = {"keyword", "llm", "refusal"};
  o.skipped = &skipped;
  auto js = Make(
      "judges:\n"
      "  - {name: keyword}\n"
      "  - {name: pii, category: S7}\n"
      "  - name: llm\n    url: http://127.0.0.1:9\n    format: openai-moderation\n"
      "    api_key_env: SG_FACTORY_TEST_UNSET_KEY\n"
      "  - {name: classifier, model: m.sgc, category: S10}\n"
      "  - {name: refusal, escalate: {to: guard}}\n"
      "  - {name: llm, id: guard, url: http://127.0.0.1:9, format: refusal}\n",
      o);
  ASSERT_TRUE(js.ok()) << js.status().ToString();
  EXPECT_EQ(Names(*js), (std::vector<std::string>{"pii", "classifier"}));
  std::vector<std::string> got;
  for (const auto& s : skipped) got.push_back(s.where + " " + s.name);
  EXPECT_EQ(got, (std::vector<std::string>{"judges[0] keyword", "judges[2] llm",
                                           "judges[4] refusal", "judges[5] llm"}));
  // A skipped entry is still checked.
  skipped.clear();
  auto bad = Make("judges:\n  - {name: refusal, convention: lax}\n", o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("judges[0].convention"), std::string::npos);
  // A prebuilt matcher is used as the keyword judge; keyword_only_default leaves pii and refusal
  // out of the defaults.
  JudgeOptions d;
  d.keyword_only_default = true;
  auto kw = Make("", d);
  ASSERT_TRUE(kw.ok()) << kw.status().ToString();
  EXPECT_EQ(Names(*kw), (std::vector<std::string>{"keyword"}));
}

TEST_F(FactoryTest, NamedJudges) {
  SaveToyModel();
  auto js = Make(
      "judges:\n"
      "  - {name: pii, detectors: [email, card], category: S7}\n"
      "  - {name: classifier, model: m.sgc, category: S10, threshold: 0.6}\n"
      "  - name: llm\n    url: http://127.0.0.1:9\n    format: openai-moderation\n"
      "    category_map: {violence: S1}\n"
      "  - {name: refusal, convention: strict}\n");
  ASSERT_TRUE(js.ok()) << js.status().ToString();
  EXPECT_EQ(Names(*js), (std::vector<std::string>{"pii", "classifier", "llm", "refusal"}));
  // The convention reaches the judge (its version says so).
  EXPECT_NE(std::string((*js)[3]->version()).find("+strict2"), std::string::npos);
}

TEST_F(FactoryTest, ErrorsNameFileLineField) {
  struct Bad {
    std::string yaml, needle;
  };
  for (const auto& b : std::vector<Bad>{
           {"judges:\n  - {name: magic}\n", "policy.yaml:7: field 'judges[0].name'"},
           {"judges:\n  - {name: pii, detectors: [passport]}\n", "judges[0].detectors[0]"},
           {"judges:\n  - {name: pii, category: Z9}\n", "not in the policy's taxonomy"},
           {"judges:\n  - name: llm\n    url: http://x\n    format: guard\n",
            "field 'judges[0].format'"},
           {"judges:\n  - name: llm\n    url: ftp://x\n    format: llama-guard-3\n",
            "judges[0].url"},
           {"judges:\n  - name: llm\n    url: http://x\n    format: llama-guard-3\n"
            "    category_map: {S1: Q.9}\n",
            "judges[0].category_map.S1"},
           {"judges:\n  - {name: classifier, model: missing.sgc}\n", "judges[0].model"},
           {"judges:\n  - {name: keyword, extra: 1}\n", "extra"},
           {"judges:\n  - {name: refusal, convention: xstest}\n",
            "field 'judges[0].convention': unknown refusal convention 'xstest'"},
           {"judges: keyword\n", "field 'judges'"},
           {"judges:\n  - name: llm\n    url: http://x\n    format: llama-guard-3\n    api: raw\n",
            "field 'judges[0].api'"},
           // Cascades.
           {"judges:\n  - {name: refusal, escalate: {to: guard}}\n",
            "field 'judges[0].escalate.to': no judge has the id or name 'guard'"},
           {"judges:\n  - {name: refusal, escalate: {to: g, below: 1.2}}\n"
            "  - {name: llm, id: g, url: http://x, format: refusal}\n",
            "field 'judges[0].escalate.below': must be in [0, 1]"},
           {"judges:\n  - {name: refusal, escalate: {to: g, after: 1}}\n", "judges[0].escalate"},
           {"judges:\n  - {name: refusal, escalate: guard}\n",
            "field 'judges[0].escalate': must be a map"},
           {"judges:\n  - {name: refusal, escalate: {to: g}}\n"
            "  - {name: llm, id: g, url: http://x, format: llama-guard-3}\n",
            "has format 'llama-guard-3', which gives no refusal label"},
           {"judges:\n  - {name: refusal, escalate: {to: pii}}\n  - {name: pii}\n",
            "must name an llm judge"},
           {"judges:\n  - {name: refusal, escalate: {to: llm}}\n"
            "  - {name: llm, url: http://x, format: refusal}\n"
            "  - {name: llm, url: http://y, format: refusal}\n",
            "several judges are named 'llm'"},
           {"judges:\n  - {name: llm, id: g, url: http://x, format: refusal}\n"
            "  - {name: llm, id: g, url: http://y, format: refusal}\n",
            "field 'judges[1].id': id 'g' is used twice"},
           {"judges:\n  - {name: pii, id: g}\n", "judges[0]"},
       }) {
    auto js = Make(b.yaml);
    ASSERT_FALSE(js.ok()) << b.yaml;
    EXPECT_NE(js.status().message().find(b.needle), std::string::npos)
        << js.status().message() << "\nwanted: " << b.needle;
  }
}

TEST_F(FactoryTest, ClassifierLabelsThresholdsAndScript) {
  SaveToyModel();
  auto js = Make(
      "judges:\n  - {name: classifier, model: m.sgc, labels: {bad: S10}, thresholds: {S10: 0.1},"
      " script: latin}\n");
  ASSERT_TRUE(js.ok()) << js.status().ToString();
  auto v = (*js)[0]->Run({"you idiot", "", ""});
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->categories.size(), 1u);
  EXPECT_EQ(v->categories[0].category, "S10");
  EXPECT_TRUE(v->categories[0].flagged);
  // A text in another script is not scored by a latin-script model.
  auto zh = (*js)[0]->Run({"你这个白痴", "", ""});
  ASSERT_TRUE(zh.ok());
  EXPECT_EQ(zh->categories[0].score, 0.0);
  EXPECT_FALSE(zh->flagged());
  struct Bad {
    std::string yaml, needle;
  };
  for (const auto& b : std::vector<Bad>{
           {"judges:\n  - {name: classifier, model: m.sgc, labels: {bad: Z9}}\n",
            "judges[0].labels.bad"},
           {"judges:\n  - {name: classifier, model: m.sgc, labels: {worse: S10}}\n",
            "the model has no label 'worse'"},
           {"judges:\n  - {name: classifier, model: m.sgc, labels: {bad: S10}, thresholds: {S1: "
            "0.5}}\n",
            "judges[0].thresholds.S1"},
           {"judges:\n  - {name: classifier, model: m.sgc, labels: {bad: S10}, thresholds: {S10: "
            "2}}\n",
            "must be in [0, 1]"},
           {"judges:\n  - {name: classifier, model: m.sgc, script: greek}\n",
            "field 'judges[0].script': unknown script 'greek'"},
       }) {
    auto bad = Make(b.yaml);
    ASSERT_FALSE(bad.ok()) << b.yaml;
    EXPECT_NE(bad.status().message().find(b.needle), std::string::npos)
        << bad.status().message() << "\nwanted: " << b.needle;
  }
}

TEST_F(FactoryTest, CascadeWrapsTheRefusalJudgeAndConsumesItsTarget) {
  auto js = Make(
      "judges:\n  - name: keyword\n  - name: refusal\n    escalate: {to: guard, below: 0.7}\n"
      "  - name: llm\n    id: guard\n    url: http://127.0.0.1:1\n    format: refusal\n"
      "    model: judge\n");
  ASSERT_TRUE(js.ok()) << js.status().ToString();
  // The llm entry is used through the cascade only, not as a judge of its own.
  EXPECT_EQ(Names(*js), (std::vector<std::string>{"keyword", "refusal"}));
  std::string version((*js)[1]->version());
  EXPECT_NE(version.find("|escalate<0.7:refusal-llm/llm/refusal+confined:judge"), std::string::npos)
      << version;
  // Sure answers never reach the (unreachable) LLM judge; unsure ones fail.
  auto sure =
      (*js)[1]->Run({"I'm sorry, but I can't help with that.", "How do I make a bomb?", ""});
  ASSERT_TRUE(sure.ok()) << sure.status().ToString();
  EXPECT_EQ(sure->decided_by, "refusal");
  // Without an escalation the plain refusal judge has no decided_by.
  auto plain = Make("judges:\n  - name: refusal\n");
  ASSERT_TRUE(plain.ok());
  auto v = (*plain)[0]->Run({"I'm sorry, but I can't help with that.", "q", ""});
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->decided_by.empty());
  // A WildGuard target by name, the default threshold.
  js = Make(
      "judges:\n  - {name: refusal, escalate: {to: llm}}\n"
      "  - {name: llm, url: http://127.0.0.1:1, format: wildguard}\n");
  ASSERT_TRUE(js.ok()) << js.status().ToString();
  EXPECT_EQ(Names(*js), (std::vector<std::string>{"refusal"}));
  EXPECT_NE(std::string((*js)[0]->version()).find("|escalate<0.8:wildguard/"), std::string::npos);
}

TEST_F(FactoryTest, CorruptModelNamed) {
  Write("m.sgc", "SGCLFMDL garbage");
  auto js = Make("judges:\n  - {name: classifier, model: m.sgc}\n");
  ASSERT_FALSE(js.ok());
  EXPECT_NE(js.status().message().find("judges[0].model"), std::string::npos);
}

}  // namespace
}  // namespace safegate::judge
