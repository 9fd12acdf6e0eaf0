// Targets: request bodies, response shapes, replay files, question files,
// the eval section of the project file, and the stratified sampler.
#include "safegate/eval/target.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "safegate/base/file.h"
#include "safegate/base/json.h"
#include "safegate/net/client.h"
#include "safegate/openai/chat.h"

namespace safegate::eval {
namespace {

using json = nlohmann::json;

std::string Resolve(const std::string& base_dir, const std::string& p) {
  if (p.empty() || base_dir.empty() || std::filesystem::path(p).is_absolute()) return p;
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

}  // namespace

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

Result<EvalConfig> ParseEvalConfig(std::string_view project_yaml, const std::string& origin,
                                   const std::string& base_dir) {
  EvalConfig cfg;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(project_yaml));
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(AtLocation(origin, e.mark.line + 1, "", e.msg));
  }
  if (!root.IsMap()) return cfg;
  auto loc = [&](const YAML::Node& n, const std::string& field, const std::string& msg) {
    return InvalidArgumentError(AtLocation(origin, n.Mark().line + 1, field, msg));
  };
  auto set_profile = [&](const std::string& name) {
    // A built-in name, or a file (resolved against the project directory).
    cfg.profile = name;
    if (name.find('/') != std::string::npos || name.ends_with(".yaml") || name.ends_with(".yml")) {
      cfg.profile = Resolve(base_dir, name);
    }
  };
  // The project's top-level profile and seed are the defaults of eval.profile and eval.seed.
  try {
    if (root["profile"] && root["profile"].IsScalar())
      set_profile(root["profile"].as<std::string>());
    if (root["seed"] && root["seed"].IsScalar()) {
      cfg.seed = root["seed"].as<uint64_t>();
      cfg.has_seed = true;
    }
  } catch (const YAML::Exception& e) {
    return loc(root["seed"], "seed", "expected a non-negative integer");
  }
  YAML::Node ev = root["eval"];
  if (!ev) return cfg;
  if (!ev.IsMap()) return loc(ev, "eval", "not a mapping");
  try {
    for (auto kv : ev) {
      std::string k = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (k == "seed") {
        cfg.seed = v.as<uint64_t>();
        cfg.has_seed = true;
      } else if (k == "store") {
        cfg.store = Resolve(base_dir, v.as<std::string>());
      } else if (k == "profile") {
        set_profile(v.as<std::string>());
      } else if (k == "reviews") {
        if (!v.IsSequence()) return loc(v, "eval.reviews", "not a list of files");
        for (auto f : v) {
          std::string path = Resolve(base_dir, f.as<std::string>());
          if (!std::filesystem::exists(path))
            return loc(f, "eval.reviews", "no such file: " + path);
          cfg.reviews.push_back(path);
        }
      } else if (k == "verdict_basis") {
        cfg.verdict_basis = v.as<std::string>();
        if (cfg.verdict_basis != "auto" && cfg.verdict_basis != "machine" &&
            cfg.verdict_basis != "corrected" && cfg.verdict_basis != "human") {
          return loc(v, "eval.verdict_basis",
                     "expected auto, machine, corrected or human, got '" + cfg.verdict_basis + "'");
        }
      } else if (k == "banks") {
        if (!v.IsMap()) return loc(v, "eval.banks", "not a mapping");
        for (auto b : v) {
          std::string kind = b.first.as<std::string>();
          auto bk = ParseBankKind(kind);
          if (!bk.ok()) return loc(b.first, "eval.banks", bk.status().message());
          cfg.banks[std::string(BankKindName(*bk))] = Resolve(base_dir, b.second.as<std::string>());
        }
      } else if (k == "target") {
        if (!v.IsMap()) return loc(v, "eval.target", "not a mapping");
        cfg.has_target = true;
        TargetSpec& t = cfg.target;
        for (auto tkv : v) {
          std::string tk = tkv.first.as<std::string>();
          const YAML::Node& tv = tkv.second;
          std::string f = "eval.target." + tk;
          if (tk == "name")
            t.name = tv.as<std::string>();
          else if (tk == "kind")
            t.kind = tv.as<std::string>();
          else if (tk == "base_url")
            t.base_url = tv.as<std::string>();
          else if (tk == "api")
            t.api = tv.as<std::string>();
          else if (tk == "model")
            t.model = tv.as<std::string>();
          else if (tk == "api_key_env")
            t.api_key_env = tv.as<std::string>();
          else if (tk == "system_prompt")
            t.system_prompt = tv.as<std::string>();
          else if (tk == "temperature")
            t.temperature = tv.as<double>();
          else if (tk == "max_tokens")
            t.max_tokens = tv.as<int>();
          else if (tk == "seed")
            t.seed = tv.as<int64_t>();
          else if (tk == "stream")
            t.stream = tv.as<bool>();
          else if (tk == "concurrency")
            t.concurrency = tv.as<int>();
          else if (tk == "requests_per_second")
            t.requests_per_second = tv.as<double>();
          else if (tk == "timeout_seconds")
            t.timeout_seconds = tv.as<double>();
          else if (tk == "max_attempts")
            t.max_attempts = tv.as<int>();
          else if (tk == "backoff_initial_seconds")
            t.backoff_initial_seconds = tv.as<double>();
          else if (tk == "backoff_max_seconds")
            t.backoff_max_seconds = tv.as<double>();
          else if (tk == "http_client")
            t.http_client = tv.as<std::string>();
          else if (tk == "path")
            t.replay_path = Resolve(base_dir, tv.as<std::string>());
          else if (tk == "headers") {
            if (!tv.IsMap()) return loc(tv, f, "not a mapping");
            for (auto h : tv)
              t.headers.push_back({h.first.as<std::string>(), h.second.as<std::string>()});
          } else {
            return loc(tkv.first, f, "unknown key");
          }
        }
        if (t.kind != "openai" && t.kind != "replay")
          return loc(v, "eval.target.kind", "expected openai or replay, got '" + t.kind + "'");
        if (t.api != "chat" && t.api != "ollama")
          return loc(v, "eval.target.api", "expected chat or ollama, got '" + t.api + "'");
        if (t.kind == "openai" && t.base_url.empty())
          return loc(v, "eval.target.base_url", "missing");
        if (t.kind == "replay" && t.replay_path.empty())
          return loc(v, "eval.target.path", "missing");
        if (t.concurrency < 1 || t.concurrency > 4096)
          return loc(v, "eval.target.concurrency", "must be in 1..4096");
        if (t.requests_per_second < 0)
          return loc(v, "eval.target.requests_per_second", "must not be negative");
        if (t.max_attempts < 1 || t.max_attempts > 100)  // as --max-attempts
          return loc(v, "eval.target.max_attempts", "must be in 1..100");
        if (!net::ParseHttpEngine(t.http_client).ok())
          return loc(v, "eval.target.http_client",
                     "expected auto, builtin or curl, got '" + t.http_client + "'");
      } else {
        return loc(kv.first, "eval." + k, "unknown key");
      }
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(AtLocation(origin, e.mark.line + 1, "eval", e.msg));
  }
  return cfg;
}

}  // namespace safegate::eval
