// Optional paraphrase of generated questions through an OpenAI-compatible
// chat-completions endpoint (`bank generate --paraphrase-url`; off by default).
//
// Each item's text is sent as the user message with a fixed system prompt
// (same language, same meaning, other wording; the question only), temperature
// 0 and the seed, one request at a time. The reply's
// choices[0].message.content (trimmed) replaces the text; the item gets the tag
// "paraphrased" and "; paraphrased by MODEL" appended to its source, and keeps
// its id, keyword_id and template_id.
#pragma once

#include <cstdint>
#include <string>
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
};

// The system prompt sent with every request.
const std::string& ParaphrasePrompt();

// Paraphrases every item in place. The first failure (transport, an HTTP
// status other than 200, a reply without content, content that is empty or
// not valid UTF-8) is returned, naming the item id; items before it are
// already rewritten.
Status ParaphraseItems(std::vector<policy::BankItem>* items, const ParaphraseOptions& options);

}  // namespace safegate::bank
