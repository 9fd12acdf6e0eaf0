// Plan construction: path expansion, compression sniffing, unit cutting and
// the plan fingerprint; LinesBefore.
#include "safegate/corpus/source.h"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "not_text.h"
#include "safegate/base/hash.h"

namespace safegate::corpus {
namespace {

namespace fs = std::filesystem;

// Closes a file descriptor on scope exit.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;

 private:
  int fd_;
};

// pread that retries on EINTR and short reads; returns bytes read (< n only at EOF).
Result<size_t> PreadFull(int fd, char* dst, size_t n, uint64_t offset, const std::string& path) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd, dst + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0) {
      if (errno == EINTR) continue;
      return IoError("read '" + path + "'");
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  return got;
}

// How much of each file's text the plan reads to tell what it is.
constexpr size_t kSniffBytes = 4096;

// The first up to kSniffBytes bytes of a compressed file's text (what a
// reader will see). A stream damaged that early gives what decoded before the
// damage: the reader reports the damage itself.
Result<std::string> DecodedPrefix(int fd, Compression c, const std::string& path) {
  std::string in(64u << 10, '\0');
  SAFEGATE_ASSIGN_OR_RETURN(size_t got, PreadFull(fd, in.data(), in.size(), 0, path));
  in.resize(got);
  std::string out(kSniffBytes, '\0');
  size_t produced = 0;
  if (c == Compression::kGzip) {
    z_stream zs{};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return InternalError("inflateInit2 failed");
    zs.next_in = reinterpret_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    while (zs.avail_out > 0 && inflate(&zs, Z_NO_FLUSH) == Z_OK) {
    }
    produced = out.size() - zs.avail_out;
    inflateEnd(&zs);
  } else if (c == Compression::kZstd) {
    ZSTD_DCtx* dctx = ZSTD_createDCtx();
    if (dctx == nullptr) return InternalError("ZSTD_createDCtx failed");
    ZSTD_inBuffer zin{in.data(), in.size(), 0};
    ZSTD_outBuffer zout{out.data(), out.size(), 0};
    while (zout.pos < zout.size && zin.pos < zin.size) {
      size_t before = zout.pos, used = zin.pos;
      size_t r = ZSTD_decompressStream(dctx, &zout, &zin);
      if (ZSTD_isError(r) || r == 0 || (zout.pos == before && zin.pos == used)) break;
    }
    produced = zout.pos;
    ZSTD_freeDCtx(dctx);
  }
  out.resize(produced);
  return out;
}

// Refuses text the readers would read as something it is not: UTF-16/UTF-32
// (with or without a byte order mark: the words' letters come apart with NUL
// bytes, so no keyword matches and every line passes as clean), binary files
// given a text name (Parquet, images: NUL bytes), a compressed stream inside
// another, read as bytes, and (lines, JSONL) line ends that are carriage
// returns alone. `head` is the start of the file's text.
Status CheckText(std::string_view head, Compression c, Format format, const std::string& path) {
  auto starts = [&](std::string_view magic) { return head.substr(0, magic.size()) == magic; };
  auto refuse = [&](const std::string& what) {
    return InvalidArgumentError("'" + path + "' " + what);
  };
  if (c != Compression::kNone &&
      (starts("\x1f\x8b") || starts(std::string_view("\x28\xb5\x2f\xfd", 4)))) {
    return refuse(std::string("is compressed twice (a ") + (starts("\x1f\x8b") ? "gzip" : "zstd") +
                  " stream inside the " + (c == Compression::kGzip ? "gzip" : "zstd") +
                  " one): decompress the outer one first");
  }
  struct Bom {
    std::string_view bytes;
    const char* name;
    const char* hex;
  };
  static const Bom kBoms[] = {
      {std::string_view("\xff\xfe\0\0", 4), "UTF-32 LE", "FF FE 00 00"},
      {std::string_view("\0\0\xfe\xff", 4), "UTF-32 BE", "00 00 FE FF"},
      {"\xff\xfe", "UTF-16 LE", "FF FE"},
      {"\xfe\xff", "UTF-16 BE", "FE FF"},
  };
  for (const Bom& b : kBoms) {
    if (starts(b.bytes)) {
      return refuse(std::string("is ") + b.name + " text (byte order mark " + b.hex +
                    "); the corpus commands read UTF-8: convert it first (iconv -f " +
                    std::string(b.name).substr(0, 6) + " -t UTF-8)");
    }
  }
  if (size_t nul = head.find('\0'); nul != std::string_view::npos) {
    return refuse(internal::NulByteRefusal(nul));
  }
  // Lines end with a line feed: a file whose line ends are carriage returns
  // alone (classic Mac) would be one document, however many it holds (Python's
  // text mode reads them as many lines).
  if (format != Format::kFiles && head.find('\n') == std::string_view::npos) {
    if (size_t cr = head.find('\r'); cr != std::string_view::npos && cr + 1 < head.size()) {
      return refuse("ends its lines with a carriage return alone (at offset " + std::to_string(cr) +
                    ", no line feed in its first " + std::to_string(head.size()) +
                    " bytes): it would be read as one document; convert them (tr '\\r' '\\n')");
    }
  }
  return OkStatus();
}

