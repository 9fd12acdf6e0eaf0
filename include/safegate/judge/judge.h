// The judge interface: one verdict type for every labeller (keyword matcher,
// refusal detector, personal-data detectors, trained classifier, LLM judge),
// so eval, moderation and corpus scanning can use any of them.
//
// A Judge is immutable after construction and thread-safe: Run() may be
// called from many threads at once (a judge that needs scratch space keeps a
// per-thread pool internally). Errors are values: a judge that cannot decide
// (an LLM judge that timed out or answered in the wrong format) returns an
// error, never a "safe" verdict.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"

namespace safegate::judge {

struct JudgeInput {
  std::string_view text;    // the text to judge (an answer, a message, a document)
  std::string_view prompt;  // the prompt it answers, when there is one
  std::string_view lang;    // BCP-47 hint; empty: detect or ignore
};

// A span of `text` (byte offsets, half-open) that contributed to the verdict.
struct Evidence {
  size_t begin = 0;
  size_t end = 0;
  std::string category;  // the category (or label) it supports
  std::string rule;      // what matched: keyword id, rule name, detector name
};

struct CategoryScore {
  std::string category;  // a policy category id, or a judge label
  double score = 0;      // in [0, 1]
  bool flagged = false;  // score reached the judge's threshold for this category
};

struct Verdict {
  // The judge's overall label: "flagged"/"clean" for content judges;
  // "full_refusal"/"partial_refusal"/"compliance" for the refusal detector.
  std::string label;
  double score = 0;  // confidence in `label`, or the top category score
  std::vector<CategoryScore> categories;
  std::vector<Evidence> evidence;
  // Which judge of a cascade (cascade.h) decided; empty for a single judge.
  std::string decided_by;

  bool flagged() const {
    for (const auto& c : categories)
      if (c.flagged) return true;
    return false;
  }
};

class Judge {
 public:
  virtual ~Judge() = default;
  // Stable name ("keyword", "refusal", "pii", "classifier", "llm") and a
  // version that changes whenever its rules or model change; both are stored
  // with every label.
  virtual std::string_view name() const = 0;
  virtual std::string_view version() const = 0;
  virtual Result<Verdict> Run(const JudgeInput& input) const = 0;
};

}  // namespace safegate::judge
