// The LLM judge: Llama Guard 3 and OpenAI moderation over HTTP.
#include "safegate/judge/llm.h"

#include <nlohmann/json.hpp>

#include "safegate/base/json.h"
#include "safegate/net/http.h"

namespace safegate::judge {
namespace {

constexpr const char* kGuardCategories[] = {"S1: Violent Crimes.",
                                            "S2: Non-Violent Crimes.",
                                            "S3: Sex Crimes.",
                                            "S4: Child Exploitation.",
                                            "S5: Defamation.",
                                            "S6: Specialized Advice.",
                                            "S7: Privacy.",
                                            "S8: Intellectual Property.",
                                            "S9: Indiscriminate Weapons.",
                                            "S10: Hate.",
                                            "S11: Self-Harm.",
                                            "S12: Sexual Content.",
                                            "S13: Elections.",
                                            "S14: Code Interpreter Abuse."};

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::string Quote(std::string_view s, size_t max = 200) {
  std::string out;
  for (char c : s.substr(0, max)) {
    if (c == '\n')
      out += "\\n";
    else if (static_cast<unsigned char>(c) < 0x20)
      out += '?';
    else
      out += c;
  }
  if (s.size() > max) out += "...";
  return "'" + out + "'";
}

bool ValidCode(std::string_view c) {
  if (c.size() < 2 || c.size() > 3 || c[0] != 'S') return false;
  int n = 0;
  for (char d : c.substr(1)) {
    if (d < '0' || d > '9') return false;
    n = n * 10 + (d - '0');
  }
  return n >= 1 && n <= 14;
}

class LlmJudge final : public Judge {
 public:
  explicit LlmJudge(LlmJudgeOptions o) : o_(std::move(o)) {
    version_ = std::string("llm/") + std::string(LlmFormatName(o_.format)) + ":" + o_.model;
  }
  std::string_view name() const override { return "llm"; }
  std::string_view version() const override { return version_; }

  Result<Verdict> Run(const JudgeInput& input) const override {
    net::Request req;
    req.timeout_seconds = o_.timeout_seconds;
    req.headers.push_back({"Content-Type", "application/json"});
    net::AddBearer(&req.headers, o_.api_key);
    nlohmann::json body;
    if (!o_.model.empty()) body["model"] = o_.model;
    std::string path;
    if (o_.format == LlmFormat::kOpenAiModeration) {
      path = "/v1/moderations";
      body["input"] = std::string(input.text);
    } else if (o_.api == "chat") {
      path = "/v1/chat/completions";
      nlohmann::json msgs = nlohmann::json::array();
      if (!input.prompt.empty()) {
        msgs.push_back({{"role", "user"}, {"content", std::string(input.prompt)}});
        msgs.push_back({{"role", "assistant"}, {"content", std::string(input.text)}});
      } else {
        msgs.push_back({{"role", "user"}, {"content", std::string(input.text)}});
      }
      body["messages"] = msgs;
      body["max_tokens"] = 20;
      body["temperature"] = 0;
    } else {
      path = "/v1/completions";
      body["prompt"] = BuildLlamaGuardPrompt(input);
      body["max_tokens"] = 20;
      body["temperature"] = 0;
    }
    req.url = net::JoinUrl(o_.url, path);
    req.body = DumpJson(body);
    SAFEGATE_ASSIGN_OR_RETURN(net::Response resp, net::Fetch(req));
    if (resp.status != 200)
      return UnavailableError("LLM judge " + req.url + ": HTTP " + std::to_string(resp.status) +
                              ": " + Quote(resp.body));
    LlmAssessment a;
    if (o_.format == LlmFormat::kOpenAiModeration) {
      auto r = ParseModerationResponse(resp.body, o_.threshold);
      if (!r.ok()) return r.status().WithPrefix("LLM judge " + req.url);
      a = std::move(r).value();
    } else {
      std::string out;
      try {
        if (JsonTooDeep(resp.body)) throw std::runtime_error("nested too deep");
        auto j = nlohmann::json::parse(resp.body);
        const auto& c = j.at("choices").at(0);
        out = o_.api == "chat" ? c.at("message").at("content").get<std::string>()
                               : c.at("text").get<std::string>();
      } catch (const std::exception& e) {
        return InvalidArgumentError(
            "LLM judge " + req.url +
            ": malformed response (no choices[0] text): " + Quote(resp.body));
      }
      auto r = ParseLlamaGuardOutput(out);
      if (!r.ok()) return r.status().WithPrefix("LLM judge " + req.url);
      a = std::move(r).value();
    }
    Verdict v;
    v.label = a.unsafe ? "flagged" : "clean";
    auto map = [&](const std::string& c) {
      auto it = o_.category_map.find(c);
      return it == o_.category_map.end() ? c : it->second;
    };
    for (const auto& c : a.categories) {
      std::string m = map(c);
      bool seen = false;
      for (auto& e : v.categories) seen = seen || e.category == m;
      double score = 1.0;
      for (auto& [n, s] : a.scores)
        if (n == c) score = s;
      if (!seen) v.categories.push_back({m, score, true});
      v.evidence.push_back({0, input.text.size(), m, c});
    }
    v.score = a.unsafe ? 1.0 : 0.0;
    for (auto& [n, s] : a.scores)
      v.score = a.unsafe ? std::max(v.score, 0.0) : std::max(v.score, s);
    if (a.unsafe) {
      v.score = 0;
      for (auto& c : v.categories) v.score = std::max(v.score, c.score);
    }
    return v;
  }

