// The OpenAI-compatible chat protocol: request bodies, answer texts, error
// bodies, and the text fields of choices and stream deltas.
#include "safegate/openai/chat.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <functional>

#include "safegate/base/json.h"
#include "safegate/openai/sse.h"
#include "safegate/text/utf8.h"

namespace safegate::openai {
namespace {

using json = nlohmann::json;

// ---- The answer text ----

// The answer text of one JSON object in any of the known shapes; nullptr when none fits.
const json* AnswerField(const json& j) {
  if (!j.is_object()) return nullptr;
  auto it = j.find("choices");
  if (it != j.end() && it->is_array() && !it->empty()) {
    const json& c = (*it)[0];
    if (c.is_object()) {
      auto m = c.find("message");
      if (m != c.end() && m->is_object()) {
        auto content = m->find("content");
        if (content != m->end()) return &*content;
      }
      auto d = c.find("delta");
      if (d != c.end() && d->is_object()) {
        auto content = d->find("content");
        if (content != d->end()) return &*content;
        static const json kEmpty = "";
        return &kEmpty;  // a delta without content (role or finish chunk)
      }
      auto t = c.find("text");
      if (t != c.end()) return &*t;
    }
    return nullptr;
  }
  auto m = j.find("message");
  if (m != j.end() && m->is_object()) {
    auto content = m->find("content");
    if (content != m->end()) return &*content;
  }
  auto content = j.find("content");
  if (content != j.end()) return &*content;
  auto resp = j.find("response");  // Ollama /api/generate
  if (resp != j.end()) return &*resp;
  return nullptr;
}

void MessageFields(const json& msg, std::vector<TextField>* out);
int64_t ChoiceIndex(const json& choice, size_t position);

// The largest "index" read as written (OpenAI's n is at most 128).
constexpr double kMaxIndex = 65535;

// The "index" of a choice or of a tool call as the gate reads it: an
// integral number 0..kMaxIndex as written (0, 0.0 and 0e0 are one index to
// a JavaScript or Python client, which merges a stream's deltas by the
// index's value, and "0" is the same property key as 0 in JavaScript);
// anything else (a string, a negative or fractional number, a larger one,
// none) is the position in its array. DropUnreadKeys writes it back, so the
// client merges exactly the deltas the gate read as one text.
int64_t IndexOf(const json& obj, size_t position) {
  auto ix = obj.find("index");
  if (ix != obj.end() && ix->is_number()) {
    const double d = ix->get<double>();
    if (d >= 0 && d <= kMaxIndex && d == static_cast<double>(static_cast<int64_t>(d))) {
      return static_cast<int64_t>(d);
    }
  }
  return static_cast<int64_t>(position);
}

// What a reply says, gathered over one body or over the events of a stream
// (or the lines of Ollama's NDJSON): the answer's content, then every other
// text field of the message (reasoning_content, reasoning, a structured-output
// refusal, tool calls, a server's own keys such as Ollama's "thinking"), each
// field's pieces joined in the order they came, and the indexes of the
// choices seen.
struct Gathered {
  std::string content;
  std::vector<std::pair<std::string, std::string>> other;  // field -> text, first-seen order
  std::vector<int64_t> indexes;                            // distinct choice indexes

