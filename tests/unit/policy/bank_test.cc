#include "safegate/policy/bank.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "safegate/policy/matcher_cache.h"
#include "safegate/policy/policy.h"
#include "safegate/text/utf8.h"
#include "unit/policy/test_util.h"

namespace safegate::policy {
namespace {

using ::testing::HasSubstr;

Taxonomy SmallTaxonomy() {
  Taxonomy t;
  EXPECT_TRUE(t.Add({"A", "Alpha", "", "", {}}).ok());
  EXPECT_TRUE(t.Add({"A-1", "Alpha one", "A", "", {}}).ok());
  EXPECT_TRUE(t.Add({"B", "Beta", "", "", {}}).ok());
  return t;
}

Result<std::vector<scan::Pattern>> Load(const std::string& path, bool lenient = false,
                                        std::vector<std::string>* warnings = nullptr) {
  BankLoadOptions options;
  options.lenient = lenient;
  return LoadKeywordBank(path, SmallTaxonomy(), options, warnings);
}

TEST(LoadKeywordBank, CsvQuotingBomCrlf) {
  testing::TempDir dir;
  const std::string path =
      dir.Write("kw.csv",
                "\xEF\xBB\xBFid,category,text,lang,type,whole_word,tags,notes\r\n"
                "k1,A,knife,en,literal,yes,\"a,b\",\r\n"
                "k2,A-1,\"two\nlines\",zh,,0,,\"he said \"\"hi\"\"\"\r\n"
                "\r\n"
                "k3,B,b[o0]mb,,regex,TRUE,,\r\n"
                "k4,B,\"say \"\"x\"\"\",ru,Literal,,,\n");
  auto r = Load(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 4u);
  const auto& p = *r;
  EXPECT_EQ(p[0].id, "k1");
  EXPECT_EQ(p[0].text, "knife");
  EXPECT_EQ(p[0].language, "en");
  EXPECT_TRUE(p[0].whole_word);
  EXPECT_FALSE(p[0].regex);
  EXPECT_EQ(p[0].origin, path + ":2");
  EXPECT_EQ(p[1].text, "two\nlines");
  EXPECT_EQ(p[1].category, "A-1");
  EXPECT_FALSE(p[1].whole_word);
  EXPECT_EQ(p[1].origin, path + ":3");
  EXPECT_TRUE(p[2].regex);
  EXPECT_TRUE(p[2].whole_word);
  EXPECT_EQ(p[2].origin, path + ":6");  // after the quoted newline and a blank line
  EXPECT_EQ(p[3].text, "say \"x\"");
  EXPECT_EQ(p[3].origin, path + ":7");
  // Defaults: a literal is whole-word and inflected; inflect follows whole_word.
  EXPECT_TRUE(p[3].whole_word);
  EXPECT_TRUE(p[3].inflect);
  EXPECT_TRUE(p[0].inflect);
  EXPECT_FALSE(p[1].inflect);
}

TEST(LoadKeywordBank, InflectField) {
  testing::TempDir dir;
  auto r = Load(dir.Write("kw.csv",
                          "id,category,text,whole_word,inflect\n"
                          "k1,A,bomb,,no\nk2,A,gun,false,true\nk3,A,knife,,\n"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE((*r)[0].whole_word);
  EXPECT_FALSE((*r)[0].inflect);
  EXPECT_FALSE((*r)[1].whole_word);
  EXPECT_TRUE((*r)[1].inflect);
  EXPECT_TRUE((*r)[2].inflect);
  auto bad = Load(dir.Write("bad.csv", "id,category,text,inflect\nk1,A,bomb,often\n"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("bad.csv:2: field 'inflect'"), std::string::npos)
      << bad.status().message();
}

TEST(LoadKeywordBank, Jsonl) {
  testing::TempDir dir;
  const std::string path = dir.Write(
      "kw.jsonl",
      "{\"id\": \"j1\", \"category\": \"A\", \"text\": \"炸弹\", \"language\": \"zh\"}\n"
      "\n"
      "{\"id\": \"j2\", \"category\": \"B\", \"text\": \"gun\", \"whole_word\": true, "
      "\"tags\": [\"x\", \"y\"], \"type\": \"literal\"}\r\n"
      "{\"id\": 7, \"category\": \"B\", \"text\": \"a+b\", \"type\": \"regex\", \"lang\": "
      "\"en\"}\n");
  auto r = Load(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].text, "炸弹");
  EXPECT_EQ((*r)[0].language, "zh");
  EXPECT_EQ((*r)[1].origin, path + ":3");
  EXPECT_TRUE((*r)[1].whole_word);
  EXPECT_EQ((*r)[2].id, "7");
  EXPECT_TRUE((*r)[2].regex);
  EXPECT_FALSE((*r)[2].whole_word);  // regexes are matched as written by default
  EXPECT_EQ((*r)[2].language, "en");
}

TEST(LoadKeywordBank, YamlListAndItems) {
  testing::TempDir dir;
  const std::string list = dir.Write("a.yaml",
                                     "# bank\n"
                                     "- id: y1\n"
                                     "  category: A\n"
                                     "  text: knife\n"
                                     "  whole_word: no\n"
                                     "- {id: y2, category: B, text: 'x.y', type: regex, "
                                     "lang: en, tags: [a, b]}\n");
  auto r = Load(list);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].origin, list + ":2");
  EXPECT_EQ((*r)[1].origin, list + ":6");
  EXPECT_TRUE((*r)[1].regex);
  const std::string items =
      dir.Write("b.yml", "items:\n  - id: z1\n    category: A-1\n    text: hello\n");
  auto r2 = Load(items);
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  ASSERT_EQ(r2->size(), 1u);
  EXPECT_EQ((*r2)[0].origin, items + ":2");
}

struct BadBank {
  const char* name;
  const char* data;
  uint64_t line;
  const char* field;
  const char* message;
};

TEST(LoadKeywordBank, ErrorsNameFileLineField) {
  const BadBank cases[] = {
      // CSV
      {"c1.csv", "id,category,text\nk1,A,x\nk2,Z,y\n", 3, "category", "unknown category 'Z'"},
      {"c2.csv", "id,category,text\nk1,A,x\nk1,B,y\n", 3, "id", "duplicate id 'k1'"},
      {"c3.csv", "id,text\nk1,x\n", 1, "category", "missing column"},
      {"c4.csv", "id,category,text\nk1,A,\n", 2, "text", "empty value"},
      {"c5.csv", "id,category,text\nk1,A,\"ok\"\nk2,A,b\xff\xfe\n", 3, "text", "invalid UTF-8"},
      {"c6.csv", "id,category,text,type\nk1,A,x,glob\n", 2, "type", "'literal' or 'regex'"},
      {"c7.csv", "id,category,text,whole_word\nk1,A,x,maybe\n", 2, "whole_word",
       "true/false/1/0/yes/no"},
      {"c8.csv", "id,category,text\nk1,A\n", 2, "text", "missing field"},
      {"c9.csv", "id,category,text\nk1,A,x,extra\n", 2, "", "4 fields, but the header has 3"},
      {"c10.csv", "id,category,text\nk1,A,\"x\n", 2, "", "unterminated quoted field"},
      {"c11.csv", "id,category,text\nk1,A,a\"b\n", 2, "", "quote inside an unquoted field"},
      // JSONL
      {"j1.jsonl",
       "{\"id\":\"a\",\"category\":\"A\",\"text\":\"x\"}\n{\"id\":\"b\",\"text\":\"y\"}\n", 2,
       "category", "missing field"},
      {"j2.jsonl", "{\"id\":\"a\",\"category\":\"A\",\"text\":\"x\"}\n{bad json\n", 2, "",
       "invalid JSON"},
      {"j3.jsonl", "{\"id\":\"a\",\"category\":\"A\",\"text\":\"x\xc3\"}\n", 1, "text",
       "invalid UTF-8"},
      {"j4.jsonl", "{\"id\":\"a\",\"category\":\"A\",\"text\":\"\"}\n", 1, "text", "empty value"},
      {"j5.jsonl", "{\"id\":\"a\",\"category\":\"A\",\"text\":{\"x\":1}}\n", 1, "text",
       "must be a string"},
      {"j6.jsonl", "[1,2]\n", 1, "", "must be a JSON object"},
      {"j7.jsonl", "{\"id\":\"a\",\"category\":\"A\",\"text\":\"x\",\"whole_word\":\"sure\"}\n", 1,
       "whole_word", "true/false"},
      // YAML
      {"y1.yaml", "- {id: a, category: A, text: x}\n- id: b\n  category: Q\n  text: y\n", 3,
       "category", "unknown category 'Q'"},
      {"y2.yaml", "- {id: a, category: A, text: x}\n- {id: a, category: B, text: y}\n", 2, "id",
       "duplicate id 'a'"},
      {"y3.yaml", "- id: a\n  category: A\n  text: \"x\xff\"\n", 3, "text", "invalid UTF-8"},
      {"y4.yaml", "- id: a\n  category: A\n", 1, "text", "missing field"},
      {"y5.yaml", "- id: a\n  category: A\n  text: x\n  type: fuzzy\n", 4, "type",
       "'literal' or 'regex'"},
      {"y6.yaml", "- id: a\n  category: A\n  text: [x]\n", 3, "text", "must be a string"},
      {"y7.yaml", "- id: a\n  category: A\n  text: [x\n", 4, "", "invalid YAML"},
      {"y8.yaml", "foo: bar\n", 1, "items", "missing field"},
  };
  testing::TempDir dir;
  for (const BadBank& c : cases) {
    const std::string path = dir.Write(c.name, c.data);
    auto r = Load(path);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.name;
    std::string where = path + ":" + std::to_string(c.line) + ": ";
    if (*c.field) where += "field '" + std::string(c.field) + "': ";
    EXPECT_THAT(r.status().message(), HasSubstr(where)) << c.name;
    EXPECT_THAT(r.status().message(), HasSubstr(c.message)) << c.name;
  }
}

TEST(LoadKeywordBank, LenientSkipsBadItems) {
  testing::TempDir dir;
  const std::string path = dir.Write("l.csv",
                                     "id,category,text,type\n"
                                     "k1,A,good,\n"
                                     "k2,Z,bad category,\n"
                                     "k1,B,duplicate,\n"
                                     "k3,A,,\n"
                                     "k4,A,bad type,glob\n"
                                     "k5,B,\xff,\n"
                                     "k6,B,also good,regex\n");
  std::vector<std::string> warnings;
  auto r = Load(path, /*lenient=*/true, &warnings);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].id, "k1");
  EXPECT_EQ((*r)[1].id, "k6");
  ASSERT_EQ(warnings.size(), 5u);
  EXPECT_EQ(warnings[0], path + ":3: field 'category': unknown category 'Z'");
  EXPECT_THAT(warnings[1], HasSubstr(path + ":4: field 'id': duplicate id 'k1'"));
  EXPECT_EQ(warnings[2], path + ":5: field 'text': empty value");
  EXPECT_THAT(warnings[3], HasSubstr(path + ":6: field 'type':"));
  EXPECT_EQ(warnings[4], path + ":7: field 'text': invalid UTF-8");
  // Null warnings pointer is allowed.
  EXPECT_TRUE(Load(path, true, nullptr).ok());
  // A missing column is not an item problem: still an error.
  const std::string no_text = dir.Write("n.csv", "id,category\nk,A\n");
  EXPECT_FALSE(Load(no_text, true, &warnings).ok());
}

