#include "safegate/judge/classifier.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <set>

#include "safegate/base/file.h"

namespace safegate::judge {
namespace {

std::shared_ptr<const TextClassifier> Toy() {
  std::vector<std::string> texts, labels;
  const char* bad[] = {"you are an idiot", "shut up you fool", "what a stupid loser",
                       "你这个白痴",       "滚开蠢货",         "真是个笨蛋"};
  const char* good[] = {"have a nice day", "thanks for the help", "the weather is lovely",
                        "今天天气很好",    "谢谢你的帮助",        "祝你生日快乐"};
  for (int r = 0; r < 20; ++r)
    for (int i = 0; i < 6; ++i) {
      texts.push_back(bad[i]);
      labels.push_back("offensive");
      texts.push_back(good[i]);
      labels.push_back("0");
    }
  ClassifierTrainOptions o;
  o.hash_bits = 14;
  auto m = TextClassifier::Train(texts, labels, o);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return *m;
}

std::string TempPath(const char* name) {
  return (std::filesystem::temp_directory_path() /
          (std::string(name) + std::to_string(::getpid()) + ".sgc"))
      .string();
}

TEST(Classifier, LearnsEnglishAndChinese) {
  auto m = Toy();
  EXPECT_EQ(m->labels(), (std::vector<std::string>{"0", "offensive"}));
  EXPECT_EQ(m->labels()[m->PredictIndex("you stupid idiot")], "offensive");
  EXPECT_EQ(m->labels()[m->PredictIndex("白痴蠢货")], "offensive");
  EXPECT_EQ(m->labels()[m->PredictIndex("thanks, have a lovely day")], "0");
  EXPECT_EQ(m->labels()[m->PredictIndex("谢谢，天气很好")], "0");
  // Classify = PredictIndex and Predict in one pass.
  for (const char* t : {"you stupid idiot", "谢谢，天气很好", ""}) {
    std::vector<double> p;
    EXPECT_EQ(m->Classify(t, &p), m->PredictIndex(t));
    EXPECT_EQ(p, m->Predict(t));
  }
}

TEST(Classifier, SaveLoadRoundTrip) {
  auto m = Toy();
  std::string path = TempPath("clf");
  ASSERT_TRUE(m->Save(path).ok());
  auto back = TextClassifier::Load(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ((*back)->labels(), m->labels());
  for (const char* t : {"you idiot", "今天很好", ""}) EXPECT_EQ((*back)->Predict(t), m->Predict(t));
  EXPECT_EQ((*back)->Serialize(), m->Serialize());
  std::remove(path.c_str());
}

TEST(Classifier, CorruptedFileRejected) {
  std::string bytes = Toy()->Serialize();
  // Flipped weight byte: checksum mismatch.
  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x40;
  auto r = TextClassifier::Parse(flipped, "model.sgc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("model.sgc"), std::string::npos);
  EXPECT_NE(r.status().message().find("checksum"), std::string::npos);
  // Truncated.
  EXPECT_FALSE(TextClassifier::Parse(bytes.substr(0, bytes.size() - 100), "m").ok());
  EXPECT_FALSE(TextClassifier::Parse(bytes.substr(0, 10), "m").ok());
  // Wrong magic.
  std::string magic = bytes;
  magic[0] = 'X';
  auto w = TextClassifier::Parse(magic, "m");
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("magic"), std::string::npos);
  // Unknown version.
  std::string ver = bytes;
  ver[8] = 9;
  auto v = TextClassifier::Parse(ver, "m");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("version"), std::string::npos);
  EXPECT_FALSE(TextClassifier::Parse("", "m").ok());
}

// A format-1 model file as the trainer before format 2 wrote it (the Toy data,
// hash_bits 10, 4 epochs) with the probabilities it gave then.
TEST(Classifier, FormatOneFileStillLoadsAndScoresAsBefore) {
  auto m = TextClassifier::Load(std::string(SAFEGATE_SOURCE_DIR) +
                                "/tests/data/judge/classifier-format1-toy.sgc");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ((*m)->format_version(), 1u);
  EXPECT_FALSE((*m)->calibrated());
  auto p = (*m)->Predict("you stupid idiot");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NEAR(p[1], 0.988266225, 1e-6);
  EXPECT_NEAR((*m)->Predict("谢谢，天气很好")[0], 0.956111642, 1e-6);
  EXPECT_EQ((*m)->PredictIndex("you stupid idiot"), 1u);
  // Saved again it stays format 1 (the same bytes: nothing is lost).
  auto bytes =
      ReadFile(std::string(SAFEGATE_SOURCE_DIR) + "/tests/data/judge/classifier-format1-toy.sgc");
  ASSERT_TRUE(bytes.ok());
  auto again = TextClassifier::Parse((*m)->Serialize(), "again");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->format_version(), 1u);
  EXPECT_EQ((*again)->Predict("you stupid idiot"), p);
}

// A format-2 model file as the trainer before format 3 wrote it (`judge train
// --hash-bits 10` on the Toy data, 2026-12-06) with the calibrated
// probabilities `judge classify` gave then: format 3 reads it unchanged.
TEST(Classifier, FormatTwoFileStillLoadsAndScoresAsBefore) {
  const std::string path =
      std::string(SAFEGATE_SOURCE_DIR) + "/tests/data/judge/classifier-format2-toy.sgc";
  auto m = TextClassifier::Load(path);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ((*m)->format_version(), 2u);
  EXPECT_TRUE((*m)->calibrated());
  EXPECT_EQ((*m)->options().preprocess, "");
  EXPECT_EQ((*m)->options().class_weight, 0);
  auto p = (*m)->Predict("you stupid idiot");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NEAR(p[1], 0.9274580493736536, 1e-9);
  EXPECT_NEAR((*m)->Predict("谢谢，天气很好")[0], 0.8922986284676988, 1e-9);
  EXPECT_EQ((*m)->PredictIndex("you stupid idiot"), 1u);
  // Saved again it stays format 2, byte for byte.
  auto bytes = ReadFile(path);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ((*m)->Serialize(), *bytes);
}

TEST(Classifier, NewerFormatIsRefusedWithAClearMessage) {
  std::string bytes = Toy()->Serialize();
  bytes[8] = 6;  // format version 6
  auto r = TextClassifier::Parse(bytes, "future.sgc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("future.sgc"), std::string::npos);
  EXPECT_NE(r.status().message().find("format version 6 is not supported"), std::string::npos);
  EXPECT_NE(r.status().message().find("versions 1 to 5"), std::string::npos);
  bytes[8] = 0;
  EXPECT_FALSE(TextClassifier::Parse(bytes, "zero.sgc").ok());
}

TEST(Classifier, CalibrationAndOffsetsAreStoredAndReproducible) {
  auto m = Toy();
  EXPECT_EQ(m->format_version(), 3u);
  ASSERT_TRUE(m->calibrated());
  EXPECT_GT(m->validation().examples, 0u);
  ASSERT_EQ(m->validation().ece.size(), 2u);
  auto back = TextClassifier::Parse(m->Serialize(), "m");
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE((*back)->calibrated());
  EXPECT_EQ((*back)->decision_offsets(), m->decision_offsets());
  EXPECT_EQ((*back)->validation().examples, m->validation().examples);
  for (const char* t : {"you idiot", "今天很好"}) {
    EXPECT_EQ((*back)->Predict(t), m->Predict(t));
    EXPECT_EQ((*back)->PredictRaw(t), m->PredictRaw(t));
  }
  // Calibrated per-label probabilities are in [0, 1] and follow the decision.
  auto p = m->Predict("you stupid idiot");
  EXPECT_GT(p[1], 0.5);
  EXPECT_LT(p[0], 0.5);
  // Same data and options: the same bytes (the default models rely on it).
  EXPECT_EQ(Toy()->Serialize(), m->Serialize());
}

TEST(Classifier, ValidationZeroGivesTheSoftmax) {
  std::vector<std::string> texts = {"bad bad", "good good", "bad words", "good words"};
  std::vector<std::string> labels = {"1", "0", "1", "0"};
  ClassifierTrainOptions o;
  o.hash_bits = 10;
  o.validation = 0;
  auto m = TextClassifier::Train(texts, labels, o);
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE((*m)->calibrated());
  auto p = (*m)->Predict("bad");
  EXPECT_NEAR(p[0] + p[1], 1.0, 1e-12);
  EXPECT_EQ(p, (*m)->PredictRaw("bad"));
}

TEST(Classifier, TrainRejectsBadInput) {
  ClassifierTrainOptions o;
  EXPECT_FALSE(TextClassifier::Train({"a", "b"}, {"x", "x"}, o).ok());  // one label
  EXPECT_FALSE(TextClassifier::Train({"a"}, {"x", "y"}, o).ok());       // lengths differ
  o.hash_bits = 40;
  EXPECT_FALSE(TextClassifier::Train({"a", "b"}, {"x", "y"}, o).ok());
  o.hash_bits = 12;
  o.solver = "newton";
  EXPECT_NE(TextClassifier::Train({"a", "b"}, {"x", "y"}, o).status().message().find("solver"),
            std::string::npos);
  o.solver = "lbfgs";
  o.tune = "f2";
  EXPECT_FALSE(TextClassifier::Train({"a", "b"}, {"x", "y"}, o).ok());
  o.tune = "none";
  o.validation = 0.95;
  EXPECT_FALSE(TextClassifier::Train({"a", "b"}, {"x", "y"}, o).ok());
  o.validation = 0.15;
  o.class_weight = 2.5;
  EXPECT_NE(
      TextClassifier::Train({"a", "b"}, {"x", "y"}, o).status().message().find("class weight"),
      std::string::npos);
  o.class_weight = 0;
  o.preprocess = "tweets";
  EXPECT_NE(TextClassifier::Train({"a", "b"}, {"x", "y"}, o).status().message().find("tweets"),
            std::string::npos);
}

TEST(Classifier, CrossFittingCalibratesOnEveryExampleAndTrainsOnAll) {
  std::vector<std::string> texts, labels;
  const char* bad[] = {"you are an idiot", "shut up you fool", "what a stupid loser"};
  const char* good[] = {"have a nice day", "thanks for the help", "the weather is lovely"};
  for (int r = 0; r < 8; ++r)
    for (int i = 0; i < 3; ++i) {
      texts.push_back(bad[i]);
      labels.push_back("bad");
      texts.push_back(good[i]);
      labels.push_back("ok");
    }
  ClassifierTrainOptions o;
  o.hash_bits = 10;
  o.folds = 3;
  auto m = TextClassifier::Train(texts, labels, o);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ((*m)->options().folds, 3);
  EXPECT_TRUE((*m)->calibrated());
  EXPECT_EQ((*m)->validation().examples, texts.size());  // every example, not a share
  EXPECT_EQ((*m)->labels()[(*m)->PredictIndex("a stupid idiot")], "bad");
  EXPECT_EQ((*m)->labels()[(*m)->PredictIndex("a lovely day")], "ok");
  auto again = TextClassifier::Train(texts, labels, o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->Serialize(), (*m)->Serialize());
  auto back = TextClassifier::Parse((*m)->Serialize(), "m");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ((*back)->options().folds, 3);
  // Fewer than 2 x folds examples of a label: the held-out share instead.
  o.folds = 20;
  auto few = TextClassifier::Train(texts, labels, o);
  ASSERT_TRUE(few.ok());
  EXPECT_EQ((*few)->options().folds, 0);
  EXPECT_LT((*few)->validation().examples, texts.size());
  o.folds = 1;
  EXPECT_NE(TextClassifier::Train(texts, labels, o).status().message().find("folds"),
            std::string::npos);
}

TEST(Classifier, SocialCleanUp) {
  EXPECT_EQ(CleanSocialText("RT @bob_1: I loooove it &amp; http://t.co/x"),
            "   atuser : I loove it &  httpurl ");
  EXPECT_EQ(CleanSocialText("&#8220;hi&#x201D; &lt;3 &bogus; &#0; &#1114112;"),
            "\u201chi\u201d <3 &bogus; &#0; &#1114112;");
  // Only whole words: "art", "e@mail" and "short" are left alone.
  EXPECT_EQ(CleanSocialText("art e@mail short rt"), "art e@mail short  ");
  EXPECT_EQ(CleanSocialText("www.example.com ok"), " httpurl  ok");
  // Chinese repetitions and digits are not letters to cut.
  EXPECT_EQ(CleanSocialText("哈哈哈哈 1000"), "哈哈哈哈 1000");
}

TEST(Classifier, FormatThreeStoresTheClassWeightAndTheCleanUp) {
  std::vector<std::string> texts, labels;
  for (int r = 0; r < 10; ++r) {
    texts.push_back("RT @someone you are a looooser &amp; a fool");
    labels.push_back("bad");
    texts.push_back("@friend have a nice day http://t.co/abc");
    labels.push_back("ok");
    texts.push_back("what a lovely morning");
    labels.push_back("ok");
  }
  ClassifierTrainOptions o;
  o.hash_bits = 10;
  o.preprocess = "social";
  o.class_weight = 0.5;
  auto m = TextClassifier::Train(texts, labels, o);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto back = TextClassifier::Parse((*m)->Serialize(), "m");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ((*back)->options().preprocess, "social");
  EXPECT_EQ((*back)->options().class_weight, 0.5);
  // The clean-up is applied when scoring: the same text with other mentions,
  // links and elongations scores the same.
  EXPECT_EQ((*back)->Predict("RT @x you are a looser & a fool"),
            (*back)->Predict("@y you are a loooooser &amp; a fool"));
  EXPECT_EQ((*back)->labels()[(*back)->PredictIndex("RT @q you are a looooooser")], "bad");
  // Class weights change the weights; --balance is class weight 1.
  o.class_weight = 0;
  auto plain = TextClassifier::Train(texts, labels, o);
  ASSERT_TRUE(plain.ok());
  EXPECT_NE((*plain)->Predict("a fool"), (*m)->Predict("a fool"));
  o.balance = true;
  auto balanced = TextClassifier::Train(texts, labels, o);
  o.balance = false;
  o.class_weight = 1;
  auto one = TextClassifier::Train(texts, labels, o);
  ASSERT_TRUE(balanced.ok() && one.ok());
  EXPECT_EQ((*balanced)->Predict("a fool"), (*one)->Predict("a fool"));
}

// Texts whose annotators disagreed: "maybe" was labelled bad by a 2-1 vote.
struct VoteData {
  std::vector<std::string> texts, labels;
  std::vector<SoftTarget> votes;
};
VoteData Votes() {
  VoteData d;
  for (int r = 0; r < 12; ++r) {
    d.texts.push_back("you are an idiot " + std::to_string(r));
    d.labels.push_back("bad");
    d.votes.push_back({{"bad", 3}});
    d.texts.push_back("have a nice day " + std::to_string(r));
    d.labels.push_back("ok");
    d.votes.push_back({{"ok", 3}, {"bad", 0}});
    d.texts.push_back("maybe maybe " + std::to_string(r));
    d.labels.push_back("bad");
    d.votes.push_back({{"bad", 2}, {"ok", 1}});
  }
  return d;
}

TEST(Classifier, SoftTargetsTrainOnTheVoteShares) {
  VoteData d = Votes();
  ClassifierTrainOptions o;
  o.hash_bits = 12;
  o.l2 = 1e-6;
  o.epochs = 200;
  o.validation = 0;
  auto hard = TextClassifier::Train(d.texts, d.labels, o);
  auto soft = TextClassifier::Train(d.texts, d.labels, d.votes, o);
  ASSERT_TRUE(hard.ok() && soft.ok()) << soft.status().ToString();
  // Label order: bad, ok. The hard labels push "maybe" towards certainty;
  // the votes towards 2/3.
  EXPECT_GT((*hard)->PredictRaw("maybe maybe")[0], 0.9);
  EXPECT_NEAR((*soft)->PredictRaw("maybe maybe")[0], 2.0 / 3.0, 0.05);
  EXPECT_FALSE((*hard)->options().soft_targets);
  ASSERT_TRUE((*soft)->options().soft_targets);
  auto back = TextClassifier::Parse((*soft)->Serialize(), "m");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE((*back)->options().soft_targets);
  EXPECT_EQ((*back)->PredictRaw("maybe maybe"), (*soft)->PredictRaw("maybe maybe"));
  // A share of 0 is the label alone: the same weights as without targets.
  o.soft_share = 0;
  auto none = TextClassifier::Train(d.texts, d.labels, d.votes, o);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ((*none)->PredictRaw("maybe maybe"), (*hard)->PredictRaw("maybe maybe"));
  // Half way between.
  o.soft_share = 0.5;
  auto half = TextClassifier::Train(d.texts, d.labels, d.votes, o);
  ASSERT_TRUE(half.ok());
  EXPECT_NEAR((*half)->PredictRaw("maybe maybe")[0], 5.0 / 6.0, 0.05);
  // Deterministic, with folds too.
  o.soft_share = 1;
  o.folds = 3;
  auto f1 = TextClassifier::Train(d.texts, d.labels, d.votes, o);
  auto f2 = TextClassifier::Train(d.texts, d.labels, d.votes, o);
  ASSERT_TRUE(f1.ok() && f2.ok());
  EXPECT_EQ((*f1)->Serialize(), (*f2)->Serialize());
}

TEST(Classifier, SoftTargetsRejectBadInput) {
  VoteData d = Votes();
  ClassifierTrainOptions o;
  o.hash_bits = 10;
  auto why = [&](std::vector<SoftTarget> v) {
    return std::string(TextClassifier::Train(d.texts, d.labels, v, o).status().message());
  };
  auto bad = d.votes;
  bad[4] = {{"spam", 1}};
  EXPECT_NE(why(bad).find("example 5: soft target names label 'spam'"), std::string::npos);
  bad[4] = {{"bad", -1}, {"ok", 2}};
  EXPECT_NE(why(bad).find("example 5"), std::string::npos);
  bad[4] = {{"bad", 0}, {"ok", 0}};
  EXPECT_NE(why(bad).find("no positive weight"), std::string::npos);
  bad[4] = {};
  EXPECT_NE(why(bad).find("no positive weight"), std::string::npos);
  bad.pop_back();
  EXPECT_NE(why(bad).find("differ in length"), std::string::npos);
  o.soft_share = 1.5;
  EXPECT_NE(why(d.votes).find("soft-target share"), std::string::npos);
  o.soft_share = 1;
  o.solver = "sgd";
  EXPECT_NE(why(d.votes).find("lbfgs"), std::string::npos);
}

TEST(Classifier, TuneOneLabelMovesOnlyItsOffset) {
  std::vector<std::string> texts, labels;
  // "x maybe" is "rare" one time in four, else "common": the most probable
  // label never says "rare"; an offset for "rare" gives it F1 0.4.
  for (int r = 0; r < 40; ++r) {
    texts.push_back("x maybe");
    labels.push_back(r % 4 == 0 ? "rare" : "common");
    texts.push_back("zzz other");
    labels.push_back("other");
  }
  ClassifierTrainOptions o;
  o.hash_bits = 10;
  o.folds = 3;
  o.tune = "f1:rare";
  auto m = TextClassifier::Train(texts, labels, o);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  // Labels: common, other, rare.
  const auto& off = (*m)->decision_offsets();
  ASSERT_EQ(off.size(), 3u);
  EXPECT_EQ(off[0], 0.0);
  EXPECT_EQ(off[1], 0.0);
  EXPECT_GT(off[2], 0.0);
  auto back = TextClassifier::Parse((*m)->Serialize(), "m");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ((*back)->options().tune, "f1:rare");
  EXPECT_EQ((*back)->decision_offsets(), off);
  o.tune = "f1:unknown";
  EXPECT_NE(TextClassifier::Train(texts, labels, o).status().message().find("no label 'unknown'"),
            std::string::npos);
}

TEST(Classifier, NbScalingZeroesNgramsThatAreAsCommonInEveryLabel) {
  // "qq" is in every text of both labels, and both labels' texts have the
  // same number of n-grams: its log-count ratio is 0, so with NB scaling
  // every n-gram of "qq" weighs exactly 0 and "qq" scores as an empty text.
  std::vector<std::string> texts, labels;
  for (int r = 0; r < 12; ++r) {
    texts.push_back("xx qq");
    labels.push_back("bad");
    texts.push_back("yy qq");
    labels.push_back("ok");
  }
  ClassifierTrainOptions o;
  o.hash_bits = 16;
  o.validation = 0;
  o.nb_alpha = 1;
  auto m = TextClassifier::Train(texts, labels, o);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ((*m)->PredictRaw("qq"), (*m)->PredictRaw(""));
  EXPECT_EQ((*m)->labels()[(*m)->PredictIndex("xx")], "bad");
  EXPECT_EQ((*m)->labels()[(*m)->PredictIndex("yy")], "ok");
  // The scaling is folded into the saved weights: a loaded model scores the
  // same, and the header records the smoothing.
  auto back = TextClassifier::Parse((*m)->Serialize(), "m");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ((*back)->options().nb_alpha, 1.0);
  EXPECT_EQ((*back)->PredictRaw("xx qq"), (*m)->PredictRaw("xx qq"));
  EXPECT_EQ((*back)->format_version(), 3u);
  // Where the labels' shares differ, NB scaling changes the model.
  texts.push_back("zz qq");
  labels.push_back("ok");
  auto nb = TextClassifier::Train(texts, labels, o);
  o.nb_alpha = 0;
  auto plain = TextClassifier::Train(texts, labels, o);
  ASSERT_TRUE(nb.ok() && plain.ok());
  EXPECT_NE((*nb)->PredictRaw("qq"), (*plain)->PredictRaw("qq"));
  EXPECT_EQ((*plain)->options().nb_alpha, 0.0);
  o.nb_alpha = -1;
  EXPECT_NE(TextClassifier::Train(texts, labels, o).status().message().find("NB smoothing"),
            std::string::npos);
  o.nb_alpha = 1;
  o.solver = "sgd";
  EXPECT_NE(TextClassifier::Train(texts, labels, o).status().message().find("lbfgs"),
            std::string::npos);
}

std::set<uint32_t> Buckets(std::string_view text, const ClassifierTrainOptions& o) {
  std::set<uint32_t> out;
  ForEachFeature(text, o, [&](uint32_t b) { out.insert(b); });
  return out;
}

TEST(Classifier, CharacterNgramsWithinWordsNeverSpanTwoWords) {
  ClassifierTrainOptions o;
  o.hash_bits = 20;
  o.word_max = 0;
  o.char_min = 2;
  o.char_words = true;
  // Within words, "ab cd" has exactly the n-grams of "ab" and of "cd"
  // (" ab", "ab ", " cd", ...): none spans the space between them.
  auto both = Buckets("ab cd", o);
  std::set<uint32_t> apart = Buckets("ab", o);
  for (uint32_t b : Buckets("cd", o)) apart.insert(b);
  EXPECT_EQ(both, apart);
  EXPECT_EQ(both.size(), 12u);  // per word: " a" "ab" "b " " ab" "ab " " ab "
  // Across words (formats 1-3) it has more: "b c", "ab cd"...
  o.char_words = false;
  auto across = Buckets("ab cd", o);
  EXPECT_GT(across.size(), both.size());
  for (uint32_t b : both) EXPECT_TRUE(across.count(b)) << b;
}

TEST(Classifier, FormatFourStoresCharWordsAndIdf) {
  std::vector<std::string> texts, labels;
  for (int r = 0; r < 12; ++r) {
    texts.push_back("qq you idiot " + std::to_string(r));
    labels.push_back("bad");
    texts.push_back("qq nice day " + std::to_string(r));
    labels.push_back("ok");
  }
  ClassifierTrainOptions o;
  o.hash_bits = 12;
  o.folds = 3;
  auto plain = TextClassifier::Train(texts, labels, o);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  // Without the new options a model stays format 3 (older safegates read it).
  EXPECT_EQ((*plain)->format_version(), 3u);
  o.char_words = true;
  o.idf = true;
  auto m = TextClassifier::Train(texts, labels, o);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ((*m)->format_version(), 4u);
  EXPECT_EQ((*m)->labels()[(*m)->PredictIndex("you idiot")], "bad");
  EXPECT_EQ((*m)->labels()[(*m)->PredictIndex("a nice day")], "ok");
  // The idf is part of the model: it changes the scores, and a loaded model
  // scores the same as the trained one.
  o.idf = false;
  auto no_idf = TextClassifier::Train(texts, labels, o);
  ASSERT_TRUE(no_idf.ok());
  EXPECT_NE((*no_idf)->PredictRaw("qq idiot"), (*m)->PredictRaw("qq idiot"));
  const std::string bytes = (*m)->Serialize();
  auto back = TextClassifier::Parse(bytes, "m");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ((*back)->format_version(), 4u);
  EXPECT_TRUE((*back)->options().char_words);
  EXPECT_TRUE((*back)->options().idf);
  for (const char* t : {"qq idiot", "nice", ""})
    EXPECT_EQ((*back)->PredictRaw(t), (*m)->PredictRaw(t));
  EXPECT_EQ((*back)->Serialize(), bytes);
  // Same data and options: the same bytes.
  o.idf = true;
  EXPECT_EQ((*TextClassifier::Train(texts, labels, o))->Serialize(), bytes);
  // Cut short, the file is refused.
  EXPECT_FALSE(TextClassifier::Parse(bytes.substr(0, bytes.size() - 4096), "m").ok());
}

// Texts of 4 words: "fox" or "jay", "elk" or "bug" (no letter in two of
// them) and two fillers, in a seeded order; the label "odd" when exactly one
// of "fox" and "elk" is there (exclusive or), else "even". A linear model
// adds a score for the first word to one for the second: it cannot tell.
void XorTexts(int n, uint64_t seed, std::vector<std::string>* texts,
              std::vector<std::string>* labels) {
  const char* filler[] = {"red", "blue", "green", "cat", "dog", "sun", "moon", "tree"};
  uint64_t s = seed;
  auto next = [&s] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(s >> 33);
  };
  for (int i = 0; i < n; ++i) {
    const bool a = i % 2 == 1, b = (i / 2) % 2 == 1;
    std::vector<std::string> words = {a ? "fox" : "jay", b ? "elk" : "bug", filler[next() % 8],
                                      filler[next() % 8]};
    for (size_t j = words.size(); j > 1; --j) std::swap(words[j - 1], words[next() % j]);
    std::string t;
    for (const auto& w : words) t += (t.empty() ? "" : " ") + w;
    texts->push_back(t);
    labels->push_back(a != b ? "odd" : "even");
  }
}

TEST(Classifier, HiddenLayerLearnsWhatALinearModelCannot) {
  std::vector<std::string> texts, labels, test, truth;
  XorTexts(400, 1, &texts, &labels);
  XorTexts(200, 2, &test, &truth);
  ClassifierTrainOptions o;
  o.hash_bits = 12;
  o.char_max = 1;  // single characters and single words: no n-gram holds both words
  o.word_max = 1;
  o.validation = 0;
  auto accuracy = [&](const TextClassifier& m) {
    int ok = 0;
    for (size_t i = 0; i < test.size(); ++i) ok += m.labels()[m.PredictIndex(test[i])] == truth[i];
    return static_cast<double>(ok) / static_cast<double>(test.size());
  };
  auto linear = TextClassifier::Train(texts, labels, o);
  ASSERT_TRUE(linear.ok()) << linear.status().ToString();
  EXPECT_LT(accuracy(**linear), 0.65);
  o.hidden = 16;
  o.hidden_bits = 10;
  o.hidden_epochs = 60;
  o.hidden_lr = 0.2;
  auto deep = TextClassifier::Train(texts, labels, o);
  ASSERT_TRUE(deep.ok()) << deep.status().ToString();
  EXPECT_EQ((*deep)->format_version(), 5u);
  EXPECT_GE(accuracy(**deep), 0.95);
}

TEST(Classifier, FormatFiveStoresTheHiddenLayer) {
  std::vector<std::string> texts, labels;
  XorTexts(120, 3, &texts, &labels);
  ClassifierTrainOptions o;
  o.hash_bits = 12;
  o.folds = 3;
  o.hidden = 8;
  o.hidden_bits = 11;
  o.hidden_epochs = 5;
  auto m = TextClassifier::Train(texts, labels, o);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ((*m)->format_version(), 5u);
  EXPECT_TRUE((*m)->calibrated());
  const std::string bytes = (*m)->Serialize();
  auto back = TextClassifier::Parse(bytes, "m");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ((*back)->format_version(), 5u);
  EXPECT_EQ((*back)->options().hidden, 8);
  EXPECT_EQ((*back)->options().hidden_bits, 11);
  for (const char* t : {"fox red", "elk fox", ""}) {
    EXPECT_EQ((*back)->PredictRaw(t), (*m)->PredictRaw(t));
    EXPECT_EQ((*back)->Predict(t), (*m)->Predict(t));
  }
  EXPECT_EQ((*back)->Serialize(), bytes);
  // The hidden layer is part of the scores: without it they differ.
  o.hidden = 0;
  auto plain = TextClassifier::Train(texts, labels, o);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ((*plain)->format_version(), 3u);
  EXPECT_NE((*plain)->PredictRaw("fox red"), (*m)->PredictRaw("fox red"));
  // Same data and options: the same bytes.
  o.hidden = 8;
  EXPECT_EQ((*TextClassifier::Train(texts, labels, o))->Serialize(), bytes);
  // Cut short (the hidden layer's floats missing), the file is refused.
  EXPECT_FALSE(TextClassifier::Parse(bytes.substr(0, bytes.size() - 4096), "m").ok());
}

TEST(Classifier, HiddenLayerRejectsBadOptions) {
  std::vector<std::string> texts, labels;
  XorTexts(40, 4, &texts, &labels);
  ClassifierTrainOptions o;
  o.hash_bits = 12;
  o.hidden = 8;
  o.hidden_bits = 13;  // more rows than buckets
  EXPECT_FALSE(TextClassifier::Train(texts, labels, o).ok());
  o.hidden_bits = 10;
  o.hidden_epochs = 0;
  EXPECT_FALSE(TextClassifier::Train(texts, labels, o).ok());
  o.hidden_epochs = 2;
  o.hidden_lr = 0;
  EXPECT_FALSE(TextClassifier::Train(texts, labels, o).ok());
  o.hidden_lr = 0.1;
  o.hidden = 257;
  EXPECT_FALSE(TextClassifier::Train(texts, labels, o).ok());
  o.hidden = 8;
  o.solver = "sgd";
  EXPECT_FALSE(TextClassifier::Train(texts, labels, o).ok());
  o.solver = "lbfgs";
  EXPECT_TRUE(TextClassifier::Train(texts, labels, o).ok());
}

TEST(Classifier, IdfWeighsAnNgramInEveryTextLess) {
  // "qq" is in every text and "zz" in one: with idf, "zz"'s n-grams carry
  // more of a text's unit-length feature vector than "qq"'s, so a text with
  // both leans further towards the label of "zz" than without idf.
  std::vector<std::string> texts, labels;
  for (int r = 0; r < 12; ++r) {
    texts.push_back("qq");
    labels.push_back("ok");
    texts.push_back(r == 0 ? "zz qq" : "xx qq");
    labels.push_back("bad");
  }
  ClassifierTrainOptions o;
  o.hash_bits = 16;
  o.validation = 0;
  o.word_max = 0;
  o.char_words = true;
  auto tf = TextClassifier::Train(texts, labels, o);
  o.idf = true;
  auto tfidf = TextClassifier::Train(texts, labels, o);
  ASSERT_TRUE(tf.ok() && tfidf.ok());
  // Label order: bad, ok.
  const double with_idf = (*tfidf)->PredictRaw("zz qq qq qq")[0];
  const double without = (*tf)->PredictRaw("zz qq qq qq")[0];
  EXPECT_GT(with_idf, without);
}

TEST(Classifier, JudgeMapsLabelsToCategoriesWithThresholds) {
  ClassifierJudgeOptions o;
  o.label_categories = {{"offensive", "S10"}};
  o.thresholds = {{"S10", 0.99999}};
  auto strict = NewClassifierJudge(Toy(), o);
  auto v = strict->Run({"shut up you idiot", "", ""});
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->categories.size(), 1u);
  EXPECT_EQ(v->categories[0].category, "S10");
  EXPECT_GT(v->categories[0].score, 0.5);
  EXPECT_FALSE(v->categories[0].flagged);  // below the category's threshold
  EXPECT_EQ(v->label, "clean");
  o.thresholds = {{"S10", 0.5}};
  auto loose = NewClassifierJudge(Toy(), o);
  auto w = loose->Run({"shut up you idiot", "", ""});
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(w->categories[0].flagged);
  EXPECT_EQ(w->label, "flagged");
  EXPECT_DOUBLE_EQ(w->categories[0].score, Toy()->Predict("shut up you idiot")[1]);
}

TEST(Classifier, Judge) {
  auto j = NewClassifierJudge(Toy());
  auto v = j->Run({"shut up you idiot", "", ""});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->label, "flagged");
  ASSERT_EQ(v->categories.size(), 1u);
  EXPECT_EQ(v->categories[0].category, "offensive");
  EXPECT_EQ(j->Run({"have a nice day", "", ""})->label, "clean");
  EXPECT_EQ(j->name(), "classifier");
}

}  // namespace
}  // namespace safegate::judge
