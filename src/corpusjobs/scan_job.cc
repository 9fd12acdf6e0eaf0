// corpus scan: every document of the shard through the policy's judges
// (CheckDocument); per-source and per-judge counts and, optionally,
// per-document hits.
//
// The job driver (job_driver.h) runs the units on worker threads and hands
// their results to one consumer in unit order, with absolute line numbers;
// the scan's part appends hits to "HITS.partial" and adds counts. Every
// couple of seconds the driver writes a checkpoint ("SUMMARY.checkpoint":
// counts so far, units done and, from the scan, the length of the hits file)
// so that a killed scan resumes after the last unit it finished. At the end
// the hits file is renamed into place and the summary is written atomically.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "job_driver.h"
#include "meta.h"
#include "safegate/base/file.h"
#include "safegate/base/hash.h"
#include "safegate/base/json.h"
#include "safegate/base/progress.h"

namespace safegate::corpusjobs {
namespace {

using internal::Json;

struct DocHits {
  uint64_t offset = 0;
  uint64_t line = 0;  // local to the unit
  std::string id;
  DocVerdict verdict;
};

struct UnitScan : internal::UnitCounts {
  uint64_t flagged = 0;
  std::vector<uint64_t> category_docs;                  // per category index
  std::map<std::string, uint64_t> other_category_docs;  // categories no keyword has
  std::vector<uint64_t> judge_docs;                     // per judge (CorpusJudges::names)
  std::vector<std::pair<uint32_t, uint64_t>> keyword_docs;
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
  std::map<std::string, uint32_t, std::less<>> index;
  explicit CategoryIndex(const scan::Matcher& m) {
    for (size_t i = 0; i < m.pattern_count(); ++i) {
      const std::string_view category = m.pattern(i).category;
      auto it = index.find(category);
      if (it == index.end()) {
        it = index.emplace(std::string(category), static_cast<uint32_t>(names.size())).first;
        names.emplace_back(category);
      }
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
  internal::JobDriver driver(ctx, "scan");
  const corpus::Plan& plan = *ctx.plan;
  const scan::Matcher& matcher = *ctx.matcher;
  const CategoryIndex cats(matcher);
  const std::shared_ptr<const CorpusJudges> judges_ptr = internal::JudgesOf(ctx);
  const CorpusJudges& judges = *judges_ptr;

  Json header = internal::MakeHeader(ctx, kHitsSchema);

  ScanResult result;
  result.judges = judges.names;
  uint64_t hits_bytes = 0;

  // Hits go to "HITS.partial" and are renamed at the end; a special file
  // (/dev/null) is written in place and cannot be resumed into.
  const bool hits_special = !options.hits_path.empty() && IsSpecialFile(options.hits_path);
  const std::string hits_partial =
      options.hits_path.empty() || hits_special ? std::string() : options.hits_path + ".partial";
  const std::string hits_written = hits_special ? options.hits_path : hits_partial;
  std::FILE* hits = nullptr;

  // Resume from a checkpoint of the same job ("SUMMARY.checkpoint"); it
  // vouches for the first hits_bytes of HITS.partial.
  internal::CheckpointSpec ckpt;
  ckpt.path = CheckpointPath(options);
  ckpt.schema = "safegate.corpus.scan-checkpoint/1";
  ckpt.config = internal::Hex64(Fnv1a64(DumpJson(header) + options.hits_path));
  ckpt.resume = options.resume;
  ckpt.seconds = options.checkpoint_seconds;
  ckpt.save = [&](Json* fields) -> Status {
    if (hits && std::fflush(hits) != 0) return IoError("cannot write " + hits_written);
    (*fields)["hits_bytes"] = hits_bytes;
    return OkStatus();
  };
  ckpt.load = [&](const Json& j) { hits_bytes = GetInt<uint64_t>(j.at("hits_bytes")); };
  const std::string ckpt_path = ckpt.path;
  bool resumed = false;
  SAFEGATE_ASSIGN_OR_RETURN(resumed, driver.UseCheckpoint(std::move(ckpt)));
  if (resumed) {
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

  constexpr size_t kHitsChunk = 256u << 10;
  std::string hits_buf;  // consume(): lines not yet written
  hits_buf.reserve(kHitsChunk + 4096);

  internal::UnitJob<UnitScan, Worker> job;
  job.max_bad_shown = options.max_bad_shown;
  job.after_unit = options.after_unit;
  job.init_worker = [&](Worker& w) {
    w.scratch = std::make_unique<scan::Scratch>(matcher);
    w.keyword_count.assign(matcher.pattern_count(), 0);
  };

  job.read = [&](uint32_t u, Worker& w, UnitScan& out, Progress& progress) -> Status {
    const corpus::Unit& unit = plan.units()[u];
    out.category_docs.assign(cats.names.size(), 0);
    out.judge_docs.assign(judges.names.size(), 0);
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
    return OkStatus();
  };

  job.consume = [&](uint32_t u, uint64_t base, UnitScan&& r, SourceStats& st) -> Status {
    const corpus::Unit& unit = plan.units()[u];
    const corpus::FileEntry& file = plan.files()[unit.file];
    st.flagged += r.flagged;
    for (size_t c = 0; c < r.category_docs.size(); ++c) {
      if (r.category_docs[c]) st.categories[cats.names[c]] += r.category_docs[c];
    }
    for (const auto& [c, n] : r.other_category_docs) st.categories[c] += n;
    for (size_t k = 0; k < r.judge_docs.size(); ++k) {
      if (r.judge_docs[k]) st.judges[judges.names[k]] += r.judge_docs[k];
    }
    for (const auto& [p, n] : r.keyword_docs) st.keywords[std::string(matcher.pattern(p).id)] += n;
    if (hits) {
      // Written in pieces of about kHitsChunk bytes from one reused buffer: a
      // unit's hits in one string (MBs) cost a copy per doubling and fresh
      // pages each time.
      auto write = [&]() -> Status {
        if (!hits_buf.empty() &&
            std::fwrite(hits_buf.data(), 1, hits_buf.size(), hits) != hits_buf.size()) {
          return IoError("cannot write " + hits_written);
        }
        hits_bytes += hits_buf.size();
        hits_buf.clear();
        return OkStatus();
      };
      for (const auto& d : r.docs_with_hits) {
        internal::AppendHitsLine(judges, matcher, d.verdict, plan.sources()[file.source].name,
                                 file.rel_path, d.line + base, d.offset, d.id, u, &hits_buf);
        hits_buf += '\n';
        if (hits_buf.size() >= kHitsChunk) SAFEGATE_RETURN_IF_ERROR(write());
      }
      SAFEGATE_RETURN_IF_ERROR(write());
    }
    return OkStatus();
  };

  // On failure: closes HITS.partial and cuts it to what the checkpoint on disk
  // vouches for (none: removes it), so that a full disk does not stay full.
  auto drop_unvouched = [&] {
    if (hits) {
      std::fclose(hits);  // may fail too (a full disk): what counts is the checkpoint on disk
      hits = nullptr;
    }
    if (hits_partial.empty()) return;
    int saved = errno;
    const Json* on_disk = driver.checkpoint_on_disk();
    if (!on_disk || truncate(hits_partial.c_str(), static_cast<off_t>(GetInt<uint64_t>(
                                                       on_disk->at("hits_bytes")))) != 0) {
      std::remove(hits_partial.c_str());
      driver.RemoveCheckpoint();
    }
    errno = saved;
  };

  // The driver keeps what was consumed in a last checkpoint so that the next
  // run resumes from it; no more of HITS.partial than the checkpoint vouches
  // for is kept: after a full disk the file would otherwise keep all the space
  // it took (and fail the next run).
  Status s = driver.Run(job);
  if (!s.ok()) {
    drop_unvouched();
    return s;
  }
  result.sources = std::move(driver.sources());
  result.bad_examples = std::move(driver.bad_examples());
  result.units = driver.units().size();
  result.resumed_units = driver.resumed_units();
  result.seconds = driver.Seconds();

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
  driver.RemoveCheckpoint();
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

}  // namespace safegate::corpusjobs
