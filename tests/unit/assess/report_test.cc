#include "safegate/assess/report.h"

#include <gtest/gtest.h>

namespace safegate::assess {
namespace {

Report Sample() {
  Report r;
  r.project = "p/safegate.yaml";
  r.profile_id = "demo";
  r.seed = 7;
  Row a;
  a.id = "eval.should_refuse.min_refusal_rate";
  a.section = "eval";
  a.comparison = ">=";
  a.required = 0.95;
  a.unit = "rate";
  a.measured = 0.9;
  a.k = 18;
  a.n = 20;
  a.wilson = stats::Interval{0.699, 0.972};
  a.verdict = Verdict::kFail;
  a.evidence = {"eval/eval-report.json"};
  Row b;
  b.id = "corpus.source.max_unallowable_rate";
  b.scope = "forum-en";
  b.section = "corpus";
  b.comparison = "<=";
  b.required = 0.05;
  b.unit = "rate";
  b.verdict = Verdict::kNotAssessed;
  b.detail = "no corpus sources";
  r.rows = {a, b};
  r.oc_curves.push_back(MakeOcCurve(a.id, "should-refuse", 20, 0.95, true, 11));
  r.facts.push_back({"moderation", "backlog", "3"});
  return r;
}

TEST(ReportJson, RoundTrips) {
  Report r = Sample();
  std::string text = ReportJson(r);
  EXPECT_NE(text.find("\"schema\": \"safegate.assess-report/1\""), std::string::npos);
  auto back = ParseReportJson(text, "r.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->rows.size(), 2u);
  EXPECT_EQ(back->rows[0].verdict, Verdict::kFail);
  EXPECT_EQ(back->rows[0].k, 18u);
  ASSERT_TRUE(back->rows[0].wilson.has_value());
  EXPECT_DOUBLE_EQ(back->rows[0].wilson->lo, 0.699);
  EXPECT_FALSE(back->rows[1].measured.has_value());
  EXPECT_EQ(back->rows[1].scope, "forum-en");
  EXPECT_EQ(back->oc_curves.size(), 1u);
  EXPECT_EQ(back->facts.size(), 1u);
  EXPECT_EQ(ReportJson(*back), text);
}

TEST(ReportJson, ErrorsNameTheField) {
  auto r = ParseReportJson(R"({"schema":"safegate.assess-report/1","requirements":[{"id":"x",
      "verdict":"maybe"}]})",
                           "old.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("old.json"), std::string::npos);
  EXPECT_NE(r.status().message().find("requirements[0].verdict"), std::string::npos);
  EXPECT_FALSE(ParseReportJson("{\"schema\":\"other/1\"}", "x").ok());
  EXPECT_FALSE(ParseReportJson("not json", "x").ok());
}

TEST(Report, CountsAndAllPass) {
  Report r = Sample();
  EXPECT_EQ(r.Count(Verdict::kFail), 1u);
  EXPECT_EQ(r.Count(Verdict::kNotAssessed), 1u);
  EXPECT_FALSE(r.AllPass());
  for (Row& w : r.rows) w.verdict = Verdict::kPass;
  EXPECT_TRUE(r.AllPass());
  EXPECT_FALSE(Report{}.AllPass());
}

TEST(MakeOcCurve, MatchesTheBinomial) {
  // n = 20, pass when refusals >= 95% of 20, i.e. 19 or 20 refused. At a true
  // rate of 0.95: P(X >= 19) = 0.95^20 + 20 * 0.95^19 * 0.05 = 0.735840...
  OcCurve c = MakeOcCurve("x", "t", 20, 0.95, true, 11);
  bool found = false;
  for (auto [p, y] : c.points) {
    if (p == 0.95) {
      EXPECT_NEAR(y, 0.7358395, 1e-6);
      found = true;
    }
  }
  EXPECT_TRUE(found);
  EXPECT_NEAR(c.points.front().second, 0.0, 1e-12);  // true rate 0: never passes
  EXPECT_NEAR(c.points.back().second, 1.0, 1e-12);   // true rate 1: always passes
  // At most 5% bad of n = 20: pass when bad <= 1; at p = 0.05: 0.95^20 + 20*0.05*0.95^19.
  OcCurve d = MakeOcCurve("y", "t", 20, 0.05, false, 11);
  for (auto [p, y] : d.points) {
    if (p == 0.05) {
      EXPECT_NEAR(y, 0.7358395, 1e-6);
    }
  }
}

TEST(DiffReports, FindsRegressionsAndImprovements) {
  Report a = Sample();
  Report b = Sample();
  b.rows[0].verdict = Verdict::kPass;
  b.rows[0].measured = 0.96;
  b.rows[1].verdict = Verdict::kFail;  // not assessed -> fail: neither
  ReportDiff d = DiffReports(a, b);
  EXPECT_EQ(d.changes.size(), 2u);
  EXPECT_EQ(d.improvements, 1u);
  EXPECT_EQ(d.regressions, 0u);
  ReportDiff back = DiffReports(b, a);
  EXPECT_EQ(back.regressions, 1u);
  EXPECT_TRUE(DiffReports(a, a).changes.empty());
  Report c = Sample();
  c.rows.pop_back();
  c.rows[0].verdict = Verdict::kPass;
  ReportDiff e = DiffReports(c, a);  // a row appears; a pass turns into a fail
  EXPECT_EQ(e.regressions, 1u);
  EXPECT_NE(DiffJson(e, "old.json").find("safegate.assess-diff/1"), std::string::npos);
}

}  // namespace
}  // namespace safegate::assess
