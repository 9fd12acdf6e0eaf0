// corpus scan: every document of the shard through the policy's judges
// (CheckDocument); per-source and per-judge counts and, optionally,
// per-document hits.
//
// Units run on worker threads; their results reach one consumer in unit
// order (runner.h), which assigns absolute line numbers, appends hits to
// "HITS.partial" and adds counts. Every couple of seconds the consumer writes
// a checkpoint ("SUMMARY.checkpoint": counts so far, units done, length of
// the hits file) so that a killed scan resumes after the last unit it
// finished. At the end the hits file is renamed into place and the summary is
// written atomically.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "meta.h"
#include "safegate/audit/runner.h"
#include "safegate/base/file.h"
#include "safegate/base/hash.h"
#include "safegate/base/json.h"
#include "safegate/base/progress.h"

namespace safegate::audit {
namespace {

using internal::Json;

struct DocHits {
  uint64_t offset = 0;
  uint64_t line = 0;  // local to the unit
  std::string id;
  DocVerdict verdict;
};

struct UnitScan {
  uint64_t bytes = 0, docs = 0, bad = 0, flagged = 0, lines = 0;
  std::vector<uint64_t> category_docs;                  // per category index
  std::map<std::string, uint64_t> other_category_docs;  // categories no keyword has
  std::vector<uint64_t> judge_docs;                     // per judge (CorpusJudges::names)
  std::vector<std::pair<uint32_t, uint64_t>> keyword_docs;
  std::vector<corpus::BadRecord> bad_records;  // the first few
  std::vector<DocHits> docs_with_hits;
};

struct Worker {
  corpus::UnitReader reader;
  std::unique_ptr<scan::Scratch> scratch;
  DocVerdict verdict;
  std::vector<uint64_t> keyword_count;  // per pattern, reset per unit via touched
  std::vector<uint32_t> touched;
};

// Category ids of the matcher's patterns, as dense indexes.
struct CategoryIndex {
  std::vector<std::string> names;
  std::vector<uint32_t> of_pattern;
  std::map<std::string, uint32_t> index;
  explicit CategoryIndex(const scan::Matcher& m) {
    for (const auto& p : m.patterns()) {
      auto [it, inserted] = index.emplace(p.category, static_cast<uint32_t>(names.size()));
      if (inserted) names.push_back(p.category);
      of_pattern.push_back(it->second);
    }
  }
};

std::string CheckpointPath(const ScanOptions& o) {
  return o.summary_path.empty() || o.summary_path == "-" ? std::string()
                                                         : o.summary_path + ".checkpoint";
}

}  // namespace

Result<ScanResult> RunScan(const JobContext& ctx, const ScanOptions& options) {
  auto t0 = std::chrono::steady_clock::now();
  const corpus::Plan& plan = *ctx.plan;
  const scan::Matcher& matcher = *ctx.matcher;
  const CategoryIndex cats(matcher);
  const std::shared_ptr<const CorpusJudges> judges_ptr = internal::JudgesOf(ctx);
  const CorpusJudges& judges = *judges_ptr;
  const std::vector<uint32_t> units = plan.UnitsOf(ctx.shard);
  const int threads = ResolveThreads(ctx.threads);

  Json header = internal::MakeHeader(ctx, kHitsSchema);
  const std::string config_id = internal::Hex64(Fnv1a64(DumpJson(header) + options.hits_path));

  // State owned by the consumer.
  ScanResult result;
  result.judges = judges.names;
  for (const auto& s : plan.sources()) {
    SourceStats st;
    st.source = s.name;
    result.sources.push_back(st);
  }
  size_t consumed = 0;  // units of `units` consumed so far
  internal::LineBases line_bases;
  uint64_t hits_bytes = 0;

  // Resume from a checkpoint of the same job.
  const std::string ckpt_path = CheckpointPath(options);
  // Hits go to "HITS.partial" and are renamed at the end; a special file
  // (/dev/null) is written in place and cannot be resumed into.
  const bool hits_special = !options.hits_path.empty() && IsSpecialFile(options.hits_path);
  const std::string hits_partial =
      options.hits_path.empty() || hits_special ? std::string() : options.hits_path + ".partial";
  const std::string hits_written = hits_special ? options.hits_path : hits_partial;
  std::FILE* hits = nullptr;
  // hits_bytes of the checkpoint on disk (-1: none): the part of HITS.partial
  // that a resumed run keeps.
  int64_t ckpt_hits_bytes = -1;
  if (!ckpt_path.empty() && options.resume && std::filesystem::exists(ckpt_path)) {
    auto text = ReadFile(ckpt_path);
    if (!text.ok()) return text.status();
    auto j = internal::ParseJson(*text, ckpt_path);
    if (!j.ok()) return j.status();
    if (j->value("config", "") != config_id) {
      return FailedPreconditionError(ckpt_path +
                                     ": checkpoint of a different scan (other corpus, policy or "
                                     "options); delete it or run with --fresh");
    }
    SAFEGATE_RETURN_IF_ERROR(internal::CatchJson<Status>(ckpt_path, [&]() -> Status {
      consumed = GetInt<size_t>(j->at("consumed"));
      line_bases.FromJson(j->at("line_bases"));
      hits_bytes = GetInt<uint64_t>(j->at("hits_bytes"));
      result.sources.clear();
      for (const auto& s : j->at("sources")) {
        auto st = internal::StatsFromJson(s);
        if (!st.ok()) return st.status().WithPrefix(ckpt_path);
        result.sources.push_back(*st);
      }
      for (const auto& b : j->at("bad_examples"))
        result.bad_examples.push_back(internal::BadFromJson(b));
      return OkStatus();
    }));
    // The config id covers the corpus and options, but the file may have been
    // edited: every count it carries must fit this plan before it is indexed.
    bool fits = result.sources.size() == plan.sources().size() && consumed <= units.size();
    for (size_t i = 0; fits && i < result.sources.size(); ++i)
      fits = result.sources[i].source == plan.sources()[i].name;
    if (!fits) {
      return FailedPreconditionError(ckpt_path +
                                     ": checkpoint does not fit this corpus (its sources or units "
                                     "differ); delete it or run with --fresh");
    }
    result.resumed_units = consumed;
    if (!hits_partial.empty()) {
      // Only ever shortened: a checkpoint that claims more bytes than were
      // written would grow the file (1e12: a terabyte of zeros).
      std::error_code ec;
      const auto have = std::filesystem::file_size(hits_partial, ec);
      if (ec || hits_bytes > have || hits_bytes > static_cast<uint64_t>(INT64_MAX)) {
        return FailedPreconditionError(ckpt_path + ": checkpoint claims " +
                                       std::to_string(hits_bytes) + " bytes of " + hits_partial +
                                       ", which is shorter or missing; delete the checkpoint or "
                                       "run with --fresh");
      }
      if (truncate(hits_partial.c_str(), static_cast<off_t>(hits_bytes)) != 0) {
        return IoError("cannot resume: " + hits_partial);
      }
      hits = std::fopen(hits_partial.c_str(), "ab");
      if (!hits) return IoError("cannot open " + hits_partial);
    }
    ckpt_hits_bytes = static_cast<int64_t>(hits_bytes);
  } else if (!hits_written.empty()) {
    hits = std::fopen(hits_written.c_str(), "wb");
    if (!hits) return IoError("cannot create " + hits_written);
    std::string line = DumpJson(header) + "\n";
    std::fwrite(line.data(), 1, line.size(), hits);
    hits_bytes = line.size();
  }
  struct Closer {
    std::FILE*& f;
    ~Closer() {
      if (f) std::fclose(f);
    }
  } closer{hits};

  std::vector<uint32_t> todo(units.begin() + static_cast<long>(std::min(consumed, units.size())),
                             units.end());

  Progress progress("scan", internal::UnitsDiskBytes(plan, todo));
  if (ctx.progress) progress.Start();

  std::vector<Worker> workers(static_cast<size_t>(threads));
  for (auto& w : workers) {
    w.scratch = std::make_unique<scan::Scratch>(matcher);
    w.keyword_count.assign(matcher.patterns().size(), 0);
  }

  auto work = [&](uint32_t u, int wi) -> Result<UnitScan> {
    Worker& w = workers[static_cast<size_t>(wi)];
    const corpus::Unit& unit = plan.units()[u];
    UnitScan out;
    out.category_docs.assign(cats.names.size(), 0);
    out.judge_docs.assign(judges.names.size(), 0);
    SAFEGATE_RETURN_IF_ERROR(w.reader.Open(plan, unit, ctx.reader));
    corpus::Document doc;
    std::vector<uint8_t> cat_seen(cats.names.size(), 0);
    std::vector<std::string> other_seen;
    uint64_t pending_docs = 0;
    for (;;) {
      auto more = w.reader.Next(&doc);
      if (!more.ok()) return more.status();
      if (!*more) break;
      ++out.docs;
      if (++pending_docs == 1024) {
        progress.AddDocs(pending_docs);
        pending_docs = 0;
      }
      Status checked = CheckDocument(judges, matcher, doc.text, w.scratch.get(), &w.verdict);
      if (!checked.ok()) {
        return checked.WithPrefix(plan.files()[unit.file].rel_path + ": document at byte " +
                                  std::to_string(doc.offset));
      }
      const DocVerdict& v = w.verdict;
      if (!v.flagged) continue;
      ++out.flagged;
      for (size_t k = 0; k < v.by.size(); ++k) out.judge_docs[k] += v.by[k];
      std::fill(cat_seen.begin(), cat_seen.end(), 0);
      for (const auto& h : v.hits) {
        uint32_t c = cats.of_pattern[h.pattern];
        if (!cat_seen[c]) {
          cat_seen[c] = 1;
          ++out.category_docs[c];
        }
        if (w.keyword_count[h.pattern]++ == 0) w.touched.push_back(h.pattern);
      }
      if (!judges.others.empty()) {
        other_seen.clear();
        for (const auto& jv : v.verdicts) {
          for (const auto& c : jv.categories) {
            if (!c.flagged) continue;
            auto it = cats.index.find(c.category);
            if (it != cats.index.end()) {
              if (!cat_seen[it->second]) {
                cat_seen[it->second] = 1;
                ++out.category_docs[it->second];
              }
            } else if (std::find(other_seen.begin(), other_seen.end(), c.category) ==
                       other_seen.end()) {
              other_seen.push_back(c.category);
              ++out.other_category_docs[c.category];
            }
          }
        }
      }
      if (hits) {
        DocHits dh;
        dh.offset = doc.offset;
        dh.line = doc.line;
        dh.id = std::string(doc.id);
        dh.verdict = v;
        out.docs_with_hits.push_back(std::move(dh));
      }
    }
    progress.AddDocs(pending_docs);
    for (uint32_t p : w.touched) {
      out.keyword_docs.emplace_back(p, w.keyword_count[p]);
      w.keyword_count[p] = 0;
    }
    w.touched.clear();
    out.lines = w.reader.lines();
    out.bytes = w.reader.disk_bytes();
    const auto& bad = w.reader.bad();
    out.bad = bad.size();
    if (ctx.strict && !bad.empty()) return internal::StrictError(plan, unit, bad[0]);
    progress.AddErrors(out.bad);
    for (size_t i = 0; i < bad.size() && i < options.max_bad_shown; ++i)
      out.bad_records.push_back(bad[i]);
    progress.AddBytes(internal::UnitDiskBytes(plan, u));
    return out;
  };

  const double ckpt_seconds = options.checkpoint_seconds;
  auto last_ckpt = std::chrono::steady_clock::now();
  auto write_checkpoint = [&]() -> Status {
    if (ckpt_path.empty()) return OkStatus();
    if (hits && std::fflush(hits) != 0) return IoError("cannot write " + hits_written);
    Json j;
    j["schema"] = "safegate.corpus.scan-checkpoint/1";
    j["config"] = config_id;
    j["consumed"] = consumed;
    j["line_bases"] = line_bases.ToJson();
    j["hits_bytes"] = hits_bytes;
    j["sources"] = Json::array();
    for (const auto& s : result.sources) j["sources"].push_back(internal::StatsToJson(s));
    j["bad_examples"] = Json::array();
    for (const auto& b : result.bad_examples) j["bad_examples"].push_back(internal::BadToJson(b));
    SAFEGATE_RETURN_IF_ERROR(WriteFileAtomic(ckpt_path, DumpJson(j)));
    ckpt_hits_bytes = hits_bytes;
    return OkStatus();
  };

  auto consume = [&](uint32_t u, UnitScan&& r) -> Status {
    const corpus::Unit& unit = plan.units()[u];
    const corpus::FileEntry& file = plan.files()[unit.file];
    SourceStats& st = result.sources[file.source];
    uint64_t base = 0;
    SAFEGATE_ASSIGN_OR_RETURN(base, line_bases.Next(plan, u, r.lines));
    if (unit.begin == 0) st.files += 1;

    st.bytes += r.bytes;
    st.docs += r.docs;
    st.bad += r.bad;
    st.flagged += r.flagged;
    for (size_t c = 0; c < r.category_docs.size(); ++c) {
      if (r.category_docs[c]) st.categories[cats.names[c]] += r.category_docs[c];
    }
    for (const auto& [c, n] : r.other_category_docs) st.categories[c] += n;
    for (size_t k = 0; k < r.judge_docs.size(); ++k) {
      if (r.judge_docs[k]) st.judges[judges.names[k]] += r.judge_docs[k];
    }
    for (const auto& [p, n] : r.keyword_docs) st.keywords[matcher.patterns()[p].id] += n;
    for (const auto& b : r.bad_records) {
      if (result.bad_examples.size() >= options.max_bad_shown) break;
      result.bad_examples.push_back(
          BadExample{plan.sources()[file.source].name, file.rel_path, b.line + base, b.reason});
    }
    if (hits) {
      std::string buf;
      for (const auto& d : r.docs_with_hits) {
        internal::AppendHitsLine(judges, matcher, d.verdict, plan.sources()[file.source].name,
                                 file.rel_path, d.line + base, d.offset, d.id, u, &buf);
        buf += '\n';
      }
      if (!buf.empty() && std::fwrite(buf.data(), 1, buf.size(), hits) != buf.size()) {
        return IoError("cannot write " + hits_written);
      }
      hits_bytes += buf.size();
    }
    ++consumed;
    auto now = std::chrono::steady_clock::now();
    if (std::chrono::duration<double>(now - last_ckpt).count() >= ckpt_seconds) {
      last_ckpt = now;
      SAFEGATE_RETURN_IF_ERROR(write_checkpoint());
    }
    if (options.after_unit) return options.after_unit(consumed - result.resumed_units);
    return OkStatus();
  };

  // On failure: closes HITS.partial and cuts it to what the checkpoint on disk
  // vouches for (none: removes it), so that a full disk does not stay full.
  auto drop_unvouched = [&] {
    if (hits) {
      std::fclose(hits);  // may fail too (a full disk): what counts is ckpt_hits_bytes
      hits = nullptr;
    }
    if (hits_partial.empty()) return;
    int saved = errno;
    if (ckpt_hits_bytes < 0 ||
        truncate(hits_partial.c_str(), static_cast<off_t>(ckpt_hits_bytes)) != 0) {
      std::remove(hits_partial.c_str());
      if (!ckpt_path.empty()) std::remove(ckpt_path.c_str());
    }
    errno = saved;
  };

  Status s = RunOrdered<UnitScan>(todo, threads, work, consume);
  progress.Finish();
  if (!s.ok()) {
    // Keep what was consumed so that the next run resumes from it, and no more
    // of HITS.partial than the checkpoint vouches for: after a full disk the
    // file would otherwise keep all the space it took (and fail the next run).
    (void)write_checkpoint();
    drop_unvouched();
    return s;
  }
  result.units = units.size();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  if (hits) {
    if (std::fclose(hits) != 0) {
      hits = nullptr;
      Status e = IoError("cannot write " + hits_written);
      drop_unvouched();
      return e;
    }
    hits = nullptr;
    if (!hits_special && std::rename(hits_partial.c_str(), options.hits_path.c_str()) != 0) {
      return IoError("cannot rename " + hits_partial + " to " + options.hits_path);
    }
  }
  if (!options.summary_path.empty()) {
    Json j = internal::MakeHeader(ctx, kScanSchema);
    j["sources"] = Json::array();
    for (const auto& st : result.sources) j["sources"].push_back(internal::StatsToJson(st));
    j["bad_examples"] = Json::array();
    for (const auto& b : result.bad_examples) j["bad_examples"].push_back(internal::BadToJson(b));
    j["run"] = internal::MakeRun(ctx, result.seconds);
    SAFEGATE_RETURN_IF_ERROR(WriteFileAtomic(options.summary_path, DumpJson(j, 2) + "\n"));
  }
  if (!ckpt_path.empty()) std::remove(ckpt_path.c_str());
  return result;
}

std::string FormatStatsTable(const std::vector<SourceStats>& sources, bool filter,
                             const std::vector<std::string>& judges) {
  std::string out;
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-20s %10s %12s %10s %10s %8s", "source", "docs", "MB",
                filter ? "removed" : "flagged", "bad", "rate");
  out += buf;
  for (const auto& name : judges) {
    std::snprintf(buf, sizeof buf, " %*s", std::max<int>(10, static_cast<int>(name.size())),
                  name.c_str());
    out += buf;
  }
  out += "  top categories\n";
  for (const auto& s : sources) {
    std::vector<std::pair<uint64_t, std::string>> top;
    for (const auto& [k, v] : s.categories) top.emplace_back(v, k);
    std::sort(top.rbegin(), top.rend());
    std::string cats;
    for (size_t i = 0; i < top.size() && i < 4; ++i) {
      if (i) cats += ", ";
      cats += top[i].second + " " + std::to_string(top[i].first);
    }
    double rate = s.docs ? 100.0 * static_cast<double>(s.flagged) / static_cast<double>(s.docs) : 0;
    std::snprintf(buf, sizeof buf, "%-20s %10llu %12.1f %10llu %10llu %7.2f%%", s.source.c_str(),
                  static_cast<unsigned long long>(s.docs), s.bytes / 1e6,
                  static_cast<unsigned long long>(s.flagged),
                  static_cast<unsigned long long>(s.bad), rate);
    out += buf;
    for (const auto& name : judges) {
      auto it = s.judges.find(name);
      std::snprintf(buf, sizeof buf, " %*llu", std::max<int>(10, static_cast<int>(name.size())),
                    static_cast<unsigned long long>(it == s.judges.end() ? 0 : it->second));
      out += buf;
    }
    out += "  " + cats + "\n";
  }
  return out;
}

}  // namespace safegate::audit
