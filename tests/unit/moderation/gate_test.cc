// The moderation gate without HTTP: every input text, every output choice,
// the stream guard (nothing delivered unchecked, linear cost, the remainder
// checked at the end), failing judges and the strike rule's one home.
#include "safegate/moderation/gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

namespace safegate::moderation {
namespace {

// A judge that flags category "S9" wherever `word` occurs (evidence at each
// occurrence), counts the bytes it was given, and fails on demand.
class WordJudge final : public judge::Judge {
 public:
  explicit WordJudge(std::string word) : word_(std::move(word)) {}
  std::string_view name() const override { return "word"; }
  std::string_view version() const override { return "1"; }
  Result<judge::Verdict> Run(const judge::JudgeInput& in) const override {
    bytes_ += in.text.size();
    if (fail_) return UnavailableError("judge down");
    judge::Verdict v;
    bool hit = false;
    for (size_t p = in.text.find(word_); p != std::string_view::npos;
         p = in.text.find(word_, p + 1)) {
      hit = true;
      v.evidence.push_back({p, p + word_.size(), "S9", "w"});
    }
    v.categories.push_back({"S9", hit ? 1.0 : 0.0, hit});
    v.label = hit ? "flagged" : "clean";
    return v;
  }
  mutable std::atomic<uint64_t> bytes_{0};
  bool fail_ = false;

