// POST /v1/moderations: the OpenAI moderation result, written by hand (the
// hot path of the server).

#include <algorithm>
#include <atomic>
#include <cstdio>

#include "service.h"

namespace safegate::server {

namespace {

// A score (0 and 1, the keyword judge's scores, without printf).
void AppendScore(double v, std::string* out) {
  if (v == 0) {
    *out += '0';
  } else if (v == 1) {
    *out += '1';
  } else {
    char num[32];
    snprintf(num, sizeof(num), "%.6g", v);
    *out += num;
  }
}

// Lower-case hex digits of v, without printf.
void AppendHex(uint64_t v, std::string* out) {
  char buf[16];
  int n = 0;
  do {
    buf[n++] = "0123456789abcdef"[v & 15];
    v >>= 4;
  } while (v);
  while (n) *out += buf[--n];
}

}  // namespace

// True when `a` is the Assessment of a clean text: exactly the Moderator's
// categories, none flagged, every score 0, no evidence (clean_result_).
bool Service::IsClean(const mod::Assessment& a) const {
  if (a.flagged || !a.evidence.empty() || a.categories.size() != openai_of_index_.size())
    return false;
  for (const auto& c : a.categories)
    if (c.flagged || c.score != 0) return false;
  return true;
}

// The OpenAI moderation result object, written by hand: this is the hot
// path of /v1/moderations (a json tree per request cost more than the judge).
void Service::AppendModerationResult(const mod::Assessment& a, std::string* out) {
  if (!clean_result_.empty() && IsClean(a)) {
    *out += clean_result_;
    return;
  }
  // Policy categories (taxonomy order), then the mapped OpenAI names.
  std::vector<char> openai_flag(openai_names_.size(), 0);
  std::vector<double> openai_score(openai_names_.size(), 0.0);
  // Labels past the Moderator's categories are not in the taxonomy: no mapping.
  size_t mapped = std::min(a.categories.size(), openai_of_index_.size());
  for (size_t i = 0; i < mapped; ++i) {
    for (size_t n : openai_of_index_[i]) {
      openai_flag[n] |= a.categories[i].flagged ? 1 : 0;
      openai_score[n] = std::max(openai_score[n], a.categories[i].score);
    }
  }
  // A label past them that is itself an OpenAI name counts as that name
  // (written once, not as a duplicate key).
  std::vector<char> extra_written(a.categories.size(), 1);
  for (size_t i = mapped; i < a.categories.size(); ++i) {
    auto it = std::find(openai_names_.begin(), openai_names_.end(), a.categories[i].category);
    if (it == openai_names_.end()) continue;
    size_t n = static_cast<size_t>(it - openai_names_.begin());
    openai_flag[n] |= a.categories[i].flagged ? 1 : 0;
    openai_score[n] = std::max(openai_score[n], a.categories[i].score);
    extra_written[i] = 0;
  }
  // Keys of the Moderator's categories are precomputed; labels past them
  // (judges outside the taxonomy, e.g. pii) are written as they come.
  auto key = [&](size_t i) {
    if (i < category_keys_.size()) {
      *out += category_keys_[i];
    } else {
      AppendJsonString(a.categories[i].category, out);
      *out += ':';
    }
  };
  *out += "{\"flagged\":";
  *out += a.flagged ? "true" : "false";
  *out += ",\"categories\":{";
  for (size_t i = 0; i < a.categories.size(); ++i) {
    if (!extra_written[i]) continue;
    key(i);
    *out += a.categories[i].flagged ? "true," : "false,";
  }
  for (size_t n = 0; n < openai_names_.size(); ++n) {
    if (n) *out += ',';
    *out += openai_keys_[n];
    *out += openai_flag[n] ? "true" : "false";
  }
  if (out->back() == ',') out->pop_back();  // no OpenAI name after the categories
  *out += "},\"category_scores\":{";
  for (size_t i = 0; i < a.categories.size(); ++i) {
    if (!extra_written[i]) continue;
    key(i);
    AppendScore(a.categories[i].score, out);
    *out += ',';
  }
  for (size_t n = 0; n < openai_names_.size(); ++n) {
    if (n) *out += ',';
    *out += openai_keys_[n];
    AppendScore(openai_score[n], out);
  }
  if (out->back() == ',') out->pop_back();
  *out += "},\"category_applied_input_types\":{";
  *out += applied_categories_;
  for (size_t i = category_keys_.size(); i < a.categories.size(); ++i) {
    if (!extra_written[i]) continue;
    key(i);
    *out += "[\"text\"],";
  }
  *out += applied_openai_;
  if (out->back() == ',') out->pop_back();
  bool first = true;
  auto sep = [&] {
    if (!first) *out += ',';
    first = false;
  };
  *out += "},\"safegate\":{\"flagged_categories\":[";
  for (const auto& c : a.categories) {
    if (!c.flagged) continue;
    sep();
    AppendJsonString(c.category, out);
  }
  *out += "],\"evidence\":[";
  first = true;
  for (const auto& e : a.evidence) {
    sep();
    *out += "{\"begin\":" + std::to_string(e.begin) + ",\"end\":" + std::to_string(e.end) + ",";
    *out += "\"category\":";
    AppendJsonString(e.category, out);
    *out += ",\"rule\":";
    AppendJsonString(e.rule, out);
    *out += '}';
  }
  *out += "]}}";
}

HttpResponse Service::Moderations(HttpRequest& req) {
  auto in = DecodeModerationRequest(req.body);
  if (!in.ok()) return FromStatus(in.status());
  static std::atomic<uint64_t> counter{0};
  HttpResponse r;
  r.body.reserve(clean_result_.size() * in->inputs.size() + model_json_.size() + 64);
  r.body += "{\"id\":\"modr-";
  AppendHex(static_cast<uint64_t>(UnixSeconds()), &r.body);
  r.body += '-';
  r.body += std::to_string(++counter);
  r.body += "\",\"model\":";
  r.body += model_json_;
  r.body += ",\"results\":[";
  for (size_t i = 0; i < in->inputs.size(); ++i) {
    auto a = Check(in->inputs[i]);
    if (!a.ok()) {
      return ErrorResponse(503, "a judge failed: " + a.status().message(), "judge_error");
    }
    if (i < in->joined.size() && !in->joined[i].empty()) {
      // Text parts joined without a separator (codec.h): flagged when either
      // reading is; the result (evidence spans included) is that of the
      // first reading that is flagged, its categories merged with the other.
      auto b = Check(in->joined[i]);
      if (!b.ok()) {
        return ErrorResponse(503, "a judge failed: " + b.status().message(), "judge_error");
      }
      if (!a->flagged) std::swap(*a, *b);
      if (b->flagged) {
        a->flagged = true;
        for (size_t c = 0; c < std::min(a->categories.size(), b->categories.size()); ++c) {
          if (a->categories[c].category != b->categories[c].category) continue;
          a->categories[c].flagged |= b->categories[c].flagged;
          a->categories[c].score = std::max(a->categories[c].score, b->categories[c].score);
        }
      }
    }
    if (a->flagged) CountFlags("moderation", *a);
    if (i) r.body += ',';
    AppendModerationResult(*a, &r.body);
  }
  r.body += "]}";
  return r;
}

}  // namespace safegate::server
