// Reading the documents of one unit.
//
// UnitReader streams a unit's documents through a fixed-size buffer (memory
// does not grow with the file), decompressing .gz and .zst on the fly. For
// JSONL it parses each line (simdjson) and extracts the text and id fields.
// A bad line (invalid JSON, missing or non-string text field, a document over
// max_doc_bytes, a truncated archive) is skipped and recorded as a BadRecord
// with its line; documents that are empty or whitespace-only lines are skipped
// silently. Truncated or corrupt archives end the unit with a BadRecord (the
// documents read before the damage are kept).
//
// Lines: split on '\n' only; a trailing '\r' is stripped (CRLF), and so is a
// UTF-8 BOM at file offset 0. Empty and whitespace-only lines are counted in
// lines() but produce no document and no BadRecord. Invalid UTF-8 is not a
// reader error for kLines/kFiles (the text normaliser repairs it); for JSONL,
// simdjson rejects invalid UTF-8 inside the JSON, so such a line becomes
// "invalid JSON: ...".
//
// A compressed unit that decodes past ReaderOptions::max_ratio times its
// compressed size is an error (kInvalidArgument) from Next, not a BadRecord:
// what follows is not read, so no count could describe the file.
//
// A NUL byte in a line of the unit (or anywhere in a kFiles file) is an error
// (kInvalidArgument) from Next naming the file, its line (LinesBefore added)
// and the byte offset: the file is refused as Plan::Make refuses one with a
// NUL in its first 4 KiB (binary data, UTF-16/UTF-32 text), wherever the NUL
// is, so that no command reads such a file as text or as a bad line.
//
// BadRecord reasons: "invalid JSON: <simdjson message>", "not a JSON object",
// "field 'F' missing", "field 'F' not a string", "field 'F' not a string or
// number" (id field), "line longer than N bytes", "file longer than N bytes"
// (kFiles), "truncated gzip stream", "corrupt gzip stream: <zlib message>",
// "trailing garbage after gzip stream", "truncated zstd stream",
// "corrupt zstd stream: <zstd message>". An archive error is recorded with the
// line number and offset of the partial line it cut (which is dropped).
//
// Memory: a 4 MiB line buffer (+1 MiB input buffer for archives) per reader;
// the line buffer grows only while one line does not fit, up to
// max_doc_bytes + 1. A longer line is skipped as it streams, never held whole.
//
// Not thread-safe: one reader per thread, reused across units. The Plan must
// outlive the reader's use of a unit opened from it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/corpus/source.h"

namespace safegate::corpus {

struct ReaderOptions {
  uint64_t max_doc_bytes = 16ull << 20;  // a longer line/file is a BadRecord
  // When false, JSONL lines are not parsed: Document::text and id are empty
  // and Document::raw holds the line. Parse() then parses one document on
  // demand. Used by sampling, which needs only identities for most lines.
  bool parse = true;
  // Compression bombs: a .gz/.zst unit that has decoded more than
  // max(kRatioFloorBytes, max_ratio x the compressed bytes read so far) stops
  // the read with an error naming the file and the line (0 = no limit). Real
  // text compresses 3-20x (100x when highly repetitive); gzip cannot pass
  // 1,032x, so the default stops only zstd (or nested) bombs: 1 KiB of zstd
  // can hold gigabytes of newlines, read one empty line at a time for minutes.
  uint64_t max_ratio = 2000;
  // Set to true (e.g. from a SIGINT/SIGTERM handler) to stop soon: the next
  // read of the file fails with kUnavailable "interrupted", so a job ends the
  // way it ends on any error (temporary outputs removed, a scan's checkpoint
  // kept for resuming).
  const std::atomic<bool>* stop = nullptr;
};

inline constexpr uint64_t kRatioFloorBytes = 64ull << 20;

struct Document {
  std::string_view text;  // decoded text field (JSONL) or the line/file bytes
  std::string_view id;    // id field as text (JSONL with id_field), else empty
  std::string_view raw;   // the raw line without its newline (whole file for kFiles)
  uint64_t offset = 0;    // byte offset of the line in the uncompressed file
  uint64_t line = 0;      // 1-based line number within the unit (add LinesBefore)
};

struct BadRecord {
  uint32_t file = 0;
  uint64_t line = 0;  // within the unit, as Document::line (0 when unknown)
  uint64_t offset = 0;
  std::string reason;  // "invalid JSON: ...", "field 'text' missing", ...
};

class UnitReader {
 public:
  UnitReader();
  ~UnitReader();

  // Opens the unit. Fails (kIoError, kDataLoss) only when the file cannot be
  // opened at all, and (kFailedPrecondition) when it is not the file the plan
  // saw (another inode, size or mtime); damage inside the file becomes BadRecords.
  Status Open(const Plan& plan, const Unit& unit, const ReaderOptions& options);

  // Reads the next document. Returns false at the end of the unit (and keeps
  // returning false until the next Open). The views in *doc stay valid until
  // the next call to Next or Open. Fails on I/O errors (then the unit ends), on
  // a compression bomb or a NUL byte (kInvalidArgument, see above) and, at the
  // end of the unit, when the file changed while it was read
  // (kFailedPrecondition naming it: a truncated file would count a fraction).
  Result<bool> Next(Document* doc);

  // For ReaderOptions::parse == false: parses the current document's raw JSONL
  // line into doc->text and doc->id. Returns false (and records a BadRecord)
  // when the line is bad. Zero-copy when doc is the document Next() just
  // returned; any other doc->raw is copied first. For kLines/kFiles it sets
  // text = raw and returns true.
  bool Parse(Document* doc);

  // Bad records since Open (cleared by Open).
  const std::vector<BadRecord>& bad() const;
  // Lines owned by the unit so far (including empty and bad lines).
  uint64_t lines() const;
  // Bytes of the on-disk file consumed so far (compressed bytes for archives).
  // At the end of a unit it equals the unit's share exactly (end - begin for
  // plain units, the file size for whole-file units), so the sum over all
  // units equals Plan::total_bytes().
  uint64_t disk_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reading one field of a JSON record by dotted path (ExtractField): field.h.

}  // namespace safegate::corpus
