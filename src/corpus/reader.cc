// UnitReader: streams the documents of one unit through a fixed buffer.
//
// Data flow: the file (pread) -> optional decompressor (zlib / zstd streaming)
// -> buf_ (uncompressed bytes [buf_off_, buf_off_ + lim_) of the file) ->
// memchr line splitting -> optional simdjson parse of the line in place.
// buf_ is allocated with SIMDJSON_PADDING spare bytes past its capacity, so a
// line inside it can be parsed without copying. The buffer grows only while
// one line does not fit, and never beyond max_doc_bytes + 1; a longer line is
// skipped in streaming mode (its bytes are discarded as they arrive).
#include "safegate/corpus/reader.h"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "field_path.h"
#include "not_text.h"
#include "safegate/corpus/field.h"
#include "safegate/text/utf8.h"

namespace safegate::corpus {
namespace {

constexpr size_t kBufferBytes = 4u << 20;                // initial line buffer
constexpr size_t kInBytes = 1u << 20;                    // compressed input buffer
constexpr size_t kPlainChunk = 256u << 10;               // read() size, uncompressed
constexpr size_t kTailChunk = 256u << 10;                // reads past the unit's end
constexpr size_t kPadding = simdjson::SIMDJSON_PADDING;  // spare bytes after buf_

inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

bool AllSpace(const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (!IsSpace(p[i])) return false;
  }
  return true;
}

// field_path.h's access to simdjson values. Keys are compared unescaped
// ("te\u0078t" is "text"). A key that occurs more than once in an object on
// the path is counted: simdjson's at_key returns the first value, while
// Python's json and most training code keep the last, so the text we scan
// would not be the text they train on.
struct SimdAccess {
  using Value = simdjson::dom::element;
  static int Child(Value v, std::string_view key, Value* child) {
    simdjson::dom::object obj;
    if (v.get_object().get(obj) != simdjson::SUCCESS) return 0;
    int found = 0;
    for (simdjson::dom::key_value_pair field : obj) {
      if (field.key != key) continue;
      if (++found > 1) return found;
      *child = field.value;
    }
    return found;
  }
  static internal::ValueKind Kind(Value v) {
    switch (v.type()) {
      case simdjson::dom::element_type::STRING: return internal::ValueKind::kString;
      case simdjson::dom::element_type::INT64: return internal::ValueKind::kInt64;
      case simdjson::dom::element_type::UINT64: return internal::ValueKind::kUint64;
      case simdjson::dom::element_type::DOUBLE: return internal::ValueKind::kDouble;
      case simdjson::dom::element_type::BOOL: return internal::ValueKind::kBool;
      case simdjson::dom::element_type::NULL_VALUE: return internal::ValueKind::kNull;
      default: return internal::ValueKind::kOther;
    }
  }
  static std::string_view String(Value v) { return v.get_string().value_unsafe(); }
  static int64_t Int64(Value v) { return v.get_int64().value_unsafe(); }
  static uint64_t Uint64(Value v) { return v.get_uint64().value_unsafe(); }
  static double Double(Value v) { return v.get_double().value_unsafe(); }
  static bool Bool(Value v) { return v.get_bool().value_unsafe(); }
};

const char* Lookup(simdjson::dom::element root, const std::vector<std::string_view>& parts,
                   internal::Rules rules, std::string* num, std::string_view* out) {
  return internal::LookupPath<SimdAccess>(root, parts, rules, num, out);
}

std::string FieldError(std::string_view path, const char* what) {
  std::string s = "field '";
  s.append(path);
  s.append("' ");
  s.append(what);
  return s;
}

}  // namespace

struct UnitReader::Impl {
  // Configuration of the open unit.
  ReaderOptions options;
  Format format = Format::kJsonl;
  Compression compression = Compression::kNone;
  std::string path;
  std::string text_field, id_field;
  std::vector<std::string_view> text_parts, id_parts;  // views into text_field, id_field
  uint32_t file = 0;
  uint64_t unit_begin = 0, unit_end = 0, file_size = 0;
  uint64_t device = 0, inode = 0, mtime_ns = 0;  // as planned
  bool end_checked = false;                      // CheckUnchanged ran at the end
  bool whole = false;          // the unit is the whole file (compressed or kFiles): no end check
  const Plan* plan = nullptr;  // the unit's plan and the unit, for LinesBefore in errors
  Unit unit;

