// Fuzzes the assessment report reader (`assess --diff OLD_REPORT` reads a
// file a person may have edited) and everything that renders a report read
// back: JSON, the summary table, the diff and the HTML page. Nothing may
// crash, leak or throw.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "safegate/assess/report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (64u << 10)) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = safegate::assess::ParseReportJson(in, "report.json");
  if (r.ok()) {
    (void)safegate::assess::ReportJson(*r);
    (void)safegate::assess::SummaryTable(*r);
    (void)safegate::assess::RenderHtml(*r);
    auto d = safegate::assess::DiffReports(*r, safegate::assess::Report{});
    (void)safegate::assess::DiffTable(d);
    (void)safegate::assess::DiffJson(d, "old.json");
  }
  return 0;
}
