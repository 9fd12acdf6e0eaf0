// RenderHtml: the report page. What a browser does with it is checked in
// tests/web/test_assess_report.py; here the markup itself.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "assess/html_util.h"
#include "safegate/assess/report.h"

namespace safegate::assess {
namespace {

constexpr const char* kHostile = "<script>alert(1)</script>\" onmouseover=\"alert(2)\" 'x' &amp;";

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size()))
    ++n;
  return n;
}

size_t CountRegex(const std::string& text, const std::string& re) {
  std::regex r(re);
  return static_cast<size_t>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), r), std::sregex_iterator()));
}

Row RateRow(std::string id, std::string section, Verdict v, uint64_t k, uint64_t n) {
  Row w;
  w.id = std::move(id);
  w.section = std::move(section);
  w.requirement = "rule of " + w.id;
  w.source = "clause 9.3";
  w.comparison = ">=";
  w.required = 0.95;
  w.unit = "rate";
  w.k = k;
  w.n = n;
  w.measured = static_cast<double>(k) / n;
  w.wilson = stats::Wilson(k, n);
  w.clopper_pearson = stats::ClopperPearson(k, n);
  w.oc_at_threshold = 0.7358;
  w.verdict = v;
  w.evidence = {"eval/should-refuse/eval-report.json"};
  return w;
}

RateChart Chart(std::string id, std::string section, double threshold, bool higher) {
  RateChart c;
  c.id = std::move(id);
  c.section = std::move(section);
  c.title = "title of " + c.id;
  c.metric = "refusal rate";
  c.threshold = threshold;
  c.higher_is_better = higher;
  c.bars.push_back({"A.1-4", 19, 20, 0.95, stats::Wilson(19, 20), std::nullopt, std::nullopt});
  c.bars.push_back({"A.2-1", 10, 20, 0.5, stats::Wilson(10, 20), 0.6, stats::Interval{0.45, 0.75}});
  return c;
}

// Every verdict kind, a step per job, facts, charts and OC curves.
Report Sample() {
  Report r;
  r.project = "examples/demo/safegate.yaml";
  r.generated_at = "2026-11-26T12:00:00Z";
  r.tool_version = "0.9.0";
  r.profile_id = "tc260-2024";
  r.profile_version = "2024.1";
  r.profile_title = "Basic safety requirements";
  r.policy_id = "demo";
  r.policy_version = "3";
  r.seed = 42;
  r.rows.push_back(
      RateRow("eval.should_refuse.min_refusal_rate", "eval", Verdict::kPass, 290, 300));
  r.rows.push_back(RateRow("eval.generated.min_qualified_rate", "eval", Verdict::kFail, 800, 1000));
  r.rows.push_back(RateRow("corpus.human_sample.min_qualified_rate", "corpus",
                           Verdict::kSampleTooSmall, 39, 40));
  Row na;
  na.id = "strikes.consecutive";
  na.section = "moderation";
  na.comparison = "<=";
  na.required = 3;
  na.unit = "setting";
  na.verdict = Verdict::kNotAssessed;
  na.detail = "no moderation database configured";
  r.rows.push_back(na);
  Row count;
  count.id = "banks.keywords.min_total";
  count.section = "banks";
  count.comparison = ">=";
  count.required = 10000;
  count.unit = "count";
  count.measured = 10240;
  count.verdict = Verdict::kPass;
  r.rows.push_back(count);
  for (const char* id : {"banks", "corpus", "eval", "moderation"}) {
    Step s;
    s.id = id;
    s.title = std::string("step ") + id;
    s.status = std::string(id) == "moderation" ? "not assessed" : "ran";
    s.commands = {std::string("safegate ") + id + " run"};
    r.steps.push_back(s);
  }
  r.charts.push_back(Chart("eval.generated.by_category", "eval", 0.9, true));
  r.charts.push_back(Chart("corpus.sources", "corpus", 0.05, false));
  r.oc_curves.push_back(
      MakeOcCurve("eval.should_refuse.min_refusal_rate", "should-refuse", 300, 0.95, true, 21));
  r.oc_curves.push_back(
      MakeOcCurve("corpus.human_sample.min_qualified_rate", "human sample", 40, 0.96, true, 21));
  r.facts.push_back({"moderation", "backlog", "3"});
  return r;
}

