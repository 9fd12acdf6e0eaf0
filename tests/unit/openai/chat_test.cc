// The OpenAI-compatible protocol: answer texts (fast path against the general
// parser), error bodies, request bodies, choice and delta fields, and the
// event-stream reader.
#include "safegate/openai/chat.h"

#include <gtest/gtest.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "safegate/openai/sse.h"

namespace safegate::openai {
namespace {

TEST(AnswerText, KnownShapes) {
  EXPECT_EQ(AnswerText(R"({"choices":[{"message":{"role":"assistant","content":"hi"}}]})").value(),
            "hi");
  EXPECT_EQ(AnswerText(R"({"choices":[{"text":"legacy"}]})").value(), "legacy");
  EXPECT_EQ(
      AnswerText(R"({"message":{"role":"assistant","content":"ollama"},"done":true})").value(),
      "ollama");
  EXPECT_EQ(AnswerText(R"({"content":"llama.cpp"})").value(), "llama.cpp");
  EXPECT_EQ(AnswerText("{\"message\":{\"content\":\"a\"},\"done\":false}\n"
                       "{\"message\":{\"content\":\"b\"},\"done\":true}\n")
                .value(),
            "ab");
  std::string sse =
      "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n"
      "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n"
      "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\r\n\r\n"
      "data: [DONE]\n\n";
  EXPECT_EQ(AnswerText(sse).value(), "Hello");
  EXPECT_EQ(AnswerText(R"({"choices":[{"message":{"content":null}}]})").value(), "");
}

TEST(AnswerText, BadBodiesAreDataLoss) {
  for (const char* body :
       {"", "{\"choices\": [{\"message\": {\"con", "{\"ok\":1}", "[1,2]",
        "{\"choices\":[{\"message\":{\"content\":5}}]}", "{\"error\":{\"message\":\"overloaded\"}}",
        "data: {bad\n\n",
        // an error message that is not a string (used to throw)
        "{\"error\":{\"message\":null}}", "{\"error\":{\"message\":7}}", "{\"error\":[\"x\"]}"}) {
    auto r = AnswerText(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << body;
  }
  EXPECT_NE(
      AnswerText("{\"error\":{\"message\":null,\"code\":3}}").status().message().find("\"code\":3"),
      std::string::npos);
}

// The simdjson fast path for the plain shape must give what the general
// parser gives, for the plain shape and for every near miss.
TEST(AnswerText, FastPathAgreesWithTheGeneralParser) {
  const char* bodies[] = {
      R"({"choices":[{"message":{"role":"assistant","content":"Hello \u00e9 \"x\""}}]})",
      R"(  {"id":"c1","choices":[{"index":0,"message":{"content":"a"}},{"message":{"content":"b"}}]})",
      R"({"choices":[{"message":{"content":"first","content":"second"}}]})",  // repeated key
      R"({"choices":[],"choices":[{"message":{"content":"x"}}]})",
      R"({"choices":[{"message":{"content":null}}]})",
      R"({"choices":[{"message":{"content":42}}]})",
      R"({"choices":[{"delta":{"content":"d"}}]})",
      R"({"choices":[{"text":"t"}]})",
      R"({"message":{"content":"ollama"}})",
      R"({"choices":[{"message":{"content":"x"}}]} trailing)",
      "{\"choices\":[{\"message\":{\"content\":\"ok\"}}]}\n{\"message\":{\"content\":\"2\"}}\n",
      "{\"choices\":[{\"message\":{\"content\":\"bad \xff utf8\"}}]}",
      R"({"choices":[{"message":{"content":"unterminated}}]})",
      R"({"error":{"message":"rate limited"}})",
      "",
      R"({"choices":[{"index":0,"message":{"content":"a","reasoning_content":null,"tool_calls":[],"refusal":""}}]})",
      R"({"choices":[{"index":0,"message":{"content":"a","reasoning_content":"r"}}]})",
      R"({"choices":[{"index":1,"message":{"content":"a"}}]})",
      R"({"choices":[{"index":0,"index":1,"message":{"content":"a"}}]})",
      R"({"choices":[{"message":{"content":"a","tool_calls":[{"function":{"name":"f","arguments":"x"}}]}}]})",
  };
  int fast_shape = 0;
  for (const char* b : bodies) {
    auto r = AnswerText(b);
    auto g = internal::AnswerTextGeneral(b);
    ASSERT_EQ(r.ok(), g.ok()) << b;
    if (r.ok()) {
      EXPECT_EQ(*r, *g) << b;
      fast_shape++;
    } else {
      EXPECT_EQ(r.status().ToString(), g.status().ToString()) << b;
    }
  }
  EXPECT_GE(fast_shape, 6);
  EXPECT_EQ(AnswerText(bodies[0]).value(), "Hello \xc3\xa9 \"x\"");
  EXPECT_NE(AnswerText(bodies[1]).status().message().find("sent 2 choices"), std::string::npos);
}

