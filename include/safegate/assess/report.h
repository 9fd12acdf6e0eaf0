// The assessment report (`safegate assess`): every requirement of the profile
// as a row with its measured value and verdict, the steps that produced the
// evidence, and the data of the report's charts.
//
// The report is pure data. assess.h builds it from a project's evidence
// files; this header writes it as JSON (schema "safegate.assess-report/1"),
// reads it back (for `assess --diff`), compares two reports and renders the
// self-contained HTML page. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/i18n.h"
#include "safegate/base/status.h"
#include "safegate/stats/interval.h"

namespace safegate::assess {

inline constexpr const char* kReportSchema = "safegate.assess-report/1";
inline constexpr const char* kReportDiffSchema = "safegate.assess-diff/1";

// pass: measured and met. fail: measured and not met. sample too small: a
// rate was measured on fewer items than the profile requires (its point
// estimate is shown but not judged). not assessed: no data (`detail` says
// what is missing).
enum class Verdict { kPass, kFail, kSampleTooSmall, kNotAssessed };
// "pass" | "fail" | "sample too small" | "not assessed".
std::string_view VerdictName(Verdict verdict);
Result<Verdict> ParseVerdict(std::string_view name);

// One requirement of the profile, measured (or not).
struct Row {
  std::string id;           // requirement key, e.g. "eval.should_refuse.min_refusal_rate"
  std::string scope;        // "" or what the row is about: a source, a bank, a category
  std::string section;      // "banks" | "corpus" | "eval" | "moderation"
  std::string requirement;  // the rule's text (from the profile)
  // The rule in other languages where the profile gives it ("zh" -> text).
  std::map<std::string, std::string> requirement_texts;
  std::string source;      // where the number comes from, and its status (from the profile)
  std::string comparison;  // ">=" or "<=" (measured against required)
  double required = 0;
  std::string unit;  // "rate" (0..1) | "count" | "days" | "fraction" | "reviewers" | "setting"
  std::optional<double> measured;
  // For rates: k of n items (n == 0: not a proportion) and the 95% intervals.
  uint64_t k = 0;
  uint64_t n = 0;
  std::optional<stats::Interval> wilson;
  std::optional<stats::Interval> clopper_pearson;
  // For rates: P(verdict pass | true rate exactly at the threshold) at this n.
  std::optional<double> oc_at_threshold;
  Verdict verdict = Verdict::kNotAssessed;
  std::string detail;                 // one line: shortfalls, or what is missing
  std::vector<std::string> evidence;  // paths relative to the report's directory
};

// One step of the assessment and how it went.
struct Step {
  std::string id;     // "banks" | "corpus" | "eval" | "moderation"
  std::string title;  // "Bank lint"
  // "ran" | "reused" (inputs unchanged since the last run) | "not assessed"
  // (cannot run: `detail` says what is missing) | "failed" (an error: `detail`)
  std::string status;
  std::string detail;
  std::vector<std::string> commands;  // the safegate commands that reproduce it
  std::string input_hash;             // content hash of the inputs and settings
  double seconds = 0;
  std::vector<std::string> evidence;  // files it wrote (relative to the report)
};

// A bar chart of rates with 95% Wilson intervals against a threshold line.
struct RateBar {
  std::string label;  // category, source, or bank
  uint64_t k = 0;
  uint64_t n = 0;
  double rate = 0;
  stats::Interval wilson;
  // With reviewer labels of a random sample: the rate corrected for the
  // judges' errors and its 95% interval (stats/ppi.h), drawn beside the bar.
  std::optional<double> corrected;
  std::optional<stats::Interval> corrected_interval;
};
struct RateChart {
  std::string id;       // unique in the report, e.g. "eval.should_refuse.by_category"
  std::string section;  // as Row::section
  std::string title;
  std::string metric;    // "refusal rate", "qualified rate", "unallowable share"
  double threshold = 0;  // the line
  bool higher_is_better = true;
  std::vector<RateBar> bars;
};

// The operating characteristic of a rate requirement: the chance of a pass
// verdict as a function of the true rate, at the row's n and threshold.
struct OcCurve {
  std::string row_id;  // Row::id (+ "/" + scope when scoped)
  std::string title;
  uint64_t n = 0;
  double threshold = 0;
  bool higher_is_better = true;
  std::vector<std::pair<double, double>> points;  // (true rate, P(pass)), rate ascending
};

// A labelled figure of a section that is not a requirement (e.g. "backlog": "3").
struct Fact {
  std::string section;
  std::string label;
  std::string value;
};

struct Report {
  std::string project;       // the project file, as given
  std::string generated_at;  // ISO 8601 UTC
  std::string tool_version;
  std::string profile_id, profile_version, profile_title, profile_origin;
  std::map<std::string, std::string> profile_titles;  // the title in other languages
  std::string policy_id, policy_version;
  uint64_t seed = 0;
  std::vector<Step> steps;
  std::vector<Row> rows;
  std::vector<RateChart> charts;
  std::vector<OcCurve> oc_curves;
  std::vector<Fact> facts;

  // Rows per verdict.
  size_t Count(Verdict v) const;
  // Every row passes (and there is at least one row).
  bool AllPass() const;
};

// The OC curve of a rate requirement: `points` evenly spaced true rates in
// [0, 1] (and the threshold itself). A pass is rate >= threshold (or <= when
// !higher_is_better) on n items, as the verdicts read it.
OcCurve MakeOcCurve(std::string row_id, std::string title, uint64_t n, double threshold,
                    bool higher_is_better, int points = 101);

// JSON (schema kReportSchema), pretty-printed, and back. ParseReportJson's
// errors name `origin` and the field.
std::string ReportJson(const Report& report);
Result<Report> ParseReportJson(std::string_view json, const std::string& origin);

// A terminal table: one line per row (verdict, id, scope, measured, required).
std::string SummaryTable(const Report& report);

// What changed between two reports, row by row (matched on id + scope).
struct RowChange {
  std::string id, scope;
  std::optional<Verdict> old_verdict, new_verdict;  // nullopt: row absent on that side
  std::optional<double> old_measured, new_measured;
};
struct ReportDiff {
  std::vector<RowChange> changes;  // only rows whose verdict or measured value changed
  size_t regressions = 0;          // verdict was pass and is no longer
  size_t improvements = 0;         // verdict was not pass and is now pass
};
ReportDiff DiffReports(const Report& old_report, const Report& new_report);
std::string DiffJson(const ReportDiff& diff, const std::string& old_origin);  // kReportDiffSchema
std::string DiffTable(const ReportDiff& diff);

// The report as one self-contained HTML page: no external resource (styles,
// scripts and charts are inline; charts are SVG), sortable tables, a print
// style sheet. Evidence links are relative to the page's directory. Every
// fixed string of the page comes from the message catalog in `lang`
// (safegate/base/i18n.h), numbers and dates are written as `lang` writes them,
// and a rule's text is the profile's in `lang`, else the catalog's for its
// key, else the profile's English text. Texts measured by the steps (a row's
// detail, step details, chart titles) stay as the report holds them.
std::string RenderHtml(const Report& report, i18n::Lang lang = i18n::Lang::kEn);

}  // namespace safegate::assess
