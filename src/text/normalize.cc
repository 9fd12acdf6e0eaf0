// Normalizer: one table-driven pass over the input plus two optional
// post-passes (separators, confusables). See normalize.h for the rules.
//
// Design:
//  * A per-process table (one per distinct set of options that affect it,
//    built on first use from utf8proc and the generated T2S table) gives for
//    every code point one 32-bit entry: keep / delete / replace by a short
//    UTF-8 string from a pool / needs context (NFKC composition with the
//    neighbours), plus two flags used to decide whether the confusables pass
//    must run. Two levels: 256-code-point blocks, blocks with nothing to do
//    share block 0.
//  * The main loop scans runs of "keep" code points without writing anything
//    (identity fast path); at the first change the prefix is copied and the
//    output plus per-byte offset arrays are built. Kept runs are copied with
//    a byte-exact offset map (byte i of the run maps to [i, i + 1) of the
//    input), changed code points map every output byte to the whole input
//    code point (or cluster).
//  * Context code points (combining marks, NFKC_QC Maybe, Hangul V/T jamo and
//    anything whose mapping starts with such a code point) are normalised
//    together with the preceding starter by utf8proc_map ("cluster").
#include "safegate/text/normalize.h"

#include <utf8proc.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>

#include "safegate/text/utf8.h"

namespace safegate::text {

// normalize.h; the table of step 8b.
char32_t CyrillicLookalike(char32_t c) {
  switch (c) {
    case 'A': return 0x410;
    case 'a': return 0x430;
    case 'B': return 0x412;
    case 'C': return 0x421;
    case 'c': return 0x441;
    case 'E': return 0x415;
    case 'e': return 0x435;
    case 'H': return 0x41D;
    case 'K': return 0x41A;
    case 'k': return 0x43A;
    case 'M': return 0x41C;
    case 'm': return 0x43C;
    case 'O': return 0x41E;
    case 'o': return 0x43E;
    case 'P': return 0x420;
    case 'p': return 0x440;
    case 'T': return 0x422;
    case 'X': return 0x425;
    case 'x': return 0x445;
    case 'Y': return 0x423;
    case 'y': return 0x443;
    default: return 0;
  }
}

namespace {

#include "text_tables.inc"

constexpr size_t kNpos = std::numeric_limits<size_t>::max();
// Longest run of context code points normalised as one cluster; longer runs
// (e.g. "zalgo" text) are cut into several clusters to keep the cost linear.
constexpr size_t kMaxClusterCps = 32;

// ---- Code point classes -----------------------------------------------------

struct Range {
  char32_t lo, hi;
};

template <size_t N>
bool InRanges(const Range (&r)[N], char32_t cp) {
  size_t lo = 0, hi = N;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (cp > r[mid].hi) {
      lo = mid + 1;
    } else if (cp < r[mid].lo) {
      hi = mid;
    } else {
      return true;
    }
  }
  return false;
}

// Default-ignorable code points removed by strip_invisible.
bool IsInvisible(char32_t cp) {
  static constexpr Range kRanges[] = {
      {0x00AD, 0x00AD},   {0x034F, 0x034F},  {0x061C, 0x061C}, {0x115F, 0x1160}, {0x17B4, 0x17B5},
      {0x180B, 0x180F},   {0x200B, 0x200F},  {0x202A, 0x202E}, {0x2060, 0x206F}, {0x3164, 0x3164},
      {0xFE00, 0xFE0F},   {0xFEFF, 0xFEFF},  {0xFFA0, 0xFFA0}, {0xFFF0, 0xFFF8}, {0x1BCA0, 0x1BCA3},
      {0x1D173, 0x1D17A}, {0xE0000, 0xE0FFF}};
  return cp >= 0xAD && InRanges(kRanges, cp);
}

bool IsLetterCategory(char32_t cp) {
  int c = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

// Letters, marks, digits (not '_').
bool IsAlnumOrMark(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  }
  int c = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO;
}

bool IsLatinLetter(char32_t cp) {
  if (cp < 0x80) return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
  static constexpr Range kLatin[] = {
      {0x00AA, 0x00AA}, {0x00BA, 0x00BA}, {0x00C0, 0x024F}, {0x0250, 0x02AF}, {0x1D00, 0x1D25},
      {0x1D2C, 0x1D5C}, {0x1D62, 0x1D65}, {0x1D6B, 0x1D77}, {0x1D79, 0x1DBE}, {0x1E00, 0x1EFF},
      {0x2071, 0x2071}, {0x207F, 0x207F}, {0x2090, 0x209C}, {0x212A, 0x212B}, {0x2132, 0x2132},
      {0x214E, 0x214E}, {0x2C60, 0x2C7F}, {0xA722, 0xA7FF}, {0xAB30, 0xAB64}, {0xFB00, 0xFB06},
      {0xFF21, 0xFF3A}, {0xFF41, 0xFF5A}};
  return InRanges(kLatin, cp) && IsLetterCategory(cp);
}

bool IsCyrillicOrGreekLetter(char32_t cp) {
  static constexpr Range kCyrGreek[] = {{0x0370, 0x052F}, {0x1C80, 0x1C8F}, {0x1D26, 0x1D2B},
                                        {0x1F00, 0x1FFF}, {0x2DE0, 0x2DFF}, {0xA640, 0xA69F}};
  return cp >= 0x370 && InRanges(kCyrGreek, cp) && IsLetterCategory(cp);
}

bool IsHan(char32_t cp) {
  static constexpr Range kHan[] = {{0x2E80, 0x2FDF}, {0x3005, 0x3007},  {0x3021, 0x3029},
                                   {0x3038, 0x303B}, {0x3400, 0x4DBF},  {0x4E00, 0x9FFF},
                                   {0xF900, 0xFAFF}, {0x20000, 0x323AF}};
  return cp >= 0x2E80 && InRanges(kHan, cp);
}

// Separators removed by strip_separators (see normalize.h).
bool IsInsertedSeparator(char32_t cp) {
  switch (cp) {
    case ' ':
    case '.':
    case '-':
    case '_':
    case '*':
    case '/':
    // Not ',', ':' or '~': their full-width forms fill Chinese text, which
    // the alphabet-aware normaliser then could no longer keep as written.
    case '+':
    case '=':
    case '|':
    case '\\':
    case 0x00B7:  // middle dot
    case 0x2010:  // hyphen
    case 0x2013:  // en dash
    case 0x2014:  // em dash
    case 0x2022:  // bullet
    case 0x2027:  // hyphenation point
    case 0x2212:  // minus sign
    case 0x2219:  // bullet operator
    case 0x22C5:  // dot operator
    case 0x2800:  // braille pattern blank
    case 0x3000:  // ideographic space
    case 0x3001:  // ideographic comma
    case 0x30FB:  // katakana middle dot
      return true;
    default: return false;
  }
}

bool IsHangulVT(char32_t cp) {
  return (cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2);
}

// True when cp may change by NFKC depending on its neighbours: it has a
// non-zero combining class or can be the second code point of a primary
// composition.
bool NeedsContext(char32_t cp) {
  const utf8proc_property_t* p = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
  return p->combining_class != 0 || (p->comb_index != 0xFFFF && (p->comb_index & 0x8000)) ||
         IsHangulVT(cp);
}

template <size_t N>
uint32_t LookupPair(const uint32_t (&pairs)[N][2], char32_t cp) {
  size_t lo = 0, hi = N;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (pairs[mid][0] < cp) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo < N && pairs[lo][0] == cp ? pairs[lo][1] : 0;
}

bool IsNonSpacingMark(char32_t cp) {
  return cp >= 0x300 &&
         utf8proc_category(static_cast<utf8proc_int32_t>(cp)) == UTF8PROC_CATEGORY_MN;
}

// Enclosing marks (Me: U+20DD COMBINING ENCLOSING CIRCLE, the keycap
// U+20E3, ...), removed by strip_accents wherever they are.
bool IsEnclosingMark(char32_t cp) {
  return cp >= 0x488 &&
         utf8proc_category(static_cast<utf8proc_int32_t>(cp)) == UTF8PROC_CATEGORY_ME;
}

// The ASCII letter a Latin small capital is written as, or 0 (nfkc, step 3:
// NFKC leaves them alone, and "ᴘɪᴘᴇ ʙᴏᴍʙ" reads "pipe bomb").
char32_t SmallCapital(char32_t cp) {
  static constexpr uint32_t kSmallCapitals[][2] = {
      {0x0262, 'g'}, {0x026A, 'i'}, {0x0274, 'n'}, {0x0280, 'r'}, {0x028F, 'y'},
      {0x0299, 'b'}, {0x029C, 'h'}, {0x029F, 'l'}, {0x1D00, 'a'}, {0x1D04, 'c'},
      {0x1D05, 'd'}, {0x1D07, 'e'}, {0x1D0A, 'j'}, {0x1D0B, 'k'}, {0x1D0D, 'm'},
      {0x1D0F, 'o'}, {0x1D18, 'p'}, {0x1D1B, 't'}, {0x1D1C, 'u'}, {0x1D20, 'v'},
      {0x1D21, 'w'}, {0x1D22, 'z'}, {0xA730, 'f'}, {0xA731, 's'}, {0xA7AF, 'q'}};
  if (cp < 0x262 || cp > 0xA7AF) return 0;
  for (const auto& [from, to] : kSmallCapitals)
    if (from == cp) return to;
  return 0;
}

// The ASCII letter that a Latin letter without a canonical decomposition is
// an ASCII letter with a stroke, bar or missing dot, or another drawing of,
// or 0 (strip_accents, step 6a: "bømb", "kiłł", "kıll", "herɑin").
char32_t StrokedLetter(char32_t cp) {
  static constexpr uint32_t kStroked[][2] = {
      {0x00D8, 'O'}, {0x00F8, 'o'}, {0x0110, 'D'}, {0x0111, 'd'}, {0x0126, 'H'}, {0x0127, 'h'},
      {0x0131, 'i'}, {0x0141, 'L'}, {0x0142, 'l'}, {0x0166, 'T'}, {0x0167, 't'}, {0x0180, 'b'},
      {0x0185, 'b'}, {0x0197, 'I'}, {0x01B5, 'Z'}, {0x01B6, 'z'}, {0x01E4, 'G'}, {0x01E5, 'g'},
      {0x0237, 'j'}, {0x0243, 'B'}, {0x024C, 'R'}, {0x024D, 'r'}, {0x024E, 'Y'}, {0x024F, 'y'},
      {0x0251, 'a'}, {0x0261, 'g'}, {0x0268, 'i'}, {0x0269, 'i'}, {0x2C6D, 'A'}};
  if (cp < 0xD8 || cp > 0x2C6D) return 0;
  return LookupPair(kStroked, cp);
}

// The ASCII letter that an enclosed Latin letter without a one-letter NFKC
// form shows, lower case, or 0 (nfkc, step 3): parenthesized "⒝" (NFKC
// "(b)") and "🄑", negative circled "🅑" and negative squared "🅱" (no
// decomposition).
char32_t EnclosedLetter(char32_t cp) {
  if (cp >= 0x249C && cp <= 0x24B5) return 'a' + (cp - 0x249C);
  if (cp >= 0x1F110 && cp <= 0x1F129) return 'a' + (cp - 0x1F110);
  if (cp >= 0x1F150 && cp <= 0x1F169) return 'a' + (cp - 0x1F150);
  if (cp >= 0x1F170 && cp <= 0x1F189) return 'a' + (cp - 0x1F170);
  return 0;
}

// strip_accents (rule in normalize.h, step 6a).
void StripAccents(std::u32string* s) {
  bool any = false;
  for (char32_t c : *s) any = any || c >= 0xC0;
  if (!any) return;
  std::u32string out;
  bool after_letter = false;  // after a Latin/Cyrillic/Greek letter (and its marks)
  for (char32_t c : *s) {
    if (IsNonSpacingMark(c)) {
      if (!after_letter) out.push_back(c);
      continue;
    }
    // Han ideographs take no marks: a mark after one is drawn over it
    // ("炸\u0336弹\u0336" strikes 炸弹 through) and goes too.
    const bool han = IsHan(c);
    after_letter = han || IsLatinLetter(c) || IsCyrillicOrGreekLetter(c);
    if (after_letter && !han && c >= 0xC0 && c != 0x419 && c != 0x439) {
      utf8proc_int32_t buf[8];
      int last_boundclass = 0;
      const utf8proc_ssize_t n = utf8proc_decompose_char(
          static_cast<utf8proc_int32_t>(c), buf, 8,
          static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE), &last_boundclass);
      bool letter_plus_marks = n > 1 && n <= 8 && IsLetterCategory(static_cast<char32_t>(buf[0]));
      for (utf8proc_ssize_t i = 1; letter_plus_marks && i < n; ++i) {
        letter_plus_marks = IsNonSpacingMark(static_cast<char32_t>(buf[i]));
      }
      if (letter_plus_marks) c = static_cast<char32_t>(buf[0]);  // "ǿ" -> "ø" -> "o"
      if (char32_t a = StrokedLetter(c)) c = a;
    }
    out.push_back(c);
  }
  s->swap(out);
}

char32_t T2s(char32_t cp) {
  if (cp < 0x2E80) return cp;
  // Simplified form depends on the word (normalize.h, step 6): 乾 著 藉 瞭.
  if (cp == 0x4E7E || cp == 0x8457 || cp == 0x85C9 || cp == 0x77AD) return cp;
  uint32_t to = LookupPair(kT2sPairs, cp);
  return to ? to : cp;
}