  // File state.
  int fd = -1;
  uint64_t read_off = 0;   // next on-disk offset to read
  uint64_t disk_read = 0;  // on-disk bytes read since Open
  bool in_eof = false;     // the file has no more bytes

  // Decompressor state.
  std::unique_ptr<char[]> in;
  size_t in_cap = 0;
  z_stream zs{};
  bool zs_init = false;
  bool gz_member_open = false;  // inside a gzip member (EOF now = truncation)
  bool gz_done = false;
  ZSTD_DStream* zds = nullptr;
  ZSTD_inBuffer zin{nullptr, 0, 0};
  size_t zstd_hint = 0;      // last ZSTD_decompressStream result: 0 = at a frame boundary
  std::string stream_error;  // set when the archive is truncated or corrupt
  uint64_t decoded = 0;      // uncompressed bytes produced since Open (archives)

  // Line buffer: bytes [buf_off, buf_off + lim) of the uncompressed file.
  std::unique_ptr<char[]> buf;
  size_t cap = 0;
  size_t pos = 0;   // start of the next line
  size_t scan = 0;  // memchr resumes here (no newline in [pos, scan))
  size_t lim = 0;
  uint64_t buf_off = 0;
  bool eof = false;         // no more bytes will arrive in buf
  bool skipping = false;    // discarding bytes up to the next newline
  bool skip_owned = false;  // ... of a line of the unit (too long), not the one before it
  bool done = true;
  uint64_t lines = 0;
  std::vector<BadRecord> bad;

  // Parsing.
  simdjson::dom::parser parser;
  std::string id_num;      // rendered numeric id
  std::string parse_copy;  // padded copy for Parse() of foreign views

  ~Impl() {
    CloseFile();
    if (zs_init) inflateEnd(&zs);
    if (zds != nullptr) ZSTD_freeDStream(zds);
  }

