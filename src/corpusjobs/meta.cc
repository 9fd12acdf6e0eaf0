#include "meta.h"

#include <algorithm>
#include <cstdio>

#include "safegate/base/json.h"
#include "safegate/base/version.h"

namespace safegate::corpusjobs {

Result<std::shared_ptr<const scan::Matcher>> GetMatcher(const JobContext& ctx) {
  if (ctx.matcher) return ctx.matcher;
  if (!ctx.matcher_future.valid()) return FailedPreconditionError("the job has no matcher");
  return ctx.matcher_future.get();
}

}  // namespace safegate::corpusjobs

namespace safegate::corpusjobs::internal {

std::string Hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

Result<uint64_t> ParseHex64(const std::string& s) {
  if (s.size() != 16) return InvalidArgumentError("expected 16 hex digits, got '" + s + "'");
  uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else
      return InvalidArgumentError("expected 16 hex digits, got '" + s + "'");
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}

Json MakeHeader(const JobContext& ctx, const char* schema) {
  Json h;
  h["schema"] = schema;
  h["tool"] = {{"name", "safegate"}, {"version", std::string(ToolVersion())}};
  const auto& pol = *ctx.policy;
  h["policy"] = {{"id", pol.id}, {"version", pol.version}};
  h["profile"] = {{"id", pol.profile.id}, {"version", pol.profile.version}};
  h["normalize"] = ctx.matcher ? ctx.matcher->options().ToString() : pol.normalize.ToString();
  h["engine"] = scan::EngineVersion();
  const auto judges = JudgesOf(ctx);
  Json js = Json::array();
  for (size_t i = 0; i < judges->names.size(); ++i)
    js.push_back({{"name", judges->names[i]}, {"version", judges->versions[i]}});
  h["judges"] = std::move(js);
  h["judges_skipped"] = judges->skipped;
  Json sources = Json::array();
  for (const auto& s : ctx.plan->sources()) {
    Json js = {{"name", s.name}, {"format", std::string(corpus::FormatName(s.format))}};
    if (s.format == corpus::Format::kJsonl) {
      js["text_field"] = s.text_field;
      if (!s.id_field.empty()) js["id_field"] = s.id_field;
    }
    sources.push_back(js);
  }
  h["corpus"] = {{"fingerprint", Hex64(ctx.plan->fingerprint())},
                 {"files", ctx.plan->files().size()},
                 {"units", ctx.plan->units().size()},
                 {"sources", sources}};
  return h;
}

uint64_t UnitDiskBytes(const corpus::Plan& plan, uint32_t unit) {
  const corpus::Unit& u = plan.units()[unit];
  const corpus::FileEntry& f = plan.files()[u.file];
  return f.compression == corpus::Compression::kNone ? u.end - u.begin : f.size;
}

uint64_t UnitsDiskBytes(const corpus::Plan& plan, const std::vector<uint32_t>& units) {
  uint64_t total = 0;
  for (uint32_t u : units) total += UnitDiskBytes(plan, u);
  return total;
}

Json MakeRun(const JobContext& ctx, double seconds) {
  Json r;
  r["seconds"] = seconds;
  r["threads"] = ctx.threads;
  r["shard"] = std::to_string(ctx.shard.index + 1) + "/" + std::to_string(ctx.shard.count);
  return r;
}

namespace {

// The JSON object of a sorted map, in its order. ordered_json's operator[]
// looks each key up linearly (quadratic: 3,329 keywords took 2% of the CPU of
// a 40 MB `corpus scan`); the map's keys are unique, so they are appended.
template <class Map>
Json ObjectOf(const Map& m) {
  Json j = Json::object();
  auto& o = j.get_ref<Json::object_t&>();
  o.reserve(m.size());
  for (const auto& [k, v] : m) o.Json::object_t::Container::emplace_back(k, v);
  return j;
}

}  // namespace

Json StatsToJson(const SourceStats& s) {
  Json j;
  j["source"] = s.source;
  j["files"] = s.files;
  j["bytes"] = s.bytes;
  j["docs"] = s.docs;
  j["bad_lines"] = s.bad;
  j["flagged"] = s.flagged;
  j["categories"] = ObjectOf(s.categories);
  j["keywords"] = ObjectOf(s.keywords);
  j["judges"] = ObjectOf(s.judges);
  return j;
}

Result<SourceStats> StatsFromJson(const Json& j) {
  try {
    SourceStats s;
    s.source = j.at("source").get<std::string>();
    s.files = GetInt<uint64_t>(j.at("files"));
    s.bytes = GetInt<uint64_t>(j.at("bytes"));
    s.docs = GetInt<uint64_t>(j.at("docs"));
    s.bad = GetInt<uint64_t>(j.at("bad_lines"));
    s.flagged = GetInt<uint64_t>(j.at("flagged"));
    for (const auto& [k, v] : j.at("categories").items()) s.categories[k] = GetInt<uint64_t>(v);
    for (const auto& [k, v] : j.at("keywords").items()) s.keywords[k] = GetInt<uint64_t>(v);
    // Absent from version 1 summaries.
    if (j.contains("judges"))
      for (const auto& [k, v] : j.at("judges").items()) s.judges[k] = GetInt<uint64_t>(v);
    return s;
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("bad per-source counts: ") + e.what());
  }
}

