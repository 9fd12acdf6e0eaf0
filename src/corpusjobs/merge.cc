#include "safegate/corpusjobs/merge.h"

#include <algorithm>
#include <fstream>
#include <set>

#include "meta.h"
#include "safegate/base/file.h"
#include "safegate/base/json.h"
#include "safegate/corpus/sampler.h"
#include "safegate/corpusjobs/corpus_jobs.h"

namespace safegate::corpusjobs {
namespace {

using internal::Json;

Result<std::string> FirstLine(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot open " + path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Header fields that must agree between parts (everything but "run" and the
// per-source counts).
Json Comparable(Json h) {
  h.erase("run");
  h.erase("sources");
  h.erase("bad_examples");
  return h;
}

Status CheckShards(const std::vector<Json>& headers, const std::vector<std::string>& parts) {
  std::set<uint64_t> seen;
  uint64_t count = 0;
  for (size_t i = 0; i < headers.size(); ++i) {
    std::string shard = headers[i].contains("run") ? headers[i]["run"].value("shard", "") : "";
    auto slash = shard.find('/');
    if (slash == std::string::npos) {
      return InvalidArgumentError(
          AtLocation(parts[i], 1, "run.shard", "missing shard information"));
    }
    uint64_t idx = std::strtoull(shard.c_str(), nullptr, 10);
    uint64_t n = std::strtoull(shard.c_str() + slash + 1, nullptr, 10);
    if (count == 0) count = n;
    if (n != count) {
      return InvalidArgumentError(parts[i] + ": shard " + shard + " is not one of " +
                                  std::to_string(count) + " shards like " + parts[0]);
    }
    if (!seen.insert(idx).second) {
      return InvalidArgumentError(parts[i] + ": shard " + shard + " given twice");
    }
  }
  if (seen.size() != count) {
    return InvalidArgumentError("merge needs all " + std::to_string(count) + " shards, got " +
                                std::to_string(seen.size()));
  }
  return OkStatus();
}

Status CheckSame(const std::vector<Json>& headers, const std::vector<std::string>& parts) {
  Json ref = Comparable(headers[0]);
  for (size_t i = 1; i < headers.size(); ++i) {
    if (Comparable(headers[i]) != ref) {
      return InvalidArgumentError(parts[i] + ": not a part of the same job as " + parts[0] +
                                  " (policy, corpus, seed or options differ)");
    }
  }
  return OkStatus();
}

Result<std::string> MergeScan(const std::vector<std::string>& parts, const std::string& out) {
  std::vector<Json> hs;
  for (const auto& p : parts) {
    std::string text;
    SAFEGATE_ASSIGN_OR_RETURN(text, ReadFile(p));
    Json j;
    SAFEGATE_ASSIGN_OR_RETURN(j, internal::ParseJson(text, p));
    hs.push_back(std::move(j));
  }
  SAFEGATE_RETURN_IF_ERROR(CheckSame(hs, parts));
  SAFEGATE_RETURN_IF_ERROR(CheckShards(hs, parts));
  std::vector<SourceStats> total;
  std::vector<BadExample> bad;
  double seconds = 0;
  for (size_t i = 0; i < hs.size(); ++i) {
    const Json& sources = hs[i].at("sources");
    if (total.empty()) total.resize(sources.size());
    if (sources.size() != total.size())
      return InvalidArgumentError(parts[i] + ": different sources");
    for (size_t s = 0; s < sources.size(); ++s) {
      SourceStats st;
      SAFEGATE_ASSIGN_OR_RETURN(st, internal::StatsFromJson(sources[s]));
      total[s].source = st.source;
      internal::AddStats(st, &total[s]);
    }
    for (const auto& b : hs[i].at("bad_examples")) bad.push_back(internal::BadFromJson(b));
    seconds += hs[i]["run"].value("seconds", 0.0);
  }
  // The first examples in corpus order (source, file, line), as one run reports them.
  std::map<std::string, size_t> order;
  for (size_t s = 0; s < total.size(); ++s) order[total[s].source] = s;
  std::stable_sort(bad.begin(), bad.end(), [&](const BadExample& a, const BadExample& b) {
    size_t sa = order[a.source], sb = order[b.source];
    if (sa != sb) return sa < sb;
    if (a.file != b.file) return a.file < b.file;
    return a.line < b.line;
  });
  size_t max_bad = 5;
  if (bad.size() > max_bad) bad.resize(max_bad);
  Json j = hs[0];
  j["sources"] = Json::array();
  for (const auto& st : total) j["sources"].push_back(internal::StatsToJson(st));
  j["bad_examples"] = Json::array();
  for (const auto& b : bad) j["bad_examples"].push_back(internal::BadToJson(b));
  j["run"] = {{"seconds", seconds}, {"merged_parts", parts.size()}};
  SAFEGATE_RETURN_IF_ERROR(WriteFileAtomic(out, DumpJson(j, 2) + "\n"));
  return std::string("scan");
}

Result<std::string> MergeSample(const std::vector<std::string>& parts, const std::string& out) {
  std::vector<Json> hs;
  std::vector<std::vector<std::string>> bodies;
  for (const auto& p : parts) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return IoError("cannot open " + p);
    std::string line;
    std::getline(in, line);
    Json h;
    SAFEGATE_ASSIGN_OR_RETURN(h, internal::ParseJson(line, p + ":1"));
    hs.push_back(std::move(h));
    bodies.emplace_back();
    while (std::getline(in, line)) {
      if (!line.empty()) bodies.back().push_back(std::move(line));
    }
  }
  SAFEGATE_RETURN_IF_ERROR(CheckSame(hs, parts));
  SAFEGATE_RETURN_IF_ERROR(CheckShards(hs, parts));
  const Json& h0 = hs[0];
  const bool by_fraction = !h0.contains("n");
  const uint64_t n = by_fraction ? 0 : GetInt<uint64_t>(h0.at("n"));
  std::vector<std::string> names;
  std::map<std::string, size_t> sidx;
  for (const auto& s : h0.at("sources")) {
    sidx[s.at("source").get<std::string>()] = names.size();
    names.push_back(s.at("source").get<std::string>());
  }
  struct Entry {
    uint64_t key;
    std::string tie;
    std::string line;
    bool flagged;
    std::vector<std::string> judges;  // machine.judges (version 2)
  };
  std::vector<std::vector<Entry>> per(names.size());
  std::vector<Json> sums(names.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    for (const auto& s : hs[i].at("sources")) {
      size_t k = sidx.at(s.at("source").get<std::string>());
      if (sums[k].is_null()) {
        sums[k] = s;
        sums[k]["files"] = 0;
        sums[k]["population"] = 0;
      }
      sums[k]["files"] = GetInt<uint64_t>(sums[k]["files"]) + GetInt<uint64_t>(s.at("files"));
      sums[k]["population"] =
          GetInt<uint64_t>(sums[k]["population"]) + GetInt<uint64_t>(s.at("population"));
    }
    for (size_t l = 0; l < bodies[i].size(); ++l) {
      Json r;
      SAFEGATE_ASSIGN_OR_RETURN(
          r, internal::ParseJson(bodies[i][l], parts[i] + ":" + std::to_string(l + 2)));
      auto it = sidx.find(r.value("source", ""));
      if (it == sidx.end())
        return InvalidArgumentError(parts[i] + ":" + std::to_string(l + 2) + ": unknown source");
      uint64_t key;
      SAFEGATE_ASSIGN_OR_RETURN(key, internal::ParseHex64(r.value("key", "")));
      std::string tie = r.contains("id") ? r["id"].get<std::string>()
                                         : r.value("file", "") + std::string(1, '\0') +
                                               std::to_string(GetIntOr<uint64_t>(r, "offset", 0));
      bool flagged = r.contains("machine") && r["machine"].value("flagged", false);
      std::vector<std::string> judges;
      if (r.contains("machine") && r["machine"].contains("judges"))
        judges = r["machine"]["judges"].get<std::vector<std::string>>();
      per[it->second].push_back(
          Entry{key, std::move(tie), std::move(bodies[i][l]), flagged, std::move(judges)});
    }
  }
  std::string body;
  for (size_t k = 0; k < names.size(); ++k) {
    auto& v = per[k];
    std::sort(v.begin(), v.end(), [](const Entry& a, const Entry& b) {
      return a.key != b.key ? a.key < b.key : a.tie < b.tie;
    });
    if (!by_fraction && v.size() > n) v.resize(n);
    uint64_t flagged = 0;
    const bool count_judges = sums[k].contains("machine_judges");
    if (count_judges)
      for (auto& n : sums[k]["machine_judges"]) n = 0;
    for (const auto& e : v) {
      if (e.flagged) ++flagged;
      if (count_judges)
        for (const auto& name : e.judges)
          sums[k]["machine_judges"][name] =
              GetIntOr<uint64_t>(sums[k]["machine_judges"], name.c_str(), 0) + 1;
      body += e.line;
      body += '\n';
    }
    sums[k]["sampled"] = v.size();
    sums[k]["machine_flagged"] = flagged;
  }
  Json h = h0;
  h["sources"] = Json::array();
  for (auto& s : sums) h["sources"].push_back(s);
  h["run"] = {{"merged_parts", parts.size()}};
  AtomicFile f;
  SAFEGATE_RETURN_IF_ERROR(f.Open(out));
  SAFEGATE_RETURN_IF_ERROR(f.Write(DumpJson(h) + "\n"));
  SAFEGATE_RETURN_IF_ERROR(f.Write(body));
  SAFEGATE_RETURN_IF_ERROR(f.Commit());
  return std::string("sample");
}

// Hits parts are each in unit order; a k-way merge by unit restores the order
// of one run without holding more than one line per part in memory.
Result<std::string> MergeHits(const std::vector<std::string>& parts, const std::string& out) {
  struct Part {
    std::ifstream in;
    std::string line;
    int64_t unit = -1;
    uint64_t lineno = 1;
  };
  std::vector<std::unique_ptr<Part>> ps;
  std::vector<Json> hs;
  for (const auto& p : parts) {
    auto part = std::make_unique<Part>();
    part->in.open(p, std::ios::binary);
    if (!part->in) return IoError("cannot open " + p);
    std::string line;
    std::getline(part->in, line);
    Json h;
    SAFEGATE_ASSIGN_OR_RETURN(h, internal::ParseJson(line, p + ":1"));
    hs.push_back(std::move(h));
    ps.push_back(std::move(part));
  }
  SAFEGATE_RETURN_IF_ERROR(CheckSame(hs, parts));
  auto advance = [&](size_t i) -> Status {
    Part& p = *ps[i];
    p.unit = -1;
    while (std::getline(p.in, p.line)) {
      ++p.lineno;
      if (p.line.empty()) continue;
      auto pos = p.line.find("\"unit\":");
      if (pos == std::string::npos) {
        return InvalidArgumentError(AtLocation(parts[i], p.lineno, "unit", "missing"));
      }
      char* end = nullptr;
      p.unit = std::strtoll(p.line.c_str() + pos + 7, &end, 10);
      if (p.unit < 0 || end == p.line.c_str() + pos + 7) {  // -1 marks an ended part
        return InvalidArgumentError(
            AtLocation(parts[i], p.lineno, "unit", "expected a non-negative integer"));
      }
      return OkStatus();
    }
    return OkStatus();
  };
  for (size_t i = 0; i < ps.size(); ++i) SAFEGATE_RETURN_IF_ERROR(advance(i));
  AtomicFile f;
  SAFEGATE_RETURN_IF_ERROR(f.Open(out));
  SAFEGATE_RETURN_IF_ERROR(f.Write(DumpJson(hs[0]) + "\n"));
  for (;;) {
    int64_t best = -1;
    size_t bi = 0;
    for (size_t i = 0; i < ps.size(); ++i) {
      if (ps[i]->unit >= 0 && (best < 0 || ps[i]->unit < best)) {
        best = ps[i]->unit;
        bi = i;
      }
    }
    if (best < 0) break;
    while (ps[bi]->unit == best) {
      SAFEGATE_RETURN_IF_ERROR(f.Write(ps[bi]->line + "\n"));
      SAFEGATE_RETURN_IF_ERROR(advance(bi));
    }
  }
  SAFEGATE_RETURN_IF_ERROR(f.Commit());
  return std::string("hits");
}

}  // namespace

Result<std::string> MergeResults(const std::vector<std::string>& parts,
                                 const std::string& out_path) {
  if (parts.empty()) return InvalidArgumentError("merge: no input files");
  std::string first;
  SAFEGATE_ASSIGN_OR_RETURN(first, FirstLine(parts[0]));
  std::string names;
  for (const auto& p : parts) names += (names.empty() ? "" : ", ") + p;
  auto guarded = [&](auto merge) {
    return internal::CatchJson<Result<std::string>>(names, [&] { return merge(parts, out_path); });
  };
  if (first.find(kSampleSchema) != std::string::npos ||
      first.find(kSampleSchemaV1) != std::string::npos)
    return guarded(MergeSample);
  if (first.find(kHitsSchema) != std::string::npos) return guarded(MergeHits);
  // Scan summaries are pretty-printed: the schema is on a later line.
  std::string text;
  SAFEGATE_ASSIGN_OR_RETURN(text, ReadFile(parts[0]));
  if (text.find(kScanSchema) != std::string::npos || text.find(kScanSchemaV1) != std::string::npos)
    return guarded(MergeScan);
  return InvalidArgumentError(parts[0] + ": not a scan summary, sample or hits file of safegate");
}

}  // namespace safegate::corpusjobs
