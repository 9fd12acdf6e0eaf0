#include "safegate/corpusjobs/verdict.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <set>

#include "meta.h"
#include "safegate/base/csv.h"
#include "safegate/base/file.h"
#include "safegate/base/hash.h"
#include "safegate/base/json.h"
#include "safegate/base/version.h"

namespace safegate::corpusjobs {
namespace {

using internal::Json;

struct SampleRecord {
  std::string sample_id, source, file, text;
  uint64_t line = 0;
  bool machine_flagged = false;
  std::vector<std::string> categories, keywords;
  std::vector<std::string> judges;  // the judges that flagged it (version 2)
};

struct SampleFile {
  Json header;
  std::vector<SampleRecord> records;
};

Result<SampleFile> ReadSample(const std::string& path) {
  std::string text;
  SAFEGATE_ASSIGN_OR_RETURN(text, ReadFile(path));
  SampleFile out;
  size_t pos = 0;
  uint64_t line = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view l(text.data() + pos, nl - pos);
    pos = nl + 1;
    ++line;
    if (l.empty()) continue;
    auto j = internal::ParseJson(l, path + ":" + std::to_string(line));
    if (!j.ok()) return j.status();
    if (line == 1) {
      const std::string schema = j->is_object() ? j->value("schema", "") : "";
      if (schema != kSampleSchema && schema != kSampleSchemaV1) {
        return InvalidArgumentError(AtLocation(
            path, 1, "schema", std::string("not a sample file (expected ") + kSampleSchema + ")"));
      }
      out.header = std::move(*j);
      continue;
    }
    try {
      SampleRecord r;
      r.sample_id = j->at("sample_id").get<std::string>();
      r.source = j->at("source").get<std::string>();
      r.file = j->at("file").get<std::string>();
      r.line = GetInt<uint64_t>(j->at("line"));
      r.text = j->value("text", "");
      const Json& m = j->at("machine");
      r.machine_flagged = m.at("flagged").get<bool>();
      for (const auto& c : m.at("categories")) r.categories.push_back(c.get<std::string>());
      for (const auto& h : m.at("hits"))  // version 2: also hits of other judges, no keyword
        if (h.contains("keyword")) r.keywords.push_back(h.at("keyword").get<std::string>());
      if (m.contains("judges"))
        for (const auto& n : m.at("judges")) r.judges.push_back(n.get<std::string>());
      out.records.push_back(std::move(r));
    } catch (const std::exception& e) {
      return InvalidArgumentError(
          AtLocation(path, line, "", std::string("bad sample record: ") + e.what()));
    }
  }
  if (out.header.is_null())
    return InvalidArgumentError(AtLocation(path, 0, "", "empty sample file"));
  return out;
}

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += sep;
    s += v[i];
  }
  return s;
}

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// Returns 1 (unallowable), 0 (allowable), -1 (not labelled), -2 (bad value).
int ParseLabelValue(const std::string& raw) {
  std::string v = Lower(raw);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.erase(v.begin());
  if (v.empty()) return -1;
  if (v == "unallowable" || v == "bad" || v == "1" || v == "yes" || v == "true") return 1;
  if (v == "allowable" || v == "ok" || v == "0" || v == "no" || v == "false") return 0;
  return -2;
}

const std::vector<std::string> kExportColumns = {
    "sample_id",          "source",           "file",           "line",  "machine_flagged",
    "machine_categories", "machine_keywords", "machine_judges", "text",  "label",
    "category",           "reviewer",         "note",           "sample"};

bool EndsWith(const std::string& s, const std::string& suf) {
  return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

}  // namespace

