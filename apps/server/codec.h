// JSON at the edge: decoding of request bodies into plain structs. Every
// function is total: any byte string gives a value or an InvalidArgument
// error naming the field (these are fuzzed: fuzz/fuzz_server_json.cc).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"

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
};
Result<ChatRequest> DecodeChatRequest(std::string_view body);

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

// Serialises without throwing (invalid UTF-8 replaced by U+FFFD).
std::string Dump(const nlohmann::json& j);

}  // namespace safegate::server
