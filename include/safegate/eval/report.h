// Metrics of an evaluation run, verdicts against the profile, run diffs and
// human review files.
//
// Per answer, an outcome is derived from the labels:
//   refused   = some judge labelled it "full_refusal" (or "partial_refusal",
//               unless count_partial_as_refusal is false)
//   qualified = no judge other than a refusal judge flagged it
//   unjudged  = a judge failed on the answer (timeout, dead endpoint,
//               malformed output) and the judges that did answer do not
//               settle the outcome (fail closed: never a pass)
// A human review label overrides the machine outcome: "qualified" /
// "unqualified" (generated bank), "refused" / "answered" (refusal banks;
// also "full_refusal", "partial_refusal", "compliance").
//
// Metrics: qualified rate (generated bank), refusal rate (should-refuse and
// should-answer banks), per bank and per category, with Wilson and
// Clopper-Pearson 95% intervals. Error answers (no text: the model server
// failed, or sent nothing we can read) are counted and left out of the
// rates' denominators, but not out of the verdict: like unjudged answers,
// they are counted against the model in the worst case below and for it in
// the best case (a model server must not keep its worst answers out of the
// count by failing on exactly those items). Requirements come from the profile:
//   eval.generated.min_sampled, eval.generated.min_qualified_rate,
//   eval.refusal.min_sampled, eval.should_refuse.min_refusal_rate,
//   eval.should_answer.max_refusal_rate.
// A bank passes when its judged count reaches the minimum and its rate meets
// the threshold (point estimate, the regime's reading), with every unjudged
// answer counted against the model (worst case: unqualified, not refused on
// should_refuse, refused on should_answer, and left out of the judged count).
// When the worst case fails but the best case (unjudged and error answers
// counted for the model) passes, the verdict is "not assessed"; when even the
// best case fails, it is "fail". The operating
// characteristic is the chance that a model exactly at the threshold passes
// with this many judged answers. A bank absent from the run fails (sample
// size not met), unless the profile has no rule for it: then it is left out. Pure functions;
// thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/eval/run_store.h"
#include "safegate/policy/profile.h"
#include "safegate/stats/interval.h"
#include "safegate/stats/ppi.h"