  void AddOther(const std::string& name, const std::string& text) {
    for (auto& [n, t] : other) {
      if (n == name) {
        t += text;
        return;
      }
    }
    other.emplace_back(name, text);
  }
  void AddIndex(int64_t index) {
    if (std::find(indexes.begin(), indexes.end(), index) == indexes.end()) {
      indexes.push_back(index);
    }
  }
};

// The answer text of what was gathered: the content, then one "[FIELD] text"
// line per other field with text. A reply with a choice other than choice 0
// (several choices, where eval asks for one) is an error: which one a user
// sees is unknown, and judging only one would let a server put a refusal
// first and the harmful answer second.
Result<std::string> GatheredText(Gathered&& g, AnswerFields fields) {
  if (g.indexes.size() > 1) {
    return DataLossError("the endpoint sent " + std::to_string(g.indexes.size()) +
                         " choices where one was asked for; which one a user sees is unknown, "
                         "so none is judged");
  }
  if (g.indexes.size() == 1 && g.indexes[0] != 0) {
    return DataLossError("the endpoint sent choice " + std::to_string(g.indexes[0]) +
                         " where one (choice 0) was asked for");
  }
  std::string out = std::move(g.content);
  if (fields == AnswerFields::kReply && !out.empty()) return out;
  for (const auto& [name, text] : g.other) {
    if (text.empty()) continue;
    if (!out.empty()) out += '\n';
    out += "[" + name + "] " + text;
  }
  return out;
}

// The message (or stream delta) whose other texts belong to the answer:
// choices[0].message or .delta, or Ollama's top-level message; nullptr for
// shapes without one (legacy "text", llama.cpp "content").
const json* AnswerMessage(const json& j) {
  auto c = j.find("choices");
  if (c != j.end()) {
    if (!c->is_array() || c->empty() || !(*c)[0].is_object()) return nullptr;
    const json& first = (*c)[0];
    for (const char* key : {"message", "delta"}) {
      auto m = first.find(key);
      if (m != first.end() && m->is_object()) return &*m;
    }
    return nullptr;
  }
  auto m = j.find("message");
  return m != j.end() && m->is_object() ? &*m : nullptr;
}

Status AppendContent(const json& j, Gathered* g) {
  const json* f = AnswerField(j);
  if (f == nullptr) {
    if (auto msg = ErrorMessage(j)) {
      return DataLossError("the endpoint answered with an error: " + *msg);
    }
    return DataLossError("no answer field in the response (expected choices[0].message.content)");
  }
  auto c = j.find("choices");
  if (c != j.end() && c->is_array()) {
    for (size_t i = 0; i < c->size(); ++i) {
      const json& choice = (*c)[i];
      g->AddIndex(choice.is_object() ? ChoiceIndex(choice, i) : static_cast<int64_t>(i));
    }
  }
  // The message's other texts (a null content: only those), so that a
  // harmful tool call or reasoning is judged, not an empty or harmless text.
  if (const json* m = AnswerMessage(j)) {
    std::vector<TextField> fields;
    MessageFields(*m, &fields);
    for (const TextField& tf : fields) {
      if (tf.name != "content") g->AddOther(tf.name, tf.text);
    }
  }
  if (f->is_null()) return OkStatus();
  if (f->is_array()) {
    // Content parts: the text parts joined with "\n" (ContentText's reading).
    // A part the judges cannot read (an image, an unknown type) is an error,
    // never an empty answer.
    std::string joined;
    for (const json& part : *f) {
      auto t = part.is_object() ? part.find("type") : part.end();
      auto x = part.is_object() ? part.find("text") : part.end();
      if (t == part.end() || !t->is_string() || *t != "text" || x == part.end() ||
          !x->is_string()) {
        return DataLossError("the answer has a content part that is not {\"type\": \"text\"}");
      }
      if (!joined.empty()) joined += '\n';
      joined += x->get_ref<const std::string&>();
    }
    g->content.append(joined);
    return OkStatus();
  }
  if (!f->is_string()) return DataLossError("the answer field is not a string");
  g->content.append(f->get_ref<const std::string&>());
  return OkStatus();
}

// The value of `key` in `o` when the key occurs exactly once (a repeated key
// is left to the general parser, whose rule for duplicates then applies).
bool UniqueField(simdjson::dom::object o, std::string_view key, simdjson::dom::element* v) {
  int n = 0;
  for (auto field : o) {
    if (field.key == key) {
      *v = field.value;
      n++;
    }
  }
  return n == 1;
}

// The plain chat-completion body, {"choices": [{"message": {"content": "..."}}]},
// read with simdjson without building a DOM of nlohmann values. Returns false
// for anything else (other shapes, errors, streams, invalid JSON, a repeated
// key on the path), which the general parser then handles.
bool FastChatContent(std::string_view body, std::string* out) {
  if (body.empty() || body.front() != '{') return false;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root, choices, first, message, content;
  simdjson::dom::object obj;
  simdjson::dom::array arr;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) return false;
  if (root.get_object().get(obj) != simdjson::SUCCESS) return false;
  if (!UniqueField(obj, "choices", &choices)) return false;
  if (choices.get_array().get(arr) != simdjson::SUCCESS) return false;
  if (arr.size() != 1) return false;  // several choices: an error, said by the general parser
  if (arr.at(0).get(first) != simdjson::SUCCESS) return false;
  if (first.get_object().get(obj) != simdjson::SUCCESS) return false;
  simdjson::dom::element index;
  if (UniqueField(obj, "index", &index)) {
    int64_t i = 0;
    if (index.get_int64().get(i) != simdjson::SUCCESS || i != 0) return false;
  } else if (obj.at_key("index").error() == simdjson::SUCCESS) {
    return false;  // a repeated "index"
  }
  if (!UniqueField(obj, "message", &message)) return false;
  if (message.get_object().get(obj) != simdjson::SUCCESS) return false;
  // Any other text of the message (reasoning, tool calls, a refusal) joins
  // the answer: the general parser reads it. Null and empty values add nothing.
  for (auto field : obj) {
    if (field.key == "role" || field.key == "content") continue;
    simdjson::dom::element v = field.value;
    if (v.is_null()) continue;
    simdjson::dom::array a;
    simdjson::dom::object o;
    std::string_view str;
    if (v.get_array().get(a) == simdjson::SUCCESS && a.size() == 0) continue;
    if (v.get_object().get(o) == simdjson::SUCCESS && o.size() == 0) continue;
    if (v.get_string().get(str) == simdjson::SUCCESS && str.empty()) continue;
    return false;
  }
  if (!UniqueField(obj, "content", &content)) return false;
  std::string_view text;
  if (content.get_string().get(text) != simdjson::SUCCESS) return false;
  out->assign(text);
  return true;
}

// Lines of newline-delimited JSON (Ollama streaming), each appended.
Status AppendNdjson(std::string_view body, Gathered* out) {
  size_t pos = 0;
  while (pos < body.size()) {
    size_t nl = body.find('\n', pos);
    std::string_view line = body.substr(pos, nl == std::string_view::npos ? body.npos : nl - pos);
    pos = nl == std::string_view::npos ? body.size() : nl + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    json l = ParseUntrustedJson(line);
    if (l.is_discarded()) return DataLossError("malformed JSON in the response body");
    SAFEGATE_RETURN_IF_ERROR(AppendContent(l, out));
  }
  return OkStatus();
}

// The events of a text/event-stream body, appended up to "[DONE]".
Status AppendEventStream(std::string_view body, Gathered* out) {
  bool done = false;
  size_t events = 0;
  Status status = OkStatus();
  SseReader sse;
  auto on_event = [&](std::string_view data) {
    size_t b = data.find_first_not_of(" \t");
    if (b != std::string_view::npos && data.substr(b) == "[DONE]") {
      done = true;
      return false;
    }
    json j = ParseUntrustedJson(data);
    if (j.is_discarded()) {
      status = DataLossError("malformed JSON in an SSE event");
      return false;
    }
    status = AppendContent(j, out);
    events++;
    return status.ok();
  };
  if (sse.Feed(body, on_event) && status.ok() && !done) sse.Finish(on_event);
  SAFEGATE_RETURN_IF_ERROR(status);
  if (sse.too_long()) return DataLossError("an SSE line over 8 MiB");
  if (!done && events == 0) return DataLossError("SSE stream without events");
  return OkStatus();
}

// ---- Text fields of choices ----

// A string or an array of text parts (ContentText's reading, parts joined
// without a separator), then the strings of the parts' other keys (an audio
// part's transcript, annotations), one per line; anything else "".
std::string OutputText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  std::string out, other;
  if (v.is_array()) {
    for (const auto& part : v) {
      if (!part.is_object()) continue;
      for (const auto& [key, x] : part.items()) {
        if (key == "type") continue;
        if ((key == "text" || key == "refusal") && x.is_string()) {
          out += x.get<std::string>();
        } else if (std::string s = StringsOf(x, false); !s.empty()) {
          other += (other.empty() ? "" : "\n") + s;
        }
      }
    }
  }
  if (!other.empty()) out += (out.empty() ? "" : "\n") + other;
  return out;
}

