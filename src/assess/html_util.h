// Helpers of the report page (html.cc, svg.cc): escaping, links, numbers and
// the page's language. Internal to the assess library. Thread-safe: the
// language is per thread (LangScope), the rest are pure functions.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "safegate/base/i18n.h"

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

// The language of the page being rendered on this thread (English unless a
// LangScope is alive). Numbers, percentages and messages below follow it.
i18n::Lang CurrentLang();

// Sets the thread's page language for its lifetime (RenderHtml holds one).
class LangScope {
 public:
  explicit LangScope(i18n::Lang lang);
  ~LangScope();
  LangScope(const LangScope&) = delete;
  LangScope& operator=(const LangScope&) = delete;

 private:
  i18n::Lang previous_;
};

// The catalog message `key` in the current language (not escaped: the
// catalog is ours, but pass it to Esc where it goes into HTML).
std::string T(std::string_view key);
// T with its {0}, {1}, ... placeholders filled.
std::string F(std::string_view key, std::initializer_list<std::string> args);

// 0.953 -> "95.3%" (`decimals` after the point; "95,3 %" in Russian).
std::string Percent(double rate, int decimals = 1);
// Shortest plain form: 12 -> "12", 0.5 -> "0.5", 3.14159 -> "3.14" (grouped
// and with the decimal comma as the current language writes numbers).
std::string Number(double v);
// A value in its unit: rates and fractions as percentages, others as numbers.
std::string InUnit(double v, std::string_view unit);
std::string InUnit(const std::optional<double>& v, std::string_view unit);
// A coordinate for SVG: fixed, two decimals.
std::string Coord(double v);

}  // namespace safegate::assess::html