bool HasGlobChars(std::string_view s) {
  return s.find_first_of("*?[{") != std::string_view::npos;
}

// A file found while expanding one source.
struct Found {
  std::string path;                // as opened
  uint64_t device = 0, inode = 0;  // for de-duplication: one file, however it is reached
};

// What a FIFO, device or socket met while walking a directory or expanding a
// glob is: it is skipped (a FIFO would block the reader, /dev/zero never ends),
// and named, so that a user sees what was not read.
std::string SpecialWarning(const std::string& path, const struct stat& st) {
  const char* kind = S_ISFIFO(st.st_mode)                         ? "a FIFO"
                     : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                     : S_ISSOCK(st.st_mode)                       ? "a socket"
                                                                  : "a special file";
  return "'" + path + "' is " + kind + ", not a regular file; not read";
}

std::string DanglingWarning(const std::string& path) {
  return "'" + path + "' cannot be followed (a dangling symlink?); not read";
}

struct DirId {
  uint64_t device, inode;
  bool operator==(const DirId&) const = default;
};

// Appends the regular files under `dir` (recursively, following symlinks);
// `stack` holds the directories from the walk's root down to `dir`. A
// directory that is already on the stack is a loop: it is not entered, and a
// warning names it. Errors name the directory.
Status WalkDirectory(const std::string& dir, std::vector<DirId>* stack, std::vector<Found>* out,
                     std::vector<std::string>* warnings) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return IoError("cannot list directory '" + dir + "': " + ec.message());
  std::vector<std::string> names, subdirs;
  for (fs::directory_iterator end; it != end; it.increment(ec)) {
    if (ec) return IoError("cannot list directory '" + dir + "': " + ec.message());
    names.push_back(it->path().string());
  }
  if (ec) return IoError("cannot list directory '" + dir + "': " + ec.message());
  std::sort(names.begin(), names.end());
  for (std::string& p : names) {
    struct stat st;
    if (::stat(p.c_str(), &st) != 0) {
      warnings->push_back(DanglingWarning(p));
      continue;
    }
    if (S_ISREG(st.st_mode)) {
      out->push_back({p, static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)});
    } else if (S_ISDIR(st.st_mode)) {
      DirId id{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
      if (std::find(stack->begin(), stack->end(), id) != stack->end()) {
        warnings->push_back("directory loop: '" + p +
                            "' leads back to a directory being walked; not followed");
        continue;
      }
      subdirs.push_back(std::move(p));
    } else {
      warnings->push_back(SpecialWarning(p, st));
    }
  }
  for (const std::string& sub : subdirs) {
    struct stat st;
    if (::stat(sub.c_str(), &st) != 0) continue;
    stack->push_back({static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)});
    Status s = WalkDirectory(sub, stack, out, warnings);
    stack->pop_back();
    SAFEGATE_RETURN_IF_ERROR(s);
  }
  return OkStatus();
}

