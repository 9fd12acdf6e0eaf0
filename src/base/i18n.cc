// The message catalog and locale formatting. See i18n.h.
#include "safegate/base/i18n.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "safegate/base/json.h"

namespace safegate::i18n {
namespace internal {
// Defined in the generated i18n_catalog.cc (cmake/EmbedText.cmake).
extern const std::string_view kCatalogJson;
}  // namespace internal

namespace {

using json = nlohmann::json;

constexpr Lang kLangs[] = {Lang::kEn, Lang::kZh, Lang::kRu};

// key -> text per language (index of kLangs). Parsed once.
struct Catalog {
  std::map<std::string, std::array<std::string, 3>, std::less<>> messages;
  std::vector<std::string> problems;
};

const Catalog& TheCatalog() {
  static const Catalog* catalog = [] {
    auto* c = new Catalog;
    json doc = json::parse(internal::kCatalogJson, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object()) {
      c->problems.push_back("i18n/messages.json: not a JSON object");
      return c;
    }
    for (const auto& [key, texts] : doc.items()) {
      if (key.rfind("//", 0) == 0) continue;  // comments
      std::array<std::string, 3> row;
      for (size_t i = 0; i < 3; ++i) {
        const std::string tag(LangTag(kLangs[i]));
        if (!texts.is_object() || !texts.contains(tag) || !texts[tag].is_string() ||
            texts[tag].get<std::string>().empty()) {
          c->problems.push_back(key + ": no text in " + tag);
          continue;
        }
        row[i] = texts[tag].get<std::string>();
      }
      c->messages.emplace(key, std::move(row));
    }
    return c;
  }();
  return *catalog;
}

size_t Index(Lang lang) {
  return static_cast<size_t>(lang);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

// The placeholders {0}..{9} a text uses.
std::set<int> Placeholders(std::string_view s) {
  std::set<int> out;
  for (size_t i = 0; i + 2 < s.size(); ++i) {
    if (s[i] == '{' && s[i + 1] >= '0' && s[i + 1] <= '9' && s[i + 2] == '}') {
      out.insert(s[i + 1] - '0');
    }
  }
  return out;
}

// Inserts `sep` between groups of three digits of `digits` (no sign).
std::string Group(const std::string& digits, std::string_view sep) {
  std::string out;
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    out += digits[i];
    const size_t left = n - i - 1;
    if (left > 0 && left % 3 == 0) out += sep;
  }
  return out;
}

}  // namespace

std::vector<Lang> AllLangs() {
  return {std::begin(kLangs), std::end(kLangs)};
}

std::string_view LangTag(Lang lang) {
  switch (lang) {
    case Lang::kEn: return "en";
    case Lang::kZh: return "zh-Hans";
    case Lang::kRu: return "ru";
  }
  return "en";
}

std::string_view LangCode(Lang lang) {
  switch (lang) {
    case Lang::kEn: return "en";
    case Lang::kZh: return "zh";
    case Lang::kRu: return "ru";
  }
  return "en";
}

std::optional<Lang> ParseLang(std::string_view text) {
  const std::string s = Lower(Trim(text));
  const std::string primary = s.substr(0, s.find_first_of("-_"));
  if (primary == "en") return Lang::kEn;
  if (primary == "ru") return Lang::kRu;
  if (primary == "zh") {
    // Traditional script or a region that writes it is not what we have.
    if (s.find("hant") != std::string::npos || s == "zh-tw" || s == "zh-hk" || s == "zh-mo")
      return std::nullopt;
    return Lang::kZh;
  }
  return std::nullopt;
}

Lang FromAcceptLanguage(std::string_view header, Lang fallback) {
  std::optional<Lang> best;
  double best_q = 0;
  size_t start = 0;
  while (start <= header.size()) {
    size_t end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view item = header.substr(start, end - start);
    start = end + 1;
    std::string_view tag = item.substr(0, item.find(';'));
    double q = 1;
    size_t qpos = item.find(";q=");
    if (qpos == std::string_view::npos) qpos = item.find("; q=");
    if (qpos != std::string_view::npos) {
      const std::string qs = Trim(item.substr(item.find('=', qpos) + 1));
      char* stop = nullptr;
      q = std::strtod(qs.c_str(), &stop);
      if (stop == qs.c_str() || !(q >= 0 && q <= 1)) q = 0;
    }
    std::optional<Lang> lang = ParseLang(tag);
    if (lang && q > best_q) {
      best = lang;
      best_q = q;
    }
    if (end == header.size()) break;
  }
  return best.value_or(fallback);
}

std::string Tr(Lang lang, std::string_view key) {
  const Catalog& c = TheCatalog();
  auto it = c.messages.find(key);
  if (it == c.messages.end() || it->second[Index(lang)].empty()) {
    return "\u27e6" + std::string(key) + "\u27e7";
  }
  return it->second[Index(lang)];
}

std::string Format(Lang lang, std::string_view key, std::initializer_list<std::string> args) {
  const std::string text = Tr(lang, key);
  std::vector<std::string> a(args);
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' && i + 2 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9' &&
        text[i + 2] == '}') {
      const size_t n = static_cast<size_t>(text[i + 1] - '0');
      if (n < a.size()) out += a[n];
      i += 2;
      continue;
    }
    out += text[i];
  }
  return out;
}

