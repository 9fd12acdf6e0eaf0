// Banks: the keyword bank and the three question banks, read by one loader.
//
// A bank is a file or a directory of files (every *.csv, *.jsonl, *.json,
// *.yaml, *.yml below it, in sorted path order; other files are ignored).
// CSV has a header row; JSONL has one JSON object per line; YAML is a list of
// mappings or a mapping with `items:`. Fields (CSV columns):
//
//   id          required; unique across every file of the bank
//   category    required; a category id of the taxonomy. Should-answer items
//               carry a topic instead (`topic` is accepted as a synonym):
//               a free id matching [A-Za-z0-9][A-Za-z0-9._:/-]{0,63}, checked
//               against BankLoadOptions::topics when that list is not empty
//   lang        BCP-47 tag (syntax checked, e.g. en, zh-Hans, ru-RU); `language`
//               is a synonym. Required for question banks, optional for keywords
//   text        required, non-empty, valid UTF-8
//   tags        optional, comma-separated (or a list in JSONL/YAML)
//   source      optional free text (where the item came from)
//   added       optional date YYYY-MM-DD (when the item was added)
//   type        keywords only: literal (default) or regex
//   whole_word  keywords only: true/false/1/0/yes/no (default true for
//               literals: a word or phrase, not a substring of longer words;
//               false for regexes; literals written in scripts without
//               spaces, such as Chinese, always match as substrings)
//   inflect     keywords only: true/false/1/0/yes/no (default: the value of
//               whole_word); a whole-word literal also matches the English
//               plural/possessive or Russian case endings of its last word
//               (scan::Inflect)
//   phrase      keywords only, optional: action, thing or topic -- what kind of
//               phrase the text is, for `bank generate`'s templates (empty:
//               guessed from the text, bank/generate.h)
//   keyword_id, template_id   generated questions: what produced the item
//
// Unknown fields are ignored. Every item problem reads
// "FILE:LINE: field 'F': message"; with BankLoadOptions::lenient it becomes a
// warning and the item is skipped. Problems with a whole file (unreadable,
// unknown extension, missing CSV column, unparsable YAML) are always errors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/policy/profile.h"

namespace safegate::policy {

enum class BankKind { kKeywords, kGenerated, kShouldRefuse, kShouldAnswer };

// "keywords", "generated", "should_refuse", "should_answer" (the profile's
// requirement key segment and the project file's key).
std::string_view BankKindName(BankKind kind);
// Parses a name of BankKindName (also "should-refuse", "should-answer").
std::optional<BankKind> ParseBankKind(std::string_view name);
// Every kind, in declaration order.
std::vector<BankKind> AllBankKinds();

struct BankLoadOptions {
  // When true, a bad item is reported through `warnings` and skipped; when
  // false the first bad item is an error.
  bool lenient = false;
  // Should-answer banks: when not empty, the allowed topics.
  std::vector<std::string> topics;
};

struct BankItem {
  std::string id;
  std::string category;  // risk category id, or the topic of a should-answer item
  std::string lang;      // BCP-47, may be empty for keywords
  std::string text;
  std::vector<std::string> tags;
  std::string source;
  std::string added;  // YYYY-MM-DD or empty
  std::string file;   // where the item was read
  uint64_t line = 0;
  // Keywords.
  bool regex = false;
  bool whole_word = true;
  bool inflect = true;  // set to whole_word when the field is absent
  std::string phrase;   // "", "action", "thing" or "topic"
  // Generated questions.
  std::string keyword_id;
  std::string template_id;
};

struct Bank {
  BankKind kind = BankKind::kKeywords;
  std::vector<BankItem> items;     // in file order, files in sorted path order
  std::vector<std::string> files;  // the files read
};

// Loads a bank file or directory. See the file comment for fields and errors.
// `warnings` may be null.
Result<Bank> LoadBank(const std::string& path_or_dir, BankKind kind, const Taxonomy& taxonomy,
                      const BankLoadOptions& options, std::vector<std::string>* warnings);

// Loads several paths as one bank (ids unique across all of them).
Result<Bank> LoadBanks(const std::vector<std::string>& paths, BankKind kind,
                       const Taxonomy& taxonomy, const BankLoadOptions& options,
                       std::vector<std::string>* warnings);

// True when `tag` is a syntactically valid BCP-47 language tag (RFC 5646
// langtag or private use; case-insensitive).
bool IsValidLanguageTag(std::string_view tag);

// True when `date` is a valid calendar date written YYYY-MM-DD.
bool IsValidDate(std::string_view date);

// True when `topic` is a valid should-answer topic id (see the file comment).
bool IsValidTopic(std::string_view topic);

}  // namespace safegate::policy
