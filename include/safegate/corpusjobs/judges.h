// The judges of the corpus jobs, and their one decision: is this document
// flagged, and by which judges. `corpus scan`, `corpus filter`, `corpus
// sample` and the Python module (and so the Dask driver) all decide with
// CheckDocument.
//
// The judges are the policy's own (`judges:` section, judge/factory.h): the
// machine assessment of a corpus is "keywords + classifier", the same
// judges /v1/moderations runs. Of its entries the corpus jobs run
//   keyword     the policy's keyword banks, through the job's compiled
//               matcher on the worker's own scan::Scratch (exactly what the
//               keyword judge runs, without its scratch pool);
//   pii         the personal-data detectors (judge/pii.h);
//   classifier  each trained model, flagged at its category thresholds;
// and skip, with a note in every result header ("judges_skipped"):
//   llm         network judges (one HTTP request per document);
//   refusal     it labels answers as refusals, not content as harmful.
// Without a `judges:` section the corpus jobs run the keyword banks alone
// (live moderation's default adds pii): the results of existing policies do
// not change. To add the detectors or a model, list them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/judge/judge.h"
#include "safegate/policy/policy.h"
#include "safegate/scan/matcher.h"

namespace safegate::corpusjobs {

// Immutable after LoadCorpusJudges; the judges are thread-safe.
struct CorpusJudges {
  // The keyword banks are a judge of the job (the policy lists `keyword`, or
  // has no `judges:` section).
  bool keyword = true;
  // The other judges, in policy order.
  std::vector<std::shared_ptr<const judge::Judge>> others;
  // One name per judge: "keyword" first when `keyword`, then one per
  // `others` entry: its judge name ("pii", "classifier"), numbered in policy
  // order when a name occurs more than once ("classifier#1",
  // "classifier#2"). The keys of the per-judge counts.
  std::vector<std::string> names;
  std::vector<std::string> versions;  // parallel to names
  // The entries not run, e.g. "judges[3] (llm): not run on a corpus (one
  // network request per document)".
  std::vector<std::string> skipped;
};

// The keyword banks alone (the corpus jobs' default).
std::shared_ptr<const CorpusJudges> KeywordOnlyJudges(const policy::Policy& policy);

// Builds the corpus judges of `policy` (reads policy.path again for its
// `judges:` section; a policy without a path gets the keyword banks alone).
// Errors name the policy file, line and field, e.g. a missing model file:
// "policy.yaml:14: field 'judges[2].model': cannot open ...".
Result<std::shared_ptr<const CorpusJudges>> LoadCorpusJudges(const policy::Policy& policy);

// The verdict on one document.
struct DocVerdict {
  bool flagged = false;  // by any judge
  // Parallel to CorpusJudges::names: 1 when that judge flagged the document.
  std::vector<uint8_t> by;
  std::vector<scan::Hit> hits;  // the keyword hits (none when `keyword` is off)
  // Parallel to CorpusJudges::others (left empty when none is run).
  std::vector<judge::Verdict> verdicts;
};

// The one decision of the corpus jobs. Runs every judge of `judges` on
// `text`: the keyword matcher with `scratch` (the calling thread's, made for
// `matcher`), the others through Judge::Run. A document is flagged when any
// judge flags it: a keyword hit, a personal-data match, a classifier
// category at or above its threshold (judge::Verdict::flagged). A judge
// error is returned (never read as "clean"). `out` is reused between calls.
Status CheckDocument(const CorpusJudges& judges, const scan::Matcher& matcher,
                     std::string_view text, scan::Scratch* scratch, DocVerdict* out);

}  // namespace safegate::corpusjobs
