// Fuzzes the report page (fuzz_assess_report covers the reader): RenderHtml
// on reports read by ParseReportJson and on reports whose strings and numbers
// are arbitrary bytes. Nothing may crash, leak or throw, and no report string
// may ever add markup to the page: the page keeps exactly its own one <script>
// element and no element with a src attribute.
//
// The first byte picks the mode; the rest is the input (capped at 64 KiB).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/assess/report.h"

namespace {

using safegate::assess::Report;

size_t Count(const std::string& s, const char* needle) {
  size_t n = 0;
  for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
  return n;
}

// True when a tag of the page has a src attribute (outside quoted values).
// Report strings cannot open a tag or end a quoted value: their '<', '>' and
// '"' are escaped.
bool TagWithSrc(const std::string& html) {
  bool in_tag = false, in_quote = false;
  for (size_t i = 0; i < html.size(); ++i) {
    char c = html[i];
    if (!in_tag) {
      in_tag = c == '<';
    } else if (c == '"') {
      in_quote = !in_quote;
    } else if (!in_quote && c == '>') {
      in_tag = false;
    } else if (!in_quote && html.compare(i, 5, " src=") == 0) {
      return true;
    }
  }
  return false;
}

void CheckPage(const Report& r) {
  std::string html = safegate::assess::RenderHtml(r);
  if (Count(html, "<script") != 1 || Count(html, "</script") != 1 || TagWithSrc(html)) std::abort();
}

double Num(std::string_view piece) {
  uint64_t bits = 0;
  std::memcpy(&bits, piece.data(), std::min(piece.size(), sizeof bits));
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;  // any double: NaN, infinities, denormals
}

// A report whose fields are the '\0'-separated pieces of `in`.
Report FromPieces(std::string_view in) {
  std::vector<std::string> p;
  size_t start = 0;
  for (size_t i = 0; i <= in.size(); ++i) {
    if (i == in.size() || in[i] == '\0') {
      p.emplace_back(in.substr(start, i - start));
      start = i + 1;
    }
  }
  auto at = [&](size_t i) { return p[i % p.size()]; };
  Report r;
  r.project = at(0);
  r.profile_title = at(1);
  r.tool_version = at(2);
  for (size_t i = 0; i + 1 < p.size() && i < 24; i += 3) {
    safegate::assess::Row w;
    w.id = at(i);
    w.scope = at(i + 1);
    w.section = i % 2 ? at(i + 2) : "eval";
    w.comparison = i % 3 ? ">=" : at(i + 1);
    w.unit = i % 4 ? "rate" : at(i + 2);
    w.required = Num(at(i + 1));
    w.measured = Num(at(i + 2));
    w.n = at(i).size();
    w.k = at(i + 1).size();
    w.wilson = safegate::stats::Interval{Num(at(i)), Num(at(i + 2))};
    w.verdict = static_cast<safegate::assess::Verdict>(i % 4);
    w.detail = at(i + 2);
    w.evidence = {at(i), at(i + 1)};
    r.rows.push_back(w);
    safegate::assess::RateChart c;
    c.id = i % 2 ? "eval.should_refuse.by_category" : "eval.should_answer.by_category";
    c.section = w.section;
    c.title = at(i + 1);
    c.metric = at(i);
    c.threshold = Num(at(i));
    c.bars.push_back({at(i + 2), w.k, w.n, Num(at(i + 1)), *w.wilson, std::nullopt, std::nullopt});
    r.charts.push_back(c);
    r.oc_curves.push_back(
        safegate::assess::MakeOcCurve(at(i), at(i + 2), w.n % 50, Num(at(i + 1)), i % 2 == 0, 5));
    r.facts.push_back({at(i), at(i + 1), at(i + 2)});
    r.steps.push_back({at(i), at(i + 1), at(i + 2), at(i), {at(i + 1)}, at(i + 2), Num(at(i)), {}});
  }
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (64u << 10)) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    auto r = safegate::assess::ParseReportJson(in, "old-report.json");
    if (r.ok()) {
      CheckPage(*r);
      (void)safegate::assess::SummaryTable(*r);
      (void)safegate::assess::DiffReports(*r, *r);
      auto back = safegate::assess::ParseReportJson(safegate::assess::ReportJson(*r), "again");
      if (!back.ok()) std::abort();
    }
  } else {
    CheckPage(FromPieces(in));
  }
  return 0;
}
