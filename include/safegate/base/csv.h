// CSV (RFC 4180) reading and writing.
//
// The reader accepts a UTF-8 BOM, CRLF or LF line ends, quoted fields with
// doubled quotes and embedded newlines. Each record knows the line it starts
// on, so errors can name FILE:LINE. Not thread-safe; cheap to construct.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"

namespace safegate {

class CsvReader {
 public:
  // `data` must outlive the reader; `name` is used in error messages, and
  // `first_line` is the line number of data's first line in that file (for a
  // reader over one piece of a file read in pieces; see CsvRecordSplitter).
  // A UTF-8 BOM is skipped only when first_line is 1 (the file's start).
  CsvReader(std::string_view data, std::string name, uint64_t first_line = 1);

  // Reads the next record into *fields. Returns false at the end. Fails on an
  // unterminated quoted field or a stray quote, naming the line.
  Result<bool> Next(std::vector<std::string>* fields);

  // Like Next(), but a malformed record (a quote inside an unquoted field, a
  // character after a closing quote) is not fatal: *record_error describes
  // it, the rest of its line is skipped and reading can go on. Only an
  // unterminated quoted field (which swallows the rest of the file) fails.
  Result<bool> NextRecord(std::vector<std::string>* fields, std::string* record_error);
  // Line number (1-based) where the last record returned by Next() started.
  uint64_t line() const { return record_line_; }

 private:
  std::string_view data_;
  std::string name_;
  size_t pos_ = 0;
  uint64_t line_ = 1;
  uint64_t record_line_ = 0;
};

// Finds where records end in a CSV file read one physical line at a time, by
// the rules CsvReader reads it with (a quoted field may span lines; a stray
// quote ends its record at the end of the line). Feed it every line, each
// with its '\n' (the file's last may lack it); when Feed returns true, the
// lines fed since the last true hold exactly one record (or a header) for a
// CsvReader. Lets a large file be read in constant memory.
class CsvRecordSplitter {
 public:
  bool Feed(std::string_view line);
  // True when the lines fed since the last record end inside a quoted field.
  bool in_quoted_field() const { return state_ == kQuoted; }

 private:
  enum State { kFieldStart, kUnquoted, kQuoted, kAfterClose, kSkip };
  State state_ = kFieldStart;
};

// Appends one CSV field, quoted when it contains a comma, quote, CR or LF.
void AppendCsvField(std::string_view field, std::string* out);
// Appends a whole record followed by "\n".
void AppendCsvRecord(const std::vector<std::string>& fields, std::string* out);

}  // namespace safegate
