#include "safegate/base/csv.h"

namespace safegate {

CsvReader::CsvReader(std::string_view data, std::string name, uint64_t first_line)
    : data_(data), name_(std::move(name)), line_(first_line) {
  // A BOM only starts a file: a piece from the middle keeps its bytes.
  if (first_line == 1 && data_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

bool CsvRecordSplitter::Feed(std::string_view line) {
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    switch (state_) {
      case kFieldStart:
        if (c == '"') {
          state_ = kQuoted;
          break;
        }
        state_ = kUnquoted;
        [[fallthrough]];
      case kUnquoted:
        if (c == '"') {
          state_ = kSkip;  // CsvReader: an error for this record, the rest of the line skipped
        } else if (c == ',') {
          state_ = kFieldStart;
        } else if (c == '\n') {
          state_ = kFieldStart;
          return true;
        }
        break;
      case kQuoted:
        if (c == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            ++i;
          } else {
            state_ = kAfterClose;
          }
        }
        break;
      case kAfterClose:
        if (c == '\r' && i + 1 < line.size() && line[i + 1] == '\n') break;
        if (c == ',') {
          state_ = kFieldStart;
        } else if (c == '\n') {
          state_ = kFieldStart;
          return true;
        } else {
          state_ = kSkip;
        }
        break;
      case kSkip:
        if (c == '\n') {
          state_ = kFieldStart;
          return true;
        }
        break;
    }
  }
  return false;
}

Result<bool> CsvReader::Next(std::vector<std::string>* fields) {
  std::string error;
  SAFEGATE_ASSIGN_OR_RETURN(bool more, NextRecord(fields, &error));
  if (!error.empty()) return InvalidArgumentError(AtLocation(name_, record_line_, "", error));
  return more;
}

Result<bool> CsvReader::NextRecord(std::vector<std::string>* fields, std::string* record_error) {
  fields->clear();
  record_error->clear();
  record_line_ = line_;
  const size_t n = data_.size();
  size_t i = pos_;
  if (i >= n) return false;
  auto skip_line = [&] {
    while (i < n && data_[i] != '\n') ++i;
    if (i < n) {
      ++i;
      ++line_;
    }
    pos_ = i;
  };
  std::string field;
  for (;;) {
    field.clear();
    if (i < n && data_[i] == '"') {
      const uint64_t quote_line = line_;
      ++i;
      for (;;) {
        if (i >= n)
          return InvalidArgumentError(
              AtLocation(name_, quote_line, "", "unterminated quoted field"));
        const char c = data_[i];
        if (c == '"') {
          if (i + 1 < n && data_[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (c == '\n') ++line_;
        field += c;
        ++i;
      }
      // After the closing quote: a separator or the end of the record.
      if (i + 1 < n && data_[i] == '\r' && data_[i + 1] == '\n') ++i;
      if (i < n && data_[i] != ',' && data_[i] != '\n') {
        *record_error = "unexpected character after a closing quote";
        skip_line();
        return true;
      }
    } else {
      while (i < n && data_[i] != ',' && data_[i] != '\n') {
        if (data_[i] == '"') {
          *record_error = "quote inside an unquoted field (quote the whole field and double it)";
          skip_line();
          return true;
        }
        field += data_[i];
        ++i;
      }
      if (!field.empty() && field.back() == '\r' && (i >= n || data_[i] == '\n')) field.pop_back();
    }
    fields->push_back(field);
    if (i < n && data_[i] == ',') {
      ++i;
      continue;
    }
    if (i < n) {  // '\n'
      ++i;
      ++line_;
    }
    break;
  }
  pos_ = i;
  return true;
}

void AppendCsvField(std::string_view field, std::string* out) {
  bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendCsvRecord(const std::vector<std::string>& fields, std::string* out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out->push_back(',');
    AppendCsvField(fields[i], out);
  }
  out->push_back('\n');
}

}  // namespace safegate
