// Fuzzes CsvRecordSplitter (base/csv.h) against CsvReader: a CSV read whole
// and read one record at a time (as `safegate judge` streams a file) give the
// same records, errors and line numbers. Nothing may crash; a difference aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/csv.h"

namespace {

// Appends the records of one reader to `out`; false after a fatal error.
bool ReadAll(safegate::CsvReader& r, std::vector<std::string>* out) {
  std::vector<std::string> fields;
  for (;;) {
    std::string err;
    safegate::Result<bool> more = r.NextRecord(&fields, &err);
    if (!more.ok()) {
      out->push_back("fail " + more.status().message());
      return false;
    }
    if (!*more) return true;
    std::string rec = std::to_string(r.line()) + ":" + err + ":";
    for (const auto& f : fields) rec += "[" + f + "]";
    out->push_back(rec);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16 * 1024) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> whole, split;
  safegate::CsvReader all(text, "f");
  ReadAll(all, &whole);

  safegate::CsvRecordSplitter splitter;
  std::string chunk;
  uint64_t line = 1, chunk_line = 1;
  bool ok = true;
  size_t pos = 0;
  while (ok && pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl + 1;
    std::string_view l(text.data() + pos, end - pos);
    pos = end;
    std::string_view feed = l;  // the first reader skips a BOM; the splitter must not see it
    if (line == 1 && feed.substr(0, 3) == "\xEF\xBB\xBF") feed.remove_prefix(3);
    if (chunk.empty()) chunk_line = line;
    ++line;
    chunk.append(l);
    if (!splitter.Feed(feed)) continue;
    safegate::CsvReader r(chunk, "f", chunk_line);
    ok = ReadAll(r, &split);
    chunk.clear();
  }
  if (ok && !chunk.empty()) {
    safegate::CsvReader r(chunk, "f", chunk_line);
    ReadAll(r, &split);
  }
  if (whole != split) std::abort();
  return 0;
}