bool IsNamedField(std::string_view key) {
  return key == "content" || key == "reasoning_content" || key == "reasoning" || key == "refusal" ||
         key == "tool_calls" || key == "function_call" || key == "role";
}

// The text fields of a message or a delta: the named ones, and every other
// key's strings (audio transcripts, annotations, custom tool calls, a
// server's own reasoning fields...): what the client receives is checked.
void MessageFields(const json& msg, std::vector<TextField>* out) {
  if (!msg.is_object()) return;
  for (const char* key : {"content", "reasoning_content", "reasoning", "refusal"}) {
    auto it = msg.find(key);
    if (it != msg.end() && !it->is_null()) out->push_back({key, OutputText(*it)});
  }
  auto calls = msg.find("tool_calls");
  if (calls != msg.end() && calls->is_array()) {
    for (size_t k = 0; k < calls->size(); ++k) {
      const json& call = (*calls)[k];
      if (!call.is_object()) continue;
      // Streams number tool calls by "index"; complete messages by position.
      const int64_t idx = IndexOf(call, k);
      const std::string prefix = "tool_calls[" + std::to_string(idx) + "].";
      auto fn = call.find("function");
      if (fn != call.end() && fn->is_object()) {
        for (const char* key : {"name", "arguments"}) {
          auto it = fn->find(key);
          if (it == fn->end()) continue;
          if (it->is_string()) {
            out->push_back({prefix + key, it->get<std::string>()});
          } else if (std::string text = StringsOf(*it, false); !text.empty()) {
            out->push_back({prefix + key, std::move(text)});  // arguments as an object
          }
        }
      }
      // Other kinds of call ("custom": {"name", "input"}, ...).
      for (const auto& [key, value] : call.items()) {
        if (key == "function" || key == "id" || key == "type" || key == "index") continue;
        std::string text = StringsOf(value, false);
        if (!text.empty()) out->push_back({prefix + key, std::move(text)});
      }
    }
  }
  auto fcall = msg.find("function_call");
  if (fcall != msg.end() && fcall->is_object()) {
    for (const char* key : {"name", "arguments"}) {
      auto it = fcall->find(key);
      if (it == fcall->end()) continue;
      if (it->is_string()) {
        out->push_back({std::string("function_call.") + key, it->get<std::string>()});
      } else if (std::string text = StringsOf(*it, false); !text.empty()) {
        out->push_back({std::string("function_call.") + key, std::move(text)});
      }
    }
  }
  for (const auto& [key, value] : msg.items()) {
    if (IsNamedField(key)) continue;
    std::string text = StringsOf(value, false);
    if (!text.empty()) out->push_back({key, std::move(text)});
  }
}

