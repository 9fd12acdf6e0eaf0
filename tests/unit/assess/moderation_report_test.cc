// safegate.moderation-report: the one definition `serve report` writes and
// the assessment reads.
#include "safegate/assess/moderation_report.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "safegate/assess/assess.h"

namespace safegate::assess {
namespace {

ModerationReport Full() {
  ModerationReport r;
  r.tool_version = "0.9.0";
  r.window_from = "2026-11-19T00:00:00Z";
  r.window_to = "2026-11-26T00:00:00Z";
  r.window_days = 7;
  r.target_minutes = 30;
  r.target_share = 0.95;
  r.arrivals = 120;
  r.arrivals_per_hour = 0.714;
  r.backlog = 3;
  r.oldest_open_age_seconds = 5400;
  r.decided = 110;
  r.removed = 40;
  r.decided_within_target = 100;
  r.open_overdue = 2;
  r.within_target_share = 100.0 / 112;
  r.p50_minutes = 4.5;
  r.p90_minutes = 25;
  r.p99_minutes = 61.25;
  r.mean_handling_minutes = 2.5;
  r.reviewers_active = 2;
  r.reviewers_configured = 3;
  stats::Staffing s;
  s.target = {0.95, 30, stats::ServiceLevelKind::kDecided};
  stats::StaffingMeasured me;
  me.hours = 168;
  me.arrivals_per_hour = 0.714;
  me.handling_minutes = 2.5;
  me.handling_measured_decisions = 90;
  me.note = "a note";
  s.measured = me;
  s.scenarios.push_back(stats::PlanScenario("measured", {0.714, 2.5}, s.target));
  r.staffing = s;
  r.strikes = ModerationStrikes{3, 5, 1440};
  r.audit_log_ok = true;
  r.audit_log_rows = 512;
  return r;
}

TEST(ModerationReport, RoundTripsEveryField) {
  const ModerationReport r = Full();
  const std::string text = ModerationReportJson(r);
  auto back = ParseModerationReportJson(text, "m.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->schema, kModerationReportSchema);
  EXPECT_EQ(back->window_to, r.window_to);
  EXPECT_EQ(back->window_days, 7);
  EXPECT_DOUBLE_EQ(back->target_share, 0.95);
  EXPECT_EQ(back->open_overdue, 2);
  EXPECT_DOUBLE_EQ(back->within_target_share, r.within_target_share);
  EXPECT_EQ(back->reviewers_configured, std::optional<int64_t>(3));
  ASSERT_TRUE(back->staffing.has_value());
  ASSERT_TRUE(back->staffing->measured.has_value());
  EXPECT_EQ(back->staffing->measured->handling_minutes, std::optional<double>(2.5));
  EXPECT_EQ(back->staffing->measured->note, "a note");
  ASSERT_EQ(back->staffing->scenarios.size(), 1u);
  ASSERT_TRUE(back->staffing->scenarios[0].result.has_value());
  EXPECT_EQ(back->staffing->scenarios[0].result->servers, 1);
  ASSERT_TRUE(back->strikes.has_value());
  EXPECT_EQ(back->strikes->per_day, 5);
  EXPECT_EQ(back->strikes->suspend_minutes, 1440);
  EXPECT_TRUE(back->audit_log_ok);
  EXPECT_EQ(back->audit_log_rows, 512);
  // Writing what was read gives the same bytes.
  EXPECT_EQ(ModerationReportJson(*back), text);
}

// The bytes `serve report` writes (key order, nulls, a final newline; the
// staffing part is safegate.staffing/2, stats/staffing.h).
TEST(ModerationReport, WritesTheFileFormatOfServeReport) {
  ModerationReport r;
  r.tool_version = "t";
  r.window_from = "-";
  r.window_to = "2026-11-26T00:00:00Z";
  r.window_days = 1;
  r.target_minutes = 30;
  r.target_share = 0.95;
  stats::Staffing s;
  stats::StaffingMeasured me;
  me.hours = 24;
  me.missing = {"arrivals: no flags in the window"};
  s.measured = me;
  r.staffing = s;
  EXPECT_EQ(ModerationReportJson(r),
            R"({
 "schema": "safegate.moderation-report/3",
 "tool_version": "t",
 "window": {
  "from": "-",
  "to": "2026-11-26T00:00:00Z",
  "days": 1
 },
 "target": {
  "minutes": 30.0,
  "share": 0.95
 },
 "arrivals": 0,
 "arrivals_per_hour": 0.0,
 "backlog": 0,
 "oldest_open_age_seconds": 0,
 "decided": 0,
 "removed": 0,
 "decided_within_target": 0,
 "open_overdue": 0,
 "within_target_share": 0.0,
 "p50_minutes": 0.0,
 "p90_minutes": 0.0,
 "p99_minutes": 0.0,
 "mean_handling_minutes": 0.0,
 "reviewers_active": 0,
 "reviewers_configured": null,
 "staffing": {
  "schema": "safegate.staffing/2",
  "model": "erlang-c",
  "target": {
   "share": 0.95,
   "minutes": 30.0,
   "kind": "decided"
  },
  "measured": {
   "hours": 24.0,
   "arrivals_per_hour": 0.0,
   "handling_measured_decisions": 0,
   "missing": [
    "arrivals: no flags in the window"
   ]
  },
  "scenarios": []
 },
 "strikes": null,
 "audit_log": {
  "ok": false,
  "rows": 0,
  "message": ""
 }
}
)");
}

TEST(ModerationReport, ReadsVersionOneAndRefusesOtherSchemas) {
  auto v1 = ParseModerationReportJson(
      R"({"schema": "safegate.moderation-report/1", "decided": 4, "decided_within_target": 3,
          "target": {"minutes": 30, "share": 0.9}, "strikes": null})",
      "old.json");
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(v1->decided, 4);
  EXPECT_EQ(v1->open_overdue, 0);  // not in /1
  EXPECT_FALSE(v1->staffing.has_value());
  EXPECT_FALSE(v1->strikes.has_value());

