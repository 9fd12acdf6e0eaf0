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
// Not thread-safe: one reader per thread, reused across units.
#pragma once

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
};

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
  // opened at all; damage inside the file becomes BadRecords.
  Status Open(const Plan& plan, const Unit& unit, const ReaderOptions& options);

  // Reads the next document. Returns false at the end of the unit. The views
  // in *doc stay valid until the next call. Fails only on I/O errors.
  Result<bool> Next(Document* doc);

  // For ReaderOptions::parse == false: parses the current document's raw JSONL
  // line into doc->text and doc->id. Returns false (and records a BadRecord)
  // when the line is bad.
  bool Parse(Document* doc);

  // Bad records since Open (cleared by Open).
  const std::vector<BadRecord>& bad() const;
  // Lines owned by the unit so far (including empty and bad lines).
  uint64_t lines() const;
  // Bytes of the on-disk file consumed so far (compressed bytes for archives).
  uint64_t disk_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Extracts a string (or a number, as text) at a dotted path from one JSON
// object. Used by the reader; exposed for tests and the fuzzer.
// Returns kInvalidArgument naming the field on failure.
Result<std::string> ExtractField(std::string_view json_line, std::string_view dotted_path);

}  // namespace safegate::corpus
