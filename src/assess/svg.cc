// The report's charts as inline SVG: rate bars, OC curves, a comparison.
#include "svg.h"

#include <algorithm>
#include <cmath>

#include "html_util.h"
#include "safegate/stats/interval.h"

namespace safegate::assess::html {
namespace {

double Clamp01(double v) {
  return std::isfinite(v) ? std::clamp(v, 0.0, 1.0) : 0.0;
}

bool Meets(double rate, double threshold, bool higher_is_better) {
  return higher_is_better ? rate >= threshold : rate <= threshold;
}

// "required ≥ 95.0%" or "allowed ≤ 5.0%".
std::string ThresholdLabel(double threshold, bool higher_is_better) {
  return F(higher_is_better ? "chart.threshold_at_least" : "chart.threshold_at_most",
           {Percent(threshold)});
}

// A metric name from the report ("refusal rate") in the page's language when
// the catalog knows it, else as written.
std::string Metric(const std::string& metric) {
  std::string key = "metric." + metric;
  std::replace(key.begin(), key.end(), ' ', '_');
  return i18n::Has(key) ? T(key) : metric;
}

std::string Line(double x1, double y1, double x2, double y2, std::string_view cls) {
  return "<line class=\"" + std::string(cls) + "\" x1=\"" + Coord(x1) + "\" y1=\"" + Coord(y1) +
         "\" x2=\"" + Coord(x2) + "\" y2=\"" + Coord(y2) + "\"/>";
}

std::string Rect(double x, double y, double w, double h, std::string_view cls) {
  return "<rect class=\"" + std::string(cls) + "\" x=\"" + Coord(x) + "\" y=\"" + Coord(y) +
         "\" width=\"" + Coord(std::max(w, 0.0)) + "\" height=\"" + Coord(std::max(h, 0.0)) +
         "\"/>";
}

// `content` must already be escaped.
std::string Text(double x, double y, std::string_view anchor, std::string_view cls,
                 const std::string& content) {
  return "<text class=\"" + std::string(cls) + "\" x=\"" + Coord(x) + "\" y=\"" + Coord(y) +
         "\" text-anchor=\"" + std::string(anchor) + "\">" + content + "</text>";
}

std::string SvgOpen(int width, int height, std::string_view label) {
  return "<svg viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(height) +
         "\" width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(height) +
         "\" role=\"img\" aria-label=\"" + Esc(label) + "\">";
}

std::string Figure(std::string_view cls, const std::string& caption_html, const std::string& svg) {
  return "<figure class=\"" + std::string(cls) + "\">" + svg + "<figcaption>" + caption_html +
         "</figcaption></figure>\n";
}

std::string KOfN(const RateBar& b) {
  return std::to_string(b.k) + "/" + std::to_string(b.n);
}

// Tooltip of a bar: full label, k/n, rate and interval.
std::string BarTitle(const RateBar& b) {
  std::string corrected;
  if (b.corrected) {
    corrected = F("chart.bar_corrected", {Percent(*b.corrected)});
    if (b.corrected_interval)
      corrected += F("chart.bar_corrected_interval",
                     {Percent(b.corrected_interval->lo), Percent(b.corrected_interval->hi)});
  }
  // Catalog text is ours (no markup); the label comes from the report.
  return "<title>" +
         F("chart.bar_title",
           {Esc(b.label), KOfN(b), Percent(b.rate), Percent(b.wilson.lo), Percent(b.wilson.hi)}) +
         corrected + "</title>";
}

// A threshold label placed at x, kept inside [lo, hi].
std::string ClampedLabel(double x, double y, double lo, double hi, const std::string& text) {
  std::string anchor = "middle";
  if (x - lo < 60) anchor = "start";
  if (hi - x < 60) anchor = "end";
  return Text(x, y, anchor, "thr-label", text);
}

}  // namespace

std::string RateChartFigure(const RateChart& c) {
  constexpr double kWidth = 760, kLabelRight = 212, kX0 = 220, kX1 = 600, kValueX = 608;
  constexpr double kTop = 30, kRow = 24, kBar = 14, kBottom = 40;
  const size_t rows = std::max<size_t>(c.bars.size(), 1);
  const double plot_bottom = kTop + rows * kRow;
  const double height = plot_bottom + kBottom;
  auto x = [&](double v) { return kX0 + Clamp01(v) * (kX1 - kX0); };

  std::string s = SvgOpen(static_cast<int>(kWidth), static_cast<int>(height), c.title);
  for (int t = 0; t <= 4; ++t) {
    double v = t / 4.0;
    s += Line(x(v), kTop - 4, x(v), plot_bottom, "grid");
    s += Text(x(v), plot_bottom + 14, "middle", "tick", Percent(v, 0));
  }
  s += Line(kX0, plot_bottom, kX1, plot_bottom, "axis");
  s += Text((kX0 + kX1) / 2, plot_bottom + 30, "middle", "axis-label", Esc(Metric(c.metric)));
  if (c.bars.empty())
    s += Text((kX0 + kX1) / 2, kTop + kRow / 2 + 4, "middle", "none", Esc(T("chart.no_data")));
  for (size_t i = 0; i < c.bars.size(); ++i) {
    const RateBar& b = c.bars[i];
    double mid = kTop + i * kRow + kRow / 2;
    std::string cls = b.n == 0                                         ? "bar none"
                      : Meets(b.rate, c.threshold, c.higher_is_better) ? "bar ok"
                                                                       : "bar bad";
    s += "<g class=\"row\">" + BarTitle(b);
    s += Text(kLabelRight, mid + 4, "end", "label", Esc(Truncate(b.label, 32)));
    s += Rect(kX0, mid - kBar / 2, x(b.rate) - kX0, kBar, cls);
    if (b.n > 0) {
      s += Line(x(b.wilson.lo), mid, x(b.wilson.hi), mid, "whisker");
      s += Line(x(b.wilson.lo), mid - 5, x(b.wilson.lo), mid + 5, "whisker");
      s += Line(x(b.wilson.hi), mid - 5, x(b.wilson.hi), mid + 5, "whisker");
    }
    // The corrected rate: a diamond on its interval, just below the bar.
    bool has_corrected = b.corrected.has_value();
    if (has_corrected) {
      double cy = mid + kBar / 2 + 2;
      if (b.corrected_interval) {
        s += Line(x(b.corrected_interval->lo), cy, x(b.corrected_interval->hi), cy, "corrected");
      }
      double cx = x(*b.corrected);
      char d[160];
      std::snprintf(d, sizeof d,
                    "<path class=\"corrected\" d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fL%.1f %.1fZ\"/>",
                    cx, cy - 4, cx + 4, cy, cx, cy + 4, cx - 4, cy);
      s += d;
    }
    std::string value = b.n == 0 ? T("chart.no_items") : Percent(b.rate) + " (" + KOfN(b) + ")";
    if (has_corrected) value += ", " + F("chart.corrected", {Percent(*b.corrected)});
    s += Text(kValueX, mid + 4, "start", "value", Esc(value)) + "</g>";
  }
  double tx = x(c.threshold);
  s += Line(tx, kTop - 8, tx, plot_bottom, "threshold");
  s += ClampedLabel(tx, kTop - 12, kX0, kX1, ThresholdLabel(c.threshold, c.higher_is_better));
  s += "</svg>";
  std::string caption = "<strong>" + Esc(c.title) + "</strong> \u2014 " +
                        F("chart.rate_caption",
                          {Esc(Metric(c.metric)), ThresholdLabel(c.threshold, c.higher_is_better)});
  for (const RateBar& b : c.bars) {
    if (!b.corrected) continue;
    caption += T("chart.diamond");
    break;
  }
  return Figure("chart rate-chart", caption, s);
}

namespace {

// P(pass) at the threshold: the curve's point there, else linear interpolation.
double PassAtThreshold(const OcCurve& c) {
  const auto& p = c.points;
  for (size_t i = 0; i < p.size(); ++i) {
    if (std::fabs(p[i].first - c.threshold) < 1e-12) return p[i].second;
    if (i > 0 && p[i - 1].first < c.threshold && p[i].first > c.threshold) {
      double f = (c.threshold - p[i - 1].first) / (p[i].first - p[i - 1].first);
      return p[i - 1].second + f * (p[i].second - p[i - 1].second);
    }
  }
  return std::nan("");
}

// P(pass) at true rate p, from the binomial as MakeOcCurve computes it.
double PassChance(const OcCurve& c, double p) {
  stats::ThresholdTest test;
  test.threshold = c.higher_is_better ? 1.0 - c.threshold : c.threshold;
  return stats::OperatingCharacteristic(c.n, c.higher_is_better ? 1.0 - p : p, test);
}

// The true rate at which the chance of a pass verdict reaches `chance`: the
// lowest such rate for a minimum rate, the highest for a maximum rate. NaN
// when no rate reaches it.
double RateForChance(const OcCurve& c, double chance) {
  if (c.n == 0) return std::nan("");
  double ok = c.higher_is_better ? 1.0 : 0.0;  // the rate most likely to pass
  if (PassChance(c, ok) < chance) return std::nan("");
  double bad = 1.0 - ok;
  for (int i = 0; i < 50; ++i) {
    double mid = (ok + bad) / 2;
    (PassChance(c, mid) >= chance ? ok : bad) = mid;
  }
  return ok;
}

// The x axis of an OC chart: all of [0, 1], or, when the curve climbs from
// 0.1% to 99.9% within a narrow band, that band and the threshold widened by
// half their width on each side, on tick steps.
struct OcAxis {
  double lo = 0, hi = 1, step = 0.25;
  bool Zoomed() const { return lo > 0 || hi < 1; }
};

OcAxis AxisFor(const OcCurve& c) {
  double a = RateForChance(c, 0.001), b = RateForChance(c, 0.999);
  if (!std::isfinite(a) || !std::isfinite(b) || !std::isfinite(c.threshold)) return {};
  double lo = std::min({a, b, c.threshold}), hi = std::max({a, b, c.threshold});
  double pad = std::max((hi - lo) / 2, 0.005);
  lo -= pad;
  hi += pad;
  if (hi - lo > 0.5) return {};
  for (double step : {0.005, 0.01, 0.02, 0.025, 0.05, 0.1}) {
    double l = std::floor(lo / step + 1e-9) * step, h = std::ceil(hi / step - 1e-9) * step;
    if ((h - l) / step <= 6.0 + 1e-9) return {std::max(0.0, l), std::min(1.0, h), step};
  }
  return {};
}

// The curve's points on `axis`: the report's own when the axis is [0, 1],
// else the binomial sampled finely across the band.
std::vector<std::pair<double, double>> CurvePoints(const OcCurve& c, const OcAxis& axis) {
  if (!axis.Zoomed()) return c.points;
  std::vector<std::pair<double, double>> pts;
  constexpr int kSteps = 120;
  for (int i = 0; i <= kSteps; ++i) {
    double p = axis.lo + (axis.hi - axis.lo) * i / kSteps;
    pts.emplace_back(p, PassChance(c, p));
  }
  return pts;
}

}  // namespace

std::string OcCurveFigure(const OcCurve& c) {
  constexpr double kWidth = 340, kHeight = 236, kX0 = 50, kX1 = 316, kY0 = 22, kY1 = 190;
  const OcAxis axis = AxisFor(c);
  auto x = [&](double v) {
    double f = (v - axis.lo) / (axis.hi - axis.lo);
    return kX0 + Clamp01(f) * (kX1 - kX0);
  };
  auto y = [&](double v) { return kY1 - Clamp01(v) * (kY1 - kY0); };

  std::string s =
      SvgOpen(static_cast<int>(kWidth), static_cast<int>(kHeight), F("chart.oc_label", {c.title}));
  for (int t = 0; t <= 4; ++t) {
    double v = t / 4.0;
    s += Line(kX0, y(v), kX1, y(v), "grid");
    s += Text(kX0 - 4, y(v) + 4, "end", "tick", Percent(v, 0));
  }
  const int decimals = std::fabs(axis.step * 100 - std::round(axis.step * 100)) < 1e-9 ? 0 : 1;
  for (double v = axis.lo; v <= axis.hi + 1e-9; v += axis.step) {
    s += Line(x(v), kY0, x(v), kY1, "grid");
    s += Text(x(v), kY1 + 14, "middle", "tick", Percent(v, decimals));
  }
  s += Line(kX0, kY1, kX1, kY1, "axis") + Line(kX0, kY0, kX0, kY1, "axis");
  s += Text((kX0 + kX1) / 2, kY1 + 30, "middle", "axis-label",
            Esc(T(axis.Zoomed() ? "chart.true_rate_zoomed" : "chart.true_rate")));
  s += "<text class=\"axis-label\" text-anchor=\"middle\" transform=\"translate(12 " +
       Coord((kY0 + kY1) / 2) + ") rotate(-90)\">" + Esc(T("chart.p_pass")) + "</text>";
  std::vector<std::pair<double, double>> points = CurvePoints(c, axis);
  if (points.empty()) {
    s += Text((kX0 + kX1) / 2, (kY0 + kY1) / 2, "middle", "none", Esc(T("chart.no_data")));
  } else {
    std::string pts;
    for (const auto& [px, py] : points) pts += Coord(x(px)) + "," + Coord(y(py)) + " ";
    pts.pop_back();
    s += "<polyline class=\"oc\" points=\"" + pts + "\"/>";
  }
  double tx = x(c.threshold);
  s += Line(tx, kY0 - 4, tx, kY1, "threshold");
  s += ClampedLabel(tx, kY0 - 8, kX0, kX1, Esc(F("chart.threshold", {Percent(c.threshold)})));
  double at = PassAtThreshold(c);
  if (std::isfinite(at)) {
    s += "<circle class=\"marker\" cx=\"" + Coord(tx) + "\" cy=\"" + Coord(y(at)) + "\" r=\"4\"/>";
    bool left = c.threshold > 0.5;
    s += Text(tx + (left ? -8 : 8), y(at) + (at > 0.5 ? 16 : -8), left ? "end" : "start", "value",
              Esc(T("chart.p_pass") + " = " + Percent(at)));
  }
  s += "</svg>";
  std::string text =
      F("chart.oc_caption", {Number(static_cast<double>(c.n)),
                             (c.higher_is_better ? "\u2265 " : "\u2264 ") + Percent(c.threshold)});
  if (std::isfinite(at)) text += F("chart.oc_at", {Percent(at)});
  double sure = RateForChance(c, 0.95);
  if (std::isfinite(sure))
    text += F("chart.oc_sure", {(c.higher_is_better ? "\u2265 " : "\u2264 ") + Percent(sure)});
  std::string caption = "<strong>" + Esc(c.title) + "</strong> \u2014 " + Esc(text) + ".";
  return Figure("chart oc-chart", caption, s);
}

namespace {

// The metric all bars share, or "rate".
std::string CommonMetric(const std::vector<ComparedRate>& rates) {
  if (rates.empty() || rates[0].metric.empty()) return T("metric.rate");
  for (const ComparedRate& r : rates)
    if (r.metric != rates[0].metric) return T("metric.rate");
  return Metric(rates[0].metric);
}

}  // namespace

std::string ComparisonFigure(std::string_view title, const std::vector<ComparedRate>& rates) {
  constexpr double kX0 = 56, kSlot = 230, kBarW = 56, kY0 = 20, kY1 = 220;
  const double width = kX0 + std::max<size_t>(rates.size(), 1) * kSlot + 16;
  const double height = kY1 + 62;
  auto y = [&](double v) { return kY1 - Clamp01(v) * (kY1 - kY0); };
  const double x1 = width - 16;
  const std::string metric = CommonMetric(rates);

  std::string s = SvgOpen(static_cast<int>(width), static_cast<int>(height), title);
  for (int t = 0; t <= 4; ++t) {
    double v = t / 4.0;
    s += Line(kX0, y(v), x1, y(v), "grid");
    s += Text(kX0 - 4, y(v) + 4, "end", "tick", Percent(v, 0));
  }
  s += Line(kX0, kY1, x1, kY1, "axis") + Line(kX0, kY0, kX0, kY1, "axis");
  s += "<text class=\"axis-label\" text-anchor=\"middle\" transform=\"translate(12 " +
       Coord((kY0 + kY1) / 2) + ") rotate(-90)\">" + Esc(metric) + "</text>";
  for (size_t i = 0; i < rates.size(); ++i) {
    const ComparedRate& r = rates[i];
    const RateBar& b = r.bar;
    const bool has_threshold = std::isfinite(r.threshold);
    double left = kX0 + i * kSlot;
    double mid = left + kSlot / 3;  // the bar left of centre: the threshold label goes right
    std::string cls = b.n == 0                                         ? "bar none"
                      : !has_threshold                                 ? "bar plain"
                      : Meets(b.rate, r.threshold, r.higher_is_better) ? "bar ok"
                                                                       : "bar bad";
    s += "<g class=\"row\">" + BarTitle(b);
    s += Rect(mid - kBarW / 2, y(b.rate), kBarW, kY1 - y(b.rate), cls);
    if (b.n > 0) {
      s += Line(mid, y(b.wilson.lo), mid, y(b.wilson.hi), "whisker");
      s += Line(mid - 6, y(b.wilson.lo), mid + 6, y(b.wilson.lo), "whisker");
      s += Line(mid - 6, y(b.wilson.hi), mid + 6, y(b.wilson.hi), "whisker");
    }
    std::string value = b.n == 0 ? T("chart.no_items") : Percent(b.rate) + " (" + KOfN(b) + ")";
    s += Text(mid, kY1 + 16, "middle", "label", Esc(Truncate(b.label, 30)));
    s += Text(mid, kY1 + 32, "middle", "value", Esc(value));
    s += Text(mid, kY1 + 47, "middle", "tick", Esc(Truncate(Metric(r.metric), 30))) + "</g>";
    if (!has_threshold) continue;
    // The bank's own threshold across its slot, labelled at the right end
    // (above the line, or below it near the top of the plot).
    double ty = y(r.threshold);
    s += Line(left + 16, ty, left + kSlot - 8, ty, "threshold");
    s += Text(left + kSlot - 8, ty < kY0 + 16 ? ty + 14 : ty - 5, "end", "thr-label",
              ThresholdLabel(r.threshold, r.higher_is_better));
  }
  s += "</svg>";
  std::string caption =
      "<strong>" + Esc(title) + "</strong> \u2014 " + T("chart.comparison_caption");
  return Figure("chart comparison-chart", caption, s);
}

}  // namespace safegate::assess::html
