// The keyword judge: the policy's compiled keyword matcher (the same one the
// corpus scanner uses) as a Judge.
//
// Verdict: label "flagged" when any keyword or regex of the banks matches,
// else "clean"; categories = each matched policy category (score 1,
// flagged), in order of first hit; evidence = every hit (span in the original
// text, category, rule = the bank item id); score = 1 when flagged, else 0.
// Only `input.text` is scanned (the prompt is ignored).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "safegate/judge/judge.h"
#include "safegate/scan/matcher.h"

namespace safegate::judge {

// `matcher` must not be null (policy::CompilePolicyMatcher builds it).
// `banks` identifies the banks (e.g. the policy id and version); version()
// returns KeywordJudgeVersion(banks).
std::unique_ptr<Judge> NewKeywordJudge(std::shared_ptr<const scan::Matcher> matcher,
                                       std::string_view banks = "");

// "keyword/" + banks + "+match" + scan::kMatchRulesRevision: the banks and
// the rules that matched them (e.g. "keyword/demo@1+match2").
std::string KeywordJudgeVersion(std::string_view banks);

}  // namespace safegate::judge
