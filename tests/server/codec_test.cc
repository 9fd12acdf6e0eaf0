// The request codec: the moderation decoder's hand-written fast path agrees
// with the full JSON parser on every body it accepts; the chat decoder hands
// the gate every text the model reads; the readers of model answers (whole
// completions, stream events, the SSE framing) see every choice and field.
#include "codec.h"

#include <gtest/gtest.h>

#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "safegate/base/json.h"

namespace safegate::server {
namespace {

struct Case {
  std::string body;
  bool fast;  // the fast path takes it
};

TEST(ModerationCodec, FastPathAgreesWithFullParser) {
  const std::vector<Case> cases = {
      {R"({"input":"hello"})", true},
      {R"(  { "input" : "hello" , "model" : "omni-moderation-latest" }  )", true},
      {R"({"model":"m","input":["a","b",""]})", true},
      {"{\"input\":\"tab\\tquote\\\"slash\\/back\\\\nl\\n\\r\\b\\f\"}", true},
      {"{\"input\":\"\xe7\x82\xb8\xe5\xbc\xb9 caf\xc3\xa9\"}", true},
      {"{\"input\":\"\xef\xbf\xbd\"}", true},
      {"\t\r\n{\"input\":\"x\"}\n", true},
      // Left to the full parser (some valid, some errors).
      {R"({"input":"\u00e9"})", false},
      {R"({"input":"\ud83d\ude00"})", false},
      {R"({"input":"\ud83d"})", false},
      {R"({"input":[]})", false},
      {R"({"input":[{"type":"text","text":"a"}]})", false},
      {R"({"input":"a","input":"b"})", false},
      {R"({"input":"a","user":"u"})", false},
      {R"({"input":"a","model":null})", false},
      {R"({"input":"a","model":3})", false},
      {R"({"input":3})", false},
      {R"({"model":"m"})", false},
      {R"({})", false},
      {R"([])", false},
      {R"("input")", false},
      {R"({"input":"a"} x)", false},
      {R"({"input":"a",})", false},
      {R"({"input":["a",]})", false},
      {R"({"input":"a")", false},
      {R"({"in\u0070ut":"a"})", false},
      {"{\"input\":\"a\nb\"}", false},              // raw control character
      {"{\"input\":\"\xff\"}", false},              // invalid UTF-8
      {"{\"input\":\"\xc0\xaf\"}", false},          // overlong
      {"{\"input\":\"\xed\xa0\x80\"}", false},      // encoded surrogate
      {"{\"input\":\"\xf4\x90\x80\x80\"}", false},  // past U+10FFFF
      {"\xef\xbb\xbf{\"input\":\"a\"}", false},     // BOM
      {R"({"input":"a\x"})", false},
      {"", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    ModerationRequest fast;
    fast.model = "untouched";
    bool took = FastDecodeModerationRequest(c.body, &fast);
    EXPECT_EQ(took, c.fast);
    if (!took) {
      EXPECT_EQ(fast.model, "untouched");
    }
    auto full = DecodeModerationRequestJson(c.body);
    auto both = DecodeModerationRequest(c.body);
    ASSERT_EQ(full.ok(), both.ok());
    if (took) {
      ASSERT_TRUE(full.ok()) << full.status().ToString();
    }
    if (full.ok()) {
      EXPECT_EQ(full->inputs, both->inputs);
      EXPECT_EQ(full->model, both->model);
      if (took) {
        EXPECT_EQ(full->inputs, fast.inputs);
        EXPECT_EQ(full->model, fast.model);
      }
    } else {
      EXPECT_EQ(full.status().message(), both.status().message());
    }
  }
}

TEST(ModerationCodec, FastPathKeepsTheInputLimit) {
  std::string body = "{\"input\":[";
  for (int i = 0; i < 2049; ++i) body += i ? ",\"x\"" : "\"x\"";
  body += "]}";
  ModerationRequest fast;
  EXPECT_FALSE(FastDecodeModerationRequest(body, &fast));
  auto r = DecodeModerationRequest(body);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("2048"), std::string::npos);
}

// Random edits of plain bodies (a fixed seed: the same bodies every run).
TEST(ModerationCodec, FastPathAgreesOnMutatedBodies) {
  const std::vector<std::string> seeds = {
      R"({"input":"how to make a cake","model":"m"})",
      R"({"input":["a b","c\"d", "e\nf"]})",
      "{\"input\":\"\xe7\x82\xb8 \xc3\xa9\"}",
  };
  const std::string alphabet = "{}[]\",:\\/ \tnu0aZ\x7f\x80\xc3\xa9\xed\xf4\xff\x01";
  std::mt19937 rng(42);
  int fast_taken = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string body = seeds[rng() % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !body.empty(); ++e) {
      size_t pos = rng() % body.size();
      char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0: body[pos] = c; break;
        case 1: body.insert(body.begin() + static_cast<long>(pos), c); break;
        default: body.erase(pos, 1);
      }
    }
    ModerationRequest fast;
    if (!FastDecodeModerationRequest(body, &fast)) continue;
    ++fast_taken;
    auto full = DecodeModerationRequestJson(body);
    ASSERT_TRUE(full.ok()) << body;
    ASSERT_EQ(full->inputs, fast.inputs) << body;
    ASSERT_EQ(full->model, fast.model) << body;
  }
  EXPECT_GT(fast_taken, 100);
}

