// Ordinary text: about sixty paragraphs per language (English, Simplified
// Chinese, Russian) about everyday life, written for this project
// (data/ordinary/, compiled in). `bank lint` scans them with a keyword bank's
// own matcher: a keyword that hits a large share of ordinary paragraphs in
// its language would flood a corpus audit with false hits (a single Han
// character such as 性, which is in 性格 and 性能; a substring keyword inside
// common words).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/policy/bank.h"
#include "safegate/text/normalize.h"

namespace safegate::bank {

// The languages with a sample: "en", "ru", "zh".
const std::vector<std::string>& OrdinaryLanguages();

// The sample's paragraphs (one per line) for a BCP-47 tag, by its primary
// subtag ("zh-Hans" and "zh-Hant" -> "zh"); empty when there is none.
std::vector<std::string_view> OrdinaryParagraphs(std::string_view lang);

struct OrdinaryHit {
  std::string id;
  std::string text;       // the keyword
  std::string lang;       // the sample it was measured on
  size_t paragraphs = 0;  // in that sample
  size_t hit = 0;         // paragraphs with at least one match
  double share = 0;       // hit / paragraphs
  std::string example;    // the first matched span (original bytes)
};

// Compiles the bank's keywords as every scan compiles them (`normalize`,
// whole_word, inflect, regex) and scans the samples. A keyword is measured on
// the sample of its language; a keyword without a language (or of a language
// without a sample) on every sample, and reported with the one it hits most.
// Returns the keywords whose share is at least `min_share` (and at least one
// paragraph), highest share first, then by id. Fails when the keywords do not
// compile (a bad regex: the error names its file and line).
Result<std::vector<OrdinaryHit>> OrdinaryTextHits(const policy::Bank& bank,
                                                  const text::NormalizeOptions& normalize,
                                                  double min_share);

}  // namespace safegate::bank
