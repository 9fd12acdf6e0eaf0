// The LLM judge against a real HTTP server on 127.0.0.1, both formats, and
// malformed outputs (always an error, never "safe").
#include "safegate/judge/llm.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "unit/judge/loopback_server.h"

namespace safegate::judge {
namespace {

using testing::LoopbackServer;

std::string Completion(const std::string& text) {
  return nlohmann::json{{"choices", {{{"text", text}}}}}.dump();
}

LlmJudgeOptions Guard(const std::string& url) {
  LlmJudgeOptions o;
  o.url = url;
  o.format = LlmFormat::kLlamaGuard3;
  o.model = "llama-guard-3";
  o.category_map = {{"S1", "V.1"}, {"S10", "H.1"}};
  o.timeout_seconds = 10;
  return o;
}

TEST(LlamaGuardParse, Shapes) {
  auto safe = ParseLlamaGuardOutput("\n\nsafe");
  ASSERT_TRUE(safe.ok());
  EXPECT_FALSE(safe->unsafe);
  auto unsafe = ParseLlamaGuardOutput("unsafe\nS1,S10");
  ASSERT_TRUE(unsafe.ok());
  EXPECT_TRUE(unsafe->unsafe);
  EXPECT_EQ(unsafe->categories, (std::vector<std::string>{"S1", "S10"}));
  EXPECT_TRUE(ParseLlamaGuardOutput(" unsafe \n S2 , S14 \n").ok());
  for (const char* bad : {"", "unsure", "unsafe", "unsafe\n", "unsafe\nS15", "unsafe\nS1,,S2",
                          "safe\nS1", "Safe", "unsafe\nviolence", "I think it is safe"}) {
    EXPECT_FALSE(ParseLlamaGuardOutput(bad).ok()) << bad;
  }
}

TEST(ModerationParse, Shapes) {
  auto ok = ParseModerationResponse(
      R"({"id":"x","results":[{"flagged":true,"categories":{"violence":true,"hate":false},)"
      R"("category_scores":{"violence":0.91,"hate":0.02}}]})",
      0.5);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->unsafe);
  EXPECT_EQ(ok->categories, (std::vector<std::string>{"violence"}));
  for (const char* bad :
       {"", "null", "{}", R"({"results":[]})", R"({"results":[{"categories":{}}]})",
        R"({"results":[{"flagged":"no","categories":{}}]})",
        R"({"results":[{"flagged":true,"categories":{}}]})",
        R"({"results":[{"flagged":false,"categories":{"x":"yes"}}]})",
        R"({"results":[{"flagged":false,"categories":{"x":false},"category_scores":{"x":7}}]})"}) {
    EXPECT_FALSE(ParseModerationResponse(bad, 0.5).ok()) << bad;
  }
}

TEST(LlmJudge, LlamaGuardOverHttp) {
  std::string reply = "unsafe\nS1,S10";
  LoopbackServer server([&](const std::string&) { return std::make_pair(200, Completion(reply)); });
  auto j = NewLlmJudge(Guard(server.url()));
  ASSERT_TRUE(j.ok());
  auto v = (*j)->Run({"Here is how to hurt them...", "How do I hurt my neighbour?", ""});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->label, "flagged");
  ASSERT_EQ(v->categories.size(), 2u);
  EXPECT_EQ(v->categories[0].category, "V.1");
  EXPECT_EQ(v->categories[1].category, "H.1");
  std::string req = server.last_request();
  EXPECT_NE(req.find("POST /v1/completions"), std::string::npos);
  EXPECT_NE(req.find("S1: Violent Crimes."), std::string::npos);
  EXPECT_NE(req.find("Agent: Here is how to hurt them..."), std::string::npos);
  EXPECT_NE(req.find("User: How do I hurt my neighbour?"), std::string::npos);

  reply = "safe";
  v = (*j)->Run({"Paris is the capital of France.", "", ""});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->label, "clean");
  EXPECT_FALSE(v->flagged());
}

TEST(LlmJudge, MalformedOutputIsAnErrorNeverSafe) {
  std::string reply;
  int status = 200;
  LoopbackServer server([&](const std::string&) { return std::make_pair(status, reply); });
  auto j = NewLlmJudge(Guard(server.url()));
  ASSERT_TRUE(j.ok());
  for (std::string body : {Completion("maybe"), Completion("unsafe"), Completion("unsafe\nS99"),
                           std::string("not json"), std::string(R"({"choices":[]})"),
                           std::string(R"({"choices":[{"text":7}]})")}) {
    reply = body;
    auto v = (*j)->Run({"text", "", ""});
    EXPECT_FALSE(v.ok()) << body;
  }
  status = 500;
  reply = Completion("safe");
  EXPECT_FALSE((*j)->Run({"text", "", ""}).ok());
}

TEST(LlmJudge, ChatApi) {
  LoopbackServer server([&](const std::string&) {
    return std::make_pair(
        200, nlohmann::json{{"choices", {{{"message", {{"content", "unsafe\nS9"}}}}}}}.dump());
  });
  auto o = Guard(server.url());
  o.api = "chat";
  auto j = NewLlmJudge(o);
  ASSERT_TRUE(j.ok());
  auto v = (*j)->Run({"answer", "question", ""});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->categories.at(0).category, "S9");  // unmapped: own name
  EXPECT_NE(server.last_request().find("/v1/chat/completions"), std::string::npos);
}

TEST(LlmJudge, OpenAiModerationOverHttp) {
  std::string reply =
      R"({"id":"m","model":"omni","results":[{"flagged":true,"categories":{"violence":true,)"
      R"("harassment":false},"category_scores":{"violence":0.97,"harassment":0.1}}]})";
  LoopbackServer server([&](const std::string&) { return std::make_pair(200, reply); });
  LlmJudgeOptions o;
  o.url = server.url();
  o.format = LlmFormat::kOpenAiModeration;
  o.model = "omni-moderation-latest";
  o.api_key = "sk-loop";
  o.category_map = {{"violence", "S1"}};
  auto j = NewLlmJudge(o);
  ASSERT_TRUE(j.ok());
  auto v = (*j)->Run({"some text", "", ""});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->label, "flagged");
  ASSERT_EQ(v->categories.size(), 1u);
  EXPECT_EQ(v->categories[0].category, "S1");
  EXPECT_NEAR(v->categories[0].score, 0.97, 1e-9);
  std::string req = server.last_request();
  EXPECT_NE(req.find("POST /v1/moderations"), std::string::npos);
  EXPECT_NE(req.find("Bearer sk-loop"), std::string::npos);
  reply = R"({"results":[{"flagged":false,"categories":{"violence":false}}]})";
  v = (*j)->Run({"hello", "", ""});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->label, "clean");
  reply = R"({"results":[{"flagged":true}]})";
  EXPECT_FALSE((*j)->Run({"hello", "", ""}).ok());
}

TEST(LlmJudge, UnreachableIsAnError) {
  auto o = Guard("http://127.0.0.1:1");
  o.timeout_seconds = 2;
  auto j = NewLlmJudge(o);
  ASSERT_TRUE(j.ok());
  EXPECT_FALSE((*j)->Run({"text", "", ""}).ok());
}

}  // namespace
}  // namespace safegate::judge
