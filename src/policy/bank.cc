// Keyword bank loading: CSV, JSONL and YAML into scan::Pattern. See policy.h.
//
// Each format is first read into RawItems (field name -> value and line), so
// that validation and error messages are the same for every format.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "policy/yaml_util.h"
#include "safegate/base/csv.h"
#include "safegate/base/file.h"
#include "safegate/policy/policy.h"

namespace safegate::policy {
namespace {

using internal::IsValidUtf8;

// Invalid UTF-8 in a JSON line is replaced by this noncharacter before
// parsing, so that the field that held it can be named afterwards.
constexpr std::string_view kBadUtf8Marker = "\xEF\xB7\x90";  // U+FDD0
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";    // U+FFFD (yaml-cpp's repair)

struct RawField {
  std::string value;
  uint64_t line = 0;
  bool invalid_utf8 = false;
};

struct RawItem {
  uint64_t line = 0;
  std::map<std::string, RawField, std::less<>> fields;
  std::string error;        // a problem found while reading (set: the item is bad)
  std::string error_field;  // the field of `error`, may be empty
};

// Collects items and reports item errors: the first is fatal unless lenient.
class Collector {
 public:
  Collector(const std::string& path, const BankLoadOptions& options,
            std::vector<std::string>* warnings)
      : path_(path), options_(options), warnings_(warnings) {}

  // Reports a problem with one item; returns the error when it is fatal.
  Status Report(uint64_t line, std::string_view field, std::string_view message) {
    std::string text = AtLocation(path_, line, field, message);
    if (!options_.lenient) return InvalidArgumentError(std::move(text));
    if (warnings_ != nullptr) warnings_->push_back(std::move(text));
    return OkStatus();
  }

  std::vector<scan::Pattern>& patterns() { return patterns_; }
  std::map<std::string, uint64_t, std::less<>>& seen() { return seen_; }
  const std::string& path() const { return path_; }

 private:
  const std::string& path_;
  const BankLoadOptions& options_;
  std::vector<std::string>* warnings_;
  std::vector<scan::Pattern> patterns_;
  std::map<std::string, uint64_t, std::less<>> seen_;  // id -> line
};

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
  });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

// Validates one item and appends its Pattern; item problems go to Report().
Status AddItem(const RawItem& item, const Taxonomy& taxonomy, Collector* out) {
  if (!item.error.empty()) return out->Report(item.line, item.error_field, item.error);
  // Field aliases.
  auto get = [&](std::string_view name) -> const RawField* {
    auto it = item.fields.find(name);
    if (it == item.fields.end() && name == "language") it = item.fields.find("lang");
    return it == item.fields.end() ? nullptr : &it->second;
  };
  for (const auto& [name, f] : item.fields) {
    if (f.invalid_utf8) return out->Report(f.line, name, "invalid UTF-8");
  }
  scan::Pattern p;
  for (const char* name : {"id", "category", "text"}) {
    const RawField* f = get(name);
    if (f == nullptr) return out->Report(item.line, name, "missing field");
    if (IsBlank(f->value)) return out->Report(f->line, name, "empty value");
  }
  const RawField* id = get("id");
  const RawField* category = get("category");
  const RawField* text = get("text");
  p.id = Trim(id->value);
  p.category = Trim(category->value);
  p.text = text->value;
  if (!taxonomy.Contains(p.category)) {
    return out->Report(category->line, "category", "unknown category '" + p.category + "'");
  }
  if (const RawField* lang = get("language")) p.language = Trim(lang->value);
  if (const RawField* type = get("type")) {
    const std::string t = Lower(Trim(type->value));
    if (t == "regex") {
      p.regex = true;
    } else if (t != "literal" && !t.empty()) {
      return out->Report(type->line, "type",
                         "must be 'literal' or 'regex', not '" + type->value + "'");
    }
  }
  if (const RawField* ww = get("whole_word")) {
    const std::string v = Trim(ww->value);
    if (!v.empty()) {
      std::optional<bool> b = internal::ParseBool(v);
      if (!b || Lower(v) == "on" || Lower(v) == "off") {
        return out->Report(ww->line, "whole_word",
                           "must be true/false/1/0/yes/no, not '" + ww->value + "'");
      }
      p.whole_word = *b;
    }
  }
  auto [it, inserted] = out->seen().emplace(p.id, item.line);
  if (!inserted) {
    return out->Report(id->line, "id",
                       "duplicate id '" + p.id + "' (first at " + out->path() + ":" +
                           std::to_string(it->second) + ")");
  }
  p.origin = out->path() + ":" + std::to_string(item.line);
  out->patterns().push_back(std::move(p));
  return OkStatus();
}

// ----- CSV (RFC 4180, base/csv.h) -----

