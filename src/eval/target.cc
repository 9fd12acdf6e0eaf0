// Targets: request bodies, response shapes, replay files, question files,
// and the stratified sampler. (The eval section of the project file is read
// by project/project.h.)
#include "safegate/eval/target.h"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "safegate/base/file.h"
#include "safegate/base/json.h"
#include "safegate/net/client.h"
#include "safegate/openai/chat.h"

namespace safegate::eval {
using json = nlohmann::json;

Result<BankKind> ParseBankKind(std::string_view name) {
  if (name == "generated_content" || name == "generated-content") return BankKind::kGenerated;
  auto k = policy::ParseBankKind(name);
  if (!k || *k == BankKind::kKeywords) {
    return InvalidArgumentError("unknown bank kind '" + std::string(name) +
                                "' (expected generated, should_refuse or should_answer)");
  }
  return *k;
}

std::string BuildChatBody(const TargetSpec& target, const EvalItem& item) {
  std::vector<openai::ChatMessage> messages;
  if (!target.system_prompt.empty()) messages.push_back({"system", target.system_prompt});
  messages.push_back({"user", item.prompt});
  if (target.api != "ollama") {
    openai::ChatParams p;
    p.model = target.model;
    p.temperature = target.temperature;
    p.max_tokens = target.max_tokens;
    p.seed = target.seed;
    p.stream = target.stream;
    return openai::ChatCompletionBody(messages, p);
  }
  // Ollama's /api/chat: the sampling settings go under "options", and
  // "stream" is sent either way (its default is to stream).
  json msgs = json::array();
  for (const auto& m : messages) msgs.push_back({{"role", m.role}, {"content", m.content}});
  json body = {{"model", target.model}, {"messages", std::move(msgs)}, {"stream", target.stream}};
  json opts = json::object();
  if (target.temperature >= 0) opts["temperature"] = target.temperature;
  if (target.max_tokens > 0) opts["num_predict"] = target.max_tokens;
  if (target.seed >= 0) opts["seed"] = target.seed;
  if (!opts.empty()) body["options"] = opts;
  return DumpJson(body);
}

Result<net::Request> BuildChatRequest(const TargetSpec& target, const EvalItem& item) {
  SAFEGATE_ASSIGN_OR_RETURN(ChatRequestBuilder b, ChatRequestBuilder::Make(target));
  return b.Build(item);
}

Result<ChatRequestBuilder> ChatRequestBuilder::Make(const TargetSpec& target) {
  ChatRequestBuilder b;
  b.target_ = target;
  net::Request& r = b.base_;
  r.method = "POST";
  r.url = net::JoinUrl(target.base_url, target.api == "ollama" ? "api/chat" : "chat/completions");
  r.headers.push_back({"Content-Type", "application/json"});
  if (!target.api_key_env.empty()) {
    const char* key = std::getenv(target.api_key_env.c_str());
    if (key == nullptr) {
      return InvalidArgumentError("target '" + target.name + "': environment variable " +
                                  target.api_key_env + " (api_key_env) is not set");
    }
    net::AddBearer(&r.headers, key);
  }
  for (const auto& h : target.headers) r.headers.push_back(h);
  r.timeout_seconds = target.timeout_seconds;
  r.max_body_bytes = target.max_answer_bytes;
  // The body with a sentinel prompt, split around the sentinel's JSON string.
  // A sentinel found other than exactly once (say, inside the system prompt)
  // leaves prefix_ and suffix_ empty, and Build() serialises every body.
  static constexpr std::string_view kSentinel = "\x01\x02safegate-prompt\x02\x01";
  EvalItem probe;
  probe.prompt = std::string(kSentinel);
  std::string body = BuildChatBody(target, probe);
  std::string quoted = DumpJson(json(std::string(kSentinel)));
  size_t at = body.find(quoted);
  if (at != std::string::npos && body.find(quoted, at + 1) == std::string::npos) {
    b.prefix_ = body.substr(0, at);
    b.suffix_ = body.substr(at + quoted.size());
  }
  return b;
}

net::Request ChatRequestBuilder::Build(const EvalItem& item) const {
  net::Request r = base_;
  if (prefix_.empty()) {
    r.body = BuildChatBody(target_, item);
    return r;
  }
  std::string prompt = DumpJson(json(item.prompt));
  r.body.reserve(prefix_.size() + prompt.size() + suffix_.size());
  r.body.append(prefix_).append(prompt).append(suffix_);
  return r;
}

const ReplayAnswer* Replay::Find(const EvalItem& item) const {
  std::string key = std::string(BankKindName(item.bank)) + "\x1f" + item.id;
  auto it = answers.find(key);
  if (it != answers.end()) return &it->second;
  it = answers.find("\x1f" + item.id);
  return it == answers.end() ? nullptr : &it->second;
}

Result<Replay> ParseReplay(std::string_view jsonl, const std::string& origin) {
  Replay out;
  uint64_t line_no = 0;
  size_t pos = 0;
  while (pos < jsonl.size()) {
    size_t nl = jsonl.find('\n', pos);
    std::string_view line = jsonl.substr(pos, nl == std::string_view::npos ? jsonl.npos : nl - pos);
    pos = nl == std::string_view::npos ? jsonl.size() : nl + 1;
    line_no++;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    json j = ParseUntrustedJson(line);
    if (j.is_discarded() || !j.is_object()) {
      return InvalidArgumentError(AtLocation(origin, line_no, "", "not a JSON object"));
    }
    auto str = [&](const char* k, std::string* v) -> Status {
      auto it = j.find(k);
      if (it == j.end() || it->is_null()) return OkStatus();
      if (!it->is_string())
        return InvalidArgumentError(AtLocation(origin, line_no, k, "not a string"));
      *v = it->get<std::string>();
      return OkStatus();
    };
    std::string id, bank, error, response;
    bool has_response = false;
    SAFEGATE_RETURN_IF_ERROR(str("id", &id));
    if (id.empty()) return InvalidArgumentError(AtLocation(origin, line_no, "id", "missing"));
    SAFEGATE_RETURN_IF_ERROR(str("bank", &bank));
    if (!bank.empty()) {
      auto k = ParseBankKind(bank);
      if (!k.ok())
        return InvalidArgumentError(AtLocation(origin, line_no, "bank", k.status().message()));
      bank = std::string(BankKindName(*k));
    }
    SAFEGATE_RETURN_IF_ERROR(str("error", &error));
    for (const char* k : {"response", "answer", "content", "output"}) {
      if (j.contains(k) && !j[k].is_null()) {
        SAFEGATE_RETURN_IF_ERROR(str(k, &response));
        has_response = true;
        break;
      }
    }
    if (!has_response && error.empty()) {
      return InvalidArgumentError(
          AtLocation(origin, line_no, "response", "missing (and no \"error\")"));
    }
    std::string key = bank + "\x1f" + id;
    if (!out.answers.emplace(key, ReplayAnswer{response, error}).second) {
      return InvalidArgumentError(AtLocation(origin, line_no, "id", "duplicate id '" + id + "'"));
    }
  }
  return out;
}

Result<Replay> LoadReplay(const std::string& path) {
  SAFEGATE_ASSIGN_OR_RETURN(std::string data, ReadFile(path));
  return ParseReplay(data, path);
}

}  // namespace safegate::eval
