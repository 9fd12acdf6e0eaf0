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