  void CloseFile() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }

  // Fails when the file at `path` (or `st`, when given: the open file) is not
  // the one planned: another inode, size or modification time. A file cut or
  // rewritten while it is read would otherwise give a count of part of it.
  Status CheckUnchanged(const struct stat* st_open) const {
    struct stat st;
    if (st_open != nullptr) {
      st = *st_open;
    } else if (::stat(path.c_str(), &st) != 0) {
      return IoError("'" + path + "' disappeared while it was read");
    }
    std::string what;
    if (static_cast<uint64_t>(st.st_dev) != device || static_cast<uint64_t>(st.st_ino) != inode) {
      what = "was replaced by another file";
    } else if (static_cast<uint64_t>(st.st_size) != file_size) {
      what = "changed size from " + std::to_string(file_size) + " to " +
             std::to_string(static_cast<uint64_t>(st.st_size)) + " bytes";
    } else if (static_cast<uint64_t>(st.st_mtim.tv_sec) * 1000000000ull +
                   static_cast<uint64_t>(st.st_mtim.tv_nsec) !=
               mtime_ns) {
      what = "was modified";
    }
    if (what.empty()) return OkStatus();
    return FailedPreconditionError("'" + path + "' " + what +
                                   " since the corpus was planned; its counts would describe "
                                   "no version of it: run again when the corpus is not changing");
  }

  // A NUL byte at `offset` of the file's text, on the unit's line `line`:
  // the file is refused as the plan refuses one with a NUL in its first 4 KiB
  // (not_text.h), naming the file's line.
  Status NulRefusal(uint64_t line, uint64_t offset) const {
    SAFEGATE_ASSIGN_OR_RETURN(uint64_t before, LinesBefore(*plan, unit));
    return InvalidArgumentError("'" + path + "': line " + std::to_string(before + line) + ": " +
                                internal::NulByteRefusal(offset) +
                                "; the file is refused (the plan read only its first " +
                                "4 KiB): remove the binary part or convert the file");
  }

  void AddBad(uint64_t line, uint64_t offset, std::string reason) {
    bad.push_back(BadRecord{file, line, offset, std::move(reason)});
  }

  void Finish() {
    done = true;
    CloseFile();
  }

  // Reads up to n on-disk bytes at read_off.
  Result<size_t> ReadDisk(char* dst, size_t n) {
    if (in_eof || n == 0) return size_t{0};
    for (;;) {
      ssize_t r = ::pread(fd, dst, n, static_cast<off_t>(read_off));
      if (r < 0) {
        if (errno == EINTR) continue;
        return IoError("read '" + path + "'");
      }
      if (r == 0) in_eof = true;
      read_off += static_cast<uint64_t>(r);
      disk_read += static_cast<uint64_t>(r);
      return static_cast<size_t>(r);
    }
  }

  Result<size_t> FillPlain(char* dst, size_t space) {
    // Read up to the unit's end in big chunks; past it only the rest of the
    // last owned line is needed, so read modestly.
    size_t want = space;
    if (!whole) {
      if (read_off < unit_end) {
        want = static_cast<size_t>(std::min<uint64_t>(space, unit_end - read_off));
      } else {
        want = std::min(space, kTailChunk);
      }
    }
    // At most kPlainChunk at a time: the line splitter then finds the bytes
    // the kernel just copied still in the core's cache (a 4 MiB read is
    // copied out to memory and read back).
    return ReadDisk(dst, std::min(want, kPlainChunk));
  }

  Result<size_t> FillGzip(char* dst, size_t space) {
    if (gz_done) return size_t{0};
    zs.next_out = reinterpret_cast<Bytef*>(dst);
    zs.avail_out = static_cast<uInt>(std::min<size_t>(space, 1u << 30));
    const uInt start_out = zs.avail_out;
    while (zs.avail_out > 0) {
      if (zs.avail_in == 0 && !in_eof) {
        SAFEGATE_ASSIGN_OR_RETURN(size_t n, ReadDisk(in.get(), in_cap));
        zs.next_in = reinterpret_cast<Bytef*>(in.get());
        zs.avail_in = static_cast<uInt>(n);
      }
      int r = inflate(&zs, Z_NO_FLUSH);
      if (r == Z_STREAM_END) {
        gz_member_open = false;
        // Another member follows (concatenated .gz), or the end of the file.
        while (zs.avail_in < 2 && !in_eof) {
          std::memmove(in.get(), zs.next_in, zs.avail_in);
          SAFEGATE_ASSIGN_OR_RETURN(size_t n,
                                    ReadDisk(in.get() + zs.avail_in, in_cap - zs.avail_in));
          zs.next_in = reinterpret_cast<Bytef*>(in.get());
          zs.avail_in += static_cast<uInt>(n);
        }
        if (zs.avail_in == 0) {
          gz_done = true;
          break;
        }
        if (zs.avail_in >= 2 && zs.next_in[0] == 0x1f && zs.next_in[1] == 0x8b) {
          inflateReset(&zs);
          gz_member_open = true;
          continue;
        }
        stream_error = "trailing garbage after gzip stream";
        gz_done = true;
        break;
      }
      if (r == Z_BUF_ERROR) {
        if (zs.avail_in == 0 && in_eof) {
          stream_error = "truncated gzip stream";
          gz_done = true;
          break;
        }
        continue;  // needs more input: the loop reads it
      }
      if (r != Z_OK) {
        stream_error = std::string("corrupt gzip stream: ") +
                       (zs.msg != nullptr ? zs.msg : "error " + std::to_string(r));
        gz_done = true;
        break;
      }
    }
    return static_cast<size_t>(start_out - zs.avail_out);
  }

  Result<size_t> FillZstd(char* dst, size_t space) {
    ZSTD_outBuffer out{dst, space, 0};
    while (out.pos < out.size) {
      if (zin.pos == zin.size && !in_eof) {
        SAFEGATE_ASSIGN_OR_RETURN(size_t n, ReadDisk(in.get(), in_cap));
        zin = ZSTD_inBuffer{in.get(), n, 0};
      }
      const bool no_input = zin.pos == zin.size && in_eof;
      if (no_input && zstd_hint == 0) break;  // clean end after a complete frame
      size_t before = out.pos;
      size_t r = ZSTD_decompressStream(zds, &out, &zin);
      if (ZSTD_isError(r)) {
        stream_error = std::string("corrupt zstd stream: ") + ZSTD_getErrorName(r);
        in_eof = true;
        break;
      }
      if (no_input && out.pos == before) {
        stream_error = "truncated zstd stream";  // mid-frame, and nothing more to flush
        break;
      }
      zstd_hint = r;
    }
    return out.pos;
  }

  // Stops a compression bomb: more decoded than max_ratio times the
  // compressed bytes read (past a floor, so small files never trip it).
  Status CheckRatio() const {
    if (options.max_ratio == 0) return OkStatus();
    // Compressed bytes the decoder consumed (read ahead ones do not count).
    const uint64_t pending = compression == Compression::kGzip ? zs.avail_in : zin.size - zin.pos;
    const uint64_t used = disk_read - std::min<uint64_t>(pending, disk_read);
    const uint64_t by_ratio =
        used > UINT64_MAX / options.max_ratio ? UINT64_MAX : used * options.max_ratio;
    if (decoded <= std::max(kRatioFloorBytes, by_ratio)) return OkStatus();
    return InvalidArgumentError(
        "'" + path + "': line " + std::to_string(skipping ? lines : lines + 1) +
        ": decompressed to " + std::to_string(decoded) + " bytes from the first " +
        std::to_string(used) + " compressed bytes, more than " + std::to_string(options.max_ratio) +
        " times: a compression bomb? Not read further (--max-ratio raises the limit; 0 = none)");
  }

  // Appends decoded bytes at buf[lim]; sets eof when nothing more will come.
  Status Fill() {
    size_t space = cap - lim;
    if (space == 0 || eof) return OkStatus();
    if (options.stop != nullptr && options.stop->load(std::memory_order_relaxed)) {
      return UnavailableError("interrupted while reading '" + path + "'");
    }
    Result<size_t> n = size_t{0};
    switch (compression) {
      case Compression::kNone: n = FillPlain(buf.get() + lim, space); break;
      case Compression::kGzip: n = FillGzip(buf.get() + lim, space); break;
      case Compression::kZstd: n = FillZstd(buf.get() + lim, space); break;
    }
    if (!n.ok()) return n.status();
    if (compression != Compression::kNone) {
      decoded += *n;
      SAFEGATE_RETURN_IF_ERROR(CheckRatio());
    }
    lim += *n;
    if (*n == 0 || !stream_error.empty()) eof = true;
    return OkStatus();
  }

  // Moves the pending bytes to the front, grows the buffer when one line
  // fills it (up to max_doc_bytes + 1), and reads more.
  Status Refill() {
    if (pos > 0) {
      std::memmove(buf.get(), buf.get() + pos, lim - pos);
      buf_off += pos;
      lim -= pos;
      scan -= pos;
      pos = 0;
    }
    if (lim == cap) {
      uint64_t max_cap = std::max<uint64_t>(kBufferBytes, options.max_doc_bytes + 1);
      if (cap < max_cap) {
        size_t new_cap = static_cast<size_t>(std::min<uint64_t>(uint64_t{cap} * 2, max_cap));
        std::unique_ptr<char[]> nb(new char[new_cap + kPadding]);
        std::memcpy(nb.get(), buf.get(), lim);
        buf = std::move(nb);
        cap = new_cap;
      }
    }
    return Fill();
  }

  // Discards bytes through the next newline (or the end of the data). The
  // bytes of a line of the unit (skip_owned) are looked at for a NUL byte.
  Status Skip() {
    for (;;) {
      const char* nl = static_cast<const char*>(std::memchr(buf.get() + pos, '\n', lim - pos));
      if (skip_owned) {
        const char* from = buf.get() + pos;
        const size_t n = static_cast<size_t>((nl != nullptr ? nl : buf.get() + lim) - from);
        if (const void* z = std::memchr(from, '\0', n)) {
          return NulRefusal(
              lines, buf_off + static_cast<uint64_t>(static_cast<const char*>(z) - buf.get()));
        }
      }
      if (nl != nullptr) {
        pos = scan = static_cast<size_t>(nl - buf.get()) + 1;
        skipping = skip_owned = false;
        return OkStatus();
      }
      buf_off += lim;
      pos = scan = lim = 0;
      if (eof) {
        skipping = skip_owned = false;
        return OkStatus();
      }
      SAFEGATE_RETURN_IF_ERROR(Fill());
    }
  }

  // Records the archive error at the end of the data, dropping a partial line.
  void EndWithStreamError() {
    if (!stream_error.empty()) {
      AddBad(lines + 1, buf_off + pos, stream_error);
      stream_error.clear();
    }
    Finish();
  }

  // Parses raw (inside buf, padded) as JSONL into doc; records a BadRecord on failure.
  bool ParseJson(const char* p, size_t n, Document* doc) {
    simdjson::dom::element root;
    auto err = parser.parse(p, n, false).get(root);
    if (err != simdjson::SUCCESS) {
      // Not UTF-8 (Latin-1, Windows-1252, GBK, ...): where, as for a NUL.
      const size_t bad = err == simdjson::UTF8_ERROR ? text::FirstInvalid(std::string_view(p, n))
                                                     : std::string_view::npos;
      char hex[8];
      if (bad != std::string_view::npos) {
        std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(p[bad]));
      }
      AddBad(doc->line, doc->offset,
             bad != std::string_view::npos
                 ? "invalid JSON: not UTF-8 at byte offset " + std::to_string(doc->offset + bad) +
                       " (byte " + hex +
                       "; another encoding, such as Latin-1? convert the file: iconv -t UTF-8)"
                 : std::string("invalid JSON: ") + simdjson::error_message(err));
      return false;
    }
    if (!root.is_object()) {
      AddBad(doc->line, doc->offset, "not a JSON object");
      return false;
    }
    std::string_view text;
    if (const char* e = Lookup(root, text_parts, internal::Rules::kString, nullptr, &text)) {
      AddBad(doc->line, doc->offset, FieldError(text_field, e));
      return false;
    }
    std::string_view id;
    if (!id_parts.empty()) {
      if (const char* e = Lookup(root, id_parts, internal::Rules::kStringOrNumber, &id_num, &id)) {
        AddBad(doc->line, doc->offset, FieldError(id_field, e));
        return false;
      }
    }
    doc->text = text;
    doc->id = id;
    return true;
  }

  Result<bool> NextLine(Document* doc);
  Result<bool> NextFile(Document* doc);
};

