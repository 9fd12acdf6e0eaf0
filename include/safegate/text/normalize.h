// Normalisation of text for matching, with a map back to the original bytes.
//
// Keywords and documents go through the same Normalizer, so that a keyword
// matches every spelling that normalises to the same string. The steps, each
// switchable (NormalizeOptions, set from the policy file):
//
//   1. UTF-8 repair: invalid bytes become U+FFFD (counted), never a crash.
//   2. strip_invisible: zero-width characters, bidi controls, soft hyphen,
//      variation selectors, tag characters and other default-ignorables.
//   3. nfkc: Unicode NFKC (compatibility forms: ligatures, circled digits,
//      full-width forms, ...).
//   4. fullwidth: full-width ASCII (U+FF01..FF5E) and U+3000 to ASCII even when
//      nfkc is off.
//   5. casefold: full Unicode case folding ("Straße" -> "strasse").
//   6. confusables: in a word that mixes Latin with Cyrillic or Greek letters,
//      the Cyrillic and Greek look-alikes become their Latin skeleton
//      ("pаypal" with a Cyrillic а -> "paypal"); a word entirely in one
//      script is left alone, so Russian text stays Russian.
//   7. t2s: Traditional to Simplified Chinese, character by character.
//   8. strip_separators: separators inserted between single letters are
//      removed ("b.o.m.b" and "b o m b" -> "bomb"; "炸 弹" -> "炸弹").
//
// The offset map: each byte of the normalised text knows the byte range of the
// original character(s) it came from, so a match [b, e) in normalised text
// maps to the original span [orig_begin(b), orig_end(e - 1)). When nothing
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
  // Stable text form, e.g. "nfkc,casefold,...", used in saved matchers and
  // configuration hashes.
  std::string ToString() const;
};

// A span of bytes [begin, end) in some text.
struct Span {
  size_t begin = 0;
  size_t end = 0;
  bool operator==(const Span&) const = default;
};

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
  // the original bytes that produced it.
  Span ToOriginal(size_t begin, size_t end) const;

 private:
  friend class Normalizer;
  std::string_view view_;
  bool identity_ = true;
  size_t invalid_ = 0;
  std::string buf_;
  std::vector<uint32_t> src_begin_;  // per output byte
  std::vector<uint32_t> src_end_;    // per output byte
  std::vector<uint32_t> work_;       // scratch (code points, offsets)
};

class Normalizer {
 public:
  explicit Normalizer(const NormalizeOptions& options = {});
  ~Normalizer();
  Normalizer(Normalizer&&) noexcept;
  Normalizer& operator=(Normalizer&&) noexcept;

  const NormalizeOptions& options() const;

  // Normalises `in` (any bytes) into `out`. Never fails. Documents larger
  // than 4 GiB are not supported (the caller caps document size).
  void Normalize(std::string_view in, NormalizedText* out) const;

  // Convenience: the normalised string (used for keywords, tests, tools).
  std::string NormalizeToString(std::string_view in) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace safegate::text
