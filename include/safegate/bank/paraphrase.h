// Optional paraphrase of generated questions through an OpenAI-compatible
// chat-completions endpoint (`bank generate --paraphrase-url`; off by default).
//
// Each item's text is sent as the user message with a fixed system prompt
// (same language, same meaning, other wording; the question only), temperature
// 0 and the seed, one request at a time. The reply's
// choices[0].message.content (trimmed) replaces the text; the item gets the tag
// "paraphrased" and "; paraphrased by MODEL" appended to its source, and keeps
// its id, keyword_id and template_id.
//
// A reply is not taken as the question (the original is kept, tagged
// "paraphrase-rejected:REASON", and counted in ParaphraseStats) when:
//   refusal   ParaphraseOptions::is_refusal calls it a refusal (the model
//             declined to rewrite a harmful question);
//   language  its dominant script (Han, Cyrillic, Latin) is not the original's;
//   keyword   it drops the keyword: each word of the keyword must appear in it
//             (case-folded; a word of 5 or more letters by its first
//             two thirds, so that Russian inflection passes).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/policy/bank.h"

namespace safegate::bank {

struct ParaphraseOptions {
  std::string url;  // base URL ("http://127.0.0.1:8000/v1") or the full .../chat/completions
  std::string model = "default";
  std::string api_key;  // sent as a Bearer token when not empty
  uint64_t seed = 0;
  double timeout_seconds = 60;
  // The refusal judge (may be empty: no refusal check). Returns true for a refusal.
  std::function<Result<bool>(std::string_view reply)> is_refusal;
  // keyword_id -> the keyword's text, for the keyword check (an item whose
  // keyword_id is not here is not checked for it).
  std::map<std::string, std::string> keywords;
};

struct ParaphraseStats {
  size_t paraphrased = 0;  // replies taken
  size_t refusal = 0;      // rejected: a refusal
  size_t language = 0;     // rejected: another script
  size_t keyword = 0;      // rejected: the keyword dropped
  size_t rejected() const { return refusal + language + keyword; }
};

// The system prompt sent with every request.
const std::string& ParaphrasePrompt();

// Paraphrases every item in place. The first failure (transport, an HTTP
// status other than 200, a reply without content, content that is empty or
// not valid UTF-8) is returned, naming the item id; items before it are
// already rewritten.
// `stats` may be null.
Status ParaphraseItems(std::vector<policy::BankItem>* items, const ParaphraseOptions& options,
                       ParaphraseStats* stats = nullptr);

// Why a reply is not a paraphrase of `original` (for `keyword`, may be
// empty): "language", "keyword", or "" when it passes these two checks.
std::string ParaphraseProblem(std::string_view original, std::string_view reply,
                              std::string_view keyword);

}  // namespace safegate::bank
