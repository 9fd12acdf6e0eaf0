#include "safegate/base/csv.h"

namespace safegate {

CsvReader::CsvReader(std::string_view data, std::string name)
    : data_(data), name_(std::move(name)) {
  if (data_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

Result<bool> CsvReader::Next(std::vector<std::string>* fields) {
  fields->clear();
  if (pos_ >= data_.size()) return false;
  record_line_ = line_;
  std::string field;
  bool quoted = false;
  bool field_started_quoted = false;
  while (pos_ < data_.size()) {
    char c = data_[pos_];
    if (quoted) {
      if (c == '"') {
        if (pos_ + 1 < data_.size() && data_[pos_ + 1] == '"') {
          field.push_back('"');
          pos_ += 2;
          continue;
        }
        quoted = false;
        ++pos_;
        continue;
      }
      if (c == '\n') ++line_;
      field.push_back(c);
      ++pos_;
      continue;
    }
    if (c == '"') {
      if (!field.empty() || field_started_quoted) {
        return InvalidArgumentError(AtLocation(name_, line_, "", "stray quote inside a field"));
      }
      quoted = true;
      field_started_quoted = true;
      ++pos_;
      continue;
    }
    if (c == ',') {
      fields->push_back(std::move(field));
      field.clear();
      field_started_quoted = false;
      ++pos_;
      continue;
    }
    if (c == '\r' && pos_ + 1 < data_.size() && data_[pos_ + 1] == '\n') {
      ++pos_;
      continue;
    }
    if (c == '\n') {
      ++pos_;
      ++line_;
      fields->push_back(std::move(field));
      return true;
    }
    field.push_back(c);
    ++pos_;
  }
  if (quoted) {
    return InvalidArgumentError(AtLocation(name_, record_line_, "", "unterminated quoted field"));
  }
  fields->push_back(std::move(field));
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