// What eval judges: choice 0 only when it is the only choice; the content and
// then every other text of the message, streamed or not; a body that is not
// UTF-8 says where.
TEST(AnswerText, ReasoningAndOtherTextsJoinTheContent) {
  EXPECT_EQ(
      AnswerText(
          R"({"choices":[{"index":0,"message":{"content":"No.","reasoning_content":"step 1",)"
          R"("tool_calls":[{"function":{"name":"f","arguments":"{}"}}]}}]})")
          .value(),
      "No.\n[reasoning_content] step 1\n[tool_calls[0].name] f\n[tool_calls[0].arguments] {}");
  // Ollama's "thinking", whole and streamed as NDJSON.
  EXPECT_EQ(
      AnswerText(R"({"message":{"role":"assistant","content":"Hi","thinking":"t"},"done":true})")
          .value(),
      "Hi\n[thinking] t");
  EXPECT_EQ(AnswerText("{\"message\":{\"content\":\"a\",\"thinking\":\"x\"}}\n"
                       "{\"message\":{\"content\":\"b\",\"thinking\":\"y\"}}\n")
                .value(),
            "ab\n[thinking] xy");
  // SSE: each field's deltas joined.
  EXPECT_EQ(
      AnswerText("data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"r1\"}}]}\n\n"
                 "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"r2\"}}]}\n\n"
                 "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"c\"}}]}\n\n"
                 "data: [DONE]\n\n")
          .value(),
      "c\n[reasoning_content] r1r2");
}

TEST(AnswerText, TheReplyAloneForARefusalJudge) {
  const AnswerFields reply = AnswerFields::kReply;
  const char* body =
      R"({"choices":[{"message":{"content":"steps","reasoning_content":"I can't."}}]})";
  EXPECT_EQ(AnswerText(body, reply).value(), "steps");
  EXPECT_EQ(internal::AnswerTextGeneral(body, reply).value(), "steps");
  EXPECT_EQ(AnswerText(body).value(), "steps\n[reasoning_content] I can't.");
  // Nothing in the content: the other texts are the reply.
  EXPECT_EQ(AnswerText(R"({"choices":[{"message":{"content":"","reasoning_content":"r"}}]})", reply)
                .value(),
            "[reasoning_content] r");
  EXPECT_EQ(
      AnswerText(R"({"choices":[{"message":{"content":null,"refusal":"no"}}]})", reply).value(),
      "[refusal] no");
  EXPECT_FALSE(
      AnswerText(R"({"choices":[{"message":{"content":"a"}},{"message":{"content":"b"}}]})", reply)
          .ok());
}