void AddStats(const SourceStats& from, SourceStats* to) {
  to->files += from.files;
  to->bytes += from.bytes;
  to->docs += from.docs;
  to->bad += from.bad;
  to->flagged += from.flagged;
  for (const auto& [k, v] : from.categories) to->categories[k] += v;
  for (const auto& [k, v] : from.keywords) to->keywords[k] += v;
  for (const auto& [k, v] : from.judges) to->judges[k] += v;
}

Json BadToJson(const BadExample& b) {
  return Json{{"source", b.source}, {"file", b.file}, {"line", b.line}, {"reason", b.reason}};
}

BadExample BadFromJson(const Json& j) {
  BadExample b;
  b.source = j.value("source", "");
  b.file = j.value("file", "");
  b.line = GetIntOr<uint64_t>(j, "line", 0);
  b.reason = j.value("reason", "");
  return b;
}

std::shared_ptr<const CorpusJudges> JudgesOf(const JobContext& ctx) {
  return ctx.judges ? ctx.judges : KeywordOnlyJudges(*ctx.policy);
}

std::vector<std::string> FlaggedCategories(const CorpusJudges& judges, const scan::Matcher& matcher,
                                           const DocVerdict& v) {
  std::vector<std::string> out;
  auto add = [&](std::string_view c) {
    if (std::find(out.begin(), out.end(), c) == out.end()) out.emplace_back(c);
  };
  for (const auto& h : v.hits) add(matcher.pattern(h.pattern).category);
  for (size_t i = 0; i < judges.others.size() && i < v.verdicts.size(); ++i)
    for (const auto& c : v.verdicts[i].categories)
      if (c.flagged) add(c.category);
  return out;
}

void VerdictToJson(const CorpusJudges& judges, const scan::Matcher& matcher, const DocVerdict& v,
                   Json* judge_names, Json* categories, Json* hit_list) {
  *judge_names = Json::array();
  for (size_t k = 0; k < judges.names.size(); ++k)
    if (v.by[k]) judge_names->push_back(judges.names[k]);
  *categories = FlaggedCategories(judges, matcher, v);
  *hit_list = Json::array();
  for (const auto& h : v.hits) {
    const scan::PatternView p = matcher.pattern(h.pattern);
    hit_list->push_back({{"judge", "keyword"},
                         {"category", std::string(p.category)},
                         {"keyword", std::string(p.id)},
                         {"begin", h.begin},
                         {"end", h.end}});
  }
  const size_t first = judges.keyword ? 1 : 0;
  for (size_t i = 0; i < judges.others.size() && i < v.verdicts.size(); ++i) {
    if (!v.by[first + i]) continue;
    const std::string& name = judges.names[first + i];
    const judge::Verdict& jv = v.verdicts[i];
    for (const auto& e : jv.evidence) {
      hit_list->push_back({{"judge", name},
                           {"category", e.category},
                           {"rule", e.rule},
                           {"begin", e.begin},
                           {"end", e.end}});
    }
    if (!jv.evidence.empty()) continue;
    for (const auto& c : jv.categories)
      if (c.flagged)
        hit_list->push_back({{"judge", name}, {"category", c.category}, {"score", c.score}});
  }
}

