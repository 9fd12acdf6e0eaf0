// Targets: request bodies, replay files, question files and the sampler.
// (The eval section of the project file: tests/unit/project/project_test.cc.)
#include "safegate/eval/target.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace safegate::eval {
namespace {

TEST(BuildChatBody, CarriesTheTargetSettings) {
  TargetSpec t;
  t.model = "llama";
  t.system_prompt = "be safe";
  t.temperature = 0;
  t.max_tokens = 64;
  t.seed = 3;
  EvalItem it{"q1", BankKind::kGenerated, "S1", "en", "hello \"there\""};
  auto j = nlohmann::json::parse(BuildChatBody(t, it));
  EXPECT_EQ(j["model"], "llama");
  EXPECT_EQ(j["messages"][0]["role"], "system");
  EXPECT_EQ(j["messages"][1]["content"], "hello \"there\"");
  EXPECT_EQ(j["temperature"], 0);
  EXPECT_EQ(j["max_tokens"], 64);
  EXPECT_EQ(j["seed"], 3);
  EXPECT_FALSE(j.contains("stream"));
  t.api = "ollama";
  j = nlohmann::json::parse(BuildChatBody(t, it));
  EXPECT_EQ(j["options"]["num_predict"], 64);
  EXPECT_EQ(j["stream"], false);
  auto req = BuildChatRequest(t, it);
  ASSERT_TRUE(req.ok());
  t.base_url = "http://h/";
  EXPECT_EQ(BuildChatRequest(t, it)->url, "http://h/api/chat");
  t.api = "chat";
  t.headers.push_back({"X-Org", "o"});
  auto r = BuildChatRequest(t, it).value();
  EXPECT_EQ(r.url, "http://h/chat/completions");
  EXPECT_EQ(r.headers.back().name, "X-Org");
}

TEST(ChatRequestBuilder, BuildsWhatBuildChatRequestBuilds) {
  TargetSpec t;
  t.base_url = "http://h/v1";
  t.model = "m";
  t.temperature = 0.7;
  t.max_tokens = 64;
  t.seed = 3;
  t.headers.push_back({"X-Team", "a"});
  const char* prompts[] = {"plain",         "quote \" backslash \\ newline \n tab \t",
                           "\x01 control",  "\xe4\xbd\xa0\xe5\xa5\xbd",
                           "bad \xff utf8", ""};
  for (const char* system : {"", "Be brief.", "\x01\x02safegate-prompt\x02\x01"}) {
    t.system_prompt = system;
    for (const char* api : {"openai", "ollama"}) {
      t.api = api;
      auto b = ChatRequestBuilder::Make(t);
      ASSERT_TRUE(b.ok());
      for (const char* p : prompts) {
        EvalItem it{"q", BankKind::kGenerated, "S1", "en", p};
        net::Request want = BuildChatRequest(t, it).value();
        net::Request got = b->Build(it);
        EXPECT_EQ(got.body, BuildChatBody(t, it)) << p;
        EXPECT_EQ(got.body, want.body);
        EXPECT_EQ(got.url, want.url);
        EXPECT_EQ(got.headers.size(), want.headers.size());
        EXPECT_TRUE(nlohmann::json::accept(got.body)) << got.body;
      }
    }
  }
  t.api_key_env = "SAFEGATE_TEST_SURELY_UNSET_KEY";
  EXPECT_EQ(ChatRequestBuilder::Make(t).status().code(), StatusCode::kInvalidArgument);
}

TEST(ParseReplay, ErrorsNameFileLineAndField) {
  EXPECT_NE(ParseReplay("{\"id\":\"a\",\"response\":\"x\"}\nnot json\n", "r.jsonl")
                .status()
                .message()
                .find("r.jsonl:2"),
            std::string::npos);
  auto dup = ParseReplay("{\"id\":\"a\",\"response\":\"x\"}\n{\"id\":\"a\",\"response\":\"y\"}\n",
                         "r.jsonl");
  EXPECT_NE(dup.status().message().find("r.jsonl:2: field 'id'"), std::string::npos);
  EXPECT_NE(ParseReplay("{\"id\":\"a\"}\n", "r.jsonl").status().message().find("'response'"),
            std::string::npos);
  EXPECT_NE(ParseReplay("{\"id\":\"a\",\"bank\":\"nope\",\"response\":\"\"}", "r.jsonl")
                .status()
                .message()
                .find("field 'bank'"),
            std::string::npos);
  // The same id in two banks is fine.
  auto ok = ParseReplay(
      "{\"id\":\"a\",\"bank\":\"should_refuse\",\"response\":\"x\"}\n"
      "{\"id\":\"a\",\"bank\":\"should_answer\",\"response\":\"y\"}\n",
      "r.jsonl");
  ASSERT_TRUE(ok.ok());
  EvalItem it{"a", BankKind::kShouldAnswer, "c", "", "p"};
  EXPECT_EQ(ok->Find(it)->response, "y");
}

}  // namespace
}  // namespace safegate::eval
