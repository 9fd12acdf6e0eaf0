#include "codec.h"

#include "safegate/base/json.h"
#include "safegate/text/utf8.h"

namespace safegate::server {

using nlohmann::json;

std::string Dump(const json& j) {
  return DumpJson(j);
}

Result<json> ParseJsonObject(std::string_view body) {
  json j = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return InvalidArgumentError("request body is not valid JSON (UTF-8)");
  }
  if (!j.is_object()) return InvalidArgumentError("request body must be a JSON object");
  return j;
}

namespace {
Status OptionalString(const json& j, const char* field, std::string* out) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return OkStatus();
  if (!it->is_string()) {
    return InvalidArgumentError(std::string("field '") + field + "': must be a string");
  }
  *out = it->get<std::string>();
  return OkStatus();
}
}  // namespace

std::string ContentText(const json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string out;
  if (content.is_array()) {
    for (const auto& part : content) {
      if (!part.is_object()) continue;
      auto t = part.find("type");
      auto x = part.find("text");
      if (t != part.end() && t->is_string() && *t == "text" && x != part.end() && x->is_string()) {
        if (!out.empty()) out += "\n";
        out += x->get<std::string>();
      }
    }
  }
  return out;
}

namespace {

// A hand-written reader for the plain forms of a moderation request (see
// FastDecodeModerationRequest). Every method returns false for anything it
// does not handle; the caller then falls back to the full JSON parser.
class PlainReader {
 public:
  explicit PlainReader(std::string_view s) : s_(s) {}