 private:
  std::string word_;
};

policy::Taxonomy OneCategory() {
  return policy::Taxonomy{};
}

struct Fixture {
  explicit Fixture(GateOptions o = {}) {
    judge = std::make_shared<WordJudge>("pipe bomb");
    o.blocked_message = o.blocked_message.empty() ? "WITHHELD" : o.blocked_message;
    gate = std::make_unique<Gate>(Moderator({judge}, OneCategory()), o);
  }
  std::shared_ptr<WordJudge> judge;
  std::unique_ptr<Gate> gate;
};

TEST(Gate, EveryInputTextIsCheckedAndTheLatestUserTurnDecidesTheStrike) {
  Fixture f;
  std::vector<InputText> texts = {
      {"system", "messages[0].content", "You explain how to make a pipe bomb.", false},
      {"user", "messages[1].content", "hello", true},
  };
  InputVerdict v = f.gate->CheckInput(texts);
  EXPECT_TRUE(v.flagged);
  EXPECT_FALSE(v.latest_user_flagged);
  EXPECT_EQ(v.flagged_where, "messages[0].content");
  EXPECT_EQ(v.assessment.FlaggedCategories(), std::vector<std::string>{"S9"});

  texts[0].text = "You are helpful.";
  v = f.gate->CheckInput(texts);
  EXPECT_FALSE(v.flagged);

  texts[1].text = "a pipe bomb please";
  v = f.gate->CheckInput(texts);
  EXPECT_TRUE(v.flagged);
  EXPECT_TRUE(v.latest_user_flagged);
  EXPECT_FALSE(v.judge_failed);
}

TEST(Gate, AFailingJudgeFlagsInputAndOutputUnlessFailOpen) {
  Fixture closed;
  closed.judge->fail_ = true;
  InputVerdict v = closed.gate->CheckInput({{"user", "m", "hello", true}});
  EXPECT_TRUE(v.flagged);
  EXPECT_TRUE(v.judge_failed);
  OutputVerdict o = closed.gate->CheckOutput({{0, {{"content", "fine"}}}}, "q");
  ASSERT_EQ(o.choices.size(), 1u);
  EXPECT_TRUE(o.choices[0].flagged);
  EXPECT_TRUE(o.choices[0].judge_failed);
  EXPECT_TRUE(o.choices[0].blocked);

  GateOptions open;
  open.fail_open = true;
  Fixture f(open);
  f.judge->fail_ = true;
  EXPECT_FALSE(f.gate->CheckInput({{"user", "m", "hello", true}}).flagged);
}

TEST(Gate, EveryChoiceAndFieldIsCheckedOnItsOwn) {
  Fixture f;
  std::vector<OutputChoice> choices = {
      {0, {{"content", "A safe answer."}}},
      {1, {{"content", "ok"}, {"reasoning_content", "think: pipe bomb"}}},
      {2, {{"content", ""}, {"tool_calls[0].arguments", "{\"q\":\"pipe bomb\"}"}}},
  };
  OutputVerdict v = f.gate->CheckOutput(choices, "q");
  ASSERT_EQ(v.choices.size(), 3u);
  EXPECT_FALSE(v.choices[0].flagged);
  EXPECT_TRUE(v.choices[1].flagged);
  EXPECT_TRUE(v.choices[2].flagged);
  EXPECT_TRUE(v.flagged);
  // Blocked: the whole message is replaced by the policy message.
  ASSERT_EQ(v.choices[1].delivered.size(), 1u);
  EXPECT_EQ(v.choices[1].delivered[0].name, "content");
  EXPECT_EQ(v.choices[1].delivered[0].text, "WITHHELD");
  EXPECT_EQ(v.FlaggedCategories(), std::vector<std::string>{"S9"});
}

TEST(Gate, ReplaceMasksOnlyTheFlaggedSpansOfEachField) {
  GateOptions o;
  o.output_action = "replace";
  o.replacement = "[x]";
  Fixture f(o);
  OutputVerdict v = f.gate->CheckOutput(
      {{0, {{"content", "a pipe bomb and a pipe bomb"}, {"refusal", "no"}}}}, "");
  ASSERT_TRUE(v.choices[0].flagged);
  EXPECT_FALSE(v.choices[0].blocked);
  ASSERT_EQ(v.choices[0].delivered.size(), 2u);
  EXPECT_EQ(v.choices[0].delivered[0].text, "a [x] and a [x]");
  EXPECT_EQ(v.choices[0].delivered[1].text, "no");
}

// "b&#111;mb" renders as "bomb" on a chat page: the gate also reads the text
// with its character references decoded, and masks the span as written.
// Passed the gate before s16-red.
TEST(Gate, HtmlCharacterReferencesAreReadDecoded) {
  GateOptions o;
  o.output_action = "replace";
  o.replacement = "[x]";
  Fixture f(o);
  OutputVerdict v = f.gate->CheckOutput(
      {{0, {{"content", "a pipe b&#111;mb, a &#x70;ipe&#32;bomb; &amp;#111;"}}}}, "");
  ASSERT_TRUE(v.choices[0].flagged);
  EXPECT_EQ(v.choices[0].delivered[0].text, "a [x], a [x]; &amp;#111;");
  InputVerdict in = f.gate->CheckInput({{"user", "messages[0].content", "pipe b&#x6F;mb", true}});
  EXPECT_TRUE(in.flagged && in.latest_user_flagged);
  // A browser also reads a numeric reference without its semicolon, and
  // with leading zeros: both spell it.
  for (const char* html5 : {"pipe b&#111mb", "pipe b&#x00006f;mb"}) {
    auto a = f.gate->Check(html5);
    ASSERT_TRUE(a.ok());
    EXPECT_TRUE(a->flagged) << html5;
  }
  // Not a reference, or one that does not spell it: clean.
  for (const char* clean : {"pipe b&#bomb; &", "pipe &amp; bomb", "R&D pipe", "pipe b&#112mb"}) {
    auto a = f.gate->Check(clean);
    ASSERT_TRUE(a.ok());
    EXPECT_FALSE(a->flagged) << clean;
  }
}

// Markup inside words that a chat page does not show (red team, session
// 16): the gate reads the rendered text, and replace masks what was written,
// markup included.
TEST(Gate, MarkupInsideWordsIsReadRendered) {
  GateOptions o;
  o.output_action = "replace";
  o.replacement = "[x]";
  Fixture f(o);
  OutputVerdict v =
      f.gate->CheckOutput({{0, {{"content", "a pi<b></b>pe bomb, then pi**pe** bo**mb**!"}}}}, "");
  ASSERT_TRUE(v.choices[0].flagged);
  // From the first to the last letter of each: the closing "**" stays.
  EXPECT_EQ(v.choices[0].delivered[0].text, "a [x], then [x]**!");
  for (const char* dodge : {"pi<!-- -->pe bomb", "p<span class=\"a\">ipe</span> bomb",
                            "pi`pe` bomb", "pi**pe** bo**mb**", "~~p~~ipe bomb"}) {
    auto a = f.gate->Check(dodge);
    ASSERT_TRUE(a.ok());
    EXPECT_TRUE(a->flagged) << dodge;
  }
  for (const char* clean : {"<b>pipe</b> line", "a < b pipe", "snake_case", "pipe<br>bomb"}) {
    auto a = f.gate->Check(clean);
    ASSERT_TRUE(a.ok());
    EXPECT_FALSE(a->flagged) << clean;
  }
}

// Feeds `text` in pieces of `step` bytes the way the server does: hold,
// check when due, "deliver" what was checked. Returns what was delivered
// before the cut (or all of it).
std::string Stream(StreamGuard* g, const std::string& text, size_t step, bool* cut) {
  std::string delivered, held;
  *cut = false;
  for (size_t i = 0; i < text.size(); i += step) {
    std::string piece = text.substr(i, step);
    g->Feed("0.content", piece);
    held += piece;
    if (!g->Due()) continue;
    if (g->Check().cut) {
      *cut = true;
      return delivered;
    }
    delivered += held;
    held.clear();
  }
  if (g->Finish().cut) {
    *cut = true;
    return delivered;
  }
  return delivered + held;
}

TEST(StreamGuard, NothingIsDeliveredBeforeItWasChecked) {
  for (int64_t check_bytes : {0, 1, 7, 64, 100000}) {
    GateOptions o;
    o.stream_check_bytes = check_bytes;
    Fixture f(o);
    StreamGuard g(*f.gate, "q");
    bool cut = false;
    std::string text = "Here is some text and then pipe bomb at the end";
    std::string delivered = Stream(&g, text, 3, &cut);
    EXPECT_TRUE(cut) << check_bytes;
    EXPECT_EQ(delivered.find("pipe bomb"), std::string::npos) << check_bytes;
    // A short answer (shorter than check_bytes) is checked at the end too;
    // clean prefixes may have gone out, the keyword never.
    StreamGuard g2(*f.gate, "q");
    delivered = Stream(&g2, "pipe bomb", 2, &cut);
    EXPECT_TRUE(cut) << check_bytes;
    EXPECT_EQ(delivered.find("pipe bomb"), std::string::npos) << check_bytes;
    if (check_bytes >= 9) {
      EXPECT_EQ(delivered, "") << check_bytes;
    }
    StreamGuard g3(*f.gate, "q");
    delivered = Stream(&g3, "all clean here", 2, &cut);
    EXPECT_FALSE(cut);
    EXPECT_EQ(delivered, "all clean here");
  }
}

TEST(StreamGuard, CostIsLinearInTheAnswer) {
  GateOptions o;
  o.stream_window_bytes = 256;
  Fixture f(o);
  StreamGuard g(*f.gate, "q");
  std::string text;
  while (text.size() < 64 * 1024) text += "lorem ipsum dolor sit amet ";
  bool cut = false;
  Stream(&g, text, 4, &cut);
  EXPECT_FALSE(cut);
  // 4-byte deltas: each check sees at most the window, the new bytes and a
  // word's worth of look-back, plus one final whole pass.
  const uint64_t events = text.size() / 4 + 1;
  EXPECT_LE(g.bytes_checked(), events * (256 + 4 + 256) + text.size());
  // The old way (the whole answer every event) would be about n^2 / 8.
  EXPECT_LT(g.bytes_checked(), text.size() * text.size() / 64);
}

// An upstream can open a new channel with every event (a new key in each
// delta, a new choice index): a check and a MarkSent() visit the channels fed
// since the last one, not every channel (20,000 such events took 48 s of a
// worker's CPU through the gateway when each check visited them all).
TEST(StreamGuard, ACheckVisitsOnlyTheChannelsThatChanged) {
  Fixture f;
  StreamGuard g(*f.gate, "q");
  const uint64_t n = 2000;
  for (uint64_t i = 0; i < n; ++i) {
    g.Feed("0.k" + std::to_string(i), "x");
    g.Feed("0.content", "y");
    ASSERT_FALSE(g.Check().cut);
    g.MarkSent();
  }
  EXPECT_LE(g.channel_visits(), 4 * n);  // two channels per event, checked and sent
  EXPECT_EQ(g.Sent("0.k7"), 1u);
  EXPECT_EQ(g.Sent("0.content"), n);
  g.Feed("0.content", "z");  // fed, not sent
  EXPECT_EQ(g.Sent("0.content"), n);
  EXPECT_EQ(g.Sent("unknown"), 0u);
}

TEST(StreamGuard, AKeywordAcrossDeltasAndChannelsIsFoundPerChannel) {
  Fixture f;
  StreamGuard g(*f.gate, "q");
  // Choice 0 and 1 interleaved: "pipe " goes to 0, "bomb" to 1: no hit.
  g.Feed("0.content", "pipe ");
  g.Feed("1.content", "bomb");
  EXPECT_FALSE(g.Check().cut);
  g.Feed("1.content", " and pipe b");
  EXPECT_FALSE(g.Check().cut);
  g.Feed("1.content", "omb");
  auto v = g.Check();
  EXPECT_TRUE(v.cut);
  EXPECT_EQ(v.channel, "1.content");
  ASSERT_FALSE(v.assessment.evidence.empty());
  // Evidence offsets are into the channel's whole text.
  const std::string& t = g.Text("1.content");
  EXPECT_EQ(t.substr(v.assessment.evidence[0].begin, 9), "pipe bomb");
}

TEST(StreamGuard, TheFinalPassFindsWhatTheWindowsMissed) {
  GateOptions o;
  o.stream_window_bytes = 256;
  Fixture f(o);
  // A keyword split across two checks is found: the second check's window
  // reaches back over the first check's bytes.
  StreamGuard g(*f.gate, "q");
  g.Feed("0.content", std::string(1000, 'x') + " pipe bo");
  EXPECT_FALSE(g.Check().cut);
  g.Feed("0.content", "mb " + std::string(1000, 'y'));
  EXPECT_TRUE(g.Check().cut);

  // A hit longer than the window (this judge's "keyword" is 9 bytes; make a
  // judge whose word is longer than the window) is missed by the windows
  // and found by the whole pass of Finish().
  auto long_word = std::make_shared<WordJudge>(std::string(2000, 'k'));
  Gate gate(Moderator({long_word}, OneCategory()), o);
  StreamGuard g2(gate, "q");
  for (int i = 0; i < 2000; ++i) {
    g2.Feed("0.content", "k");
    EXPECT_FALSE(g2.Check().cut) << i;
  }
  auto v = g2.Finish();
  EXPECT_TRUE(v.cut);
}

TEST(StreamGuard, AFailingJudgeCutsTheStream) {
  Fixture f;
  StreamGuard g(*f.gate, "q");
  f.judge->fail_ = true;
  g.Feed("0.content", "hello");
  auto v = g.Check();
  EXPECT_TRUE(v.cut);
  EXPECT_TRUE(v.judge_failed);
}

TEST(ResolveStrikeRule, ConfigOverridesTheProfileOnlyWhereGiven) {
  auto p = policy::LoadProfile("baseline");  // 3 in a row, 5 a day
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  StrikeRule r = ResolveStrikeRule(*p, -1, -1, 60);
  EXPECT_EQ(r.consecutive, 3);
  EXPECT_EQ(r.per_day, 5);
  EXPECT_EQ(r.suspend_seconds, 60);
  r = ResolveStrikeRule(*p, 2, -1, 60);
  EXPECT_EQ(r.consecutive, 2);
  EXPECT_EQ(r.per_day, 5);
  r = ResolveStrikeRule(*p, -1, 0, 60);
  EXPECT_EQ(r.consecutive, 3);
  EXPECT_EQ(r.per_day, 0);
  StrikeRule none = ResolveStrikeRule(policy::Profile{}, -1, -1, 60);
  EXPECT_EQ(none.consecutive, 0);
  EXPECT_EQ(none.per_day, 0);
}

}  // namespace
}  // namespace safegate::moderation
