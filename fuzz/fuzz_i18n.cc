// Fuzzes the parsers of i18n.h that read untrusted text: the reviewer page's
// Accept-Language header and ?lang= value, and the dates and numbers the
// pages format. Nothing may crash; a language outside the catalog, or a
// formatted date that is not the input when the input is not a date, aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "safegate/base/i18n.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using safegate::i18n::Lang;
  const Lang lang = safegate::i18n::FromAcceptLanguage(text, Lang::kRu);
  if (lang != Lang::kEn && lang != Lang::kZh && lang != Lang::kRu) std::abort();
  (void)safegate::i18n::ParseLang(text);
  for (Lang l : safegate::i18n::AllLangs()) {
    const std::string date = safegate::i18n::FormatDate(l, text);
    if (l == Lang::kEn && date != text) std::abort();
    (void)safegate::i18n::Format(l, "overall.fail", {std::string(text), std::string(text)});
    double v = 0;
    if (size >= sizeof v) {
      std::memcpy(&v, data, sizeof v);
      (void)safegate::i18n::FormatNumber(l, v);
      (void)safegate::i18n::FormatNumber(l, v, static_cast<int>(data[0] % 12));
      (void)safegate::i18n::FormatPercent(l, v, data[0] % 4);
    }
  }
  return 0;
}