Status ExportLabels(const std::string& sample_path, const std::string& out_path, uint64_t random_n,
                    uint64_t seed) {
  SampleFile sample;
  SAFEGATE_ASSIGN_OR_RETURN(sample, ReadSample(sample_path));
  // The rows to export, in sample order, and how each was drawn.
  std::vector<std::pair<const SampleRecord*, std::string>> rows;
  {
    std::map<std::string, std::vector<size_t>> by_source;
    for (size_t i = 0; i < sample.records.size(); ++i)
      by_source[sample.records[i].source].push_back(i);
    std::vector<std::string> how(sample.records.size());
    std::vector<bool> keep(sample.records.size(), random_n == 0);
    for (auto& [source, idx] : by_source) {
      if (random_n == 0 || random_n >= idx.size()) {
        for (size_t i : idx) {
          keep[i] = true;
          how[i] = "all";
        }
        continue;
      }
      std::mt19937_64 rng(SipHash24(DeriveKey(seed, "corpus-label-export"), source));
      for (uint64_t k = 0; k < random_n; ++k) {
        std::uniform_int_distribution<size_t> d(k, idx.size() - 1);
        std::swap(idx[k], idx[d(rng)]);
      }
      std::string what = "random seed=" + std::to_string(seed) + " n=" + std::to_string(random_n) +
                         " of " + std::to_string(idx.size());
      for (uint64_t k = 0; k < random_n; ++k) {
        keep[idx[k]] = true;
        how[idx[k]] = what;
      }
    }
    for (size_t i = 0; i < sample.records.size(); ++i)
      if (keep[i]) rows.push_back({&sample.records[i], how[i]});
  }
  std::string out;
  if (EndsWith(out_path, ".csv")) {
    AppendCsvRecord(kExportColumns, &out);
    for (const auto& [rp, how] : rows) {
      const auto& r = *rp;
      AppendCsvRecord({r.sample_id, r.source, r.file, std::to_string(r.line),
                       r.machine_flagged ? "yes" : "no", Join(r.categories, ";"),
                       Join(r.keywords, ";"), Join(r.judges, ";"), r.text, "", "", "", "", how},
                      &out);
    }
  } else {
    for (const auto& [rp, how] : rows) {
      const auto& r = *rp;
      Json j;
      j["sample_id"] = r.sample_id;
      j["source"] = r.source;
      j["file"] = r.file;
      j["line"] = r.line;
      j["machine_flagged"] = r.machine_flagged;
      j["machine_categories"] = r.categories;
      j["machine_keywords"] = r.keywords;
      j["machine_judges"] = r.judges;
      j["text"] = r.text;
      j["label"] = "";
      j["category"] = "";
      j["reviewer"] = "";
      j["note"] = "";
      j["sample"] = how;
      out += DumpJson(j) + "\n";
    }
  }
  return WriteFileAtomic(out_path, out);
}

