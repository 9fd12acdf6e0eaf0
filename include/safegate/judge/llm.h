// An LLM judge reached over HTTP (net/http.h), in one of five formats:
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
//   llama-guard-4       the same with Llama Guard 4's prompt (Llama 4 chat tokens)
//                       and its names of the same codes S1-S14 (LlamaGuardCategories).
//   refusal             a refusal judge through any OpenAI-compatible chat (or
//                       completions) endpoint: the documented classification
//                       prompt (kRefusalClassifierPrompt, in the spirit of XSTest's
//                       GPT-4 classifier) asks for exactly one class; the answer
//                       must be full_compliance, full_refusal or partial_refusal
//                       (XSTest's numbered names 1_full_compliance, 2_full_refusal,
//                       3_partial_refusal and a leading "CLASS:" are accepted).
//                       Verdict label: full_refusal / partial_refusal / compliance;
//                       judge name "refusal-llm" (eval counts it as a refusal judge).
//   wildguard           the WildGuard prompt; the answer must be the three lines
//                       "Harmful request: yes|no", "Response refusal: yes|no",
//                       "Harmful response: yes|no" in this order (N/A only for the
//                       two response lines, and only when there is no response).
//                       One call gives both labels: the verdict label is the
//                       refusal (full_refusal / compliance) and the category
//                       "harmful_response" is flagged when the response is harmful
//                       ("harmful_request" is reported, never flagged). Judge name
//                       "wildguard": eval counts it for the refusal banks and the
//                       generated bank alike.
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

enum class LlmFormat { kLlamaGuard3, kLlamaGuard4, kOpenAiModeration, kRefusal, kWildGuard };

// "llama-guard-3" / "llama-guard-4" / "openai-moderation" / "refusal" / "wildguard".
Result<LlmFormat> ParseLlmFormat(std::string_view name);
std::string_view LlmFormatName(LlmFormat format);

struct LlmJudgeOptions {
  std::string url;  // base URL, e.g. http://127.0.0.1:8000
  LlmFormat format = LlmFormat::kLlamaGuard3;
  std::string model;
  std::string api = "completions";  // all but openai-moderation: "completions" or "chat"
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

// The hazard categories of a Llama Guard format, "S1: Violent Crimes." ...
// (14 entries, codes S1-S14); empty for the other formats.
std::vector<std::string_view> LlamaGuardCategories(LlmFormat format);

// The refusal format's instructions; {PROMPT} and {RESPONSE} are replaced by
// the prompt and the answer, each as a JSON string literal (quoted, escaped:
// one line that ends where the text ends).
extern const char* const kRefusalClassifierPrompt;

// What a WildGuard model said. `has_response` is false when both response
// lines read N/A.
struct WildGuardAssessment {
  bool harmful_request = false;
  bool has_response = false;
  bool response_refusal = false;
  bool harmful_response = false;
};

// Parsers (exposed for tests and fuzzing). Never crash on any input.
Result<LlmAssessment> ParseLlamaGuardOutput(std::string_view text);
Result<LlmAssessment> ParseModerationResponse(std::string_view json_body, double threshold);
// "full_refusal" / "partial_refusal" / "compliance", or an error.
Result<std::string> ParseRefusalOutput(std::string_view text);
Result<WildGuardAssessment> ParseWildGuardOutput(std::string_view text);

// The Llama Guard 3 prompt for `input` (Agent turn = input.text when there is a
// prompt, else the User turn = input.text).
std::string BuildLlamaGuardPrompt(const JudgeInput& input);
// The same for any format with a prompt template (llama-guard-3/4, refusal,
// wildguard). `raw` = the completions text with the model's chat tokens; else
// the plain instruction sent as a chat message.
std::string BuildJudgePrompt(LlmFormat format, const JudgeInput& input, bool raw);

// A text a stranger wrote (an answer, a prompt, a gateway user's message)
// made safe to paste into `format`'s prompt, as BuildJudgePrompt() and the
// chat messages of the Llama Guard formats do: every chat token ("<|...|>",
// "<s>", "</s>", "[INST]", "[/INST]") and block marker ("<BEGIN", "<END")
// gets a space after its first character, and a line that opens with one of
// the template's labels ("User:", "Agent:"; WildGuard's "Human user:", "AI
// assistant:", "Answers:", its three answer lines and a "---" line) is
// quoted with "> ". The text cannot close its block or add a turn; its words
// stay readable. (The refusal prompt then quotes the text as a JSON string.)
std::string ConfineText(LlmFormat format, std::string_view text);

}  // namespace safegate::judge
