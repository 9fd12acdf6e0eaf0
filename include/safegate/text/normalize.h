// Normalisation of text for matching, with a map back to the original bytes.
//
// Keywords and documents go through the same Normalizer, so that a keyword
// matches every spelling that normalises to the same string. The steps, each
// switchable (NormalizeOptions, set from the policy file), in this order:
//
//   1. UTF-8 repair (always): each maximal invalid subpart (stray continuation
//      byte, overlong, surrogate, > U+10FFFF, truncated sequence) becomes one
//      U+FFFD and is counted in invalid_sequences(). Never a crash.
//   2. strip_invisible: removes the default-ignorable code points U+00AD,
//      U+034F, U+061C, U+115F-1160, U+17B4-17B5, U+180B-180F, U+200B-200F,
//      U+202A-202E, U+2060-206F, U+3164, U+FE00-FE0F, U+FEFF, U+FFA0,
//      U+FFF0-FFF8, U+1BCA0-1BCA3, U+1D173-1D17A, U+E0000-E0FFF (zero-width,
//      bidi controls, soft hyphen, variation selectors, tags, CGJ, ...).
//      Done before NFKC, so "e<ZWSP><U+0301>" becomes "é".
//   3. nfkc: Unicode NFKC (utf8proc; compatibility forms: ligatures, circled
//      digits, full-width forms, Hangul jamo composition, ...).
//   4. fullwidth: U+FF01..FF5E and U+3000 to ASCII even when nfkc is off.
//   5. casefold: full Unicode case folding ("Straße" -> "strasse"); with nfkc
//      on, NFKC and case folding are applied together (NFKC_Casefold-like).
//   6. t2s: Traditional to Simplified Chinese, one character to one character
//      (single-character mappings of ICU's Traditional-Simplified transform,
//      generated at build time): 漢語 -> 汉语, 炸彈 -> 炸弹.
//   7. strip_separators (off by default), two rules applied to the text after
//      steps 1-6; separators are ' ', '.', '-', '_', '*', '/', U+00B7 ·,
//      U+2022 •, U+2027 ‧, U+3000 and U+30FB ・:
//      a. Spaced letters: a run of >= 3 single-letter tokens, consecutive
//         tokens separated by exactly one separator, the same separator
//         throughout the run, loses its separators ("b.o.m.b", "b o m b",
//         "b-o-m-b", "b*o*m*b" -> "bomb"). A single-letter token is one
//         letter (any script except the no-space scripts, see
//         IsNoSpaceScript) plus its combining marks, with no letter, digit or
//         mark directly before or after it. "a cat", "U.S. army", "i.e.",
//         "1.2.3", "b . o . m" are left alone; "a b.o.m.b" -> "a bomb".
//      b. Han: any run of separators between two Han characters is removed
//         ("炸 弹", "炸.弹", "炸 · 弹" -> "炸弹").
//   8. confusables: in a word (maximal run of IsWordChar code points) that
//      contains both a Latin letter and a Cyrillic or Greek letter, each
//      Cyrillic or Greek letter whose UTS #39 skeleton (ICU
//      uspoof_getSkeleton, generated at build time) is a single ASCII letter
//      becomes that letter, lower-cased when casefold is on and
//      matcher_folds_ascii is off ("pаypal" with a Cyrillic а -> "paypal").
//      A word entirely in one script is left alone, so Russian text stays
//      Russian. A letter followed by a combining mark is not replaced.
//
// The result is idempotent: Normalize(Normalize(x)) == Normalize(x) (tested on
// random input; one known exception: a run of more than 32 combining marks is
// composed in pieces).
//
// The offset map: each byte of the normalised text knows the byte range of the
// original character(s) it came from, so a match [b, e) in normalised text
// maps to the original span [orig_begin(b), orig_end(e - 1)). Bytes copied
// unchanged map byte for byte; each byte of a changed character maps to the
// whole original character (a composed cluster such as "e" + U+0301 maps to
// both); bytes removed by strip_separators simply disappear, so "bomb" in
// "b.o.m.b" maps to all of "b.o.m.b". The map is monotone. When nothing
// changes (the common case for ASCII and for already-normal text), no copy is
// made and the map is the identity: that is the fast path.
//
// Thread-safety: a Normalizer is immutable after construction and may be used
// from any number of threads; each thread passes its own NormalizedText.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace safegate::text {

struct NormalizeOptions {
  bool strip_invisible = true;
  bool nfkc = true;
  bool fullwidth = true;
  bool casefold = true;
  bool confusables = true;
  bool t2s = true;
  bool strip_separators = false;
  // Internal (not a policy switch): when true, ASCII letters are left in their
  // case because the matcher compares ASCII case-insensitively itself. The
  // scanner sets it; keywords are always normalised with it false.
  bool matcher_folds_ascii = false;

  bool operator==(const NormalizeOptions&) const = default;
  // Stable text form used in saved matchers and configuration hashes: the
  // names of the switches that are on, in declaration order, joined by ','
  // (defaults: "strip_invisible,nfkc,fullwidth,casefold,confusables,t2s"), or
  // "none".
  std::string ToString() const;
};

// A span of bytes [begin, end) in some text.
struct Span {
  size_t begin = 0;
  size_t end = 0;
  bool operator==(const Span&) const = default;
};