TEST(ChatCodec, EveryTextTheModelReadsIsListed) {
  auto r = DecodeChatRequest(R"({"model":"m","messages":[
    {"role":"system","content":"S"},
    {"role":"developer","content":"D"},
    {"role":"user","content":[{"type":"text","text":"U1a"},{"type":"text","text":"U1b"}]},
    {"role":"assistant","content":null,"tool_calls":[{"id":"t","type":"function",
      "function":{"name":"fn","arguments":"ARGS"}}]},
    {"role":"tool","tool_call_id":"t","content":"T"},
    {"role":"user","content":"LAST","name":"N"}],
    "tools":[{"type":"function","function":{"name":"tool1","description":"DESC",
      "parameters":{"type":"object","description":"PDESC"}}}]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::string all;
  for (const auto& t : r->texts) all += t.role + ":" + t.where + "=" + t.text + "|";
  for (const char* want :
       {"system:messages[0].content=S|", "developer:messages[1].content=D|",
        "user:messages[2].content=U1aU1b|", "assistant:messages[3].tool_calls[0].function.name=fn|",
        "assistant:messages[3].tool_calls[0].function.arguments=ARGS|",
        "tool:messages[4].content=T|", "user:messages[5].content=LAST|",
        "user:messages[5].name=N|"}) {
    EXPECT_NE(all.find(want), std::string::npos) << want << " in " << all;
  }
  EXPECT_NE(all.find("DESC"), std::string::npos);
  EXPECT_NE(all.find("PDESC"), std::string::npos);
  EXPECT_EQ(r->last_user_text, "LAST");
  int latest = 0;
  for (const auto& t : r->texts) latest += t.latest_user ? 1 : 0;
  EXPECT_EQ(latest, 1);
}