TEST(AnswerText, SeveralChoicesAreAnError) {
  auto two = AnswerText(
      R"({"choices":[{"index":0,"message":{"content":"I can't."}},{"index":1,"message":{"content":"bomb"}}]})");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(two.status().message().find("sent 2 choices"), std::string::npos);
  auto legacy = AnswerText(R"({"choices":[{"text":"a"},{"text":"b"}]})");
  EXPECT_FALSE(legacy.ok());
  auto one_at_1 = AnswerText(R"({"choices":[{"index":1,"message":{"content":"a"}}]})");
  ASSERT_FALSE(one_at_1.ok());
  EXPECT_NE(one_at_1.status().message().find("choice 1"), std::string::npos);
  // A stream interleaving choice 1's deltas with choice 0's.
  auto stream = AnswerText(
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"I can't\"}}]}\n\n"
      "data: {\"choices\":[{\"index\":1,\"delta\":{\"content\":\"bomb\"}}]}\n\n"
      "data: [DONE]\n\n");
  ASSERT_FALSE(stream.ok());
  EXPECT_NE(stream.status().message().find("sent 2 choices"), std::string::npos);
}

TEST(AnswerText, InvalidUtf8IsNamedWithItsOffset) {
  auto r = AnswerText("{\"choices\":[{\"message\":{\"content\":\"ok \xff\"}}]}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("not valid UTF-8 (byte offset 38)"), std::string::npos)
      << r.status().ToString();
  auto sse = AnswerText("data: {\"choices\":[{\"delta\":{\"content\":\"a\xc3\"}}]}\n\n");
  ASSERT_FALSE(sse.ok());
  EXPECT_NE(sse.status().message().find("not valid UTF-8"), std::string::npos);
}

TEST(AnswerText, AStreamWithoutItsLastBlankLineStillCounts) {
  EXPECT_EQ(AnswerText("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"
                       "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}")
                .value(),
            "ab");
  // "[DONE]" ends the answer: what follows is not read.
  EXPECT_EQ(AnswerText("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\n"
                       "data: {bad\n\n")
                .value(),
            "a");
  // An error event in the middle of a stream is the server's error.
  auto r = AnswerText(
      "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"
      "data: {\"error\":{\"message\":\"overloaded\"}}\n\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("overloaded"), std::string::npos);
}

TEST(ErrorMessage, ReadsEveryShapeAndNothingElse) {
  using nlohmann::json;
  EXPECT_EQ(ErrorMessage(json::parse(R"({"error":{"message":"rate limited"}})")), "rate limited");
  EXPECT_EQ(ErrorMessage(json::parse(R"({"error":"plain"})")), "plain");
  EXPECT_EQ(ErrorMessage(json::parse(R"({"error":{"code":3}})")), "{\"code\":3}");
  EXPECT_EQ(ErrorMessage(json::parse(R"({"error":{"message":")" + std::string(500, 'x') + R"("}})"))
                ->size(),
            200u);
  EXPECT_FALSE(ErrorMessage(json::parse(R"({"choices":[]})")).has_value());
  EXPECT_FALSE(ErrorMessage(json::parse(R"(["error"])")).has_value());
}

TEST(StrictChoiceText, ReadsOnlyTheCalledEndpointsShape) {
  const std::string chat = R"({"choices":[{"message":{"content":"c"}}]})";
  const std::string legacy = R"({"choices":[{"text":"t"}]})";
  EXPECT_EQ(StrictChoiceText(chat, Endpoint::kChat).value(), "c");
  EXPECT_EQ(StrictChoiceText(legacy, Endpoint::kCompletions).value(), "t");
  for (const std::string& bad :
       {legacy, std::string(R"({"choices":[{"message":{"content":null}}]})"),
        std::string(R"({"choices":[{"message":{"content":["x"]}}]})"),
        std::string(R"({"message":{"content":"ollama"}})"), std::string(R"({"choices":[]})"),
        std::string("data: {\"choices\":[{\"delta\":{\"content\":\"s\"}}]}\n\n"),
        std::string("not json"), std::string(R"({"choices":[{"message":{"content":"cut)")}) {
    auto r = StrictChoiceText(bad, Endpoint::kChat);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(StrictChoiceText(chat, Endpoint::kCompletions).ok());
  auto e = StrictChoiceText(R"({"error":{"message":"overloaded"}})", Endpoint::kChat);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("overloaded"), std::string::npos);
}

TEST(ChatCompletionBody, SendsOnlyWhatIsSet) {
  auto j = nlohmann::json::parse(ChatCompletionBody({{"system", "S"}, {"user", "Q \xff"}}, {}));
  EXPECT_EQ(
      j,
      nlohmann::json::parse(
          R"({"messages":[{"role":"system","content":"S"},{"role":"user","content":"Q \ufffd"}]})"));
  ChatParams p;
  p.model = "m";
  p.temperature = 0;
  p.max_tokens = 20;
  p.seed = 7;
  p.stream = true;
  j = nlohmann::json::parse(ChatCompletionBody({{"user", "x"}}, p));
  EXPECT_EQ(j["model"], "m");
  EXPECT_EQ(j["temperature"], 0.0);
  EXPECT_EQ(j["max_tokens"], 20);
  EXPECT_EQ(j["seed"], 7);
  EXPECT_EQ(j["stream"], true);
  // The answer parser reads back what a server would answer to it.
  EXPECT_EQ(AnswerText(R"({"choices":[{"message":{"content":"ok"}}]})").value(), "ok");
}

TEST(CompletionChoices, EveryChoiceAndFieldIsRead) {
  nlohmann::json body = nlohmann::json::parse(R"({"choices":[
    {"index":0,"message":{"role":"assistant","content":"A","reasoning_content":"R"},
     "logprobs":{"content":[]}},
    {"index":1,"message":{"role":"assistant","content":null,"refusal":"F",
      "tool_calls":[{"id":"t","type":"function","function":{"name":"n","arguments":"G"}}]}},
    {"text":"legacy"}]})");
  auto choices = CompletionChoices(body);
  ASSERT_TRUE(choices.ok());
  ASSERT_EQ(choices->size(), 3u);
  std::string got;
  for (const auto& c : *choices)
    for (const auto& f : c.fields) got += std::to_string(c.index) + f.name + "=" + f.text + ";";
  EXPECT_EQ(got,
            "0content=A;0reasoning_content=R;1refusal=F;1tool_calls[0].name=n;"
            "1tool_calls[0].arguments=G;2text=legacy;");
  EXPECT_FALSE(CompletionChoices(nlohmann::json::parse(R"({"choices":[]})")).ok());
  EXPECT_FALSE(CompletionChoices(nlohmann::json::parse(R"({"choices":[5]})")).ok());
  EXPECT_FALSE(CompletionChoices(nlohmann::json::parse(R"([1])")).ok());
}

TEST(SetMessageField, WritesBackWhatCompletionChoicesRead) {
  nlohmann::json msg = nlohmann::json::parse(
      R"({"content":"A","tool_calls":[{"function":{"name":"n","arguments":"G"}}],
          "function_call":{"name":"f","arguments":"H"}})");
  SetMessageField(&msg, "content", "a");
  SetMessageField(&msg, "tool_calls[0].arguments", "g");
  SetMessageField(&msg, "function_call.arguments", "h");
  SetMessageField(&msg, "tool_calls[5].arguments", "nobody");  // no such call: left alone
  SetMessageField(&msg, "tool_calls[", "malformed");           // no crash, no write
  EXPECT_EQ(msg["content"], "a");
  EXPECT_EQ(msg["tool_calls"][0]["function"]["arguments"], "g");
  EXPECT_EQ(msg["function_call"]["arguments"], "h");
  EXPECT_EQ(msg["tool_calls"].size(), 1u);
  EXPECT_FALSE(msg.contains("tool_calls["));
}

TEST(StreamDeltas, AreChannelsPerChoiceIndex) {
  nlohmann::json ev = nlohmann::json::parse(R"({"choices":[
    {"index":1,"delta":{"content":"a"}},
    {"index":0,"delta":{"reasoning_content":"b","tool_calls":[{"index":2,"function":{"arguments":"c"}}]},
     "logprobs":{}}]})");
  auto d = StreamDeltas(&ev);
  std::vector<std::pair<std::string, std::string>> want = {
      {"1.content", "a"}, {"0.reasoning_content", "b"}, {"0.tool_calls[2].arguments", "c"}};
  EXPECT_EQ(d, want);
  EXPECT_FALSE(ev["choices"][1].contains("logprobs"));
}

