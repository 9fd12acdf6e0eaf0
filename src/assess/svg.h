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

// One bar of a comparison, with its own threshold.
struct ComparedRate {
  RateBar bar;
  double threshold = 0;
  bool higher_is_better = true;
};
// Vertical bars side by side (e.g. the refusal rates of the should-refuse and
// should-answer banks), each with its whisker and its own threshold.
std::string ComparisonFigure(std::string_view title, std::string_view metric,
                             const std::vector<ComparedRate>& rates);

}  // namespace safegate::assess::html