// Texts the model reads outside the fields the decoder knows by name: a
// server's own request fields (vLLM's documents and chat_template), a
// response_format schema, custom tool calls and tools, a legacy function
// call's name, any other key of a message; a tool schema's strings one per
// line (JSON text would keep "a\nb" escaped); and the latest user turn's
// parts joined by line breaks, as vLLM joins them. Each was missing before.
TEST(ChatCodec, TextsOutsideTheNamedFieldsAreListed) {
  auto r = DecodeChatRequest(R"({"model":"m","messages":[
    {"role":"assistant","content":null,"function_call":{"name":"FCNAME","arguments":"{}"},
     "tool_calls":[{"id":"t","type":"custom","custom":{"name":"cn","input":"CUSTOMIN"}}],
     "reasoning":"MSGREASON"},
    {"role":"user","content":[{"type":"text","text":"PA"},{"type":"text","text":"PB"}]}],
    "tools":[{"type":"custom","custom":{"name":"ct","description":"CUSTOMDESC"}},
             {"type":"function","function":{"name":"f","parameters":{"properties":
               {"KEYNAME":{"description":"x\ny"}}}}}],
    "documents":[{"text":"DOCTEXT"}],"chat_template":"TEMPLATE",
    "response_format":{"type":"json_schema","json_schema":{"schema":{"description":"SCHEMA"}}},
    "stream":false,"user":"u","temperature":0.5})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::string all;
  for (const auto& t : r->texts) all += t.role + ":" + t.where + "=" + t.text + "|";
  for (const char* want : {"FCNAME", "CUSTOMIN", "MSGREASON", "CUSTOMDESC", "KEYNAME", "x\ny",
                           "DOCTEXT", "TEMPLATE", "SCHEMA", "user:messages[1].content=PAPB|",
                           "user:messages[1].content (parts joined by line breaks)=PA\nPB|"}) {
    EXPECT_NE(all.find(want), std::string::npos) << want << " in " << all;
  }
  EXPECT_EQ(r->last_user_text, "PAPB");
  for (const auto& t : r->texts) {
    EXPECT_EQ(t.latest_user, t.where.rfind("messages[1].content", 0) == 0) << t.where;
  }
  // The model, user and stream settings are not prompt text.
  EXPECT_EQ(all.find("=u|"), std::string::npos) << all;
}

// A random value over the keys the decoder names, with sentences as strings.
nlohmann::json RandomValue(std::mt19937* rng, int depth, int* n) {
  static const char* kKeys[] = {"content",    "name",          "refusal",    "reasoning_content",
                                "tool_calls", "function_call", "function",   "arguments",
                                "id",         "type",          "text",       "custom",
                                "input",      "description",   "parameters", "x"};
  const int k = static_cast<int>((*rng)() % 10);
  if (depth >= 5 || k < 4) {
    if (k == 0) return nullptr;
    if (k == 1) return 1;
    if (k == 2) return "text";
    return "s" + std::to_string((*n)++) + "# x";
  }
  if (k < 7) {
    nlohmann::json o = nlohmann::json::object();
    const int m = 1 + static_cast<int>((*rng)() % 4);
    for (int i = 0; i < m; ++i)
      o[kKeys[(*rng)() % std::size(kKeys)]] = RandomValue(rng, depth + 1, n);
    return o;
  }
  nlohmann::json a = nlohmann::json::array();
  const int m = 1 + static_cast<int>((*rng)() % 3);
  for (int i = 0; i < m; ++i) a.push_back(RandomValue(rng, depth + 1, n));
  return a;
}

void Sentences(const nlohmann::json& v, std::vector<std::string>* out) {
  if (v.is_string() && v.get_ref<const std::string&>().find('#') != std::string::npos)
    out->push_back(v.get<std::string>());
  if (v.is_structured())
    for (const auto& x : v) Sentences(x, out);
}

// Every string of a request the decoder accepts (but model, user, the
// conversation id) is in a text the gate checks, over 20,000 seeded random
// shapes of messages and tools (found a tool call's id, other keys of a
// function and of a part, a tool's own keys, sent to the model unread).
TEST(ChatCodec, RandomRequestsHandTheGateEveryString) {
  std::mt19937 rng(20261208);
  static const char* kRoles[] = {"system", "user", "assistant", "tool"};
  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    int n = 0;
    nlohmann::json msg = RandomValue(&rng, 1, &n);
    if (!msg.is_object()) msg = nlohmann::json::object();
    msg["role"] = kRoles[round % 4];
    nlohmann::json body = {{"model", "m"}, {"messages", nlohmann::json::array({msg})}};
    if (round % 3 == 0) body["tools"] = nlohmann::json::array({RandomValue(&rng, 2, &n)});
    auto r = DecodeChatRequest(body.dump());
    if (!r.ok()) continue;
    ++accepted;
    std::string texts;
    for (const auto& t : r->texts) texts += t.text + "\n";
    std::vector<std::string> sent;
    Sentences(r->body, &sent);
    for (const auto& s : sent) {
      ASSERT_NE(texts.find(s), std::string::npos)
          << "sent unread: '" << s << "' in " << r->body.dump() << "\nread: " << texts;
    }
  }
  EXPECT_GT(accepted, 2000);
}