// The ASCII skeleton of a Cyrillic or Greek look-alike letter, or 0.
char ConfusableSkeleton(char32_t cp) {
  if (cp < 0x370) return 0;
  return static_cast<char>(LookupPair(kConfusablePairs, cp));
}

// The ASCII letter that a letter of Armenian, Cherokee, Coptic or Lisu is
// drawn as (step 8b, other scripts; hand-picked from the UTS #39 confusables
// whose skeleton is one ASCII letter: "bօmb" with an Armenian օ, "Ᏼomb" with
// a Cherokee Ᏼ), or 0. Lower-case letters are looked up by their upper-case
// form (Cherokee folds to upper case).
char OtherScriptLookalike(char32_t cp) {
  static constexpr uint32_t kOther[][2] = {
      {0x054D, 'U'}, {0x0555, 'O'}, {0x0566, 'q'}, {0x0570, 'h'}, {0x0578, 'n'}, {0x057D, 'u'},
      {0x0581, 'g'}, {0x0585, 'o'}, {0x13A0, 'D'}, {0x13A2, 'T'}, {0x13A5, 'i'}, {0x13AA, 'A'},
      {0x13AB, 'J'}, {0x13AC, 'E'}, {0x13B3, 'W'}, {0x13B7, 'M'}, {0x13BB, 'H'}, {0x13BE, 'O'},
      {0x13C0, 'G'}, {0x13C3, 'Z'}, {0x13CF, 'b'}, {0x13D2, 'R'}, {0x13D9, 'V'}, {0x13DA, 'S'},
      {0x13DE, 'L'}, {0x13DF, 'C'}, {0x13E2, 'P'}, {0x13E6, 'K'}, {0x13F4, 'B'}, {0x2C82, 'B'},
      {0x2C8E, 'H'}, {0x2C92, 'I'}, {0x2C94, 'K'}, {0x2C98, 'M'}, {0x2C9A, 'N'}, {0x2C9E, 'O'},
      {0x2C9F, 'o'}, {0x2CA2, 'P'}, {0x2CA3, 'p'}, {0x2CA4, 'C'}, {0x2CA5, 'c'}, {0x2CA6, 'T'},
      {0x2CA8, 'Y'}, {0x2CAC, 'X'}, {0x2CAD, 'x'}, {0xA4D0, 'B'}, {0xA4D1, 'P'}, {0xA4D3, 'D'},
      {0xA4D4, 'T'}, {0xA4D6, 'G'}, {0xA4D7, 'K'}, {0xA4D9, 'J'}, {0xA4DA, 'C'}, {0xA4DC, 'Z'},
      {0xA4DD, 'F'}, {0xA4DF, 'M'}, {0xA4E0, 'N'}, {0xA4E1, 'L'}, {0xA4E2, 'S'}, {0xA4E3, 'R'},
      {0xA4E6, 'V'}, {0xA4E7, 'H'}, {0xA4EA, 'W'}, {0xA4EB, 'X'}, {0xA4EC, 'Y'}, {0xA4EE, 'A'},
      {0xA4F0, 'E'}, {0xA4F2, 'I'}, {0xA4F3, 'O'}, {0xA4F4, 'U'}};
  if (cp < 0x54D || (cp > 0x58F && cp < 0x13A0) || (cp > 0x13F5 && cp < 0x2C80) ||
      (cp > 0x2CFF && cp < 0xA4D0) || (cp > 0xA4FF && cp < 0xAB70) || cp > 0xABBF) {
    return 0;
  }
  if (uint32_t a = LookupPair(kOther, cp)) return static_cast<char>(a);
  const char32_t u = static_cast<char32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(cp)));
  return u != cp ? static_cast<char>(LookupPair(kOther, u)) : 0;
}

void AppendCps(const std::u32string& cps, std::string* out) {
  for (char32_t c : cps) AppendUtf8(c, out);
}

// utf8proc_map over a code point sequence; false when utf8proc refuses.
bool MapWithUtf8proc(const char32_t* cps, size_t n, int options, std::u32string* out) {
  std::string in;
  for (size_t i = 0; i < n; ++i) AppendUtf8(cps[i], &in);
  utf8proc_uint8_t* dst = nullptr;
  utf8proc_ssize_t len = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(in.data()),
                                      static_cast<utf8proc_ssize_t>(in.size()), &dst,
                                      static_cast<utf8proc_option_t>(options));
  if (len < 0) {
    std::free(dst);
    return false;
  }
  out->clear();
  std::string_view v(reinterpret_cast<const char*>(dst), static_cast<size_t>(len));
  for (size_t pos = 0; pos < v.size();) {
    size_t l = 0;
    bool bad = false;
    out->push_back(DecodeAt(v, pos, &l, &bad));
    pos += l;
  }
  std::free(dst);
  return true;
}

// ---- Per-code-point tables --------------------------------------------------

enum Kind : uint32_t { kKeep = 0, kDelete = 1, kReplace = 2, kContext = 3 };
constexpr uint32_t kKindMask = 3;
constexpr uint32_t kFlagConfusable = 4;   // output has a Cyrillic or Greek letter
constexpr uint32_t kFlagLatin = 8;        // output has a Latin letter
constexpr uint32_t kLenShift = 4;         // 6 bits of replacement length
constexpr uint32_t kOffShift = 10;        // 21 bits of pool offset, then:
constexpr uint32_t kHighPool = 1u << 31;  // the offset is into the high planes' pool
constexpr uint32_t kOffMask = (1u << 21) - 1;
constexpr size_t kMaxPool = (size_t{1} << 21) - 64;
// Planes 2-16 (CJK extensions, tags, private use, unassigned): about two
// thirds of the table-building time, and rare in text, so built on first use.
constexpr char32_t kHighStart = 0x20000;

// The options that change the tables (others only affect post-passes).
struct TableKey {
  bool strip_invisible, nfkc, fullwidth, casefold, t2s, folds_ascii, strip_accents;
  static TableKey From(const NormalizeOptions& o) {
    return {o.strip_invisible, o.nfkc, o.fullwidth || o.nfkc,
            o.casefold,        o.t2s,  o.casefold && o.matcher_folds_ascii,
            o.strip_accents};
  }
  unsigned Bits() const {
    return strip_invisible | nfkc << 1 | fullwidth << 2 | casefold << 3 | t2s << 4 |
           folds_ascii << 5 | strip_accents << 6;
  }
  int Utf8procOptions() const {
    return UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
           (casefold ? UTF8PROC_CASEFOLD : 0);
  }
};

struct Tables {
  TableKey key;
  std::vector<uint16_t> index;    // cp >> 8 -> block number, below kHighStart
  std::vector<uint32_t> entries;  // block * 256 + (cp & 255)
  std::string pool;               // replacement strings
  // The same for kHighStart and up, filled once by the first Get() there.
  mutable std::once_flag high_once;
  mutable std::vector<uint16_t> high_index;
  mutable std::vector<uint32_t> high_entries;
  mutable std::string high_pool;
  std::array<uint32_t, 128> ascii;
  bool ascii_all_keep = true;
  // Fast keep check for the BMP, one bit set per code point, per state of the
  // flags seen so far (index flags >> 2): set when the code point is kept
  // and brings no flag that is not already in the state. Surrogates are 0.
  std::array<std::vector<uint64_t>, 4> keep_bits;
  // keep_bits[a] has all of ASCII.
  std::array<bool, 4> ascii_fast{};
  // For each BMP code point of two or three UTF-8 bytes whose entry is a
  // one-to-one replacement by a BMP code point of the same UTF-8 length and
  // without flags: that code point; 0 otherwise (Run()'s same-length loop).
  std::vector<uint16_t> same_len;

  uint32_t Get(char32_t cp) const {
    if (cp >= kHighStart) [[unlikely]] {
      std::call_once(high_once, [this] { BuildHigh(); });
      return high_entries[(static_cast<size_t>(high_index[(cp - kHighStart) >> 8]) << 8) |
                          (cp & 0xFF)];
    }
    return entries[(static_cast<size_t>(index[cp >> 8]) << 8) | (cp & 0xFF)];
  }
  const char* Pool(uint32_t e) const {
    return ((e & kHighPool) ? high_pool.data() : pool.data()) + ((e >> kOffShift) & kOffMask);
  }
  static size_t Len(uint32_t e) { return (e >> kLenShift) & 63; }

  // The mapping of one code point alone (steps strip_invisible..t2s).
  void MapOne(char32_t cp, std::u32string* s) const {
    s->clear();
    if (key.strip_invisible && IsInvisible(cp)) return;
    const bool ascii_upper = cp >= 'A' && cp <= 'Z';
    if (key.nfkc && cp >= 0x249C) {
      if (char32_t a = EnclosedLetter(cp)) {
        *s = a;
        PostMap(s);
        return;
      }
    }
    if (key.nfkc) {
      const utf8proc_property_t* p = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
      const bool fold = key.casefold && !(key.folds_ascii && ascii_upper);
      const bool unchanged =
          p->decomp_seqindex == 0xFFFF && (!fold || p->casefold_seqindex == 0xFFFF);
      if (unchanged ||
          !MapWithUtf8proc(
              &cp, 1, fold ? key.Utf8procOptions() : key.Utf8procOptions() & ~UTF8PROC_CASEFOLD,
              s)) {
        *s = cp;
      }
    } else {
      char32_t c = cp;
      if (key.fullwidth) {
        if (c >= 0xFF01 && c <= 0xFF5E) {
          c -= 0xFEE0;
        } else if (c == 0x3000) {
          c = ' ';
        }
      }
      const bool fold = key.casefold && !(key.folds_ascii && c >= 'A' && c <= 'Z');
      if (!fold ||
          utf8proc_get_property(static_cast<utf8proc_int32_t>(c))->casefold_seqindex == 0xFFFF ||
          !MapWithUtf8proc(&c, 1, UTF8PROC_CASEFOLD, s)) {
        *s = c;
      }
    }
    PostMap(s);
  }

  // Steps applied to the output of NFKC/casefold, per code point.
  void PostMap(std::u32string* s) const {
    if (key.strip_invisible) std::erase_if(*s, [](char32_t c) { return IsInvisible(c); });
    if (key.nfkc) {
      for (char32_t& c : *s) {
        if (char32_t a = SmallCapital(c)) c = a;
        // Regional indicator symbols A-Z (U+1F1E6..1F1FF; flags are pairs
        // of them): the letter they show.
        if (c >= 0x1F1E6 && c <= 0x1F1FF) c = 'a' + (c - 0x1F1E6);
        // Cherokee and Lisu letters drawn as Latin capitals ("ᏴᎾᎷᏴ",
        // "ꓐꓳꓟꓐ"): the letter they show, in every word (step 8b handles
        // Armenian and Coptic, alphabets of ordinary text, word by word).
        if ((c >= 0x13A0 && c <= 0x13FD) || (c >= 0xA4D0 && c <= 0xA4FF) ||
            (c >= 0xAB70 && c <= 0xABBF)) {
          if (const char a = OtherScriptLookalike(c))
            c = static_cast<char32_t>(a >= 'A' && a <= 'Z' ? a + 32 : a);
        }
      }
    }
    if (key.strip_accents) {
      std::erase_if(*s, [](char32_t c) { return IsEnclosingMark(c); });
      StripAccents(s);
    }
    if (key.t2s)
      for (char32_t& c : *s) c = T2s(c);
  }

  static uint32_t FlagsOf(const std::u32string& s) {
    uint32_t f = 0;
    for (char32_t c : s) {
      // A Greek letter counts as both: a word of Cyrillic and Greek letters
      // needs the confusables pass too ("бοмба" with a Greek ο).
      if (IsCyrillicOrGreekLetter(c))
        f |= kFlagConfusable | ((c < 0x400 || (c >= 0x1F00 && c <= 0x1FFF)) ? kFlagLatin : 0);
      if (IsLatinLetter(c)) f |= kFlagLatin;
      if (OtherScriptLookalike(c)) f |= kFlagConfusable | kFlagLatin;  // as Greek
    }
    return f;
  }

  // The entry of `cp`; a replacement string goes to `*out` (with `pool_bit`
  // set in the entry when that is the high planes' pool).
  uint32_t ComputeEntry(char32_t cp, std::u32string* s, std::string* utf8, std::string* out,
                        uint32_t pool_bit) const {
    if (cp >= 0xD800 && cp <= 0xDFFF) return kKeep;
    const int cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    if ((cat == UTF8PROC_CATEGORY_CN || cat == UTF8PROC_CATEGORY_CO) &&
        !(key.strip_invisible && IsInvisible(cp))) {
      return kKeep;
    }
    MapOne(cp, s);
    const uint32_t flags = FlagsOf(*s);
    if (key.nfkc && (NeedsContext(cp) || (!s->empty() && NeedsContext((*s)[0])))) {
      return kContext | flags;
    }
    if (s->empty()) return kDelete;
    if (s->size() == 1 && (*s)[0] == cp) return kKeep | flags;
    utf8->clear();
    AppendCps(*s, utf8);
    if (utf8->size() > 63 || out->size() > kMaxPool) {
      // Cannot happen with Unicode 15 data (longest NFKC expansion is 33 bytes).
      return key.nfkc ? (kContext | flags) : (kKeep | flags);
    }
    uint32_t e = kReplace | flags | static_cast<uint32_t>(utf8->size()) << kLenShift |
                 static_cast<uint32_t>(out->size()) << kOffShift | pool_bit;
    *out += *utf8;
    return e;
  }

