// The report's charts as inline SVG figures (<figure> with a caption). Every
// string from the report is escaped. Internal to the assess library.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "safegate/assess/report.h"

namespace safegate::assess::html {

// Horizontal bars of rates with 95% Wilson whiskers against a dashed
// threshold line; axis 0-100%.
std::string RateChartFigure(const RateChart& chart);

// P(pass) against the true rate, with the threshold marked and the chance of
// passing exactly at the threshold labelled.
std::string OcCurveFigure(const OcCurve& curve);

// One bar of a comparison, with its own metric and threshold (NaN: none).
struct ComparedRate {
  RateBar bar;
  double threshold = 0;
  bool higher_is_better = true;
  std::string metric;
};
// Vertical bars side by side (the overall rate of each bank: the
// should-refuse and should-answer banks next to each other), each with its
// whisker and its own threshold.
std::string ComparisonFigure(std::string_view title, const std::vector<ComparedRate>& rates);

}  // namespace safegate::assess::html