// Expands one existing path (file or directory) into `out`.
Status ExpandExisting(const std::string& path, std::vector<Found>* out,
                      std::vector<std::string>* warnings) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return IoError("cannot stat '" + path + "'");
  if (S_ISDIR(st.st_mode)) {
    // The directory and its ancestors: a symlink to any of them is a loop.
    std::vector<DirId> stack;
    std::error_code ec;
    fs::path real = fs::canonical(path, ec);
    if (ec) return IoError("cannot resolve '" + path + "': " + ec.message());
    for (fs::path p = real;; p = p.parent_path()) {
      struct stat ps;
      if (::stat(p.c_str(), &ps) == 0) {
        stack.push_back({static_cast<uint64_t>(ps.st_dev), static_cast<uint64_t>(ps.st_ino)});
      }
      if (p == p.parent_path()) break;
    }
    return WalkDirectory(path, &stack, out, warnings);
  }
  if (S_ISREG(st.st_mode)) {
    out->push_back({path, static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)});
    return OkStatus();
  }
  return InvalidArgumentError("'" + path + "' is not a regular file or a directory");
}

// Expands one user path (file, directory or glob) into `out`.
Status ExpandPath(const std::string& given, const std::string& base_dir, std::vector<Found>* out,
                  std::vector<std::string>* warnings) {
  std::string joined = given;
  if (!base_dir.empty() && !given.empty() && given[0] != '/') {
    joined = base_dir;
    if (joined.back() != '/') joined.push_back('/');
    joined += given;
  }
  size_t before = out->size();
  struct stat st;
  if (::stat(joined.c_str(), &st) == 0) {
    SAFEGATE_RETURN_IF_ERROR(ExpandExisting(joined, out, warnings));
  } else if (HasGlobChars(given)) {
    glob_t g;
    std::memset(&g, 0, sizeof(g));
    int rc = ::glob(joined.c_str(), GLOB_BRACE, nullptr, &g);
    if (rc != 0 && rc != GLOB_NOMATCH) {
      ::globfree(&g);
      return IoError("glob '" + given + "' failed");
    }
    std::vector<std::string> matches;
    for (size_t i = 0; i < g.gl_pathc; ++i) matches.emplace_back(g.gl_pathv[i]);
    ::globfree(&g);
    for (const std::string& m : matches) {
      // As in a directory walk, what is not a file or directory is skipped.
      struct stat ms;
      if (::stat(m.c_str(), &ms) != 0) {
        warnings->push_back(DanglingWarning(m));
        continue;
      }
      if (!S_ISREG(ms.st_mode) && !S_ISDIR(ms.st_mode)) {
        warnings->push_back(SpecialWarning(m, ms));
        continue;
      }
      SAFEGATE_RETURN_IF_ERROR(ExpandExisting(m, out, warnings));
    }
  } else {
    errno = 0;
    return NotFoundError("path '" + given + "' does not exist");
  }
  if (out->size() == before) return NotFoundError("path '" + given + "' matches no files");
  return OkStatus();
}

std::string RelativeTo(const std::string& path, const fs::path& base_abs) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  if (ec) return path;
  fs::path rel = abs.lexically_normal().lexically_relative(base_abs);
  if (rel.empty()) return path;
  auto first = rel.begin();
  if (first != rel.end() && (*first == ".." || *first == ".")) return path;
  return rel.generic_string();
}

// Unambiguous serialization for the fingerprint: length-prefixed fields.
void PutString(std::string* out, std::string_view s) {
  uint64_t n = s.size();
  out->append(reinterpret_cast<const char*>(&n), sizeof(n));
  out->append(s);
}
void PutU64(std::string* out, uint64_t v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(v));
}

}  // namespace

std::string_view FormatName(Format f) {
  switch (f) {
    case Format::kJsonl: return "jsonl";
    case Format::kLines: return "lines";
    case Format::kFiles: return "files";
  }
  return "unknown";
}

Result<Format> ParseFormat(std::string_view name) {
  if (name == "jsonl") return Format::kJsonl;
  if (name == "lines") return Format::kLines;
  if (name == "files") return Format::kFiles;
  return InvalidArgumentError("unknown format '" + std::string(name) +
                              "' (expected jsonl, lines or files)");
}

Result<Shard> ParseShard(std::string_view text) {
  auto bad = [&] {
    return InvalidArgumentError("bad shard '" + std::string(text) +
                                "' (expected I/N with 1 <= I <= N)");
  };
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad();
  std::string_view a = text.substr(0, slash), b = text.substr(slash + 1);
  uint32_t i = 0, n = 0;
  auto pa = std::from_chars(a.data(), a.data() + a.size(), i);
  auto pb = std::from_chars(b.data(), b.data() + b.size(), n);
  if (a.empty() || b.empty() || pa.ec != std::errc() || pa.ptr != a.data() + a.size() ||
      pb.ec != std::errc() || pb.ptr != b.data() + b.size()) {
    return bad();
  }
  if (n == 0 || i == 0 || i > n) return bad();
  return Shard{i - 1, n};
}

