// `safegate bank lint|stats|sample|generate`: the keyword and question banks.
// Every subcommand reads banks through policy::LoadBank (one loader).
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "common.h"
#include "safegate/bank/generate.h"
#include "safegate/bank/lint.h"
#include "safegate/bank/paraphrase.h"
#include "safegate/bank/sample.h"
#include "safegate/bank/write.h"
#include "safegate/base/clock.h"
#include "safegate/base/file.h"
#include "safegate/base/json.h"
#include "safegate/judge/refusal.h"
#include "safegate/policy/bank.h"
#include "safegate/project/profile.h"

namespace safegate::cli {
namespace {

using policy::BankKind;

struct BankFlags {
  std::string project;
  std::string policy;
  std::string profile;
  std::map<BankKind, std::vector<std::string>> paths;  // from --keywords etc.
  std::vector<std::string> topics;
  bool lenient = false;

  void AddTo(CLI::App* app, bool with_profile = true) {
    app->add_option("--project,-P", project,
                    "Project file (default: ./safegate.yaml when present); its banks: section "
                    "names the banks");
    app->add_option("--policy", policy, "Policy file (overrides the project's)");
    if (with_profile) {
      app->add_option("--profile", profile,
                      "Profile whose rules apply (built-in name or file; default: the "
                      "project's profile:, else the policy's)");
    }
    app->add_option("--keywords", paths[BankKind::kKeywords],
                    "Keyword bank file or directory (repeatable; overrides the project)");
    app->add_option("--generated", paths[BankKind::kGenerated],
                    "Generated-content question bank (repeatable)");
    app->add_option("--should-refuse", paths[BankKind::kShouldRefuse],
                    "Should-refuse question bank (repeatable)");
    app->add_option("--should-answer", paths[BankKind::kShouldAnswer],
                    "Should-answer question bank (repeatable)");
    app->add_option("--topic", topics,
                    "A should-answer topic that must be covered (repeatable; default: the "
                    "project's banks.topics). When given, other topics are errors");
    app->add_flag("--lenient", lenient, "Skip bad bank items with a warning instead of failing");
  }
};

struct Context {
  std::optional<policy::Policy> policy;
  policy::Profile profile;
  policy::Taxonomy taxonomy;       // categories bank items may name
  policy::Taxonomy rule_taxonomy;  // categories the profile's rules are applied to
  text::NormalizeOptions normalize;
  std::map<BankKind, std::vector<std::string>> banks;  // kinds to read, in kind order
  std::vector<std::string> topics;
};

Result<Context> LoadContext(const BankFlags& flags, const std::string& profile_override = "") {
  Context ctx;
  SAFEGATE_ASSIGN_OR_RETURN(std::optional<project::Project> project,
                            project::LoadProjectIfAny(flags.project));
  const std::string policy_path =
      !flags.policy.empty() ? flags.policy : (project ? project->policy_path : "");
  if (!policy_path.empty()) {
    SAFEGATE_ASSIGN_OR_RETURN(ctx.policy, policy::LoadPolicy(policy_path));
  }
  // --profile (or the caller's), else the project's profile:, else the policy's.
  const std::string profile_name =
      project::ProfileName(project, !profile_override.empty() ? profile_override : flags.profile);
  if (!profile_name.empty()) {
    SAFEGATE_ASSIGN_OR_RETURN(ctx.profile, policy::LoadProfile(profile_name));
  } else if (ctx.policy) {
    ctx.profile = ctx.policy->profile;
  } else {
    return InvalidArgumentError(
        "no policy or profile: give --policy FILE, --profile NAME or a project (--project)");
  }
  if (ctx.policy) {
    ctx.taxonomy = ctx.policy->taxonomy;
    ctx.normalize = ctx.policy->normalize;
    ctx.rule_taxonomy =
        ctx.policy->profile.id == ctx.profile.id ? ctx.policy->taxonomy : ctx.profile.taxonomy;
  } else {
    ctx.taxonomy = ctx.profile.taxonomy;
    ctx.rule_taxonomy = ctx.profile.taxonomy;
  }
  bool any_flag = false;
  for (const auto& [k, v] : flags.paths) any_flag |= !v.empty();
  if (any_flag) {
    for (const auto& [k, v] : flags.paths) {
      if (!v.empty()) ctx.banks[k] = v;
    }
  } else {
    if (project) {
      for (const auto& [name, v] : project->banks) {
        if (auto k = policy::ParseBankKind(name); k && !v.empty()) ctx.banks[*k] = v;
      }
    }
    if (!ctx.banks.count(BankKind::kKeywords) && ctx.policy && !ctx.policy->keyword_banks.empty()) {
      ctx.banks[BankKind::kKeywords] = ctx.policy->keyword_banks;
    }
  }
  ctx.topics = !flags.topics.empty() ? flags.topics
                                     : (project ? project->topics : std::vector<std::string>{});
  if (ctx.banks.empty()) {
    return InvalidArgumentError(
        "no banks: name them with --keywords/--generated/--should-refuse/--should-answer or in "
        "the project's banks: section");
  }
  return ctx;
}

Result<policy::Bank> Load(const Context& ctx, BankKind kind, bool lenient) {
  policy::BankLoadOptions options;
  options.lenient = lenient;
  if (!ctx.topics.empty() && kind == BankKind::kShouldAnswer) options.topics = ctx.topics;
  std::vector<std::string> warnings;
  auto bank = policy::LoadBanks(ctx.banks.at(kind), kind, ctx.taxonomy, options, &warnings);
  for (const auto& w : warnings) std::fprintf(stderr, "safegate: warning: %s\n", w.c_str());
  return bank;
}

Result<std::vector<std::string>> ReadWordlist(const std::string& path) {
  SAFEGATE_ASSIGN_OR_RETURN(std::string data, ReadFile(path));
  std::vector<std::string> words;
  size_t start = 0;
  while (start < data.size()) {
    size_t nl = data.find('\n', start);
    if (nl == std::string::npos) nl = data.size();
    std::string w = data.substr(start, nl - start);
    while (!w.empty() && (w.back() == '\r' || w.back() == ' ' || w.back() == '\t')) w.pop_back();
    if (!w.empty() && w[0] != '#') words.push_back(std::move(w));
    start = nl + 1;
  }
  return words;
}

// ----- lint -----

struct LintFlags {
  BankFlags bank;
  std::string json;
  std::string today;
  std::string wordlist;
  double threshold = 0.7;
  size_t max_listed = 50;
  size_t fp_min_words = 3;
  double ordinary_share = 0.02;
  int threads = 0;
};

int RunLint(const LintFlags& f) {
  auto ctx = LoadContext(f.bank);
  if (!ctx.ok()) return Fail(ctx.status());
  bank::LintOptions options;
  options.normalize = ctx->normalize;
  options.today = f.today.empty() ? UtcDate() : f.today;
  options.near_threshold = f.threshold;
  options.max_listed = f.max_listed;
  options.fp_min_words = f.fp_min_words;
  options.ordinary_min_share = f.ordinary_share;
  options.threads = f.threads;
  options.topics = ctx->topics;
  if (!f.wordlist.empty()) {
    auto words = ReadWordlist(f.wordlist);
    if (!words.ok()) return Fail(words.status());
    options.wordlist = std::move(*words);
  }
  std::vector<bank::LintReport> reports;
  for (const auto& [kind, paths] : ctx->banks) {
    auto b = Load(*ctx, kind, f.bank.lenient);
    if (!b.ok()) return Fail(b.status());
    auto r = bank::LintBank(*b, ctx->profile, ctx->rule_taxonomy, options);
    if (!r.ok()) return Fail(r.status());
    reports.push_back(std::move(*r));
  }
  std::printf("safegate bank lint: profile %s (%s), today %s\n", ctx->profile.id.c_str(),
              ctx->profile.origin.c_str(), options.today.c_str());
  bool passed = true;
  for (const bank::LintReport& r : reports) {
    std::printf("\n%s", bank::LintTable(r).c_str());
    passed &= r.passed();
  }
  if (!f.json.empty()) {
    Status s = WriteFileAtomic(f.json, bank::LintJson(reports, ctx->profile, options.today));
    if (!s.ok()) return Fail(s);
  }
  std::printf("\nbank lint: %s\n", passed ? "PASS" : "FAIL (a profile rule is not met)");
  return passed ? kExitOk : kExitGateFailed;
}

// ----- stats -----

int RunStats(const BankFlags& flags, const std::string& json_path) {
  auto ctx = LoadContext(flags);
  if (!ctx.ok()) return Fail(ctx.status());
  nlohmann::ordered_json doc;
  doc["schema"] = "safegate.bank-stats/1";
  nlohmann::ordered_json banks = nlohmann::ordered_json::array();
  for (const auto& [kind, paths] : ctx->banks) {
    auto b = Load(*ctx, kind, flags.lenient);
    if (!b.ok()) return Fail(b.status());
    std::map<std::string, std::map<std::string, size_t>> counts;
    std::set<std::string> langs;
    std::string newest;
    for (const policy::BankItem& i : b->items) {
      const std::string l = i.lang.empty() ? "und" : i.lang;
      ++counts[i.category][l];
      langs.insert(l);
      if (i.added > newest) newest = i.added;
    }
    std::printf("== %s bank: %zu items in %zu file(s)%s\n",
                std::string(policy::BankKindName(kind)).c_str(), b->items.size(), b->files.size(),
                newest.empty() ? "" : (", newest added " + newest).c_str());
    std::printf("  %-14s %7s", kind == BankKind::kShouldAnswer ? "topic" : "category", "items");
    for (const auto& l : langs) std::printf(" %7s", l.substr(0, 7).c_str());
    std::printf("\n");
    std::map<std::string, size_t> per_lang;
    for (const auto& [c, m] : counts) {
      size_t total = 0;
      for (const auto& [l, n] : m) {
        total += n;
        per_lang[l] += n;
      }
      std::printf("  %-14s %7zu", c.substr(0, 14).c_str(), total);
      for (const auto& l : langs) {
        auto it = m.find(l);
        std::printf(" %7zu", it == m.end() ? size_t{0} : it->second);
      }
      std::printf("\n");
    }
    std::printf("  %-14s %7zu", "total", b->items.size());
    for (const auto& l : langs) std::printf(" %7zu", per_lang[l]);
    std::printf("\n");
    banks.push_back({{"kind", std::string(policy::BankKindName(kind))},
                     {"files", b->files},
                     {"items", b->items.size()},
                     {"newest_added", newest},
                     {"languages", per_lang},
                     {"categories", counts}});
  }
  doc["banks"] = banks;
  if (!json_path.empty()) {
    Status s = WriteFileAtomic(json_path, DumpJson(doc, 2) + "\n");
    if (!s.ok()) return Fail(s);
  }
  return kExitOk;
}

// ----- sample -----

struct SampleFlags {
  BankFlags bank;
  std::string kind;
  size_t n = 0;
  uint64_t seed = 0;
  std::string out;
};

int RunSample(const SampleFlags& f) {
  auto kind = policy::ParseBankKind(f.kind);
  if (!kind) return Fail(InvalidArgumentError("--kind: unknown bank kind '" + f.kind + "'"));
  auto ctx = LoadContext(f.bank);
  if (!ctx.ok()) return Fail(ctx.status());
  if (!ctx->banks.count(*kind)) {
    return Fail(InvalidArgumentError("no " + f.kind + " bank (flags or project banks: section)"));
  }
  size_t n = f.n;
  if (n == 0) {
    auto size = bank::ProfileSampleSize(ctx->profile, *kind);
    if (!size.ok()) return Fail(size.status());
    n = *size;
  }
  auto b = Load(*ctx, *kind, f.bank.lenient);
  if (!b.ok()) return Fail(b.status());
  auto sample = bank::DrawSample(*b, {.total = n, .seed = f.seed});
  if (!sample.ok()) return Fail(sample.status());
  Status s = bank::WriteItems(f.out, *sample, *kind);
  if (!s.ok()) return Fail(s);
  std::map<std::string, std::pair<size_t, size_t>> per;  // drawn, available
  for (const auto& i : b->items) ++per[i.category].second;
  for (const auto* i : *sample) ++per[i->category].first;
  std::fprintf(stderr, "bank sample: %zu of %zu %s items (asked %zu, seed %llu) -> %s\n",
               sample->size(), b->items.size(), f.kind.c_str(), n,
               static_cast<unsigned long long>(f.seed), f.out.c_str());
  for (const auto& [c, p] : per) {
    std::fprintf(stderr, "  %-14s %6zu of %6zu\n", c.c_str(), p.first, p.second);
  }
  if (sample->size() < n) {
    std::fprintf(stderr, "safegate: warning: the bank has fewer items (%zu) than asked (%zu)\n",
                 b->items.size(), n);
  }
  return kExitOk;
}

// ----- generate -----

struct GenerateFlags {
  BankFlags bank;
  size_t per_category = 0;
  std::string meet_profile;
  std::vector<std::string> categories;
  uint64_t seed = 0;
  std::string added;
  std::string out;
  std::string paraphrase_url;
  std::string paraphrase_model = "default";
};

int RunGenerate(const GenerateFlags& f) {
  if ((f.per_category == 0) == f.meet_profile.empty()) {
    return Fail(InvalidArgumentError("give exactly one of --per-category N and --meet-profile P"));
  }
  auto ctx = LoadContext(f.bank, f.meet_profile);
  if (!ctx.ok()) return Fail(ctx.status());
  if (!ctx->banks.count(BankKind::kKeywords)) {
    return Fail(InvalidArgumentError("no keyword bank (--keywords, project or policy)"));
  }
  std::string added = f.added == "today" ? UtcDate() : f.added;
  if (!added.empty() && !policy::IsValidDate(added)) {
    return Fail(
        InvalidArgumentError("--added: expected YYYY-MM-DD or 'today', got '" + added + "'"));
  }
  auto kw = Load(*ctx, BankKind::kKeywords, f.bank.lenient);
  if (!kw.ok()) return Fail(kw.status());
  bank::GenerateOptions options;
  options.seed = f.seed;
  options.added = added;
  if (!f.meet_profile.empty()) {
    options.per_category =
        bank::ProfileQuotas(ctx->profile, ctx->rule_taxonomy, BankKind::kGenerated);
  } else {
    std::set<std::string> cats;
    for (const auto& i : kw->items) cats.insert(i.category);
    for (const auto& c : cats) options.per_category[c] = f.per_category;
  }
  if (!f.categories.empty()) {
    std::map<std::string, size_t> only;
    for (const auto& c : f.categories) {
      if (options.per_category.count(c)) only[c] = options.per_category[c];
    }
    options.per_category = only;
  }
  std::vector<std::string> warnings;
  auto gen = bank::GenerateQuestions(*kw, bank::BuiltinTemplates(), options, &warnings);
  if (!gen.ok()) return Fail(gen.status());
  for (const auto& w : warnings) std::fprintf(stderr, "safegate: warning: %s\n", w.c_str());
  bank::ParaphraseStats stats;
  bool paraphrased = false;
  if (!f.paraphrase_url.empty()) {
    bank::ParaphraseOptions po;
    po.url = f.paraphrase_url;
    po.model = f.paraphrase_model;
    po.seed = f.seed;
    if (const char* key = std::getenv("SAFEGATE_PARAPHRASE_API_KEY")) po.api_key = key;
    for (const auto& k : kw->items) po.keywords[k.id] = k.text;
    // A reply the refusal judge calls a refusal is the model declining, not a question.
    judge::RefusalOptions ro;
    ro.cache_dir = policy::DefaultMatcherCacheDir();
    auto refusal = judge::NewRefusalJudge(ro);
    if (!refusal.ok()) return Fail(refusal.status());
    std::shared_ptr<const judge::Judge> rj = std::move(refusal).value();
    po.is_refusal = [rj](std::string_view reply) -> Result<bool> {
      auto v = rj->Run(judge::JudgeInput{reply, "", ""});
      // A reply with no word is no refusal; the paraphrase checks reject it.
      if (!v.ok()) return judge::IsNothingToJudge(v.status()) ? Result<bool>(false) : v.status();
      return v->label == "full_refusal" || v->label == "partial_refusal";
    };
    Status s = bank::ParaphraseItems(&gen->items, po, &stats);
    if (!s.ok()) return Fail(s);
    paraphrased = true;
  }
  std::vector<const policy::BankItem*> items;
  for (const auto& i : gen->items) items.push_back(&i);
  Status s = bank::WriteItems(f.out, items, BankKind::kGenerated);
  if (!s.ok()) return Fail(s);
  std::fprintf(stderr, "bank generate: %zu questions from %zu keywords (seed %llu) -> %s\n",
               items.size(), kw->items.size(), static_cast<unsigned long long>(f.seed),
               f.out.c_str());
  if (paraphrased) {
    std::fprintf(stderr,
                 "bank generate: %zu paraphrased; %zu kept as generated (paraphrase rejected: "
                 "%zu refusals, %zu in another language, %zu without the keyword; tagged "
                 "paraphrase-rejected:REASON)\n",
                 stats.paraphrased, stats.rejected(), stats.refusal, stats.language, stats.keyword);
  }
  return kExitOk;
}

}  // namespace

void RegisterBank(CLI::App& app, int* rc) {
  CLI::App* bank =
      app.add_subcommand("bank", "Keyword and question banks: lint, stats, sample, generate");
  bank->require_subcommand(1);

  auto lint = std::make_shared<LintFlags>();
  CLI::App* l = bank->add_subcommand(
      "lint",
      "Check banks against a profile's rules (totals, per-category minimums, updates) "
      "and report duplicates, near-duplicates, language mix, likely false positives, "
      "keywords that hit ordinary text");
  lint->bank.AddTo(l);
  l->add_option("--json", lint->json, "Also write the report as JSON (safegate.bank-lint/1)");
  l->add_option("--today", lint->today,
                "Date for the staleness rule, YYYY-MM-DD (default: UTC today)");
  l->add_option("--wordlist", lint->wordlist,
                "Common words, one per line: keywords inside many of them are flagged");
  l->add_option("--fp-min-words", lint->fp_min_words,
                "Flag a keyword found inside at least this many words (default 3)");
  l->add_option("--ordinary-share", lint->ordinary_share,
                "List keywords that hit at least this share of the built-in ordinary-text "
                "paragraphs of their language (en, ru, zh; default 0.02; -1: off)")
      ->check(CLI::Range(-1.0, 1.0));
  l->add_option("--threshold", lint->threshold,
                "Near-duplicate similarity (n-gram Jaccard, default 0.7)")
      ->check(CLI::Range(0.05, 1.0));
  l->add_option("--max-listed", lint->max_listed, "Pairs/groups listed per finding (default 50)");
  l->add_option("-j,--threads", lint->threads, "Threads (default: all cores)");
  l->callback([lint, rc] { *rc = RunLint(*lint); });

  auto stats_flags = std::make_shared<BankFlags>();
  auto stats_json = std::make_shared<std::string>();
  CLI::App* s = bank->add_subcommand("stats", "Items per category (or topic) and language");
  stats_flags->AddTo(s, /*with_profile=*/false);
  s->add_option("--json", *stats_json, "Also write JSON (safegate.bank-stats/1)");
  s->callback([stats_flags, stats_json, rc] { *rc = RunStats(*stats_flags, *stats_json); });

  auto sample = std::make_shared<SampleFlags>();
  CLI::App* sm = bank->add_subcommand(
      "sample", "Draw the evaluation sample of a question bank: stratified by category, seeded");
  sample->bank.AddTo(sm);
  sm->add_option("--kind", sample->kind, "generated, should_refuse or should_answer")->required();
  sm->add_option("-n", sample->n,
                 "Items to draw (default: the profile's eval.generated.min_sampled or "
                 "eval.refusal.min_sampled)");
  sm->add_option("--seed", sample->seed, "Seed (same seed, same sample)");
  sm->add_option("-o,--output", sample->out, "Output file (.csv, else JSONL)")->required();
  sm->callback([sample, rc] { *rc = RunSample(*sample); });

  auto gen = std::make_shared<GenerateFlags>();
  CLI::App* g = bank->add_subcommand(
      "generate", "Expand keywords into test questions from built-in en/zh/ru templates");
  gen->bank.AddTo(g, /*with_profile=*/false);
  g->add_option("--per-category", gen->per_category, "Questions per category");
  g->add_option("--meet-profile", gen->meet_profile,
                "Generate the profile's per-category minimums (and its total)");
  g->add_option("--category", gen->categories, "Only these categories (repeatable)");
  g->add_option("--seed", gen->seed, "Seed (same seed, same questions)");
  g->add_option("--added", gen->added, "The items' `added` date (YYYY-MM-DD or 'today')");
  g->add_option("-o,--output", gen->out, "Output file (.csv, else JSONL)")->required();
  g->add_option("--paraphrase-url", gen->paraphrase_url,
                "Paraphrase every question through this OpenAI-compatible endpoint (base URL or "
                ".../chat/completions; key from $SAFEGATE_PARAPHRASE_API_KEY). Off by default");
  g->add_option("--paraphrase-model", gen->paraphrase_model, "Model name sent to the endpoint");
  g->callback([gen, rc] { *rc = RunGenerate(*gen); });
}

}  // namespace safegate::cli
