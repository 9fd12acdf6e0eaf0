// The policy: what counts as unallowable, and how text is matched.
//
// A policy file (YAML, schema "safegate.policy/1"):
//
//   schema: safegate.policy/1
//   id: demo-policy
//   version: "1"
//   profile: baseline          # built-in name or a path relative to this file
//   taxonomy:                  # optional; default: the profile's taxonomy
//     inherit: true            # start from the profile's categories
//     categories:              # extra categories
//       - {id: X.1, name: "Internal rule", parent: ""}
//   normalize:                 # each step of text/normalize.h; defaults shown
//     strip_invisible: true
//     nfkc: true
//     fullwidth: true
//     casefold: true
//     confusables: true
//     t2s: true
//     strip_accents: true
//     strip_separators: false
//     digit_letters: true
//     word_gaps: true
//   keyword_banks:             # paths relative to this file
//     - banks/keywords.csv
//   judges: ...                # read by the judge library (judge/factory.h), not here
//
// Loading resolves the profile and the taxonomy, and checks that the bank files
// exist; the keyword banks themselves are loaded by LoadKeywordBank.
#pragma once

#include <string>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/policy/bank.h"
#include "safegate/policy/profile.h"
#include "safegate/scan/matcher.h"
#include "safegate/text/normalize.h"

namespace safegate::policy {

struct Policy {
  std::string id;
  std::string version;
  std::string path;  // the file it was loaded from
  // The file's bytes as parsed. The judge library reads its `judges:` section
  // from them (judge/factory.h), so a policy file is read once and the judges
  // can never come from a later version of the file than the rest.
  std::string text;
  Profile profile;
  Taxonomy taxonomy;
  text::NormalizeOptions normalize;
  std::vector<std::string> keyword_banks;  // resolved paths
};

// Loads and validates a policy file. Errors name the file, line and field.
Result<Policy> LoadPolicy(const std::string& path);
Result<Policy> ParsePolicy(std::string_view yaml, const std::string& path);

// Loads a keyword bank (CSV with a header, JSONL, or YAML: chosen by file
// extension; or a directory of such files) into Patterns: LoadBank(kKeywords)
// converted (policy/bank.h). Columns/fields: id, category, text, and optional
// language (lang), type ("literal" or "regex"), whole_word (true/false),
// tags, notes. Each item must name a category of `taxonomy`; ids must be
// unique; text must be valid UTF-8 and non-empty. Errors (and warnings when
// lenient) read "FILE:LINE: field 'F': message".
Result<std::vector<scan::Pattern>> LoadKeywordBank(const std::string& path,
                                                   const Taxonomy& taxonomy,
                                                   const BankLoadOptions& options,
                                                   std::vector<std::string>* warnings);

// One keyword item as the matcher uses it (the conversion LoadKeywordBank
// applies; origin "FILE:LINE").
scan::Pattern KeywordPattern(BankItem item);

// Loads every keyword bank of the policy and compiles the matcher.
//
// When `cache_dir` is not empty, the compiled matcher is cached there as
// "matcher-KEY.sgm", KEY a SHA-256 of the bank files' bytes and paths, the
// normalisation options, taxonomy, engine and build (policy/matcher_cache.h,
// which says why that is correct): a hit parses and compiles nothing. A cache
// file that fails to load is reported as a warning and replaced; a cache that
// cannot be written is ignored (the compiled matcher is still returned).
Result<std::shared_ptr<const scan::Matcher>> CompilePolicyMatcher(
    const Policy& policy, const BankLoadOptions& options, std::vector<std::string>* warnings,
    const std::string& cache_dir = "");

// The default cache directory: $SAFEGATE_CACHE_DIR, else $XDG_CACHE_HOME/safegate,
// else $HOME/.cache/safegate, else "" (no cache).
std::string DefaultMatcherCacheDir();

}  // namespace safegate::policy