Result<bool> UnitReader::Impl::NextLine(Document* doc) {
  for (;;) {
    if (done) return false;
    if (skipping) {
      SAFEGATE_RETURN_IF_ERROR(Skip());
      continue;
    }
    const uint64_t start = buf_off + pos;
    if (!whole && start >= unit_end) {
      Finish();
      return false;
    }
    const char* nl = static_cast<const char*>(std::memchr(buf.get() + scan, '\n', lim - scan));
    size_t line_end, next;
    if (nl != nullptr) {
      line_end = static_cast<size_t>(nl - buf.get());
      next = line_end + 1;
    } else {
      scan = lim;
      if (lim - pos > options.max_doc_bytes) {
        // Too long and still no newline: record it and discard it as it streams.
        ++lines;
        AddBad(lines, start,
               "line longer than " + std::to_string(options.max_doc_bytes) + " bytes");
        skipping = skip_owned = true;
        continue;
      }
      if (!eof) {
        SAFEGATE_RETURN_IF_ERROR(Refill());
        continue;
      }
      if (pos == lim || !stream_error.empty()) {
        EndWithStreamError();
        return false;
      }
      line_end = next = lim;  // last line without a newline
    }
    ++lines;
    const char* p = buf.get() + pos;
    size_t n = line_end - pos;
    pos = scan = next;
    if (const void* z = std::memchr(p, '\0', n)) {
      return NulRefusal(lines, start + static_cast<uint64_t>(static_cast<const char*>(z) - p));
    }
    if (n > options.max_doc_bytes) {
      AddBad(lines, start, "line longer than " + std::to_string(options.max_doc_bytes) + " bytes");
      continue;
    }
    if (start == 0 && n >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
      p += 3;
      n -= 3;
    }
    if (n > 0 && p[n - 1] == '\r') --n;
    if (n == 0 || (IsSpace(p[0]) && AllSpace(p, n))) continue;
    doc->raw = std::string_view(p, n);
    doc->offset = start;
    doc->line = lines;
    doc->id = {};
    if (format != Format::kJsonl) {
      doc->text = doc->raw;
      return true;
    }
    doc->text = {};
    if (!options.parse) return true;
    if (ParseJson(p, n, doc)) return true;
  }
}