TEST(LoadKeywordBank, FileProblems) {
  testing::TempDir dir;
  auto unknown = Load(dir.Write("x.txt", "id,category,text\n"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("unknown bank format"));
  auto missing = Load(dir.path() + "/none.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError);
  auto empty_csv = Load(dir.Write("e.csv", ""));
  EXPECT_FALSE(empty_csv.ok());
  auto empty_jsonl = Load(dir.Write("e.jsonl", ""));
  ASSERT_TRUE(empty_jsonl.ok());
  EXPECT_TRUE(empty_jsonl->empty());
  auto header_only = Load(dir.Write("h.csv", "id,category,text\n"));
  ASSERT_TRUE(header_only.ok());
  EXPECT_TRUE(header_only->empty());
}

// ----- LoadBank: every kind, directories, the generic fields -----

Result<Bank> LoadKind(const std::string& path, BankKind kind, bool lenient = false,
                      std::vector<std::string>* warnings = nullptr,
                      std::vector<std::string> topics = {}) {
  BankLoadOptions options;
  options.lenient = lenient;
  options.topics = std::move(topics);
  return LoadBank(path, kind, SmallTaxonomy(), options, warnings);
}

TEST(LoadBank, DirectoryOfFilesAllFields) {
  testing::TempDir dir;
  dir.Write("bank/b.jsonl",
            "{\"id\":\"g2\",\"category\":\"B\",\"lang\":\"zh-Hans\",\"text\":\"怎么做？\","
            "\"tags\":[\"t1\",\"t2\"],\"added\":\"2024-02-29\",\"keyword_id\":\"k9\","
            "\"template_id\":\"zh-03\",\"source\":\"ours\"}\n");
  dir.Write("bank/a.csv", "id,category,lang,text,added\ng1,A-1,en,How?,2026-01-31\n");
  dir.Write("bank/sub/c.yaml", "items:\n  - {id: g3, category: A, language: ru, text: \"Как?\"}\n");
  dir.Write("bank/README.md", "not a bank file\n");
  dir.Write("bank/.hidden/x.csv", "garbage\n");
  std::vector<std::string> warnings;
  auto r = LoadKind(dir.path() + "/bank", BankKind::kGenerated, false, &warnings);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(warnings.empty());
  ASSERT_EQ(r->items.size(), 3u);
  ASSERT_EQ(r->files.size(), 3u);
  EXPECT_EQ(r->items[0].id, "g1");  // a.csv first (sorted paths)
  EXPECT_EQ(r->items[0].added, "2026-01-31");
  EXPECT_EQ(r->items[0].line, 2u);
  const BankItem& g2 = r->items[1];
  EXPECT_EQ(g2.lang, "zh-Hans");
  EXPECT_EQ(g2.tags, (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(g2.keyword_id, "k9");
  EXPECT_EQ(g2.template_id, "zh-03");
  EXPECT_EQ(g2.source, "ours");
  EXPECT_EQ(r->items[2].lang, "ru");
  EXPECT_EQ(r->items[2].file, dir.path() + "/bank/sub/c.yaml");
}

TEST(LoadBank, DuplicateIdsAcrossFiles) {
  testing::TempDir dir;
  dir.Write("d/1.csv", "id,category,lang,text\nq1,A,en,x\n");
  dir.Write("d/2.csv", "id,category,lang,text\nq2,A,en,y\nq1,B,en,z\n");
  auto r = LoadKind(dir.path() + "/d", BankKind::kShouldRefuse);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr(dir.path() +
                                              "/d/2.csv:3: field 'id': duplicate id "
                                              "'q1' (first at " +
                                              dir.path() + "/d/1.csv:2)"));
}

TEST(LoadBank, ItemErrorsPerKind) {
  struct Case {
    const char* name;
    BankKind kind;
    const char* data;
    uint64_t line;
    const char* field;
    const char* message;
  };
  const Case cases[] = {
      {"q1.csv", BankKind::kGenerated, "id,category,text\nq,A,x\n", 1, "lang", "missing column"},
      {"q2.jsonl", BankKind::kShouldRefuse, "{\"id\":\"q\",\"category\":\"A\",\"text\":\"x\"}\n", 1,
       "lang", "missing field"},
      {"q3.csv", BankKind::kGenerated, "id,category,lang,text\nq,A,eng1sh,x\n", 2, "lang",
       "invalid BCP-47 language tag 'eng1sh'"},
      {"q4.csv", BankKind::kGenerated, "id,category,lang,text\nq,A,en_US,x\n", 2, "lang",
       "invalid BCP-47"},
      {"q5.csv", BankKind::kGenerated, "id,category,lang,text,added\nq,A,en,x,2026-02-30\n", 2,
       "added", "YYYY-MM-DD"},
      {"q6.csv", BankKind::kShouldAnswer, "id,topic,lang,text\nq,bad topic,en,x\n", 2, "category",
       "invalid topic"},
      {"q7.yaml", BankKind::kShouldRefuse, "- {id: q, category: Z, lang: en, text: x}\n", 1,
       "category", "unknown category 'Z'"},
      {"q8.csv", BankKind::kKeywords, "id,category,lang,text\nk,A,e,x\n", 2, "lang", "invalid"},
      {"q9.jsonl", BankKind::kShouldAnswer,
       "{\"id\":\"q\",\"topic\":\"cooking\",\"lang\":\"\",\"text\":\"x\"}\n", 1, "lang",
       "empty value"},
  };
  testing::TempDir dir;
  for (const Case& c : cases) {
    const std::string path = dir.Write(c.name, c.data);
    auto r = LoadKind(path, c.kind);
    ASSERT_FALSE(r.ok()) << c.name;
    std::string where = path + ":" + std::to_string(c.line) + ": field '" + c.field + "': ";
    EXPECT_THAT(r.status().message(), HasSubstr(where)) << c.name << r.status().message();
    EXPECT_THAT(r.status().message(), HasSubstr(c.message)) << c.name << r.status().message();
  }
}

TEST(LoadBank, TopicsAndLenient) {
  testing::TempDir dir;
  const std::string path = dir.Write("a.csv",
                                     "id,topic,lang,text\n"
                                     "a1,cooking,en,How do I bake bread?\n"
                                     "a2,history,zh,长城有多长？\n"
                                     "a3,chemistry,ru,Что такое кислота?\n");
  auto all = LoadKind(path, BankKind::kShouldAnswer);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->items[1].category, "history");
  EXPECT_FALSE(LoadKind(path, BankKind::kShouldAnswer, false, nullptr, {"cooking"}).ok());
  std::vector<std::string> warnings;
  auto some = LoadKind(path, BankKind::kShouldAnswer, true, &warnings, {"cooking", "history"});
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(some->items.size(), 2u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], path + ":4: field 'category': unknown topic 'chemistry'");
}

TEST(LanguageTags, Syntax) {
  for (const char* ok :
       {"en", "EN", "zh-Hans", "zh-Hans-CN", "ru-RU", "es-419", "sl-rozaj", "de-CH-1901",
        "en-US-x-twain", "x-private", "yue", "zh-yue-HK", "en-a-bbb-x-a-ccc", "und"}) {
    EXPECT_TRUE(IsValidLanguageTag(ok)) << ok;
  }
  for (const char* bad : {"", "e", "en_US", "english1", "en-", "-en", "en--US", "zh-Hans-CN-x",
                          "en-a", "123", "en-US-toolongvariant"}) {
    EXPECT_FALSE(IsValidLanguageTag(bad)) << bad;
  }
  EXPECT_TRUE(IsValidDate("2024-02-29"));
  EXPECT_FALSE(IsValidDate("2023-02-29"));
  EXPECT_FALSE(IsValidDate("2023-2-01"));
  EXPECT_TRUE(IsValidTopic("cooking.bread-2"));
  EXPECT_FALSE(IsValidTopic("-x"));
}

TEST(LoadBank, BlnsStringsAsItemTexts) {
  const std::string blns = std::string(SAFEGATE_SHARED_DATA) + "/blns";
  if (!std::filesystem::exists(blns)) GTEST_SKIP() << "no " << blns;
  std::vector<std::string> strings;
  for (const auto& e : std::filesystem::recursive_directory_iterator(blns)) {
    if (!e.is_regular_file() || e.path().extension() != ".txt") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      strings.push_back(line);
    }
  }
  if (strings.empty()) GTEST_SKIP() << "no blns .txt files";
  std::string csv = "id,category,lang,text\n";
  size_t expected = 0;
  for (size_t i = 0; i < strings.size(); ++i) {
    const std::string& s = strings[i];
    std::string quoted;
    for (char c : s) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    csv += "b" + std::to_string(i) + ",A,en,\"" + quoted + "\"\n";
    const bool blank = s.find_first_not_of(" \t\r\n\f\v") == std::string::npos;
    if (!blank && text::CountInvalid(s) == 0) ++expected;
  }
  testing::TempDir dir;
  const std::string path = dir.Write("blns.csv", csv);
  std::vector<std::string> warnings;
  auto r = LoadKind(path, BankKind::kShouldRefuse, true, &warnings);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->items.size(), expected);
  for (const BankItem& item : r->items) {
    EXPECT_EQ(item.text, strings[std::stoul(item.id.substr(1))]);
  }
}