  // Blocks [first, last) of 256 code points into *idx / *ents (block 0 of
  // *ents: all keep, no flags), replacements into *out.
  void BuildBlocks(uint32_t first, uint32_t last, std::vector<uint16_t>* idx,
                   std::vector<uint32_t>* ents, std::string* out, uint32_t pool_bit) const {
    idx->assign(last - first, 0);
    ents->assign(256, 0);
    std::array<uint32_t, 256> block;
    std::u32string s;
    std::string utf8;
    for (uint32_t b = first; b < last; ++b) {
      bool all_zero = true;
      for (uint32_t i = 0; i < 256; ++i) {
        block[i] = ComputeEntry(static_cast<char32_t>(b << 8 | i), &s, &utf8, out, pool_bit);
        all_zero = all_zero && block[i] == 0;
      }
      if (!all_zero) {
        (*idx)[b - first] = static_cast<uint16_t>(ents->size() / 256);
        ents->insert(ents->end(), block.begin(), block.end());
      }
    }
  }

  void BuildHigh() const {
    BuildBlocks(kHighStart >> 8, 0x1100, &high_index, &high_entries, &high_pool, kHighPool);
  }

  void Build() {
    BuildBlocks(0, kHighStart >> 8, &index, &entries, &pool, 0);
    for (char32_t c = 0; c < 128; ++c) {
      ascii[c] = Get(c);
      ascii_all_keep = ascii_all_keep && (ascii[c] & kKindMask) == kKeep;
    }
    for (auto& b : keep_bits) b.assign(0x10000 / 64, 0);
    for (char32_t c = 0; c < 0x10000; ++c) {
      if (c >= 0xD800 && c <= 0xDFFF) continue;
      const uint32_t e = Get(c);
      if ((e & kKindMask) != kKeep) continue;
      const uint32_t f = (e >> 2) & 3;
      for (uint32_t a = 0; a < 4; ++a) {
        if ((f & ~a) == 0) keep_bits[a][c >> 6] |= uint64_t{1} << (c & 63);
      }
    }
    for (uint32_t a = 0; a < 4; ++a)
      ascii_fast[a] = keep_bits[a][0] == ~uint64_t{0} && keep_bits[a][1] == ~uint64_t{0};
    same_len.assign(0x10000, 0);
    for (char32_t c = 0x80; c < 0x10000; ++c) {
      if (c >= 0xD800 && c <= 0xDFFF) continue;
      const uint32_t e = Get(c);
      if ((e & kKindMask) != kReplace || (e & (kFlagConfusable | kFlagLatin)) != 0) continue;
      const std::string_view r(Pool(e), Len(e));
      size_t len = 0;
      bool bad = false;
      const char32_t y = DecodeAt(r, 0, &len, &bad);
      const size_t want = c < 0x800 ? 2 : 3;
      if (bad || len != r.size() || len != want || y == c || y >= 0x10000 ||
          (y >= 0xD800 && y <= 0xDFFF)) {
        continue;
      }
      same_len[c] = static_cast<uint16_t>(y);
    }
  }
};

std::shared_ptr<const Tables> GetTables(const NormalizeOptions& options) {
  static std::mutex mu;
  static std::array<std::shared_ptr<const Tables>, 128> cache;
  const TableKey key = TableKey::From(options);
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = cache[key.Bits()];
  if (!slot) {
    auto t = std::make_shared<Tables>();
    t->key = key;
    t->Build();
    slot = std::move(t);
  }
  return slot;
}

// ---- Alphabet-aware keeping ---------------------------------------------------

// Every property of a code point that the post-passes (strip_separators,
// confusables) and the matcher's whole-word check look at.
struct CpProps {
  bool letter, han, alnum_or_mark, mark, word, no_space, context, latin, cyr_greek, skeleton;
  // The matcher's word gaps: a sentence end inside a gap (scan/matcher.h).
  bool white_space, sentence_end;
  bool operator==(const CpProps&) const = default;
  static CpProps Of(char32_t c) {
    const int cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
    return {IsLetterCategory(c),
            IsHan(c),
            IsAlnumOrMark(c),
            cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME,
            IsWordChar(c),
            IsNoSpaceScript(c),
            NeedsContext(c),
            IsLatinLetter(c),
            IsCyrillicOrGreekLetter(c),
            ConfusableSkeleton(c) != 0,
            IsWhiteSpace(c),
            IsSentenceEnd(c)};
  }
};

// True when the alphabet-aware normaliser may keep the BMP code point x
// although the tables change it (rules and exactness argument in
// normalize.h, Normalizer(options, alphabet)).
bool SkippableChange(const Tables& t, char32_t x, const MatchAlphabet& alphabet,
                     bool strip_separators, bool digit_letters) {
  if (x >= 0xD800 && x <= 0xDFFF) return false;
  const uint32_t e = t.Get(x);
  // One-to-one replacement only (no deletion, expansion or composition with
  // neighbours), and no flag that could make the confusables pass run.
  if ((e & kKindMask) != kReplace || (e & (kFlagConfusable | kFlagLatin)) != 0) return false;
  const std::string_view r(t.Pool(e), Tables::Len(e));
  size_t len = 0;
  bool bad = false;
  const char32_t y = DecodeAt(r, 0, &len, &bad);
  if (bad || len != r.size() || y == x) return false;
  if (alphabet.Contains(x) || alphabet.Contains(y)) return false;
  const CpProps px = CpProps::Of(x), py = CpProps::Of(y);
  if (!(px == py)) return false;
  // Both non-letters, or both Han.
  if ((px.letter || py.letter) && !(px.han && py.han)) return false;
  if (px.context || px.latin || px.cyr_greek || px.skeleton || px.mark) return false;
  if (strip_separators && (IsInsertedSeparator(x) || IsInsertedSeparator(y))) return false;
  // digit_letters looks at ASCII digits, '@' and '$' themselves.
  if (digit_letters && ((y >= '0' && y <= '9') || y == '@' || y == '$')) return false;
  return true;
}

// ---- Output buffers ---------------------------------------------------------

using internal::MapRun;
constexpr uint32_t kBlock = 0;  // MapRun::unit of a run that maps to [src, src_end)

// Appends a run starting at output position `out` (the end of the previous
// run), merged with the previous run when the per-byte map stays the same.
[[gnu::always_inline]] inline void PushRun(std::vector<MapRun>* runs, uint32_t out, uint32_t src,
                                           uint32_t src_end, uint32_t unit) {
  if (!runs->empty()) {
    const MapRun& l = runs->back();
    if (unit != kBlock) {
      if (l.unit == unit && l.src + (out - l.out) == src) return;
    } else if (l.unit == kBlock && l.src == src && l.src_end == src_end) {
      return;
    }
  }
  runs->push_back({out, src, src_end, unit});
}

