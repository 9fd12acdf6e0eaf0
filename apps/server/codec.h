// JSON at the edge: decoding of request bodies into plain structs. Every
// function is total: any byte string gives a value or an InvalidArgument
// error naming the field (these are fuzzed: fuzz/fuzz_server_json.cc).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/moderation/gate.h"
#include "safegate/openai/chat.h"
#include "safegate/openai/sse.h"

namespace safegate::server {

// Parses a JSON object; the error says where parsing stopped.
Result<nlohmann::json> ParseJsonObject(std::string_view body);

struct ModerationRequest {
  std::vector<std::string> inputs;  // "input": a string, an array of strings, or of
                                    // {"type":"text","text":...} parts (others refused),
                                    // joined by line breaks
  // Parallel to `inputs` (or empty): an input of text parts also joined
  // without a separator, when that differs ("" for the others). The gate
  // checks both readings, as the chat path does for content parts.
  std::vector<std::string> joined;
  std::string model;
};
Result<ModerationRequest> DecodeModerationRequest(std::string_view body);

// The two halves of DecodeModerationRequest, public for tests and the fuzz
// target. The fast path reads only the plain forms (an object with "input" as
// a string or a non-empty array of at most 2048 strings, and optionally
// "model" as a string; no other keys, no duplicate keys, no \u escapes) and
// returns false for anything else, leaving *out untouched. Whenever it returns
// true, DecodeModerationRequestJson (the full nlohmann parser) gives the same
// value. DecodeModerationRequest = fast path, else the full parser.
bool FastDecodeModerationRequest(std::string_view body, ModerationRequest* out);
Result<ModerationRequest> DecodeModerationRequestJson(std::string_view body);

struct ChatRequest {
  nlohmann::json body;  // forwarded upstream (minus safegate's own fields)
  bool stream = false;
  std::string user;             // "user"
  std::string conversation_id;  // "conversation_id" (safegate extension), may be empty
  std::string model;
  std::string last_user_text;  // the text of the last message with role "user"
  // Every text the model will read (moderation/gate.h): each message of any
  // role (text parts joined without a separator), tool-call arguments and
  // names in assistant turns, tool names and descriptions and parameter
  // schemas. A role other than system, developer, user, assistant, tool or
  // function, and a content part that is not text, are errors: the gate
  // cannot check what it cannot read.
  std::vector<moderation::InputText> texts;
};
Result<ChatRequest> DecodeChatRequest(std::string_view body);

// The choices of a chat.completion body in the gate's terms: the text fields
// that openai::CompletionChoices reads, per choice; its errors.
Result<std::vector<moderation::OutputChoice>> GateChoices(const nlohmann::json& body);

// Writes the gate's verdict into the body: each flagged choice gets the
// delivered texts and finish_reason "content_filter". "logprobs" is removed
// from every choice (its alternatives are text the gate does not check).
void ApplyOutputVerdict(const moderation::OutputVerdict& verdict, nlohmann::json* body);

// The tokens of an answer that the gate does not read as text (what
// openai::DropUnreadKeys collects: ids, the model, a finish_reason, keys),
// one per line, as one more choice to check with the answer's (index
// kTokensChoice, field "tokens").
inline constexpr int64_t kTokensChoice = -1;
moderation::OutputChoice TokensChoice(const std::vector<std::string>& tokens);

// When the gate flags the tokens choice: every choice is blocked (a token
// is not masked in part), and the body's metadata is safegate's own: `id`
// (chatcmpl-sg-…), `model` (the one the client asked for), `object`, each
// choice's `index` its position; system_fingerprint, service_tier and usage
// are removed. Call before ApplyOutputVerdict, without the tokens choice.
void BlockForTokens(const moderation::OutputVerdict::Choice& tokens,
                    const std::string& blocked_message, const std::string& model,
                    moderation::OutputVerdict* verdict, nlohmann::json* body);

struct ReportRequest {
  std::string message_id;
  std::string conversation_id;
  std::string reason;
  std::string user;
};
Result<ReportRequest> DecodeReportRequest(std::string_view body);

struct DecisionRequest {
  std::string decision;  // allow | remove | escalate
  std::string reason;
};
Result<DecisionRequest> DecodeDecisionRequest(std::string_view body);

// One path segment as received (still percent-encoded), made safe to put in
// an upstream URL: unreserved characters and well-formed %XX escapes are kept,
// every other byte is percent-encoded (so "/", "?", "#", "%" alone, spaces and
// controls cannot change the upstream path or query), and a segment of dots
// only ("." or "..") is written as %2E escapes (not a dot segment).
std::string EncodePathSegment(std::string_view raw);

}  // namespace safegate::server