TEST(ReadBankFiles, ParseBankGivesWhatLoadBankGives) {
  testing::TempDir dir;
  dir.Write("bank/b.csv", "id,category,text\nk2,B,beta\nk2,A,dup\n");
  dir.Write("bank/a.jsonl", "{\"id\":\"k1\",\"category\":\"A\",\"text\":\"alpha\"}\n");
  dir.Write("bank/notes.txt", "ignored");
  dir.Write("bank/.hidden/c.csv", "id,category,text\nk9,A,hidden\n");
  auto files = ReadBankFiles(dir.path() + "/bank");
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].path, dir.path() + "/bank/a.jsonl");
  EXPECT_EQ((*files)[1].data, "id,category,text\nk2,B,beta\nk2,A,dup\n");
  BankLoadOptions lenient;
  lenient.lenient = true;
  std::vector<std::string> w1, w2;
  auto loaded = LoadBank(dir.path() + "/bank", BankKind::kKeywords, SmallTaxonomy(), lenient, &w1);
  auto parsed = ParseBank(*files, BankKind::kKeywords, SmallTaxonomy(), lenient, &w2);
  ASSERT_TRUE(loaded.ok() && parsed.ok());
  ASSERT_EQ(parsed->items.size(), loaded->items.size());
  for (size_t i = 0; i < parsed->items.size(); ++i) {
    EXPECT_EQ(parsed->items[i].id, loaded->items[i].id);
    EXPECT_EQ(parsed->items[i].file, loaded->items[i].file);
    EXPECT_EQ(parsed->items[i].line, loaded->items[i].line);
  }
  EXPECT_EQ(parsed->files, loaded->files);
  EXPECT_EQ(w2, w1);
  ASSERT_EQ(w1.size(), 1u);
  EXPECT_THAT(w1[0], HasSubstr("b.csv:3: field 'id'"));
  // Errors: a file of unknown format given directly, a missing file.
  const std::string txt = dir.Write("x.txt", "id,category,text\n");
  auto unknown = ReadBankFiles(txt);
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("unknown bank format"));
  EXPECT_FALSE(ReadBankFiles(dir.path() + "/missing.csv").ok());
}

}  // namespace
}  // namespace safegate::policy