Result<std::vector<HumanLabel>> ReadLabels(const std::string& labels_path,
                                           const std::string& sample_path,
                                           const policy::Taxonomy& taxonomy) {
  SampleFile sample;
  SAFEGATE_ASSIGN_OR_RETURN(sample, ReadSample(sample_path));
  std::set<std::string> known;
  for (const auto& r : sample.records) known.insert(r.sample_id);
  std::string text;
  SAFEGATE_ASSIGN_OR_RETURN(text, ReadFile(labels_path));

  std::vector<HumanLabel> out;
  std::set<std::string> seen;
  auto add = [&](uint64_t line, const std::string& id, const std::string& label,
                 const std::string& category, const std::string& reviewer,
                 const std::string& note) -> Status {
    if (id.empty())
      return InvalidArgumentError(AtLocation(labels_path, line, "sample_id", "missing"));
    if (!known.count(id)) {
      return InvalidArgumentError(AtLocation(labels_path, line, "sample_id",
                                             "'" + id + "' is not in the sample " + sample_path));
    }
    if (!seen.insert(id).second) {
      return InvalidArgumentError(
          AtLocation(labels_path, line, "sample_id", "duplicate label for '" + id + "'"));
    }
    int v = ParseLabelValue(label);
    if (v == -2) {
      return InvalidArgumentError(AtLocation(
          labels_path, line, "label",
          "'" + label + "' is not a label (use allowable or unallowable, or leave it empty)"));
    }
    if (!category.empty() && !taxonomy.Contains(category)) {
      return InvalidArgumentError(
          AtLocation(labels_path, line, "category", "unknown category '" + category + "'"));
    }
    if (v == -1) return OkStatus();  // not reviewed yet
    out.push_back(HumanLabel{id, v == 1, category, reviewer, note});
    return OkStatus();
  };

  bool jsonl = !EndsWith(labels_path, ".csv");
  if (!jsonl) {
    CsvReader csv(text, labels_path);
    std::vector<std::string> f;
    auto first = csv.Next(&f);
    if (!first.ok()) return first.status();
    if (!*first) return InvalidArgumentError(AtLocation(labels_path, 0, "", "empty labels file"));
    std::map<std::string, size_t> col;
    for (size_t i = 0; i < f.size(); ++i) col[Lower(f[i])] = i;
    for (const char* need : {"sample_id", "label"}) {
      if (!col.count(need))
        return InvalidArgumentError(AtLocation(labels_path, 1, need, "missing column"));
    }
    auto get = [&](const std::vector<std::string>& row, const char* name) -> std::string {
      auto it = col.find(name);
      return it == col.end() || it->second >= row.size() ? std::string() : row[it->second];
    };
    for (;;) {
      auto more = csv.Next(&f);
      if (!more.ok()) return more.status();
      if (!*more) break;
      if (f.size() == 1 && f[0].empty()) continue;  // blank line
      if (f.size() != col.size()) {
        return InvalidArgumentError(AtLocation(labels_path, csv.line(), "",
                                               "expected " + std::to_string(col.size()) +
                                                   " columns, found " + std::to_string(f.size())));
      }
      SAFEGATE_RETURN_IF_ERROR(add(csv.line(), get(f, "sample_id"), get(f, "label"),
                                   get(f, "category"), get(f, "reviewer"), get(f, "note")));
    }
  } else {
    size_t pos = 0;
    uint64_t line = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) nl = text.size();
      std::string_view l(text.data() + pos, nl - pos);
      pos = nl + 1;
      ++line;
      if (l.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      Json j;
      try {
        j = Json::parse(l);
      } catch (const std::exception& e) {
        return InvalidArgumentError(
            AtLocation(labels_path, line, "", std::string("invalid JSON: ") + e.what()));
      }
      if (!j.is_object())
        return InvalidArgumentError(AtLocation(labels_path, line, "", "expected an object"));
      if (j.contains("schema")) continue;  // header of a canonical labels file
      auto str = [&](const char* k) -> Result<std::string> {
        if (!j.contains(k) || j[k].is_null()) return std::string();
        if (j[k].is_string()) return j[k].get<std::string>();
        if (j[k].is_boolean()) return std::string(j[k].get<bool>() ? "unallowable" : "allowable");
        if (j[k].is_number_integer()) return std::to_string(GetInt<int64_t>(j[k]));
        return InvalidArgumentError(AtLocation(labels_path, line, k, "expected a string"));
      };
      std::string id, label, cat, rev, note;
      SAFEGATE_ASSIGN_OR_RETURN(id, str("sample_id"));
      if (j.contains("unallowable")) {
        SAFEGATE_ASSIGN_OR_RETURN(label, str("unallowable"));
      } else {
        SAFEGATE_ASSIGN_OR_RETURN(label, str("label"));
      }
      SAFEGATE_ASSIGN_OR_RETURN(cat, str("category"));
      SAFEGATE_ASSIGN_OR_RETURN(rev, str("reviewer"));
      SAFEGATE_ASSIGN_OR_RETURN(note, str("note"));
      SAFEGATE_RETURN_IF_ERROR(add(line, id, label, cat, rev, note));
    }
  }
  return out;
}

Status WriteLabels(const std::vector<HumanLabel>& labels, const std::string& sample_path,
                   const std::string& out_path) {
  std::string out;
  Json h;
  h["schema"] = kLabelsSchema;
  h["tool"] = {{"name", "safegate"}, {"version", std::string(ToolVersion())}};
  h["sample"] = sample_path;
  h["labels"] = labels.size();
  out += DumpJson(h) + "\n";
  for (const auto& l : labels) {
    Json j;
    j["sample_id"] = l.sample_id;
    j["label"] = l.unallowable ? "unallowable" : "allowable";
    if (!l.category.empty()) j["category"] = l.category;
    if (!l.reviewer.empty()) j["reviewer"] = l.reviewer;
    if (!l.note.empty()) j["note"] = l.note;
    out += DumpJson(j) + "\n";
  }
  return WriteFileAtomic(out_path, out);
}

