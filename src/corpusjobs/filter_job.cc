// corpus filter: the corpus without the documents any judge flags
// (CheckDocument), in the same format, plus a manifest of what was removed
// and why (which judges, categories, keywords).
//
// Output goes to "OUT.tmp-PID/" and is renamed to OUT only when everything
// succeeded. A run killed outright (SIGKILL, a crash) leaves its OUT.tmp-PID:
// the next run removes it when process PID is not running
// (RemoveStaleTemporaries). Each input file maps to OUT/REL_PATH. Plain files
// may be split into several units: their kept lines come back to the consumer
// in unit order and are appended to the output file. Compressed files and
// one-document files are whole units: the worker writes them itself
// (re-compressed with the same codec). Bad lines are dropped and listed in the
// manifest.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>

#include "job_driver.h"
#include "meta.h"
#include "safegate/base/file.h"
#include "safegate/base/json.h"
#include "safegate/base/progress.h"

namespace safegate::corpusjobs {
namespace {

namespace fs = std::filesystem;
using internal::Json;

struct Removed {
  uint64_t offset = 0, line = 0;  // line local to the unit
  std::string id;
  std::vector<std::string> judges, categories, keywords;
  std::string bad_reason;  // non-empty for bad lines
};

struct UnitFilter : internal::UnitCounts {
  uint64_t flagged = 0;
  std::map<std::string, uint64_t> categories;
  std::vector<uint64_t> judge_docs;  // per judge (CorpusJudges::names)
  std::string kept;                  // plain split files: kept lines for the consumer
  std::vector<Removed> removed;
};

struct Worker {
  corpus::UnitReader reader;
  std::unique_ptr<scan::Scratch> scratch;
  DocVerdict verdict;
};

// Whether a unit is its file's whole output (compressed, one document per
// file, or a plain file in one unit), written by the worker; otherwise the
// consumer appends its kept lines to the output file in unit order.
bool WholeFile(const corpus::Plan& plan, const corpus::Unit& unit) {
  const corpus::FileEntry& file = plan.files()[unit.file];
  return file.compression != corpus::Compression::kNone ||
         plan.sources()[file.source].format == corpus::Format::kFiles ||
         (unit.begin == 0 && unit.end >= file.size);
}

// Writes a whole output file compressed like its input.
Status WriteCompressed(const std::string& path, corpus::Compression c, std::string_view data) {
  if (c == corpus::Compression::kGzip) {
    gzFile g = gzopen(path.c_str(), "wb6");
    if (!g) return IoError("cannot create " + path);
    size_t off = 0;
    while (off < data.size()) {
      unsigned chunk = static_cast<unsigned>(std::min<size_t>(data.size() - off, 1u << 30));
      if (gzwrite(g, data.data() + off, chunk) != static_cast<int>(chunk)) {
        gzclose(g);
        return IoError("cannot write " + path);
      }
      off += chunk;
    }
    if (gzclose(g) != Z_OK) return IoError("cannot write " + path);
    return OkStatus();
  }
  if (c == corpus::Compression::kZstd) {
    std::string out(ZSTD_compressBound(data.size()), '\0');
    size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
    if (ZSTD_isError(n)) return InternalError(std::string("zstd: ") + ZSTD_getErrorName(n));
    out.resize(n);
    return WriteFileAtomic(path, out);
  }
  return WriteFileAtomic(path, data);
}

std::string OutRel(const std::string& rel) {
  std::string r = rel;
  while (!r.empty() && r[0] == '/') r.erase(0, 1);
  // Never write outside the output directory.
  fs::path p = fs::path(r).lexically_normal();
  std::string s = p.string();
  while (s.rfind("../", 0) == 0) s.erase(0, 3);
  return s;
}

// The temporary directories "OUT.tmp-PID" of earlier runs that were killed
// before they could remove them. One whose process is not running on this
// machine (or is this process: its PID was reused) is removed: nothing else
// writes there, and a run that reused the PID would mix its leftovers into
// OUT. One whose process runs is left as it is (another filter writing OUT)
// and named. Each is reported through `note`. Only directories named exactly
// OUT.tmp-DIGITS are looked at; a listing error is ignored (creating the
// temporary directory then reports it).
Status RemoveStaleTemporaries(const std::string& out_dir,
                              const std::function<void(const std::string&)>& note) {
  const fs::path out(out_dir);
  const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
  const std::string prefix = out.filename().string() + ".tmp-";
  std::error_code ec;
  std::vector<fs::path> stale;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string_view digits = std::string_view(name).substr(prefix.size());
    pid_t pid = 0;
    auto [end_ptr, perr] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
    if (perr != std::errc() || end_ptr != digits.data() + digits.size() || pid <= 0) continue;
    std::error_code sec;
    if (!fs::is_directory(it->symlink_status(sec))) continue;  // not ours: a file, a symlink
    const std::string shown = (out.has_parent_path() ? parent / name : fs::path(name)).string();
    const bool running = pid != getpid() && (::kill(pid, 0) == 0 || errno == EPERM);
    if (running) {
      if (note) {
        note(shown + " is left as it is: process " + std::to_string(pid) +
             " is running (another corpus filter writing " + out_dir +
             "?); remove it if it is not");
      }
      continue;
    }
    stale.push_back(parent / name);
    if (note) {
      note("removing " + shown + ", left by a corpus filter that was killed (process " +
           std::to_string(pid) + " is not running)");
    }
  }
  for (const fs::path& d : stale) {
    fs::remove_all(d, ec);
    if (ec) return IoError("cannot remove " + d.string() + ": " + ec.message());
  }
  return OkStatus();
}

}  // namespace

