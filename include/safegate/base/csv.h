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
  // `data` must outlive the reader; `name` is used in error messages.
  CsvReader(std::string_view data, std::string name);

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

// Appends one CSV field, quoted when it contains a comma, quote, CR or LF.
void AppendCsvField(std::string_view field, std::string* out);
// Appends a whole record followed by "\n".
void AppendCsvRecord(const std::vector<std::string>& fields, std::string* out);

}  // namespace safegate
