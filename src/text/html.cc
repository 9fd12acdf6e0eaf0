#include "safegate/text/html.h"

#include <algorithm>
#include <cstring>

#include "safegate/text/utf8.h"

namespace safegate::text {

namespace {

struct Named {
  const char* name;
  char32_t cp;
};
constexpr Named kNamed[] = {{"amp", '&'},     {"lt", '<'},     {"gt", '>'},    {"quot", '"'},
                            {"apos", '\''},   {"nbsp", 0xA0},  {"shy", 0xAD},  {"zwj", 0x200D},
                            {"zwnj", 0x200C}, {"lrm", 0x200E}, {"rlm", 0x200F}};

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The reference at in[pos] ('&'): its code point and length, or 0 length.
size_t Reference(std::string_view in, size_t pos, char32_t* cp) {
  size_t i = pos + 1;
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
  for (const auto& n : kNamed) {
    const size_t len = strlen(n.name);
    if (in.size() - i > len && in.compare(i, len, n.name) == 0 && in[i + len] == ';') {
      *cp = n.cp;
      return len + 2;
    }
  }
  return 0;
}

}  // namespace

bool DecodeHtmlReferences(std::string_view in, std::string* out, std::vector<size_t>* begin,
                          std::vector<size_t>* end) {
  size_t pos = in.find('&');
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
  while (pos != std::string_view::npos) {
    char32_t cp = 0;
    const size_t len = Reference(in, pos, &cp);
    if (len == 0) {
      pos = in.find('&', pos + 1);
      continue;
    }
    any = true;
    copy_to(pos);
    const size_t before = text.size();
    AppendUtf8(cp, &text);
    for (size_t k = before; k < text.size(); ++k) {
      b.push_back(pos);
      e.push_back(pos + len);
    }
    copied = pos + len;
    pos = in.find('&', copied);
  }
  if (!any) return false;
  copy_to(in.size());
  *out = std::move(text);
  *begin = std::move(b);
  *end = std::move(e);
  return true;
}

}  // namespace safegate::text