// Sets obj[key] to `text` when it is a string (or absent); a structured
// value whose strings are not `text` (a masked copy) is removed.
void SetOrDrop(json* obj, const std::string& key, const std::string& text) {
  auto it = obj->find(key);
  if (it == obj->end() || it->is_string() || it->is_null()) {
    (*obj)[key] = text;
  } else if (StringsOf(*it, false) != text) {
    obj->erase(it);
  }
}

int64_t ChoiceIndex(const json& choice, size_t position) {
  return IndexOf(choice, position);
}

}  // namespace

std::string ChatCompletionBody(const std::vector<ChatMessage>& messages, const ChatParams& params) {
  json msgs = json::array();
  for (const auto& m : messages) msgs.push_back({{"role", m.role}, {"content", m.content}});
  json body = json::object();
  if (!params.model.empty()) body["model"] = params.model;
  body["messages"] = std::move(msgs);
  if (params.temperature >= 0) body["temperature"] = params.temperature;
  if (params.max_tokens > 0) body["max_tokens"] = params.max_tokens;
  if (params.seed >= 0) body["seed"] = params.seed;
  if (params.stream) body["stream"] = true;
  return DumpJson(body);
}

Result<std::string> AnswerText(std::string_view body, AnswerFields fields) {
  size_t start = body.find_first_not_of(" \t\r\n");
  if (start != std::string_view::npos) {
    std::string out;
    if (FastChatContent(body.substr(start), &out)) return out;
  }
  return internal::AnswerTextGeneral(body, fields);
}