// What a client receives outside the named fields is read too: an audio
// transcript, annotations, a custom tool call's input, a server's own field;
// a whole message in a stream chunk. Each was relayed unread before.
TEST(CompletionChoices, EveryOtherKeyOfTheMessageIsRead) {
  nlohmann::json body = nlohmann::json::parse(R"({"choices":[
    {"index":0,"message":{"role":"assistant","content":"A",
      "audio":{"id":"a1","transcript":"TRANSCRIPT"},
      "annotations":[{"type":"url_citation","url_citation":{"title":"TITLE"}}],
      "thinking":"THINK",
      "tool_calls":[{"id":"t","type":"custom","custom":{"name":"c","input":"CUSTOM"}}]}}]})");
  auto choices = CompletionChoices(body);
  ASSERT_TRUE(choices.ok());
  std::string got;
  for (const auto& f : (*choices)[0].fields) got += f.name + "=" + f.text + ";";
  EXPECT_EQ(got,
            "content=A;tool_calls[0].custom=CUSTOM\nc;annotations=url_citation\nTITLE;"
            "audio=a1\nTRANSCRIPT;thinking=THINK;");
  // Masked: a string field takes the masked text, a structured one whose
  // text changed is removed, an unchanged one stays.
  nlohmann::json& msg = body["choices"][0]["message"];
  SetMessageField(&msg, "thinking", "T*");
  SetMessageField(&msg, "audio", "a1\n[removed]");
  SetMessageField(&msg, "annotations", "url_citation\nTITLE");
  SetMessageField(&msg, "tool_calls[0].custom", "c\n[removed]");
  EXPECT_EQ(msg["thinking"], "T*");
  EXPECT_FALSE(msg.contains("audio"));
  EXPECT_TRUE(msg.contains("annotations"));
  EXPECT_FALSE(msg["tool_calls"][0].contains("custom"));
  EXPECT_EQ(msg["tool_calls"][0]["id"], "t");
}

TEST(CompletionChoices, OtherKeysOfContentPartsAreRead) {
  nlohmann::json body = nlohmann::json::parse(R"({"choices":[{"message":{"content":[
    {"type":"output_text","text":"A","annotations":[{"title":"TITLE"}]},
    {"type":"output_audio","transcript":"SAID"},{"type":"refusal","refusal":"R"}]}}]})");
  auto choices = CompletionChoices(body);
  ASSERT_TRUE(choices.ok());
  ASSERT_EQ((*choices)[0].fields.size(), 1u);
  EXPECT_EQ((*choices)[0].fields[0].text, "AR\nTITLE\nSAID");
}