// Index of the run that holds output byte i (runs cover [0, size)).
inline size_t RunAt(const std::vector<MapRun>& runs, size_t i) {
  size_t lo = 0, hi = runs.size();
  while (hi - lo > 1) {
    const size_t mid = (lo + hi) / 2;
    if (runs[mid].out <= i) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

inline uint32_t RunSrcBegin(const MapRun& r, size_t i) {
  if (r.unit == kBlock) return r.src;
  const uint32_t k = static_cast<uint32_t>(i) - r.out;
  return r.src + (r.unit == 1 ? k : k / r.unit * r.unit);
}
inline uint32_t RunSrcEnd(const MapRun& r, size_t i) {
  if (r.unit == kBlock) return r.src_end;
  return RunSrcBegin(r, i) + r.unit;
}

// The output text and its run-length offset map, grown geometrically and
// never shrunk (NormalizedText is reused across documents).
struct Out {
  std::string& buf;
  std::vector<MapRun>& runs;
  size_t size = 0;

  void Ensure(size_t extra) {
    const size_t need = size + extra;
    if (need <= buf.size()) return;
    const size_t cap = std::max({need, buf.size() * 2, size_t{256}});
    buf.resize(cap);
  }
  void Reset() {
    size = 0;
    runs.clear();
  }
  // Copies in[from, to) with a byte-exact offset map.
  void Copy(const char* in, size_t from, size_t to) {
    if (from >= to) return;
    const size_t n = to - from;
    Ensure(n);
    std::memcpy(buf.data() + size, in + from, n);
    PushRun(&runs, static_cast<uint32_t>(size), static_cast<uint32_t>(from), 0, 1);
    size += n;
  }
  // Appends bytes that all came from in[begin, end).
  void Emit(const char* bytes, size_t n, size_t begin, size_t end) {
    if (n == 0) return;
    Ensure(n);
    std::memcpy(buf.data() + size, bytes, n);
    PushRun(&runs, static_cast<uint32_t>(size), static_cast<uint32_t>(begin),
            static_cast<uint32_t>(end), kBlock);
    size += n;
  }
  // Appends the n-byte replacement of the n-byte character at in[begin]
  // (same map as Emit, stored so that runs of such characters merge).
  void EmitSameLength(const char* bytes, size_t n, size_t begin) {
    Ensure(n);
    std::memcpy(buf.data() + size, bytes, n);
    PushRun(&runs, static_cast<uint32_t>(size), static_cast<uint32_t>(begin), 0,
            static_cast<uint32_t>(n));
    size += n;
  }
  // Drops the output from `at` on.
  void Truncate(size_t at) {
    while (!runs.empty() && runs.back().out >= at) runs.pop_back();
    size = at;
  }
};

// Appends the map of output bytes [from, to) of `runs` (whose text ends at
// `size`) to *dst, moved to output position `w`.
void SliceRuns(const std::vector<MapRun>& runs, size_t from, size_t to, size_t w,
               std::vector<MapRun>* dst) {
  if (from >= to) return;
  for (size_t i = RunAt(runs, from); i < runs.size() && runs[i].out < to; ++i) {
    const MapRun& r = runs[i];
    const size_t b = std::max<size_t>(r.out, from);
    const size_t e = std::min<size_t>(i + 1 < runs.size() ? runs[i + 1].out : to, to);
    const auto at = [&](size_t pos) { return static_cast<uint32_t>(w + (pos - from)); };
    if (r.unit == kBlock || r.unit == 1) {
      PushRun(dst, at(b), RunSrcBegin(r, b), r.src_end, r.unit);
      continue;
    }
    // Unit u > 1: a partial unit at either end becomes a block.
    const size_t u = r.unit;
    size_t x = b;
    const size_t head_end = std::min(e, r.out + (b - r.out + u - 1) / u * u);
    if (x < head_end) {
      PushRun(dst, at(x), RunSrcBegin(r, x), RunSrcEnd(r, x), kBlock);
      x = head_end;
    }
    const size_t mid_end = r.out + (e - r.out) / u * u;
    if (x < mid_end) {
      PushRun(dst, at(x), RunSrcBegin(r, x), 0, r.unit);
      x = mid_end;
    }
    if (x < e) PushRun(dst, at(x), RunSrcBegin(r, x), RunSrcEnd(r, x), kBlock);
  }
}

// An edit of the normalised text by a post-pass: replace bytes [pos, pos+len)
// by `repl` (one ASCII byte) or delete them (repl == 0). Edits are sorted.
struct Edit {
  uint32_t pos, len;
  uint32_t rlen;  // 0: delete
  char repl[4];   // UTF-8 of the replacement
};

void ApplyEdits(const std::vector<Edit>& edits, Out* o, std::vector<MapRun>* scratch) {
  // In place when nothing grows (the write position never passes the read
  // position); otherwise from a copy.
  size_t growth = 0;
  for (const Edit& e : edits) growth += e.rlen > e.len ? e.rlen - e.len : 0;
  std::string copy;
  if (growth > 0) {
    copy.assign(o->buf.data(), o->size);
    o->Ensure(growth);
  }
  char* buf = o->buf.data();
  const char* src = growth > 0 ? copy.data() : buf;
  const std::vector<MapRun>& runs = o->runs;
  scratch->clear();
  size_t r = 0, w = 0;
  auto move = [&](size_t from, size_t to) {
    const size_t n = to - from;
    SliceRuns(runs, from, to, w, scratch);
    if (buf + w != src + from) std::memmove(buf + w, src + from, n);
    w += n;
  };
  for (const Edit& e : edits) {
    move(r, e.pos);
    if (e.rlen > 0) {
      const uint32_t b = RunSrcBegin(runs[RunAt(runs, e.pos)], e.pos);
      const size_t last = e.pos + e.len - 1;
      const uint32_t en = RunSrcEnd(runs[RunAt(runs, last)], last);
      std::memcpy(buf + w, e.repl, e.rlen);
      PushRun(scratch, static_cast<uint32_t>(w), b, en, kBlock);
      w += e.rlen;
    }
    r = e.pos + e.len;
  }
  move(r, o->size);
  o->size = w;
  o->runs.swap(*scratch);
}

struct DecodedCp {
  uint32_t pos, len;
  char32_t cp;
};

void DecodeAll(std::string_view text, std::vector<DecodedCp>* cps) {
  cps->clear();
  for (size_t pos = 0; pos < text.size();) {
    size_t len = 0;
    bool bad = false;
    char32_t cp = DecodeAt(text, pos, &len, &bad);
    cps->push_back({static_cast<uint32_t>(pos), static_cast<uint32_t>(len), cp});
    pos += len;
  }
}

// A letter that can be a single-letter token of rule 7a (spaced letters).
bool IsSpacedLetter(char32_t c) {
  return IsLetterCategory(c) && !IsNoSpaceScript(c) && !NeedsContext(c);
}

bool IsMarkCategory(char32_t c) {
  const int cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME;
}

// The spaces of rule 7c.
bool IsHanSpace(char32_t c) {
  return c == ' ' || c == 0x3000;
}

// strip_separators and spaced_letters (rules in normalize.h): `han` adds
// rule 7b, else rule 7c applies. Soft word boundaries (rule 7a) go to *soft, the [begin, end) of
// each joined run to *joined, as positions of the text before the edits.
void SeparatorEdits(const std::vector<DecodedCp>& cps, bool han, size_t text_size,
                    std::vector<Edit>* edits, std::vector<uint32_t>* soft,
                    std::vector<uint32_t>* joined) {
  const size_t m = cps.size();
  std::vector<bool> del(m, false);
  bool any = false;
  // Han rule: a run of separators or gap characters between two Han
  // characters. (The alphabet-aware normaliser may keep a gap character x
  // whose full rules give y: both are non-letters that agree on IsWordChar,
  // so both are removed here.)
  // Without rule b, rule c: spaces (' ', U+3000) between two Han
  // characters ("炸 弹", "海 洛 因").
  for (size_t i = 0; i < m;) {
    if (!IsHan(cps[i].cp)) {
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < m &&
           (han ? (IsInsertedSeparator(cps[j].cp) || cps[j].cp == '_' || !IsWordChar(cps[j].cp))
                : IsHanSpace(cps[j].cp))) {
      ++j;
    }
    if (j > i + 1 && j < m && IsHan(cps[j].cp)) {
      for (size_t k = i + 1; k < j; ++k) del[k] = true;
      any = true;
    }
    i = j;
  }
  // Spaced letters: >= 3 single-letter tokens, each pair separated by exactly
  // one separator, the same one throughout the run.
  std::vector<size_t> seps;
  auto is_letter = [&](size_t k) { return IsSpacedLetter(cps[k].cp); };
  auto is_mark = [&](size_t k) { return IsMarkCategory(cps[k].cp); };
  // End of the single-letter token starting at k, or kNpos.
  auto token_end = [&](size_t k) -> size_t {
    if (k >= m || !is_letter(k)) return kNpos;
    size_t e = k + 1;
    while (e < m && is_mark(e)) ++e;
    if (e < m && IsAlnumOrMark(cps[e].cp)) return kNpos;
    return e;
  };
  for (size_t i = 0; i < m;) {
    size_t end = (i == 0 || !IsAlnumOrMark(cps[i - 1].cp)) ? token_end(i) : kNpos;
    if (end == kNpos) {
      ++i;
      continue;
    }
    size_t tokens = 1;
    size_t last_token = i;
    seps.clear();
    while (end + 1 < m && IsInsertedSeparator(cps[end].cp) &&
           (seps.empty() || cps[end].cp == cps[seps[0]].cp)) {
      const size_t next = token_end(end + 1);
      if (next == kNpos) break;
      seps.push_back(end);
      ++tokens;
      last_token = end + 1;
      end = next;
    }
    if (tokens >= 3) {
      for (size_t k : seps) del[k] = true;
      soft->push_back(cps[seps.front() + 1].pos);
      soft->push_back(cps[seps.back() + 1].pos);
      joined->push_back(cps[i].pos);
      joined->push_back(end < m ? cps[end].pos : static_cast<uint32_t>(text_size));
      any = true;
      i = end;
    } else {
      // The last token may start a run with another separator ("a b.o.m.b").
      i = last_token > i ? last_token : i + 1;
    }
  }
  if (!any) return;
  for (size_t k = 0; k < m; ++k) {
    if (del[k]) edits->push_back({cps[k].pos, cps[k].len, 0, {}});
  }
}

}  // namespace

bool HasSpacedLetters(std::string_view text) {
  const size_t n = text.size();
  auto decode = [&](size_t pos, size_t* len) {
    bool bad = false;
    return DecodeAt(text, pos, len, &bad);
  };
  // End of the single-letter token starting at `pos`, or kNpos (the token
  // rule of SeparatorEdits()).
  auto token_end = [&](size_t pos) -> size_t {
    if (pos >= n) return kNpos;
    size_t len = 0;
    if (!IsSpacedLetter(decode(pos, &len))) return kNpos;
    size_t e = pos + len;
    while (e < n) {
      const char32_t c = decode(e, &len);
      if (IsMarkCategory(c)) {
        e += len;
        continue;
      }
      if (IsAlnumOrMark(c)) return kNpos;
      break;
    }
    return e;
  };
  // The start of the code point that ends at `pos` (> 0).
  auto before = [&](size_t pos) {
    size_t b = pos - 1;
    while (b > 0 && pos - b < 4 && (static_cast<unsigned char>(text[b]) & 0xC0) == 0x80) --b;
    return b;
  };
  // Lead bytes of the separators: ASCII, U+00B7, U+2010-2800, U+3000-30FB.
  static constexpr auto kLead = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : {' ', '.', '-', '_', '*', '/', '+', '=', '|', '\\'}) t[c] = true;
    t[0xC2] = t[0xE2] = t[0xE3] = true;
    return t;
  }();
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  // Whether a run's second token follows the separator that starts at p.
  auto check = [&](size_t p) {
    const unsigned char lead = byte(p);
    if (!kLead[lead]) return false;
    if (lead < 0x80 && p + 2 < n && byte(p + 1) < 0x80) {
      // The common case, an ASCII separator before ASCII: the middle token
      // is one ASCII letter, then the same separator or a (non-ASCII) mark.
      const unsigned char x = byte(p + 1), y = byte(p + 2);
      if (!(((x | 0x20) >= 'a' && (x | 0x20) <= 'z') && (y == lead || y >= 0x80))) return false;
    }
    size_t slen = 0;
    const char32_t sep = decode(p, &slen);
    if (!IsInsertedSeparator(sep) || p == 0) return false;
    if (IsHanSpace(sep)) {
      // Rule 7c: spaces between two Han characters.
      size_t len = 0, e = p + slen;
      while (e < n && IsHanSpace(decode(e, &len))) e += len;
      if (e < n && IsHan(decode(e, &len))) {
        size_t b = before(p);
        while (b > 0 && IsHanSpace(decode(b, &len))) b = before(b);
        if (IsHan(decode(b, &len))) return true;
      }
    }
    // A middle token with `sep` on both sides, then a third token.
    const size_t mid_end = token_end(p + slen);
    if (mid_end == kNpos || mid_end >= n) return false;
    size_t len = 0;
    if (decode(mid_end, &len) != sep || token_end(mid_end + len) == kNpos) return false;
    // The first token ends at p: marks, a letter, nothing alphanumeric before.
    size_t b = before(p);
    while (b > 0 && IsMarkCategory(decode(b, &len))) b = before(b);
    if (!IsSpacedLetter(decode(b, &len))) return false;
    if (b > 0 && IsAlnumOrMark(decode(before(b), &len))) return false;
    return token_end(b) == p;
  };
  size_t p = 0;
#if defined(__SSE2__)
  // 16 bytes at a time, checking only the candidates: an ASCII separator
  // with the same byte two later ("s L s") or a non-ASCII byte one or two
  // later (a non-ASCII letter, a mark after an ASCII letter), and
  // the lead bytes of the non-ASCII separators. Prose has few of them.
  const auto eq = [](__m128i v, char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); };
  for (; p + 18 <= n; p += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + p));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + p + 1));
    const __m128i two = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + p + 2));
    const __m128i sep = _mm_or_si128(
        _mm_or_si128(_mm_or_si128(_mm_or_si128(eq(a, ' '), eq(a, '.')),
                                  _mm_or_si128(eq(a, '-'), eq(a, '_'))),
                     _mm_or_si128(eq(a, '*'), eq(a, '/'))),
        _mm_or_si128(_mm_or_si128(eq(a, '+'), eq(a, '=')), _mm_or_si128(eq(a, '|'), eq(a, '\\'))));
    const __m128i lead = _mm_or_si128(_mm_or_si128(eq(a, '\xC2'), eq(a, '\xE2')), eq(a, '\xE3'));
    const int ascii = _mm_movemask_epi8(_mm_and_si128(sep, _mm_cmpeq_epi8(a, two))) |
                      (_mm_movemask_epi8(sep) & (_mm_movemask_epi8(next) | _mm_movemask_epi8(two)));
    unsigned mask = static_cast<unsigned>(ascii | _mm_movemask_epi8(lead));
    while (mask != 0) {
      if (check(p + static_cast<size_t>(__builtin_ctz(mask)))) return true;
      mask &= mask - 1;
    }
  }
#endif
  for (; p < n; ++p) {
    if (check(p)) return true;
  }
  return false;
}

namespace {

// Moves positions of the text before `edits` (none inside a deleted range)
// to the text after them.
void ShiftPositions(const std::vector<Edit>& edits, std::vector<uint32_t>* positions) {
  size_t e = 0;
  int64_t shift = 0;
  for (uint32_t& p : *positions) {
    while (e < edits.size() && edits[e].pos < p) {
      shift += static_cast<int64_t>(edits[e].len) - edits[e].rlen;
      ++e;
    }
    p = static_cast<uint32_t>(p - shift);
  }
}

bool IsCyrillicLetter(char32_t cp) {
  return IsCyrillicOrGreekLetter(cp) &&
         ((cp >= 0x400 && cp <= 0x52F) || (cp >= 0x1C80 && cp <= 0x1C8F) ||
          (cp >= 0x2DE0 && cp <= 0x2DFF) || (cp >= 0xA640 && cp <= 0xA69F));
}

// The ASCII skeleton of a Cyrillic/Greek letter or of its upper-case form.
char UpperSkeleton(char32_t cp) {
  if (char s = ConfusableSkeleton(cp)) return s;
  const char32_t u = static_cast<char32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(cp)));
  return u != cp ? ConfusableSkeleton(u) : 0;
}

// Letters of each script in a word or run, and those without a look-alike
// in the other script (steps 8a and 8b).
struct ScriptCounts {
  size_t latin = 0, cyr = 0, greek = 0, latin_own = 0, cyr_own = 0, other = 0, other_look = 0;
  void Add(char32_t c) {
    if (IsLatinLetter(c)) {
      ++latin;
      latin_own += CyrillicLookalike(c) == 0;
    } else if (IsCyrillicLetter(c)) {
      ++cyr;
      cyr_own += UpperSkeleton(c) == 0;
    } else if (IsCyrillicOrGreekLetter(c)) {
      ++greek;
    } else if (IsLetterCategory(c)) {
      ++other;
      other_look += OtherScriptLookalike(c) != 0;
    }
  }
  // The word is written in Cyrillic: more Cyrillic letters without a Latin
  // look-alike than Latin letters without a Cyrillic one (on a tie, more
  // Cyrillic letters than Latin ones).
  bool CyrillicWins() const { return cyr_own != latin_own ? cyr_own > latin_own : cyr > latin; }
};

// The end of the unit of steps 8a and 8b that starts at the word character
// cps[i]: word characters (IsWordChar), and '@' or '$' with a word character
// on both sides.
size_t UnitEnd(const std::vector<DecodedCp>& cps, size_t i) {
  const size_t m = cps.size();
  size_t j = i;
  while (j < m && (IsWordChar(cps[j].cp) || ((cps[j].cp == '@' || cps[j].cp == '$') && j > i &&
                                             j + 1 < m && IsWordChar(cps[j + 1].cp)))) {
    ++j;
  }
  return j;
}

Edit Replacement(const DecodedCp& c, char32_t to) {
  Edit e{c.pos, c.len, 0, {}};
  std::string u;
  AppendUtf8(to, &u);
  e.rlen = static_cast<uint32_t>(u.size());
  std::memcpy(e.repl, u.data(), u.size());
  return e;
}