Result<FilterResult> RunFilter(const JobContext& ctx, const FilterOptions& options) {
  internal::JobDriver driver(ctx, "filter");
  const corpus::Plan& plan = *ctx.plan;
  const scan::Matcher& matcher = *ctx.matcher;
  const std::shared_ptr<const CorpusJudges> judges_ptr = internal::JudgesOf(ctx);
  const CorpusJudges& judges = *judges_ptr;
  if (!ctx.shard.whole()) return InvalidArgumentError("corpus filter does not take --shard");
  if (options.out_dir.empty())
    return InvalidArgumentError("corpus filter needs an output directory");
  // "clean/" names the directory "clean": without the slashes the temporary
  // directory is its sibling "clean.tmp-PID", not "clean/.tmp-PID" (which would
  // create "clean/" and then fail to rename over it).
  std::string out_dir = options.out_dir;
  while (out_dir.size() > 1 && out_dir.back() == '/') out_dir.pop_back();
  if (out_dir == "/" || out_dir == "." || out_dir == ".." || fs::path(out_dir).filename() == "." ||
      fs::path(out_dir).filename() == "..") {
    return InvalidArgumentError("corpus filter: output directory '" + options.out_dir +
                                "' must name a new directory");
  }
  if (fs::exists(out_dir)) {
    return InvalidArgumentError(out_dir + " exists: choose a new output directory");
  }
  SAFEGATE_RETURN_IF_ERROR(RemoveStaleTemporaries(out_dir, options.note));
  const std::string tmp_dir = out_dir + ".tmp-" + std::to_string(getpid());
  if (fs::path(out_dir).has_parent_path()) {
    SAFEGATE_RETURN_IF_ERROR(MakeDirs(fs::path(out_dir).parent_path().string()));
  }
  // A new directory, never one found in place: its contents would end up in OUT.
  if (::mkdir(tmp_dir.c_str(), 0777) != 0) {
    return IoError("cannot create " + tmp_dir + ": " + std::strerror(errno));
  }
  struct Cleanup {
    std::string dir;
    bool keep = false;
    ~Cleanup() {
      if (!keep) {
        std::error_code ec;
        fs::remove_all(dir, ec);
      }
    }
  } cleanup{tmp_dir};

  internal::UnitJob<UnitFilter, Worker> job;
  job.init_worker = [&](Worker& w) { w.scratch = std::make_unique<scan::Scratch>(matcher); };

  job.read = [&](uint32_t u, Worker& w, UnitFilter& out, Progress& progress) -> Status {
    const corpus::Unit& unit = plan.units()[u];
    const corpus::FileEntry& file = plan.files()[unit.file];
    const corpus::SourceSpec& spec = plan.sources()[file.source];
    out.judge_docs.assign(judges.names.size(), 0);
    corpus::Document doc;
    std::string& kept = out.kept;
    for (;;) {
      auto more = w.reader.Next(&doc);
      if (!more.ok()) return more.status();
      if (!*more) break;
      ++out.docs;
      Status checked = CheckDocument(judges, matcher, doc.text, w.scratch.get(), &w.verdict);
      if (!checked.ok()) {
        return checked.WithPrefix(file.rel_path + ": document at byte " +
                                  std::to_string(doc.offset));
      }
      const DocVerdict& v = w.verdict;
      if (!v.flagged) {
        kept.append(doc.raw);
        if (spec.format != corpus::Format::kFiles) kept.push_back('\n');
        continue;
      }
      ++out.flagged;
      Removed r;
      r.offset = doc.offset;
      r.line = doc.line;
      r.id = std::string(doc.id);
      for (size_t k = 0; k < v.by.size(); ++k) {
        if (!v.by[k]) continue;
        ++out.judge_docs[k];
        r.judges.push_back(judges.names[k]);
      }
      r.categories = internal::FlaggedCategories(judges, matcher, v);
      for (const auto& c : r.categories) ++out.categories[c];
      for (const auto& h : v.hits) r.keywords.emplace_back(matcher.pattern(h.pattern).id);
      out.removed.push_back(std::move(r));
    }
    progress.AddDocs(out.docs);
    return OkStatus();
  };

  // Bad lines are listed in the manifest; whole files are written here.
  job.after_read = [&](uint32_t u, Worker& w, UnitFilter& out) -> Status {
    const corpus::Unit& unit = plan.units()[u];
    const corpus::FileEntry& file = plan.files()[unit.file];
    const corpus::SourceSpec& spec = plan.sources()[file.source];
    for (const auto& b : w.reader.bad()) {
      Removed r;
      r.offset = b.offset;
      r.line = b.line;
      r.bad_reason = b.reason;
      out.removed.push_back(std::move(r));
    }
    std::stable_sort(out.removed.begin(), out.removed.end(),
                     [](const Removed& a, const Removed& b) { return a.offset < b.offset; });
    if (WholeFile(plan, unit)) {
      std::string path = tmp_dir + "/" + OutRel(file.rel_path);
      SAFEGATE_RETURN_IF_ERROR(MakeDirs(fs::path(path).parent_path().string()));
      if (!(spec.format == corpus::Format::kFiles && out.flagged > 0)) {
        SAFEGATE_RETURN_IF_ERROR(WriteCompressed(path, file.compression, out.kept));
      }
      std::string().swap(out.kept);
    }
    return OkStatus();
  };

  FilterResult result;
  result.judges = judges.names;
  std::string manifest_path =
      options.manifest_path.empty() ? tmp_dir + "/manifest.jsonl" : options.manifest_path;
  AtomicFile manifest;
  SAFEGATE_RETURN_IF_ERROR(manifest.Open(manifest_path));
  Json header = internal::MakeHeader(ctx, kFilterSchema);
  SAFEGATE_RETURN_IF_ERROR(manifest.Write(DumpJson(header) + "\n"));
  std::FILE* cur_out = nullptr;
  int64_t cur_file = -1;
  struct CloseOut {
    std::FILE*& f;
    ~CloseOut() {
      if (f) std::fclose(f);
    }
  } close_out{cur_out};

  job.consume = [&](uint32_t u, uint64_t base, UnitFilter&& r, SourceStats& st) -> Status {
    const corpus::Unit& unit = plan.units()[u];
    const corpus::FileEntry& file = plan.files()[unit.file];
    st.flagged += r.flagged;
    for (const auto& [k, v] : r.categories) st.categories[k] += v;
    for (size_t k = 0; k < r.judge_docs.size(); ++k) {
      if (r.judge_docs[k]) st.judges[judges.names[k]] += r.judge_docs[k];
    }
    const bool split = !WholeFile(plan, unit);
    if (split) {
      if (cur_file != static_cast<int64_t>(unit.file)) {
        if (cur_out && std::fclose(cur_out) != 0) {
          cur_out = nullptr;
          return IoError("cannot write filtered output");
        }
        std::string path = tmp_dir + "/" + OutRel(file.rel_path);
        SAFEGATE_RETURN_IF_ERROR(MakeDirs(fs::path(path).parent_path().string()));
        cur_out = std::fopen(path.c_str(), "wb");
        if (!cur_out) return IoError("cannot create " + path);
        cur_file = unit.file;
      }
      if (!r.kept.empty() &&
          std::fwrite(r.kept.data(), 1, r.kept.size(), cur_out) != r.kept.size()) {
        return IoError("cannot write filtered output");
      }
    }
    std::string buf;
    for (const auto& m : r.removed) {
      Json j;
      j["source"] = plan.sources()[file.source].name;
      j["file"] = file.rel_path;
      j["line"] = m.line + base;
      j["offset"] = m.offset;
      if (!m.id.empty()) j["id"] = m.id;
      if (m.bad_reason.empty()) {
        j["reason"] = "flagged";
        j["judges"] = m.judges;
        j["categories"] = m.categories;
        j["keywords"] = m.keywords;
      } else {
        j["reason"] = "bad line";
        j["detail"] = m.bad_reason;
      }
      buf += DumpJson(j);
      buf += '\n';
    }
    return manifest.Write(buf);
  };

  SAFEGATE_RETURN_IF_ERROR(driver.Run(job));
  result.sources = std::move(driver.sources());
  result.bad_examples = std::move(driver.bad_examples());
  if (cur_out) {
    bool err = std::fclose(cur_out) != 0;
    cur_out = nullptr;
    if (err) return IoError("cannot write filtered output");
  }
  SAFEGATE_RETURN_IF_ERROR(manifest.Commit());
  std::error_code ec;
  fs::rename(tmp_dir, out_dir, ec);
  if (ec)
    return Status(StatusCode::kIoError,
                  "cannot rename " + tmp_dir + " to " + out_dir + ": " + ec.message());
  cleanup.keep = true;
  result.seconds = driver.Seconds();
  return result;
}

}  // namespace safegate::corpusjobs
