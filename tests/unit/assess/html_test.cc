#include <gtest/gtest.h>

#include "safegate/assess/report.h"

namespace safegate::assess {
namespace {

TEST(RenderHtml, IsAnHtmlDocument) {
  Report r;
  std::string html = RenderHtml(r);
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
}

}  // namespace
}  // namespace safegate::assess
