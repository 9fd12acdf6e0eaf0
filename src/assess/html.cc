// RenderHtml: the assessment report as one self-contained page. Structure
// here; charts in svg.cc; the fixed style sheet and script in html_assets.h.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "html_assets.h"
#include "html_util.h"
#include "safegate/assess/report.h"
#include "safegate/base/digest.h"
#include "safegate/stats/interval.h"
#include "svg.h"

namespace safegate::assess {
namespace {

using html::Esc;
using html::F;
using html::T;

// The four jobs, in page order, with their headings' catalog keys.
struct KnownSection {
  const char* id;
  const char* title_key;
};
constexpr KnownSection kSections[] = {{"banks", "section.banks"},
                                      {"corpus", "section.corpus"},
                                      {"eval", "section.eval"},
                                      {"moderation", "section.moderation"}};

constexpr const char* kRefuseChart = "eval.should_refuse.by_category";
constexpr const char* kAnswerChart = "eval.should_answer.by_category";
constexpr const char* kBanksChart = "eval.banks";

// "sha256-<base64>" of `text`, for the Content-Security-Policy.
std::string CspHash(const char* text) {
  Sha256 h;
  h.Update(text);
  return "'sha256-" + Base64Encode(h.Digest()) + "'";
}

std::string_view VerdictClass(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "v-pass";
    case Verdict::kFail: return "v-fail";
    case Verdict::kSampleTooSmall: return "v-small";
    case Verdict::kNotAssessed: return "v-na";
  }
  return "v-na";
}

// Sort rank: the verdicts that need attention first.
int VerdictRank(Verdict v) {
  switch (v) {
    case Verdict::kFail: return 0;
    case Verdict::kSampleTooSmall: return 1;
    case Verdict::kNotAssessed: return 2;
    case Verdict::kPass: return 3;
  }
  return 2;
}

// A table row's class: "r-" and the verdict's (a coloured left edge).
std::string RowClass(Verdict v) {
  return "r" + std::string(VerdictClass(v)).substr(1);
}

// `escaped` with a line-break opportunity after each of `after`.
std::string BreakAfter(const std::string& escaped, std::string_view after) {
  std::string out;
  for (char c : escaped) {
    out += c;
    if (after.find(c) != std::string_view::npos) out += "<wbr>";
  }
  return out;
}

// The profile's title in the page's language, else its title.
std::string ProfileTitle(const Report& r) {
  auto it = r.profile_titles.find(std::string(i18n::LangCode(html::CurrentLang())));
  return it != r.profile_titles.end() && !it->second.empty() ? it->second : r.profile_title;
}

// The catalog message for a requirement key's rule, with its value filled
// in; "" when the catalog has no message for the key.
std::string CatalogRequirementText(const Row& w) {
  const std::string value = html::InUnit(w.required, w.unit);
  const std::string& k = w.id;
  if (i18n::Has("req." + k)) return F("req." + k, {value});
  // banks.<bank>.<rule>[.<scope>]
  if (k.rfind("banks.", 0) != 0) return "";
  const size_t dot = k.find('.', 6);
  if (dot == std::string::npos) return "";
  const std::string bank_key = "bank." + k.substr(6, dot - 6);
  if (!i18n::Has(bank_key)) return "";
  const std::string bank = T(bank_key);
  const std::string rule = k.substr(dot + 1);
  if (rule == "min_total" || rule == "update_interval_days") {
    return F("req.banks." + rule, {value, bank});
  }
  if (rule == "min_per_risk.other") return F("req.banks.min_per_risk.other", {value, bank});
  if (rule.rfind("min_per_risk.", 0) == 0) {
    return F("req.banks.min_per_risk", {value, bank, rule.substr(13)});
  }
  return "";
}

// The rule's text in the page's language: the profile's own text in that
// language, else the catalog's for the key, else the profile's text.
std::string RequirementText(const Row& w) {
  const i18n::Lang lang = html::CurrentLang();
  if (lang == i18n::Lang::kEn) return w.requirement;
  auto it = w.requirement_texts.find(std::string(i18n::LangCode(lang)));
  if (it != w.requirement_texts.end() && !it->second.empty()) return it->second;
  std::string text = CatalogRequirementText(w);
  return text.empty() ? w.requirement : text;
}

std::string IdTd(const std::string& id) {
  return "<td class=\"id\"><code>" + BreakAfter(Esc(id), ".") + "</code></td>";
}

// The catalog key of a verdict's name ("verdict.sample_too_small").
std::string VerdictKey(Verdict v) {
  std::string name(VerdictName(v));
  std::replace(name.begin(), name.end(), ' ', '_');
  return "verdict." + name;
}

std::string Badge(Verdict v) {
  return "<span class=\"badge " + std::string(VerdictClass(v)) + "\">" + Esc(T(VerdictKey(v))) +
         "</span>";
}

std::string StatusBadge(const std::string& status) {
  std::string cls = "s-other";
  if (status == "ran") cls = "s-ran";
  if (status == "reused") cls = "s-reused";
  if (status == "not assessed") cls = "s-not-assessed";
  if (status == "failed") cls = "s-failed";
  // A status the catalog does not know is shown as written.
  std::string key = "status." + (status.empty() ? std::string("unknown") : status);
  std::replace(key.begin(), key.end(), ' ', '_');
  return "<span class=\"badge " + cls + "\">" + Esc(i18n::Has(key) ? T(key) : status) + "</span>";
}

// Relative paths as links, anything else as text.
std::string EvidenceLinks(const std::vector<std::string>& paths) {
  std::string out;
  for (const std::string& p : paths) {
    if (html::IsRelativePath(p)) {
      out += "<a class=\"path\" href=\"" + Esc(html::PathUrl(p)) + "\">" + BreakAfter(Esc(p), "/") +
             "</a>";
    } else {
      out += "<span class=\"path\">" + BreakAfter(Esc(p), "/") + "</span>";
    }
  }
  return out;
}

std::string Td(const std::string& cls, const std::string& content) {
  return cls.empty() ? "<td>" + content + "</td>"
                     : "<td class=\"" + cls + "\">" + content + "</td>";
}

// A numeric cell: `shown` as text, `sort` (empty when missing) as its sort key.
std::string NumTd(const std::string& shown, const std::string& sort) {
  return "<td class=\"num\" data-sort=\"" + Esc(sort) + "\">" + shown + "</td>";
}

std::string SortKey(const std::optional<double>& v) {
  if (!v) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", *v);
  return buf;
}

std::string IntervalText(const std::optional<stats::Interval>& i) {
  if (!i) return "";
  std::string lo = html::Percent(i->lo);
  lo.pop_back();  // "91.4–94.5%"
  return lo + "\u2013" + html::Percent(i->hi);
}

std::string Required(const Row& w) {
  std::string cmp = w.comparison == ">="   ? "\u2265"
                    : w.comparison == "<=" ? "\u2264"
                                           : w.comparison;
  return Esc(cmp) + "\u00a0" + html::InUnit(w.required, w.unit);
}

// A header cell of a sortable table: the catalog message `key`.
std::string Th(const char* key, bool numeric) {
  return std::string(numeric ? "<th class=\"num\" data-type=\"num\">" : "<th>") +
         "<button type=\"button\">" + Esc(T(key)) + "</button></th>";
}

// The verdict column sorts by VerdictRank.
std::string VerdictTh() {
  return "<th data-type=\"num\"><button type=\"button\">" + Esc(T("col.verdict")) +
         "</button></th>";
}

std::string VerdictTd(const Row& w) {
  return "<td data-sort=\"" + std::to_string(VerdictRank(w.verdict)) + "\">" + Badge(w.verdict) +
         "</td>";
}

std::string MeasuredTd(const Row& w) {
  return NumTd(Esc(html::InUnit(w.measured, w.unit)), SortKey(w.measured));
}

std::string CountTd(uint64_t v, bool shown) {
  return shown ? NumTd(Esc(html::Number(static_cast<double>(v))), std::to_string(v))
               : NumTd("", "");
}

// The full requirements table: every row, every column.
std::string RequirementsTable(const std::vector<Row>& rows) {
  if (rows.empty()) return "<p class=\"empty\">" + Esc(T("empty.requirements")) + "</p>\n";
  std::string s = "<div class=\"table-wrap\"><table class=\"sortable\" id=\"requirements-table\">";
  s += "<thead><tr>" + VerdictTh() + Th("col.requirement", false) + Th("col.scope", false) +
       Th("col.rule", false) + Th("col.source", false) + Th("col.required", true) +
       Th("col.measured", true) + Th("col.n", true) + Th("col.k", true) + Th("col.wilson", true) +
       Th("col.clopper_pearson", true) + Th("col.oc", true) + Th("col.detail", false) +
       Th("col.evidence", false) + "</tr></thead>\n<tbody>\n";
  for (const Row& w : rows) {
    bool prop = w.n > 0;
    s += "<tr class=\"" + RowClass(w.verdict) + "\">";
    s += VerdictTd(w) + IdTd(w.id) + Td("scope", Esc(w.scope)) +
         Td("text", Esc(RequirementText(w))) + Td("src", Esc(w.source));
    s += NumTd(Required(w), SortKey(w.required)) + MeasuredTd(w);
    s += CountTd(w.n, prop) + CountTd(w.k, prop);
    s += NumTd(IntervalText(w.wilson), w.wilson ? SortKey(w.wilson->lo) : "");
    s += NumTd(IntervalText(w.clopper_pearson),
               w.clopper_pearson ? SortKey(w.clopper_pearson->lo) : "");
    s += NumTd(w.oc_at_threshold ? html::Percent(*w.oc_at_threshold) : "",
               SortKey(w.oc_at_threshold));
    s += Td("text", Esc(w.detail)) + Td("ev", EvidenceLinks(w.evidence)) + "</tr>\n";
  }
  return s + "</tbody></table></div>\n";
}

// A job's own rows, compact.
std::string SectionRowsTable(const std::vector<const Row*>& rows) {
  std::string s = "<div class=\"table-wrap\"><table class=\"sortable\">";
  s += "<thead><tr>" + VerdictTh() + Th("col.requirement", false) + Th("col.scope", false) +
       Th("col.measured", true) + Th("col.required", true) + Th("col.n", true) +
       Th("col.detail", false) + "</tr></thead>\n<tbody>\n";
  for (const Row* w : rows) {
    s += "<tr class=\"" + RowClass(w->verdict) + "\">" + VerdictTd(*w) + IdTd(w->id) +
         Td("scope", Esc(w->scope)) + MeasuredTd(*w) + NumTd(Required(*w), SortKey(w->required)) +
         CountTd(w->n, w->n > 0) + Td("text", Esc(w->detail)) + "</tr>\n";
  }
  return s + "</tbody></table></div>\n";
}

std::string StepsTable(const std::vector<const Step*>& steps) {
  std::string s = "<div class=\"table-wrap\"><table class=\"steps\"><thead><tr><th>" +
                  Esc(T("col.step")) + "</th><th>" + Esc(T("col.status")) +
                  "</th><th class=\"num\">" + Esc(T("col.seconds")) + "</th><th>" +
                  Esc(T("col.detail")) + "</th><th>" + Esc(T("col.reproduce")) + "</th><th>" +
                  Esc(T("col.evidence")) + "</th><th>" + Esc(T("col.input_hash")) +
                  "</th></tr></thead>\n<tbody>\n";
  for (const Step* st : steps) {
    std::string cmds = "<ul class=\"cmds\">";
    for (const std::string& c : st->commands) cmds += "<li><code>" + Esc(c) + "</code></li>";
    cmds += "</ul>";
    const std::string secs = i18n::FormatNumber(html::CurrentLang(), st->seconds, 1);
    s += "<tr>" + Td("", Esc(st->title.empty() ? st->id : st->title)) +
         Td("", StatusBadge(st->status)) + Td("num", secs) + Td("text", Esc(st->detail)) +
         Td("", st->commands.empty() ? "" : cmds) + Td("ev", EvidenceLinks(st->evidence)) +
         Td("", st->input_hash.empty() ? "" : "<code>" + Esc(st->input_hash) + "</code>") +
         "</tr>\n";
  }
  return s + "</tbody></table></div>\n";
}

std::string FactsList(const std::vector<const Fact*>& facts) {
  std::string s = "<dl class=\"facts\">";
  for (const Fact* f : facts) s += "<dt>" + Esc(f->label) + "</dt><dd>" + Esc(f->value) + "</dd>";
  return s + "</dl>\n";
}

// Everything of one section, gathered.
struct SectionParts {
  std::string id;  // the section name from the report
  std::string title;
  std::vector<const Step*> steps;
  std::vector<const Row*> rows;
  std::vector<const Fact*> facts;
  std::vector<const RateChart*> charts;
  std::vector<const OcCurve*> curves;
  bool Empty() const {
    return steps.empty() && rows.empty() && facts.empty() && charts.empty() && curves.empty();
  }
};

// The section an OC curve belongs to: its row's, else the id's first part.
std::string CurveSection(const Report& r, const OcCurve& c) {
  for (const Row& w : r.rows) {
    if (w.id == c.row_id || (!w.scope.empty() && w.id + "/" + w.scope == c.row_id))
      return w.section;
  }
  return c.row_id.substr(0, c.row_id.find('.'));
}

std::vector<SectionParts> GatherSections(const Report& r) {
  std::vector<SectionParts> out;
  std::map<std::string, size_t> index;
  auto at = [&](const std::string& id) -> SectionParts& {
    auto it = index.find(id);
    if (it != index.end()) return out[it->second];
    index[id] = out.size();
    SectionParts parts;
    parts.id = id;
    parts.title = id.empty() ? T("section.other") : id;
    out.push_back(std::move(parts));
    return out.back();
  };
  for (const KnownSection& k : kSections) at(k.id).title = T(k.title_key);
  for (const Step& s : r.steps) at(s.id).steps.push_back(&s);
  for (const Row& w : r.rows) at(w.section).rows.push_back(&w);
  for (const Fact& f : r.facts) at(f.section).facts.push_back(&f);
  for (const RateChart& c : r.charts) at(c.section).charts.push_back(&c);
  for (const OcCurve& c : r.oc_curves) at(CurveSection(r, c)).curves.push_back(&c);
  return out;
}

// An element id for a section: the job's name for the four jobs, a numbered
// one for any other (a report string never becomes an id).
std::string SectionAnchor(const std::string& id, size_t i) {
  for (const KnownSection& k : kSections)
    if (id == k.id) return id;
  return "section-" + std::to_string(i + 1);
}

const RateChart* FindChart(const Report& r, std::string_view id) {
  for (const RateChart& c : r.charts)
    if (c.id == id) return &c;
  return nullptr;
}

// "should-answer" -> "should_answer".
std::string Underscored(std::string s) {
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

// A bank's overall rate as the sum of its per-category chart.
RateBar SummedBar(const RateChart& by_category, const std::string& name) {
  RateBar sum;
  sum.label = name;
  for (const RateBar& b : by_category.bars) {
    sum.k += b.k;
    sum.n += b.n;
  }
  sum.rate = sum.n ? static_cast<double>(sum.k) / sum.n : 0;
  sum.wilson = stats::Wilson(sum.k, sum.n);
  return sum;
}

html::ComparedRate Compared(const RateBar& bar, const RateChart* by_category,
                            const std::string& fallback_metric) {
  html::ComparedRate c;
  c.bar = bar;
  c.threshold = by_category ? by_category->threshold : std::nan("");
  c.higher_is_better = by_category ? by_category->higher_is_better : true;
  c.metric = by_category && !by_category->metric.empty() ? by_category->metric : fallback_metric;
  return c;
}

// The overall rate of each bank against its own threshold, the two refusal
// banks first and side by side (when both have per-category charts). The
// bars are those of the "eval.banks" chart; a refusal bank missing there is
// summed from its categories. Thresholds and metrics come from each bank's
// "eval.<bank>.by_category" chart.
std::string BankComparison(const Report& r) {
  const RateChart* refuse = FindChart(r, kRefuseChart);
  const RateChart* answer = FindChart(r, kAnswerChart);
  if (!refuse || !answer) return "";
  const RateChart* banks = FindChart(r, kBanksChart);
  std::vector<html::ComparedRate> rates;
  for (const auto& [name, chart] :
       {std::pair<std::string, const RateChart*>{"should_refuse", refuse},
        {"should_answer", answer}}) {
    const RateBar* found = nullptr;
    if (banks)
      for (const RateBar& b : banks->bars)
        if (Underscored(b.label) == name) found = &b;
    rates.push_back(
        Compared(found ? *found : SummedBar(*chart, name), chart, T("metric.refusal_rate")));
  }
  if (banks) {
    for (const RateBar& b : banks->bars) {
      std::string name = Underscored(b.label);
      if (name == "should_refuse" || name == "should_answer") continue;
      rates.push_back(Compared(b, FindChart(r, "eval." + name + ".by_category"), banks->metric));
    }
  }
  return html::ComparisonFigure(rates.size() == 2 ? T("comparison.refusal") : T("comparison.banks"),
                                rates);
}

std::string ChartsBlock(const Report& r, const SectionParts& p) {
  std::string s;
  bool comparison = std::any_of(p.charts.begin(), p.charts.end(),
                                [](const RateChart* c) { return c->id == kRefuseChart; });
  std::string compared = comparison ? BankComparison(r) : "";
  s += compared;
  for (const RateChart* c : p.charts) {
    if (!compared.empty() && c->id == kBanksChart) continue;  // drawn in the comparison
    s += html::RateChartFigure(*c);
  }
  if (!s.empty()) s = "<h3>" + Esc(T("h.charts")) + "</h3>\n" + s;
  if (!p.curves.empty()) {
    s += "<h3>" + Esc(T("h.oc")) + "</h3>\n<div class=\"charts\">";
    for (const OcCurve* c : p.curves) s += html::OcCurveFigure(*c);
    s += "</div>\n";
  }
  return s;
}

std::string CountsText(const std::vector<const Row*>& rows) {
  size_t n[4] = {0, 0, 0, 0};
  for (const Row* w : rows) ++n[static_cast<int>(w->verdict)];
  std::string s;
  for (Verdict v :
       {Verdict::kPass, Verdict::kFail, Verdict::kSampleTooSmall, Verdict::kNotAssessed}) {
    if (!n[static_cast<int>(v)]) continue;
    if (!s.empty()) s += ", ";
    s += F("counts.item", {html::Number(n[static_cast<int>(v)]), T(VerdictKey(v))});
  }
  return s;
}

std::string SectionHtml(const Report& r, const SectionParts& p, const std::string& anchor) {
  std::string s = "<section class=\"job\" id=\"" + anchor + "\" data-section=\"" + Esc(p.id) +
                  "\">\n<h2>" + Esc(p.title) + "</h2>\n";
  if (p.Empty()) return s + "<p class=\"empty\">" + Esc(T("empty.section")) + "</p>\n</section>\n";
  if (!p.rows.empty())
    s += "<p class=\"muted\">" +
         Esc(F("section.counts", {html::Number(p.rows.size()), CountsText(p.rows)})) + "</p>\n";
  if (!p.steps.empty()) s += "<h3>" + Esc(T("h.steps")) + "</h3>\n" + StepsTable(p.steps);
  if (!p.rows.empty())
    s += "<h3>" + Esc(T("h.requirements")) + "</h3>\n" + SectionRowsTable(p.rows);
  if (!p.facts.empty()) s += "<h3>" + Esc(T("h.figures")) + "</h3>\n" + FactsList(p.facts);
  s += ChartsBlock(r, p);
  return s + "</section>\n";
}

std::string OverallBanner(const Report& r) {
  size_t n = r.rows.size();
  if (n == 0)
    return "<p class=\"overall none\" id=\"overall\">" + Esc(T("overall.none")) + "</p>\n";
  if (r.AllPass())
    return "<p class=\"overall pass\" id=\"overall\">" + Esc(F("overall.pass", {html::Number(n)})) +
           "</p>\n";
  return "<p class=\"overall fail\" id=\"overall\">" +
         Esc(F("overall.fail", {html::Number(n - r.Count(Verdict::kPass)), html::Number(n)})) +
         "</p>\n";
}

std::string CountsList(const Report& r) {
  std::string s = "<ul class=\"counts\">";
  for (Verdict v :
       {Verdict::kPass, Verdict::kFail, Verdict::kSampleTooSmall, Verdict::kNotAssessed}) {
    s += "<li data-verdict=\"" + std::string(VerdictName(v)) + "\">" + Badge(v) +
         "<span class=\"count\">" + html::Number(static_cast<double>(r.Count(v))) + "</span></li>";
  }
  return s + "</ul>\n";
}

std::string MetaItem(const char* key, const std::string& value_html) {
  return "<dt>" + Esc(T(key)) + "</dt><dd>" + value_html + "</dd>";
}

std::string JoinNonEmpty(std::initializer_list<std::string> parts, const std::string& sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::string MetaList(const Report& r) {
  std::string profile = Esc(JoinNonEmpty({r.profile_id, r.profile_version}, " "));
  if (!ProfileTitle(r).empty()) profile += " \u2014 " + Esc(ProfileTitle(r));
  if (!r.profile_origin.empty())
    profile += " <span class=\"muted\">(" + Esc(r.profile_origin) + ")</span>";
  std::string s = "<dl class=\"meta\">";
  s += MetaItem("meta.project", "<code>" + Esc(r.project) + "</code>");
  s += MetaItem("meta.profile", profile);
  s += MetaItem("meta.policy", Esc(JoinNonEmpty({r.policy_id, r.policy_version}, " ")));
  s += MetaItem("meta.tool_version", Esc(r.tool_version));
  s += MetaItem("meta.generated_at", Esc(i18n::FormatDate(html::CurrentLang(), r.generated_at)));
  s += MetaItem("meta.seed", std::to_string(r.seed));
  return s + "</dl>\n";
}

std::string Head(const Report& r) {
  std::string title = T("report.doc_title");
  std::string what = JoinNonEmpty(
      {ProfileTitle(r).empty() ? r.profile_id : ProfileTitle(r), r.project}, " \u2014 ");
  if (!what.empty()) title += ": " + what;
  return "<!doctype html>\n<html lang=\"" + std::string(i18n::LangTag(html::CurrentLang())) +
         "\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src " +
         CspHash(html::kStyle) + "; script-src " + CspHash(html::kScript) +
         "; base-uri 'none'; form-action 'none'\">\n<title>" + Esc(title) + "</title>\n<style>" +
         html::kStyle + "</style>\n</head>\n";
}

}  // namespace

std::string RenderHtml(const Report& r, i18n::Lang lang) {
  const html::LangScope scope(lang);
  std::vector<SectionParts> sections = GatherSections(r);
  std::vector<std::string> anchors;
  for (size_t i = 0; i < sections.size(); ++i) anchors.push_back(SectionAnchor(sections[i].id, i));

  std::string s =
      Head(r) + "<body>\n<header id=\"summary\">\n<h1>" + Esc(T("report.title")) + "</h1>\n";
  s += OverallBanner(r) + CountsList(r) + MetaList(r);
  s += "<nav class=\"toc\"><a href=\"#summary\">" + Esc(T("nav.summary")) +
       "</a><a href=\"#requirements\">" + Esc(T("nav.requirements")) + "</a>";
  for (size_t i = 0; i < sections.size(); ++i)
    s += "<a href=\"#" + anchors[i] + "\">" + Esc(sections[i].title) + "</a>";
  s += "</nav>\n</header>\n<main>\n<section id=\"requirements\">\n<h2>" + Esc(T("h.requirements")) +
       "</h2>\n";
  s += "<p class=\"muted\">" + Esc(T("intro.requirements")) + "<span class=\"no-print\">" +
       Esc(T("intro.sort")) + "</span></p>\n";
  s += RequirementsTable(r.rows) + "</section>\n";
  for (size_t i = 0; i < sections.size(); ++i) s += SectionHtml(r, sections[i], anchors[i]);
  s += "</main>\n<footer>" +
       Esc(F("footer", {r.tool_version, i18n::FormatDate(lang, r.generated_at)})) +
       "</footer>\n<script>" + std::string(html::kScript) + "</script>\n</body>\n</html>\n";
  return s;
}

}  // namespace safegate::assess
