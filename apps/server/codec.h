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

namespace safegate::server {

// Parses a JSON object; the error says where parsing stopped.
Result<nlohmann::json> ParseJsonObject(std::string_view body);

struct ModerationRequest {
  std::vector<std::string> inputs;  // "input": a string, an array of strings, or of
                                    // {"type":"text","text":...} parts (others ignored)
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

// The choices of a chat.completion body as the gate reads them: per choice
// message.content (string or text parts), reasoning_content, refusal,
// tool_calls[k].function.{name,arguments} and function_call.arguments.
// An error when "choices" is missing, empty or not an array of objects.
Result<std::vector<moderation::OutputChoice>> CompletionChoices(const nlohmann::json& body);

// Writes the gate's verdict into the body: each flagged choice gets the
// delivered texts and finish_reason "content_filter". "logprobs" is removed
// from every choice (its alternatives are text the gate does not check).
void ApplyOutputVerdict(const moderation::OutputVerdict& verdict, nlohmann::json* body);

// The deltas of one chat.completion.chunk event, as (channel, text) pairs:
// channel "INDEX.FIELD" per choice index (so interleaved choices are checked
// apart), fields as in CompletionChoices. Removes "logprobs" from the event.
std::vector<std::pair<std::string, std::string>> StreamDeltas(nlohmann::json* event);

// An incremental reader of a text/event-stream body (the WHATWG rules that
// matter here): lines end with LF, CRLF or CR; "data:" lines of one event are
// joined with LF; "event:", "id:", "retry:" and comment lines are read and
// dropped; a blank line ends an event. Feed() may be called with any cut of
// the bytes; each complete event's data goes to the callback (false stops).
// A line longer than `max_line` bytes is an error (the stream is then cut).
class SseReader {
 public:
  explicit SseReader(size_t max_line = 8u << 20) : max_line_(max_line) {}
  // Returns false when the callback asked to stop or a line was too long.
  template <typename F>
  bool Feed(std::string_view bytes, F&& on_event);
  bool too_long() const { return too_long_; }

 private:
  bool Line(std::string_view line, bool* event_done);
  size_t max_line_;
  std::string line_;
  std::string data_;
  bool have_data_ = false;
  bool last_cr_ = false;
  bool too_long_ = false;
};

// True when the first non-blank line of `head` looks like an event stream
// (a "data:", "event:", "id:" or "retry:" field, or a ":" comment).
bool LooksLikeEventStream(std::string_view head);

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

// The text of an OpenAI message "content": a string, or an array of parts
// whose {"type":"text"} texts are joined with "\n". Other types give "".
std::string ContentText(const nlohmann::json& content);

// One path segment as received (still percent-encoded), made safe to put in
// an upstream URL: unreserved characters and well-formed %XX escapes are kept,
// every other byte is percent-encoded (so "/", "?", "#", "%" alone, spaces and
// controls cannot change the upstream path or query), and a segment of dots
// only ("." or "..") is written as %2E escapes (not a dot segment).
std::string EncodePathSegment(std::string_view raw);

// Serialises without throwing (invalid UTF-8 replaced by U+FFFD).
std::string Dump(const nlohmann::json& j);

template <typename F>
bool SseReader::Feed(std::string_view bytes, F&& on_event) {
  for (char c : bytes) {
    if (last_cr_ && c == '\n') {  // the LF of a CRLF
      last_cr_ = false;
      continue;
    }
    last_cr_ = c == '\r';
    if (c != '\n' && c != '\r') {
      if (line_.size() >= max_line_) {
        too_long_ = true;
        return false;
      }
      line_ += c;
      continue;
    }
    bool event_done = false;
    Line(line_, &event_done);
    line_.clear();
    if (event_done && have_data_) {
      std::string data = std::move(data_);
      data_.clear();
      have_data_ = false;
      if (!on_event(std::string_view(data))) return false;
    }
  }
  return true;
}

}  // namespace safegate::server
