// libFuzzer target for text/html.h. The first byte selects the function
// (bit 0: RenderMarkup, else DecodeHtmlReferences); the rest is the text (at
// most 64 KiB). Aborts when the byte map breaks its contract: the decoded
// text and both maps have different lengths, an entry lies outside the
// input or is empty, a map is not monotone, a byte mapped to one input byte
// is not that byte, valid UTF-8 comes out invalid, the output is touched
// when the function says there is nothing to do, or RenderMarkup changes a
// text that MayHaveMarkup() says it cannot.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/text/html.h"
#include "safegate/text/utf8.h"

namespace {

[[noreturn]] void Fail(const char* what, size_t at) {
  std::fprintf(stderr, "fuzz_html: %s at %zu\n", what, at);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 64 * 1024 + 1) return 0;
  const bool render = data[0] & 1;
  const std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string kUntouched = "\x01untouched";
  std::string out = kUntouched;
  std::vector<size_t> begin{7}, end{7};
  const bool changed = render ? safegate::text::RenderMarkup(in, &out, &begin, &end)
                              : safegate::text::DecodeHtmlReferences(in, &out, &begin, &end);
  if (!changed) {
    if (out != kUntouched || begin.size() != 1 || end.size() != 1) Fail("output touched", 0);
    return 0;
  }
  if (render && !safegate::text::MayHaveMarkup(in)) Fail("changed without markup", 0);
  if (!render && in.find('&') == std::string_view::npos) Fail("decoded without '&'", 0);
  if (begin.size() != out.size() || end.size() != out.size()) Fail("map size", out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    if (begin[i] >= end[i] || end[i] > in.size()) Fail("map entry outside the input", i);
    if (i > 0 && (begin[i] < begin[i - 1] || end[i] < end[i - 1])) Fail("map not monotone", i);
    // References and tags are at least 3 bytes: a byte from one byte was copied.
    if (end[i] - begin[i] == 1 && out[i] != in[begin[i]]) Fail("copied byte differs", i);
  }
  if (safegate::text::CountInvalid(in) == 0 && safegate::text::CountInvalid(out) != 0) {
    Fail("valid UTF-8 in, invalid out", 0);
  }
  return 0;
}
