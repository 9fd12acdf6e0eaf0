#include "safegate/text/utf8.h"

#include <utf8proc.h>

#include <cstring>

namespace safegate::text {

bool IsAscii(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t acc = 0;
  while (n >= 32) {
    uint64_t w[4];
    std::memcpy(w, p, 32);
    acc |= w[0] | w[1] | w[2] | w[3];
    p += 32;
    n -= 32;
    if (acc & 0x8080808080808080ULL) return false;
  }
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    acc |= w;
    p += 8;
    n -= 8;
  }
  for (; n > 0; --n, ++p) acc |= static_cast<unsigned char>(*p);
  return (acc & 0x8080808080808080ULL) == 0;
}

char32_t DecodeAt(std::string_view s, size_t pos, size_t* len, bool* invalid) {
  size_t dummy_len = 0;
  bool dummy_invalid = false;
  if (!len) len = &dummy_len;
  if (!invalid) invalid = &dummy_invalid;
  *invalid = false;
  if (pos >= s.size()) {
    *len = 0;
    *invalid = true;
    return kReplacementChar;
  }
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + pos;
  const size_t avail = s.size() - pos;
  const unsigned char c = p[0];
  if (c < 0x80) {
    *len = 1;
    return c;
  }
  size_t need;
  char32_t cp;
  unsigned char lo = 0x80, hi = 0xBF;  // valid range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    cp = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    cp = c & 0x07;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // > U+10FFFF
  } else {
    *len = 1;
    *invalid = true;
    return kReplacementChar;
  }
  // Maximal subpart: consume the longest valid prefix of a sequence.
  for (size_t i = 1; i <= need; ++i) {
    if (i >= avail) {
      *len = i;
      *invalid = true;
      return kReplacementChar;
    }
    const unsigned char b = p[i];
    const bool ok = i == 1 ? (b >= lo && b <= hi) : (b & 0xC0) == 0x80;
    if (!ok) {
      *len = i;
      *invalid = true;
      return kReplacementChar;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  *len = need + 1;
  return cp;
}

void AppendUtf8(char32_t cp, std::string* out) {
  char buf[4];
  size_t n;
  if (cp < 0x80) {
    buf[0] = static_cast<char>(cp);
    n = 1;
  } else if (cp < 0x800) {
    buf[0] = static_cast<char>(0xC0 | (cp >> 6));
    buf[1] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    buf[0] = static_cast<char>(0xE0 | (cp >> 12));
    buf[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[2] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    buf[0] = static_cast<char>(0xF0 | (cp >> 18));
    buf[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 4;
  }
  out->append(buf, n);
}

namespace {

// The first position from `pos` whose 8-byte word holds a non-ASCII byte (or
// the last partial word): skips ASCII a word at a time.
size_t SkipAsciiWords(std::string_view s, size_t pos) {
  while (pos + 8 <= s.size()) {
    uint64_t w;
    std::memcpy(&w, s.data() + pos, 8);
    if (w & 0x8080808080808080ULL) break;
    pos += 8;
  }
  return pos;
}

}  // namespace

size_t FirstInvalid(std::string_view s) {
  size_t pos = 0;
  while (pos < s.size()) {
    pos = SkipAsciiWords(s, pos);
    if (pos >= s.size()) break;
    size_t len = 0;
    bool invalid = false;
    DecodeAt(s, pos, &len, &invalid);
    if (invalid) return pos;
    pos += len;
  }
  return std::string_view::npos;
}

size_t CountInvalid(std::string_view s) {
  size_t count = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    pos = SkipAsciiWords(s, pos);
    if (pos >= s.size()) break;
    size_t len = 0;
    bool invalid = false;
    DecodeAt(s, pos, &len, &invalid);
    count += invalid ? 1 : 0;
    pos += len;
  }
  return count;
}

std::string Repair(std::string_view s, size_t* replaced) {
  std::string out;
  out.reserve(s.size());
  size_t count = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t len = 0;
    bool invalid = false;
    DecodeAt(s, pos, &len, &invalid);
    if (invalid) {
      AppendUtf8(kReplacementChar, &out);
      ++count;
    } else {
      out.append(s.data() + pos, len);
    }
    pos += len;
  }
  if (replaced) *replaced = count;
  return out;
}

bool IsWordCharBeyondAscii(char32_t cp) {
  if (cp < 0x80) return IsWordChar(cp);
  if (cp > 0x10FFFF) return false;
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: return true;
    default: return false;
  }
}

bool IsNoSpaceScript(char32_t cp) {
  if (cp < 0x0E00) return false;
  struct Range {
    char32_t lo, hi;
  };
  // Sorted, non-overlapping.
  static constexpr Range kRanges[] = {
      {0x0E00, 0x0EFF},    // Thai, Lao
      {0x1000, 0x109F},    // Myanmar
      {0x1100, 0x11FF},    // Hangul Jamo
      {0x1780, 0x17FF},    // Khmer
      {0x19E0, 0x19FF},    // Khmer symbols
      {0x2E80, 0x2FDF},    // CJK and Kangxi radicals
      {0x3005, 0x3007},    // 々〆〇
      {0x3021, 0x3029},    // Hangzhou numerals
      {0x3031, 0x3035},    // kana repeat marks
      {0x3038, 0x303C},    // more Han marks
      {0x3040, 0x30FF},    // Hiragana, Katakana
      {0x3100, 0x312F},    // Bopomofo
      {0x3130, 0x318F},    // Hangul compatibility Jamo
      {0x31A0, 0x31BF},    // Bopomofo extended
      {0x31F0, 0x31FF},    // Katakana phonetic extensions
      {0x3400, 0x4DBF},    // CJK extension A
      {0x4E00, 0x9FFF},    // CJK unified ideographs
      {0xA960, 0xA97F},    // Hangul Jamo extended A
      {0xAA60, 0xAA7F},    // Myanmar extended A
      {0xAC00, 0xD7FF},    // Hangul syllables, Jamo extended B
      {0xF900, 0xFAFF},    // CJK compatibility ideographs
      {0xFF66, 0xFFDC},    // half-width Katakana and Hangul
      {0x1B000, 0x1B16F},  // Kana supplement, extended
      {0x20000, 0x323AF},  // CJK extensions B..H, compatibility supplement
  };
  size_t lo = 0, hi = sizeof(kRanges) / sizeof(kRanges[0]);
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (cp > kRanges[mid].hi) {
      lo = mid + 1;
    } else if (cp < kRanges[mid].lo) {
      hi = mid;
    } else {
      return true;
    }
  }
  return false;
}

bool IsWhiteSpace(char32_t cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
  switch (cp) {
    case 0x0085:
    case 0x00A0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000: return true;
    default: return cp >= 0x2000 && cp <= 0x200A;
  }
}

bool IsSentenceEnd(char32_t cp) {
  switch (cp) {
    case '.':
    case '!':
    case '?':
    case 0x0589:  // Armenian full stop
    case 0x061F:  // Arabic question mark
    case 0x06D4:  // Arabic full stop
    case 0x0964:  // danda
    case 0x0965:  // double danda
    case 0x2026:  // horizontal ellipsis
    case 0x203C:  // double exclamation mark
    case 0x203D:  // interrobang
    case 0x2047:
    case 0x2048:
    case 0x2049:
    case 0x3002:  // ideographic full stop
    case 0xFE12:
    case 0xFE15:
    case 0xFE16:
    case 0xFE52:
    case 0xFE56:
    case 0xFE57:
    case 0xFF01:
    case 0xFF0E:
    case 0xFF1F:
    case 0xFF61: return true;
    default: return false;
  }
}

}  // namespace safegate::text