Result<Plan> Plan::Make(std::vector<SourceSpec> sources, const std::string& base_dir,
                        const PlanOptions& options) {
  if (options.unit_bytes == 0) return InvalidArgumentError("unit_bytes must be positive");
  if (sources.size() > UINT32_MAX) return InvalidArgumentError("too many sources");
  std::set<std::string> names;
  for (const SourceSpec& s : sources) {
    if (!names.insert(s.name).second) {
      return InvalidArgumentError("duplicate source name '" + s.name + "'");
    }
  }
  std::error_code ec;
  fs::path base_abs = fs::absolute(base_dir.empty() ? fs::path(".") : fs::path(base_dir), ec);
  if (ec) return IoError("cannot resolve base directory '" + base_dir + "': " + ec.message());
  base_abs = base_abs.lexically_normal();
  // "a/b/" normalizes to "a/b/" (trailing empty element): drop it.
  if (!base_abs.has_filename() && base_abs.has_parent_path() && base_abs != base_abs.root_path()) {
    base_abs = base_abs.parent_path();
  }

  Plan plan;
  std::string fp;  // fingerprint material
  PutU64(&fp, options.unit_bytes);
  for (uint32_t si = 0; si < sources.size(); ++si) {
    const SourceSpec& spec = sources[si];
    PutString(&fp, spec.name);
    PutString(&fp, FormatName(spec.format));
    PutString(&fp, spec.text_field);
    PutString(&fp, spec.id_field);
    if (spec.paths.empty()) {
      return InvalidArgumentError("source '" + spec.name + "': no paths");
    }
    std::vector<Found> found;
    std::vector<std::string> warnings;
    for (const std::string& p : spec.paths) {
      Status st = ExpandPath(p, base_dir, &found, &warnings);
      if (!st.ok()) return st.WithPrefix("source '" + spec.name + "'");
    }
    for (std::string& w : warnings) plan.warnings_.push_back("source '" + spec.name + "': " + w);
    std::vector<std::pair<FileEntry, uint64_t>> entries;  // entry, mtime (ns)
    std::set<std::pair<uint64_t, uint64_t>> seen;         // (device, inode)
    // A file reached by several names keeps the first found (the walk lists
    // every directory in name order, so that does not depend on the disk).
    for (Found& f : found) {
      if (!seen.insert({f.device, f.inode}).second) continue;
      FileEntry e;
      e.source = si;
      e.rel_path = RelativeTo(f.path, base_abs);
      e.path = std::move(f.path);
      entries.push_back({std::move(e), 0});
    }
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      return a.first.rel_path != b.first.rel_path ? a.first.rel_path < b.first.rel_path
                                                  : a.first.path < b.first.path;
    });
    for (auto& [e, mtime] : entries) {
      // O_NONBLOCK: a file swapped for a FIFO since it was listed must not
      // block the open (it is then refused below).
      int fd = ::open(e.path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
      if (fd < 0) return IoError("source '" + spec.name + "': cannot open '" + e.path + "'");
      FdCloser closer(fd);
      struct stat st;
      if (::fstat(fd, &st) != 0) return IoError("cannot stat '" + e.path + "'");
      if (!S_ISREG(st.st_mode)) {
        return InvalidArgumentError("source '" + spec.name + "': '" + e.path +
                                    "' is not a regular file");
      }
      e.size = static_cast<uint64_t>(st.st_size);
      mtime = static_cast<uint64_t>(st.st_mtim.tv_sec) * 1000000000ull +
              static_cast<uint64_t>(st.st_mtim.tv_nsec);
      e.mtime_ns = mtime;
      e.device = static_cast<uint64_t>(st.st_dev);
      e.inode = static_cast<uint64_t>(st.st_ino);
      std::string head(kSniffBytes, '\0');
      SAFEGATE_ASSIGN_OR_RETURN(size_t got, PreadFull(fd, head.data(), head.size(), 0, e.path));
      head.resize(got);
      const auto* magic = reinterpret_cast<const unsigned char*>(head.data());
      if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
        e.compression = Compression::kGzip;
      } else if (got >= 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f &&
                 magic[3] == 0xfd) {
        e.compression = Compression::kZstd;
      }
      if (e.compression != Compression::kNone) {
        SAFEGATE_ASSIGN_OR_RETURN(head, DecodedPrefix(fd, e.compression, e.path));
      }
      if (Status text = CheckText(head, e.compression, spec.format, e.path); !text.ok()) {
        return text.WithPrefix("source '" + spec.name + "'");
      }
      if (plan.files_.size() >= UINT32_MAX) return InvalidArgumentError("too many files");
      uint32_t fi = static_cast<uint32_t>(plan.files_.size());
      PutU64(&fp, si);
      PutString(&fp, e.rel_path);
      PutU64(&fp, e.size);
      PutU64(&fp, mtime);
      PutU64(&fp, static_cast<uint64_t>(e.compression));
      plan.total_bytes_ += e.size;
      bool splittable = e.compression == Compression::kNone && spec.format != Format::kFiles;
      uint64_t step = splittable ? options.unit_bytes : UINT64_MAX;
      uint64_t begin = 0;
      do {
        if (plan.units_.size() >= UINT32_MAX) return InvalidArgumentError("too many units");
        Unit u;
        u.index = static_cast<uint32_t>(plan.units_.size());
        u.file = fi;
        u.begin = begin;
        u.end = (e.size - begin > step) ? begin + step : e.size;
        PutU64(&fp, u.file);
        PutU64(&fp, u.begin);
        PutU64(&fp, u.end);
        plan.units_.push_back(u);
        begin = u.end;
      } while (begin < e.size);
      plan.files_.push_back(std::move(e));
    }
  }
  plan.fingerprint_ = Fnv1a64(fp);
  plan.sources_ = std::move(sources);
  return plan;
}

