// safegate.staffing/2: the one staffing shape of `serve staffing --json`, the
// reviewer page's API and the moderation report.
#include "safegate/stats/staffing.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "safegate/base/json.h"

namespace safegate::stats {
namespace {

TEST(Staffing, PlanScenarioIsRequiredServersWithItsCurve) {
  const StaffingTarget target{0.95, 30, ServiceLevelKind::kDecided};
  const QueueModel m{120, 4};  // 8 erlangs
  StaffingScenario s = PlanScenario("current", m, target, 3);
  auto want = RequiredServers(m, 0.95, 30, ServiceLevelKind::kDecided);
  ASSERT_TRUE(want.ok());
  ASSERT_TRUE(s.result.has_value()) << s.error;
  EXPECT_EQ(s.result->servers, want->servers);
  EXPECT_DOUBLE_EQ(s.result->service_level, want->service_level);
  EXPECT_EQ(s.offered_load_erlangs, std::optional<double>(8.0));
  // Team sizes above the load, within 3 of the answer, each with its level.
  ASSERT_FALSE(s.curve.empty());
  for (const StaffingPoint& p : s.curve) {
    EXPECT_GT(p.reviewers, 8);
    EXPECT_LE(std::abs(p.reviewers - want->servers), 3);
    EXPECT_DOUBLE_EQ(p.service_level, ServiceLevel(m, p.reviewers, 30, target.kind));
  }
  EXPECT_TRUE(PlanScenario("x", m, target).curve.empty());  // no radius, no curve
  // A target no team can meet is the scenario's error, with nothing computed.
  StaffingScenario bad = PlanScenario("slow", {120, 40}, target);
  EXPECT_FALSE(bad.result.has_value());
  EXPECT_NE(bad.error.find("handling alone takes longer"), std::string::npos) << bad.error;
}

TEST(Staffing, WritesOneShapeAndReadsItBack) {
  Staffing st;
  st.tool_version = "t";
  st.target = {0.8, 20.0 / 60, ServiceLevelKind::kPickedUp};
  StaffingMeasured me;
  me.hours = 24;
  me.arrivals_per_hour = 200;
  me.handling_minutes = 3;
  me.handling_measured_decisions = 40;
  st.measured = me;
  st.scenarios.push_back(PlanScenario("measured", {200, 3}, st.target, 1));
  StaffingScenario none;
  none.name = "what-if";
  none.note = "no arrivals or no handling time measured";
  none.note_key = "web.s.no_measure";
  st.scenarios.push_back(none);
  const nlohmann::ordered_json j = StaffingToJson(st);
  EXPECT_EQ(j["schema"], "safegate.staffing/2");
  EXPECT_EQ(j["target"]["kind"], "picked-up");
  EXPECT_EQ(j["scenarios"][0]["reviewers"], 14);  // the published call-centre example
  EXPECT_FALSE(j["scenarios"][1].contains("reviewers"));
  EXPECT_FALSE(j["scenarios"][1].contains("curve"));

  auto back = StaffingFromJson(nlohmann::json::parse(DumpJson(j)), "s.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->tool_version, "t");
  EXPECT_EQ(back->target.kind, ServiceLevelKind::kPickedUp);
  ASSERT_TRUE(back->measured.has_value());
  EXPECT_EQ(back->measured->handling_minutes, std::optional<double>(3));
  ASSERT_EQ(back->scenarios.size(), 2u);
  EXPECT_EQ(back->scenarios[0].result->servers, 14);
  EXPECT_EQ(back->scenarios[0].curve.size(), st.scenarios[0].curve.size());
  EXPECT_EQ(back->scenarios[1].note_key, "web.s.no_measure");
  EXPECT_FALSE(back->scenarios[1].result.has_value());
  // Writing what was read gives the same JSON.
  EXPECT_EQ(StaffingToJson(*back), j);
}

TEST(Staffing, ReadsVersionOneAndNamesBadFields) {
  // `serve staffing --json` of older safegate.
  auto v1 = StaffingFromJson(nlohmann::json::parse(R"({
      "schema": "safegate.staffing/1", "tool_version": "0.8", "model": "erlang-c",
      "kind": "picked-up", "target_share": 0.8, "target_minutes": 0.5,
      "scenarios": [{"scenario": "traffic x2", "arrivals_per_hour": 400, "handling_minutes": 3,
                     "offered_load_erlangs": 20, "reviewers": 25, "service_level": 0.9,
                     "prob_wait": 0.2, "mean_wait_minutes": 0.1, "occupancy": 0.8}]})"),
                             "old.json");
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->target.kind, ServiceLevelKind::kPickedUp);
  EXPECT_DOUBLE_EQ(v1->target.minutes, 0.5);
  ASSERT_EQ(v1->scenarios.size(), 1u);
  EXPECT_EQ(v1->scenarios[0].name, "traffic x2");
  EXPECT_EQ(v1->scenarios[0].result->servers, 25);
  EXPECT_DOUBLE_EQ(v1->scenarios[0].result->occupancy, 0.8);

  auto schema = StaffingFromJson(
      nlohmann::json::parse(R"({"schema": "safegate.review.staffing/1"})"), "x.json");
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().message(),
            "x.json: field 'schema': expected safegate.staffing/1 or /2, got "
            "'safegate.review.staffing/1'");
  auto kind = StaffingFromJson(
      nlohmann::json::parse(R"({"schema": "safegate.staffing/2", "target": {"kind": "soon"}})"),
      "x.json", "staffing.");
  ASSERT_FALSE(kind.ok());
  EXPECT_EQ(kind.status().message(),
            "x.json: field 'staffing.target.kind': expected decided or picked-up, got 'soon'");
  auto curve = StaffingFromJson(nlohmann::json::parse(R"({"schema": "safegate.staffing/2",
      "scenarios": [{"name": "a", "curve": [{"reviewers": "two"}]}]})"),
                                "x.json");
  ASSERT_FALSE(curve.ok());
  EXPECT_EQ(curve.status().message(),
            "x.json: field 'scenarios[0].curve[0].reviewers': expected an integer");
}

}  // namespace
}  // namespace safegate::stats