// confusables (rules in normalize.h, step 8b). `lower_ascii`: ASCII output in
// lower case; `casefold`: Cyrillic output in lower case.
void ConfusableEdits(const std::vector<DecodedCp>& cps, bool lower_ascii, bool casefold,
                     std::vector<Edit>* edits) {
  const size_t m = cps.size();
  for (size_t i = 0; i < m;) {
    if (!IsWordChar(cps[i].cp)) {
      ++i;
      continue;
    }
    const size_t j = UnitEnd(cps, i);
    ScriptCounts n;
    for (size_t k = i; k < j; ++k) n.Add(cps[k].cp);
    // Latin with Cyrillic or Greek letters: the script the word is written
    // in decides (normalize.h); Cyrillic with Greek letters or look-alikes
    // of other scripts and no Latin ones: Cyrillic (CyrillicWins() without
    // Latin letters, as step 8a decides); Latin with look-alikes of other
    // scripts (Armenian, Cherokee, Coptic, Lisu) and no Cyrillic or Greek
    // letters: Latin when it has more Latin letters than letters of other
    // scripts. Each change only adds letters of the winning script, so the
    // decision holds on the result.
    const bool mixed = n.latin > 0 && n.cyr + n.greek > 0;
    const bool cyr_greek = n.latin == 0 && n.cyr > 0 && n.greek + n.other_look > 0;
    const bool other_in_latin = n.cyr + n.greek == 0 && n.other_look > 0 && n.latin > n.other;
    if (mixed || cyr_greek || other_in_latin) {
      const bool cyr_wins = cyr_greek || (mixed && n.CyrillicWins());
      const bool to_cyrillic = cyr_wins;
      const bool to_latin = !cyr_wins;
      for (size_t k = i; k < j; ++k) {
        // A following combining mark would compose with the new letter.
        if (k + 1 < m && NeedsContext(cps[k + 1].cp)) continue;
        const char32_t c = cps[k].cp;
        if (to_latin) {
          char skel = IsCyrillicOrGreekLetter(c) ? UpperSkeleton(c) : OtherScriptLookalike(c);
          if (!skel) continue;
          if (lower_ascii && skel >= 'A' && skel <= 'Z') skel = static_cast<char>(skel + 32);
          edits->push_back(Replacement(cps[k], static_cast<char32_t>(skel)));
        } else if (to_cyrillic) {
          // An ASCII letter, or a Greek letter or a look-alike of another
          // script by its ASCII skeleton.
          char32_t to = c < 0x80 ? CyrillicLookalike(c) : 0;
          if (!to && c >= 0x80 && IsLetterCategory(c) && !IsCyrillicLetter(c)) {
            const char skel =
                IsCyrillicOrGreekLetter(c) ? UpperSkeleton(c) : OtherScriptLookalike(c);
            to = skel ? CyrillicLookalike(static_cast<char32_t>(skel)) : 0;
            // In the case of the Greek letter (casefold aside).
            if (to && utf8proc_tolower(static_cast<utf8proc_int32_t>(c)) ==
                          static_cast<utf8proc_int32_t>(c)) {
              to = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(to)));
            }
          }
          if (!to) continue;
          if (casefold)
            to = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(to)));
          edits->push_back(Replacement(cps[k], to));
        }
      }
    }
    i = j;
  }
}

// digit_letters (rules in normalize.h, step 8a).
bool StartsDigitStep(char32_t c);

void DigitEdits(const std::vector<DecodedCp>& cps, std::vector<Edit>* edits) {
  const size_t m = cps.size();
  auto symbol = [&](size_t k) { return cps[k].cp == '@' || cps[k].cp == '$'; };
  for (size_t i = 0; i < m;) {
    if (!IsWordChar(cps[i].cp)) {
      ++i;
      continue;
    }
    const size_t j = UnitEnd(cps, i);
    size_t subs = 0;
    ScriptCounts n;
    bool two_digits = false;
    for (size_t k = i; k < j; ++k) {
      const char32_t c = cps[k].cp;
      const bool digit = c >= '0' && c <= '9';
      if (digit && k > i && cps[k - 1].cp >= '0' && cps[k - 1].cp <= '9') two_digits = true;
      if (digit || symbol(k)) ++subs;
      n.Add(c);
    }
    // Only units where a digit or symbol touches a character that
    // MayHaveDigitLetters() looks for (so that its answer is exact).
    bool starts = false;
    for (size_t k = i; k < j && !starts; ++k) {
      const char32_t c = cps[k].cp;
      if (!((c >= '0' && c <= '9') || symbol(k))) continue;
      starts = (k > 0 && StartsDigitStep(cps[k - 1].cp)) ||
               (k + 1 < m && StartsDigitStep(cps[k + 1].cp));
    }
    // An e-mail address ("bob@example.com") keeps its '@' and its digits.
    bool email = !starts;
    for (size_t k = i; k < j && !email; ++k) {
      email = cps[k].cp == '@' && j + 1 < m && cps[j].cp == '.' && IsLetterCategory(cps[j + 1].cp);
    }
    // Letters of other scripts: only look-alikes of Latin ones (step 8b) in a
    // unit with a Latin letter, which step 8b may make Latin (so the next
    // pass decides as this one: idempotent).
    const bool letters_ok = n.other == 0 || (n.other == n.other_look && (n.latin > 0 || n.cyr > 0));
    if (n.latin + n.cyr + n.greek > 0 && subs > 0 && !two_digits && letters_ok && !email) {
      // Written in Cyrillic as step 8b decides (Greek letters of a Cyrillic
      // word become Cyrillic there).
      const bool cyrillic = n.CyrillicWins();
      for (size_t k = i; k < j; ++k) {
        const char32_t c = cps[k].cp;
        if (!(c >= '0' && c <= '9') && c != '@' && c != '$') continue;
        if (k + 1 < m && NeedsContext(cps[k + 1].cp)) continue;
        char32_t to = 0;
        if (cyrillic) {
          switch (c) {
            case '0': to = 0x43E; break;  // о
            case '3': to = 0x437; break;  // з
            case '4': to = 0x447; break;  // ч
            case '6': to = 0x431; break;  // б
            case '@': to = 0x430; break;  // а
            default: break;
          }
        } else {
          switch (c) {
            case '0': to = 'o'; break;
            case '1': to = 'i'; break;
            case '3': to = 'e'; break;
            case '4': to = 'a'; break;
            case '5': to = 's'; break;
            case '7': to = 't'; break;
            case '@': to = 'a'; break;
            case '$': to = 's'; break;
            default: break;
          }
        }
        if (to) edits->push_back(Replacement(cps[k], to));
      }
    }
    i = j;
  }
}

// A neighbour of a digit, '@' or '$' that lets step 8a look at its unit
// (the code point form of MayHaveDigitLetters' byte test).
bool StartsDigitStep(char32_t c) {
  if (c < 0x80) return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_';
  return c < 0x800 || (c >= 0x1000 && c < 0x3000) || (c >= 0xA000 && c < 0xB000) ||
         (c >= 0xF000 && c < 0x10000);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// The first position >= i of an ASCII digit, '@' or '$', 32 bytes at a time
// while 32 are left; else the position where fewer are left.
__attribute__((target("avx2"))) size_t SkipToDigitOrSymbol(const unsigned char* p, size_t i,
                                                           size_t n) {
  const __m256i zero = _mm256_set1_epi8('0'), nine = _mm256_set1_epi8(9);
  const __m256i at = _mm256_set1_epi8('@'), dollar = _mm256_set1_epi8('$');
  while (i + 32 <= n) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    const __m256i d = _mm256_sub_epi8(v, zero);  // <= 9 (unsigned) exactly for digits
    const __m256i hit =
        _mm256_or_si256(_mm256_cmpeq_epi8(_mm256_min_epu8(d, nine), d),
                        _mm256_or_si256(_mm256_cmpeq_epi8(v, at), _mm256_cmpeq_epi8(v, dollar)));
    const auto m = static_cast<uint32_t>(_mm256_movemask_epi8(hit));
    if (m != 0) return i + static_cast<size_t>(__builtin_ctz(m));
    i += 32;
  }
  return i;
}
#define SAFEGATE_DIGIT_SKIP_AVX2 1
#endif

// Cheap test for digit_letters: an ASCII digit, '@' or '$' next to an ASCII
// letter or a character whose UTF-8 lead byte is that of a block with Latin,
// Cyrillic or Greek letters or combining marks (C2-DF: U+0080-07FF; E1:
// U+1000-1FFF; E2: U+2000-2FFF; EA: U+A000-AFFF; EF: U+F000-FFFF). Han,
// Kana, Hangul (E3-E9, EB-ED) and the scripts of E0 never pass, which keeps
// Chinese text with "2016年" off the slow path. A digit next to another
// ASCII digit does not count ("1930s", "20th", "2015–16"): its unit has two
// digits in a row, which DigitEdits() leaves alone, and the unit's other
// digits and symbols are tested on their own. When false, DigitEdits() finds
// nothing in text that steps 1-7 produced.
//
// NextDigitCandidate(s, from) is the first position >= from of such a digit,
// '@' or '$' (s.size() when none). Every unit in which DigitEdits() makes an
// edit holds one: the digit or symbol whose neighbour starts the step
// (StartsDigitStep is this byte test on valid UTF-8), which is not next to a
// digit (two digits in a row, both word characters, would be in the unit).
size_t NextDigitCandidate(std::string_view s, size_t from) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  auto lead_ok = [](unsigned char b) {
    return (b >= 0xC2 && b < 0xE0) || b == 0xE1 || b == 0xE2 || b == 0xEA || b == 0xEF;
  };
  auto ascii_letter = [](unsigned char b) {
    return ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') || b == '_';
  };
  auto letterish_before = [&](size_t i) {
    if (i == 0) return false;
    const unsigned char b = p[i - 1];
    if (b < 0x80) return ascii_letter(b);
    size_t k = i - 1;
    for (int step = 0; step < 3 && k > 0 && (p[k] & 0xC0) == 0x80; ++step) --k;
    return lead_ok(p[k]);
  };
  auto letterish_after = [&](size_t i) {
    if (i + 1 >= n) return false;
    const unsigned char b = p[i + 1];
    return b < 0x80 ? ascii_letter(b) : lead_ok(b);
  };
  auto is_digit = [](unsigned char b) { return b >= '0' && b <= '9'; };
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  // A zero byte in x (exact as a yes/no answer).
  auto has_zero = [](uint64_t x) { return ((x - kOnes) & ~x & kHigh) != 0; };
#ifdef SAFEGATE_DIGIT_SKIP_AVX2
  static const bool avx2 = __builtin_cpu_supports("avx2");
#endif
  for (size_t i = from; i < n; ++i) {
#ifdef SAFEGATE_DIGIT_SKIP_AVX2
    if (avx2) i = SkipToDigitOrSymbol(p, i, n);
#endif
    // Eight bytes without a digit, '@' or '$' at a time: d = b ^ '0' is
    // below 10 exactly for the digits, and (d + 0x76) has its high bit set
    // exactly when d >= 10 for d < 0x80 (bytes >= 0x80 have it set anyway).
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      const uint64_t d = w ^ (kOnes * '0');
      const uint64_t digit = ~((d & ~kHigh) + kOnes * 0x76) & ~d & kHigh;
      if (digit != 0 || has_zero(w ^ (kOnes * '@')) || has_zero(w ^ (kOnes * '$'))) break;
      i += 8;
    }
    if (i >= n) break;
    const unsigned char c = p[i];
    if (is_digit(c)) {
      if ((i > 0 && is_digit(p[i - 1])) || (i + 1 < n && is_digit(p[i + 1]))) continue;
      if (letterish_before(i) || letterish_after(i)) return i;
    } else if (c == '@' || c == '$') {
      if (letterish_before(i) || letterish_after(i)) return i;
    }
  }
  return n;
}

bool MayHaveDigitLetters(std::string_view s) {
  return NextDigitCandidate(s, 0) < s.size();
}

// An ASCII character that no unit of steps 8a/8b contains: not a word
// character, not '@' or '$'. DigitEdits() leaves every unit before it at it
// and starts afresh after it.
inline bool IsUnitStop(unsigned char b) {
  return b < 0x80 && !(((b | 0x20) >= 'a' && (b | 0x20) <= 'z') || (b >= '0' && b <= '9') ||
                       b == '_' || b == '@' || b == '$');
}

// The first position >= from of a Cyrillic or Greek letter
// (IsCyrillicOrGreekLetter, which IsCyrillicLetter implies), text.size()
// when none: every unit in which ConfusableEdits() makes an edit holds one.
size_t NextCyrillicGreekLetter(std::string_view s, size_t from) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  for (size_t i = from; i < n; ++i) {
    while (i + 8 <= n) {  // eight ASCII bytes at a time
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    // Lead bytes of U+0340-05BF, U+1000-2FFF and U+A000-AFFF.
    const unsigned char c = p[i];
    if (!((c >= 0xCD && c <= 0xD6) || c == 0xE1 || c == 0xE2 || c == 0xEA)) continue;
    size_t len = 0;
    bool bad = false;
    const char32_t cp = DecodeAt(s, i, &len, &bad);
    if (!bad && (IsCyrillicOrGreekLetter(cp) || OtherScriptLookalike(cp))) return i;
  }
  return n;
}

// find_edits (DigitEdits() or ConfusableEdits()) of the whole of `text`
// (valid UTF-8), decoding only windows around the positions that
// next(text, from) gives, each a digit, '@', '$' or a non-ASCII code point
// (NextDigitCandidate, NextCyrillicGreekLetter), of which every unit that
// find_edits edits holds one. A window runs from a unit stop at or before a
// candidate (or the start) to the first unit stop after it plus one more code
// point (or the end): it holds the candidate's whole unit and everything
// find_edits reads around a unit (the code point before it, the two after it
// for the e-mail rule, a combining mark after a letter), and find_edits
// splits it into units (UnitEnd) exactly as it splits the whole text, since a
// unit stop ends a unit in both. The one code point after the closing stop
// may be the start of a unit cut short by the window: a single code point is
// never edited (it cannot be both a letter and a digit or symbol, or letters
// of two scripts), and that unit, if it holds a candidate, is in the next
// window, which then starts at the same stop and is merged with this one.
// Windows are disjoint and in order, so the edits are find_edits of the
// whole text, in order. English text has a few candidates per document.
template <class Next, class Find>
void WindowedEdits(std::string_view text, Next next, Find find_edits, std::vector<DecodedCp>* cps,
                   std::vector<Edit>* edits) {
  const size_t n = text.size();
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  auto window = [&](size_t c, size_t* begin, size_t* end, size_t* stop) {
    size_t b = c;  // text[c] is a digit, '@', '$' or non-ASCII: not a stop
    while (b > 0 && !IsUnitStop(p[b])) --b;
    *begin = b;
    size_t e = c + 1;
    while (e < n && !IsUnitStop(p[e])) ++e;
    *stop = e;
    if (e + 1 >= n) {
      *end = n;
      return;
    }
    const unsigned char lead = p[e + 1];
    *end = std::min(n, e + 1 + (lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4));
  };
  size_t c = next(text, 0);
  if (c >= n) return;
  size_t begin = 0, end = 0, stop = 0;
  window(c, &begin, &end, &stop);
  while (true) {
    // Candidates before `stop` are in this window's unit or earlier units.
    c = stop < n ? next(text, stop) : n;
    size_t b2 = n, e2 = n, s2 = n;
    if (c < n) window(c, &b2, &e2, &s2);
    if (c < n && b2 < end) {  // overlapping: one window
      end = e2;
      stop = s2;
      continue;
    }
    cps->clear();
    for (size_t pos = begin; pos < end;) {
      size_t len = 0;
      bool bad = false;
      const char32_t cp = DecodeAt(text, pos, &len, &bad);
      cps->push_back({static_cast<uint32_t>(pos), static_cast<uint32_t>(len), cp});
      pos += len;
    }
    find_edits(*cps, edits);
    if (c >= n) return;
    begin = b2;
    end = e2;
    stop = s2;
  }
}

}  // namespace

