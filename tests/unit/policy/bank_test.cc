#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "safegate/policy/policy.h"
#include "unit/policy/test_util.h"

namespace safegate::policy {
namespace {

using ::testing::HasSubstr;

Taxonomy SmallTaxonomy() {
  Taxonomy t;
  EXPECT_TRUE(t.Add({"A", "Alpha", "", ""}).ok());
  EXPECT_TRUE(t.Add({"A-1", "Alpha one", "A", ""}).ok());
  EXPECT_TRUE(t.Add({"B", "Beta", "", ""}).ok());
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

}  // namespace
}  // namespace safegate::policy
