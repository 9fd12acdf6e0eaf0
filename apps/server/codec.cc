#include "codec.h"

#include <cstdlib>

#include "safegate/base/clock.h"
#include "safegate/base/json.h"
#include "safegate/text/utf8.h"

namespace safegate::server {

using nlohmann::json;

std::string EncodePathSegment(std::string_view raw) {
  auto hex = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  };
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == '%' && i + 2 < raw.size() && hex(raw[i + 1]) && hex(raw[i + 2])) {
      out.append(raw.substr(i, 3));
      i += 2;
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
  }
  // "." and ".." would be dot segments, which URL resolution removes.
  if (!out.empty() && out.find_first_not_of('.') == std::string::npos) {
    std::string dots;
    for (size_t i = 0; i < out.size(); ++i) dots += "%2E";
    return dots;
  }
  return out;
}

Result<json> ParseJsonObject(std::string_view body) {
  if (JsonTooDeep(body)) {
    return InvalidArgumentError("request body nests arrays or objects deeper than " +
                                std::to_string(kMaxJsonDepth) + " levels");
  }
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

namespace {
Status ContentParts(const json& content, const std::string& field, std::string* out,
                    std::string* lines, bool text_only, std::string* other);
}  // namespace

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
    bool parts = (*it)[0].is_object();
    for (size_t k = 0; k < it->size(); ++k) {
      const json& e = (*it)[k];
      if (e.is_string() && !parts) {
        r.inputs.push_back(e.get<std::string>());
        continue;
      }
      if (!e.is_object() || !parts) {
        return InvalidArgumentError(
            "field 'input': array items must be all strings or all parts ({\"type\": \"text\", "
            "\"text\": ...})");
      }
    }
    if (parts) {
      // Multi-modal form: one input made of its text parts. A part the gate
      // cannot read (an image) is refused, never reported as not flagged.
      // Read both ways, as the chat path reads content parts: joined by line
      // breaks (the input) and without a separator (`joined`).
      std::string joined, lines;
      SAFEGATE_RETURN_IF_ERROR(
          ContentParts(*it, "input", &joined, &lines, /*text_only=*/true, /*other=*/nullptr));
      r.inputs = {std::move(lines)};
      if (joined != r.inputs[0]) r.joined = {std::move(joined)};
    }
  } else {
    return InvalidArgumentError("field 'input': must be a string or an array");
  }
  if (r.inputs.size() > 2048) {
    return InvalidArgumentError("field 'input': at most 2048 items per request");
  }
  return r;
}