// ---- NormalizeOptions, NormalizedText ----------------------------------------

std::string NormalizeOptions::ToString() const {
  std::string s;
  auto add = [&](bool on, const char* name) {
    if (!on) return;
    if (!s.empty()) s += ',';
    s += name;
  };
  add(strip_invisible, "strip_invisible");
  add(nfkc, "nfkc");
  add(fullwidth, "fullwidth");
  add(casefold, "casefold");
  add(confusables, "confusables");
  add(t2s, "t2s");
  add(strip_accents, "strip_accents");
  add(strip_separators, "strip_separators");
  add(digit_letters, "digit_letters");
  add(word_gaps, "word_gaps");
  add(matcher_folds_ascii, "matcher_folds_ascii");
  add(spaced_letters, "spaced_letters");
  return s.empty() ? "none" : s;
}

uint32_t NormalizedText::SrcBegin(size_t i) const {
  return RunSrcBegin(runs_[RunAt(runs_, i)], i);
}
uint32_t NormalizedText::SrcEnd(size_t i) const {
  return RunSrcEnd(runs_[RunAt(runs_, i)], i);
}

bool NormalizedText::SoftBoundary(size_t pos) const {
  return !soft_.empty() && std::binary_search(soft_.begin(), soft_.end(), pos);
}

bool NormalizedText::InJoinedRun(size_t begin, size_t end) const {
  if (joined_.empty() || begin >= end) return false;
  // The last run that starts at or before `begin`.
  size_t lo = 0, hi = joined_.size() / 2;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (joined_[2 * mid] <= begin) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo > 0 && end <= joined_[2 * (lo - 1) + 1];
}

Span NormalizedText::ToOriginal(size_t begin, size_t end) const {
  const size_t n = view_.size();
  if (end > n) end = n;
  if (begin > end) begin = end;
  if (identity_) return {begin, end};
  if (begin == end) {
    const size_t at = begin < n ? SrcBegin(begin) : original_size_;
    return {at, at};
  }
  return {SrcBegin(begin), SrcEnd(end - 1)};
}

// ---- Normalizer -----------------------------------------------------------------

namespace {

// Decodes the well-formed UTF-8 sequence at s[p] (p < n); returns its length,
// or 0 when the bytes there are not one.
inline size_t DecodeValid(const unsigned char* s, size_t p, size_t n, char32_t* cp) {
  const unsigned char c = s[p];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c < 0xC2) return 0;
  if (c < 0xE0) {
    if (p + 1 >= n || (s[p + 1] & 0xC0) != 0x80) return 0;
    *cp = (c & 0x1Fu) << 6 | (s[p + 1] & 0x3Fu);
    return 2;
  }
  if (c < 0xF0) {
    if (p + 2 >= n) return 0;
    const unsigned char b1 = s[p + 1], b2 = s[p + 2];
    if ((b1 & 0xC0) != 0x80 || (b2 & 0xC0) != 0x80) return 0;
    if ((c == 0xE0 && b1 < 0xA0) || (c == 0xED && b1 >= 0xA0)) return 0;
    *cp = (c & 0x0Fu) << 12 | (b1 & 0x3Fu) << 6 | (b2 & 0x3Fu);
    return 3;
  }
  if (c > 0xF4 || p + 3 >= n) return 0;
  const unsigned char b1 = s[p + 1], b2 = s[p + 2], b3 = s[p + 3];
  if ((b1 & 0xC0) != 0x80 || (b2 & 0xC0) != 0x80 || (b3 & 0xC0) != 0x80) return 0;
  if ((c == 0xF0 && b1 < 0x90) || (c == 0xF4 && b1 >= 0x90)) return 0;
  *cp = (c & 0x07u) << 18 | (b1 & 0x3Fu) << 12 | (b2 & 0x3Fu) << 6 | (b3 & 0x3Fu);
  return 4;
}

// Length of the UTF-8 sequence that starts with lead byte c (1 for others).
inline size_t Utf8Len(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0xC0 ? 1 : u < 0xE0 ? 2 : u < 0xF0 ? 3 : 4;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SAFEGATE_NORMALIZE_AVX2 1
// Skips kept code points 32 bytes at a time while p + 36 <= n: ASCII (only
// when ascii_fast), and well-formed two- and three-byte sequences whose code
// point is set in `bits` (one bit per BMP code point, little-endian 32-bit
// words). Returns a code point boundary at or before the first code point
// that is not such (the caller goes on one code point at a time from there).
__attribute__((target("avx2,bmi"))) size_t SkipKeptBlocks(const unsigned char* s, size_t p,
                                                          size_t n, const uint32_t* bits,
                                                          bool ascii_fast) {
  const __m256i m_f0 = _mm256_set1_epi8(static_cast<char>(0xF0));
  const __m256i m_e0 = _mm256_set1_epi8(static_cast<char>(0xE0));
  const __m256i m_c0 = _mm256_set1_epi8(static_cast<char>(0xC0));
  const __m256i m_80 = _mm256_set1_epi8(static_cast<char>(0x80));
  while (p + 36 <= n) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + p));
    const auto high = static_cast<uint32_t>(_mm256_movemask_epi8(v));
    if (high == 0) {
      if (!ascii_fast) return p;
      p += 32;
      continue;
    }
    const auto lead3 = static_cast<uint32_t>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(v, m_f0), m_e0)));
    const auto lead2 = static_cast<uint32_t>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(v, m_e0), m_c0)));
    const auto cont = static_cast<uint32_t>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(v, m_c0), m_80)));
    const uint32_t ascii = ~high;
    const uint32_t other = high & ~(lead2 | lead3 | cont);
    const uint32_t starts = ascii | lead2 | lead3 | other;
    // Sequences that end past the block end the block at their lead.
    const uint32_t spill = (lead3 & 0xC0000000u) | (lead2 & 0x80000000u);
    const uint32_t mismatch = cont ^ ((lead2 << 1) | (lead3 << 1) | (lead3 << 2));
    const uint32_t problem = other | spill | mismatch | (ascii_fast ? 0 : ascii);
    size_t end = 32;
    if (problem) {
      const unsigned j = static_cast<unsigned>(__builtin_ctz(problem));
      // A mismatch at j breaks the code point that starts before j; other
      // problems are code point starts.
      const uint32_t upto = (mismatch >> j & 1) ? (1u << j) - 1 : (j == 31 ? ~0u : (2u << j) - 1);
      const uint32_t before = starts & upto;
      end = before ? 31 - static_cast<unsigned>(__builtin_clz(before)) : 0;
    }
    // Look up the code point of each lead before `end`.
    uint32_t leads = (lead2 | lead3) & (end == 32 ? ~0u : (1u << end) - 1);
    while (leads) {
      const unsigned i = static_cast<unsigned>(__builtin_ctz(leads));
      leads &= leads - 1;
      uint32_t w;
      std::memcpy(&w, s + p + i, 4);
      const bool three = lead3 >> i & 1;
      const uint32_t cp = three ? (w & 0x0Fu) << 12 | (w & 0x3F00u) >> 2 | (w >> 16 & 0x3Fu)
                                : (w & 0x1Fu) << 6 | (w >> 8 & 0x3Fu);
      if (cp < (three ? 0x800u : 0x80u) || !(bits[cp >> 5] >> (cp & 31) & 1)) {
        end = i;
        break;
      }
    }
    p += end;
    if (end != 32) return p;
  }
  return p;
}

bool HaveAvx2() {
  static const bool have = __builtin_cpu_supports("avx2");
  return have;
}
#endif

}  // namespace

struct Normalizer::Impl {
  NormalizeOptions options;
  std::shared_ptr<const Tables> tables;
  // Alphabet-aware normaliser only (has_alphabet): tables->keep_bits plus the
  // code points whose change cannot affect matching (SkippableChange).
  bool has_alphabet = false;
  std::array<std::vector<uint64_t>, 4> alpha_keep_bits;
  std::array<bool, 4> alpha_ascii_fast{};
#ifdef SAFEGATE_NORMALIZE_AVX2
  bool use_avx2 = HaveAvx2();
#endif

  // Skips code points that the tables keep, from p; returns the position of
  // the first one that is not kept (or not well-formed), n at the end. Flags
  // of the kept code points are or-ed into *flags.
  // With `alpha`, the alphabet-aware bit sets (alpha_keep_bits) are used.
  size_t ScanKeep(const unsigned char* s, size_t p, size_t n, uint32_t* flags, bool alpha) const {
    const Tables& t = *tables;
    const auto& keep_bits = alpha ? alpha_keep_bits : t.keep_bits;
    const auto& ascii_fast_of = alpha ? alpha_ascii_fast : t.ascii_fast;
    uint32_t fl = *flags;
    const uint64_t* bits = keep_bits[fl >> 2].data();
    bool ascii_fast = ascii_fast_of[fl >> 2];
#ifdef SAFEGATE_NORMALIZE_AVX2
    const bool avx2 = use_avx2;
    unsigned scalar_cps = 0;
#endif
    while (p < n) {
#ifdef SAFEGATE_NORMALIZE_AVX2
      // Eight three-byte code points at a time (CJK text).
      // Blocks pay off on long kept runs only: start them after a few code
      // points (text with frequent changes stays on the scalar loop), and
      // when ASCII needs no per-byte look-up.
      if (avx2 && ascii_fast && scalar_cps >= 6 && p + 36 <= n && s[p] >= 0x80) {
        p = SkipKeptBlocks(s, p, n, reinterpret_cast<const uint32_t*>(bits), ascii_fast);
      }
#endif
      const unsigned char c = s[p];
      char32_t cp;
      size_t len;
      if (c >= 0xE0 && c < 0xF0 && p + 4 <= n) {
        // Three-byte sequences (most of CJK): one load, one mask check.
        uint32_t w;
        std::memcpy(&w, s + p, 4);
        if ((w & 0xC0C0F0u) != 0x8080E0u) break;
        cp = (w & 0x0Fu) << 12 | (w & 0x3F00u) >> 2 | (w >> 16 & 0x3Fu);
        if (cp < 0x800) break;  // overlong
        len = 3;
      } else if (c < 0x80) {
        if (ascii_fast) {
          while (p + 8 <= n) {
            uint64_t w;
            std::memcpy(&w, s + p, 8);
            if (w & 0x8080808080808080ULL) break;
            p += 8;
          }
          while (p < n && s[p] < 0x80) ++p;
          continue;
        }
        // A run of kept ASCII bytes without the multi-byte tests; the first
        // byte that is not kept goes the general way below.
        const uint64_t lo = bits[0], hi = bits[1];
        size_t q = p;
        while (q < n && s[q] < 0x80 && ((s[q] < 64 ? lo >> s[q] : hi >> (s[q] - 64)) & 1)) ++q;
        if (q > p) {
#ifdef SAFEGATE_NORMALIZE_AVX2
          scalar_cps += static_cast<unsigned>(q - p);
#endif
          p = q;
          continue;
        }
        cp = c;
        len = 1;
      } else if (c >= 0xC2 && c < 0xE0 && p + 2 <= n) {
        const unsigned char b1 = s[p + 1];
        if ((b1 & 0xC0) != 0x80) break;
        cp = (c & 0x1Fu) << 6 | (b1 & 0x3Fu);
        len = 2;
      } else {
        len = DecodeValid(s, p, n, &cp);
        if (len == 0) break;
        if (cp >= 0x10000) {
          const uint32_t e = t.Get(cp);
          if (e & kKindMask) break;
          fl |= e & (kFlagConfusable | kFlagLatin);
          bits = keep_bits[fl >> 2].data();
          ascii_fast = ascii_fast_of[fl >> 2];
          p += len;
          continue;
        }
      }
      if (!(bits[cp >> 6] >> (cp & 63) & 1)) {
        if (cp >= 0xD800 && cp <= 0xDFFF) break;
        const uint32_t e = t.Get(cp);
        if (e & kKindMask) break;
        fl |= e & (kFlagConfusable | kFlagLatin);
        bits = keep_bits[fl >> 2].data();
        ascii_fast = ascii_fast_of[fl >> 2];
      }
      p += len;
#ifdef SAFEGATE_NORMALIZE_AVX2
      ++scalar_cps;
#endif
    }
    *flags = fl;
    return p;
  }