TEST(RenderHtml, EmptyReportIsACompletePage) {
  std::string html = RenderHtml(Report{});
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_NE(html.find("No requirements in this report"), std::string::npos);
  EXPECT_EQ(Count(html, "<svg"), 0u);
  for (const char* id : {"banks", "corpus", "eval", "moderation"})
    EXPECT_NE(html.find("<section class=\"job\" id=\"" + std::string(id) + "\""), std::string::npos)
        << id;
  EXPECT_EQ(Count(html, "<table"), Count(html, "</table>"));
  EXPECT_EQ(Count(html, "<script>"), 1u);
}

TEST(RenderHtml, SummaryCountsEveryVerdictKind) {
  Report r = Sample();
  std::string html = RenderHtml(r);
  EXPECT_NE(html.find("NOT PASSED"), std::string::npos);
  for (const char* v : {"pass", "fail", "sample too small", "not assessed"})
    EXPECT_NE(html.find(">" + std::string(v) + "</span>"), std::string::npos) << v;
  EXPECT_NE(html.find("<li data-verdict=\"pass\"><span class=\"badge v-pass\">pass</span>"
                      "<span class=\"count\">2</span>"),
            std::string::npos);
  EXPECT_NE(html.find("<li data-verdict=\"sample too small\"><span class=\"badge v-small\">"
                      "sample too small</span><span class=\"count\">1</span>"),
            std::string::npos);
  for (const char* meta :
       {"examples/demo/safegate.yaml", "tc260-2024 2024.1", "Basic safety requirements", "demo 3",
        "0.9.0", "2026-11-26T12:00:00Z", "<dd>42</dd>"})
    EXPECT_NE(html.find(meta), std::string::npos) << meta;

  for (Row& w : r.rows) w.verdict = Verdict::kPass;
  html = RenderHtml(r);
  EXPECT_NE(html.find("PASS \u2014 all 5 requirements are met."), std::string::npos);
  EXPECT_EQ(html.find("NOT PASSED"), std::string::npos);
}

TEST(RenderHtml, EveryRowIsInTheTableWithItsFigures) {
  Report r = Sample();
  std::string html = RenderHtml(r);
  size_t table = html.find("id=\"requirements-table\"");
  ASSERT_NE(table, std::string::npos);
  std::string main_table = html.substr(table, html.find("</table>", table) - table);
  EXPECT_EQ(Count(main_table, "<tr class=\"r-"), r.rows.size());
  for (const Row& w : r.rows)
    EXPECT_NE(main_table.find(w.id.substr(w.id.rfind('.') + 1)), std::string::npos) << w.id;
  // 290/300: measured, Wilson and Clopper-Pearson intervals, OC at the threshold.
  EXPECT_NE(main_table.find(">96.7%</td>"), std::string::npos);
  stats::Interval wi = stats::Wilson(290, 300);
  std::string lo = html::Percent(wi.lo), hi = html::Percent(wi.hi);
  lo.pop_back();
  EXPECT_NE(main_table.find(lo + "\u2013" + hi), std::string::npos);
  EXPECT_NE(main_table.find(">73.6%</td>"), std::string::npos);
  EXPECT_NE(main_table.find("\u2265\u00a095.0%"), std::string::npos);
  EXPECT_NE(main_table.find("\u2264\u00a03<"), std::string::npos);  // a setting, not a rate
  EXPECT_NE(main_table.find(">10240</td>"), std::string::npos);
  // Numeric columns sort by their raw value; a missing value sorts empty.
  EXPECT_NE(main_table.find("data-sort=\"0.9666666667\""), std::string::npos);
  EXPECT_NE(main_table.find("<th class=\"num\" data-type=\"num\"><button type=\"button\">n"),
            std::string::npos);
  EXPECT_NE(main_table.find("no moderation database configured"), std::string::npos);
  // Each job's section has its own rows.
  size_t corpus = html.find("<section class=\"job\" id=\"corpus\"");
  ASSERT_NE(corpus, std::string::npos);
  std::string corpus_section = html.substr(corpus, html.find("</section>", corpus) - corpus);
  EXPECT_NE(corpus_section.find("human_sample"), std::string::npos);
  EXPECT_EQ(corpus_section.find("should_refuse"), std::string::npos);
  EXPECT_NE(corpus_section.find("step corpus"), std::string::npos);
  EXPECT_NE(corpus_section.find("<code>safegate corpus run</code>"), std::string::npos);
}

