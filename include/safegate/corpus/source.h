// Corpus sources and the work plan.
//
// A source is a named set of files (paths, directories searched recursively,
// and shell globs) in one format: JSONL with the text at a dotted field path
// ("text", "meta.body"), plain text with one document per line, or plain text
// with one document per file. Files may be compressed (.gz, .zst), detected by
// their magic bytes.
//
// Plan::Make expands the sources into a sorted list of files and cuts them
// into units: a plain file larger than unit_bytes is split at byte offsets
// (a unit owns the lines that START inside its range); a compressed file or a
// one-document-per-file file is one unit. Units are the grain of threading,
// sharding (unit i belongs to shard i mod N), progress and resumption. The plan
// depends only on the files and unit_bytes, never on threads or shards, so
// every way of running it sees the same documents with the same identities.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "safegate/base/status.h"

namespace safegate::corpus {

enum class Format { kJsonl, kLines, kFiles };
enum class Compression { kNone, kGzip, kZstd };

std::string_view FormatName(Format f);  // "jsonl", "lines", "files"
Result<Format> ParseFormat(std::string_view name);

struct SourceSpec {
  std::string name;
  std::vector<std::string> paths;  // files, directories, globs; relative to base_dir
  Format format = Format::kJsonl;
  std::string text_field = "text";  // JSONL only: dotted path to a string
  std::string id_field;             // JSONL only, optional: dotted path to a string or number
};

struct FileEntry {
  uint32_t source = 0;
  std::string path;      // as opened
  std::string rel_path;  // relative to base_dir when inside it: used in identities and output
  uint64_t size = 0;
  Compression compression = Compression::kNone;
  // Identity and modification time when planned: a reader that finds another
  // file, size or mtime at the path fails rather than count a moving target.
  uint64_t device = 0, inode = 0;
  uint64_t mtime_ns = 0;
};

struct Unit {
  uint32_t index = 0;
  uint32_t file = 0;
  uint64_t begin = 0;  // byte range of the (uncompressed) plain file that the unit owns
  uint64_t end = 0;    // == file size for the last unit; whole file for compressed units
};

struct PlanOptions {
  uint64_t unit_bytes = 32ull << 20;
};

struct Shard {
  uint32_t index = 0;  // 0-based
  uint32_t count = 1;
  bool Contains(const Unit& u) const { return u.index % count == index; }
  bool whole() const { return count == 1; }
};

// Parses "i/N" with 1 <= i <= N (1-based on the command line).
Result<Shard> ParseShard(std::string_view text);

class Plan {
 public:
  // Expands and stats every path. Errors: a path or glob that matches nothing
  // (also a directory without regular files), an unreadable file, duplicate
  // source names, a source without paths, unit_bytes == 0. `base_dir`
  // resolves relative paths ("" = current directory). A path that exists is
  // taken literally; otherwise one containing * ? [ { is a glob (glob(3) with
  // GLOB_BRACE). Directories are walked recursively (regular files only,
  // symlinks followed; a FIFO, device, socket or dangling symlink found by a
  // walk or a glob is skipped and named in warnings(), one named as a path is
  // an error); a directory symlink that leads back to a directory
  // being walked (`up -> ..`) is not followed, and is named in warnings().
  // Files of a source are de-duplicated by (device, inode), so a file reached
  // by two names counts once, and sorted by rel_path. Compression is sniffed
  // from magic bytes, not the extension. The first 4 KiB of each file's text
  // (decompressed) must look like UTF-8: a UTF-16/UTF-32 byte order mark, a
  // NUL byte (binary data, UTF-16 without a mark), a compressed stream inside
  // the compressed one, or (lines, JSONL) carriage returns alone as line ends
  // is an error naming the file. (A NUL byte later in the file: UnitReader
  // refuses the file with the same message when it reads it.)
  static Result<Plan> Make(std::vector<SourceSpec> sources, const std::string& base_dir,
                           const PlanOptions& options = {});

  const std::vector<SourceSpec>& sources() const { return sources_; }
  const std::vector<FileEntry>& files() const { return files_; }
  const std::vector<Unit>& units() const { return units_; }
  uint64_t total_bytes() const { return total_bytes_; }  // on-disk bytes
  // Units of one shard, in index order.
  std::vector<uint32_t> UnitsOf(const Shard& shard) const;
  // A hash of the sources (name, format, fields; not the path patterns), the
  // files (source, rel_path, size, mtime, compression) and unit cut: equal
  // plans produce equal fingerprints. Used to refuse merging or resuming
  // results of a different corpus.
  uint64_t fingerprint() const { return fingerprint_; }
  int SourceIndex(std::string_view name) const;
  // What the expansion skipped and a user should know: directory loops, and
  // FIFOs, devices, sockets and dangling symlinks met in a directory or glob.
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  std::vector<std::string> warnings_;
  std::vector<SourceSpec> sources_;
  std::vector<FileEntry> files_;
  std::vector<Unit> units_;
  uint64_t total_bytes_ = 0;
  uint64_t fingerprint_ = 0;
};

// Number of lines that start before the first line owned by `unit` in its
// file (0 for the first unit of a file). Reads the file prefix; fast (memchr).
Result<uint64_t> LinesBefore(const Plan& plan, const Unit& unit);

// Number of '\n' bytes in [begin, end) of an uncompressed file of the plan.
Result<uint64_t> CountNewlines(const Plan& plan, uint32_t file, uint64_t begin, uint64_t end);

}  // namespace safegate::corpus