 private:
  LlmJudgeOptions o_;
  std::string version_;
};

}  // namespace

Result<LlmFormat> ParseLlmFormat(std::string_view name) {
  if (name == "llama-guard-3" || name == "llama-guard") return LlmFormat::kLlamaGuard3;
  if (name == "openai-moderation") return LlmFormat::kOpenAiModeration;
  return InvalidArgumentError("unknown format '" + std::string(name) +
                              "'; expected llama-guard-3 or openai-moderation");
}

std::string_view LlmFormatName(LlmFormat f) {
  return f == LlmFormat::kLlamaGuard3 ? "llama-guard-3" : "openai-moderation";
}

Result<LlmAssessment> ParseLlamaGuardOutput(std::string_view text) {
  std::string_view t = Trim(text);
  size_t nl = t.find('\n');
  std::string_view first = Trim(t.substr(0, nl));
  std::string_view rest = nl == std::string_view::npos ? "" : Trim(t.substr(nl + 1));
  LlmAssessment a;
  if (first == "safe") {
    if (!rest.empty())
      return InvalidArgumentError("malformed Llama Guard output: text after 'safe': " + Quote(t));
    return a;
  }
  if (first != "unsafe")
    return InvalidArgumentError(
        "malformed Llama Guard output: first line must be 'safe' or 'unsafe', got " + Quote(t));
  std::string_view codes = Trim(rest.substr(0, rest.find('\n')));
  if (codes.empty())
    return InvalidArgumentError("malformed Llama Guard output: 'unsafe' without categories: " +
                                Quote(t));
  a.unsafe = true;
  while (!codes.empty()) {
    size_t comma = codes.find(',');
    std::string_view c = Trim(codes.substr(0, comma));
    if (!ValidCode(c))
      return InvalidArgumentError("malformed Llama Guard output: unknown category " + Quote(c) +
                                  " in " + Quote(t));
    a.categories.emplace_back(c);
    if (comma == std::string_view::npos) break;
    codes.remove_prefix(comma + 1);
  }
  return a;
}

Result<LlmAssessment> ParseModerationResponse(std::string_view body, double threshold) {
  LlmAssessment a;
  try {
    if (JsonTooDeep(body)) throw std::runtime_error("nested too deep");
    auto j = nlohmann::json::parse(body);
    const auto& r = j.at("results").at(0);
    const auto& flagged = r.at("flagged");
    if (!flagged.is_boolean()) throw std::runtime_error("'flagged' is not a boolean");
    a.unsafe = flagged.get<bool>();
    const auto& cats = r.at("categories");
    if (!cats.is_object()) throw std::runtime_error("'categories' is not an object");
    const nlohmann::json* scores =
        r.contains("category_scores") ? &r.at("category_scores") : nullptr;
    if (scores && !scores->is_object())
      throw std::runtime_error("'category_scores' is not an object");
    for (auto it = cats.begin(); it != cats.end(); ++it) {
      if (!it.value().is_boolean() && !it.value().is_null())
        throw std::runtime_error("category '" + it.key() + "' is not a boolean");
      double s = 0;
      if (scores && scores->contains(it.key())) {
        const auto& sv = scores->at(it.key());
        if (!sv.is_number())
          throw std::runtime_error("score of '" + it.key() + "' is not a number");
        s = sv.get<double>();
        if (!(s >= 0 && s <= 1))
          throw std::runtime_error("score of '" + it.key() + "' not in [0,1]");
        a.scores.emplace_back(it.key(), s);
      }
      bool on = it.value().is_boolean() && it.value().get<bool>();
      if (on || (scores && s >= threshold)) a.categories.push_back(it.key());
    }
    if (!a.categories.empty()) a.unsafe = true;
    if (a.unsafe && a.categories.empty()) throw std::runtime_error("flagged without any category");
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("malformed moderation response: ") + e.what() + ": " +
                                Quote(body));
  }
  return a;
}

std::string BuildLlamaGuardPrompt(const JudgeInput& input) {
  bool agent = !input.prompt.empty();
  std::string role = agent ? "Agent" : "User";
  std::string p =
      "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n"
      "Task: Check if there is unsafe content in '" +
      role +
      "' messages in conversations according our safety policy with the below categories.\n\n"
      "<BEGIN UNSAFE CONTENT CATEGORIES>\n";
  for (const char* c : kGuardCategories) p += std::string(c) + "\n";
  p += "<END UNSAFE CONTENT CATEGORIES>\n\n<BEGIN CONVERSATION>\n\n";
  if (agent) {
    p += "User: " + std::string(input.prompt) + "\n\n";
    p += "Agent: " + std::string(input.text) + "\n\n";
  } else {
    p += "User: " + std::string(input.text) + "\n\n";
  }
  p += "<END CONVERSATION>\n\nProvide your safety assessment for ONLY THE LAST " + role +
       " message in the above conversation:\n"
       " - First line must read 'safe' or 'unsafe'.\n"
       " - If unsafe, a second line must include a comma-separated list of violated categories."
       "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";
  return p;
}

Result<std::unique_ptr<Judge>> NewLlmJudge(const LlmJudgeOptions& options) {
  if (options.url.empty()) return InvalidArgumentError("LLM judge: url is empty");
  if (options.api != "completions" && options.api != "chat")
    return InvalidArgumentError("LLM judge: api must be completions or chat");
  return std::unique_ptr<Judge>(std::make_unique<LlmJudge>(options));
}

}  // namespace safegate::judge
