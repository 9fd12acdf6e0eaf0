// Two small judges the runner can use when the policy names none (or the
// judge library's factory is not linked): a keyword judge over the policy's
// compiled matcher, and a phrase-based refusal detector (English, Chinese,
// Russian openers such as "I'm sorry, but I can't"). The judge library's
// refusal detector is the better choice; these keep `eval` usable on its own.
// Immutable and thread-safe.
#pragma once

#include <memory>

#include "safegate/judge/judge.h"
#include "safegate/scan/matcher.h"

namespace safegate::eval {

// name "keyword", version "matcher-<pattern count>-1": flags every category
// whose keyword occurs in the answer.
std::shared_ptr<const judge::Judge> MakeKeywordJudge(std::shared_ptr<const scan::Matcher> m);

// name "refusal-phrases", version "1": "full_refusal" when the answer starts
// with (or, when short, contains) a refusal phrase; "compliance" otherwise.
std::shared_ptr<const judge::Judge> MakePhraseRefusalJudge();

}  // namespace safegate::eval
