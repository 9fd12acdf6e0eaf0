#include "common.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace safegate::cli {

namespace {
// Set by the first SIGINT/SIGTERM during a corpus job: the readers stop, the
// job ends as on an error (nothing half-written stays; a scan keeps its
// checkpoint). A second signal kills at once (the handler resets itself).
std::atomic<bool> g_corpus_stop{false};
extern "C" void OnCorpusSignal(int sig) {
  g_corpus_stop.store(true);
  std::signal(sig, SIG_DFL);
}
}  // namespace

int Fail(const Status& s) {
  if (g_corpus_stop.load()) {
    std::fprintf(stderr,
                 "safegate: interrupted: nothing was written (run the same command again: an "
                 "interrupted scan with -o resumes)\n");
    return kExitInterrupted;
  }
  std::fprintf(stderr, "safegate: error: %s\n", s.message().c_str());
  return s.code() == StatusCode::kInternal || s.code() == StatusCode::kResourceExhausted
             ? kExitInternal
             : kExitBadInput;
}

void UseOneHugePageHeap() {
  constexpr uintptr_t kHuge = 2u << 20;
  constexpr int kGrowth = 32 << 20;
  mallopt(M_ARENA_MAX, 1);
  // The heap must not shrink: a regrown part would have small pages again.
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, kGrowth);
  const auto before = reinterpret_cast<uintptr_t>(sbrk(0));
  // Below M_MMAP_THRESHOLD, so from the heap, which grows by the pad
  // (volatile: a malloc freed at once is otherwise optimised away).
  void* volatile block = std::malloc(512 << 10);
  std::free(block);
  const auto after = reinterpret_cast<uintptr_t>(sbrk(0));
  mallopt(M_TOP_PAD, 128 << 10);  // glibc's default, for any later growth
  const uintptr_t begin = (before + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = after & ~(kHuge - 1);
  // Advice only: without transparent huge pages nothing changes.
  if (before != static_cast<uintptr_t>(-1) && end > begin)
    (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

int EndWithBadLines(uint64_t bad, bool fail_on_bad_lines) {
  if (bad == 0) return kExitOk;
  std::fprintf(stderr,
               "safegate: %llu bad line%s skipped (listed above; \"bad_lines\" in the summary); "
               "%s\n",
               static_cast<unsigned long long>(bad), bad == 1 ? "" : "s",
               fail_on_bad_lines ? "exit 1 (--fail-on-bad-lines)"
                                 : "exit 0 (--fail-on-bad-lines makes this exit 1)");
  return fail_on_bad_lines ? kExitGateFailed : kExitOk;
}

void CorpusFlags::AddTo(CLI::App* app, bool with_sources) {
  app->add_option("--project,-P", project, "Project file (default: ./safegate.yaml when present)");
  app->add_option("--policy", policy, "Policy file (overrides the project's)");
  app->add_flag("--no-cache", no_cache,
                "Compile the keyword matcher even when a cached copy exists "
                "(cache: $SAFEGATE_CACHE_DIR or ~/.cache/safegate)");
  if (!with_sources) return;
  app->add_option("--source", sources,
                  "A source NAME=PATH[,PATH...] (files, directories, globs); repeatable. "
                  "Overrides the project's sources");
  app->add_option("--format", format, "Format of --source files: jsonl, lines or files")
      ->check(CLI::IsMember({"jsonl", "lines", "files"}));
  app->add_option("--text-field", text_field, "Dotted path of the text in JSONL --source files");
  app->add_option("--id-field", id_field, "Dotted path of a document id in JSONL --source files");
  app->add_option("-j,--threads", threads, "Worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  app->add_option("--shard", shard, "Process shard i of N (\"i/N\"); merge with `corpus merge`");
  app->add_flag("--strict", strict, "Make the first bad line fatal (exit 2, no results)");
  app->add_flag("--fail-on-bad-lines", fail_on_bad_lines,
                "Write the results, then exit 1 when any line was bad (default: exit 0; the last "
                "line of standard error and \"bad_lines\" in the results count them)");
  app->add_option("--max-doc-mb", max_doc_mb,
                  "Longest document accepted, in MiB (longer: a bad line). Memory: each worker "
                  "thread holds the longest document it meets, about 15x its size for JSONL "
                  "(line buffer + JSON parser) and 2x for lines/files; the default 16 costs at "
                  "most ~240 MiB per thread")
      ->check(CLI::PositiveNumber);
  app->add_option("--max-ratio", max_ratio,
                  "Stop with an error when a .gz/.zst file decompresses to more than this many "
                  "times its compressed size (past 64 MiB): a compression bomb. 0 = no limit "
                  "(default: the project's corpus.max_ratio, else 2000)")
      ->check(CLI::NonNegativeNumber)
      ->each([this](const std::string&) { max_ratio_given = true; });
  app->add_option("--unit-mb", unit_mb, "Work unit size in MiB (threads, shards, resumption)")
      ->check(CLI::PositiveNumber);
  app->add_flag("--lenient-banks", lenient_banks, "Skip bad keyword bank items with a warning");
}

Result<std::unique_ptr<Loaded>> Load(const CorpusFlags& flags, MatcherMode matcher, bool sources) {
  SAFEGATE_ASSIGN_OR_RETURN(std::optional<project::Project> project,
                            project::LoadProjectIfAny(flags.project));
  return Load(flags, project, matcher, sources);
}

Result<std::unique_ptr<Loaded>> Load(const CorpusFlags& flags,
                                     const std::optional<project::Project>& project,
                                     MatcherMode matcher, bool sources) {
  auto out = std::make_unique<Loaded>();
  std::string policy_path =
      !flags.policy.empty() ? flags.policy : (project ? project->policy_path : "");
  if (policy_path.empty()) {
    return InvalidArgumentError(
        "no policy: give --policy FILE or a project (--project safegate.yaml)");
  }
  SAFEGATE_ASSIGN_OR_RETURN(out->policy, policy::LoadPolicy(policy_path));
  if (matcher != MatcherMode::kNone) {
    policy::BankLoadOptions bo;
    bo.lenient = flags.lenient_banks;
    std::string cache = flags.no_cache ? std::string() : policy::DefaultMatcherCacheDir();
    const policy::Policy* pol = &out->policy;  // stable: *out is heap-allocated
    auto compile = [pol, bo, cache]() -> Result<std::shared_ptr<const scan::Matcher>> {
      std::vector<std::string> warnings;
      auto m = policy::CompilePolicyMatcher(*pol, bo, &warnings, cache);
      for (const auto& w : warnings) std::fprintf(stderr, "safegate: warning: %s\n", w.c_str());
      return m;
    };
    if (matcher == MatcherMode::kNow) {
      SAFEGATE_ASSIGN_OR_RETURN(out->matcher, compile());
    } else {
      out->ctx.matcher_future = std::async(std::launch::async, compile).share();
    }
    // The judges besides the keyword banks (the policy's `judges:`); the
    // entries a corpus job does not run are named on standard error.
    SAFEGATE_ASSIGN_OR_RETURN(out->ctx.judges, corpusjobs::LoadCorpusJudges(out->policy));
    for (const auto& s : out->ctx.judges->skipped)
      std::fprintf(stderr, "safegate: note: %s\n", s.c_str());
  }
  if (sources) {
    std::vector<corpus::SourceSpec> specs;
    std::string base_dir;
    if (!flags.sources.empty()) {
      corpus::Format fmt;
      SAFEGATE_ASSIGN_OR_RETURN(fmt, corpus::ParseFormat(flags.format));
      for (const auto& s : flags.sources) {
        corpus::SourceSpec spec;
        SAFEGATE_ASSIGN_OR_RETURN(
            spec, project::ParseSourceFlag(s, fmt, flags.text_field, flags.id_field));
        specs.push_back(std::move(spec));
      }
    } else if (project && !project->sources.empty()) {
      specs = project->sources;
      base_dir = project->base_dir;
    } else {
      return InvalidArgumentError(
          "no corpus sources: give --source NAME=PATH or a project with corpus.sources");
    }
    corpus::PlanOptions po;
    if (!(flags.unit_mb > 0 && flags.unit_mb <= 1048576.0)) {  // also rejects NaN
      return InvalidArgumentError("--unit-mb: must be more than 0 and at most 1048576 (1 TiB)");
    }
    po.unit_bytes = std::max<uint64_t>(static_cast<uint64_t>(flags.unit_mb * 1048576.0), 4096);
    corpus::Plan plan;
    SAFEGATE_ASSIGN_OR_RETURN(plan, corpus::Plan::Make(std::move(specs), base_dir, po));
    for (const auto& w : plan.warnings())
      std::fprintf(stderr, "safegate: warning: %s\n", w.c_str());
    out->plan = std::make_unique<corpus::Plan>(std::move(plan));
  }
  auto& ctx = out->ctx;
  ctx.plan = out->plan.get();
  ctx.policy = &out->policy;
  ctx.matcher = out->matcher;
  ctx.threads = flags.threads;
  if (!flags.shard.empty()) {
    SAFEGATE_ASSIGN_OR_RETURN(ctx.shard, corpus::ParseShard(flags.shard));
  }
  ctx.strict = flags.strict;
  ctx.reader.max_doc_bytes = flags.max_doc_mb << 20;
  ctx.reader.max_ratio = !flags.max_ratio_given && project && project->has_max_ratio
                             ? project->max_ratio
                             : flags.max_ratio;
  if (sources) {  // a job over the corpus (scan, sample, filter), not eval's policy load
    ctx.reader.stop = &g_corpus_stop;
    std::signal(SIGINT, OnCorpusSignal);
    std::signal(SIGTERM, OnCorpusSignal);
  }
  return out;
}

}  // namespace safegate::cli