namespace internal {

Result<std::string> AnswerTextGeneral(std::string_view body, AnswerFields fields) {
  // JSON is UTF-8: a body that is not would otherwise be "malformed JSON".
  if (size_t bad = text::FirstInvalid(body); bad != std::string_view::npos) {
    return DataLossError("the response body is not valid UTF-8 (byte offset " +
                         std::to_string(bad) + ")");
  }
  size_t start = body.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return DataLossError("empty response body");
  body.remove_prefix(start);
  Gathered out;
  if (LooksLikeEventStream(body)) {
    SAFEGATE_RETURN_IF_ERROR(AppendEventStream(body, &out));
    return GatheredText(std::move(out), fields);
  }
  json j = ParseUntrustedJson(body);
  if (!j.is_discarded()) {
    SAFEGATE_RETURN_IF_ERROR(AppendContent(j, &out));
    return GatheredText(std::move(out), fields);
  }
  if (body.find('\n') != std::string_view::npos) {  // NDJSON (Ollama streaming)
    SAFEGATE_RETURN_IF_ERROR(AppendNdjson(body, &out));
    return GatheredText(std::move(out), fields);
  }
  return DataLossError("malformed JSON in the response body");
}

}  // namespace internal

Result<std::string> StrictChoiceText(std::string_view body, Endpoint endpoint) {
  const json j = ParseUntrustedJson(body);
  const char* want = endpoint == Endpoint::kChat ? "choices[0].message.content" : "choices[0].text";
  if (j.is_discarded()) return InvalidArgumentError("the answer is not JSON");
  if (auto msg = ErrorMessage(j))
    return InvalidArgumentError("the server answered with an error: " + *msg);
  const json* v = nullptr;
  auto c = j.is_object() ? j.find("choices") : j.end();
  if (c != j.end() && c->is_array() && !c->empty() && (*c)[0].is_object()) {
    const json& first = (*c)[0];
    if (endpoint == Endpoint::kChat) {
      auto m = first.find("message");
      if (m != first.end() && m->is_object()) {
        auto content = m->find("content");
        if (content != m->end()) v = &*content;
      }
    } else {
      auto t = first.find("text");
      if (t != first.end()) v = &*t;
    }
  }
  if (v == nullptr || !v->is_string())
    return InvalidArgumentError(std::string("no ") + want + " string in the answer");
  return v->get<std::string>();
}

std::optional<std::string> ErrorMessage(const json& body) {
  if (!body.is_object()) return std::nullopt;
  auto e = body.find("error");
  if (e == body.end()) return std::nullopt;
  std::string msg;
  auto m = e->is_object() ? e->find("message") : e->end();
  if (m != e->end() && m->is_string()) {
    msg = m->get<std::string>();
  } else if (e->is_string()) {
    msg = e->get<std::string>();
  } else {
    msg = DumpJson(*e);
  }
  if (msg.size() > 200) msg.resize(200);
  return msg;
}

namespace {
void AppendStrings(const json& v, bool keys, int depth, std::string* out) {
  auto add = [&](const std::string& s) {
    if (s.empty()) return;
    if (!out->empty()) *out += '\n';
    *out += s;
  };
  if (v.is_string()) {
    add(v.get_ref<const std::string&>());
  } else if (depth > 0 && v.is_object()) {
    for (const auto& [k, x] : v.items()) {
      if (keys) add(k);
      AppendStrings(x, keys, depth - 1, out);
    }
  } else if (depth > 0 && v.is_array()) {
    for (const auto& x : v) AppendStrings(x, keys, depth - 1, out);
  }
}
}  // namespace

std::string StringsOf(const json& value, bool keys) {
  std::string out;
  AppendStrings(value, keys, kMaxJsonDepth + 1, &out);
  return out;
}

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

Result<std::vector<ChoiceTexts>> CompletionChoices(const json& body) {
  if (!body.is_object()) return InvalidArgumentError("the answer is not a JSON object");
  auto choices = body.find("choices");
  if (choices == body.end() || !choices->is_array() || choices->empty()) {
    return InvalidArgumentError("the answer has no choices");
  }
  std::vector<ChoiceTexts> out;
  for (size_t i = 0; i < choices->size(); ++i) {
    const json& c = (*choices)[i];
    if (!c.is_object())
      return InvalidArgumentError("choices[" + std::to_string(i) + "]: not an object");
    ChoiceTexts oc;
    oc.index = ChoiceIndex(c, i);
    auto msg = c.find("message");
    if (msg != c.end()) MessageFields(*msg, &oc.fields);
    // Legacy completions put the text in "text".
    auto text = c.find("text");
    if (text != c.end() && text->is_string())
      oc.fields.push_back({"text", text->get<std::string>()});
    out.push_back(std::move(oc));
  }
  return out;
}

