// Evaluation items and targets: what is put to the model, and where it goes.
//
// An EvalItem is one question drawn from a bank (generated-content,
// should-refuse or should-answer). A Target is either an OpenAI-compatible
// chat-completions endpoint (vLLM, llama.cpp server, Ollama, OpenAI) or a
// replay file of recorded answers keyed by item id. Pure data and pure
// functions here; sending is in runner.h. Thread-safe (no shared state).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/net/http.h"
#include "safegate/policy/bank.h"

namespace safegate::eval {

// The bank kinds are the policy's (policy/bank.h); eval runs the generated,
// should_refuse and should_answer banks, never the keyword bank.
using policy::BankKind;
using policy::BankKindName;

// An eval bank kind: "generated" (also "generated_content"), "should_refuse",
// "should_answer" (also with "-"); kInvalidArgument otherwise, "keywords"
// included.
Result<BankKind> ParseBankKind(std::string_view name);

struct EvalItem {
  std::string id;  // unique within its bank
  BankKind bank = BankKind::kGenerated;
  std::string category;
  std::string lang;
  std::string prompt;
  int64_t seq = -1;  // position in its run, set by RunStore::Items(); -1: not from a run
};

struct TargetSpec {
  std::string name = "target";  // a label for reports
  std::string kind = "openai";  // "openai" | "replay"
  // openai:
  std::string base_url;      // e.g. http://127.0.0.1:8000/v1 (".../chat/completions" is appended)
  std::string api = "chat";  // "chat" (/chat/completions) | "ollama" (/api/chat)
  std::string model;
  std::string api_key_env;  // name of the environment variable holding the key
  std::vector<net::Header> headers;
  std::string system_prompt;
  double temperature = -1;  // < 0: not sent
  int max_tokens = 0;       // 0: not sent
  int64_t seed = -1;        // < 0: not sent
  bool stream = false;      // ask for SSE and join the deltas
  int concurrency = 16;
  double requests_per_second = 0;  // 0: unlimited
  double timeout_seconds = 120;    // per attempt
  int max_attempts = 5;
  // Per item: the time from its first attempt's start to its answer, retries
  // and back-off waits included (net::ClientOptions::call_deadline_seconds).
  // Past it the item's answer is an error. 300 s lets a slow model use a
  // whole 120 s attempt and retry, and caps what a server that answers 429
  // with Retry-After: 300 again and again costs per item (without it: four
  // waits of up to 300 s).
  // At most kMaxItemDeadlineSeconds (a day): a bigger one (or inf) is a
  // typo, and turns the deadline off in all but name.
  double item_deadline_seconds = 300;
  static constexpr double kMaxItemDeadlineSeconds = 86400;
  double backoff_initial_seconds = 0.5;
  double backoff_max_seconds = 30;
  size_t max_answer_bytes = 8u << 20;
  // "auto" (the built-in HTTP/1.1 client for plain http:// without a proxy,
  // else libcurl), "builtin" or "curl"; see net/client.h.
  std::string http_client = "auto";
  // replay:
  std::string replay_path;
};

// The `eval:` section of the project file (read by project/project.h, which
// documents the keys; the top-level `profile` and `seed` are the defaults of
// eval.profile and eval.seed). The target's keys are TargetSpec's fields
// (`path` is replay_path, resolved against the project directory).
struct EvalConfig {
  TargetSpec target;
  bool has_target = false;
  uint64_t seed = 0;
  bool has_seed = false;
  std::string store;                         // run store path (relative to base_dir); may be empty
  std::string profile;                       // overrides the policy's profile; may be empty
  std::map<std::string, std::string> banks;  // bank kind name -> path (resolved)
  // eval.verdict_basis: auto | machine | corrected | human (eval/report.h); "" = auto.
  std::string verdict_basis;
  // eval.reviews: reviewer label files (review import format; resolved) that
  // `safegate assess` imports into its run before the report.
  std::vector<std::string> reviews;
};

// The JSON body of a chat-completions request for `item`.
std::string BuildChatBody(const TargetSpec& target, const EvalItem& item);

// The full HTTP request (URL, headers with the API key from the environment,
// body). Fails when `api_key_env` is set but the variable is missing.
Result<net::Request> BuildChatRequest(const TargetSpec& target, const EvalItem& item);

// BuildChatRequest for many items of one target: the URL, the headers and the
// body around the prompt are built once, so Build() only escapes the prompt.
// Build(item) equals BuildChatRequest(target, item) byte for byte.
class ChatRequestBuilder {
 public:
  // Fails as BuildChatRequest does (missing API key variable).
  static Result<ChatRequestBuilder> Make(const TargetSpec& target);
  net::Request Build(const EvalItem& item) const;

 private:
  TargetSpec target_;
  net::Request base_;   // everything but the body
  std::string prefix_;  // the body before the prompt's JSON string ...
  std::string suffix_;  // ... and after it; both empty: build the body in full
};

// The answer text of a response body is read by openai::AnswerText
// (safegate/openai/chat.h).

// A replay file: JSONL, one object per line with "id" and "response" (or
// "answer"/"content"/"output"), optionally "bank" and "error". Errors name the
// file, line and field; duplicate ids (within one bank) are errors.
struct ReplayAnswer {
  std::string response;
  std::string error;  // a recorded failure: stored as an error answer
};
struct Replay {
  // key: "bank\x1fid", or "\x1fid" when the line names no bank.
  std::map<std::string, ReplayAnswer, std::less<>> answers;
  const ReplayAnswer* Find(const EvalItem& item) const;
};
Result<Replay> ParseReplay(std::string_view jsonl, const std::string& origin);
Result<Replay> LoadReplay(const std::string& path);

}  // namespace safegate::eval