TEST(RenderHtml, OneSvgPerChartAndCurve) {
  Report r = Sample();
  std::string html = RenderHtml(r);
  EXPECT_EQ(Count(html, "<svg "), r.charts.size() + r.oc_curves.size());
  EXPECT_EQ(Count(html, "<polyline class=\"oc\""), r.oc_curves.size());
  EXPECT_EQ(Count(html, "class=\"threshold\""), r.charts.size() + r.oc_curves.size());
  EXPECT_EQ(Count(html, "class=\"whisker\""), 3 * 2 * r.charts.size());  // 2 bars, 3 lines each
  // The second bar of each chart carries a corrected rate: a diamond on its interval.
  EXPECT_EQ(Count(html, "<path class=\"corrected\""), r.charts.size());
  EXPECT_EQ(Count(html, "<line class=\"corrected\""), r.charts.size());
  EXPECT_NE(html.find("50.0% (10/20), corrected 60.0%"), std::string::npos);
  EXPECT_NE(html.find("corrected for the judges' errors 60.0%, 95% 45.0%\u201375.0%"),
            std::string::npos);
  // The OC curve marks P(pass) at the threshold, and says which true rate
  // passes with 95% probability. n = 300 at 95%: pass when at most 15 are not
  // refused; P(Bin(300, 0.05) <= 15) = 0.5681, and P(Bin(300, q) <= 15) = 0.95
  // at q = 0.03374 (both computed with exact binomial sums).
  EXPECT_NE(html.find("P(pass) = 56.8%</text>"), std::string::npos);
  EXPECT_NE(html.find("a model exactly at the threshold passes with probability 56.8%; a 95% "
                      "chance to pass needs a true rate \u2265 96.6%."),
            std::string::npos);

  // A steep curve is drawn over the band where it climbs (computed from the
  // binomial); a flat one over all of [0, 1] from the report's points.
  EXPECT_EQ(Count(html, "true rate (the part where the curve climbs)"), 2u);
  Report flat;
  flat.oc_curves.push_back(MakeOcCurve("x", "n = 5", 5, 0.5, true, 11));
  std::string flat_html = RenderHtml(flat);
  EXPECT_EQ(Count(flat_html, "true rate (the part"), 0u);
  size_t poly = flat_html.find("<polyline class=\"oc\" points=\"");
  ASSERT_NE(poly, std::string::npos);
  std::string pts = flat_html.substr(poly, flat_html.find("\"/>", poly) - poly);
  EXPECT_EQ(Count(pts, ","), flat.oc_curves[0].points.size());

  // With both refusal banks: their comparison, drawn from the "eval.banks" bars
  // (which are then not drawn again under one threshold).
  r.charts.push_back(Chart("eval.should_refuse.by_category", "eval", 0.95, true));
  r.charts.push_back(Chart("eval.should_answer.by_category", "eval", 0.05, false));
  RateChart banks = Chart("eval.banks", "eval", 0.95, true);
  banks.bars = {
      {"should_refuse", 290, 300, 290 / 300.0, stats::Wilson(290, 300), std::nullopt, std::nullopt},
      {"should_answer", 12, 300, 0.04, stats::Wilson(12, 300), std::nullopt, std::nullopt}};
  r.charts.push_back(banks);
  html = RenderHtml(r);
  EXPECT_EQ(Count(html, "<svg "), r.charts.size() + r.oc_curves.size());
  EXPECT_EQ(Count(html, "comparison-chart"), 1u);
  size_t cmp = html.find("comparison-chart");
  std::string figure = html.substr(cmp, html.find("</figure>", cmp) - cmp);
  EXPECT_NE(figure.find("96.7% (290/300)"), std::string::npos);
  EXPECT_NE(figure.find("4.0% (12/300)"), std::string::npos);
  EXPECT_NE(figure.find("required \u2265 95.0%"), std::string::npos);
  EXPECT_NE(figure.find("allowed \u2264 5.0%"), std::string::npos);
  EXPECT_EQ(Count(figure, "class=\"threshold\""), 2u);

  // Other banks of "eval.banks" join the comparison, each against the
  // threshold of its own per-category chart, or none.
  r.charts.back().bars.push_back(
      {"generated", 900, 1000, 0.9, stats::Wilson(900, 1000), std::nullopt, std::nullopt});
  r.charts.back().bars.push_back(
      {"custom", 5, 10, 0.5, stats::Wilson(5, 10), std::nullopt, std::nullopt});
  html = RenderHtml(r);
  EXPECT_EQ(Count(html, "<svg "), r.charts.size() + r.oc_curves.size());
  cmp = html.find("comparison-chart");
  figure = html.substr(cmp, html.find("</figure>", cmp) - cmp);
  EXPECT_NE(figure.find("Overall rate per bank, both refusal banks side by side"),
            std::string::npos);
  EXPECT_EQ(Count(figure, "<rect class=\"bar "), 4u);
  EXPECT_EQ(Count(figure, "class=\"threshold\""), 3u);                 // not for "custom"
  EXPECT_NE(figure.find("required \u2265 90.0%"), std::string::npos);  // generated
  EXPECT_EQ(Count(figure, "<rect class=\"bar plain\""), 1u);
  EXPECT_LT(figure.find(">should_refuse<"), figure.find(">should_answer<"));
  EXPECT_LT(figure.find(">should_answer<"), figure.find(">generated<"));
  r.charts.back().bars.resize(2);

  // Without the "eval.banks" chart the comparison sums each bank's categories.
  r.charts.pop_back();
  html = RenderHtml(r);
  EXPECT_EQ(Count(html, "<svg "), r.charts.size() + r.oc_curves.size() + 1);
  cmp = html.find("comparison-chart");
  figure = html.substr(cmp, html.find("</figure>", cmp) - cmp);
  EXPECT_EQ(Count(figure, "72.5% (29/40)"), 2u);
}