namespace {

// What an upstream may relay that the gate does not read: a token of ASCII
// letters, digits and _ . : / @ + - (no spaces, so no sentence), 1..max bytes.
bool IsToken(std::string_view s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (unsigned char c : s) {
    if (!std::isalnum(c) && std::strchr("_.:/@+-", c) == nullptr) return false;
  }
  return true;
}

constexpr size_t kMaxMetadata = 128;  // id, model, object, ... (OpenAI's ids: ~40 bytes)
constexpr size_t kMaxKey = 64;        // an object key inside a choice, a usage key

// True when every key and string in `v` is a token (numbers, booleans and
// null are harmless). When true and `kept` is given, they are appended to it.
bool TokensOnly(const json& v, size_t max, std::vector<std::string>* kept = nullptr,
                int depth = 0) {
  if (depth > kMaxJsonDepth) return false;
  const size_t mark = kept ? kept->size() : 0;
  bool ok = true;
  if (v.is_string()) {
    ok = IsToken(v.get_ref<const std::string&>(), max);
    if (ok && kept) kept->push_back(v.get<std::string>());
  } else if (v.is_object()) {
    for (const auto& [k, x] : v.items()) {
      if (!IsToken(k, kMaxKey) || !TokensOnly(x, max, kept, depth + 1)) {
        ok = false;
        break;
      }
      if (kept) kept->push_back(k);
    }
  } else if (v.is_array()) {
    for (const json& x : v) {
      if (!TokensOnly(x, max, kept, depth + 1)) {
        ok = false;
        break;
      }
    }
  }
  if (!ok && kept) kept->resize(mark);
  return ok;
}

// The one walk behind DropNonTokens, DropStrings and the key check of a
// message: removes, anywhere in `v`, every object key `drop` is true for
// (with its value) and every string it is true for (an object's member, an
// array's element); a value nested deeper than kMaxJsonDepth becomes null.
// The keys (and unless `keys_only`, strings) kept are appended to `kept`
// when given.
bool DropStringsAt(json* v, const std::function<bool(const std::string&, bool)>& drop,
                   std::vector<std::string>* kept, bool keys_only, int depth) {
  if (depth > kMaxJsonDepth) {
    *v = nullptr;
    return true;
  }
  bool dropped = false;
  auto bad_string = [&](const json& x) {
    return x.is_string() && drop(x.get_ref<const std::string&>(), false);
  };
  auto keep_string = [&](const json& x) {
    if (kept && !keys_only && x.is_string()) kept->push_back(x.get<std::string>());
  };
  if (v->is_object()) {
    for (auto it = v->begin(); it != v->end();) {
      if (drop(it.key(), true) || bad_string(it.value())) {
        it = v->erase(it);
        dropped = true;
      } else {
        if (kept) kept->push_back(it.key());
        keep_string(it.value());
        dropped |= DropStringsAt(&it.value(), drop, kept, keys_only, depth + 1);
        ++it;
      }
    }
  } else if (v->is_array()) {
    for (auto it = v->begin(); it != v->end();) {
      if (bad_string(*it)) {
        it = v->erase(it);
        dropped = true;
      } else {
        keep_string(*it);
        dropped |= DropStringsAt(&*it, drop, kept, keys_only, depth + 1);
        ++it;
      }
    }
  }
  return dropped;
}

bool NotAKey(const std::string& s, bool key) {
  return key && !IsToken(s, kMaxKey);
}

bool NotAToken(const std::string& s, bool key) {
  return !IsToken(s, key ? kMaxKey : kMaxMetadata);
}

// Erases obj[key] unless it is TokensOnly.
bool KeepTokensOnly(json* obj, const char* key, size_t max, std::vector<std::string>* kept) {
  auto it = obj->find(key);
  if (it == obj->end() || TokensOnly(*it, max, kept)) return false;
  obj->erase(it);
  return true;
}

// A message or delta: the values MessageFields does not read are tokens (the
// role, a tool call's id and type, other keys of a function call); a tool
// call's "index" is the one MessageFields reads (IndexOf), written in every
// call of a `delta` (a client merges a stream's calls by it) and in the
// calls of a message that have one.
bool ConstrainMessage(json* msg, bool delta, std::vector<std::string>* kept) {
  if (!msg->is_object()) return false;
  bool dropped = DropStringsAt(msg, NotAKey, kept, true, 0);
  // A key spelled like a field path ("function_call.name") would be read as a
  // field of that name, which replace mode writes back into function_call:
  // the key itself would keep the flagged text. ('[' is not a token, so no
  // key is spelled like "tool_calls[K].X".)
  for (auto it = msg->begin(); it != msg->end();) {
    if (it.key().rfind("function_call.", 0) == 0) {
      it = msg->erase(it);
      dropped = true;
    } else {
      ++it;
    }
  }
  dropped |= KeepTokensOnly(msg, "role", kMaxKey, kept);
  // The fields OutputText reads: a string, or parts (objects) whose "type"
  // it skips; anything else in them it does not read.
  for (const char* key : {"content", "reasoning_content", "reasoning", "refusal"}) {
    auto f = msg->find(key);
    if (f == msg->end() || f->is_string() || f->is_null()) continue;
    if (!f->is_array()) {
      if (!TokensOnly(*f, kMaxKey, kept)) {
        msg->erase(f);
        dropped = true;
      }
      continue;
    }
    for (auto part = f->begin(); part != f->end();) {
      if (part->is_object() ? (dropped |= KeepTokensOnly(&*part, "type", kMaxKey, kept), true)
                            : TokensOnly(*part, kMaxKey, kept)) {
        ++part;
      } else {
        part = f->erase(part);
        dropped = true;
      }
    }
  }
  auto unread_of_function = [&](json* fn) {
    if (!fn->is_object()) return;
    for (auto it = fn->begin(); it != fn->end();) {
      if (it.key() != "name" && it.key() != "arguments" && !TokensOnly(it.value(), kMaxKey, kept)) {
        it = fn->erase(it);
        dropped = true;
      } else {
        ++it;
      }
    }
  };
  // MessageFields reads tool_calls only as an array of objects, a function
  // (call) only as an object.
  auto calls = msg->find("tool_calls");
  if (calls != msg->end() && !calls->is_array()) {
    dropped |= KeepTokensOnly(msg, "tool_calls", kMaxKey, kept);
  } else if (calls != msg->end()) {
    for (auto call = calls->begin(); call != calls->end();) {
      if (!call->is_object()) {
        if (TokensOnly(*call, kMaxKey, kept)) {
          ++call;
        } else {
          call = calls->erase(call);
          dropped = true;
        }
        continue;
      }
      for (const char* k : {"id", "type"}) dropped |= KeepTokensOnly(&*call, k, kMaxMetadata, kept);
      if (delta || call->contains("index")) {
        (*call)["index"] = IndexOf(*call, static_cast<size_t>(call - calls->begin()));
      }
      auto fn = call->find("function");
      if (fn != call->end() && !fn->is_object()) {
        dropped |= KeepTokensOnly(&*call, "function", kMaxKey, kept);
      } else if (fn != call->end()) {
        unread_of_function(&*fn);
      }
      ++call;
    }
  }
  auto fcall = msg->find("function_call");
  if (fcall != msg->end() && !fcall->is_object()) {
    dropped |= KeepTokensOnly(msg, "function_call", kMaxKey, kept);
  } else if (fcall != msg->end()) {
    unread_of_function(&*fcall);
  }
  return dropped;
}

}  // namespace