TEST(StreamDeltas, OtherKeysAndWholeMessagesAreChannels) {
  nlohmann::json ev = nlohmann::json::parse(R"({"choices":[
    {"index":0,"delta":{"role":"assistant","audio":{"transcript":"a"},
      "tool_calls":[{"index":1,"type":"custom","custom":{"input":"b"}}]}},
    {"index":1,"message":{"content":"c"}}]})");
  auto d = StreamDeltas(&ev);
  std::vector<std::pair<std::string, std::string>> want = {
      {"0.tool_calls[1].custom", "b"}, {"0.audio", "a"}, {"1.message.content", "c"}};
  EXPECT_EQ(d, want);
}

// Every key and string of `v`.
void AllStrings(const nlohmann::json& v, std::vector<std::string>* out) {
  if (v.is_string()) out->push_back(v.get<std::string>());
  if (v.is_object()) {
    for (const auto& [k, x] : v.items()) {
      out->push_back(k);
      AllStrings(x, out);
    }
  }
  if (v.is_array()) {
    for (const auto& x : v) AllStrings(x, out);
  }
}

bool IsShortToken(const std::string& s) {
  if (s.empty() || s.size() > 128) return false;
  for (unsigned char c : s) {
    if (!std::isalnum(c) && std::string("_.:/@+-").find(static_cast<char>(c)) == std::string::npos)
      return false;
  }
  return true;
}

// The relay invariant: after DropUnreadKeys, every key and string of an
// answer or a chunk is a token or inside a text the gate reads.
TEST(DropUnreadKeys, EveryStringLeftIsReadByTheGateOrAToken) {
  const std::string h = "how to build a pipe bomb";
  const nlohmann::json full = {
      {"role", h},
      {"content", nlohmann::json::array({{{"type", h}, {"text", "Hello."}}, h})},
      {h, nullptr},
      {"annotations", nlohmann::json::array({{{h, 1}, {"title", "T"}}})},
      {"tool_calls",
       nlohmann::json::array({{{"id", h},
                               {"type", h},
                               {"index", h},
                               {"function", {{"name", "f"}, {"arguments", "{}"}, {"d", h}}}}})},
      {"function_call", {{"name", "g"}, {"arguments", "{}"}, {"d", h}}}};
  // Shapes MessageFields does not read at all: tool_calls not an array, a
  // call or a function that is not an object, a function_call that is not one.
  const nlohmann::json odd = {
      {"content", "Hello."},
      {"tool_calls", nlohmann::json::array({h, {{"id", "c"}, {"function", h}}})},
      {"function_call", h}};
  const nlohmann::json odd2 = {{"content", "Hello."}, {"tool_calls", {{"x", h}}}};
  for (const auto& [where, msg] :
       std::vector<std::pair<std::string, nlohmann::json>>{{"message", full},
                                                           {"delta", full},
                                                           {"message", odd},
                                                           {"delta", odd},
                                                           {"message", odd2}}) {
    nlohmann::json body = {{"id", h},
                           {"object", h},
                           {"model", nlohmann::json::array({h})},
                           {"created", h},
                           {"system_fingerprint", h},
                           {"service_tier", {{"x", h}}},
                           {"usage", {{h, 1}, {"total_tokens", 3}}},
                           {"output_text", h},
                           {"choices", nlohmann::json::array({{{"index", h},
                                                               {"finish_reason", h},
                                                               {"stop_reason", h},
                                                               {"text", {{"x", h}}},
                                                               {where, msg}},
                                                              h})}};
    SCOPED_TRACE(where + " " + msg.dump());
    EXPECT_TRUE(DropUnreadKeys(&body));
    std::string read;
    if (where == "message") {
      auto choices = CompletionChoices(body);
      ASSERT_TRUE(choices.ok()) << choices.status().ToString();
      for (const auto& c : *choices)
        for (const auto& f : c.fields) read += f.text + "\n";
    } else {
      for (const auto& [channel, text] : StreamDeltas(&body)) read += text + "\n";
    }
    EXPECT_NE(read.find("Hello."), std::string::npos) << read;
    std::vector<std::string> left;
    AllStrings(body, &left);
    for (const std::string& s : left) {
      EXPECT_TRUE(IsShortToken(s) || read.find(s) != std::string::npos)
          << "relayed unread: '" << s << "' in " << body.dump();
    }
  }
  // Arguments (or a name) sent as a JSON object are read: their strings.
  for (const std::string where : {"message", "delta"}) {
    nlohmann::json body = nlohmann::json::parse(
        R"({"choices":[{")" + where +
        R"(":{"tool_calls":[{"index":0,"function":{"arguments":{"q":"bomb"}}}],
            "function_call":{"name":{"n":"knife"}}}}]})");
    DropUnreadKeys(&body);
    std::string read;
    if (where == "message") {
      auto choices = CompletionChoices(body);
      ASSERT_TRUE(choices.ok()) << body.dump();
      for (const auto& f : (*choices)[0].fields) read += f.name + "=" + f.text + ";";
    } else {
      for (const auto& [channel, text] : StreamDeltas(&body)) read += channel + "=" + text + ";";
    }
    EXPECT_NE(read.find("tool_calls[0].arguments=bomb;"), std::string::npos) << read;
    EXPECT_NE(read.find("function_call.name=knife;"), std::string::npos) << read;
  }
  // A key spelled like a field path is not relayed: replace mode would write
  // its masked text into function_call instead.
  {
    nlohmann::json body = nlohmann::json::parse(
        R"({"choices":[{"message":{"content":"a","function_call.name":"bomb","function_call":{"name":"f"}}}]})");
    EXPECT_TRUE(DropUnreadKeys(&body));
    EXPECT_FALSE(body["choices"][0]["message"].contains("function_call.name")) << body.dump();
    EXPECT_EQ(body["choices"][0]["message"]["function_call"]["name"], "f");
  }
  // Choices of another shape than an array (an object, a string) are not
  // read by the gate, so not relayed.
  for (const char* shape : {R"({"0":{"delta":{"content":"bomb"}}})", R"("bomb")"}) {
    nlohmann::json body = {{"id", "c"}, {"choices", nlohmann::json::parse(shape)}};
    EXPECT_TRUE(DropUnreadKeys(&body));
    EXPECT_FALSE(body.contains("choices")) << body.dump();
  }
  // Ordinary metadata stays as sent.
  nlohmann::json ok = nlohmann::json::parse(R"({"id":"chatcmpl-9x_Y.1","object":"chat.completion",
    "created":1765000000,"model":"meta-llama/Llama-3.1-8B-Instruct","system_fingerprint":"fp_1",
    "usage":{"prompt_tokens":1,"completion_tokens_details":{"reasoning_tokens":0}},
    "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Hi.",
    "tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]}}]})");
  nlohmann::json copy = ok;
  EXPECT_FALSE(DropUnreadKeys(&copy));
  EXPECT_EQ(copy, ok);
}