Status LoadCsv(std::string_view data, const Taxonomy& taxonomy, Collector* out) {
  const std::string& path = out->path();
  CsvReader csv(data, path);
  struct {
    std::vector<std::string> fields;
    std::string error;
    uint64_t line = 0;
  } rec;
  // Header (blank lines before it are skipped).
  std::vector<std::string> header;
  while (true) {
    SAFEGATE_ASSIGN_OR_RETURN(bool more, csv.NextRecord(&rec.fields, &rec.error));
    rec.line = csv.line();
    if (!more)
      return InvalidArgumentError(AtLocation(path, 0, "", "empty CSV file: no header row"));
    if (!rec.error.empty()) return InvalidArgumentError(AtLocation(path, rec.line, "", rec.error));
    if (rec.fields.size() == 1 && IsBlank(rec.fields[0])) continue;
    break;
  }
  const uint64_t header_line = rec.line;
  std::set<std::string> names;
  for (const std::string& f : rec.fields) {
    std::string name = Lower(Trim(f));
    if (name == "lang") name = "language";
    if (!IsValidUtf8(name)) {
      return InvalidArgumentError(AtLocation(path, header_line, "", "invalid UTF-8 in the header"));
    }
    if (!name.empty() && !names.insert(name).second) {
      return InvalidArgumentError(AtLocation(path, header_line, name, "duplicate column"));
    }
    header.push_back(std::move(name));
  }
  for (const char* required : {"id", "category", "text"}) {
    if (!names.count(required)) {
      return InvalidArgumentError(AtLocation(path, header_line, required, "missing column"));
    }
  }
  while (true) {
    SAFEGATE_ASSIGN_OR_RETURN(bool more, csv.NextRecord(&rec.fields, &rec.error));
    rec.line = csv.line();
    if (!more) break;
    if (rec.error.empty() && rec.fields.size() == 1 && IsBlank(rec.fields[0])) continue;
    RawItem item;
    item.line = rec.line;
    if (!rec.error.empty()) {
      item.error = rec.error;
    } else if (rec.fields.size() > header.size()) {
      item.error = std::to_string(rec.fields.size()) + " fields, but the header has " +
                   std::to_string(header.size());
    } else {
      for (size_t i = 0; i < rec.fields.size(); ++i) {
        if (header[i].empty()) continue;
        RawField f;
        f.line = rec.line;
        f.invalid_utf8 = !IsValidUtf8(rec.fields[i]);
        f.value = std::move(rec.fields[i]);
        item.fields.emplace(header[i], std::move(f));
      }
    }
    SAFEGATE_RETURN_IF_ERROR(AddItem(item, taxonomy, out));
  }
  return OkStatus();
}

// ----- JSONL -----

// Replaces each invalid UTF-8 sequence by kBadUtf8Marker.
std::string MarkInvalidUtf8(std::string_view s) {
  std::string out;
  size_t bad = 0;
  while (!IsValidUtf8(s, &bad)) {
    out.append(s.substr(0, bad));
    out.append(kBadUtf8Marker);
    // Skip the lead byte and any continuation bytes that follow it.
    size_t skip = 1;
    while (bad + skip < s.size() && (static_cast<unsigned char>(s[bad + skip]) & 0xC0) == 0x80 &&
           skip < 4) {
      ++skip;
    }
    s.remove_prefix(bad + skip);
  }
  out.append(s);
  return out;
}

Status LoadJsonl(std::string_view data, const Taxonomy& taxonomy, Collector* out) {
  if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);
  uint64_t line_no = 0;
  while (!data.empty()) {
    ++line_no;
    const size_t nl = data.find('\n');
    std::string_view line = data.substr(0, nl);
    data.remove_prefix(nl == std::string_view::npos ? data.size() : nl + 1);
    if (IsBlank(line)) continue;
    RawItem item;
    item.line = line_no;
    const std::string text = MarkInvalidUtf8(line);
    nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      item.error = "invalid JSON";
    } else if (!j.is_object()) {
      item.error = "each line must be a JSON object";
    } else {
      for (auto it = j.begin(); it != j.end(); ++it) {
        std::string key = Lower(it.key());
        if (key == "lang") key = "language";
        RawField f;
        f.line = line_no;
        const nlohmann::json& v = it.value();
        if (v.is_null()) continue;
        if (v.is_string()) {
          f.value = v.get_ref<const std::string&>();
        } else if (v.is_boolean()) {
          f.value = v.get<bool>() ? "true" : "false";
        } else if (v.is_number()) {
          f.value = v.dump();
        } else if (v.is_array() && (key == "tags" || key == "notes")) {
          for (const nlohmann::json& e : v) {
            if (!e.is_string()) continue;
            if (!f.value.empty()) f.value += ',';
            f.value += e.get_ref<const std::string&>();
          }
        } else {
          item.error = "must be a string";
          item.error_field = key;
          break;
        }
        f.invalid_utf8 = f.value.find(kBadUtf8Marker) != std::string::npos;
        item.fields[key] = std::move(f);
      }
      if (item.error.empty() && text.size() != line.size()) {
        bool named = false;
        for (const auto& [k, f] : item.fields) named |= f.invalid_utf8;
        if (!named) item.error = "invalid UTF-8";
      }
    }
    SAFEGATE_RETURN_IF_ERROR(AddItem(item, taxonomy, out));
  }
  return OkStatus();
}

// ----- YAML -----

