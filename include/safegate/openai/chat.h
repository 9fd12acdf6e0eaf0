// The OpenAI-compatible chat protocol, in one place: building a chat request
// body, reading the answer text of a response (plain, streamed, and the
// shapes of Ollama and llama.cpp), the error a server answered with, and the
// text fields of every choice as a moderation gate reads them. Used by eval
// targets (src/eval/target.cc), the LLM judges (src/judge/llm.cc), bank
// paraphrasing (src/bank/paraphrase.cc) and the chat proxy (apps/server).
//
// Every function is total on untrusted bytes: a value or an error, never a
// crash (fuzz/fuzz_eval.cc, fuzz/fuzz_server_http.cc).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "safegate/base/status.h"

namespace safegate::openai {

// ---- Requests ----

struct ChatMessage {
  std::string role;  // "system", "user", "assistant", ...
  std::string content;
};

// What a chat request sets besides the messages. Negative or zero values are
// left out of the body (the server's defaults apply).
struct ChatParams {
  std::string model;        // left out when empty
  double temperature = -1;  // "temperature" when >= 0
  int64_t max_tokens = 0;   // "max_tokens" when > 0
  int64_t seed = -1;        // "seed" when >= 0
  bool stream = false;      // "stream": true when set
};

// {"model": ..., "messages": [{"role": ..., "content": ...}, ...], ...} as
// JSON text (invalid UTF-8 in a message is replaced by U+FFFD).
std::string ChatCompletionBody(const std::vector<ChatMessage>& messages, const ChatParams& params);

// ---- The answer text ----

// The answer text of a response body: choices[0].message.content (or a legacy
// choices[0].text), the concatenated choices[0].delta.content of a
// text/event-stream body (up to "data: [DONE]"), Ollama's message.content or
// response (also as newline-delimited chunks), or llama.cpp's content; then
// every other text of the message (or of the deltas, each field joined over
// the events): one "[FIELD] text" line per field with text, FIELD as
// CompletionChoices names it (reasoning_content, reasoning, refusal,
// tool_calls[K].arguments, Ollama's thinking, ...). A null content gives only
// those lines ("" without any). DataLoss errors: a reply with more than one
// choice, or whose choice is not choice 0 (one was asked for: which one a user
// sees is unknown); a body that is not valid UTF-8 (naming the byte offset);
// an {"error": ...} body (carrying the server's message); anything else,
// saying what was expected.
//
// The plain chat-completion shape, {"choices": [{"message": {"content":
// "..."}}]} with one choice and no other text in the message, is read by a
// simdjson fast path; every other body by the general
// parser (internal::AnswerTextGeneral). Whenever the fast path answers, the
// general parser gives the same text (tests/unit/openai/chat_test.cc,
// fuzz/fuzz_eval.cc).
//
// kReply reads the reply alone: the content, and the other texts only when
// the content is empty (a tool call, a structured-output refusal). For a
// refusal judge: a refusal appended in a reasoning field must not turn a
// harmful content into a (partial) refusal. The choice and UTF-8 errors are
// the same.
enum class AnswerFields { kAll, kReply };
Result<std::string> AnswerText(std::string_view body, AnswerFields fields = AnswerFields::kAll);

namespace internal {
// AnswerText without its fast path.
Result<std::string> AnswerTextGeneral(std::string_view body,
                                      AnswerFields fields = AnswerFields::kAll);
}  // namespace internal

// The text of choices[0] of a whole (non-streamed) answer, read strictly for
// the endpoint that was called: message.content as a string for chat
// completions, "text" for legacy completions. Any other shape (the other
// endpoint's, a null content, a stream, Ollama's) is an InvalidArgument error
// carrying the server's error message if it sent one. For callers that must
// not guess what a server meant: a judge whose answer decides a verdict, a
// paraphrase that becomes a bank item. Evaluated models are read with the
// lenient AnswerText.
enum class Endpoint { kChat, kCompletions };
Result<std::string> StrictChoiceText(std::string_view body, Endpoint endpoint);

// The message of an error body, at most 200 bytes: {"error": {"message":
// "..."}} or {"error": "..."}; any other "error" value as JSON text. Nothing
// when the body is not an object with an "error" key.
std::optional<std::string> ErrorMessage(const nlohmann::json& body);

// ---- Every text a gate must read ----

// The text of a message "content": a string, or an array of parts whose
// {"type":"text"} texts are joined with "\n". Other types give "".
std::string ContentText(const nlohmann::json& content);

// Every string of a JSON value in document order, joined with "\n" (object
// keys too when `keys`; numbers, booleans and null are left out). A string
// value gives itself.
std::string StringsOf(const nlohmann::json& value, bool keys);

struct TextField {
  // "content", "reasoning_content", "reasoning", "refusal",
  // "tool_calls[K].name", "tool_calls[K].arguments", "function_call.name",
  // "function_call.arguments", "text" (legacy completions); any other key
  // KEY of the message (StringsOf its value: "audio", "annotations", a
  // server's own fields) and "tool_calls[K].KEY" for any other key of a call
  // but id, type and index ("custom" calls).
  std::string name;
  std::string text;
};

struct ChoiceTexts {
  int64_t index = 0;  // the choice's "index", else its position
  std::vector<TextField> fields;
};

// The text fields of every choice of a chat.completion (or legacy
// text_completion) body: per choice message.content (a string or text and
// refusal parts, joined without a separator), reasoning_content, reasoning,
// refusal, tool_calls[K].function.{name,arguments} (K = the call's "index",
// else its position), function_call.{name,arguments}, "text", and the
// strings of every other key of the message and of its tool calls (the
// client receives them: nothing is relayed unread). An error
// when the body is not an object or "choices" is missing, empty or not an
// array of objects.
Result<std::vector<ChoiceTexts>> CompletionChoices(const nlohmann::json& body);

// The deltas of one chat.completion.chunk event, as (channel, text) pairs:
// channel "INDEX.FIELD" per choice index (so interleaved choices are read
// apart), fields as in CompletionChoices; a whole "message" in a chunk's
// choice gives channels "INDEX.message.FIELD". Removes "logprobs" from every
// choice of the event (its alternatives are text nobody checks).
std::vector<std::pair<std::string, std::string>> StreamDeltas(nlohmann::json* event);

// Removes from a completion (or a stream chunk) what a gate does not read, so
// that every string relayed is either read by the gate (CompletionChoices,
// StreamDeltas) or a token: 1..128 bytes (64 for keys, a role, an index, a
// finish_reason) of ASCII letters, digits and _ . : / @ + -, so no sentence.
// Removed: every top-level key but id, object, created, model,
// system_fingerprint, service_tier (each kept only when a token or a number)
// and choices (an array) and a usage without strings whose keys are tokens
// (so an "output_text", an "error" object in a stream, a server's own fields
// go); a choice that is not an object; every key of a choice but an object
// (or null) message or delta, a string text, an index and a token
// finish_reason (so logprobs, a server's stop_reason go); inside a message or
// delta, every object key that is not a token (the gate reads values, not
// keys) or that is spelled like a field path ("function_call.name"), and a role, a tool call's id
// and type, other keys of a function call, a content part's type, a content part that is not an
// object, a content that is neither a string, parts nor null, tool_calls
// that are not an array, a tool call or function (call) that is not an
// object, unless tokens. True when something was removed. When `tokens` is
// given, every key and string kept that the gate does not read (the tokens
// above, and every object key inside a message or delta) is appended to it,
// so that the caller can have the gate check them too: a token cannot hold a
// sentence, but it can spell a few words ("pipe-bomb:step-1").
// Every choice's "index", and every tool call's in a delta (in a message:
// when it has one), is written as the gate reads it: an integral number
// 0..65535 as sent (0.0 is 0), anything else (a string, a negative or larger
// number, none) the position in its array. A client merges a stream's deltas
// by the index's value ("0" and 0 are one key in JavaScript), so what it
// joins is what the gate read as one channel.
bool DropUnreadKeys(nlohmann::json* body, std::vector<std::string>* tokens = nullptr);

// For what the gateway relays from an upstream without a gate reading it
// (GET /v1/models): removes, anywhere in `v`, every string that is not a token
// (as DropUnreadKeys defines it) and every object key that is not one, with
// its value; a value nested deeper than kMaxJsonDepth becomes null. True when
// something was removed. The keys and strings kept are appended to `tokens`
// when given.
bool DropNonTokens(nlohmann::json* v, std::vector<std::string>* tokens = nullptr);

// Removes, anywhere in `v`, every object key (with its value) and every
// string (an object's member, an array's element) for which
// drop(text, is_key) is true. True when something was removed.
bool DropStrings(nlohmann::json* v, const std::function<bool(const std::string&, bool)>& drop);

// Sets the field `name` (as CompletionChoices names it) of a message object
// to `text`; a field naming a tool call or function call the message does not
// have is left alone. A field whose value is not a string (an "audio"
// object, say) is removed when `text` differs from its StringsOf (a masked
// copy), else left alone.
void SetMessageField(nlohmann::json* message, const std::string& name, const std::string& text);

}  // namespace safegate::openai
