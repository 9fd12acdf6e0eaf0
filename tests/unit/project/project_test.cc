// The project file: every section into one typed struct, errors at file:line
// and key, unknown keys as documented in project/project.h.
#include "safegate/project/project.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../temp_dir.h"
#include "safegate/project/profile.h"

namespace safegate::project {
namespace {

// The message of a failed parse ("" when it parsed).
std::string ErrorOf(std::string_view yaml, const std::string& path = "p/safegate.yaml") {
  auto r = ParseProject(yaml, path);
  return r.ok() ? "" : r.status().message();
}

constexpr const char* kFull = R"(schema: safegate.project/1
policy: policy.yaml
profile: profiles/strict.yaml
seed: 7
future_section: {anything: 1}
corpus:
  sources:
    - name: forum
      paths: [corpus/forum/*.jsonl]
      text_field: body
  sample: {per_source: 40, seed: 3}
  labels: labels/corpus.csv
banks:
  keywords: banks/keywords.csv
  should_refuse: [banks/refuse.jsonl, banks/refuse2.jsonl]
  topics: [cooking]
eval:
  store: out/runs.db
  banks:
    should-answer: banks/answer.yaml
  target:
    kind: openai
    base_url: http://127.0.0.1:8000/v1
    model: m
    headers: {X-A: b}
    concurrency: 8
moderation:
  db: sqlite:mod/serve.db
  days: 14
  reviewers: 2
assess:
  out: report
  today: 2026-11-26
  lang: zh
)";

TEST(ParseProject, ReadsEverySectionIntoOneStruct) {
  auto p = ParseProject(kFull, "proj/safegate.yaml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->base_dir, "proj");
  EXPECT_EQ(p->policy_path, "proj/policy.yaml");
  EXPECT_EQ(p->profile, "profiles/strict.yaml");
  EXPECT_TRUE(p->has_seed);
  EXPECT_EQ(p->seed, 7u);
  ASSERT_EQ(p->sources.size(), 1u);
  EXPECT_EQ(p->sources[0].text_field, "body");
  EXPECT_EQ(p->sample_per_source, 40u);
  EXPECT_EQ(p->sample_seed, 3u);
  EXPECT_EQ(p->corpus_labels, "proj/labels/corpus.csv");
  EXPECT_EQ(p->banks.at("keywords"), std::vector<std::string>{"proj/banks/keywords.csv"});
  EXPECT_EQ(p->banks.at("should_refuse").size(), 2u);
  EXPECT_EQ(p->topics, std::vector<std::string>{"cooking"});
  // eval: the top-level profile and seed are its defaults.
  EXPECT_EQ(p->eval.profile, "proj/profiles/strict.yaml");
  EXPECT_TRUE(p->eval.has_seed);
  EXPECT_EQ(p->eval.seed, 7u);
  EXPECT_EQ(p->eval.store, "proj/out/runs.db");
  EXPECT_EQ(p->eval.banks.at("should_answer"), "proj/banks/answer.yaml");
  ASSERT_TRUE(p->eval.has_target);
  EXPECT_EQ(p->eval.target.concurrency, 8);
  EXPECT_EQ(p->eval.target.headers.at(0).value, "b");
  ASSERT_TRUE(p->has_moderation);
  EXPECT_EQ(p->moderation.db, "sqlite:mod/serve.db");
  EXPECT_EQ(p->moderation.db_path, "proj/mod/serve.db");
  EXPECT_EQ(p->moderation.days, 14);
  EXPECT_EQ(p->moderation.reviewers, 2);
  EXPECT_EQ(p->assess.out_dir, "report");
  EXPECT_EQ(p->assess.today, "2026-11-26");
  EXPECT_EQ(p->assess.lang, i18n::Lang::kZh);
  // Lines of keys, for errors about what they name.
  EXPECT_EQ(p->LineOf("policy"), 2u);
  EXPECT_EQ(p->LineOf("banks.should_refuse"), 15u);
  EXPECT_EQ(p->LineOf("moderation.db"), 28u);
  EXPECT_EQ(p->LineOf("nope"), 0u);
  EXPECT_EQ(p->ErrorAt("corpus.labels", "no such file").message(),
            "proj/safegate.yaml:12: field 'corpus.labels': no such file");
}

// corpus.max_ratio: the compression-bomb guard (--max-ratio), 0 = no limit.
TEST(ParseProject, CorpusMaxRatio) {
  auto p = ParseProject("policy: p.yaml\ncorpus:\n  max_ratio: 0\n", "safegate.yaml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->has_max_ratio);
  EXPECT_EQ(p->max_ratio, 0u);
  p = ParseProject("policy: p.yaml\ncorpus: {max_ratio: 50}\n", "safegate.yaml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->has_max_ratio);
  EXPECT_EQ(p->max_ratio, 50u);
  p = ParseProject("policy: p.yaml\n", "safegate.yaml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_FALSE(p->has_max_ratio);
}

TEST(ParseProject, AProjectInTheCurrentDirectoryKeepsEvalPathsAsWritten) {
  auto p = ParseProject("policy: p.yaml\nprofile: gbt-45654\neval: {store: ./runs.db}\n",
                        "safegate.yaml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->policy_path, "p.yaml");
  EXPECT_EQ(p->eval.store, "./runs.db");
  EXPECT_EQ(p->eval.profile, "gbt-45654");  // a built-in name is not a path
  EXPECT_FALSE(p->eval.has_seed);
}

// Each bad key is named with the file and its line.
TEST(ParseProject, ABadKeyIsAnErrorNamingFileLineAndKey) {
  const std::string head = "policy: p.yaml\n";
  EXPECT_EQ(ErrorOf(head + "banks:\n  keywords: k.csv\n  colour: red\n"),
            "p/safegate.yaml:4: field 'banks.colour': unknown key (keywords, generated, "
            "should_refuse, should_answer, topics)");
  EXPECT_EQ(ErrorOf(head + "corpus:\n  colour: 1\n"),
            "p/safegate.yaml:3: field 'corpus.colour': unknown key (sources, sample, labels, "
            "max_ratio)");
  EXPECT_EQ(ErrorOf(head + "eval:\n  target:\n    kind: openai\n    base_url: x\n    colour: 1\n"),
            "p/safegate.yaml:6: field 'eval.target.colour': unknown key");
  EXPECT_EQ(ErrorOf(head + "eval:\n  colour: 1\n"),
            "p/safegate.yaml:3: field 'eval.colour': unknown key");
  EXPECT_EQ(ErrorOf(head + "moderation:\n  db: sqlite:x.db\n  colour: 1\n"),
            "p/safegate.yaml:4: field 'moderation.colour': unknown key (db, config, days, "
            "reviewers)");
  EXPECT_EQ(ErrorOf(head + "assess:\n  colour: blue\n"),
            "p/safegate.yaml:3: field 'assess.colour': unknown key (out, today, lang)");
  // Bad values of known keys.
  EXPECT_EQ(ErrorOf(head + "seed: -1\n"),
            "p/safegate.yaml:2: field 'seed': expected a non-negative integer");
  for (const char* bad : {"-1", "2.5", "lots", "[1]", "", "99999999999999999999"}) {
    EXPECT_EQ(ErrorOf(head + "corpus:\n  sources: []\n  max_ratio: " + bad + "\n"),
              "p/safegate.yaml:4: field 'corpus.max_ratio': must be a whole number >= 0 (times "
              "the compressed size a .gz/.zst file may decompress to; 0 = no limit)")
        << bad;
  }
  EXPECT_EQ(ErrorOf(head + "profile: [a, b]\n"),
            "p/safegate.yaml:2: field 'profile': expected a built-in name or a file");
  EXPECT_EQ(ErrorOf(head + "moderation:\n  days: 400\n  db: sqlite:x.db\n"),
            "p/safegate.yaml:3: field 'moderation.days': must be 1..90");
  EXPECT_EQ(ErrorOf(head + "assess: {today: 26.11.2026}\n"),
            "p/safegate.yaml:2: field 'assess.today': expected a date YYYY-MM-DD");
  EXPECT_EQ(ErrorOf(head + "eval:\n  verdict_basis: vibes\n"),
            "p/safegate.yaml:3: field 'eval.verdict_basis': expected auto, machine, corrected or "
            "human, got 'vibes'");
  EXPECT_NE(ErrorOf(head + "eval:\n  target:\n    kind: openai\n    base_url: x\n"
                           "    http_client: fast\n")
                .find("field 'eval.target.http_client'"),
            std::string::npos);
  EXPECT_NE(ErrorOf(head + "eval:\n  target:\n    kind: replay\n").find("eval.target.path"),
            std::string::npos);
  EXPECT_NE(ErrorOf(head + "eval:\n  reviews: [nope/labels.csv]\n").find("eval.reviews"),
            std::string::npos);
  EXPECT_NE(ErrorOf(head + "eval:\n  reviews: labels.csv\n").find("eval.reviews"),
            std::string::npos);
  EXPECT_EQ(ErrorOf(head + "schema: safegate.project/2\n"),
            "p/safegate.yaml:2: field 'schema': unsupported schema (expected safegate.project/1)");
  // The policy is required; the file must be a YAML map.
  EXPECT_EQ(ErrorOf("corpus: {}\n"),
            "p/safegate.yaml: field 'policy': the project names no policy");
  EXPECT_EQ(ErrorOf("- a\n"), "p/safegate.yaml: expected a YAML map");
}

// yaml-cpp keeps both values of a duplicate key (the readers took the first);
// aliases nested ten deep under an ignored key expand to 10^10 nodes.
TEST(ParseProject, DuplicateKeysSecondDocumentsAndNestedAliasesAreErrors) {
  EXPECT_EQ(ErrorOf("policy: p.yaml\npolicy: other.yaml\n"),
            "p/safegate.yaml:2: field 'policy': duplicate key");
  EXPECT_EQ(ErrorOf("policy: p.yaml\n---\npolicy: other.yaml\n"),
            "p/safegate.yaml:3: several YAML documents (a second '---'); the file must hold one");
  std::string laughs = "policy: p.yaml\nnotes: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 9; ++i) {
    laughs += "n" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) laughs += (j ? ", *a" : "*a") + std::to_string(i - 1);
    laughs += "]\n";
  }
  EXPECT_NE(ErrorOf(laughs).find("YAML nodes once aliases are expanded"), std::string::npos);
}

TEST(ParseProject, UnknownTopLevelKeysAreIgnored) {
  auto p = ParseProject("policy: p.yaml\nserve: {port: 1}\nnotes: hello\n", "s.yaml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_FALSE(p->has_moderation);
  EXPECT_FALSE(p->eval.has_target);
}

TEST(LoadProject, ReadsTheFileAndNamesItInErrors) {
  namespace fs = std::filesystem;
  // dir/.. is the test's own directory, which holds no safegate.yaml.
  const test_support::TempDir tmp;
  const fs::path dir = fs::path(tmp.path()) / "p";
  fs::create_directories(dir);
  std::string file = (dir / "safegate.yaml").string();
  std::ofstream(file) << "policy: p.yaml\nbanks:\n  generated: g/\n  colour: x\n";
  auto bad = LoadProject(file);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().rfind(file + ":4: field 'banks.colour'", 0), 0u)
      << bad.status().message();
  EXPECT_FALSE(LoadProject((dir / "missing.yaml").string()).ok());
  // LoadProjectIfAny: a named file is read; no name and no ./safegate.yaml: no project.
  std::ofstream(file) << "policy: p.yaml\n";
  auto some = LoadProjectIfAny(file);
  ASSERT_TRUE(some.ok()) << some.status().ToString();
  ASSERT_TRUE(some->has_value());
  EXPECT_EQ((*some)->policy_path, (dir / "p.yaml").string());
  fs::path cwd = fs::current_path();
  fs::current_path(dir / "..");
  auto none = LoadProjectIfAny("");
  fs::current_path(cwd);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(ParseSourceFlag, SplitsNameAndPaths) {
  auto s = ParseSourceFlag("forum=a.jsonl,b.jsonl", corpus::Format::kJsonl, "text", "id");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->name, "forum");
  EXPECT_EQ(s->paths, (std::vector<std::string>{"a.jsonl", "b.jsonl"}));
  EXPECT_FALSE(ParseSourceFlag("=a", corpus::Format::kJsonl, "text", "").ok());
  EXPECT_FALSE(ParseSourceFlag("forum", corpus::Format::kJsonl, "text", "").ok());
}

// One rule for the profile a command applies (project/profile.h): the flag,
// else the project's top-level profile: (a file against the project's
// directory, like eval.profile), else "" for the policy's own.
TEST(ProjectProfile, FlagThenProjectThenPolicy) {
  auto file =
      ParseProject("schema: safegate.project/1\npolicy: p.yaml\nprofile: prof/strict.yaml\n",
                   "dir/safegate.yaml");
  ASSERT_TRUE(file.ok()) << file.status().message();
  std::optional<Project> pr = *file;
  EXPECT_EQ(ProfileName(pr, "baseline"), "baseline");
  EXPECT_EQ(ProfileName(pr, ""), "dir/prof/strict.yaml");
  EXPECT_EQ(ProfileName(pr, ""), pr->eval.profile);  // the eval section's default agrees
  auto named = ParseProject("schema: safegate.project/1\npolicy: p.yaml\nprofile: tc260-2024\n",
                            "dir/safegate.yaml");
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(ProfileName(*named, ""), "tc260-2024");  // a built-in name stays a name
  auto none = ParseProject("schema: safegate.project/1\npolicy: p.yaml\n", "dir/safegate.yaml");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(ProfileName(*none, ""), "");
  EXPECT_EQ(ProfileName(std::nullopt, ""), "");
  EXPECT_EQ(ProfileName(std::nullopt, "x.yaml"), "x.yaml");
}

}  // namespace
}  // namespace safegate::project