bool Has(std::string_view key) {
  return TheCatalog().messages.count(key) > 0;
}

std::vector<std::string> Keys() {
  std::vector<std::string> out;
  for (const auto& [key, texts] : TheCatalog().messages) out.push_back(key);
  return out;
}

std::string CatalogJson(Lang lang) {
  json out = json::object();
  // A text missing in `lang` goes out as ⟦key⟧, as Tr gives it: the page shows it (and its
  // browser test fails) instead of an empty string.
  for (const auto& [key, texts] : TheCatalog().messages) out[key] = Tr(lang, key);
  return DumpJson(out);
}

std::string FormatNumber(Lang lang, double v, int decimals) {
  if (!std::isfinite(v)) return std::isnan(v) ? "NaN" : (v > 0 ? "\u221e" : "-\u221e");
  char buf[400];  // room for any double in %f
  if (decimals >= 0) {
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  } else if (std::floor(v) == v && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else if (std::fabs(v) < 0.01 || std::fabs(v) >= 1e15) {
    std::snprintf(buf, sizeof buf, "%.2g", v);
    if (lang != Lang::kRu) return buf;
    std::string s = buf;
    std::replace(s.begin(), s.end(), '.', ',');
    return s;
  } else {
    std::snprintf(buf, sizeof buf, "%.2f", v);
    std::string s = buf;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    std::snprintf(buf, sizeof buf, "%s", s.c_str());
  }
  std::string s = buf;
  if (lang == Lang::kEn) return s;
  std::string sign;
  if (!s.empty() && s[0] == '-') {
    sign = "-";
    s.erase(0, 1);
  }
  const size_t dot = s.find('.');
  std::string whole = s.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  // Russian: a no-break space between groups, but not in four-digit numbers
  // (CLDR's minimum grouping digits is 2 for ru).
  std::string out;
  if (lang == Lang::kRu) {
    out = whole.size() > 4 ? Group(whole, "\u00a0") : whole;
    if (!frac.empty()) out += "," + frac;
  } else {
    out = Group(whole, ",");
    if (!frac.empty()) out += "." + frac;
  }
  return sign + out;
}

std::string FormatPercent(Lang lang, double rate, int decimals) {
  char buf[400];  // room for any double in %f
  std::snprintf(buf, sizeof buf, "%.*f", decimals, rate * 100);
  std::string s = buf;
  if (lang != Lang::kRu) return s + "%";
  std::replace(s.begin(), s.end(), '.', ',');
  return s + "\u00a0%";
}

std::string FormatDate(Lang lang, std::string_view iso) {
  if (lang == Lang::kEn) return std::string(iso);
  auto digits = [&](size_t from, size_t n) {
    if (iso.size() < from + n) return false;
    for (size_t i = from; i < from + n; ++i)
      if (!std::isdigit(static_cast<unsigned char>(iso[i]))) return false;
    return true;
  };
  if (!(digits(0, 4) && iso.size() >= 10 && iso[4] == '-' && digits(5, 2) && iso[7] == '-' &&
        digits(8, 2))) {
    return std::string(iso);
  }
  const std::string y(iso.substr(0, 4)), m(iso.substr(5, 2)), d(iso.substr(8, 2));
  std::string time;
  if (iso.size() > 10) {
    // "T10:20:30Z" or " 10:20:30 UTC": keep the clock time, say UTC.
    if (!((iso[10] == 'T' || iso[10] == ' ') && digits(11, 2) && iso.size() >= 16 &&
          iso[13] == ':' && digits(14, 2))) {
      return std::string(iso);
    }
    time = " " + std::string(iso.substr(11, digits(17, 2) && iso[16] == ':' ? 8 : 5));
    const bool utc = iso.back() == 'Z' || iso.ends_with("UTC");
    if (utc) time += " UTC";
  }
  if (lang == Lang::kZh) {
    return y + "\u5e74" + std::to_string(std::stoi(m)) + "\u6708" + std::to_string(std::stoi(d)) +
           "\u65e5" + time;
  }
  return d + "." + m + "." + y + time;
}

std::vector<std::string> CatalogProblems() {
  const Catalog& c = TheCatalog();
  std::vector<std::string> out = c.problems;
  for (const auto& [key, texts] : c.messages) {
    const std::set<int> en = Placeholders(texts[0]);
    for (size_t i = 1; i < 3; ++i) {
      if (!texts[i].empty() && Placeholders(texts[i]) != en) {
        out.push_back(key + ": " + std::string(LangTag(kLangs[i])) +
                      " uses other placeholders than en");
      }
    }
  }
  return out;
}

}  // namespace safegate::i18n
