// Helpers of the report page (html.cc, svg.cc): escaping, links, numbers.
// Internal to the assess library. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace safegate::assess::html {

// `s` as HTML text or attribute value: & < > " ' become character references,
// invalid UTF-8 and control characters (other than tab and newline) become
// U+FFFD. Safe inside elements, quoted attributes and inline SVG.
std::string Esc(std::string_view s);

// At most `max_chars` code points of `s`, with "…" appended when cut.
std::string Truncate(std::string_view s, size_t max_chars);

// A report-relative path as a URL path: every byte but unreserved characters
// and '/' percent-encoded (so "a:b" can never become a scheme and "#", "?"
// and spaces stay part of the file name). Not escaped for HTML: pass to Esc.
std::string PathUrl(std::string_view path);

// True when `path` can be linked relative to the page: not empty, no leading
// '/' or '\', no drive letter.
bool IsRelativePath(std::string_view path);

// 0.953 -> "95.3%" (`decimals` after the point).
std::string Percent(double rate, int decimals = 1);
// Shortest plain form: 12 -> "12", 0.5 -> "0.5", 3.14159 -> "3.14".
std::string Number(double v);
// A value in its unit: rates and fractions as percentages, others as numbers.
std::string InUnit(double v, std::string_view unit);
std::string InUnit(const std::optional<double>& v, std::string_view unit);
// A coordinate for SVG: fixed, two decimals.
std::string Coord(double v);

}  // namespace safegate::assess::html