  auto other = ParseModerationReportJson(R"({"schema": "safegate.eval-report/1"})", "x.json");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().message(),
            "x.json: field 'schema': expected safegate.moderation-report/1, /2 or /3, got "
            "'safegate.eval-report/1'");
  EXPECT_FALSE(ParseModerationReportJson(R"({"decided": 1})", "x.json").ok());  // no schema
  EXPECT_FALSE(ParseModerationReportJson("[1]", "x.json").ok());
  auto typed = ParseModerationReportJson(
      R"({"schema": "safegate.moderation-report/2", "strikes": {"per_day": "five"}})", "x.json");
  ASSERT_FALSE(typed.ok());
  EXPECT_EQ(typed.status().message(), "x.json: field 'strikes.per_day': expected an integer");
  auto count = ParseModerationReportJson(
      R"({"schema": "safegate.moderation-report/2", "decided": 2.5})", "x.json");
  ASSERT_FALSE(count.ok());
  EXPECT_EQ(count.status().message(), "x.json: field 'decided': expected an integer");
}

// Version 2 files (written before the staffing shape was shared) are read
// into the same typed staffing: the measured figures and one scenario.
TEST(ModerationReport, ReadsTheStaffingOfVersionTwo) {
  auto v2 = ParseModerationReportJson(
      R"({"schema": "safegate.moderation-report/2", "window": {"days": 7},
          "target": {"minutes": 30, "share": 0.9},
          "staffing": {"model": "erlang-c", "arrivals_per_hour": 12.5, "handling_minutes": 4.0,
                       "handling_measured_decisions": 80, "missing": [], "note": "n",
                       "offered_load_erlangs": 0.8333, "required_reviewers": 3,
                       "service_level": 0.97}})",
      "v2.json");
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  ASSERT_TRUE(v2->staffing.has_value());
  const stats::Staffing& s = *v2->staffing;
  EXPECT_DOUBLE_EQ(s.target.share, 0.9);
  ASSERT_TRUE(s.measured.has_value());
  EXPECT_DOUBLE_EQ(s.measured->hours, 168);
  EXPECT_EQ(s.measured->handling_minutes, std::optional<double>(4.0));
  EXPECT_EQ(s.measured->handling_measured_decisions, 80);
  EXPECT_EQ(s.measured->note, "n");
  ASSERT_EQ(s.scenarios.size(), 1u);
  EXPECT_EQ(s.scenarios[0].name, "measured");
  ASSERT_TRUE(s.scenarios[0].result.has_value());
  EXPECT_EQ(s.scenarios[0].result->servers, 3);
  EXPECT_DOUBLE_EQ(s.scenarios[0].result->service_level, 0.97);
  EXPECT_EQ(s.scenarios[0].offered_load_erlangs, std::optional<double>(0.8333));

  // Not measured: no scenario, and the assessment says what is missing.
  auto missing = ParseModerationReportJson(
      R"({"schema": "safegate.moderation-report/2",
          "staffing": {"arrivals_per_hour": 0, "missing": ["arrivals: none"]}})",
      "v2.json");
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  EXPECT_TRUE(missing->staffing->scenarios.empty());
  EXPECT_EQ(missing->staffing->measured->missing, std::vector<std::string>{"arrivals: none"});

  // Version 3: a field of the staffing part of the wrong type is named in full.
  auto bad = ParseModerationReportJson(
      R"({"schema": "safegate.moderation-report/3",
          "staffing": {"schema": "safegate.staffing/2",
                       "scenarios": [{"name": "measured", "reviewers": 2.5}]}})",
      "v3.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "v3.json: field 'staffing.scenarios[0].reviewers': expected an integer");
}