namespace internal {
// One run of the offset map of a NormalizedText (an implementation detail).
// Runs are sorted by `out`: run i covers the output bytes [runs[i].out,
// runs[i + 1].out), the last one up to the end of the text. With unit > 0, output byte out + k maps
// to the `unit` source bytes that start at src + (k / unit) * unit (unit 1: bytes copied unchanged;
// unit u: a sequence of changed characters of u bytes each, replaced by u bytes each). With unit ==
// 0, every byte of the run maps to [src, src_end) (one changed character or cluster).
struct MapRun {
  uint32_t out, src, src_end, unit;
};
}  // namespace internal

// The result of Normalizer::Normalize: normalised text plus the offset map.
// Reused across documents by one thread to avoid reallocations.
class NormalizedText {
 public:
  // The normalised text. When identity() it views the caller's input, which
  // must outlive this object's use.
  std::string_view text() const { return view_; }
  // True when text() is the input unchanged (the offset map is the identity).
  bool identity() const { return identity_; }
  // Invalid UTF-8 sequences replaced by U+FFFD in this document.
  size_t invalid_sequences() const { return invalid_; }
  // Maps [begin, end) of text() (begin < end <= text().size()) to the span of
  // the original bytes that produced it: result.begin <= result.end <= the
  // input size, and the map is monotone in begin and in end. Out-of-range arguments are clamped; an
  // empty range maps to an empty span.
  Span ToOriginal(size_t begin, size_t end) const;

 private:
  friend class Normalizer;
  std::string_view view_;
  bool identity_ = true;
  size_t invalid_ = 0;
  // The source range of output byte i (not identity).
  uint32_t SrcBegin(size_t i) const;
  uint32_t SrcEnd(size_t i) const;

  std::string buf_;
  std::vector<internal::MapRun> runs_;          // the offset map (not identity)
  std::vector<internal::MapRun> runs_scratch_;  // post-passes
  size_t original_size_ = 0;                    // size of the input of the last Normalize
};

// The code points that literal keywords are made of (after normalisation),
// for the alphabet-aware Normalizer below. ASCII letters are added in both
// cases (the matcher compares ASCII case-insensitively).
class MatchAlphabet {
 public:
  MatchAlphabet();
  ~MatchAlphabet();
  MatchAlphabet(const MatchAlphabet&);
  MatchAlphabet& operator=(const MatchAlphabet&);

  void Add(char32_t cp);
  // Adds every code point of `utf8` (invalid bytes count as U+FFFD).
  void AddText(std::string_view utf8);
  bool Contains(char32_t cp) const;

 private:
  std::vector<uint64_t> bits_;  // one bit per code point up to U+10FFFF
};

class Normalizer {
 public:
  explicit Normalizer(const NormalizeOptions& options = {});
  // Alphabet-aware document normaliser ("skip changes that cannot affect
  // matching"). For use by a matcher that has ONLY literal patterns whose
  // normalised texts use code points of `alphabet`. Normalize() then leaves a
  // BMP code point x unchanged (identity offsets) where the rules above would
  // replace it by exactly one other code point y, when all of these hold:
  //   * x's change is a one-to-one table replacement (not deleted, not
  //     expanding, not composed with neighbours, not a surrogate), and
  //     neither x nor y brings a Latin or confusable letter;
  //   * neither x nor y is in `alphabet`;
  //   * x and y both have no letter category (punctuation, symbols, spaces,
  //     digits), or both are Han ideographs (so T2S of characters that no
  //     keyword uses is skipped);
  //   * x and y agree on every property the rest of the pipeline and the
  //     matcher look at: IsWordChar, IsNoSpaceScript, Han, letter / digit /
  //     mark category, combining ("context") behaviour, Latin / Cyrillic /
  //     Greek letter, confusable skeleton;
  //   * with strip_separators, neither is one of its separators.
  // Why matching is unchanged: every literal match lies entirely on code
  // points of the alphabet (matches of valid UTF-8 literals in valid UTF-8
  // text are code point aligned; ASCII case folding stays within ASCII), so
  // no match can cover x in this text or y in the fully normalised text;
  // outside x the two texts are equal (the strip_separators and confusables
  // passes decide from the same properties, on which x and y agree; a
  // combining mark after x is normalised with the original x in both);
  // whole-word checks see neighbours whose IsWordChar is unchanged. So the
  // set of (pattern, original span) hits is the same, and spans are still
  // original offsets since x keeps its original bytes. Regexes can match
  // anything: a matcher with regexes must not use this constructor.
  // NormalizeToString() ignores the alphabet (it always applies every rule).
  Normalizer(const NormalizeOptions& options, const MatchAlphabet& alphabet);
  ~Normalizer();
  Normalizer(Normalizer&&) noexcept;
  Normalizer& operator=(Normalizer&&) noexcept;

  const NormalizeOptions& options() const;

  // Normalises `in` (any bytes) into `out`. Never fails. Documents of 4 GiB
  // or more are returned unchanged (identity; the caller caps document size).
  // Fast paths: ASCII input with matcher_folds_ascii (or casefold off) and
  // strip_separators off costs one IsAscii check; input that is already
  // normal is detected in one pass and returned as identity, without a copy.
  void Normalize(std::string_view in, NormalizedText* out) const;

  // Convenience: the normalised string (used for keywords, tests, tools).
  // Always the full normalisation, also for an alphabet-aware Normalizer.
  std::string NormalizeToString(std::string_view in) const;

  // True when this Normalizer was built with an alphabet that makes it keep
  // at least one code point that the full rules change.
  bool uses_alphabet() const;

 private:
  void NormalizeImpl(std::string_view in, NormalizedText* out, bool alpha) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace safegate::text
