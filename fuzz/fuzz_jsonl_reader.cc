// Fuzzes the corpus reader: the input becomes a JSONL file (sometimes partly
// gzip- or zstd-compressed), planned with small units and read unit by unit.
// Checks: no crash, offsets and line numbers strictly increase, every
// document fits max_doc_bytes and, for plain files, is the file's bytes at
// its offset; reading the split plan equals reading the file as one unit (or
// both refuse it alike: a NUL byte past the part Plan::Make reads).
//
// Input layout: byte 0 = mode (bits 0-1: 0/3 plain, 1 gzip, 2 zstd; bit 2:
// compress only the first half; bits 3-5: unit size; bit 6: kLines;
// bit 7: parse=false), then the file bytes. Inputs over 64 KiB are ignored.
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "safegate/corpus/reader.h"
#include "safegate/corpus/source.h"

namespace {

using safegate::corpus::Document;
using safegate::corpus::Format;
using safegate::corpus::Plan;
using safegate::corpus::PlanOptions;
using safegate::corpus::ReaderOptions;
using safegate::corpus::SourceSpec;
using safegate::corpus::UnitReader;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant failed: %s\n", what);
    __builtin_trap();
  }
}

std::string Gzip(const std::string& data) {
  z_stream zs{};
  if (deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return "";
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Zstd(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 1);
  if (ZSTD_isError(n)) return "";
  out.resize(n);
  return out;
}

const std::string& Dir() {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/sg-fuzz-jsonl-XXXXXX";
    char* p = mkdtemp(tmpl);
    Check(p != nullptr, "mkdtemp");
    return std::string(p);
  }();
  return dir;
}

struct Seen {
  uint64_t offset, line;
  std::string raw, text;
  bool operator==(const Seen&) const = default;
};

// Reads every unit; checks per-document invariants; returns the documents.
// A refusal (a NUL byte past what Plan::Make read) ends the read: its message
// goes to *refused.
std::vector<Seen> ReadAll(const Plan& plan, const ReaderOptions& ro, const std::string& file,
                          bool plain, uint64_t* lines_out, size_t* bad_out, std::string* refused) {
  std::vector<Seen> out;
  UnitReader reader;
  uint64_t last_off = 0, last_line = 0, lines = 0;
  size_t bad = 0;
  bool first = true;
  for (const auto& unit : plan.units()) {
    auto before = safegate::corpus::LinesBefore(plan, unit);
    Check(before.ok(), "LinesBefore ok");
    Check(reader.Open(plan, unit, ro).ok(), "Open ok");
    Document doc;
    for (;;) {
      auto more = reader.Next(&doc);
      if (!more.ok()) {
        Check(more.status().code() == safegate::StatusCode::kInvalidArgument &&
                  more.status().message().find("NUL byte") != std::string::npos,
              "Next fails only on a NUL byte");
        *refused = more.status().message();
        return out;
      }
      if (!*more) break;
      uint64_t line = doc.line + *before;
      Check(doc.line > 0, "line positive");
      Check(first || doc.offset > last_off, "offsets increase");
      Check(first || line > last_line, "lines increase");
      Check(doc.raw.size() <= ro.max_doc_bytes, "document within max_doc_bytes");
      if (plain) {
        Check(unit.begin <= doc.offset && doc.offset < unit.end, "offset inside the unit");
        Check(doc.offset + doc.raw.size() <= file.size(), "raw inside the file");
        size_t skip = (doc.offset == 0 && file.compare(0, 3, "\xEF\xBB\xBF") == 0) ? 3 : 0;
        Check(file.compare(doc.offset + skip, doc.raw.size(), doc.raw) == 0, "raw is file bytes");
      }
      if (!ro.parse) reader.Parse(&doc);
      first = false;
      last_off = doc.offset;
      last_line = line;
      out.push_back(Seen{doc.offset, line, std::string(doc.raw), std::string(doc.text)});
    }
    for (const auto& b : reader.bad()) Check(b.file == unit.file, "bad record file");
    lines += reader.lines();
    bad += reader.bad().size();
    Check(reader.disk_bytes() <= plan.files()[unit.file].size, "disk bytes bounded");
  }
  *lines_out = lines;
  *bad_out = bad;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 64 * 1024) return 0;
  const uint8_t mode = data[0];
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  int comp = mode & 3;
  if (comp == 1 || comp == 2) {
    std::string head = body, tail;
    if (mode & 4) {
      head = body.substr(0, body.size() / 2);
      tail = body.substr(body.size() / 2);
    }
    body = (comp == 1 ? Gzip(head) : Zstd(head)) + tail;
  }
  const std::string path = Dir() + "/in.jsonl";
  FILE* f = std::fopen(path.c_str(), "wb");
  Check(f != nullptr, "fopen");
  Check(std::fwrite(body.data(), 1, body.size(), f) == body.size(), "fwrite");
  std::fclose(f);

  SourceSpec spec;
  spec.name = "fuzz";
  spec.paths = {"in.jsonl"};
  spec.format = (mode & 64) ? Format::kLines : Format::kJsonl;
  spec.text_field = "a.b";
  spec.id_field = "id";
  static const uint64_t kUnits[8] = {1, 2, 3, 7, 16, 61, 256, 4096};
  PlanOptions split_opts;
  split_opts.unit_bytes = kUnits[(mode >> 3) & 7];
  auto split = Plan::Make({spec}, Dir(), split_opts);
  PlanOptions whole_opts;
  whole_opts.unit_bytes = 1 << 20;
  auto whole = Plan::Make({spec}, Dir(), whole_opts);
  // The plan refuses text that is not UTF-8 (a NUL byte, a UTF-16/32 byte
  // order mark, CR-only line ends, compression inside compression; Plan::Make
  // reads the start of each file): a clear error, the same whatever the unit
  // size, and nothing else.
  Check(split.ok() == whole.ok(), "Plan::Make agrees across unit sizes");
  if (!split.ok()) {
    Check(split.status().code() == safegate::StatusCode::kInvalidArgument,
          "Plan::Make refusal code");
    Check(split.status().message() == whole.status().message(), "Plan::Make refusal message");
    return 0;
  }

  ReaderOptions ro;
  ro.max_doc_bytes = 64 + (mode & 7) * 97;
  ro.parse = (mode & 128) == 0;
  bool plain = split->files()[0].compression == safegate::corpus::Compression::kNone;
  uint64_t lines_a = 0, lines_b = 0;
  size_t bad_a = 0, bad_b = 0;
  std::string refused_a, refused_b;
  std::vector<Seen> a = ReadAll(*split, ro, body, plain, &lines_a, &bad_a, &refused_a);
  std::vector<Seen> b = ReadAll(*whole, ro, body, plain, &lines_b, &bad_b, &refused_b);
  // The first NUL byte in the file refuses it, whatever the unit size.
  Check(refused_a == refused_b, "split and whole reads refuse alike");
  if (!refused_a.empty()) return 0;
  Check(a == b, "split read equals whole read");
  Check(lines_a == lines_b, "line counts agree");
  Check(bad_a == bad_b, "bad counts agree");
  return 0;
}
