// `safegate bank lint`: a bank checked against a profile's rules, plus
// quality findings (duplicates, near-duplicates, language mix, staleness,
// keywords that match inside common words).
//
// Rules (from the profile, never from code; K is BankKindName(kind)):
//   banks.K.min_total            the number of distinct items
//   banks.K.min_per_risk.<ID>    per leaf category of the taxonomy: the first
//                                of <leaf id>, <top-level id of the leaf>,
//                                "other" that the profile defines
//   banks.should_answer.min_per_topic   per topic present in the bank (and per
//                                topic of LintOptions::topics)
//   banks.K.update_interval_days, else banks.questions.update_interval_days
//                                for question banks: the newest `added` date
//                                is at most this many days before `today`
// Counts exclude exact duplicates (same text after the policy's
// normalisation, whitespace collapsed): the first occurrence counts.
// Findings that are not rules (near-duplicates, language mix, likely false
// positives, keywords that hit ordinary text) never fail the lint.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "safegate/bank/ordinary.h"
#include "safegate/base/status.h"
#include "safegate/policy/bank.h"
#include "safegate/policy/profile.h"
#include "safegate/text/normalize.h"

namespace safegate::bank {

struct LintOptions {
  text::NormalizeOptions normalize;
  std::string today;                  // YYYY-MM-DD; required for the staleness rule
  double near_threshold = 0.7;        // estimated n-gram Jaccard similarity
  size_t max_listed = 200;            // pairs / groups / keywords listed (all are counted)
  std::vector<std::string> wordlist;  // common words for the false-positive check
  size_t fp_min_words = 3;            // flagged when inside at least this many words
  std::vector<std::string> topics;    // should-answer topics that must be covered
  int threads = 0;
  // Keywords: listed when they hit at least this share of the ordinary-text
  // paragraphs of their language (bank/ordinary.h); below 0: not checked.
  double ordinary_min_share = 0.02;
};

struct RuleResult {
  std::string key;    // the requirement key
  std::string scope;  // "total", a category or topic id, or "updated"
  double required = 0;
  double actual = 0;
  bool passed = true;
  std::string message;  // "A.2-3: 37 of 50 questions"
};

struct DuplicateGroup {
  std::vector<std::string> ids;  // first is the one counted
  std::string text;              // of the first
  // Keywords only: the copies match differently (whole_word or regex differ),
  // so the matcher uses each of them; dropping either changes what matches.
  bool matching_differs = false;
};

struct NearDuplicate {
  std::string id_a, id_b;
  std::string text_a, text_b;
  double similarity = 0;
};

struct LikelyFalsePositive {
  std::string id;
  std::string text;
  size_t words = 0;                   // wordlist entries that contain it
  std::vector<std::string> examples;  // up to 5
};

struct LintReport {
  policy::BankKind kind = policy::BankKind::kKeywords;
  std::vector<std::string> files;
  size_t items = 0;                            // loaded
  size_t counted = 0;                          // distinct (exact duplicates removed)
  std::map<std::string, size_t> per_category;  // counted, per category or topic
  std::vector<RuleResult> rules;
  size_t duplicate_items = 0;     // items not counted
  size_t matching_conflicts = 0;  // duplicate groups whose copies match differently
  std::vector<DuplicateGroup> duplicates;
  size_t near_pairs = 0;
  std::vector<NearDuplicate> near_duplicates;  // highest similarity first
  // category -> language ("" as "und") -> counted items
  std::map<std::string, std::map<std::string, size_t>> languages;
  std::string newest_added;  // empty when no item has a date
  long long age_days = -1;   // today - newest_added, when both known
  size_t false_positive_count = 0;
  std::vector<LikelyFalsePositive> false_positives;
  // Keywords: items without a declared `phrase` whose kind `bank generate`
  // could not guess surely (used as topics); (id, text).
  size_t phrase_unsure_count = 0;
  std::vector<std::pair<std::string, std::string>> phrase_unsure;
  // Keywords: those at or above LintOptions::ordinary_min_share on ordinary
  // text (all are counted, max_listed are listed); ordinary_error says why
  // the check could not run (a regex that does not compile).
  size_t ordinary_count = 0;
  std::vector<OrdinaryHit> ordinary_hits;
  std::string ordinary_error;

  bool passed() const;
  size_t failed_rules() const;
};

// Lints one bank. `taxonomy` is the policy's (the profile's when no policy).
// Fails only on bad options (an invalid `today`).
Result<LintReport> LintBank(const policy::Bank& bank, const policy::Profile& profile,
                            const policy::Taxonomy& taxonomy, const LintOptions& options);

// The JSON document (schema "safegate.bank-lint/1") for several banks.
std::string LintJson(const std::vector<LintReport>& reports, const policy::Profile& profile,
                     const std::string& today);

// A human-readable report (every failed rule spelled out).
std::string LintTable(const LintReport& report);

// Days since 1970-01-01 of a YYYY-MM-DD date (must be valid).
long long DaysFromCivil(const std::string& date);

}  // namespace safegate::bank
