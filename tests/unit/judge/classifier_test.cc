#include "safegate/judge/classifier.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

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

TEST(Classifier, TrainRejectsBadInput) {
  ClassifierTrainOptions o;
  EXPECT_FALSE(TextClassifier::Train({"a", "b"}, {"x", "x"}, o).ok());  // one label
  EXPECT_FALSE(TextClassifier::Train({"a"}, {"x", "y"}, o).ok());       // lengths differ
  o.hash_bits = 40;
  EXPECT_FALSE(TextClassifier::Train({"a", "b"}, {"x", "y"}, o).ok());
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