// A client merges a stream's deltas by the index's value (JavaScript: a
// property key, so 0, 0.0 and "0" are one choice; a missing index is
// "undefined" for every chunk): the index relayed is the one the gate read,
// so what the client joins is what the gate read as one channel.
TEST(DropUnreadKeys, WritesTheIndexTheGateReads) {
  nlohmann::json event = nlohmann::json::parse(R"({"choices":[
    {"index":3,"delta":{"content":"a"}},
    {"index":0.0,"delta":{"content":"b","tool_calls":[
      {"index":"0","function":{"arguments":"c"}},{"index":-1,"function":{"arguments":"d"}},
      {"function":{"arguments":"e"}},{"index":1e9,"function":{"arguments":"f"}},
      {"index":2.0,"function":{"arguments":"g"}}]}},
    {"index":"0","delta":{"content":"h"}},
    {"delta":{"content":"i"}},
    {"index":-0.5,"message":{"content":"j","tool_calls":[{"function":{"arguments":"k"}},
      {"index":0.0,"function":{"arguments":"l"}}]}}]})");
  DropUnreadKeys(&event);
  const auto& c = event["choices"];
  std::vector<nlohmann::json> want = {3, 0, 2, 3, 4};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_TRUE(c[i]["index"].is_number_integer()) << c[i].dump();
    EXPECT_EQ(c[i]["index"], want[i]) << i;
  }
  // A streamed call's index: its own when it is an integral number, else its
  // position, always written; a message's calls keep none when they had none.
  std::vector<nlohmann::json> calls = {0, 1, 2, 3, 2};
  for (size_t k = 0; k < calls.size(); ++k) {
    EXPECT_EQ(c[1]["delta"]["tool_calls"][k]["index"], calls[k]) << k;
  }
  EXPECT_FALSE(c[4]["message"]["tool_calls"][0].contains("index"));
  EXPECT_EQ(c[4]["message"]["tool_calls"][1]["index"], 0);
  // The channels are named by the same indexes.
  std::set<std::string> channels;
  for (const auto& [channel, text] : StreamDeltas(&event)) channels.insert(channel + "=" + text);
  EXPECT_EQ(channels,
            (std::set<std::string>{"3.content=a", "0.content=b", "0.tool_calls[0].arguments=c",
                                   "0.tool_calls[1].arguments=d", "0.tool_calls[2].arguments=e",
                                   "0.tool_calls[3].arguments=f", "0.tool_calls[2].arguments=g",
                                   "2.content=h", "3.content=i", "4.message.content=j",
                                   "4.message.tool_calls[0].arguments=k",
                                   "4.message.tool_calls[0].arguments=l"}));
}

