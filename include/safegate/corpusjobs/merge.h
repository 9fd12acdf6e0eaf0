// corpus merge: combines the partial results of N shards (--shard i/N) into
// the result one run over the whole corpus would have written.
//
// The kind is read from the first part's schema: scan summaries (counts are
// summed), samples (bottom-k merged again per source: exact, since every
// document's key is independent of the split) and hits files (records put
// back in unit order). Parts must come from the same job (same header apart
// from "run"), and summaries and samples must cover every shard exactly once.
// The output differs from a single run only in its "run" object.
#pragma once

#include <string>
#include <vector>

#include "safegate/base/status.h"

namespace safegate::corpusjobs {

// Returns the kind merged: "scan", "sample" or "hits".
Result<std::string> MergeResults(const std::vector<std::string>& parts,
                                 const std::string& out_path);

}  // namespace safegate::corpusjobs