  void SkipSpace() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
      ++i_;
    }
  }
  bool Eat(char c) {
    SkipSpace();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool AtEnd() {
    SkipSpace();
    return i_ == s_.size();
  }
  bool PeekIs(char c) {
    SkipSpace();
    return i_ < s_.size() && s_[i_] == c;
  }
  // A JSON string with the short escapes (no \u); valid UTF-8 only.
  bool String(std::string* out) {
    if (!Eat('"')) return false;
    out->clear();
    bool ascii = true;
    for (;;) {
      size_t start = i_;
      while (i_ < s_.size()) {
        unsigned char c = static_cast<unsigned char>(s_[i_]);
        if (c == '"' || c == '\\' || c < 0x20) break;
        ascii = ascii && c < 0x80;
        ++i_;
      }
      out->append(s_.data() + start, i_ - start);
      if (i_ >= s_.size()) return false;
      char c = s_[i_];
      if (c == '"') {
        ++i_;
        break;
      }
      if (c != '\\' || i_ + 1 >= s_.size()) return false;  // control character
      char e = s_[i_ + 1];
      switch (e) {
        case '"': *out += '"'; break;
        case '\\': *out += '\\'; break;
        case '/': *out += '/'; break;
        case 'b': *out += '\b'; break;
        case 'f': *out += '\f'; break;
        case 'n': *out += '\n'; break;
        case 'r': *out += '\r'; break;
        case 't': *out += '\t'; break;
        default: return false;  // \u and invalid escapes: the full parser
      }
      i_ += 2;
    }
    // Escapes add ASCII only, so validating the result validates the input.
    return ascii || text::CountInvalid(*out) == 0;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

bool FastDecodeModerationRequest(std::string_view body, ModerationRequest* out) {
  // {"input": STRING | [STRING, ...] (non-empty, <= 2048), "model": STRING}
  // in any order, each key at most once, keys written without escapes.
  PlainReader r(body);
  ModerationRequest m;
  bool have_input = false, have_model = false;
  std::string key;
  if (!r.Eat('{')) return false;
  if (r.PeekIs('}')) return false;  // no "input": the full path gives the error
  do {
    if (!r.String(&key) || !r.Eat(':')) return false;
    if (key == "input" && !have_input) {
      have_input = true;
      if (r.PeekIs('"')) {
        m.inputs.emplace_back();
        if (!r.String(&m.inputs.back())) return false;
      } else if (r.Eat('[')) {
        if (r.PeekIs(']')) return false;
        do {
          if (m.inputs.size() >= 2048) return false;
          m.inputs.emplace_back();
          if (!r.String(&m.inputs.back())) return false;
        } while (r.Eat(','));
        if (!r.Eat(']')) return false;
      } else {
        return false;
      }
    } else if (key == "model" && !have_model) {
      have_model = true;
      if (!r.String(&m.model)) return false;
    } else {
      return false;
    }
  } while (r.Eat(','));
  if (!r.Eat('}') || !r.AtEnd() || !have_input) return false;
  *out = std::move(m);
  return true;
}

Result<ModerationRequest> DecodeModerationRequest(std::string_view body) {
  ModerationRequest fast;
  if (FastDecodeModerationRequest(body, &fast)) return fast;
  return DecodeModerationRequestJson(body);
}

Result<ModerationRequest> DecodeModerationRequestJson(std::string_view body) {
  SAFEGATE_ASSIGN_OR_RETURN(json j, ParseJsonObject(body));
  ModerationRequest r;
  SAFEGATE_RETURN_IF_ERROR(OptionalString(j, "model", &r.model));
  auto it = j.find("input");
  if (it == j.end()) return InvalidArgumentError("field 'input': missing");
  if (it->is_string()) {
    r.inputs.push_back(it->get<std::string>());
  } else if (it->is_array()) {
    if (it->empty()) return InvalidArgumentError("field 'input': empty array");
    bool parts = false;
    for (const auto& e : *it) {
      if (e.is_string()) {
        r.inputs.push_back(e.get<std::string>());
      } else if (e.is_object()) {
        parts = true;
      } else {
        return InvalidArgumentError("field 'input': array items must be strings or parts");
      }
    }
    // Multi-modal form: one input made of its text parts.
    if (parts) r.inputs = {ContentText(*it)};
  } else {
    return InvalidArgumentError("field 'input': must be a string or an array");
  }
  if (r.inputs.size() > 2048) {
    return InvalidArgumentError("field 'input': at most 2048 items per request");
  }
  return r;
}

Result<ChatRequest> DecodeChatRequest(std::string_view body) {
  SAFEGATE_ASSIGN_OR_RETURN(json j, ParseJsonObject(body));
  ChatRequest r;
  SAFEGATE_RETURN_IF_ERROR(OptionalString(j, "user", &r.user));
  SAFEGATE_RETURN_IF_ERROR(OptionalString(j, "conversation_id", &r.conversation_id));
  SAFEGATE_RETURN_IF_ERROR(OptionalString(j, "model", &r.model));
  auto s = j.find("stream");
  if (s != j.end() && !s->is_null()) {
    if (!s->is_boolean()) return InvalidArgumentError("field 'stream': must be true or false");
    r.stream = s->get<bool>();
  }
  auto m = j.find("messages");
  if (m == j.end() || !m->is_array() || m->empty()) {
    return InvalidArgumentError("field 'messages': must be a non-empty array");
  }
  for (size_t i = 0; i < m->size(); ++i) {
    const json& msg = (*m)[i];
    std::string field = "messages[" + std::to_string(i) + "]";
    if (!msg.is_object()) return InvalidArgumentError("field '" + field + "': must be an object");
    auto role = msg.find("role");
    if (role == msg.end() || !role->is_string()) {
      return InvalidArgumentError("field '" + field + ".role': must be a string");
    }
    auto content = msg.find("content");
    if (content != msg.end() && !content->is_null() && !content->is_string() &&
        !content->is_array()) {
      return InvalidArgumentError("field '" + field + ".content': must be a string or an array");
    }
    if (*role == "user" && content != msg.end()) r.last_user_text = ContentText(*content);
  }
  j.erase("conversation_id");
  r.body = std::move(j);
  return r;
}

Result<ReportRequest> DecodeReportRequest(std::string_view body) {
  SAFEGATE_ASSIGN_OR_RETURN(json j, ParseJsonObject(body));
  ReportRequest r;
  SAFEGATE_RETURN_IF_ERROR(OptionalString(j, "message_id", &r.message_id));
  SAFEGATE_RETURN_IF_ERROR(OptionalString(j, "conversation_id", &r.conversation_id));
  SAFEGATE_RETURN_IF_ERROR(OptionalString(j, "reason", &r.reason));
  SAFEGATE_RETURN_IF_ERROR(OptionalString(j, "user", &r.user));
  if (r.message_id.empty()) return InvalidArgumentError("field 'message_id': missing");
  if (r.reason.size() > 4000) return InvalidArgumentError("field 'reason': over 4000 bytes");
  return r;
}

Result<DecisionRequest> DecodeDecisionRequest(std::string_view body) {
  SAFEGATE_ASSIGN_OR_RETURN(json j, ParseJsonObject(body));
  DecisionRequest r;
  SAFEGATE_RETURN_IF_ERROR(OptionalString(j, "decision", &r.decision));
  SAFEGATE_RETURN_IF_ERROR(OptionalString(j, "reason", &r.reason));
  if (r.decision != "allow" && r.decision != "remove" && r.decision != "escalate") {
    return InvalidArgumentError("field 'decision': must be allow, remove or escalate");
  }
  return r;
}

}  // namespace safegate::server
