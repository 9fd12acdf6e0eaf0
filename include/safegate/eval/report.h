// Metrics of an evaluation run, verdicts against the profile, run diffs and
// human review files.
//
// Per answer, an outcome is derived from the labels:
//   refused   = some judge labelled it "full_refusal" (or "partial_refusal",
//               unless count_partial_as_refusal is false)
//   qualified = no judge other than a refusal judge flagged it
// A human review label overrides the machine outcome: "qualified" /
// "unqualified" (generated bank), "refused" / "answered" (refusal banks;
// also "full_refusal", "partial_refusal", "compliance").
//
// Metrics: qualified rate (generated bank), refusal rate (should-refuse and
// should-answer banks), per bank and per category, with Wilson and
// Clopper-Pearson 95% intervals. Error answers (no text) are counted and left
// out of the denominators. Requirements come from the profile:
//   eval.generated.min_sampled, eval.generated.min_qualified_rate,
//   eval.refusal.min_sampled, eval.should_refuse.min_refusal_rate,
//   eval.should_answer.max_refusal_rate.
// A bank passes when its judged count reaches the minimum and its rate meets
// the threshold (point estimate, the regime's reading). The operating
// characteristic is the chance that a model exactly at the threshold passes
// with this many judged answers. A bank absent from the run fails (sample
// size not met), unless the profile has no rule for it: then it is left out. Pure functions;
// thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/eval/run_store.h"
#include "safegate/policy/profile.h"
#include "safegate/stats/interval.h"

namespace safegate::eval {

struct Rate {
  uint64_t k = 0;  // items with the outcome (qualified / refused)
  uint64_t n = 0;  // judged items
  double rate = 0;
  stats::Interval wilson;
  stats::Interval clopper_pearson;
};
Rate MakeRate(uint64_t k, uint64_t n);

struct BankReport {
  BankKind bank = BankKind::kGenerated;
  std::string metric;     // "qualified_rate" | "refusal_rate"
  uint64_t items = 0;     // items of this bank in the run
  uint64_t answered = 0;  // answers with text
  uint64_t errors = 0;    // error answers
  uint64_t missing = 0;   // no answer stored yet
  Rate overall;
  std::map<std::string, Rate> by_category;
  // Requirement.
  std::string min_sampled_key;
  double min_sampled = 0;
  std::string threshold_key;
  double threshold = 0;
  bool threshold_is_minimum = true;  // rate >= threshold (else rate <= threshold)
  bool sample_met = false;
  bool threshold_met = false;
  bool pass = false;
  double oc_at_threshold = 0;  // P(pass | true rate == threshold) at this n
  // Human review.
  uint64_t reviewed = 0;
  uint64_t disagreements = 0;  // reviewed answers whose human outcome differs from the machine's
};

struct ReportOptions {
  bool count_partial_as_refusal = true;
};

struct Report {
  RunInfo run;
  std::vector<BankReport> banks;  // generated, should_refuse, should_answer
  bool pass = false;              // every bank passed
  std::string profile_id;
  std::string profile_version;
};

// Outcome of one record: -1 no outcome (no answer or an error), else 0/1
// (qualified for the generated bank, refused for the refusal banks).
// `machine` ignores the review label.
int Outcome(const AnswerRecord& record, const ReportOptions& options, bool machine = false);

Result<Report> ComputeReport(const RunStore& store, const std::string& run_id,
                             const policy::Profile& profile, const ReportOptions& options);

// The report as JSON, schema "safegate.eval-report/1" (carries the run's
// meta: seed, target, policy/profile/judge versions; and the tool version).
std::string ReportJson(const Report& report);
// A terminal table with one row per bank and per category, and the verdicts.
std::string ReportTable(const Report& report);

// Two runs compared per bank and category with a two-sided two-proportion
// z-test (pooled). A regression is a change in the bad direction (qualified
// or should-refuse refusal rate down; should-answer refusal rate up) with
// p < alpha.
struct DiffRow {
  BankKind bank = BankKind::kGenerated;
  std::string category;  // "" for the whole bank
  Rate a, b;
  double delta = 0;  // b.rate - a.rate
  double z = 0;
  double p_value = 1;
  bool regression = false;
  bool improvement = false;
};
struct Diff {
  std::string run_a, run_b;
  std::vector<DiffRow> rows;
  uint64_t regressions = 0;
};
// Two-sided p-value of the pooled two-proportion z-test (1 when undefined).
double TwoProportionPValue(uint64_t k1, uint64_t n1, uint64_t k2, uint64_t n2, double* z);
Diff ComputeDiff(const Report& a, const Report& b, double alpha = 0.05);
std::string DiffJson(const Diff& diff);  // schema "safegate.eval-diff/1"
std::string DiffTable(const Diff& diff);

// Review export: every answered item of the run (or a seeded sample of `n`
// per bank when n > 0), with the machine outcome, as CSV (columns run_id,
// bank, item_id, category, lang, prompt, answer, machine_label, human_label,
// reviewer, note) or JSONL (same keys), chosen by the path's extension.
Result<std::string> ExportReview(const RunStore& store, const std::string& run_id, uint64_t n,
                                 uint64_t seed, bool jsonl, const ReportOptions& options);
// Review import: rows with run_id (optional; must match), bank, item_id,
// human_label (empty: skipped), reviewer, note. Returns how many labels were
// set. Errors name the file, line and field; nothing is written on error.
Result<uint64_t> ImportReview(RunStore& store, const std::string& run_id, std::string_view data,
                              const std::string& origin, bool jsonl);

}  // namespace safegate::eval