bool DropNonTokens(json* v, std::vector<std::string>* tokens) {
  return DropStringsAt(v, NotAToken, tokens, false, 0);
}

bool DropStrings(json* v, const std::function<bool(const std::string&, bool)>& drop) {
  return DropStringsAt(v, drop, nullptr, false, 0);
}

bool DropUnreadKeys(json* body, std::vector<std::string>* kept) {
  if (!body->is_object()) return false;
  bool dropped = false;
  for (auto it = body->begin(); it != body->end();) {
    const std::string& k = it.key();
    const json& v = it.value();
    // Metadata: tokens (or numbers); usage: token keys and no strings.
    bool keep = ((k == "id" || k == "object" || k == "created" || k == "model" ||
                  k == "system_fingerprint" || k == "service_tier") &&
                 TokensOnly(v, kMaxMetadata, kept)) ||
                (k == "choices" && v.is_array()) ||  // nothing reads choices of another shape
                (k == "usage" && StringsOf(v, false).empty() && TokensOnly(v, kMaxMetadata, kept));
    if (keep) {
      ++it;
    } else {
      it = body->erase(it);
      dropped = true;
    }
  }
  auto choices = body->find("choices");
  if (choices == body->end() || !choices->is_array()) return dropped;
  for (auto ci = choices->begin(); ci != choices->end();) {
    if (!ci->is_object()) {  // a choice that is not an object: nothing reads it
      ci = choices->erase(ci);
      dropped = true;
      continue;
    }
    // The index the gate reads (IndexOf), written back: a client merges a
    // stream's deltas by it, so an index it reads as another's (0.0, "0",
    // none) must not be a channel of its own to the gate.
    const int64_t index = IndexOf(*ci, static_cast<size_t>(ci - choices->begin()));
    json& c = *ci++;
    for (auto it = c.begin(); it != c.end();) {
      const std::string& k = it.key();
      json& v = it.value();
      bool keep = false;
      if (k == "message" || k == "delta") {
        keep = v.is_object() || v.is_null();  // what MessageFields reads
        if (keep) dropped |= ConstrainMessage(&v, k == "delta", kept);
      } else if (k == "text") {
        keep = v.is_string() || v.is_null();  // legacy completions: read when a string
      } else if (k == "finish_reason") {
        keep = !v.is_structured() && TokensOnly(v, kMaxKey, kept);
      } else if (k == "index") {
        keep = true;  // rewritten below
      }
      if (keep) {
        ++it;
      } else {
        it = c.erase(it);
        dropped = true;
      }
    }
    c["index"] = index;
  }
  return dropped;
}