Result<bool> UnitReader::Impl::NextFile(Document* doc) {
  if (done) return false;
  while (!eof && lim <= options.max_doc_bytes) SAFEGATE_RETURN_IF_ERROR(Refill());
  if (const void* z = std::memchr(buf.get(), '\0', lim)) {
    return NulRefusal(1, static_cast<uint64_t>(static_cast<const char*>(z) - buf.get()));
  }
  if (lim > options.max_doc_bytes) {
    lines = 1;
    AddBad(1, 0, "file longer than " + std::to_string(options.max_doc_bytes) + " bytes");
    Finish();
    return false;
  }
  if (!stream_error.empty()) {
    EndWithStreamError();
    return false;
  }
  Finish();
  const char* p = buf.get();
  size_t n = lim;
  if (n == 0) return false;
  lines = 1;
  if (n >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
    p += 3;
    n -= 3;
  }
  if (AllSpace(p, n)) return false;
  doc->raw = doc->text = std::string_view(p, n);
  doc->id = {};
  doc->offset = 0;
  doc->line = 1;
  return true;
}

UnitReader::UnitReader() : impl_(std::make_unique<Impl>()) {}
UnitReader::~UnitReader() = default;

Status UnitReader::Open(const Plan& plan, const Unit& unit, const ReaderOptions& options) {
  Impl& m = *impl_;
  m.CloseFile();
  m.done = true;
  m.bad.clear();
  m.lines = 0;
  m.disk_read = 0;
  m.stream_error.clear();
  m.decoded = 0;
  if (unit.file >= plan.files().size()) return InvalidArgumentError("unit names no file");
  const FileEntry& f = plan.files()[unit.file];
  if (f.source >= plan.sources().size()) return InvalidArgumentError("file names no source");
  const SourceSpec& spec = plan.sources()[f.source];
  if (options.max_doc_bytes == 0) return InvalidArgumentError("max_doc_bytes must be positive");
  m.options = options;
  m.format = spec.format;
  m.compression = f.compression;
  m.path = f.path;
  m.text_field = spec.text_field;
  m.id_field = spec.id_field;
  m.text_parts = internal::SplitPath(m.text_field);
  m.id_parts.clear();
  if (!m.id_field.empty()) m.id_parts = internal::SplitPath(m.id_field);
  m.file = unit.file;
  m.file_size = f.size;
  m.device = f.device;
  m.inode = f.inode;
  m.mtime_ns = f.mtime_ns;
  m.end_checked = false;
  m.unit_begin = unit.begin;
  m.unit_end = unit.end;
  m.whole = f.compression != Compression::kNone || spec.format == Format::kFiles;
  if (m.whole) m.unit_begin = 0;

  // O_NONBLOCK: a FIFO put in the file's place must not block the open (the
  // inode check below refuses it).
  m.fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (m.fd < 0) return IoError("cannot open '" + f.path + "'");
  struct stat st;
  if (::fstat(m.fd, &st) != 0) {
    Status e = IoError("cannot stat '" + f.path + "'");
    m.CloseFile();
    return e;
  }
  if (Status changed = m.CheckUnchanged(&st); !changed.ok()) {
    m.CloseFile();
    return changed;
  }
  ::posix_fadvise(m.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  m.in_eof = false;
  // A unit starting inside the file begins after the first newline at or
  // after begin - 1, i.e. at the first line start >= begin.
  m.read_off = m.unit_begin > 0 ? m.unit_begin - 1 : 0;
  m.buf_off = m.read_off;
  m.skipping = m.unit_begin > 0;
  m.skip_owned = false;
  m.plan = &plan;
  m.unit = unit;
  if (!m.buf) {
    m.cap = kBufferBytes;
    m.buf.reset(new char[m.cap + kPadding]);
  }
  m.pos = m.scan = m.lim = 0;
  m.eof = false;

  if (m.compression != Compression::kNone) {
    if (!m.in) {
      m.in_cap = kInBytes;
      m.in.reset(new char[m.in_cap]);
    }
  }
  if (m.compression == Compression::kGzip) {
    if (!m.zs_init) {
      m.zs = z_stream{};
      if (inflateInit2(&m.zs, 16 + MAX_WBITS) != Z_OK) return InternalError("inflateInit2 failed");
      m.zs_init = true;
    } else {
      inflateReset(&m.zs);
    }
    m.zs.next_in = nullptr;
    m.zs.avail_in = 0;
    m.gz_member_open = true;
    m.gz_done = false;
  } else if (m.compression == Compression::kZstd) {
    if (m.zds == nullptr) {
      m.zds = ZSTD_createDStream();
      if (m.zds == nullptr) return InternalError("ZSTD_createDStream failed");
    }
    ZSTD_DCtx_reset(m.zds, ZSTD_reset_session_only);
    m.zin = ZSTD_inBuffer{nullptr, 0, 0};
    m.zstd_hint = 1;  // a frame is expected
  }
  m.done = false;
  return OkStatus();
}

Result<bool> UnitReader::Next(Document* doc) {
  Impl& m = *impl_;
  Result<bool> r = m.format == Format::kFiles ? m.NextFile(doc) : m.NextLine(doc);
  if (!r.ok()) {
    m.Finish();
    return r;
  }
  if (!*r && !m.end_checked) {
    m.end_checked = true;
    SAFEGATE_RETURN_IF_ERROR(m.CheckUnchanged(nullptr));
  }
  return r;
}

bool UnitReader::Parse(Document* doc) {
  Impl& m = *impl_;
  if (m.format != Format::kJsonl) {
    doc->text = doc->raw;
    return true;
  }
  const char* p = doc->raw.data();
  size_t n = doc->raw.size();
  const char* b = m.buf.get();
  if (b == nullptr || p < b || p + n > b + m.cap) {
    // Not a view into our buffer: parse a padded copy.
    m.parse_copy.assign(p, n);
    m.parse_copy.resize(n + kPadding);
    p = m.parse_copy.data();
  }
  return m.ParseJson(p, n, doc);
}

const std::vector<BadRecord>& UnitReader::bad() const {
  return impl_->bad;
}

uint64_t UnitReader::lines() const {
  return impl_->lines;
}

uint64_t UnitReader::disk_bytes() const {
  const Impl& m = *impl_;
  if (m.done) {
    return m.whole ? m.file_size : m.unit_end - m.unit_begin;
  }
  if (m.whole) return std::min(m.disk_read, m.file_size);
  uint64_t at = std::clamp<uint64_t>(m.buf_off + m.pos, m.unit_begin, m.unit_end);
  return at - m.unit_begin;
}

Result<std::string> ExtractField(std::string_view json_line, std::string_view dotted_path,
                                 bool allow_missing) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  auto err = parser.parse(json_line.data(), json_line.size(), true).get(root);
  if (err != simdjson::SUCCESS) {
    return InvalidArgumentError(std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  std::string num;
  std::string_view out;
  if (const char* e =
          Lookup(root, internal::SplitPath(dotted_path), internal::Rules::kField, &num, &out)) {
    if (e == internal::kMissing && allow_missing) return std::string();
    return InvalidArgumentError(e);
  }
  return std::string(out);
}

}  // namespace safegate::corpus