TEST(RenderHtml, EscapesEveryStringFromTheReport) {
  Report r = Sample();
  std::string h = kHostile;
  r.project = r.generated_at = r.tool_version = h;
  r.profile_id = r.profile_version = r.profile_title = r.profile_origin = h;
  r.policy_id = r.policy_version = h;
  for (Row& w : r.rows) {
    w.scope = w.requirement = w.source = w.detail = h;
    w.comparison = h;
    w.evidence = {h};
  }
  r.rows[0].id = h;
  r.rows[0].section = h;  // an unknown section named by user data
  for (Step& s : r.steps) s.title = s.detail = s.status = s.input_hash = h, s.commands = {h};
  for (RateChart& c : r.charts) {
    c.title = c.metric = h;
    c.bars[0].label = h;
  }
  for (OcCurve& c : r.oc_curves) c.title = h;
  r.facts.push_back({"eval", h, h});
  std::string html = RenderHtml(r);
  EXPECT_EQ(Count(html, "<script"), 1u);  // only the page's own
  EXPECT_EQ(html.find("alert(1)</script>"), std::string::npos);
  EXPECT_EQ(html.find("onmouseover=\""), std::string::npos);
  EXPECT_EQ(html.find("'x'"), std::string::npos);
  EXPECT_NE(
      html.find("&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;alert(2)&quot; "
                "&#39;x&#39; &amp;amp;"),
      std::string::npos);
  // The unknown section gets a safe element id.
  EXPECT_NE(html.find("<section class=\"job\" id=\"section-5\""), std::string::npos);
  // Truncated chart labels are escaped after cutting (no half entity).
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmo\u2026</text>"),
            std::string::npos);
}