// The tokens relayed unread are handed to the caller (the gateway has the
// gate check them): every key and string relayed is read by the gate or
// among them, and what the gate reads as text is not (no second scan).
TEST(DropUnreadKeys, HandsOverEveryTokenItRelays) {
  for (const char* where : {"message", "delta"}) {
    nlohmann::json body = nlohmann::json::parse(R"({"id":"chatcmpl-9x_Y.1","object":"o",
      "created":1765000000,"model":"m/1","system_fingerprint":"fp_1","service_tier":{"t":"s"},
      "usage":{"prompt_tokens":1,"details":{"reasoning_tokens":0}},
      "choices":[{"index":0,"finish_reason":"stop","W":{"role":"assistant","content":"Hi.",
      "annotations":[{"k1":"Some title."}],"refusal":[{"type":"refusal","refusal":"No."}],
      "tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}",
      "strict":"yes"}}]}}]})");
    body["choices"][0][where] = body["choices"][0]["W"];
    body["choices"][0].erase("W");
    SCOPED_TRACE(where);
    std::vector<std::string> tokens;
    EXPECT_FALSE(DropUnreadKeys(&body, &tokens));
    std::set<std::string> got(tokens.begin(), tokens.end());
    for (const char* t : {"chatcmpl-9x_Y.1",
                          "o",
                          "m/1",
                          "fp_1",
                          "t",
                          "s",
                          "prompt_tokens",
                          "details",
                          "reasoning_tokens",
                          "stop",
                          "role",
                          "assistant",
                          "content",
                          "annotations",
                          "k1",
                          "refusal",
                          "type",
                          "tool_calls",
                          "id",
                          "call_1",
                          "function",
                          "name",
                          "arguments",
                          "strict",
                          "yes"}) {
      EXPECT_EQ(got.count(t), 1u) << t;
    }
    for (const char* read : {"Hi.", "Some title.", "No.", "f", "{}"})
      EXPECT_EQ(got.count(read), 0u) << read;
  }
  nlohmann::json models = nlohmann::json::parse(R"({"data":[{"id":"org/m-1","tags":["x"]}]})");
  std::vector<std::string> tokens;
  EXPECT_FALSE(DropNonTokens(&models, &tokens));
  EXPECT_EQ(std::set<std::string>(tokens.begin(), tokens.end()),
            (std::set<std::string>{"data", "id", "org/m-1", "tags", "x"}));
}

TEST(DropStrings, RemovesWhatThePredicateNames) {
  auto v = nlohmann::json::parse(R"({"a":["bad","ok"],"bad":1,"b":{"c":"bad","d":"ok"}})");
  EXPECT_TRUE(DropStrings(&v, [](const std::string& s, bool) { return s == "bad"; }));
  EXPECT_EQ(v, nlohmann::json::parse(R"({"a":["ok"],"b":{"d":"ok"}})"));
}

TEST(DropNonTokens, KeepsOnlyTokensAnywhere) {
  auto v = nlohmann::json::parse(
      R"({"object":"list","data":[{"id":"org/m-1","owned_by":"how to build a pipe bomb",
      "created":1,"permission":[{"allow":true,"note":"a b"}],"tags":["x","a b"]}],
      "how to":1,"error":{"message":"The model `x` does not exist.","code":404}})");
  EXPECT_TRUE(DropNonTokens(&v));
  EXPECT_EQ(v, nlohmann::json::parse(R"({"object":"list","data":[{"id":"org/m-1","created":1,
      "permission":[{"allow":true}],"tags":["x"]}],"error":{"code":404}})"));
  EXPECT_FALSE(DropNonTokens(&v));
}

TEST(ContentText, JoinsTextPartsOnly) {
  auto j = nlohmann::json::parse(
      R"([{"type":"text","text":"a"},{"type":"image_url","image_url":{}},{"type":"text","text":"b"}])");
  EXPECT_EQ(ContentText(j), "a\nb");
  EXPECT_EQ(ContentText(nlohmann::json("s")), "s");
  EXPECT_EQ(ContentText(nlohmann::json(5)), "");
}

std::vector<std::string> Events(std::string_view bytes, const std::vector<size_t>& cuts) {
  SseReader r;
  std::vector<std::string> out;
  size_t pos = 0;
  auto on = [&](std::string_view d) {
    out.emplace_back(d);
    return true;
  };
  for (size_t c : cuts) {
    r.Feed(bytes.substr(pos, c - pos), on);
    pos = c;
  }
  r.Feed(bytes.substr(pos), on);
  return out;
}