  // Building phase, from q, the start of a code point with a same_len entry:
  // copies kept ASCII, two- and three-byte code points (per the keep bits for
  // `flags`, which they leave unchanged), writes the replacements of code
  // points with a same_len entry, and of two- and three-byte code points
  // replaced without flags by at most as many bytes; stops at anything else.
  // The map is what Copy(), EmitSameLength() and Emit() build in Run(): kept
  // code points byte for byte (unit 1), same-length one-for-one replacements
  // per character (unit = length), other replacements as a block. Returns
  // the end; *last / *last_out are the input / output start of the last code
  // point written (the starter for what follows).
  [[gnu::noinline]] size_t SameLengthRun(const unsigned char* s, size_t q, size_t n, uint32_t flags,
                                         bool alpha, Out* o, size_t* last, size_t* last_out) const {
    const Tables& t = *tables;
    const uint64_t* bits = (alpha ? alpha_keep_bits : t.keep_bits)[flags >> 2].data();
    const bool ascii_fast = (alpha ? alpha_ascii_fast : t.ascii_fast)[flags >> 2];
    const uint16_t* map = t.same_len.data();
    o->Ensure(n - q + 8);  // the output is never longer than the input here
    char* const dst = o->buf.data();
    size_t ob = o->size;  // output position
    std::vector<MapRun>& runs = o->runs;
    uint32_t unit = 0;  // unit of the current unit > 0 map run (0: none)
    auto seg = [&](size_t i, uint32_t u) {
      if (u != unit) {
        PushRun(&runs, static_cast<uint32_t>(ob), static_cast<uint32_t>(i), 0, u);
        unit = u;
      }
    };
    // Long kept runs go back to ScanKeep (block scanner, no writes).
    constexpr unsigned kMaxKept = 24;
    unsigned kept = 0;  // kept code points since the last replacement
    size_t i = q;
    size_t lst = q, lst_out = ob;
    while (i < n) {
      const unsigned char c = s[i];
      if (c >= 0xE0 && c < 0xF0 && i + 4 <= n) {
        // Up to 32 three-byte code points without data-dependent branches
        // (kept and replaced characters alternate unpredictably in Chinese
        // text): every character writes a map run, kept only where the unit
        // changes.
        const size_t lim = std::min<size_t>(32, (n - i - 4) / 3 + 1);
        MapRun r[33];
        size_t nr = 0, k = 0;
        uint32_t u = unit;
        for (; k < lim; ++k) {
          uint32_t w;
          std::memcpy(&w, s + i, 4);
          if ((w & 0xC0C0F0u) != 0x8080E0u) break;
          const uint32_t cp = (w & 0x0Fu) << 12 | (w & 0x3F00u) >> 2 | (w >> 16 & 0x3Fu);
          if (cp < 0x800) break;  // overlong
          const bool keep = bits[cp >> 6] >> (cp & 63) & 1;
          const uint32_t m = map[cp];  // loaded either way: no branch
          const uint32_t y = keep ? cp : m;
          if (y == 0) break;
          const uint32_t nu = keep ? 1 : 3;
          r[nr] = {static_cast<uint32_t>(ob), static_cast<uint32_t>(i), 0, nu};
          nr += nu != u;
          u = nu;
          const uint32_t enc =
              (0xE0u | y >> 12) | (0x80u | (y >> 6 & 0x3Fu)) << 8 | (0x80u | (y & 0x3Fu)) << 16;
          std::memcpy(dst + ob, &enc, 4);  // one spare byte (Ensure above)
          kept = keep ? kept + 1 : 0;
          lst = i;
          lst_out = ob;
          i += 3;
          ob += 3;
        }
        if (nr > 0) {
          PushRun(&runs, r[0].out, r[0].src, 0, r[0].unit);
          runs.insert(runs.end(), r + 1, r + nr);
        }
        unit = u;
        if (kept > kMaxKept) break;
        if (k > 0) continue;
        // The code point at i is handled (or refused) below.
      }
      if (c < 0x80) {
        size_t j = i;
        while (j < n && s[j] < 0x80 && (ascii_fast || (bits[s[j] >> 6] >> (s[j] & 63) & 1))) ++j;
        if (j == i) break;
        seg(i, 1);
        std::memcpy(dst + ob, s + i, j - i);
        ob += j - i;
        lst = j - 1;
        lst_out = ob - 1;
        kept += static_cast<unsigned>(j - i);
        i = j;
        if (kept > kMaxKept) break;
        continue;
      }
      uint32_t cp;
      size_t len;
      if (c >= 0xE0 && c < 0xF0 && i + 3 <= n) {
        const unsigned char b1 = s[i + 1], b2 = s[i + 2];
        if ((b1 & 0xC0) != 0x80 || (b2 & 0xC0) != 0x80) break;
        cp = (c & 0x0Fu) << 12 | (b1 & 0x3Fu) << 6 | (b2 & 0x3Fu);
        if (cp < 0x800) break;  // overlong
        len = 3;
      } else if (c >= 0xC2 && c < 0xE0 && i + 2 <= n) {
        const unsigned char b1 = s[i + 1];
        if ((b1 & 0xC0) != 0x80) break;
        cp = (c & 0x1Fu) << 6 | (b1 & 0x3Fu);
        len = 2;
      } else {
        break;
      }
      char* d = dst + ob;
      if (bits[cp >> 6] >> (cp & 63) & 1) {  // kept (never a surrogate)
        seg(i, 1);
        std::memcpy(d, s + i, len);
        ++kept;
      } else if (const uint32_t y = map[cp]; y != 0) {
        seg(i, static_cast<uint32_t>(len));
        if (len == 3) {
          d[0] = static_cast<char>(0xE0 | y >> 12);
          d[1] = static_cast<char>(0x80 | (y >> 6 & 0x3F));
          d[2] = static_cast<char>(0x80 | (y & 0x3F));
        } else {
          d[0] = static_cast<char>(0xC0 | y >> 6);
          d[1] = static_cast<char>(0x80 | (y & 0x3F));
        }
        kept = 0;
      } else {
        if (cp >= 0xD800 && cp <= 0xDFFF) break;
        // Other replacements no longer than the code point (full-width
        // punctuation to ASCII): a block, as Emit() in Run().
        const uint32_t e = t.Get(cp);
        const size_t rl = Tables::Len(e);
        if ((e & kKindMask) != kReplace || (e & (kFlagConfusable | kFlagLatin)) != 0 || rl == 0 ||
            rl > len || (rl == len && Utf8Len(*t.Pool(e)) == len)) {
          break;
        }
        std::memcpy(d, t.Pool(e), rl);
        lst = i;
        lst_out = ob;
        PushRun(&runs, static_cast<uint32_t>(ob), static_cast<uint32_t>(i),
                static_cast<uint32_t>(i + len), kBlock);
        unit = 0;
        kept = 0;
        i += len;
        ob += rl;
        continue;
      }
      lst = i;
      lst_out = ob;
      i += len;
      ob += len;
    }
    o->size = ob;
    *last = lst;
    *last_out = lst_out;
    return i;
  }

  // Normalises the cluster that starts at `cs` (a starter, or the context
  // code point itself) and extends over the following context code points
  // (and deleted invisibles between them). Returns the end of the cluster;
  // its normalised UTF-8 goes to *utf8.
  size_t Cluster(std::string_view in, size_t cs, std::u32string* cps, std::u32string* mapped,
                 std::string* utf8, uint32_t* flags) const {
    const Tables& t = *tables;
    cps->clear();
    size_t len = 0;
    bool bad = false;
    cps->push_back(DecodeAt(in, cs, &len, &bad));
    size_t pos = cs + len;
    size_t end = pos;
    while (pos < in.size() && cps->size() < kMaxClusterCps) {
      char32_t cp = DecodeAt(in, pos, &len, &bad);
      if (bad) break;
      const uint32_t kind = t.Get(cp) & kKindMask;
      if (kind == kContext) {
        cps->push_back(cp);
        pos += len;
        end = pos;
      } else if (kind == kDelete) {
        pos += len;
      } else {
        break;
      }
    }
    if (t.key.nfkc) {
      for (char32_t& c : *cps)
        if (char32_t a = c >= 0x249C ? EnclosedLetter(c) : 0) c = a;
    }
    if (!MapWithUtf8proc(cps->data(), cps->size(), t.key.Utf8procOptions(), mapped)) {
      *mapped = *cps;
    }
    t.PostMap(mapped);
    *flags |= Tables::FlagsOf(*mapped);
    utf8->clear();
    AppendCps(*mapped, utf8);
    return end;
  }

  // Returns whether the result differs from the input (out->size valid then).
  //
  // Kept code points are skipped by ScanKeep; while building, each run of
  // them is copied with one memcpy and one map run. The "starter" is the last
  // kept, replaced or repaired code point before the current position (only
  // deleted code points since), which a context code point composes with.
  //
  // With `alpha` (alphabet-aware normaliser), the code points of
  // alpha_keep_bits are kept as well: ScanKeep passes them like any kept code
  // point (so they are copied with a byte-exact map and may be the starter of
  // a following context code point, which Cluster() then normalises from the
  // original bytes exactly as the full rules do), and nothing else here
  // looks them up: their table entry is kReplace, which Cluster() treats as
  // the end of a cluster in both modes.
  bool Run(std::string_view in, Out* o, size_t* invalid_count, std::vector<MapRun>* runs_scratch,
           std::vector<uint32_t>* soft, std::vector<uint32_t>* joined, bool* spaced,
           bool alpha) const {
    const Tables& t = *tables;
    const auto* s = reinterpret_cast<const unsigned char*>(in.data());
    const size_t n = in.size();
    // Flags only decide whether the confusables pass runs: without it, start
    // with both so that ScanKeep never stops for them.
    uint32_t flags = options.confusables ? 0 : (kFlagConfusable | kFlagLatin);
    size_t invalid = 0;
    bool building = false;
    bool has_starter = false;
    size_t st_in = 0, st_out = 0;
    // Start of the pending kept run: [kept_from, q) holds only kept code
    // points (copied to the output when building).
    size_t kept_from = 0;
    std::u32string cl_cps, cl_mapped;
    std::string cl_utf8;
    auto materialize = [&](size_t upto) {
      building = true;
      o->Reset();
      o->Ensure(n + n / 8 + 64);
      o->Copy(in.data(), 0, upto);
    };
    size_t p = 0;
    while (true) {
      const size_t q = ScanKeep(s, p, n, &flags, alpha);
      if (q > kept_from) {
        if (building) o->Copy(in.data(), kept_from, q);
        // The last kept code point is the starter.
        size_t last = q - 1;
        while (last > kept_from && (s[last] & 0xC0) == 0x80) --last;
        has_starter = true;
        st_in = last;
        st_out = building ? o->size - (q - last) : last;
      }
      if (q >= n) break;
      char32_t cp = 0;
      size_t len = DecodeValid(s, q, n, &cp);
      const bool bad = len == 0;
      if (bad) cp = DecodeAt(in, q, &len, nullptr);
      if (bad) {
        if (!building) materialize(q);
        ++invalid;
        has_starter = true;
        st_in = q;
        st_out = o->size;
        o->Emit("\xEF\xBF\xBD", 3, q, q + len);
        p = kept_from = q + len;
        continue;
      }
      const uint32_t e = t.Get(cp);
      switch (e & kKindMask) {
        case kKeep:  // not expected (ScanKeep passes every kept code point)
          flags |= e & (kFlagConfusable | kFlagLatin);
          p = q + len;
          continue;  // the kept run goes on
        case kDelete:
          if (!building) materialize(q);
          p = q + len;
          break;
        case kReplace: {
          if (!building) materialize(q);
          flags |= e & (kFlagConfusable | kFlagLatin);
          has_starter = true;
          st_in = q;
          st_out = o->size;
          const size_t rl = Tables::Len(e);
          if (len > 1 && cp < 0x10000 && t.same_len[cp] != 0) {
            // A run of same-length replacements and kept code points.
            size_t last = q, last_out = o->size;
            const size_t end = SameLengthRun(s, q, n, flags, alpha, o, &last, &last_out);
            if (end > q) {
              st_in = last;
              st_out = last_out;
              p = end;
              break;
            }
          }
          if (rl == len && (len == 1 || Utf8Len(*t.Pool(e)) == len)) {
            o->EmitSameLength(t.Pool(e), rl, q);  // one code point for one
          } else {
            o->Emit(t.Pool(e), rl, q, q + len);
          }
          p = q + len;
          break;
        }
        default: {  // kContext
          const size_t cs = has_starter ? st_in : q;
          const size_t ce = Cluster(in, cs, &cl_cps, &cl_mapped, &cl_utf8, &flags);
          const bool unchanged = in.substr(cs, ce - cs) == cl_utf8;
          if (!building) {
            if (unchanged) {
              has_starter = false;
              p = ce;
              break;
            }
            materialize(cs);
          } else if (has_starter) {
            o->Truncate(st_out);
          }
          if (unchanged) {
            // Bytes copied unchanged map byte for byte, as they do when
            // nothing before them changed (so the map of a cluster does not
            // depend on changes elsewhere in the document).
            o->Copy(in.data(), cs, ce);
          } else {
            o->Emit(cl_utf8.data(), cl_utf8.size(), cs, ce);
          }
          has_starter = false;
          p = ce;
          break;
        }
      }
      kept_from = p;
    }
    *invalid_count = invalid;

    // Post-passes: each first looks for edits, and copies only when it finds some.
    // Reused by every document of this thread (no allocation per document).
    thread_local std::vector<DecodedCp> cps;
    thread_local std::vector<Edit> edits;
    auto post_pass = [&](auto&& find_edits) {
      std::string_view text = building ? std::string_view(o->buf.data(), o->size) : in;
      DecodeAll(text, &cps);
      edits.clear();
      find_edits(cps, &edits);
      if (edits.empty()) return;
      if (!building) materialize(n);
      ApplyEdits(edits, o, runs_scratch);
      ShiftPositions(edits, soft);
      ShiftPositions(edits, joined);
    };
    if (options.find_spaced_letters) {
      // Rule 7a's test on the text it would read (before steps 8a/8b, which
      // can turn a neighbour into a letter: "x y z@w").
      *spaced = HasSpacedLetters(building ? std::string_view(o->buf.data(), o->size) : in);
    }
    if (options.strip_separators || options.spaced_letters) {
      const bool han = options.strip_separators;
      post_pass([&](const std::vector<DecodedCp>& c, std::vector<Edit>* e) {
        const size_t size = c.empty() ? 0 : c.back().pos + c.back().len;
        SeparatorEdits(c, han, size, e, soft, joined);
      });
    }
    if (options.digit_letters) {
      // As post_pass(DigitEdits), decoding only around the candidates.
      const std::string_view text = building ? std::string_view(o->buf.data(), o->size) : in;
      edits.clear();
      WindowedEdits(text, NextDigitCandidate, DigitEdits, &cps, &edits);
      if (!edits.empty()) {
        if (!building) materialize(n);
        ApplyEdits(edits, o, runs_scratch);
        ShiftPositions(edits, soft);
        ShiftPositions(edits, joined);
        // Digits may have become letters of either script.
        flags |= kFlagLatin | kFlagConfusable;
      }
    }
    if (options.confusables && (flags & kFlagConfusable) && (flags & kFlagLatin)) {
      const bool lowercase = options.casefold && !options.matcher_folds_ascii;
      const bool casefold = options.casefold;
      // As post_pass(ConfusableEdits), decoding only around Cyrillic and Greek letters.
      const std::string_view text = building ? std::string_view(o->buf.data(), o->size) : in;
      edits.clear();
      WindowedEdits(
          text, NextCyrillicGreekLetter,
          [lowercase, casefold](const std::vector<DecodedCp>& c, std::vector<Edit>* e) {
            ConfusableEdits(c, lowercase, casefold, e);
          },
          &cps, &edits);
      if (!edits.empty()) {
        if (!building) materialize(n);
        ApplyEdits(edits, o, runs_scratch);
        ShiftPositions(edits, soft);
        ShiftPositions(edits, joined);
      }
    }
    return building;
  }
};

