#include "safegate/text/html.h"

#include <algorithm>
#include <cstring>

#include "safegate/text/utf8.h"

namespace safegate::text {

namespace {

struct Named {
  const char* name;  // without '&'; with the ';' when the reference has one
  char32_t cp, cp2;  // cp2: a second code point or 0
};
// The HTML5 named character references, sorted by name (byte order).
constexpr Named kNamed[] = {
#include "html_entities.inc"
};
constexpr size_t kLongestName = 32;

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The named reference whose name is exactly `name`, or null.
const Named* FindNamed(std::string_view name) {
  const Named* end = kNamed + sizeof(kNamed) / sizeof(kNamed[0]);
  const Named* it = std::lower_bound(kNamed, end, name, [](const Named& n, std::string_view s) {
    return std::string_view(n.name) < s;
  });
  return it != end && it->name == name ? it : nullptr;
}

// The reference at in[pos] ('&'): its code points (cp2 0 when one) and
// length, or 0 length.
size_t Reference(std::string_view in, size_t pos, char32_t* cp, char32_t* cp2) {
  size_t i = pos + 1;
  *cp2 = 0;
  if (i < in.size() && in[i] == '#') {
    ++i;
    const bool hex = i < in.size() && (in[i] == 'x' || in[i] == 'X');
    if (hex) ++i;
    const size_t digits_begin = i;
    uint32_t v = 0;
    while (i < in.size()) {
      int d = hex ? Hex(in[i]) : (in[i] >= '0' && in[i] <= '9' ? in[i] - '0' : -1);
      if (d < 0) break;
      // Saturates past U+10FFFF: "&#00000111;" is 'o', "&#99999999999;" U+FFFD.
      v = std::min<uint32_t>(v * (hex ? 16 : 10) + static_cast<uint32_t>(d), 0x110000);
      ++i;
    }
    if (i == digits_begin) return 0;
    *cp = (v == 0 || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF) ? kReplacementChar : v;
    const bool semicolon = i < in.size() && in[i] == ';';
    return i + (semicolon ? 1 : 0) - pos;
  }
  // Named: the longest name of the table that the text starts with (a
  // browser's rule: "&notin;" is U+2209, "&notit;" is "¬it;", "&ampx" "&x").
  size_t n = 0;
  while (i + n < in.size() && n < kLongestName && IsAsciiAlnum(in[i + n])) ++n;
  if (n == 0) return 0;
  if (i + n < in.size() && in[i + n] == ';' && n < kLongestName) {
    if (const Named* r = FindNamed(in.substr(i, n + 1))) {
      *cp = r->cp;
      *cp2 = r->cp2;
      return n + 2;
    }
  }
  for (size_t len = n; len > 0; --len) {
    if (const Named* r = FindNamed(in.substr(i, len))) {
      *cp = r->cp;
      *cp2 = r->cp2;
      return len + 1;
    }
  }
  return 0;
}

// HTML elements that a page shows as a line break or a block (so removing
// them must not join the words on either side): the tag becomes "\n".
bool IsBlockTag(std::string_view name) {
  static constexpr std::string_view kBlock[] = {
      "address", "article", "aside", "blockquote", "br",         "dd",     "details", "dialog",
      "div",     "dl",      "dt",    "fieldset",   "figcaption", "figure", "footer",  "form",
      "h1",      "h2",      "h3",    "h4",         "h5",         "h6",     "header",  "hr",
      "li",      "main",    "nav",   "ol",         "p",          "pre",    "section", "summary",
      "table",   "tbody",   "td",    "tfoot",      "th",         "thead",  "tr",      "ul"};
  std::string lower(name);
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return std::find(std::begin(kBlock), std::end(kBlock), lower) != std::end(kBlock);
}

// The markup at in[pos] ('<'): a tag, comment or declaration as an HTML5
// tokenizer reads it in text: "<" or "</" and an ASCII letter up to the next
// '>', "<!--" up to the next "-->", "<!" or "<?" up to the next '>'. Its
// length, or 0 when it is text ("a < b", "<3", a tag without its '>');
// *block when the page shows it as a break.
size_t Tag(std::string_view in, size_t pos, bool* block) {
  *block = false;
  size_t i = pos + 1;
  if (i >= in.size()) return 0;
  if (in.compare(i, 3, "!--") == 0) {
    // "<!-->" and "<!--->" close at once, as in a browser.
    const size_t from = i + 3;
    if (in.compare(from, 1, ">") == 0) return from + 1 - pos;
    if (in.compare(from, 2, "->") == 0) return from + 2 - pos;
    const size_t close = in.find("-->", from);
    return close == std::string_view::npos ? 0 : close + 3 - pos;
  }
  if (in[i] == '!' || in[i] == '?') {
    const size_t close = in.find('>', i);
    return close == std::string_view::npos ? 0 : close + 1 - pos;
  }
  if (in[i] == '/') ++i;
  const size_t name_begin = i;
  while (i < in.size() && IsAsciiAlnum(in[i])) ++i;
  if (i == name_begin || !((in[name_begin] | 0x20) >= 'a' && (in[name_begin] | 0x20) <= 'z')) {
    return 0;
  }
  const size_t close = in.find('>', i);
  if (close == std::string_view::npos) return 0;
  *block = IsBlockTag(in.substr(name_begin, i - name_begin));
  return close + 1 - pos;
}

// Markdown's emphasis, strike-through and code-span markers.
bool IsMarkdownMarker(char c) {
  return c == '*' || c == '_' || c == '~' || c == '`';
}

bool Decode(std::string_view in, bool markup, std::string* out, std::vector<size_t>* begin,
            std::vector<size_t>* end) {
  bool any = false;
  std::string text;
  std::vector<size_t> b, e;
  size_t copied = 0;
  auto copy_to = [&](size_t upto) {
    for (size_t k = copied; k < upto; ++k) {
      text += in[k];
      b.push_back(k);
      e.push_back(k + 1);
    }
    copied = upto;
  };
  // Emits `s` (possibly empty) for in[pos, pos + len).
  auto emit = [&](size_t pos, size_t len, std::string_view s) {
    any = true;
    copy_to(pos);
    for (char c : s) {
      text += c;
      b.push_back(pos);
      e.push_back(pos + len);
    }
    copied = pos + len;
  };
  for (size_t pos = 0; pos < in.size();) {
    const char c = in[pos];
    if (c == '&') {
      char32_t cp = 0, cp2 = 0;
      const size_t len = Reference(in, pos, &cp, &cp2);
      if (len == 0) {
        ++pos;
        continue;
      }
      std::string s;
      AppendUtf8(cp, &s);
      if (cp2 != 0) AppendUtf8(cp2, &s);
      emit(pos, len, s);
      pos += len;
    } else if (markup && c == '<') {
      bool block = false;
      const size_t len = Tag(in, pos, &block);
      if (len == 0) {
        ++pos;
        continue;
      }
      emit(pos, len, block ? "\n" : "");
      pos += len;
    } else if (markup && IsMarkdownMarker(c)) {
      size_t len = 1;
      while (pos + len < in.size() && IsMarkdownMarker(in[pos + len])) ++len;
      emit(pos, len, "");
      pos += len;
    } else {
      ++pos;
    }
  }
  if (!any) return false;
  copy_to(in.size());
  *out = std::move(text);
  *begin = std::move(b);
  *end = std::move(e);
  return true;
}

}  // namespace

bool DecodeHtmlReferences(std::string_view in, std::string* out, std::vector<size_t>* begin,
                          std::vector<size_t>* end) {
  if (in.find('&') == std::string_view::npos) return false;
  return Decode(in, /*markup=*/false, out, begin, end);
}

bool MayHaveMarkup(std::string_view in) {
  return in.find_first_of("&<*_~`") != std::string_view::npos;
}

bool RenderMarkup(std::string_view in, std::string* out, std::vector<size_t>* begin,
                  std::vector<size_t>* end) {
  if (!MayHaveMarkup(in)) return false;
  return Decode(in, /*markup=*/true, out, begin, end);
}

}  // namespace safegate::text