TEST(RenderHtml, LoadsNothingFromOutside) {
  Report r = Sample();
  r.rows[0].evidence = {"eval/a b#1?.json",       "/etc/passwd",     "javascript:alert(1)",
                        "https://evil.example/x", "C:\\report.json", "../shared/x.json"};
  std::string html = RenderHtml(r);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  for (const char* tag : {"<img", "<link", "<iframe", "<object", "<embed", "@import", "url("})
    EXPECT_EQ(html.find(tag), std::string::npos) << tag;
  EXPECT_EQ(CountRegex(html, "<[a-zA-Z]+[^>]*\\s(src|srcset|action|poster)="), 0u);
  // Every link is in-page or relative: no scheme, no leading slash.
  std::regex href("href=\"([^\"]*)\"");
  size_t links = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator();
       ++it) {
    std::string url = (*it)[1];
    ++links;
    EXPECT_FALSE(url.empty());
    EXPECT_NE(url[0], '/') << url;
    EXPECT_EQ(url.find(':'), std::string::npos) << url;
  }
  EXPECT_GT(links, 6u);
  EXPECT_NE(html.find("href=\"eval/a%20b%231%3F.json\""), std::string::npos);
  EXPECT_NE(html.find("href=\"javascript%3Aalert%281%29\""), std::string::npos);
  EXPECT_NE(html.find("href=\"../shared/x.json\""), std::string::npos);
  EXPECT_NE(html.find("href=\"https%3A//evil.example/x\""), std::string::npos);  // a relative path
  EXPECT_NE(html.find("<span class=\"path\">/<wbr>etc/<wbr>passwd</span>"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"path\">C:\\report.json</span>"), std::string::npos);
  // The Content-Security-Policy allows only the page's own script and style, by hash.
  EXPECT_NE(html.find("content=\"default-src 'none'; style-src 'sha256-"), std::string::npos);
  EXPECT_NE(html.find("; script-src 'sha256-"), std::string::npos);
  EXPECT_EQ(html.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(html.find(" style=\""), std::string::npos);  // no style attribute the CSP would block
}

TEST(RenderHtml, PrintStyleSheet) {
  std::string html = RenderHtml(Sample());
  size_t print = html.find("@media print{");
  ASSERT_NE(print, std::string::npos);
  std::string css = html.substr(print, html.find("</style>") - print);
  for (const char* rule :
       {"section.job{break-before:page", "nav.toc", "thead{display:table-header-group}",
        "break-inside:avoid", "attr(href)", "color:#000"})
    EXPECT_NE(css.find(rule), std::string::npos) << rule;
}

