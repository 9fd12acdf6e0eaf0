// safegate corpus {scan, sample, label, audit, filter, merge}
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "common.h"
#include "safegate/base/file.h"
#include "safegate/base/progress.h"
#include "safegate/corpusjobs/merge.h"
#include "safegate/corpusjobs/verdict.h"
#include "safegate/project/profile.h"

namespace safegate::cli {
namespace {

// The scan's checkpoint cadence from the environment (docs/cli.md):
// SAFEGATE_CHECKPOINT_SECONDS (default 2; 0 = after every unit), and, for the
// resumption tests, SAFEGATE_TEST_KILL_AFTER_UNITS=N: the process kills itself
// with SIGKILL after N units of this run, as a crash would.
void ScanHooksFromEnvironment(corpusjobs::ScanOptions* so) {
  if (const char* v = std::getenv("SAFEGATE_CHECKPOINT_SECONDS"))
    so->checkpoint_seconds = std::atof(v);
  if (const char* v = std::getenv("SAFEGATE_TEST_KILL_AFTER_UNITS")) {
    const uint64_t kill_after = std::strtoull(v, nullptr, 10);
    so->after_unit = [kill_after](uint64_t units_done) {
      if (units_done >= kill_after) {
        std::fflush(nullptr);
        std::raise(SIGKILL);
      }
      return OkStatus();
    };
  }
}

void PrintBad(const std::vector<corpusjobs::BadExample>& bad, uint64_t total) {
  if (total == 0) return;
  std::fprintf(stderr, "safegate: %llu bad line(s) skipped; first ones:\n",
               static_cast<unsigned long long>(total));
  for (const auto& b : bad) {
    std::fprintf(stderr, "  %s\n", AtLocation(b.file, b.line, "", b.reason).c_str());
  }
}

uint64_t TotalBad(const std::vector<corpusjobs::SourceStats>& s) {
  uint64_t n = 0;
  for (const auto& x : s) n += x.bad;
  return n;
}

void AddScan(CLI::App* corpus, int* rc) {
  struct Opts {
    CorpusFlags f;
    std::string summary;
    std::string hits;
    bool fresh = false;
    bool quiet = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = corpus->add_subcommand(
      "scan",
      "Run the policy's judges (keyword banks; personal-data detectors and classifiers when its "
      "judges: section lists them) on every document");
  o->f.AddTo(cmd, true);
  cmd->add_option("-o,--output", o->summary,
                  "Summary JSON (per source x category, keyword and judge counts)");
  cmd->add_option("--hits", o->hits,
                  "Per-document hits JSONL (judge, category, keyword or detector, span; "
                  "classifier score)");
  cmd->add_flag("--fresh", o->fresh, "Ignore a checkpoint of an interrupted scan and start over");
  cmd->add_flag("-q,--quiet", o->quiet, "No table on standard output");
  cmd->footer(
      "Example:\n  safegate corpus scan --policy policy.yaml --source web=data/web/ -o scan.json "
      "--hits hits.jsonl\n"
      "An interrupted scan with -o resumes from SUMMARY.checkpoint when run again.");
  cmd->callback([o, rc] {
    auto l = Load(o->f, MatcherMode::kNow, true);
    if (!l.ok()) {
      *rc = Fail(l.status());
      return;
    }
    corpusjobs::ScanOptions so;
    so.summary_path = o->summary;
    so.hits_path = o->hits;
    so.resume = !o->fresh;
    ScanHooksFromEnvironment(&so);
    auto r = RunWithProgressLine("scan", true, (*l)->ctx, [&](const corpusjobs::JobContext& c) {
      return corpusjobs::RunScan(c, so);
    });
    if (!r.ok()) {
      *rc = Fail(r.status());
      return;
    }
    if (r->resumed_units) {
      std::fprintf(stderr, "safegate: resumed after %llu of %llu units\n",
                   static_cast<unsigned long long>(r->resumed_units),
                   static_cast<unsigned long long>(r->units));
    }
    PrintBad(r->bad_examples, TotalBad(r->sources));
    if (!o->quiet && o->summary != "-")
      std::fputs(corpusjobs::FormatStatsTable(r->sources, false, r->judges).c_str(), stdout);
    uint64_t bytes = 0;
    for (const auto& s : r->sources) bytes += s.bytes;
    std::fprintf(stderr, "safegate: scanned %.1f MB in %.2fs (%.1f MB/s)\n", bytes / 1e6,
                 r->seconds, r->seconds > 0 ? bytes / 1e6 / r->seconds : 0);
    *rc = EndWithBadLines(TotalBad(r->sources), o->f.fail_on_bad_lines);
  });
}

void AddSample(CLI::App* corpus, int* rc) {
  struct Opts {
    CorpusFlags f;
    uint64_t n = 0;
    double fraction = 0;
    uint64_t seed = 0;
    std::string out;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd =
      corpus->add_subcommand("sample", "Draw a seeded, reproducible uniform sample per source");
  o->f.AddTo(cmd, true);
  auto* n = cmd->add_option("-n", o->n, "Documents per source");
  cmd->add_option("--fraction", o->fraction, "Fraction of every source instead of -n")->excludes(n);
  cmd->add_option("--seed", o->seed, "Seed (required: the sample is a function of it)")->required();
  cmd->add_option("-o,--output", o->out, "Sample JSONL (header line + records)")->required();
  cmd->footer("Example:\n  safegate corpus sample -n 400 --seed 7 -o sample.jsonl");
  cmd->callback([o, rc] {
    UseOneHugePageHeap();
    auto l = Load(o->f, MatcherMode::kAsync, true);
    if (!l.ok()) {
      *rc = Fail(l.status());
      return;
    }
    corpusjobs::SampleOptions so;
    so.n = o->n;
    so.fraction = o->fraction;
    so.seed = o->seed;
    so.out_path = o->out;
    auto r = RunWithProgressLine("sample", true, (*l)->ctx, [&](const corpusjobs::JobContext& c) {
      return corpusjobs::RunSample(c, so);
    });
    if (!r.ok()) {
      *rc = Fail(r.status());
      return;
    }
    PrintBad(r->bad_examples, TotalBad(r->sources));
    std::printf("%-20s %12s %10s %10s", "source", "population", "sampled", "flagged");
    for (const auto& j : r->judges) std::printf(" %10s", j.c_str());
    std::printf("\n");
    for (const auto& s : r->sources) {
      std::printf("%-20s %12llu %10llu %10llu", s.source.c_str(),
                  static_cast<unsigned long long>(s.docs),
                  static_cast<unsigned long long>(r->sampled[s.source]),
                  static_cast<unsigned long long>(s.flagged));
      for (const auto& j : r->judges) {
        auto it = s.judges.find(j);
        std::printf(" %10llu",
                    static_cast<unsigned long long>(it == s.judges.end() ? 0 : it->second));
      }
      std::printf("\n");
    }
    *rc = EndWithBadLines(TotalBad(r->sources), o->f.fail_on_bad_lines);
  });
}

void AddLabel(CLI::App* corpus, int* rc) {
  auto* label = corpus->add_subcommand(
      "label", "Human review of a sample: export for reviewers, import labels");
  label->require_subcommand(1);
  {
    struct Opts {
      std::string sample, out;
      uint64_t random_n = 0, seed = 1;
    };
    auto o = std::make_shared<Opts>();
    auto* cmd =
        label->add_subcommand("export", "Write the sample with machine pre-labels for reviewers");
    cmd->add_option("--sample", o->sample, "Sample JSONL from `corpus sample`")->required();
    cmd->add_option("-o,--output", o->out, "Reviewer file: .csv or .jsonl")->required();
    cmd->add_option("--random", o->random_n,
                    "Per source, a seeded uniform random N of the sampled documents (recorded in "
                    "the sample column) (default: all)");
    cmd->add_option("--seed", o->seed, "Seed of --random")->capture_default_str();
    cmd->footer(
        "Reviewers fill the `label` column with allowable or unallowable (and optionally "
        "category).");
    cmd->callback([o, rc] {
      Status s = corpusjobs::ExportLabels(o->sample, o->out, o->random_n, o->seed);
      *rc = s.ok() ? kExitOk : Fail(s);
    });
  }
  {
    struct Opts {
      CorpusFlags f;
      std::string sample, labels, out;
    };
    auto o = std::make_shared<Opts>();
    auto* cmd = label->add_subcommand("import", "Validate reviewers' labels against the sample");
    o->f.AddTo(cmd, false);
    cmd->add_option("--sample", o->sample, "Sample JSONL the labels belong to")->required();
    cmd->add_option("--labels", o->labels, "Reviewers' file (.csv or .jsonl)")->required();
    cmd->add_option("-o,--output", o->out, "Validated labels JSONL")->required();
    cmd->callback([o, rc] {
      auto l = Load(o->f, MatcherMode::kNone, false);
      if (!l.ok()) {
        *rc = Fail(l.status());
        return;
      }
      auto labels = corpusjobs::ReadLabels(o->labels, o->sample, (*l)->policy.taxonomy);
      if (!labels.ok()) {
        *rc = Fail(labels.status());
        return;
      }
      Status s = corpusjobs::WriteLabels(*labels, o->sample, o->out);
      if (!s.ok()) {
        *rc = Fail(s);
        return;
      }
      uint64_t bad = 0;
      for (const auto& x : *labels) bad += x.unallowable;
      std::printf("%zu labels imported (%llu unallowable)\n", labels->size(),
                  static_cast<unsigned long long>(bad));
      *rc = kExitOk;
    });
  }
}

void AddAudit(CLI::App* corpus, int* rc) {
  struct Opts {
    CorpusFlags f;
    std::string sample, labels, scan, json, rule = "point", profile;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = corpus->add_subcommand(
      "audit", "Per-source verdicts with intervals, and whole-corpus assessments");
  o->f.AddTo(cmd, false);
  cmd->add_option("--sample", o->sample, "Sample JSONL from `corpus sample`")->required();
  cmd->add_option("--labels", o->labels,
                  "Human labels (.csv or .jsonl); machine labels fill the gaps");
  cmd->add_option("--scan", o->scan,
                  "A full `corpus scan` summary of the same corpus: the machine assessment, and "
                  "each source's unreadable (bad) lines, counted as unallowable");
  cmd->add_option("--rule", o->rule,
                  "Verdict rule: point (rate <= limit, the regime's reading) or upper (95% upper "
                  "bound <= limit)")
      ->check(CLI::IsMember({"point", "upper"}));
  cmd->add_option("--json", o->json, "Write the audit as JSON");
  cmd->add_option("--profile", o->profile,
                  "Profile (built-in name or file) the audit applies; default: the project's "
                  "profile:, else the policy's");
  cmd->footer("Exit code 1 when any source or assessment does not pass.");
  cmd->callback([o, rc] {
    auto project = project::LoadProjectIfAny(o->f.project);
    if (!project.ok()) {
      *rc = Fail(project.status());
      return;
    }
    auto l = Load(o->f, *project, MatcherMode::kNone, false);
    if (!l.ok()) {
      *rc = Fail(l.status());
      return;
    }
    corpusjobs::AuditOptions ao;
    ao.labels_path = o->labels;
    ao.scan_summary_path = o->scan;
    ao.rule =
        o->rule == "upper" ? stats::VerdictRule::kUpperBound : stats::VerdictRule::kPointEstimate;
    // --profile, else the project's profile:, else the policy's (project/profile.h).
    policy::Profile profile = (*l)->policy.profile;
    if (const std::string name = project::ProfileName(*project, o->profile); !name.empty()) {
      auto p = policy::LoadProfile(name);
      if (!p.ok()) {
        *rc = Fail(p.status().WithPrefix(o->profile.empty() ? "profile" : "--profile"));
        return;
      }
      profile = std::move(p).value();
    }
    auto r = corpusjobs::RunAudit(profile, (*l)->policy.taxonomy, o->sample, ao);
    if (!r.ok()) {
      *rc = Fail(r.status());
      return;
    }
    if (!o->json.empty()) {
      Status s = WriteFileAtomic(o->json, corpusjobs::AuditReportJson(*r));
      if (!s.ok()) {
        *rc = Fail(s);
        return;
      }
    }
    if (o->json != "-") std::fputs(corpusjobs::AuditReportTable(*r).c_str(), stdout);
    *rc = r->all_pass ? kExitOk : kExitGateFailed;
  });
}

void AddFilter(CLI::App* corpus, int* rc) {
  struct Opts {
    CorpusFlags f;
    std::string out, manifest;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = corpus->add_subcommand(
      "filter", "Write the corpus without the documents any judge flags, plus a manifest");
  o->f.AddTo(cmd, true);
  cmd->add_option("-o,--output", o->out, "Output directory (mirrors the input files)")->required();
  cmd->add_option("--manifest", o->manifest,
                  "Manifest JSONL of removed documents (default OUT/manifest.jsonl)");
  cmd->callback([o, rc] {
    auto l = Load(o->f, MatcherMode::kNow, true);
    if (!l.ok()) {
      *rc = Fail(l.status());
      return;
    }
    corpusjobs::FilterOptions fo;
    fo.out_dir = o->out;
    fo.manifest_path = o->manifest;
    fo.note = [](const std::string& n) { std::fprintf(stderr, "safegate: note: %s\n", n.c_str()); };
    auto r = RunWithProgressLine("filter", true, (*l)->ctx, [&](const corpusjobs::JobContext& c) {
      return corpusjobs::RunFilter(c, fo);
    });
    if (!r.ok()) {
      *rc = Fail(r.status());
      return;
    }
    PrintBad(r->bad_examples, TotalBad(r->sources));
    std::fputs(corpusjobs::FormatStatsTable(r->sources, true, r->judges).c_str(), stdout);
    std::fflush(stdout);
    *rc = EndWithBadLines(TotalBad(r->sources), o->f.fail_on_bad_lines);
  });
}

void AddMerge(CLI::App* corpus, int* rc) {
  struct Opts {
    std::vector<std::string> parts;
    std::string out;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = corpus->add_subcommand(
      "merge", "Merge the results of N shards (scan summaries, samples or hits)");
  cmd->add_option("parts", o->parts, "Partial results, one per shard")->required();
  cmd->add_option("-o,--output", o->out, "Merged result")->required();
  cmd->footer("Example:\n  safegate corpus merge -o sample.jsonl sample-1.jsonl sample-2.jsonl");
  cmd->callback([o, rc] {
    auto r = corpusjobs::MergeResults(o->parts, o->out);
    if (!r.ok()) {
      *rc = Fail(r.status());
      return;
    }
    std::printf("merged %zu %s parts into %s\n", o->parts.size(), r->c_str(), o->out.c_str());
    *rc = kExitOk;
  });
}

}  // namespace

void RegisterCorpus(CLI::App& app, int* rc) {
  auto* corpus = app.add_subcommand(
      "corpus", "Training-data audit: scan, sample, label, audit, filter, merge");
  corpus->require_subcommand(1);
  AddScan(corpus, rc);
  AddSample(corpus, rc);
  AddLabel(corpus, rc);
  AddAudit(corpus, rc);
  AddFilter(corpus, rc);
  AddMerge(corpus, rc);
}

}  // namespace safegate::cli