namespace {

bool KnownRole(std::string_view role) {
  return role == "system" || role == "developer" || role == "user" || role == "assistant" ||
         role == "tool" || role == "function";
}

// The text parts of a content array joined without a separator (the model
// reads them as one text; `lines` gets them joined with "\n", as some
// servers, vLLM among them, join them); a part of another type is an error.
// Both readings are checked, by the chat path and by /v1/moderations
// (`text_only`: only "text" parts, the moderation API's one kind). The keys
// and strings of a part's other keys go to `other` (when given), one per line:
// a server may read them ("text" in a refusal part, a field of its own).
Status ContentParts(const json& content, const std::string& field, std::string* out,
                    std::string* lines, bool text_only, std::string* other) {
  for (size_t k = 0; k < content.size(); ++k) {
    const json& part = content[k];
    std::string where = field + "[" + std::to_string(k) + "]";
    if (!part.is_object()) return InvalidArgumentError("field '" + where + "': must be an object");
    auto t = part.find("type");
    if (t == part.end() || !t->is_string()) {
      return InvalidArgumentError("field '" + where + ".type': must be a string");
    }
    // "text" (chat) and "input_text"/"output_text" (the Responses shapes some
    // clients send) and "refusal" carry text; anything else cannot be checked.
    const std::string type = t->get<std::string>();
    if (text_only && type != "text") {
      return InvalidArgumentError("field '" + where +
                                  ".type': only \"text\" parts can be checked by the gateway");
    }
    const char* key = type == "refusal" ? "refusal" : "text";
    if (type != "text" && type != "input_text" && type != "output_text" && type != "refusal") {
      return InvalidArgumentError("field '" + where + ".type': '" + type +
                                  "' content cannot be checked by the gateway (text parts only)");
    }
    auto x = part.find(key);
    if (x == part.end() || !x->is_string()) {
      return InvalidArgumentError("field '" + where + "." + key + "': must be a string");
    }
    *out += x->get<std::string>();
    if (k) *lines += '\n';
    *lines += x->get<std::string>();
    if (other == nullptr) continue;
    for (const auto& [pk, pv] : part.items()) {
      if (pk == "type" || pk == key) continue;
      std::string text = openai::StringsOf(json{{pk, pv}}, true);
      if (!text.empty()) *other += (other->empty() ? "" : "\n") + text;
    }
  }
  return OkStatus();
}

// Keys of a message whose text the decoder reads by name.
bool NamedMessageKey(std::string_view key) {
  return key == "role" || key == "content" || key == "name" || key == "refusal" ||
         key == "reasoning_content" || key == "tool_calls" || key == "function_call";
}

// Top-level keys of a chat request that the model does not read as text or
// that are read elsewhere; the strings (and keys) of every other one are
// checked: a field some server puts into the prompt (vLLM's "documents" and
// "chat_template", a "response_format" schema) is not a way around the gate.
bool SkippedRequestKey(std::string_view key) {
  return key == "messages" || key == "model" || key == "user" || key == "conversation_id" ||
         key == "stream" || key == "tools" || key == "functions";
}

// A string field that the model reads, when present (null and absent: "").
Status TextField(const json& obj, const char* key, const std::string& field, std::string* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return OkStatus();
  if (!it->is_string()) {
    return InvalidArgumentError("field '" + field + "." + key + "': must be a string");
  }
  *out = it->get<std::string>();
  return OkStatus();
}

// A function (call) written into a turn: its name and arguments (strings),
// and the keys and strings of any other key of it.
Status FunctionTexts(const json& fn, const std::string& role, const std::string& where,
                     std::vector<moderation::InputText>* texts) {
  for (const char* key : {"name", "arguments"}) {
    moderation::InputText extra{role, where + "." + key, "", false};
    SAFEGATE_RETURN_IF_ERROR(TextField(fn, key, where, &extra.text));
    if (!extra.text.empty()) texts->push_back(std::move(extra));
  }
  for (const auto& [key, value] : fn.items()) {
    if (key == "name" || key == "arguments") continue;
    std::string text = openai::StringsOf(json{{key, value}}, true);
    if (!text.empty()) texts->push_back({role, where + "." + key, std::move(text), false});
  }
  return OkStatus();
}

}  // namespace

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
  size_t latest_user = std::string::npos, latest_user_lines = std::string::npos;
  for (size_t i = 0; i < m->size(); ++i) {
    const json& msg = (*m)[i];
    std::string field = "messages[" + std::to_string(i) + "]";
    if (!msg.is_object()) return InvalidArgumentError("field '" + field + "': must be an object");
    auto role = msg.find("role");
    if (role == msg.end() || !role->is_string()) {
      return InvalidArgumentError("field '" + field + ".role': must be a string");
    }
    const std::string role_s = role->get<std::string>();
    if (!KnownRole(role_s)) {
      return InvalidArgumentError("field '" + field + ".role': '" + role_s +
                                  "' is not a role (system, developer, user, assistant, tool, "
                                  "function)");
    }
    moderation::InputText t, lines;
    t.role = role_s;
    t.where = field + ".content";
    std::string part_keys;  // the strings of the parts' other keys
    auto content = msg.find("content");
    if (content != msg.end() && !content->is_null()) {
      if (content->is_string()) {
        t.text = content->get<std::string>();
      } else if (content->is_array()) {
        SAFEGATE_RETURN_IF_ERROR(
            ContentParts(*content, t.where, &t.text, &lines.text, false, &part_keys));
      } else {
        return InvalidArgumentError("field '" + field + ".content': must be a string or an array");
      }
    }
    if (role_s == "user") latest_user = r.texts.size();
    r.texts.push_back(std::move(t));
    if (lines.text != r.texts.back().text && !lines.text.empty()) {
      lines.role = role_s;
      lines.where = field + ".content (parts joined by line breaks)";
      if (role_s == "user") latest_user_lines = r.texts.size();
      r.texts.push_back(std::move(lines));
    } else if (role_s == "user") {
      latest_user_lines = std::string::npos;
    }
    if (!part_keys.empty()) {
      r.texts.push_back(
          {role_s, field + ".content (other keys of parts)", std::move(part_keys), false});
    }
    for (const char* key : {"name", "refusal", "reasoning_content"}) {
      moderation::InputText extra{role_s, field + "." + key, "", false};
      SAFEGATE_RETURN_IF_ERROR(TextField(msg, key, field, &extra.text));
      if (!extra.text.empty()) r.texts.push_back(std::move(extra));
    }
    // Tool calls the client wrote into an assistant turn: the model reads them.
    auto calls = msg.find("tool_calls");
    if (calls != msg.end() && !calls->is_null()) {
      if (!calls->is_array()) {
        return InvalidArgumentError("field '" + field + ".tool_calls': must be an array");
      }
      for (size_t k = 0; k < calls->size(); ++k) {
        std::string cf = field + ".tool_calls[" + std::to_string(k) + "]";
        const json& call = (*calls)[k];
        if (!call.is_object()) return InvalidArgumentError("field '" + cf + "': must be an object");
        // Other kinds of call ("custom": {"name", "input"}, ...), and the
        // call's id and type (a chat template may write the id into the
        // prompt: Mistral's does).
        for (const auto& [key, value] : call.items()) {
          if (key == "function") continue;
          std::string text = openai::StringsOf(value, true);
          if (!text.empty()) r.texts.push_back({role_s, cf + "." + key, std::move(text), false});
        }
        auto fn = call.find("function");
        if (fn == call.end() || fn->is_null()) continue;
        if (!fn->is_object()) {
          return InvalidArgumentError("field '" + cf + ".function': must be an object");
        }
        SAFEGATE_RETURN_IF_ERROR(FunctionTexts(*fn, role_s, cf + ".function", &r.texts));
      }
    }
    auto fcall = msg.find("function_call");
    if (fcall != msg.end() && fcall->is_object()) {
      SAFEGATE_RETURN_IF_ERROR(FunctionTexts(*fcall, role_s, field + ".function_call", &r.texts));
    } else if (fcall != msg.end()) {  // not an object: its strings, if any
      std::string text = openai::StringsOf(*fcall, true);
      if (!text.empty())
        r.texts.push_back({role_s, field + ".function_call", std::move(text), false});
    }
    // Any other key of the message (a server's own fields: "reasoning",
    // "audio", "documents", ...): its strings are checked.
    // One text per message (one judge call), its keys named in `where`.
    moderation::InputText other{role_s, "", "", false};
    for (const auto& [key, value] : msg.items()) {
      if (NamedMessageKey(key)) continue;
      std::string text = openai::StringsOf(value, true);
      if (text.empty()) continue;
      other.where += (other.where.empty() ? field + "." : ",") + key;
      other.text += (other.text.empty() ? "" : "\n") + text;
    }
    if (!other.text.empty()) r.texts.push_back(std::move(other));
  }
  if (latest_user != std::string::npos) {
    r.texts[latest_user].latest_user = true;
    r.last_user_text = r.texts[latest_user].text;
  }
  // The latest user turn as a server that joins its parts by line breaks
  // reads it: a hit there strikes like one in the turn itself.
  if (latest_user_lines != std::string::npos && latest_user_lines > latest_user) {
    r.texts[latest_user_lines].latest_user = true;
  }
  // The tools offered: their names, descriptions and parameter schemas are
  // part of the prompt the model reads.
  for (const char* key : {"tools", "functions"}) {
    auto tools = j.find(key);
    if (tools == j.end() || tools->is_null()) continue;
    if (!tools->is_array()) {
      return InvalidArgumentError(std::string("field '") + key + "': must be an array");
    }
    for (size_t k = 0; k < tools->size(); ++k) {
      std::string tf = std::string(key) + "[" + std::to_string(k) + "]";
      const json& tool = (*tools)[k];
      if (!tool.is_object()) return InvalidArgumentError("field '" + tf + "': must be an object");
      const json* fn = &tool;
      auto f = tool.find("function");
      if (f != tool.end() && f->is_object()) {
        fn = &*f;
        tf += ".function";
      }
      std::string text;
      for (const char* k2 : {"name", "description"}) {
        auto it = fn->find(k2);
        if (it != fn->end() && it->is_string()) text += it->get<std::string>() + "\n";
      }
      // The parameter schema and any other key (a "custom" tool's
      // description and grammar, a name or description that is not a
      // string, the type): keys and strings, one per line (not JSON text,
      // whose escapes would hide "a\nb" from the matcher); and the tool's own
      // keys beside its function.
      for (const auto& [k2, value] : fn->items()) {
        if ((k2 == "name" || k2 == "description") && value.is_string()) continue;
        std::string strings = openai::StringsOf(value, true);
        if (!strings.empty()) text += strings + "\n";
      }
      for (const auto& [k2, value] : tool.items()) {
        if (fn == &tool || k2 == "function") continue;
        std::string strings = openai::StringsOf(json{{k2, value}}, true);
        if (!strings.empty()) text += strings + "\n";
      }
      if (!text.empty()) r.texts.push_back({"tools", tf, std::move(text), false});
    }
  }
  moderation::InputText other{"request", "", "", false};
  for (const auto& [key, value] : j.items()) {
    if (SkippedRequestKey(key)) continue;
    std::string text = openai::StringsOf(value, true);
    if (text.empty()) continue;
    other.where += (other.where.empty() ? "" : ",") + key;
    other.text += (other.text.empty() ? "" : "\n") + text;
  }
  if (!other.text.empty()) r.texts.push_back(std::move(other));
  j.erase("conversation_id");
  r.body = std::move(j);
  return r;
}

