// An LLM judge reached over HTTP (net/http.h), in one of two formats:
//
//   llama-guard-3       the Llama Guard 3 prompt (its S1-S14 hazard categories,
//                       the conversation, the assessment instructions) sent to
//                       an OpenAI-compatible server: POST {url}/v1/completions
//                       {"model","prompt","max_tokens","temperature":0}
//                       (api = completions; the text is choices[0].text) or
//                       POST {url}/v1/chat/completions with the conversation as
//                       messages (api = chat; the server applies the model's
//                       template; the text is choices[0].message.content).
//                       The answer must be "safe", or "unsafe" and a line of
//                       comma-separated codes ("unsafe\nS1,S10").
//   openai-moderation   POST {url}/v1/moderations {"model","input"}; the answer
//                       is results[0] with flagged, categories{} and
//                       category_scores{}.
//
// Judge categories are mapped to policy categories through `category_map`
// (unmapped ones are reported under their own name). Anything that is not one
// of these shapes (an HTTP error, a body that is not JSON, "unsure", "unsafe"
// without codes, an unknown code, a missing field) is an error Result: a judge
// error, never a "safe" verdict.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/judge/judge.h"

namespace safegate::judge {

enum class LlmFormat { kLlamaGuard3, kOpenAiModeration };

// "llama-guard-3" / "openai-moderation".
Result<LlmFormat> ParseLlmFormat(std::string_view name);
std::string_view LlmFormatName(LlmFormat format);

struct LlmJudgeOptions {
  std::string url;  // base URL, e.g. http://127.0.0.1:8000
  LlmFormat format = LlmFormat::kLlamaGuard3;
  std::string model;
  std::string api = "completions";  // llama-guard-3: "completions" or "chat"
  std::string api_key;              // sent as "Authorization: Bearer"; may be empty
  double timeout_seconds = 30;
  double threshold = 0.5;  // openai-moderation: a score at or above it flags (besides `flagged`)
  std::map<std::string, std::string> category_map;  // judge category -> policy category
};

Result<std::unique_ptr<Judge>> NewLlmJudge(const LlmJudgeOptions& options);

// What the judge model said, before category mapping.
struct LlmAssessment {
  bool unsafe = false;
  std::vector<std::string> categories;                 // flagged judge categories
  std::vector<std::pair<std::string, double>> scores;  // openai-moderation only
};

// Parsers (exposed for tests and fuzzing). Never crash on any input.
Result<LlmAssessment> ParseLlamaGuardOutput(std::string_view text);
Result<LlmAssessment> ParseModerationResponse(std::string_view json_body, double threshold);

// The Llama Guard 3 prompt for `input` (Agent turn = input.text when there is a
// prompt, else the User turn = input.text).
std::string BuildLlamaGuardPrompt(const JudgeInput& input);

}  // namespace safegate::judge