namespace {
Result<AuditReport> RunAuditUnguarded(const policy::Profile& profile,
                                      const policy::Taxonomy& taxonomy,
                                      const std::string& sample_path, const AuditOptions& options);
}  // namespace

Result<AuditReport> RunAudit(const policy::Profile& profile, const policy::Taxonomy& taxonomy,
                             const std::string& sample_path, const AuditOptions& options) {
  const std::string files =
      sample_path +
      (options.scan_summary_path.empty() ? std::string() : " or " + options.scan_summary_path);
  return internal::CatchJson<Result<AuditReport>>(
      files, [&] { return RunAuditUnguarded(profile, taxonomy, sample_path, options); });
}

namespace {
Result<AuditReport> RunAuditUnguarded(const policy::Profile& profile,
                                      const policy::Taxonomy& taxonomy,
                                      const std::string& sample_path, const AuditOptions& options) {
  SampleFile sample;
  SAFEGATE_ASSIGN_OR_RETURN(sample, ReadSample(sample_path));
  std::map<std::string, const HumanLabel*> human;
  std::vector<HumanLabel> labels;
  if (!options.labels_path.empty()) {
    SAFEGATE_ASSIGN_OR_RETURN(labels, ReadLabels(options.labels_path, sample_path, taxonomy));
    for (const auto& l : labels) human[l.sample_id] = &l;
  }
  double threshold = 0;
  SAFEGATE_ASSIGN_OR_RETURN(threshold, profile.Value("corpus.source.max_unallowable_rate"));

  AuditReport rep;
  rep.sample_path = sample_path;
  rep.seed = GetIntOr<uint64_t>(sample.header, "seed", 0);
  rep.rule = options.rule;
  rep.confidence = options.confidence;
  rep.header_json = DumpJson(sample.header);
  std::map<std::string, size_t> idx;
  for (const auto& s : sample.header.at("sources")) {
    SourceVerdict v;
    v.source = s.at("source").get<std::string>();
    v.population = GetInt<uint64_t>(s.at("population"));
    v.threshold = v.readable_limit = threshold;
    idx[v.source] = rep.sources.size();
    rep.sources.push_back(v);
  }
  // The scan summary: every document of the same corpus, and each source's
  // unreadable lines, which the sample (drawn from readable lines) cannot show.
  Json scan;
  if (!options.scan_summary_path.empty()) {
    const std::string& sp = options.scan_summary_path;
    std::string text;
    SAFEGATE_ASSIGN_OR_RETURN(text, ReadFile(sp));
    SAFEGATE_ASSIGN_OR_RETURN(scan, internal::ParseJson(text, sp));
    const std::string schema = scan.value("schema", "");
    if (schema != kScanSchema && schema != kScanSchemaV1) {
      return InvalidArgumentError(AtLocation(
          sp, 0, "schema", std::string("not a scan summary (expected ") + kScanSchema + ")"));
    }
    const Json none = Json::object();
    const std::string scan_fp =
        scan.value("corpus", none).value("fingerprint", std::string("(none)"));
    const std::string sample_fp =
        sample.header.value("corpus", none).value("fingerprint", std::string("(none)"));
    if (scan_fp != sample_fp) {
      return InvalidArgumentError(
          AtLocation(sp, 0, "corpus.fingerprint",
                     "the scan summary is of another corpus than the sample " + sample_path +
                         " (corpus fingerprint " + scan_fp + ", the sample's " + sample_fp +
                         "): scan and sample the same sources"));
    }
    for (const auto& s : scan.at("sources")) {
      const std::string name = s.at("source").get<std::string>();
      auto it = idx.find(name);
      if (it == idx.end()) continue;
      SourceVerdict& v = rep.sources[it->second];
      v.unreadable_known = true;
      v.readable = GetInt<uint64_t>(s.at("docs"));
      v.unreadable = GetInt<uint64_t>(s.at("bad_lines"));
    }
    for (const SourceVerdict& v : rep.sources) {
      if (!v.unreadable_known) {
        return InvalidArgumentError(
            AtLocation(sp, 0, "sources", "no source '" + v.source + "' in the scan summary"));
      }
    }
  }
  uint64_t h_n = 0, h_ok = 0, m_n = 0, m_ok = 0, population = 0;
  // Human (y) against machine (f) labels, positive = unallowable: per source
  // and over the corpus.
  std::vector<stats::LabelPairs> pairs(rep.sources.size());
  std::vector<uint64_t> machine_flagged(rep.sources.size());
  stats::LabelPairs all_pairs;
  auto add_pair = [](stats::LabelPairs& p, bool y, bool f) {
    if (y && f) p.both_positive++;
    if (y && !f) p.human_only++;
    if (!y && f) p.machine_only++;
    if (!y && !f) p.both_negative++;
  };
  for (const auto& r : sample.records) {
    auto it = idx.find(r.source);
    if (it == idx.end()) {
      return InvalidArgumentError(sample_path + ": record of unknown source '" + r.source + "'");
    }
    SourceVerdict& v = rep.sources[it->second];
    ++v.n;
    auto h = human.find(r.sample_id);
    bool bad = r.machine_flagged;
    if (r.machine_flagged) ++machine_flagged[it->second];
    if (h != human.end()) {
      bad = h->second->unallowable;
      add_pair(pairs[it->second], bad, r.machine_flagged);
      add_pair(all_pairs, bad, r.machine_flagged);
      ++v.human_labelled;
      ++h_n;
      if (!bad) ++h_ok;
    }
    if (bad) ++v.flagged;
    ++m_n;
    if (!r.machine_flagged) ++m_ok;
  }
  rep.all_pass = true;
  for (size_t i = 0; i < rep.sources.size(); ++i) {
    SourceVerdict& v = rep.sources[i];
    v.machine_flagged = machine_flagged[i];
    v.corrected = stats::PpiProportion(machine_flagged[i], v.n, pairs[i], options.confidence);
    if (v.corrected) v.judge_vs_human = stats::CompareWithHumans(pairs[i], options.confidence);
  }
  for (auto& v : rep.sources) {
    population += v.population;
    v.basis = v.human_labelled == 0 ? "machine" : v.human_labelled == v.n ? "human" : "mixed";
    v.rate = v.n ? static_cast<double>(v.flagged) / static_cast<double>(v.n) : 0;
    v.wilson = stats::Wilson(v.flagged, v.n, options.confidence);
    v.clopper_pearson = stats::ClopperPearson(v.flagged, v.n, options.confidence);
    // Unreadable lines count as unallowable: the readable part's limit is what
    // is left of the threshold once they are (threshold - u) / (1 - u).
    const uint64_t all = v.readable + v.unreadable;
    const double u = all ? static_cast<double>(v.unreadable) / static_cast<double>(all) : 0;
    const bool too_many_unreadable = v.unreadable > 0 && u > threshold;
    if (v.unreadable > 0) v.readable_limit = too_many_unreadable ? 0 : (threshold - u) / (1 - u);
    stats::ThresholdTest readable_test{v.readable_limit, options.rule, options.confidence};
    v.oc_at_threshold = v.n && !too_many_unreadable
                            ? stats::OperatingCharacteristic(v.n, v.readable_limit, readable_test)
                            : 0;
    v.verdict = too_many_unreadable                            ? "fail"
                : v.n == 0                                     ? "no data"
                : stats::Passes(v.flagged, v.n, readable_test) ? "pass"
                                                               : "fail";
    if (v.verdict != "pass") rep.all_pass = false;
  }

  // Whole-corpus assessments.
  auto assess = [&](Assessment a, uint64_t n, uint64_t ok, bool enough) {
    a.n = n;
    a.qualified = ok;
    a.rate = n ? static_cast<double>(ok) / static_cast<double>(n) : 0;
    a.wilson = stats::Wilson(ok, n, options.confidence);
    a.clopper_pearson = stats::ClopperPearson(ok, n, options.confidence);
    // A minimum qualified rate is a maximum rate of unqualified items.
    stats::ThresholdTest t{1.0 - a.required_rate, options.rule, options.confidence};
    if (n == 0) {
      a.verdict = "not assessed";
    } else if (!enough) {
      a.verdict = "sample too small";
    } else {
      a.verdict = stats::Passes(n - ok, n, t) ? "pass" : "fail";
    }
    if (a.verdict != "pass") rep.all_pass = false;
    rep.assessments.push_back(a);
  };
  {
    Assessment a;
    a.id = "corpus.human_sample";
    double min_items = 0, min_rate = 0;
    SAFEGATE_ASSIGN_OR_RETURN(min_items, profile.Value("corpus.human_sample.min_items"));
    SAFEGATE_ASSIGN_OR_RETURN(min_rate, profile.Value("corpus.human_sample.min_qualified_rate"));
    a.required_n = static_cast<uint64_t>(min_items);
    a.required_rate = min_rate;
    const auto* req = profile.Find("corpus.human_sample.min_items");
    a.source = req ? req->source : "";
    char buf[256];
    std::snprintf(
        buf, sizeof buf,
        "human review of a random sample: at least %llu items, qualified rate at least %.1f%%",
        static_cast<unsigned long long>(a.required_n), 100 * min_rate);
    a.requirement = buf;
    a.detail = h_n == 0 ? "no human labels given (corpus label export/import)" : "";
    assess(a, h_n, h_ok, h_n >= a.required_n);
  }
  {
    Assessment a;
    a.id = "corpus.machine_sample";
    double min_fraction = 0, min_rate = 0;
    SAFEGATE_ASSIGN_OR_RETURN(min_fraction, profile.Value("corpus.machine_sample.min_fraction"));
    SAFEGATE_ASSIGN_OR_RETURN(min_rate, profile.Value("corpus.machine_sample.min_qualified_rate"));
    a.required_rate = min_rate;
    a.required_n = static_cast<uint64_t>(std::ceil(min_fraction * static_cast<double>(population)));
    const auto* req = profile.Find("corpus.machine_sample.min_fraction");
    a.source = req ? req->source : "";
    char buf[256];
    std::snprintf(
        buf, sizeof buf,
        "keyword/classifier check: at least %.0f%% of the corpus, qualified rate at least %.1f%%",
        100 * min_fraction, 100 * min_rate);
    a.requirement = buf;
    uint64_t n = m_n, ok = m_ok;
    a.detail = "from the sample's machine labels";
    if (!options.scan_summary_path.empty()) {
      // Unreadable lines were checked by no judge: they are not qualified.
      n = ok = 0;
      uint64_t unreadable = 0;
      for (const auto& s : scan.at("sources")) {
        uint64_t d = GetInt<uint64_t>(s.at("docs")), f = GetInt<uint64_t>(s.at("flagged"));
        uint64_t b = GetInt<uint64_t>(s.at("bad_lines"));
        n += d + b;
        ok += d - f;
        unreadable += b;
      }
      a.detail = "from the scan summary " + options.scan_summary_path;
      if (unreadable > 0) {
        a.detail +=
            " (" + std::to_string(unreadable) + " unreadable lines counted as not qualified)";
      }
    }
    a.detail += "; corpus population " + std::to_string(population) + " documents";
    // Qualified = not flagged: the pairs with both labels negated.
    a.corrected = stats::PpiProportion(ok, n, all_pairs.Flipped(), options.confidence);
    if (a.corrected) a.judge_vs_human = stats::CompareWithHumans(all_pairs, options.confidence);
    assess(a, n, ok, n >= a.required_n);
  }
  return rep;
}
}  // namespace

