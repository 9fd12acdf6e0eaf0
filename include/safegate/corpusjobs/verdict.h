// corpus label export/import and corpus audit: from a sample (and human
// labels) to per-source verdicts and whole-corpus assessments.
//
// Per source: n sampled, unallowable count (human labels where present, else
// machine pre-labels; `basis` says which: "human", "machine" or "mixed"),
// rate, 95% Wilson and Clopper-Pearson intervals, the profile's threshold
// (corpus.source.max_unallowable_rate), the verdict under the chosen rule
// (point estimate, the default; or the interval's upper bound) and the
// operating characteristic: the chance that a source exactly at the threshold
// passes with this n.
//
// Whole corpus: the human-sample assessment (corpus.human_sample.min_items,
// .min_qualified_rate) and the machine assessment (corpus.machine_sample.
// min_fraction, .min_qualified_rate) from a full scan summary when given, else
// from the sample's machine labels. A requirement without data is "not
// assessed"; one with too few items is "sample too small". Where human labels
// exist, each source and the machine assessment also carry the corrected rate
// and the machine-vs-human agreement (figures beside the verdict; the verdict
// rules are unchanged).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/policy/profile.h"
#include "safegate/stats/interval.h"
#include "safegate/stats/ppi.h"

namespace safegate::corpusjobs {

inline constexpr const char* kLabelsSchema = "safegate.corpus.labels/1";
inline constexpr const char* kAuditSchema = "safegate.corpus.audit/2";

struct HumanLabel {
  std::string sample_id;
  bool unallowable = false;
  std::string category;  // optional taxonomy category
  std::string reviewer;
  std::string note;
};

// Writes the sample as a file for reviewers: CSV (".csv") or JSONL, with the
// machine pre-labels and empty label/category/reviewer/note columns, and a
// `sample` column saying how each row was drawn. random_n > 0: per source a
// seeded uniform random subset of random_n sampled documents ("random seed=S
// n=N of M"; a random subset of a random sample is a random sample, so the
// audit's corrected rates stay valid), else every sampled document ("all").
Status ExportLabels(const std::string& sample_path, const std::string& out_path,
                    uint64_t random_n = 0, uint64_t seed = 1);

// Reads reviewers' labels (CSV or JSONL as written by ExportLabels, with
// `label` filled in as "allowable"/"unallowable" — also ok/bad, 0/1, no/yes —
// or left empty for not yet reviewed) and validates them against the sample
// and the taxonomy: unknown sample ids, duplicates, bad label values and
// unknown categories are errors naming FILE:LINE and the field.
Result<std::vector<HumanLabel>> ReadLabels(const std::string& labels_path,
                                           const std::string& sample_path,
                                           const policy::Taxonomy& taxonomy);

// Writes validated labels as canonical JSONL (schema safegate.corpus.labels/1).
Status WriteLabels(const std::vector<HumanLabel>& labels, const std::string& sample_path,
                   const std::string& out_path);

struct AuditOptions {
  stats::VerdictRule rule = stats::VerdictRule::kPointEstimate;
  double confidence = 0.95;
  std::string labels_path;  // optional
  // Optional: a full `corpus scan` summary of the same corpus (its fingerprint
  // must be the sample's). It gives the machine assessment every document and
  // each source's unreadable (bad) lines; without it they are unknown.
  std::string scan_summary_path;
};

struct SourceVerdict {
  std::string source;
  uint64_t population = 0;
  uint64_t n = 0;
  uint64_t flagged = 0;          // unallowable: human labels where present, else machine
  uint64_t machine_flagged = 0;  // flagged by the machine alone
  uint64_t human_labelled = 0;
  std::string basis;  // human | machine | mixed
  double rate = 0;
  stats::Interval wilson, clopper_pearson;
  double threshold = 0;
  // Lines of the source nobody could judge (bad lines: invalid JSON, a text
  // field that is not a string, too long, ...), from the scan summary. They
  // count as unallowable: with u = unreadable / (readable + unreadable), the
  // source passes only when its readable part, which the sample measures,
  // stays within readable_limit = (threshold - u) / (1 - u), and fails
  // outright when u > threshold. Unknown without a scan summary.
  bool unreadable_known = false;
  uint64_t readable = 0, unreadable = 0;
  double readable_limit = 0;  // == threshold when nothing is unreadable
  std::string verdict;        // pass | fail | no data
  double oc_at_threshold = 0;
  // With human labels on part of the sample (a random subset of a random
  // sample): the unallowable rate corrected for the machine labels' errors
  // (prediction-powered, stats/ppi.h; machine labels of all n sampled
  // documents), and the machine against people (positive = unallowable).
  std::optional<stats::CorrectedRate> corrected;
  std::optional<stats::JudgeAgreement> judge_vs_human;
};

struct Assessment {
  std::string id;           // requirement family, e.g. "corpus.human_sample"
  std::string requirement;  // "at least 4000 items, qualified rate at least 96%"
  std::string source;       // where the numbers come from
  uint64_t n = 0;
  uint64_t required_n = 0;
  uint64_t qualified = 0;
  double rate = 0;  // qualified rate
  double required_rate = 0;
  stats::Interval wilson, clopper_pearson;
  std::string verdict;  // pass | fail | sample too small | not assessed
  std::string detail;
  // corpus.machine_sample with human labels: its qualified rate corrected by
  // the human sample, and the machine against people (positive = unallowable).
  std::optional<stats::CorrectedRate> corrected;
  std::optional<stats::JudgeAgreement> judge_vs_human;
};

struct AuditReport {
  std::string sample_path;
  uint64_t seed = 0;
  stats::VerdictRule rule = stats::VerdictRule::kPointEstimate;
  double confidence = 0.95;
  std::vector<SourceVerdict> sources;
  std::vector<Assessment> assessments;
  bool all_pass = false;
  std::string header_json;  // the sample's header (policy, profile, tool versions)
};

Result<AuditReport> RunAudit(const policy::Profile& profile, const policy::Taxonomy& taxonomy,
                             const std::string& sample_path, const AuditOptions& options);

std::string AuditReportJson(const AuditReport& report);
std::string AuditReportTable(const AuditReport& report);

}  // namespace safegate::corpusjobs