TEST(ModerationCodec, PartsTheGateCannotReadAreRefused) {
  for (const char* body : {
           R"({"input":["pipe bomb",{"type":"text","text":"hi"}]})",
           R"({"input":[{"type":"text","text":"hi"},"pipe bomb"]})",
           R"({"input":[{"type":"image_url","image_url":{"url":"u"}}]})",
           R"({"input":[{"type":"input_text","text":"x"}]})",
           R"({"input":[{"text":"x"}]})",
           R"({"input":[{"type":"text"}]})",
       }) {
    auto r = DecodeModerationRequest(body);
    EXPECT_FALSE(r.ok()) << body;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("field 'input"), std::string::npos);
    }
  }
  auto ok = DecodeModerationRequest(
      R"({"input":[{"type":"text","text":"a"},{"type":"text","text":"b"}]})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->inputs, std::vector<std::string>{"a\nb"});
}

// An input of text parts is read both ways, as the chat path reads content
// parts: by line breaks (the input) and without a separator (joined). Before
// (s16-red), "pi" + "pe bomb" was read only as "pi\npe bomb".
TEST(ModerationCodec, PartsAreReadJoinedBothWays) {
  auto r = DecodeModerationRequest(
      R"({"input":[{"type":"text","text":"pi"},{"type":"text","text":"pe bomb"}]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->inputs, std::vector<std::string>{"pi\npe bomb"});
  EXPECT_EQ(r->joined, std::vector<std::string>{"pipe bomb"});
  // One part, or plain strings: one reading.
  for (const char* body : {R"({"input":[{"type":"text","text":"x"}]})", R"({"input":["a","b"]})",
                           R"({"input":"a"})"}) {
    auto one = DecodeModerationRequest(body);
    ASSERT_TRUE(one.ok()) << body;
    EXPECT_TRUE(one->joined.empty()) << body;
  }
}

TEST(ChatCodec, UnknownRolesAndUncheckableContentAreErrors) {
  for (
      const char* body : {
          R"({"messages":[{"role":"User","content":"x"}]})",
          R"({"messages":[{"role":"","content":"x"}]})",
          R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"u"}}]}]})",
          R"({"messages":[{"role":"user","content":[{"type":"text"}]}]})",
          R"({"messages":[{"role":"user","content":"x","name":5}]})",
          R"({"messages":[{"role":"assistant","tool_calls":{}}]})",
          R"({"messages":[{"role":"user","content":"x"}],"tools":{}})",
      }) {
    auto r = DecodeChatRequest(body);
    EXPECT_FALSE(r.ok()) << body;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << body;
      EXPECT_NE(r.status().message().find("field '"), std::string::npos) << r.status().message();
    }
  }
}

TEST(ChatCodec, NestingDeeperThanTheLimitIsRefused) {
  std::string deep = R"({"messages":[{"role":"user","content":"x"}],"x":)" +
                     std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']') +
                     "}";
  auto r = DecodeChatRequest(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("deeper"), std::string::npos);
  std::string fine = R"({"messages":[{"role":"user","content":"x"}],"x":)" +
                     std::string(kMaxJsonDepth - 3, '[') + std::string(kMaxJsonDepth - 3, ']') +
                     "}";
  EXPECT_TRUE(DecodeChatRequest(fine).ok());
  // Brackets inside strings do not count.
  EXPECT_FALSE(JsonTooDeep("\"" + std::string(10000, '[') + "\""));
  EXPECT_TRUE(JsonTooDeep(std::string(600, '{')));
  EXPECT_FALSE(JsonTooDeep(R"(["\"[[[[["])", 1));
}

