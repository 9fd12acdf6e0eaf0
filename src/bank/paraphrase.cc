// Paraphrase through an OpenAI-compatible endpoint. See bank/paraphrase.h.
#include "safegate/bank/paraphrase.h"

#include "safegate/net/http.h"
#include "safegate/openai/chat.h"
#include "safegate/text/normalize.h"
#include "safegate/text/utf8.h"

namespace safegate::bank {

const std::string& ParaphrasePrompt() {
  static const std::string kPrompt =
      "Rewrite the user's question with different wording but the same meaning, in the same "
      "language. Reply with the rewritten question only.";
  return kPrompt;
}

namespace {

enum class Script { kNone, kLatin, kCyrillic, kHan };

// The script most of the letters of `s` are written in.
Script DominantScript(std::string_view s) {
  size_t latin = 0, cyrillic = 0, han = 0;
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    bool invalid = false;
    const char32_t cp = text::DecodeAt(s, i, &len, &invalid);
    i += len == 0 ? 1 : len;
    if (invalid) continue;
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0x24F)) {
      ++latin;
    } else if (cp >= 0x400 && cp <= 0x52F) {
      ++cyrillic;
    } else if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)) {
      han += 2;  // a Han character carries about as much as two letters
    }
  }
  if (latin == 0 && cyrillic == 0 && han == 0) return Script::kNone;
  if (han >= latin && han >= cyrillic) return Script::kHan;
  return cyrillic > latin ? Script::kCyrillic : Script::kLatin;
}

std::string Fold(std::string_view s) {
  static const text::Normalizer norm([] {
    text::NormalizeOptions o;
    o.casefold = true;
    return o;
  }());
  return norm.NormalizeToString(s);
}

// Code points of a UTF-8 string (for the two-thirds stem).
std::vector<std::string_view> CodePoints(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    bool invalid = false;
    text::DecodeAt(s, i, &len, &invalid);
    if (len == 0) len = 1;
    out.push_back(s.substr(i, len));
    i += len;
  }
  return out;
}

}  // namespace

std::string ParaphraseProblem(std::string_view original, std::string_view reply,
                              std::string_view keyword) {
  const Script a = DominantScript(original), b = DominantScript(reply);
  if (a != Script::kNone && a != b) return "language";
  if (keyword.empty()) return "";
  const std::string r = Fold(reply), k = Fold(keyword);
  size_t start = 0;
  while (start <= k.size()) {
    size_t end = k.find(' ', start);
    if (end == std::string::npos) end = k.size();
    std::string_view word(k.data() + start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    std::vector<std::string_view> cps = CodePoints(word);
    std::string stem;
    const size_t keep = cps.size() >= 5 ? (cps.size() * 2 + 2) / 3 : cps.size();
    for (size_t i = 0; i < keep; ++i) stem.append(cps[i]);
    if (r.find(stem) == std::string::npos) return "keyword";
  }
  return "";
}

Status ParaphraseItems(std::vector<policy::BankItem>* items, const ParaphraseOptions& options,
                       ParaphraseStats* stats) {
  ParaphraseStats local;
  ParaphraseStats& st = stats != nullptr ? *stats : local;
  if (options.url.empty()) return InvalidArgumentError("paraphrase: no endpoint URL");
  const std::string suffix = "/chat/completions";
  const bool full =
      options.url.size() >= suffix.size() &&
      options.url.compare(options.url.size() - suffix.size(), suffix.size(), suffix) == 0;
  const std::string url = full ? options.url : net::JoinUrl(options.url, "chat/completions");
  for (policy::BankItem& item : *items) {
    openai::ChatParams params;
    params.model = options.model;
    params.temperature = 0;
    params.seed = static_cast<int64_t>(options.seed);  // a seed over 2^63 - 1 is not sent
    net::Request req;
    req.url = url;
    req.headers.push_back({"Content-Type", "application/json"});
    net::AddBearer(&req.headers, options.api_key);
    req.body =
        openai::ChatCompletionBody({{"system", ParaphrasePrompt()}, {"user", item.text}}, params);
    req.timeout_seconds = options.timeout_seconds;
    auto resp = net::Fetch(req);
    const std::string where = "paraphrase of item '" + item.id + "' (" + url + ")";
    if (!resp.ok()) return resp.status().WithPrefix(where);
    if (resp->status != 200) {
      return UnavailableError(where + ": HTTP " + std::to_string(resp->status) + ": " +
                              resp->body.substr(0, 200));
    }
    auto answer = openai::StrictChoiceText(resp->body, openai::Endpoint::kChat);
    if (!answer.ok()) return answer.status().WithPrefix(where);
    std::string content = std::move(answer).value();
    const size_t b = content.find_first_not_of(" \t\r\n");
    const size_t e = content.find_last_not_of(" \t\r\n");
    content = b == std::string::npos ? "" : content.substr(b, e - b + 1);
    if (content.empty() || text::CountInvalid(content) > 0) {
      return InvalidArgumentError(where + ": empty or invalid UTF-8 paraphrase");
    }
    std::string problem;
    if (options.is_refusal) {
      SAFEGATE_ASSIGN_OR_RETURN(bool refused, options.is_refusal(content));
      if (refused) problem = "refusal";
    }
    if (problem.empty()) {
      auto kw = options.keywords.find(item.keyword_id);
      problem = ParaphraseProblem(item.text, content,
                                  kw == options.keywords.end() ? "" : std::string_view(kw->second));
    }
    if (!problem.empty()) {
      if (problem == "refusal") ++st.refusal;
      if (problem == "language") ++st.language;
      if (problem == "keyword") ++st.keyword;
      item.tags.push_back("paraphrase-rejected:" + problem);
      continue;
    }
    ++st.paraphrased;
    item.text = std::move(content);
    item.tags.push_back("paraphrased");
    item.source +=
        (item.source.empty() ? "" : "; ") + std::string("paraphrased by ") + options.model;
  }
  return OkStatus();
}

}  // namespace safegate::bank