Result<std::vector<moderation::OutputChoice>> GateChoices(const json& body) {
  SAFEGATE_ASSIGN_OR_RETURN(std::vector<openai::ChoiceTexts> choices,
                            openai::CompletionChoices(body));
  std::vector<moderation::OutputChoice> out(choices.size());
  for (size_t i = 0; i < choices.size(); ++i) {
    out[i].index = choices[i].index;
    for (auto& f : choices[i].fields)
      out[i].fields.push_back({std::move(f.name), std::move(f.text)});
  }
  return out;
}

void ApplyOutputVerdict(const moderation::OutputVerdict& verdict, json* body) {
  auto choices = body->find("choices");
  if (choices == body->end() || !choices->is_array()) return;
  for (size_t i = 0; i < choices->size() && i < verdict.choices.size(); ++i) {
    json& c = (*choices)[i];
    if (!c.is_object()) continue;
    c.erase("logprobs");
    const auto& v = verdict.choices[i];
    if (!v.flagged) continue;
    c["finish_reason"] = "content_filter";
    if (v.blocked) {
      const std::string text = v.delivered.empty() ? "" : v.delivered[0].text;
      if (c.contains("text")) c["text"] = text;
      c["message"] = {{"role", "assistant"}, {"content", text}};
      continue;
    }
    for (const auto& f : v.delivered) {
      if (f.name == "text") {
        c["text"] = f.text;
      } else if (c.contains("message") && c["message"].is_object()) {
        openai::SetMessageField(&c["message"], f.name, f.text);
      }
    }
  }
}

