// Renders an assessment report JSON (schema safegate.assess-report/1) as the
// HTML page, for the headless-Chromium test of the page (tests/web/) and for
// re-rendering docs/img/assess-report.png.
//
//   render_report REPORT.json OUT.html
//
// Exit 0 on success, 2 on a bad report (the error names the file and field).
#include <cstdio>
#include <string>

#include "safegate/assess/report.h"
#include "safegate/base/file.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: render_report REPORT.json OUT.html\n");
    return 2;
  }
  auto text = safegate::ReadFile(argv[1]);
  if (!text.ok()) {
    std::fprintf(stderr, "render_report: %s\n", text.status().ToString().c_str());
    return 2;
  }
  auto report = safegate::assess::ParseReportJson(*text, argv[1]);
  if (!report.ok()) {
    std::fprintf(stderr, "render_report: %s\n", report.status().ToString().c_str());
    return 2;
  }
  safegate::Status written =
      safegate::WriteFileAtomic(argv[2], safegate::assess::RenderHtml(*report));
  if (!written.ok()) {
    std::fprintf(stderr, "render_report: %s\n", written.ToString().c_str());
    return 2;
  }
  return 0;
}
