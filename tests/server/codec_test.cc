// The moderation request decoder: the hand-written fast path agrees with the
// full JSON parser on every body it accepts, and leaves the rest to it.
#include "codec.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

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

}  // namespace
}  // namespace safegate::server