std::vector<std::pair<std::string, std::string>> StreamDeltas(json* event) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!event->is_object()) return out;
  auto choices = event->find("choices");
  if (choices == event->end() || !choices->is_array()) return out;
  for (size_t i = 0; i < choices->size(); ++i) {
    json& c = (*choices)[i];
    if (!c.is_object()) continue;
    c.erase("logprobs");
    std::string prefix = std::to_string(ChoiceIndex(c, i)) + ".";
    std::vector<TextField> fields;
    auto delta = c.find("delta");
    if (delta != c.end()) MessageFields(*delta, &fields);
    // A whole message in a chunk (some servers end a stream with one).
    auto message = c.find("message");
    if (message != c.end()) {
      std::vector<TextField> m;
      MessageFields(*message, &m);
      for (auto& f : m) fields.push_back({"message." + f.name, std::move(f.text)});
    }
    auto text = c.find("text");
    if (text != c.end() && text->is_string()) fields.push_back({"text", text->get<std::string>()});
    for (auto& f : fields) out.emplace_back(prefix + f.name, std::move(f.text));
  }
  return out;
}

void SetMessageField(json* msg, const std::string& name, const std::string& text) {
  if (!msg->is_object()) return;
  if (name.rfind("tool_calls[", 0) == 0) {
    size_t close = name.find(']');
    if (close == std::string::npos || close + 2 > name.size()) return;
    size_t idx = std::strtoull(name.c_str() + 11, nullptr, 10);
    std::string key = name.substr(close + 2);
    auto calls = msg->find("tool_calls");
    if (calls == msg->end() || !calls->is_array()) return;
    for (size_t k = 0; k < calls->size(); ++k) {
      json& call = (*calls)[k];
      if (!call.is_object() || static_cast<size_t>(IndexOf(call, k)) != idx) continue;
      if (key == "name" || key == "arguments") {
        if (call.contains("function") && call["function"].is_object()) call["function"][key] = text;
      } else {
        SetOrDrop(&call, key, text);
      }
    }
    return;
  }
  if (name.rfind("function_call.", 0) == 0) {
    if (msg->contains("function_call") && (*msg)["function_call"].is_object()) {
      (*msg)["function_call"][name.substr(14)] = text;
    }
    return;
  }
  SetOrDrop(msg, name, text);
}

}  // namespace safegate::openai