std::vector<uint32_t> Plan::UnitsOf(const Shard& shard) const {
  std::vector<uint32_t> out;
  if (shard.count == 0) return out;
  for (const Unit& u : units_) {
    if (shard.Contains(u)) out.push_back(u.index);
  }
  return out;
}

int Plan::SourceIndex(std::string_view name) const {
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (sources_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Result<uint64_t> CountNewlines(const Plan& plan, uint32_t file, uint64_t begin, uint64_t end) {
  if (file >= plan.files().size()) return InvalidArgumentError("CountNewlines: no such file");
  const FileEntry& f = plan.files()[file];
  if (f.compression != Compression::kNone)
    return InvalidArgumentError("CountNewlines: compressed file");
  if (end <= begin) return uint64_t{0};
  int fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);  // never block on a FIFO
  if (fd < 0) return IoError("cannot open '" + f.path + "'");
  FdCloser closer(fd);
  ::posix_fadvise(fd, static_cast<off_t>(begin), static_cast<off_t>(end - begin),
                  POSIX_FADV_SEQUENTIAL);
  const size_t chunk = static_cast<size_t>(std::min<uint64_t>(4u << 20, end - begin));
  std::unique_ptr<char[]> buf(new char[chunk]);
  uint64_t count = 0, off = begin;
  while (off < end) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(chunk, end - off));
    SAFEGATE_ASSIGN_OR_RETURN(size_t got, PreadFull(fd, buf.get(), want, off, f.path));
    const char* p = buf.get();
    const char* e = p + got;
    while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(e - p))))) {
      ++count;
      ++p;
    }
    off += got;
    if (got < want) break;  // the file shrank
  }
  return count;
}

Result<uint64_t> LinesBefore(const Plan& plan, const Unit& unit) {
  if (unit.begin == 0) return uint64_t{0};
  if (unit.file >= plan.files().size()) return InvalidArgumentError("unit names no file");
  if (plan.files()[unit.file].compression != Compression::kNone) return uint64_t{0};
  // Lines starting before `begin`: the one at offset 0, plus one after every
  // newline at offset < begin - 1.
  SAFEGATE_ASSIGN_OR_RETURN(uint64_t nl, CountNewlines(plan, unit.file, 0, unit.begin - 1));
  return nl + 1;
}

}  // namespace safegate::corpus
