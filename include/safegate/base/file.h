// Small file helpers shared by every library: whole-file reads, atomic writes.
//
// Atomic writes go to "PATH.tmp-PID-N" and are renamed over PATH only on
// Commit(), so a crash or an error never leaves a half-written result file.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "safegate/base/status.h"

namespace safegate {

// Reads the whole file. Fails with kIoError naming the path.
Result<std::string> ReadFile(const std::string& path);

// Writes `data` to `path` atomically (temp file + rename).
Status WriteFileAtomic(const std::string& path, std::string_view data);

// A buffered output file that appears at its path only when Commit() succeeds.
// Destroying it without Commit() removes the temporary file. Not thread-safe.
class AtomicFile {
 public:
  AtomicFile() = default;
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Opens "path.tmp-PID-N" (N counts per process) for writing. `path` "-" means standard output
  // (written directly, Commit() flushes); a special file (/dev/null) is
  // written in place.
  Status Open(const std::string& path);
  Status Write(std::string_view data);
  // Flushes, fsyncs when `durable`, closes and renames over the final path.
  Status Commit(bool durable = false);
  const std::string& path() const { return path_; }

 private:
  std::string path_, tmp_;
  std::FILE* f_ = nullptr;
  bool stdout_ = false;
  bool direct_ = false;  // a special file such as /dev/null: no temp, no rename
};

// True when `path` exists and is neither a regular file nor a directory
// (/dev/null, a FIFO, a terminal): such outputs are written in place.
bool IsSpecialFile(const std::string& path);

// Creates a directory and its parents (like mkdir -p).
Status MakeDirs(const std::string& path);

// Cache housekeeping: of the regular files in `dir` named PREFIX*SUFFIX, keeps
// `keep` (at least 1) and deletes the rest: `except` (a file name in `dir`,
// typically the one just written) and then the most recently modified. Best effort: errors are
// ignored, and a process that finds its cache file gone rebuilds it. Returns how many were deleted.
size_t PruneCacheFiles(const std::string& dir, std::string_view prefix, std::string_view suffix,
                       size_t keep, std::string_view except = {});

}  // namespace safegate