namespace {

Json CorrectedJson(const std::optional<stats::CorrectedRate>& c) {
  if (!c) return nullptr;
  return {{"method", "ppi"},
          {"rate", c->rate},
          {"interval", {c->interval.lo, c->interval.hi}},
          {"n_human", c->n_human},
          {"n_machine", c->n_machine}};
}

Json JudgeVsHumanJson(const std::optional<stats::JudgeAgreement>& a) {
  if (!a) return nullptr;
  auto triple = [](const stats::ProportionCi& p) {
    return Json::array({p.rate, p.wilson.lo, p.wilson.hi});
  };
  return {{"n", a->n},
          {"positive", "unallowable"},
          {"agreement", a->agreement.rate},
          {"agreement_interval", {a->agreement.wilson.lo, a->agreement.wilson.hi}},
          {"sensitivity", triple(a->sensitivity)},
          {"sensitivity_n", a->sensitivity.n},
          {"specificity", triple(a->specificity)},
          {"specificity_n", a->specificity.n}};
}

}  // namespace

std::string AuditReportJson(const AuditReport& r) {
  Json h = Json::parse(r.header_json);
  Json j;
  j["schema"] = kAuditSchema;
  j["tool"] = {{"name", "safegate"}, {"version", std::string(ToolVersion())}};
  j["policy"] = h.value("policy", Json::object());
  j["profile"] = h.value("profile", Json::object());
  j["seed"] = r.seed;
  j["sample"] = r.sample_path;
  j["rule"] = std::string(stats::VerdictRuleName(r.rule));
  j["confidence"] = r.confidence;
  j["sources"] = Json::array();
  for (const auto& v : r.sources) {
    Json s;
    s["source"] = v.source;
    s["population"] = v.population;
    s["n"] = v.n;
    s["flagged"] = v.flagged;
    s["machine_flagged"] = v.machine_flagged;
    s["human_labelled"] = v.human_labelled;
    s["basis"] = v.basis;
    s["rate"] = v.rate;
    s["wilson"] = {v.wilson.lo, v.wilson.hi};
    s["clopper_pearson"] = {v.clopper_pearson.lo, v.clopper_pearson.hi};
    s["threshold"] = v.threshold;
    s["readable"] = v.unreadable_known ? Json(v.readable) : Json(nullptr);
    s["unreadable"] = v.unreadable_known ? Json(v.unreadable) : Json(nullptr);
    s["readable_limit"] = v.readable_limit;
    s["verdict"] = v.verdict;
    s["oc_at_threshold"] = v.oc_at_threshold;
    s["corrected"] = CorrectedJson(v.corrected);
    s["judge_vs_human"] = JudgeVsHumanJson(v.judge_vs_human);
    j["sources"].push_back(s);
  }
  j["assessments"] = Json::array();
  for (const auto& a : r.assessments) {
    Json s;
    s["id"] = a.id;
    s["requirement"] = a.requirement;
    s["source"] = a.source;
    s["n"] = a.n;
    s["required_n"] = a.required_n;
    s["qualified"] = a.qualified;
    s["qualified_rate"] = a.rate;
    s["required_rate"] = a.required_rate;
    s["wilson"] = {a.wilson.lo, a.wilson.hi};
    s["clopper_pearson"] = {a.clopper_pearson.lo, a.clopper_pearson.hi};
    s["verdict"] = a.verdict;
    s["detail"] = a.detail;
    s["corrected"] = CorrectedJson(a.corrected);
    s["judge_vs_human"] = JudgeVsHumanJson(a.judge_vs_human);
    j["assessments"].push_back(s);
  }
  j["all_pass"] = r.all_pass;
  return DumpJson(j, 2) + "\n";
}