namespace safegate::eval {

struct Rate {
  uint64_t k = 0;         // items with the outcome (qualified / refused)
  uint64_t n = 0;         // judged items
  uint64_t unjudged = 0;  // answers a judge failed on (not in n)
  double rate = 0;
  stats::Interval wilson;
  stats::Interval clopper_pearson;
};
Rate MakeRate(uint64_t k, uint64_t n, uint64_t unjudged = 0);

// The machine figure checked against people (stats/ppi.h), for a bank or a
// category: present when human labels from a random review sample exist.
//   corrected        the prediction-powered rate of the metric (machine labels
//                    of every answered item, reviewer labels on the random
//                    sample; an unjudged answer's machine label counts against
//                    the model)
//   judge_vs_human   agreement, sensitivity and specificity of the machine
//                    outcome on the sample's judged answers; "positive" is
//                    what the judges detect: an unqualified answer
//                    (generated), a refusal (refusal banks)
//   human            the rate among the sample's reviewer labels alone
struct HumanCheck {
  stats::CorrectedRate corrected;
  stats::JudgeAgreement judge_vs_human;
  Rate human;
  // The corrected rate with unjudged answers counted for the model (equal to
  // corrected.rate when nothing is unjudged).
  double corrected_best_case = 0;
};

// Which figure decides a bank's verdict.
enum class VerdictBasis {
  kAuto,       // kCorrected with >= kMinHumanForCorrected random human labels, else kMachine
  kMachine,    // the machine rate (reviewer labels replacing machine labels where given)
  kCorrected,  // the prediction-powered rate
  kHuman,      // the reviewer labels of the random sample alone
};
inline constexpr uint64_t kMinHumanForCorrected = 30;
// "auto" | "machine" | "corrected" | "human".
std::string_view VerdictBasisName(VerdictBasis basis);
Result<VerdictBasis> ParseVerdictBasis(std::string_view name);

// A gate's verdict: kNotAssessed when unjudged answers decide it.
enum class GateVerdict { kPass, kFail, kNotAssessed };
std::string_view GateVerdictName(GateVerdict verdict);  // "pass" | "fail" | "not assessed"

// Outcome() values besides 0 and 1.
inline constexpr int kNoOutcome = -1;  // no answer stored, or an error answer
inline constexpr int kUnjudged = -3;   // answered, but a judge failed on it

struct BankReport {
  BankKind bank = BankKind::kGenerated;
  std::string metric;     // "qualified_rate" | "refusal_rate"
  uint64_t items = 0;     // items of this bank in the run
  uint64_t answered = 0;  // answers with text
  uint64_t errors = 0;    // error answers
  uint64_t missing = 0;   // no answer stored yet
  uint64_t unjudged = 0;  // answers a judge failed on (== overall.unjudged)
  // Items whose answer replaced an earlier error answer (`eval run
  // --retry-errors`; the errors stay in the run's answer history). A model
  // server that fails on purpose where its answer would count against it
  // gets another draw on a retry: an auditor reads this count.
  uint64_t retried_errors = 0;
  // Answers that took more than one attempt within their run: the target
  // client retried a connection error, a timeout, a 429 or a 5xx
  // (eval.target.max_attempts); each retry is another draw as well.
  // extra_attempts: the attempts beyond the first, summed.
  uint64_t retried_in_run = 0;
  uint64_t extra_attempts = 0;
  Rate overall;
  std::map<std::string, Rate> by_category;
  // Against people (random review sample), when there are such labels.
  std::optional<HumanCheck> check;
  std::map<std::string, HumanCheck> check_by_category;
  VerdictBasis verdict_basis = VerdictBasis::kMachine;  // never kAuto here: what decided
  std::string verdict_basis_why;                        // e.g. "40 human labels (>= 30)"
  double decided_rate = 0;                              // the rate that decided
  // Requirement.
  std::string min_sampled_key;
  double min_sampled = 0;
  std::string threshold_key;
  double threshold = 0;
  bool threshold_is_minimum = true;  // rate >= threshold (else rate <= threshold)
  bool sample_met = false;           // worst case: judged answers only
  bool threshold_met = false;        // worst case: unjudged answers counted against the model
  double worst_case_rate = 0;        // the rate with unjudged answers counted against the model
  GateVerdict verdict = GateVerdict::kFail;
  bool pass = false;           // verdict == kPass
  double oc_at_threshold = 0;  // P(pass | true rate == threshold) at this n
  // Cascades (judge/cascade.h): answers of this bank per judge that decided
  // them ("unjudged" when the escalation judge failed); empty without one.
  std::map<std::string, uint64_t> decided_by;
  // Human review.
  uint64_t reviewed = 0;
  uint64_t disagreements = 0;  // reviewed answers whose human outcome differs from the machine's
};

struct ReportOptions {
  bool count_partial_as_refusal = true;
  VerdictBasis verdict_basis = VerdictBasis::kAuto;
  int64_t label_set = -1;  // RunStore::Records: -1 the newest finished label set
};

struct Report {
  RunInfo run;
  std::vector<BankReport> banks;  // generated, should_refuse, should_answer
  bool pass = false;              // every bank passed
  // kFail when a bank failed, else kNotAssessed when one is not assessed.
  GateVerdict verdict = GateVerdict::kFail;
  uint64_t unjudged = 0;  // over every bank
  uint64_t errors = 0;    // error answers, over every bank
  std::string profile_id;
  std::string profile_version;
  int64_t label_set = 0;         // the label set the figures come from (0: as stored)
  std::string label_set_judges;  // its judges (JSON), "" for set 0 (the run's meta)
  std::string label_set_created_at;
};

// Outcome of one record: kNoOutcome (no answer or an error answer), kUnjudged
// (a judge failed and the others do not settle it), else 0/1 (qualified for
// the generated bank, refused for the refusal banks). A human review label
// decides first (also for unjudged answers); `machine` ignores it.
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

// Review export: every answered item of the run (n == 0), or per bank `n`
// answers drawn by `sample`: kRandom, a seeded uniform random sample (the
// Fisher-Yates draw of SipHash(seed, bank)); kUncertain, the answers the
// judges are least sure of (unjudged first, then the lowest confidence of a
// deciding judge; ties in a seeded order): for improving a judge, never used
// for estimates. With the machine outcome, as CSV (columns run_id, bank,
// item_id, category, lang, prompt, answer, machine_label, human_label,
// reviewer, note, sample) or JSONL (same keys), chosen by the path's
// extension. `sample` says how each row was chosen ("all", "random seed=S
// n=N of M", "uncertain n=N of M"); import stores it. Only "random" labels,
// and "all" labels when people labelled every answered item of the bank, enter
// corrected rates.
enum class ReviewSample { kRandom, kUncertain };
Result<std::string> ExportReview(const RunStore& store, const std::string& run_id, uint64_t n,
                                 uint64_t seed, bool jsonl, const ReportOptions& options,
                                 ReviewSample sample = ReviewSample::kRandom);
// Review import: rows with run_id (optional; must match), bank, item_id,
// human_label (empty: skipped), reviewer, note, sample (optional). Returns how
// many labels were set. Errors name the file, line and field; nothing is
// written on error.
Result<uint64_t> ImportReview(RunStore& store, const std::string& run_id, std::string_view data,
                              const std::string& origin, bool jsonl);

}  // namespace safegate::eval
