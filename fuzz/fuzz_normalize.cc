// libFuzzer target for text::Normalizer. The first two bytes select the
// options (one bit per switch, ten switches and the internal spaced_letters); the rest is the
// document (at most 64 KiB). Aborts when the offset map breaks its contract, the output is not
// valid UTF-8, the invalid-sequence count is wrong, a soft word boundary is not at a code point
// start inside the text, a joined run of spaced letters is reported in an identity text, or
// normalisation is not idempotent (but for the known exception of normalize.h).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "safegate/text/normalize.h"
#include "safegate/text/utf8.h"

namespace {

using safegate::text::NormalizedText;
using safegate::text::NormalizeOptions;
using safegate::text::Normalizer;
using safegate::text::Span;

[[noreturn]] void Fail(const char* what, size_t at) {
  std::fprintf(stderr, "fuzz_normalize: %s at %zu\n", what, at);
  std::abort();
}

const Normalizer& NormalizerFor(unsigned bits) {
  static std::unique_ptr<Normalizer> cache[2048];
  if (!cache[bits]) {
    NormalizeOptions o;
    o.strip_invisible = bits & 1;
    o.nfkc = bits & 2;
    o.fullwidth = bits & 4;
    o.casefold = bits & 8;
    o.confusables = bits & 16;
    o.t2s = bits & 32;
    o.strip_separators = bits & 64;
    o.matcher_folds_ascii = bits & 128;
    o.strip_accents = bits & 256;
    o.digit_letters = bits & 512;
    o.spaced_letters = bits & 1024;
    cache[bits] = std::make_unique<Normalizer>(o);
  }
  return *cache[bits];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2 || size > 64 * 1024 + 2) return 0;
  const Normalizer& n = NormalizerFor(data[0] | (data[1] & 7u) << 8);
  const std::string_view in(reinterpret_cast<const char*>(data + 2), size - 2);
  NormalizedText t;
  n.Normalize(in, &t);
  const std::string_view out = t.text();
  if (t.identity() && out != in) Fail("identity but text differs", 0);
  if (t.invalid_sequences() != safegate::text::CountInvalid(in)) Fail("invalid count", 0);
  if (safegate::text::CountInvalid(out) != 0) Fail("output not valid UTF-8", 0);
  Span prev{0, 0};
  for (size_t i = 0; i < out.size(); ++i) {
    const Span s = t.ToOriginal(i, i + 1);
    if (s.begin >= s.end || s.end > in.size()) Fail("byte maps outside the input", i);
    if (s.begin < prev.begin || s.end < prev.end) Fail("offset map not monotone", i);
    prev = s;
  }
  if (!out.empty()) {
    const Span all = t.ToOriginal(0, out.size());
    if (all.begin > all.end || all.end > in.size()) Fail("whole-text span", 0);
  }
  for (size_t i = 0; i <= out.size(); ++i) {
    if (!t.SoftBoundary(i)) continue;
    if (t.identity()) Fail("soft boundary in an identity text", i);
    if (i == 0 || i == out.size() || (static_cast<unsigned char>(out[i]) & 0xC0) == 0x80) {
      Fail("soft boundary not inside the text at a code point start", i);
    }
  }
  for (size_t i = 0; i < out.size(); ++i) {
    if (t.InJoinedRun(i, i + 1) && t.identity()) Fail("joined run in an identity text", i);
  }
  const std::string once(out);
  // The known exception of normalize.h: a digit that step 8a makes a letter
  // completes a run of spaced letters, which a second pass joins.
  const NormalizeOptions& o = n.options();
  const bool known = (o.strip_separators || o.spaced_letters) && o.digit_letters &&
                     safegate::text::HasSpacedLetters(once);
  if (n.NormalizeToString(once) != once && !known) Fail("not idempotent", 0);
  return 0;
}
