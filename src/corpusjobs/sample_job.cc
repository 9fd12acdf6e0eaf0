// corpus sample: a seeded bottom-k (or fraction) sample per source.
//
// Each unit keeps its own bottom-k; the consumer merges them in unit order and
// publishes, per source, the current k-th smallest key so that workers skip
// documents that cannot enter (most of them, after the first units). Only
// candidate lines are parsed as JSON, so sampling runs near the speed of
// reading the bytes. Sampled records get machine pre-labels from the policy's
// judges (CheckDocument, as scan and filter decide).
#include <atomic>
#include <chrono>

#include "job_driver.h"
#include "meta.h"
#include "safegate/base/file.h"
#include "safegate/base/json.h"
#include "safegate/base/progress.h"
#include "safegate/corpus/sampler.h"

namespace safegate::corpusjobs {
namespace {

using internal::Json;

struct Rec {
  uint32_t unit = 0;
  uint64_t offset = 0;
  uint64_t line = 0;  // local to the unit until the consumer adds the base
  std::string id;
  std::string text;
};

struct UnitSample : internal::UnitCounts {
  uint32_t source = 0;
  std::vector<corpus::BottomK<Rec>::Entry> entries;
};

struct Worker {
  corpus::UnitReader reader;
};

// Keys of a source with an id field come from the id, so every line is parsed.
bool NeedsId(const corpus::SourceSpec& spec) {
  return spec.format == corpus::Format::kJsonl && !spec.id_field.empty();
}

// Lowers *thr to t when t is smaller. Any k documents of a source bound its
// sample: a document whose key is above the k-th smallest of theirs is not in
// the bottom-k. So a worker skips keys above the smallest bound known (by a
// unit consumed, or by one still being read), and one thread (-j 1) skips
// exactly the keys it skipped before: its own unit's bound is its local one.
void LowerTo(std::atomic<uint64_t>* thr, uint64_t t) {
  uint64_t cur = thr->load(std::memory_order_relaxed);
  while (t < cur && !thr->compare_exchange_weak(cur, t, std::memory_order_relaxed)) {
  }
}

std::string TieOf(std::string_view rel_path, uint64_t offset, std::string_view id) {
  if (!id.empty()) return std::string(id);
  std::string t(rel_path);
  t.push_back('\0');
  t += std::to_string(offset);
  return t;
}

// Records are written in pieces of about this size.
constexpr size_t kWriteChunk = 1 << 16;

// One record of the sample (without the newline), as DumpJson writes the
// object {sample_id, source, file, line, offset, [id], key, seed, unit,
// machine: {flagged, judges, categories, hits}, text}; built by hand when
// only the keyword banks judge (no object is built then).
void AppendRecord(const CorpusJudges& judges, const scan::Matcher& matcher, const DocVerdict& v,
                  const std::string& source, const std::string& file, uint64_t key, uint64_t seed,
                  const Rec& r, std::string* out) {
  const std::string hex = internal::Hex64(key);
  if (!judges.others.empty()) {
    Json j;
    j["sample_id"] = source + ":" + hex;
    j["source"] = source;
    j["file"] = file;
    j["line"] = r.line;
    j["offset"] = r.offset;
    if (!r.id.empty()) j["id"] = r.id;
    j["key"] = hex;
    j["seed"] = seed;
    j["unit"] = r.unit;
    Json names, cats, hl;
    internal::VerdictToJson(judges, matcher, v, &names, &cats, &hl);
    j["machine"] = {{"flagged", v.flagged}, {"judges", names}, {"categories", cats}, {"hits", hl}};
    j["text"] = r.text;
    *out += DumpJson(j);
    return;
  }
  *out += "{\"sample_id\":";
  AppendJsonString(source + ":" + hex, out);
  *out += ",\"source\":";
  AppendJsonString(source, out);
  *out += ",\"file\":";
  AppendJsonString(file, out);
  *out += ",\"line\":";
  *out += std::to_string(r.line);
  *out += ",\"offset\":";
  *out += std::to_string(r.offset);
  if (!r.id.empty()) {
    *out += ",\"id\":";
    AppendJsonString(r.id, out);
  }
  *out += ",\"key\":\"";
  *out += hex;
  *out += "\",\"seed\":";
  *out += std::to_string(seed);
  *out += ",\"unit\":";
  *out += std::to_string(r.unit);
  *out += ",\"machine\":{\"flagged\":";
  *out += v.flagged ? "true" : "false";
  out->push_back(',');
  internal::AppendKeywordVerdict(judges, matcher, v, out);
  *out += "},\"text\":";
  AppendJsonString(r.text, out);
  out->push_back('}');
}

}  // namespace

Result<SampleResult> RunSample(const JobContext& ctx, const SampleOptions& options) {
  internal::JobDriver driver(ctx, "sample");
  const corpus::Plan& plan = *ctx.plan;
  const size_t nsrc = plan.sources().size();
  if (options.n == 0 && !(options.fraction > 0 && options.fraction <= 1)) {
    return InvalidArgumentError("sample: give -n N (per source) or --fraction F in (0, 1]");
  }
  const bool by_fraction = options.n == 0;
  const uint64_t frac_thr = by_fraction ? corpus::FractionThreshold(options.fraction) : 0;

  std::vector<corpus::BottomK<Rec>> global;
  std::vector<std::vector<corpus::BottomK<Rec>::Entry>> global_frac(nsrc);
  std::unique_ptr<std::atomic<uint64_t>[]> thr(new std::atomic<uint64_t>[nsrc]);
  for (size_t i = 0; i < nsrc; ++i) {
    global.emplace_back(by_fraction ? 0 : options.n);
    thr[i].store(UINT64_MAX);
  }

  SampleResult result;

  internal::UnitJob<UnitSample, Worker> job;
  // Identities need the id field; otherwise only candidates are parsed.
  job.reader_options = [&](const corpus::SourceSpec& spec) {
    corpus::ReaderOptions ro = ctx.reader;
    ro.parse = NeedsId(spec);
    return ro;
  };
  job.read = [&](uint32_t u, Worker& w, UnitSample& out, Progress& progress) -> Status {
    const corpus::Unit& unit = plan.units()[u];
    const corpus::FileEntry& file = plan.files()[unit.file];
    const corpus::SourceSpec& spec = plan.sources()[file.source];
    out.source = file.source;
    const bool needs_id = NeedsId(spec);
    corpus::UnitReader& reader = w.reader;
    const HashKey fkey = corpus::FileKey(options.seed, spec.name, file.rel_path);
    corpus::BottomK<Rec> local(by_fraction ? 0 : options.n);
    std::vector<corpus::BottomK<Rec>::Entry> frac;
    std::atomic<uint64_t>& global_thr = thr[file.source];
    corpus::Document doc;
    for (;;) {
      auto more = reader.Next(&doc);
      if (!more.ok()) return more.status();
      if (!*more) break;
      ++out.docs;
      uint64_t key = needs_id ? corpus::IdKey(options.seed, spec.name, doc.id)
                              : corpus::OffsetKeyFast(fkey, doc.offset);
      if (by_fraction) {
        if (!(key < frac_thr || frac_thr == UINT64_MAX)) continue;
      } else if (key > global_thr.load(std::memory_order_relaxed) || !local.WouldAccept(key)) {
        continue;
      }
      // A bad candidate line is skipped; which lines become candidates depends
      // on timing, so bad counts from sampling are reported, never stored.
      if (!needs_id && spec.format == corpus::Format::kJsonl && !reader.Parse(&doc)) continue;
      Rec r{u, doc.offset, doc.line, std::string(doc.id), std::string(doc.text)};
      std::string tie = TieOf(file.rel_path, doc.offset, doc.id);
      if (by_fraction) {
        frac.push_back({key, std::move(tie), std::move(r)});
      } else {
        local.Add(key, std::move(tie), std::move(r));
        // Once k documents are held, no document above the k-th key can
        // enter the source's sample: units read at the same time skip them.
        if (local.size() == local.k()) LowerTo(&global_thr, local.threshold());
      }
    }
    out.entries = by_fraction ? std::move(frac) : local.TakeSorted();
    progress.AddDocs(out.docs);
    return OkStatus();
  };

  job.consume = [&](uint32_t, uint64_t base, UnitSample&& r, SourceStats&) -> Status {
    for (auto& e : r.entries) {
      e.value.line += base;
      if (by_fraction) {
        global_frac[r.source].push_back(std::move(e));
      } else {
        global[r.source].Add(e.key, std::move(e.tie), std::move(e.value));
      }
    }
    if (!by_fraction) LowerTo(&thr[r.source], global[r.source].threshold());
    return OkStatus();
  };

  SAFEGATE_RETURN_IF_ERROR(driver.Run(job));
  result.sources = std::move(driver.sources());
  result.bad_examples = std::move(driver.bad_examples());

  // Records sorted by (source, key), with machine pre-labels.
  JobContext done_ctx = ctx;
  SAFEGATE_ASSIGN_OR_RETURN(done_ctx.matcher, GetMatcher(ctx));
  const scan::Matcher& matcher = *done_ctx.matcher;
  const std::shared_ptr<const CorpusJudges> judges_ptr = internal::JudgesOf(ctx);
  const CorpusJudges& judges = *judges_ptr;
  result.judges = judges.names;
  Json header = internal::MakeHeader(done_ctx, kSampleSchema);
  header["seed"] = options.seed;
  if (by_fraction) {
    header["fraction"] = options.fraction;
  } else {
    header["n"] = options.n;
  }
  // First the verdicts (the header counts them), then the header and the
  // records, written as they are made: the body is never held whole.
  scan::Scratch scratch(matcher);
  std::vector<std::vector<corpus::BottomK<Rec>::Entry>> chosen(nsrc);
  std::vector<std::vector<DocVerdict>> verdicts(nsrc);
  Json srcs = Json::array();
  for (size_t si = 0; si < nsrc; ++si) {
    std::vector<corpus::BottomK<Rec>::Entry>& entries = chosen[si];
    if (by_fraction) {
      entries = std::move(global_frac[si]);
      std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        return a.key != b.key ? a.key < b.key : a.tie < b.tie;
      });
    } else {
      entries = global[si].TakeSorted();
    }
    const std::string& sname = plan.sources()[si].name;
    uint64_t flagged = 0;
    std::map<std::string, uint64_t> by_judge;
    verdicts[si].resize(entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
      const Rec& r = entries[i].value;
      DocVerdict& v = verdicts[si][i];
      const corpus::FileEntry& file = plan.files()[plan.units()[r.unit].file];
      Status checked = CheckDocument(judges, matcher, r.text, &scratch, &v);
      if (!checked.ok()) {
        return checked.WithPrefix(file.rel_path + ": document at byte " + std::to_string(r.offset));
      }
      if (v.flagged) ++flagged;
      for (size_t k = 0; k < v.by.size(); ++k)
        if (v.by[k]) ++by_judge[judges.names[k]];
    }
    SourceStats& st = result.sources[si];
    st.flagged = flagged;
    st.judges = by_judge;
    result.sampled[sname] = entries.size();
    Json jc = Json::object();
    for (const auto& name : judges.names) jc[name] = by_judge.count(name) ? by_judge[name] : 0;
    srcs.push_back({{"source", sname},
                    {"files", st.files},
                    {"population", st.docs},
                    {"sampled", entries.size()},
                    {"machine_flagged", flagged},
                    {"machine_judges", std::move(jc)}});
  }
  header["sources"] = srcs;
  result.seconds = driver.Seconds();
  header["run"] = internal::MakeRun(done_ctx, result.seconds);
  AtomicFile out;
  SAFEGATE_RETURN_IF_ERROR(out.Open(options.out_path));
  std::string buf = DumpJson(header);
  buf += '\n';
  for (size_t si = 0; si < nsrc; ++si) {
    const std::string& sname = plan.sources()[si].name;
    for (size_t i = 0; i < chosen[si].size(); ++i) {
      const auto& e = chosen[si][i];
      const Rec& r = e.value;
      AppendRecord(judges, matcher, verdicts[si][i], sname,
                   plan.files()[plan.units()[r.unit].file].rel_path, e.key, options.seed, r, &buf);
      buf += '\n';
      if (buf.size() >= kWriteChunk) {
        SAFEGATE_RETURN_IF_ERROR(out.Write(buf));
        buf.clear();
      }
    }
  }
  SAFEGATE_RETURN_IF_ERROR(out.Write(buf));
  SAFEGATE_RETURN_IF_ERROR(out.Commit());
  return result;
}

}  // namespace safegate::corpusjobs
