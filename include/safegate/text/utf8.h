// UTF-8 primitives: validation, decoding with repair, character classes.
//
// Every function accepts any byte sequence. Invalid sequences (stray
// continuation bytes, overlongs, surrogates, code points past U+10FFFF,
// truncated sequences) decode as U+FFFD consuming the maximal invalid
// subpart, as the Unicode standard recommends. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace safegate::text {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// True when every byte is < 0x80. Word-at-a-time; several GB/s.
bool IsAscii(std::string_view s);

// Decodes the code point at s[pos]. Sets *len to the bytes consumed (>= 1 when
// pos < s.size()). Returns kReplacementChar and sets *invalid for bad input.
char32_t DecodeAt(std::string_view s, size_t pos, size_t* len, bool* invalid);

// Appends the UTF-8 encoding of cp (cp must be a valid scalar value).
void AppendUtf8(char32_t cp, std::string* out);

// Number of invalid sequences in s (0 means valid UTF-8).
size_t CountInvalid(std::string_view s);

// Byte offset of the first invalid sequence in s; std::string_view::npos when
// s is valid UTF-8.
size_t FirstInvalid(std::string_view s);

// Copy of s with each invalid sequence replaced by U+FFFD; *replaced counts them.
std::string Repair(std::string_view s, size_t* replaced);

// Letters, marks and digits of any script, and '_' (used for whole-word checks).
// ASCII is decided inline (hot loops call this per byte); the rest by
// IsWordCharBeyondAscii.
bool IsWordCharBeyondAscii(char32_t cp);
inline bool IsWordChar(char32_t cp) {
  if (cp < 0x80) {
    // 'A'-'Z' | 0x20 = 'a'-'z'; no other code point below 0x80 lands there.
    return static_cast<uint32_t>((cp | 0x20) - 'a') < 26 || static_cast<uint32_t>(cp - '0') < 10 ||
           cp == '_';
  }
  return IsWordCharBeyondAscii(cp);
}

// Han ideographs, Hiragana, Katakana, Hangul, and other scripts written without
// spaces between words: keywords in these scripts match as substrings.
bool IsNoSpaceScript(char32_t cp);

// Unicode White_Space: U+0009-000D, U+0020, U+0085, U+00A0, U+1680,
// U+2000-200A, U+2028, U+2029, U+202F, U+205F, U+3000.
bool IsWhiteSpace(char32_t cp);

// A mark that ends a sentence (used by the keyword matcher's word gaps,
// safegate/scan/matcher.h): . ! ? U+0589 U+061F U+06D4 U+0964 U+0965
// … (U+2026) ‼ ‽ ⁇ ⁈ ⁉ (U+203C U+203D U+2047-2049) 。 (U+3002) U+FE12
// U+FE15 U+FE16 U+FE52 U+FE56 U+FE57 ！ ． ？ (U+FF01 U+FF0E U+FF1F) ｡ (U+FF61).
bool IsSentenceEnd(char32_t cp);

}  // namespace safegate::text
