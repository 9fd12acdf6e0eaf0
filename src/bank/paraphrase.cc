// Paraphrase through an OpenAI-compatible endpoint. See bank/paraphrase.h.
#include "safegate/bank/paraphrase.h"

#include <nlohmann/json.hpp>

#include "safegate/base/json.h"
#include "safegate/net/http.h"
#include "safegate/text/utf8.h"

namespace safegate::bank {

const std::string& ParaphrasePrompt() {
  static const std::string kPrompt =
      "Rewrite the user's question with different wording but the same meaning, in the same "
      "language. Reply with the rewritten question only.";
  return kPrompt;
}

Status ParaphraseItems(std::vector<policy::BankItem>* items, const ParaphraseOptions& options) {
  if (options.url.empty()) return InvalidArgumentError("paraphrase: no endpoint URL");
  const std::string suffix = "/chat/completions";
  const bool full =
      options.url.size() >= suffix.size() &&
      options.url.compare(options.url.size() - suffix.size(), suffix.size(), suffix) == 0;
  const std::string url = full ? options.url : net::JoinUrl(options.url, "chat/completions");
  for (policy::BankItem& item : *items) {
    nlohmann::json body = {{"model", options.model},
                           {"temperature", 0},
                           {"seed", options.seed},
                           {"messages",
                            {{{"role", "system"}, {"content", ParaphrasePrompt()}},
                             {{"role", "user"}, {"content", item.text}}}}};
    net::Request req;
    req.url = url;
    req.headers.push_back({"Content-Type", "application/json"});
    net::AddBearer(&req.headers, options.api_key);
    req.body = DumpJson(body);
    req.timeout_seconds = options.timeout_seconds;
    auto resp = net::Fetch(req);
    const std::string where = "paraphrase of item '" + item.id + "' (" + url + ")";
    if (!resp.ok()) return resp.status().WithPrefix(where);
    if (resp->status != 200) {
      return UnavailableError(where + ": HTTP " + std::to_string(resp->status) + ": " +
                              resp->body.substr(0, 200));
    }
    nlohmann::json j = ParseUntrustedJson(resp->body);
    std::string content;
    if (j.is_object() && j.contains("choices") && j["choices"].is_array() &&
        !j["choices"].empty() && j["choices"][0].is_object() &&
        j["choices"][0].contains("message") && j["choices"][0]["message"].is_object() &&
        j["choices"][0]["message"].contains("content") &&
        j["choices"][0]["message"]["content"].is_string()) {
      content = j["choices"][0]["message"]["content"].get<std::string>();
    } else {
      return InvalidArgumentError(where + ": the reply has no choices[0].message.content");
    }
    const size_t b = content.find_first_not_of(" \t\r\n");
    const size_t e = content.find_last_not_of(" \t\r\n");
    content = b == std::string::npos ? "" : content.substr(b, e - b + 1);
    if (content.empty() || text::CountInvalid(content) > 0) {
      return InvalidArgumentError(where + ": empty or invalid UTF-8 paraphrase");
    }
    item.text = std::move(content);
    item.tags.push_back("paraphrased");
    item.source +=
        (item.source.empty() ? "" : "; ") + std::string("paraphrased by ") + options.model;
  }
  return OkStatus();
}

}  // namespace safegate::bank