MatchAlphabet::MatchAlphabet() = default;
MatchAlphabet::~MatchAlphabet() = default;
MatchAlphabet::MatchAlphabet(const MatchAlphabet&) = default;
MatchAlphabet& MatchAlphabet::operator=(const MatchAlphabet&) = default;

void MatchAlphabet::Add(char32_t cp) {
  if (cp > 0x10FFFF) return;
  if (bits_.empty()) bits_.assign(0x110000 / 64, 0);
  bits_[cp >> 6] |= uint64_t{1} << (cp & 63);
  if (cp < 0x80 && ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')) {
    const char32_t other = cp ^ 0x20;
    bits_[other >> 6] |= uint64_t{1} << (other & 63);
  }
}

void MatchAlphabet::AddText(std::string_view utf8) {
  for (size_t pos = 0; pos < utf8.size();) {
    size_t len = 0;
    bool bad = false;
    const char32_t cp = DecodeAt(utf8, pos, &len, &bad);
    Add(bad ? kReplacementChar : cp);
    pos += len > 0 ? len : 1;
  }
}

bool MatchAlphabet::Contains(char32_t cp) const {
  return cp <= 0x10FFFF && !bits_.empty() && (bits_[cp >> 6] >> (cp & 63) & 1);
}

Normalizer::Normalizer(const NormalizeOptions& options) : impl_(new Impl) {
  impl_->options = options;
  impl_->tables = GetTables(options);
}

Normalizer::Normalizer(const NormalizeOptions& options, const MatchAlphabet& alphabet)
    : Normalizer(options) {
  Impl& im = *impl_;
  const Tables& t = *im.tables;
  std::vector<uint64_t> extra(0x10000 / 64, 0);
  bool any = false;
  for (char32_t c = 0x80; c < 0x10000; ++c) {
    // Separators are never kept: the matcher looks for spaced letters (rule
    // 7a) in the text this normaliser makes, in both modes.
    if (SkippableChange(t, c, alphabet, /*strip_separators=*/true, options.digit_letters)) {
      extra[c >> 6] |= uint64_t{1} << (c & 63);
      any = true;
    }
  }
  if (!any) return;
  im.has_alphabet = true;
  for (uint32_t a = 0; a < 4; ++a) {
    im.alpha_keep_bits[a] = t.keep_bits[a];
    for (size_t w = 0; w < extra.size(); ++w) im.alpha_keep_bits[a][w] |= extra[w];
    im.alpha_ascii_fast[a] =
        im.alpha_keep_bits[a][0] == ~uint64_t{0} && im.alpha_keep_bits[a][1] == ~uint64_t{0};
  }
}
Normalizer::~Normalizer() = default;
Normalizer::Normalizer(Normalizer&&) noexcept = default;
Normalizer& Normalizer::operator=(Normalizer&&) noexcept = default;

const NormalizeOptions& Normalizer::options() const {
  return impl_->options;
}

bool Normalizer::uses_alphabet() const {
  return impl_->has_alphabet;
}

void Normalizer::Normalize(std::string_view in, NormalizedText* out) const {
  NormalizeImpl(in, out, impl_->has_alphabet);
}

namespace {

// Rule 2a (strip_invisible): the text of each right-to-left override, read
// in the order it is shown. An override runs from U+202E to the next
// U+202C (pop), another bidi control (U+202A-202E, U+2066-2069: nested
// levels are not modelled, the override ends there), a paragraph break or
// the end of the text; its characters are shown right to left, so
// "\u202Ebmob\u202C" shows "bomb". Reverses each override's clusters (a
// code point with the marks, ZWJ and variation selectors after it) into
// *re (the same bytes elsewhere, the same length) and puts the reversed
// byte ranges in *segments. False when `in` has no override of two
// clusters or more.
bool ReverseOverrides(std::string_view in, std::string* re, std::vector<Span>* segments) {
  segments->clear();
  size_t at = in.find("\xE2\x80\xAE");
  if (at == std::string_view::npos) return false;
  auto ends_override = [](char32_t c) {
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == '\n' || c == '\r' ||
           c == 0x85 || c == 0x2029 || (c >= 0x1C && c <= 0x1E);
  };
  auto attaches = [](char32_t c) {
    return IsMarkCategory(c) || c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F) ||
           (c >= 0xE0100 && c <= 0xE01EF);
  };
  std::vector<Span> clusters;
  while (at != std::string_view::npos) {
    const size_t begin = at + 3;
    size_t pos = begin;
    clusters.clear();
    while (pos < in.size()) {
      size_t len = 0;
      bool bad = false;
      const char32_t c = DecodeAt(in, pos, &len, &bad);
      // Invalid bytes end it too (moved, they could pair up differently).
      if (bad || ends_override(c)) break;
      if (attaches(c) && !clusters.empty()) {
        clusters.back().end = pos + len;
      } else {
        clusters.push_back({pos, pos + len});
      }
      pos += len;
    }
    if (clusters.size() >= 2) {
      if (segments->empty()) re->assign(in.data(), in.size());
      size_t w = begin;
      for (size_t k = clusters.size(); k-- > 0;) {
        std::memcpy(re->data() + w, in.data() + clusters[k].begin,
                    clusters[k].end - clusters[k].begin);
        w += clusters[k].end - clusters[k].begin;
      }
      segments->push_back({begin, pos});
    }
    at = pos < in.size() ? in.find("\xE2\x80\xAE", pos) : std::string_view::npos;
  }
  return !segments->empty();
}

// The offset map of a text normalised from ReverseOverrides()' output, made
// a map to the input: a byte whose source range meets a reversed segment
// maps to all of it (and what else it came from). Monotone, since the
// segments are disjoint and in order and the map before was.
void WidenOverSegments(const std::vector<Span>& segments, size_t size, std::vector<MapRun>* runs,
                       std::vector<MapRun>* scratch) {
  scratch->clear();
  size_t seg = 0;
  for (size_t r = 0; r < runs->size(); ++r) {
    const MapRun& run = (*runs)[r];
    const size_t run_end = r + 1 < runs->size() ? (*runs)[r + 1].out : size;
    if (run_end <= run.out) continue;
    const uint32_t first = RunSrcBegin(run, run.out), last = RunSrcEnd(run, run_end - 1);
    while (seg < segments.size() && segments[seg].end <= first) ++seg;
    if (seg == segments.size() || segments[seg].begin >= last) {
      PushRun(scratch, run.out, run.src, run.src_end, run.unit);
      continue;
    }
    for (size_t i = run.out; i < run_end; ++i) {
      uint32_t b = RunSrcBegin(run, i), e = RunSrcEnd(run, i);
      for (size_t k = seg; k < segments.size() && segments[k].begin < e; ++k) {
        if (segments[k].end > b) {
          b = std::min(b, static_cast<uint32_t>(segments[k].begin));
          e = std::max(e, static_cast<uint32_t>(segments[k].end));
        }
      }
      PushRun(scratch, static_cast<uint32_t>(i), b, e, kBlock);
    }
  }
  runs->swap(*scratch);
}

}  // namespace

void Normalizer::NormalizeImpl(std::string_view in, NormalizedText* out, bool alpha) const {
  const NormalizeOptions& o = impl_->options;
  out->view_ = in;
  out->identity_ = true;
  out->invalid_ = 0;
  out->original_size_ = in.size();
  out->soft_.clear();
  out->joined_.clear();
  out->spaced_ = false;
  // Offsets are 32-bit: larger documents are passed through unchanged.
  if (in.size() >= std::numeric_limits<uint32_t>::max()) return;
  // Fast path 1: ASCII that the tables keep as is.
  if (!o.strip_separators && !o.spaced_letters && (o.matcher_folds_ascii || !o.casefold) &&
      IsAscii(in) && !(o.digit_letters && MayHaveDigitLetters(in))) {
    if (o.find_spaced_letters) out->spaced_ = HasSpacedLetters(in);
    return;
  }
  Out buf{out->buf_, out->runs_};
  size_t invalid = 0;
  // Rule 2a: right-to-left overrides read in the order they are shown.
  thread_local std::string reordered;
  thread_local std::vector<Span> segments;
  if (o.strip_invisible && ReverseOverrides(in, &reordered, &segments)) {
    const bool changed = impl_->Run(reordered, &buf, &invalid, &out->runs_scratch_, &out->soft_,
                                    &out->joined_, &out->spaced_, alpha);
    // The override marks are deleted, so the text changed.
    if (changed) {
      WidenOverSegments(segments, buf.size, &out->runs_, &out->runs_scratch_);
      out->invalid_ = invalid;
      out->identity_ = false;
      out->view_ = std::string_view(out->buf_.data(), buf.size);
      return;
    }
    out->soft_.clear();
    out->joined_.clear();
    out->spaced_ = false;
    invalid = 0;
  }
  const bool changed = impl_->Run(in, &buf, &invalid, &out->runs_scratch_, &out->soft_,
                                  &out->joined_, &out->spaced_, alpha);
  out->invalid_ = invalid;
  if (changed) {
    out->identity_ = false;
    out->view_ = std::string_view(out->buf_.data(), buf.size);
  }
}

void AccentMarks(std::string_view chars, std::u32string* marks) {
  marks->clear();
  if (IsAscii(chars)) return;  // the common case: no decomposition
  std::u32string cps;
  for (size_t pos = 0; pos < chars.size();) {
    size_t len = 0;
    bool bad = false;
    const char32_t cp = DecodeAt(chars, pos, &len, &bad);
    pos += len > 0 ? len : 1;
    if (!bad && !IsInvisible(cp)) cps.push_back(cp);
  }
  std::u32string nfkd;
  if (!MapWithUtf8proc(cps.data(), cps.size(),
                       UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT, &nfkd)) {
    return;
  }
  bool after_letter = false;  // after a Latin/Cyrillic/Greek letter (and its marks)
  bool i_breve = false;       // after и/И, before its first breve (that of й/Й)
  bool e_dots = false;        // after е/Е, before its first diaeresis (that of ё/Ё)
  for (const char32_t c : nfkd) {
    if (IsInvisible(c)) continue;  // e.g. CGJ, a mark that step 2 removes
    if (IsNonSpacingMark(c)) {
      if (!after_letter) continue;
      if (c == 0x306 && i_breve) {
        i_breve = false;
        continue;
      }
      if (c == 0x308 && e_dots) {
        e_dots = false;
        continue;
      }
      marks->push_back(c);
      continue;
    }
    after_letter = IsLatinLetter(c) || IsCyrillicOrGreekLetter(c);
    i_breve = c == 0x438 || c == 0x418;
    e_dots = c == 0x435 || c == 0x415;
  }
}

std::string Normalizer::NormalizeToString(std::string_view in) const {
  NormalizedText t;
  NormalizeImpl(in, &t, /*alpha=*/false);
  return std::string(t.text());
}

}  // namespace safegate::text
