// A cascade of two refusal judges: a fast judge decides the answers it is sure
// of, a slower one (an LLM judge) decides the rest.
//
//   judges:
//     - name: refusal
//       escalate: {to: guard, below: 0.8}   # guard: the `id` (or name) of an llm entry
//     - name: llm
//       id: guard
//       format: refusal                     # or wildguard (llm.h)
//       url: http://127.0.0.1:8000
//
// The fast judge's confidence in its label is its score (P(refusal)) for a
// refusal and 1 - score for compliance. At or above `below` its verdict
// stands; under it the escalation judge's verdict is returned instead. When
// the escalation judge fails the cascade fails (the answer is unjudged,
// never a pass), and it never falls back to the fast judge's verdict.
//
// The cascade takes the fast judge's name (so eval counts it as the refusal
// judge) and a version naming both judges and the threshold. Each verdict says
// which judge decided in Verdict::decided_by ("refusal" or the escalation
// judge's name).
#pragma once

#include <memory>

#include "safegate/base/status.h"
#include "safegate/judge/judge.h"

namespace safegate::judge {

// The fast judge's confidence in its own label (see above).
double RefusalConfidence(const Verdict& v);

// `below` must be in [0, 1]; both judges must be non-null.
Result<std::unique_ptr<Judge>> NewCascadeJudge(std::shared_ptr<const Judge> fast,
                                               std::shared_ptr<const Judge> escalation,
                                               double below);

}  // namespace safegate::judge