moderation::OutputChoice TokensChoice(const std::vector<std::string>& tokens) {
  moderation::OutputChoice c;
  c.index = kTokensChoice;
  std::string text;
  for (const auto& t : tokens) text += (text.empty() ? "" : "\n") + t;
  c.fields.push_back({"tokens", std::move(text)});
  return c;
}

void BlockForTokens(const moderation::OutputVerdict::Choice& tokens,
                    const std::string& blocked_message, const std::string& model,
                    moderation::OutputVerdict* verdict, json* body) {
  for (auto& c : verdict->choices) {
    if (!c.flagged) c.assessment = tokens.assessment;
    c.flagged = c.blocked = true;
    c.delivered = {{"content", blocked_message}};
  }
  verdict->flagged = true;
  const bool legacy = body->value("object", "") == "text_completion";
  (*body)["id"] = "chatcmpl-sg-" + std::to_string(UnixSeconds());
  (*body)["model"] = model;
  (*body)["object"] = legacy ? "text_completion" : "chat.completion";
  for (const char* k : {"system_fingerprint", "service_tier", "usage"}) body->erase(k);
  auto choices = body->find("choices");
  if (choices == body->end() || !choices->is_array()) return;
  for (size_t i = 0; i < choices->size(); ++i) {
    if ((*choices)[i].is_object()) (*choices)[i]["index"] = i;
  }
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