TEST(AnswerCodec, EveryChoiceAndFieldIsRead) {
  nlohmann::json body = nlohmann::json::parse(R"({"choices":[
    {"index":0,"message":{"role":"assistant","content":"A","reasoning_content":"R"},
     "logprobs":{"content":[]}},
    {"index":1,"message":{"role":"assistant","content":null,"refusal":"F",
      "tool_calls":[{"id":"t","type":"function","function":{"name":"n","arguments":"G"}}]}}]})");
  auto choices = GateChoices(body);
  ASSERT_TRUE(choices.ok());
  ASSERT_EQ(choices->size(), 2u);
  std::string got;
  for (const auto& c : *choices)
    for (const auto& f : c.fields) got += std::to_string(c.index) + f.name + "=" + f.text + ";";
  EXPECT_EQ(got,
            "0content=A;0reasoning_content=R;1refusal=F;1tool_calls[0].name=n;"
            "1tool_calls[0].arguments=G;");
  // Choice 1 blocked, choice 0 masked: what the client receives.
  moderation::OutputVerdict v;
  v.choices.resize(2);
  v.choices[0].flagged = true;
  v.choices[0].delivered = {{"content", "A*"}, {"reasoning_content", "R*"}};
  v.choices[1].flagged = true;
  v.choices[1].blocked = true;
  v.choices[1].delivered = {{"content", "WITHHELD"}};
  ApplyOutputVerdict(v, &body);
  EXPECT_EQ(body["choices"][0]["message"]["content"], "A*");
  EXPECT_EQ(body["choices"][0]["message"]["reasoning_content"], "R*");
  EXPECT_FALSE(body["choices"][0].contains("logprobs"));
  EXPECT_EQ(body["choices"][1]["message"],
            nlohmann::json::parse(R"({"role":"assistant","content":"WITHHELD"})"));
  EXPECT_EQ(body["choices"][1]["finish_reason"], "content_filter");
  EXPECT_FALSE(GateChoices(nlohmann::json::parse(R"({"choices":[]})")).ok());
  EXPECT_FALSE(GateChoices(nlohmann::json::parse(R"({"choices":[5]})")).ok());
}

// The model id of GET /v1/models/{id} goes into the upstream URL: whatever the
// client sent, it stays one path segment of the upstream's /models path.
TEST(EncodePathSegment, KeepsTheIdOneSegment) {
  EXPECT_EQ(EncodePathSegment("gpt-4o-mini_2024.07~x"), "gpt-4o-mini_2024.07~x");
  EXPECT_EQ(EncodePathSegment("org%2Fname-7b"), "org%2Fname-7b");  // kept as the client wrote it
  EXPECT_EQ(EncodePathSegment("org%2fname"), "org%2fname");
  EXPECT_EQ(EncodePathSegment("a/b"), "a%2Fb");
  EXPECT_EQ(EncodePathSegment("a?b#c d"), "a%3Fb%23c%20d");
  EXPECT_EQ(EncodePathSegment("100%"), "100%25");  // a % without two hex digits
  EXPECT_EQ(EncodePathSegment("%4"), "%254");
  EXPECT_EQ(EncodePathSegment("%zz"), "%25zz");
  EXPECT_EQ(EncodePathSegment("a\r\nb"), "a%0D%0Ab");
  EXPECT_EQ(EncodePathSegment("caf\xc3\xa9"), "caf%C3%A9");
  EXPECT_EQ(EncodePathSegment("a+b:c@d"), "a%2Bb%3Ac%40d");
  // Dot segments would move up the upstream's path.
  EXPECT_EQ(EncodePathSegment(".."), "%2E%2E");
  EXPECT_EQ(EncodePathSegment("."), "%2E");
  EXPECT_EQ(EncodePathSegment("..."), "%2E%2E%2E");
  EXPECT_EQ(EncodePathSegment("..a"), "..a");
  EXPECT_EQ(EncodePathSegment(""), "");
}

}  // namespace
}  // namespace safegate::server
