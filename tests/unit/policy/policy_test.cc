#include "safegate/policy/policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "safegate/policy/yaml_util.h"
#include "unit/policy/test_util.h"

namespace safegate::policy {
namespace {

using ::testing::HasSubstr;

TEST(LoadPolicy, ResolvesProfileTaxonomyNormalizeAndBanks) {
  testing::TempDir dir;
  dir.Write("banks/kw.csv", "id,category,text\n1,S1,knife\n");
  const std::string path = dir.Write("policy.yaml", R"(schema: safegate.policy/1
id: demo-policy
version: "1"
profile: baseline
taxonomy:
  inherit: true
  categories:
    - {id: X.1, name: "Internal rule"}
    - {id: X.1-a, name: "Sub rule", parent: X.1}
normalize:
  t2s: false
  strip_separators: yes
keyword_banks:
  - banks/kw.csv
)");
  Result<Policy> r = LoadPolicy(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->id, "demo-policy");
  EXPECT_EQ(r->version, "1");
  EXPECT_EQ(r->path, path);
  EXPECT_EQ(r->profile.id, "baseline");
  EXPECT_EQ(r->taxonomy.categories().size(), 15u);
  EXPECT_TRUE(r->taxonomy.Contains("S1"));
  EXPECT_EQ(r->taxonomy.Root("X.1-a"), "X.1");
  EXPECT_FALSE(r->normalize.t2s);
  EXPECT_TRUE(r->normalize.strip_separators);
  EXPECT_TRUE(r->normalize.nfkc);
  ASSERT_EQ(r->keyword_banks.size(), 1u);
  EXPECT_EQ(r->keyword_banks[0], dir.path() + "/banks/kw.csv");
}

TEST(LoadPolicy, ProfilePathRelativeToPolicyAndNoInherit) {
  testing::TempDir dir;
  dir.Write("profiles/p.yaml",
            "schema: safegate.profile/1\nid: p\nversion: \"1\"\ntaxonomy:\n  - {id: P}\n");
  const std::string path = dir.Write("sub/../policy.yaml",
                                     "schema: safegate.policy/1\nid: x\nversion: \"2\"\n"
                                     "profile: profiles/p.yaml\ntaxonomy:\n  inherit: false\n"
                                     "  categories:\n    - {id: Mine}\n");
  Result<Policy> r = LoadPolicy(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->profile.id, "p");
  EXPECT_FALSE(r->taxonomy.Contains("P"));
  EXPECT_TRUE(r->taxonomy.Contains("Mine"));
}

struct BadPolicy {
  const char* yaml;
  uint64_t line;
  const char* field;
  const char* message;
};

TEST(ParsePolicy, ErrorsNameLineAndField) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/pol.yaml";
  const std::string head = "schema: safegate.policy/1\nid: x\nversion: \"1\"\n";  // 3 lines
  const BadPolicy cases[] = {
      {"schema: safegate.policy/9\n", 1, "schema", "expected 'safegate.policy/1'"},
      {"schema: safegate.policy/1\nid: x\nversion: \"1\"\n", 1, "profile", "missing field"},
      {"profile: baseline\nnormalize:\n  nfkc: false\n  lowercase: true\n", 7,
       "normalize.lowercase", "unknown normalisation switch"},
      {"profile: baseline\nnormalize:\n  nfkc: maybe\n", 6, "normalize.nfkc", "true or false"},
      {"profile: baseline\nkeyword_banks:\n  - missing.csv\n", 6, "keyword_banks",
       "does not exist"},
      {"profile: no-such-profile\n", 4, "profile", "neither a built-in profile"},
      {"profile: baseline\ncolour: red\n", 5, "colour", "unknown key"},
      {"profile: baseline\ntaxonomy:\n  categories:\n    - {id: S1}\n", 7, "id",
       "duplicate category id 'S1'"},
      {"profile: baseline\ntaxonomy:\n  categories:\n    - {id: Q, parent: Nope}\n", 7, "parent",
       "unknown parent 'Nope'"},
      {"profile: baseline\nkeyword_banks: x.csv\n", 5, "keyword_banks", "must be a list"},
  };
  for (const BadPolicy& c : cases) {
    const std::string yaml = std::string(c.yaml).rfind("schema", 0) == 0 ? c.yaml : head + c.yaml;
    Result<Policy> r = ParsePolicy(yaml, path);
    ASSERT_FALSE(r.ok()) << yaml;
    std::string where = path + ":" + std::to_string(c.line) + ": ";
    if (*c.field) where += "field '" + std::string(c.field) + "': ";
    EXPECT_THAT(r.status().message(), HasSubstr(where)) << yaml;
    EXPECT_THAT(r.status().message(), HasSubstr(c.message)) << yaml;
  }
}

TEST(ParsePolicy, NeverThrowsOnGarbage) {
  for (const char* text : {"", "[", "{a: [}", "- - - -", "schema: [1, 2]", "\x01\x02\xff",
                           "schema: safegate.policy/1\nid: {a: b}\n", "? [a]\n: b\n"}) {
    Result<Policy> r = ParsePolicy(text, "g.yaml");
    EXPECT_FALSE(r.ok()) << text;
    Result<Profile> p = ParseProfile(text, "g.yaml");
    EXPECT_FALSE(p.ok()) << text;
  }
}

// Hostile files: what yaml-cpp accepts but a reader would misread (a duplicate
// key, a second document, a tag) or pay minutes and gigabytes for (nested
// aliases, cycles, deep nesting, a huge file) is an error naming the line.
TEST(ParsePolicy, HostileYamlIsAnErrorNamingTheLine) {
  const std::string head =
      "schema: safegate.policy/1\nid: x\nversion: \"1\"\nprofile: baseline\n";  // 4 lines
  std::string laughs = "title: &a0 [x, x, x, x, x, x, x, x, x, x]\n";           // line 5
  for (int i = 1; i <= 9; ++i) {
    laughs += "t" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) laughs += (j ? ", *a" : "*a") + std::to_string(i - 1);
    laughs += "]\n";
  }
  const std::string deep = "title: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  const BadPolicy cases[] = {
      {"id: y\n", 5, "id", "duplicate key"},
      {"normalize:\n  nfkc: true\n  nfkc: false\n", 7, "nfkc", "duplicate key"},
      {"---\nschema: other\n", 6, "", "several YAML documents"},
      {"title: !!binary aGVsbG8=\n", 5, "", "unsupported YAML tag 'tag:yaml.org,2002:binary'"},
      {"title: !custom x\n", 5, "", "unsupported YAML tag '!custom'"},
      {laughs.c_str(), 0, "", "YAML nodes once aliases are expanded"},
      {"title: &a [*a]\n", 5, "", "nested deeper than 1000 levels through aliases"},
      {deep.c_str(), 5, "", "invalid YAML: nested deeper than"},
  };
  for (const BadPolicy& c : cases) {
    const std::string yaml = head + c.yaml;
    Result<Policy> r = ParsePolicy(yaml, "p.yaml");
    ASSERT_FALSE(r.ok()) << yaml.substr(0, 200);
    std::string where = "p.yaml:";
    if (c.line) where += std::to_string(c.line) + ": ";
    if (*c.field) where += "field '" + std::string(c.field) + "': ";
    EXPECT_THAT(r.status().message(), HasSubstr(where)) << yaml.substr(0, 200);
    EXPECT_THAT(r.status().message(), HasSubstr(c.message)) << yaml.substr(0, 200);
  }
  // A file over the limit is refused before it is parsed.
  const std::string huge =
      head + "title: \"" + std::string(internal::kMaxConfigBytes, 'a') + "\"\n";
  Result<Policy> r = ParsePolicy(huge, "p.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("bytes; the limit is 16777216"));
  // An empty document after a trailing '---' and the core tags are fine.
  EXPECT_TRUE(ParsePolicy(head + "title: !!str x\n---\n", "p.yaml").ok());
  // A 60-byte file (found by the bank fuzzer) on which yaml-cpp's LoadAll
  // made empty documents without end, taking 2 GB: read in one pass now.
  const std::string broken(
      "\"A\",\"text\":\x10\"ca\xef"
      "egory\":\"A\",\"text\":\"bomb\",\"tags\":[\"a\"]}\n{ue}\n");
  ASSERT_EQ(broken.size(), 60u);
  (void)internal::ParseYaml(broken, "p.yaml");  // an error or not, but it returns
  // Aliases are fine while they expand to no more than twice the file's size
  // in nodes plus 1,024: one list of 600 items used twice is; the same list
  // used 40 times (24,000 nodes from a file of a few kilobytes) is not.
  std::string list = "&l [";
  for (int i = 0; i < 600; ++i) list += i ? ",1" : "1";
  list += "]";
  auto twice = internal::ParseYaml("a: " + list + "\nb: *l\n", "p.yaml");
  EXPECT_TRUE(twice.ok()) << twice.status().ToString();
  std::string many = "a: " + list + "\nb: [";
  for (int i = 0; i < 40; ++i) many += i ? ", *l" : "*l";
  auto forty = internal::ParseYaml(many + "]\n", "p.yaml");
  ASSERT_FALSE(forty.ok());
  EXPECT_THAT(forty.status().message(), HasSubstr("YAML nodes once aliases are expanded"));
}

}  // namespace
}  // namespace safegate::policy