TEST(HtmlUtil, EscapeRepairsAndReplacesControls) {
  EXPECT_EQ(html::Esc("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
  EXPECT_EQ(html::Esc("x\x01y\tz\n"), "x\uFFFDy\tz\n");
  EXPECT_EQ(html::Esc("bad \xC3( and \xE4\xBD\xA0\xE5\xA5\xBD"), "bad \uFFFD( and 你好");
  EXPECT_EQ(html::Esc("\xC2\x85"), "\uFFFD");  // C1 control (NEL)
}

TEST(HtmlUtil, TruncateCountsCharactersNotBytes) {
  EXPECT_EQ(html::Truncate("abc", 3), "abc");
  EXPECT_EQ(html::Truncate("abcd", 3), "ab\u2026");
  EXPECT_EQ(html::Truncate("你好世界", 3), "你好\u2026");
  EXPECT_EQ(html::Truncate("", 3), "");
}

TEST(HtmlUtil, PathsAndNumbers) {
  EXPECT_EQ(html::PathUrl("a b/c#d?e%.json"), "a%20b/c%23d%3Fe%25.json");
  EXPECT_EQ(html::PathUrl("数据.csv"), "%E6%95%B0%E6%8D%AE.csv");
  EXPECT_TRUE(html::IsRelativePath("eval/x.json"));
  EXPECT_TRUE(html::IsRelativePath("../x.json"));
  EXPECT_FALSE(html::IsRelativePath("/x"));
  EXPECT_FALSE(html::IsRelativePath("\\\\host\\x"));
  EXPECT_FALSE(html::IsRelativePath("c:/x"));
  EXPECT_FALSE(html::IsRelativePath(""));
  EXPECT_EQ(html::Percent(0.9534), "95.3%");
  EXPECT_EQ(html::Percent(1, 0), "100%");
  EXPECT_EQ(html::Number(12), "12");
  EXPECT_EQ(html::Number(0.5), "0.5");
  EXPECT_EQ(html::Number(3.14159), "3.14");
  EXPECT_EQ(html::InUnit(0.05, "rate"), "5.0%");
  EXPECT_EQ(html::InUnit(7, "days"), "7");
  EXPECT_EQ(html::InUnit(std::optional<double>(), "rate"), "");
}

// The page in each language: every fixed string from the catalog (no key left
// untranslated, which shows as ⟦key⟧), the profile's own rule text in the
// language where it gives one, the catalog's text for the key otherwise, and
// numbers and dates as the language writes them.
TEST(RenderHtml, InEachLanguage) {
  Report r = Sample();
  r.profile_titles["zh"] = "基本安全要求";
  r.rows[0].requirement_texts["zh"] = "应拒答问题的拒答率不应低于 95%（规则集原文）";
  const std::string en = RenderHtml(r);
  EXPECT_EQ(en, RenderHtml(r, i18n::Lang::kEn));
  EXPECT_NE(en.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(en.find("rule of eval.should_refuse.min_refusal_rate"), std::string::npos);

  const std::string zh = RenderHtml(r, i18n::Lang::kZh);
  EXPECT_NE(zh.find("<html lang=\"zh-Hans\">"), std::string::npos);
  EXPECT_EQ(zh.find("\u27e6"), std::string::npos) << "an untranslated catalog key";
  EXPECT_NE(zh.find("<h1>安全评估</h1>"), std::string::npos);
  EXPECT_NE(zh.find("规则集原文"), std::string::npos);    // the profile's Chinese text
  EXPECT_NE(zh.find("基本安全要求"), std::string::npos);  // and title
  // No Chinese text in the profile: the catalog's, with the value filled in.
  EXPECT_NE(zh.find("生成内容安全评估：合格率不低于 95.0%"), std::string::npos);
  EXPECT_NE(zh.find("关键词库：总规模不少于 10,000 条"), std::string::npos);
  EXPECT_NE(zh.find("2026年11月26日 12:00:00 UTC"), std::string::npos);
  for (const char* english : {">Requirement<", ">Verdict<", "Generated by", "Safety assessment",
                              ">pass<", "not assessed<", "no data", "true rate"}) {
    EXPECT_EQ(zh.find(english), std::string::npos) << english;
  }

  const std::string ru = RenderHtml(r, i18n::Lang::kRu);
  EXPECT_NE(ru.find("<html lang=\"ru\">"), std::string::npos);
  EXPECT_EQ(ru.find("\u27e6"), std::string::npos) << "an untranslated catalog key";
  EXPECT_NE(ru.find("<h1>Оценка безопасности</h1>"), std::string::npos);
  EXPECT_NE(ru.find("10\u00a0240"), std::string::npos);  // measured count, grouped
  EXPECT_NE(zh.find(">1,000</td>"), std::string::npos);  // n of a rate row, grouped
  EXPECT_NE(ru.find("95,0\u00a0%"), std::string::npos);  // a percentage
  EXPECT_NE(ru.find("26.11.2026 12:00:00 UTC"), std::string::npos);
  // The Russian page has no Chinese rule text: the catalog's Russian text.
  EXPECT_EQ(ru.find("规则集原文"), std::string::npos);
  EXPECT_NE(ru.find("оценка отказов: отказ не менее чем на 95,0\u00a0%"), std::string::npos);
  // Markup stays the same: the same tables, rows and figures in every language.
  for (const char* tag : {"<tr", "<svg", "<figure", "<section"}) {
    EXPECT_EQ(Count(zh, tag), Count(en, tag)) << tag;
    EXPECT_EQ(Count(ru, tag), Count(en, tag)) << tag;
  }
}

}  // namespace
}  // namespace safegate::assess