// 1-based lines that hold invalid UTF-8.
std::set<uint64_t> InvalidUtf8Lines(std::string_view data) {
  std::set<uint64_t> lines;
  uint64_t line = 1;
  size_t start = 0;
  while (start <= data.size()) {
    size_t nl = data.find('\n', start);
    if (nl == std::string_view::npos) nl = data.size();
    if (!IsValidUtf8(data.substr(start, nl - start))) lines.insert(line);
    start = nl + 1;
    ++line;
  }
  return lines;
}

Status LoadYaml(std::string_view data, const Taxonomy& taxonomy, Collector* out) {
  const std::string& path = out->path();
  std::set<uint64_t> bad_lines = InvalidUtf8Lines(data);
  SAFEGATE_ASSIGN_OR_RETURN(YAML::Node root, internal::ParseYaml(data, path));
  YAML::Node items = root;
  if (root.IsMap()) {
    items = root["items"];
    if (!items.IsDefined()) {
      return InvalidArgumentError(AtLocation(path, std::max<uint64_t>(1, internal::LineOf(root)),
                                             "items", "missing field (a bank is a list of items)"));
    }
  }
  if (root.IsNull()) return OkStatus();  // an empty file: an empty bank
  if (!items.IsSequence()) {
    return internal::ErrorAt(path, items, "items", "a bank must be a list of items");
  }
  for (const YAML::Node& node : items) {
    RawItem item;
    item.line = internal::LineOf(node);
    if (!node.IsMap()) {
      item.error = "each item must be a mapping";
    } else {
      for (const auto& kv : node) {
        std::string key = kv.first.IsScalar() ? Lower(kv.first.Scalar()) : std::string("?");
        if (key == "lang") key = "language";
        const YAML::Node& v = kv.second;
        RawField f;
        f.line = internal::LineOf(v);
        if (f.line == 0) f.line = item.line;
        if (v.IsNull()) continue;
        if (v.IsScalar()) {
          f.value = v.Scalar();
        } else if (v.IsSequence() && (key == "tags" || key == "notes")) {
          for (const YAML::Node& e : v) {
            if (!e.IsScalar()) continue;
            if (!f.value.empty()) f.value += ',';
            f.value += e.Scalar();
          }
        } else {
          item.error = "must be a string";
          item.error_field = key;
          item.line = f.line;
          break;
        }
        // yaml-cpp repairs invalid UTF-8 into U+FFFD; the raw line tells.
        if (!IsValidUtf8(f.value) ||
            (bad_lines.count(f.line) && f.value.find(kReplacement) != std::string::npos)) {
          f.invalid_utf8 = true;
          bad_lines.erase(f.line);
        }
        item.fields[key] = std::move(f);
      }
    }
    SAFEGATE_RETURN_IF_ERROR(AddItem(item, taxonomy, out));
  }
  // Invalid UTF-8 outside any value (in a key or a comment).
  for (uint64_t line : bad_lines) SAFEGATE_RETURN_IF_ERROR(out->Report(line, "", "invalid UTF-8"));
  return OkStatus();
}

enum class BankFormat { kCsv, kJsonl, kYaml, kUnknown };

BankFormat FormatOf(const std::string& path) {
  const size_t dot = path.find_last_of('.');
  const size_t slash = path.find_last_of('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) {
    return BankFormat::kUnknown;
  }
  const std::string ext = Lower(path.substr(dot + 1));
  if (ext == "csv") return BankFormat::kCsv;
  if (ext == "jsonl" || ext == "json") return BankFormat::kJsonl;
  if (ext == "yaml" || ext == "yml") return BankFormat::kYaml;
  return BankFormat::kUnknown;
}

}  // namespace

Result<std::vector<scan::Pattern>> LoadKeywordBank(const std::string& path,
                                                   const Taxonomy& taxonomy,
                                                   const BankLoadOptions& options,
                                                   std::vector<std::string>* warnings) {
  const BankFormat format = FormatOf(path);
  if (format == BankFormat::kUnknown) {
    return InvalidArgumentError(
        AtLocation(path, 0, "", "unknown bank format (use .csv, .jsonl, .json, .yaml or .yml)"));
  }
  SAFEGATE_ASSIGN_OR_RETURN(std::string data, ReadFile(path));
  Collector out(path, options, warnings);
  try {
    switch (format) {
      case BankFormat::kCsv: SAFEGATE_RETURN_IF_ERROR(LoadCsv(data, taxonomy, &out)); break;
      case BankFormat::kJsonl: SAFEGATE_RETURN_IF_ERROR(LoadJsonl(data, taxonomy, &out)); break;
      case BankFormat::kYaml: SAFEGATE_RETURN_IF_ERROR(LoadYaml(data, taxonomy, &out)); break;
      case BankFormat::kUnknown: break;
    }
  } catch (const YAML::Exception& e) {
    const uint64_t line = e.mark.line >= 0 ? static_cast<uint64_t>(e.mark.line) + 1 : 0;
    return InvalidArgumentError(AtLocation(path, line, "", e.msg));
  } catch (const std::exception& e) {
    return InternalError(AtLocation(path, 0, "", std::string("unexpected error: ") + e.what()));
  }
  return std::move(out.patterns());
}

}  // namespace safegate::policy