// The report builder reads the evidence through the typed definition: a file
// of another schema is not read by key name (the old reader measured its
// "strikes"), it makes the moderation rows "not assessed".
Result<Report> BuildWithModerationEvidence(const std::string& name, const std::string& text) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(::testing::TempDir()) / name;
  fs::create_directories(dir / "assessment" / "evidence");
  std::ofstream((dir / "assessment" / "evidence" / "moderation.json").string()) << text;
  AssessProject p;
  p.file = (dir / "safegate.yaml").string();
  p.dir = dir.string();
  Step step;
  step.id = "moderation";
  step.status = "ran";
  return BuildReport(p, policy::LoadProfile("baseline").value(), {step});
}

const Row* FindRow(const Report& r, const std::string& id) {
  for (const Row& w : r.rows)
    if (w.id == id) return &w;
  return nullptr;
}

TEST(BuildReport, ReadsModerationEvidenceThroughTheTypedDefinition) {
  ModerationReport m = Full();
  auto good = BuildWithModerationEvidence("build_moderation_good", ModerationReportJson(m));
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  const Row* strikes = FindRow(*good, "strikes.consecutive");
  ASSERT_NE(strikes, nullptr);
  EXPECT_EQ(strikes->measured, std::optional<double>(3));
  const Row* within = FindRow(*good, "moderation.review.min_within_target");
  ASSERT_NE(within, nullptr);
  EXPECT_EQ(within->k, 100u);
  EXPECT_EQ(within->n, 112u);  // decided + open past the target
  const Row* staffing = FindRow(*good, "moderation.review.staffing");
  ASSERT_NE(staffing, nullptr);
  EXPECT_EQ(staffing->verdict, Verdict::kPass);  // 3 configured, 1 needed

  auto foreign = BuildWithModerationEvidence(
      "build_moderation_foreign",
      R"({"schema": "safegate.eval-report/1", "strikes": {"consecutive": 3, "per_day": 5}})");
  ASSERT_TRUE(foreign.ok()) << foreign.status().ToString();
  const Row* s = FindRow(*foreign, "strikes.consecutive");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->verdict, Verdict::kNotAssessed);
  EXPECT_FALSE(s->measured.has_value());
  EXPECT_NE(s->detail.find("evidence unreadable"), std::string::npos) << s->detail;
  EXPECT_NE(s->detail.find("field 'schema'"), std::string::npos) << s->detail;
  EXPECT_EQ(FindRow(*foreign, "moderation.audit_log.intact"), nullptr);
}

}  // namespace
}  // namespace safegate::assess