std::string AuditReportTable(const AuditReport& r) {
  std::string out;
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-18s %8s %6s %7s %8s  %-17s %-17s %9s %6s  %-7s %s\n", "source",
                "n", "bad", "rate", "limit", "wilson 95%", "clopper-pearson", "P(pass@lim)",
                "basis", "verdict", "");
  out += buf;
  for (const auto& v : r.sources) {
    std::snprintf(buf, sizeof buf,
                  "%-18s %8llu %6llu %6.2f%% %7.2f%%  [%5.2f%%, %5.2f%%] [%5.2f%%, %5.2f%%] %9.2f  "
                  " %-6s  %s\n",
                  v.source.c_str(), static_cast<unsigned long long>(v.n),
                  static_cast<unsigned long long>(v.flagged), 100 * v.rate, 100 * v.threshold,
                  100 * v.wilson.lo, 100 * v.wilson.hi, 100 * v.clopper_pearson.lo,
                  100 * v.clopper_pearson.hi, v.oc_at_threshold, v.basis.c_str(),
                  v.verdict == "pass"   ? "PASS"
                  : v.verdict == "fail" ? "FAIL"
                                        : v.verdict.c_str());
    out += buf;
  }
  // The machine labels against people, and the rates corrected by them.
  auto vs_people = [&](const std::string& name, const char* what,
                       const std::optional<stats::CorrectedRate>& c,
                       const std::optional<stats::JudgeAgreement>& a) {
    if (!c || !a) return;
    std::snprintf(buf, sizeof buf,
                  "%-18s corrected %s %.2f%% [%.2f%%, %.2f%%] (PPI, %llu human of %llu machine "
                  "labels); machine vs people: agreement %.1f%%, sensitivity %.1f%% [%.1f%%, "
                  "%.1f%%], specificity %.1f%% [%.1f%%, %.1f%%]\n",
                  name.c_str(), what, 100 * c->rate, 100 * c->interval.lo, 100 * c->interval.hi,
                  static_cast<unsigned long long>(c->n_human),
                  static_cast<unsigned long long>(c->n_machine), 100 * a->agreement.rate,
                  100 * a->sensitivity.rate, 100 * a->sensitivity.wilson.lo,
                  100 * a->sensitivity.wilson.hi, 100 * a->specificity.rate,
                  100 * a->specificity.wilson.lo, 100 * a->specificity.wilson.hi);
    out += buf;
  };
  for (const auto& v : r.sources)
    vs_people(v.source, "unallowable rate", v.corrected, v.judge_vs_human);
  // What the sample could not show: lines nobody could read.
  bool unknown = false;
  for (const auto& v : r.sources) {
    if (!v.unreadable_known) unknown = true;
    if (v.unreadable == 0) continue;
    const uint64_t all = v.readable + v.unreadable;
    const double u = static_cast<double>(v.unreadable) / static_cast<double>(all);
    char held[64];
    std::snprintf(held, sizeof held, "the sampled rate is held to %.2f%%", 100 * v.readable_limit);
    std::snprintf(buf, sizeof buf,
                  "%-18s %llu of %llu lines unreadable (%.2f%%, bad lines: not judged, counted as "
                  "unallowable): %s\n",
                  v.source.c_str(), static_cast<unsigned long long>(v.unreadable),
                  static_cast<unsigned long long>(all), 100 * u,
                  u > v.threshold ? "more than the limit on their own" : held);
    out += buf;
  }
  if (unknown) {
    out +=
        "unreadable (bad) lines are not known without --scan: the sample holds readable lines "
        "only\n";
  }
  out += "\nrule: ";
  out += r.rule == stats::VerdictRule::kPointEstimate
             ? "a source fails when its sampled unallowable rate exceeds the limit"
             : "a source fails unless the upper bound of its 95% interval is within the limit";
  out += "\nP(pass@lim): the chance that a source exactly at the limit passes with this n\n\n";
  for (const auto& a : r.assessments) {
    std::snprintf(buf, sizeof buf,
                  "%-22s n=%-8llu qualified %6.2f%% (need %.1f%%, n>=%llu)  %s\n  %s; %s\n",
                  a.id.c_str(), static_cast<unsigned long long>(a.n), 100 * a.rate,
                  100 * a.required_rate, static_cast<unsigned long long>(a.required_n),
                  a.verdict == "pass"   ? "PASS"
                  : a.verdict == "fail" ? "FAIL"
                                        : a.verdict.c_str(),
                  a.requirement.c_str(), a.detail.c_str());
    out += buf;
    vs_people("  " + a.id, "qualified rate", a.corrected, a.judge_vs_human);
  }
  return out;
}

}  // namespace safegate::corpusjobs