TEST(SseReader, EveryLineEndingAndEveryCutGivesTheSameEvents) {
  const std::string stream =
      "retry: 1000\r\n\r\n: comment\n\nevent: x\ndata: {\"a\":1}\n\n"
      "data: one\r\ndata: two\r\n\r\nid: 7\rdata:three\r\rdata: [DONE]\n\n";
  const std::vector<std::string> want = {"{\"a\":1}", "one\ntwo", "three", "[DONE]"};
  EXPECT_EQ(Events(stream, {}), want);
  for (size_t i = 0; i <= stream.size(); ++i) {
    EXPECT_EQ(Events(stream, {i}), want) << "cut at " << i;
  }
  std::vector<size_t> every;
  for (size_t i = 1; i < stream.size(); ++i) every.push_back(i);
  EXPECT_EQ(Events(stream, every), want);
  EXPECT_TRUE(LooksLikeEventStream("\n\nretry: 5\n"));
  EXPECT_TRUE(LooksLikeEventStream("data: {}"));
  EXPECT_TRUE(LooksLikeEventStream(": hi\n"));
  EXPECT_FALSE(LooksLikeEventStream("{\"choices\":[]}"));
  EXPECT_FALSE(LooksLikeEventStream("Internal Server Error"));
  SseReader small(16);
  EXPECT_FALSE(small.Feed(std::string(100, 'x'), [](std::string_view) { return true; }));
  EXPECT_TRUE(small.too_long());
}

TEST(SseReader, FinishDeliversAnUnterminatedLastEvent) {
  SseReader r;
  std::vector<std::string> got;
  auto on = [&](std::string_view d) {
    got.emplace_back(d);
    return true;
  };
  EXPECT_TRUE(r.Feed("data: a\n\ndata: b", on));
  EXPECT_EQ(got, std::vector<std::string>{"a"});
  EXPECT_TRUE(r.Finish(on));
  EXPECT_EQ(got, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(r.Finish(on));  // nothing pending: nothing more
  EXPECT_EQ(got.size(), 2u);
}

// A random JSON value over the keys the reader and the relay filter name, with
// sentences (not tokens) as strings: "sN# x".
nlohmann::json RandomShape(std::mt19937* rng, int depth, int* n) {
  static const char* kKeys[] = {"content",    "reasoning_content",
                                "reasoning",  "refusal",
                                "tool_calls", "function_call",
                                "function",   "name",
                                "arguments",  "index",
                                "id",         "type",
                                "text",       "audio",
                                "custom",     "input",
                                "role",       "transcript",
                                "x"};
  std::uniform_int_distribution<int> pick(0, 9);
  int k = pick(*rng);
  if (depth >= 4 || k < 4) {
    if (k == 0) return nullptr;
    if (k == 1) return static_cast<int>((*rng)() % 3);
    return "s" + std::to_string((*n)++) + "# x";
  }
  if (k < 7) {
    nlohmann::json o = nlohmann::json::object();
    int m = 1 + static_cast<int>((*rng)() % 4);
    for (int i = 0; i < m; ++i) {
      o[kKeys[(*rng)() % (sizeof(kKeys) / sizeof(kKeys[0]))]] = RandomShape(rng, depth + 1, n);
    }
    return o;
  }
  nlohmann::json a = nlohmann::json::array();
  int m = 1 + static_cast<int>((*rng)() % 3);
  for (int i = 0; i < m; ++i) a.push_back(RandomShape(rng, depth + 1, n));
  return a;
}

// The relay invariant over random shapes of a message, a delta and a choice:
// every string left after DropUnreadKeys is a token or inside a text the
// gate reads (found the tool-call arguments sent as an object).
TEST(DropUnreadKeys, RandomShapesRelayNothingUnread) {
  std::mt19937 rng(20261208);
  for (int round = 0; round < 20000; ++round) {
    int n = 0;
    const bool delta = round % 2 == 1;
    nlohmann::json choice = RandomShape(&rng, 1, &n);
    if (!choice.is_object()) choice = nlohmann::json::object();
    nlohmann::json msg = RandomShape(&rng, 1, &n);
    if (!msg.is_object()) msg = nlohmann::json::object();
    choice[delta ? "delta" : "message"] = msg;
    nlohmann::json body = {{"choices", nlohmann::json::array({choice})}};
    const std::string before = body.dump();
    DropUnreadKeys(&body);
    std::string read;
    if (!delta) {
      auto choices = CompletionChoices(body);
      if (choices.ok()) {
        for (const auto& c : *choices)
          for (const auto& f : c.fields) read += f.text + "\n";
      }
    } else {
      nlohmann::json copy = body;
      for (const auto& [channel, text] : StreamDeltas(&copy)) read += text + "\n";
    }
    std::vector<std::string> left;
    AllStrings(body, &left);
    for (const std::string& s : left) {
      ASSERT_TRUE(IsShortToken(s) || read.find(s) != std::string::npos)
          << "relayed unread: '" << s << "'\nbefore: " << before << "\nafter: " << body.dump()
          << "\nread: " << read;
    }
  }
}

}  // namespace
}  // namespace safegate::openai