void AppendHitsLine(const CorpusJudges& judges, const scan::Matcher& matcher, const DocVerdict& v,
                    std::string_view source, std::string_view file, uint64_t line, uint64_t offset,
                    std::string_view id, uint32_t unit, std::string* out) {
  if (!judges.others.empty()) {
    Json j;
    j["source"] = std::string(source);
    j["file"] = std::string(file);
    j["line"] = line;
    j["offset"] = offset;
    if (!id.empty()) j["id"] = std::string(id);
    j["unit"] = unit;
    Json judge_names, categories, hit_list;
    VerdictToJson(judges, matcher, v, &judge_names, &categories, &hit_list);
    j["judges"] = std::move(judge_names);
    j["categories"] = std::move(categories);
    j["hits"] = std::move(hit_list);
    *out += DumpJson(j);
    return;
  }
  // Only keyword hits (VerdictToJson's first loop), written as DumpJson would.
  auto number = [out](uint64_t n) { *out += std::to_string(n); };
  *out += "{\"source\":";
  AppendJsonString(source, out);
  *out += ",\"file\":";
  AppendJsonString(file, out);
  *out += ",\"line\":";
  number(line);
  *out += ",\"offset\":";
  number(offset);
  if (!id.empty()) {
    *out += ",\"id\":";
    AppendJsonString(id, out);
  }
  *out += ",\"unit\":";
  number(unit);
  out->push_back(',');
  AppendKeywordVerdict(judges, matcher, v, out);
  out->push_back('}');
}

void AppendKeywordVerdict(const CorpusJudges& judges, const scan::Matcher& matcher,
                          const DocVerdict& v, std::string* out) {
  *out += "\"judges\":[";
  bool first = true;
  for (size_t k = 0; k < judges.names.size(); ++k) {
    if (!v.by[k]) continue;
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(judges.names[k], out);
  }
  *out += "],\"categories\":[";
  first = true;
  for (const std::string& c : FlaggedCategories(judges, matcher, v)) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(c, out);
  }
  *out += "],\"hits\":[";
  first = true;
  for (const auto& h : v.hits) {
    const scan::PatternView p = matcher.pattern(h.pattern);
    if (!first) out->push_back(',');
    first = false;
    *out += "{\"judge\":\"keyword\",\"category\":";
    AppendJsonString(p.category, out);
    *out += ",\"keyword\":";
    AppendJsonString(p.id, out);
    *out += ",\"begin\":";
    *out += std::to_string(h.begin);
    *out += ",\"end\":";
    *out += std::to_string(h.end);
    out->push_back('}');
  }
  out->push_back(']');
}

Status StrictError(const corpus::Plan& plan, const corpus::Unit& unit,
                   const corpus::BadRecord& bad) {
  auto base = corpus::LinesBefore(plan, unit);
  uint64_t line = bad.line + (base.ok() ? *base : 0);
  return InvalidArgumentError(AtLocation(plan.files()[unit.file].rel_path, line, "", bad.reason) +
                              " (--strict makes bad lines fatal)");
}

Result<Json> ParseJson(std::string_view text, const std::string& where) {
  try {
    return Json::parse(text);
  } catch (const std::exception& e) {
    return InvalidArgumentError(where + ": invalid JSON: " + e.what());
  }
}

}  // namespace safegate::corpusjobs::internal

namespace safegate::corpusjobs::internal {

Result<uint64_t> LineBases::Next(const corpus::Plan& plan, uint32_t u, uint64_t unit_lines) {
  const corpus::Unit& unit = plan.units()[u];
  uint64_t base = 0;
  if (unit.begin > 0) {
    if (file_ == static_cast<int64_t>(unit.file) && last_unit_ + 1 == u) {
      base = next_line_;
    } else if (file_ == static_cast<int64_t>(unit.file) && last_unit_ < u) {
      // LinesBefore(u) - LinesBefore(last): the newlines in between.
      const corpus::Unit& last = plan.units()[last_unit_];
      uint64_t from = last.begin == 0 ? 0 : last.begin - 1;
      SAFEGATE_ASSIGN_OR_RETURN(uint64_t nl,
                                corpus::CountNewlines(plan, unit.file, from, unit.begin - 1));
      base = last_base_ + nl + (last.begin == 0 ? 1 : 0);
    } else {
      SAFEGATE_ASSIGN_OR_RETURN(base, corpus::LinesBefore(plan, unit));
    }
  }
  file_ = unit.file;
  last_unit_ = u;
  last_base_ = base;
  next_line_ = base + unit_lines;
  return base;
}

Json LineBases::ToJson() const {
  return Json{{"file", file_},
              {"last_unit", last_unit_},
              {"last_base", last_base_},
              {"next_line", next_line_}};
}

void LineBases::FromJson(const Json& j) {
  file_ = GetInt<int64_t>(j.at("file"));
  last_unit_ = GetInt<uint32_t>(j.at("last_unit"));
  last_base_ = GetInt<uint64_t>(j.at("last_base"));
  next_line_ = GetInt<uint64_t>(j.at("next_line"));
}

}  // namespace safegate::corpusjobs::internal
