// Helpers of the report page: escaping, links, numbers.
#include "html_util.h"

#include <cmath>
#include <cstdio>

#include "safegate/text/utf8.h"

namespace safegate::assess::html {
namespace {

thread_local i18n::Lang g_lang = i18n::Lang::kEn;

bool IsControl(char32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\r') return false;
  return cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
}

}  // namespace

std::string Esc(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  size_t pos = 0;
  while (pos < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[pos]);
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default:
          if (IsControl(c)) {
            text::AppendUtf8(text::kReplacementChar, &out);
          } else {
            out += static_cast<char>(c);
          }
      }
      ++pos;
      continue;
    }
    size_t len = 0;
    bool invalid = false;
    char32_t cp = text::DecodeAt(s, pos, &len, &invalid);
    if (invalid || IsControl(cp)) {
      text::AppendUtf8(text::kReplacementChar, &out);
    } else {
      out.append(s.substr(pos, len));
    }
    pos += len;
  }
  return out;
}

std::string Truncate(std::string_view s, size_t max_chars) {
  size_t pos = 0;
  size_t chars = 0;
  while (pos < s.size() && chars < max_chars) {
    size_t len = 0;
    bool invalid = false;
    text::DecodeAt(s, pos, &len, &invalid);
    pos += len;
    ++chars;
  }
  if (pos >= s.size()) return std::string(s);
  // Cut one more character to make room for the ellipsis.
  std::string_view kept = s.substr(0, pos);
  size_t back = kept.size();
  while (back > 0 && (static_cast<unsigned char>(kept[back - 1]) & 0xC0) == 0x80) --back;
  if (back > 0) --back;
  return std::string(kept.substr(0, back)) + "\u2026";
}

std::string PathUrl(std::string_view path) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char ch : path) {
    unsigned char c = static_cast<unsigned char>(ch);
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.' || c == '~' || c == '/';
    if (keep) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

bool IsRelativePath(std::string_view path) {
  if (path.empty() || path[0] == '/' || path[0] == '\\') return false;
  bool drive = path.size() >= 2 && path[1] == ':' &&
               ((path[0] >= 'a' && path[0] <= 'z') || (path[0] >= 'A' && path[0] <= 'Z'));
  return !drive;
}

i18n::Lang CurrentLang() {
  return g_lang;
}

LangScope::LangScope(i18n::Lang lang) : previous_(g_lang) {
  g_lang = lang;
}
LangScope::~LangScope() {
  g_lang = previous_;
}

std::string T(std::string_view key) {
  return i18n::Tr(g_lang, key);
}

std::string F(std::string_view key, std::initializer_list<std::string> args) {
  return i18n::Format(g_lang, key, args);
}

std::string Percent(double rate, int decimals) {
  if (g_lang != i18n::Lang::kEn) return i18n::FormatPercent(g_lang, rate, decimals);
  char buf[400];  // room for any double in %f
  std::snprintf(buf, sizeof buf, "%.*f%%", decimals, rate * 100);
  return buf;
}

std::string Number(double v) {
  if (g_lang != i18n::Lang::kEn) return i18n::FormatNumber(g_lang, v);
  char buf[400];  // room for any double in %f
  if (std::floor(v) == v && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  if (std::fabs(v) < 0.01 || std::fabs(v) >= 1e15) {
    std::snprintf(buf, sizeof buf, "%.2g", v);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string out = buf;
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out;
}

std::string InUnit(double v, std::string_view unit) {
  if (unit == "rate" || unit == "fraction") return Percent(v);
  return Number(v);
}

std::string InUnit(const std::optional<double>& v, std::string_view unit) {
  return v ? InUnit(*v, unit) : std::string();
}

std::string Coord(double v) {
  char buf[400];  // room for any double in %f
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace safegate::assess::html
