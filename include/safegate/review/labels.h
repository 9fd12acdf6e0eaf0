// Corpus labelling in the browser: a sample exported by `safegate corpus
// label export` (JSONL) is imported as a label set, reviewers label its items
// on the page, and the set is exported back in the same JSONL format with
// label / category / reviewer / note filled in, which `corpus label import`
// and `corpus audit --labels` read (docs/review-ui.md "Corpus labelling").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/store/store.h"

namespace safegate::review {

struct LabelSetInfo {
  std::string name;
  int64_t items = 0;
  int64_t labelled = 0;
  int64_t unallowable = 0;
};

struct LabelItem {
  std::string sample_id;
  int64_t ord = 0;     // position in the imported file (0-based)
  std::string record;  // the exported JSON object (text, source, machine pre-labels, ...)
  std::string label;   // "", "allowable" or "unallowable"
  std::string category;
  std::string reviewer;
  std::string note;
  int64_t labelled_at = 0;
};

// Imports the JSONL text of a label export as set `name` (1-64 characters
// [A-Za-z0-9._-]). Items already in the set keep their labels; labels present
// in the file fill empty ones. Errors name `origin`, the line and the field.
// Returns the number of items in the file.
Result<int64_t> ImportLabelSet(store::Database& db, const std::string& name,
                               const std::string& jsonl, const std::string& origin, int64_t now);
Result<std::vector<LabelSetInfo>> ListLabelSets(store::Database& db);
// Items of a set in file order after position `after_ord` (-1: from the
// start); only unlabelled ones when `unlabelled_only`.
Result<std::vector<LabelItem>> ListLabelItems(store::Database& db, const std::string& name,
                                              int64_t after_ord, int64_t limit,
                                              bool unlabelled_only);
// Sets (or, with label "", clears) an item's label. label: allowable |
// unallowable | ""; kNotFound for an unknown set or item.
Status SetLabel(store::Database& db, const std::string& name, const std::string& sample_id,
                const std::string& label, const std::string& category, const std::string& reviewer,
                const std::string& note, int64_t now);
// The set as JSONL in the `corpus label export` format, labels filled in.
Result<std::string> ExportLabelSet(store::Database& db, const std::string& name);

}  // namespace safegate::review
