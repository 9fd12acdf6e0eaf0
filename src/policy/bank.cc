// Bank loading: CSV, JSONL and YAML (files or directories) into BankItems,
// and keyword banks into scan::Pattern. See policy/bank.h and policy.h.
//
// Each format is first read into RawItems (field name -> value and line), so
// that validation and error messages are the same for every format.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <filesystem>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "safegate/base/csv.h"
#include "safegate/base/file.h"
#include "safegate/base/json.h"
#include "safegate/policy/matcher_cache.h"
#include "safegate/policy/policy.h"
#include "safegate/policy/yaml_util.h"

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
// One Collector serves every file of a bank, so ids are unique across files.
class Collector {
 public:
  Collector(BankKind kind, const Taxonomy& taxonomy, const BankLoadOptions& options,
            std::vector<std::string>* warnings)
      : kind_(kind), taxonomy_(taxonomy), options_(options), warnings_(warnings) {
    topics_.insert(options.topics.begin(), options.topics.end());
  }

  // Reports a problem with one item; returns the error when it is fatal.
  Status Report(uint64_t line, std::string_view field, std::string_view message) {
    std::string text = AtLocation(path_, line, field, message);
    if (!options_.lenient) return InvalidArgumentError(std::move(text));
    if (warnings_ != nullptr) warnings_->push_back(std::move(text));
    return OkStatus();
  }

  BankKind kind() const { return kind_; }
  const Taxonomy& taxonomy() const { return taxonomy_; }
  const std::set<std::string, std::less<>>& topics() const { return topics_; }
  std::vector<BankItem>& items() { return items_; }
  std::map<std::string, std::string, std::less<>>& seen() { return seen_; }
  const std::string& path() const { return path_; }
  void set_path(std::string path) { path_ = std::move(path); }

 private:
  BankKind kind_;
  const Taxonomy& taxonomy_;
  const BankLoadOptions& options_;
  std::vector<std::string>* warnings_;
  std::set<std::string, std::less<>> topics_;
  std::string path_;
  std::vector<BankItem> items_;
  std::map<std::string, std::string, std::less<>> seen_;  // id -> "FILE:LINE"
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

// Canonical field names: synonyms map to one name.
std::string CanonicalField(std::string key) {
  key = Lower(key);
  if (key == "language") return "lang";
  if (key == "topic") return "category";
  return key;
}

std::vector<std::string> SplitTags(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string_view::npos) comma = s.size();
    std::string t = Trim(s.substr(start, comma - start));
    if (!t.empty()) out.push_back(std::move(t));
    start = comma + 1;
  }
  return out;
}

// Validates one item and appends it; item problems go to Report().
Status AddItem(const RawItem& item, Collector* out) {
  if (!item.error.empty()) return out->Report(item.line, item.error_field, item.error);
  auto get = [&](std::string_view name) -> const RawField* {
    auto it = item.fields.find(name);
    return it == item.fields.end() ? nullptr : &it->second;
  };
  for (const auto& [name, f] : item.fields) {
    if (f.invalid_utf8) return out->Report(f.line, name, "invalid UTF-8");
    // A NUL byte (raw in CSV, \u0000 in JSON) is a damaged file: a keyword
    // holding one would silently match nothing.
    if (f.value.find('\0') != std::string::npos) {
      return out->Report(f.line, name, "contains a NUL byte");
    }
  }
  const BankKind kind = out->kind();
  for (const char* name : {"id", "category", "text"}) {
    const RawField* f = get(name);
    if (f == nullptr) return out->Report(item.line, name, "missing field");
    if (IsBlank(f->value)) return out->Report(f->line, name, "empty value");
  }
  const RawField* id = get("id");
  const RawField* category = get("category");
  const RawField* text = get("text");
  BankItem b;
  b.id = Trim(id->value);
  b.category = Trim(category->value);
  b.text = text->value;
  b.file = out->path();
  b.line = item.line;
  if (kind == BankKind::kShouldAnswer) {
    if (!IsValidTopic(b.category)) {
      return out->Report(
          category->line, "category",
          "invalid topic '" + b.category + "' (letters, digits and . _ : / -, at most 64)");
    }
    if (!out->topics().empty() && !out->topics().count(b.category)) {
      return out->Report(category->line, "category", "unknown topic '" + b.category + "'");
    }
  } else if (!out->taxonomy().Contains(b.category)) {
    return out->Report(category->line, "category", "unknown category '" + b.category + "'");
  }
  if (const RawField* lang = get("lang")) b.lang = Trim(lang->value);
  if (b.lang.empty() && kind != BankKind::kKeywords) {
    return out->Report(get("lang") ? get("lang")->line : item.line, "lang",
                       get("lang") ? "empty value" : "missing field");
  }
  if (!b.lang.empty() && !IsValidLanguageTag(b.lang)) {
    return out->Report(get("lang")->line, "lang", "invalid BCP-47 language tag '" + b.lang + "'");
  }
  if (kind == BankKind::kKeywords) {
    if (const RawField* type = get("type")) {
      const std::string t = Lower(Trim(type->value));
      if (t == "regex") {
        b.regex = true;
      } else if (t != "literal" && !t.empty()) {
        return out->Report(type->line, "type",
                           "must be 'literal' or 'regex', not '" + type->value + "'");
      }
    }
    // Default: whole-word for literals, as written for regexes.
    b.whole_word = !b.regex;
    if (const RawField* ww = get("whole_word")) {
      const std::string v = Trim(ww->value);
      if (!v.empty()) {
        std::optional<bool> parsed = internal::ParseBool(v);
        if (!parsed || Lower(v) == "on" || Lower(v) == "off") {
          return out->Report(ww->line, "whole_word",
                             "must be true/false/1/0/yes/no, not '" + ww->value + "'");
        }
        b.whole_word = *parsed;
      }
    }
    if (const RawField* phrase = get("phrase")) {
      b.phrase = Lower(Trim(phrase->value));
      if (!b.phrase.empty() && b.phrase != "action" && b.phrase != "thing" && b.phrase != "topic") {
        return out->Report(phrase->line, "phrase",
                           "must be action, thing or topic, not '" + phrase->value + "'");
      }
    }
    b.inflect = b.whole_word;
    if (const RawField* inf = get("inflect")) {
      const std::string v = Trim(inf->value);
      if (!v.empty()) {
        std::optional<bool> parsed = internal::ParseBool(v);
        if (!parsed || Lower(v) == "on" || Lower(v) == "off") {
          return out->Report(inf->line, "inflect",
                             "must be true/false/1/0/yes/no, not '" + inf->value + "'");
        }
        b.inflect = *parsed;
      }
    }
  }
  if (const RawField* added = get("added")) {
    b.added = Trim(added->value);
    if (!b.added.empty() && !IsValidDate(b.added)) {
      return out->Report(added->line, "added", "must be a date YYYY-MM-DD, not '" + b.added + "'");
    }
  }
  if (const RawField* tags = get("tags")) b.tags = SplitTags(tags->value);
  if (const RawField* source = get("source")) b.source = Trim(source->value);
  if (const RawField* k = get("keyword_id")) b.keyword_id = Trim(k->value);
  if (const RawField* t = get("template_id")) b.template_id = Trim(t->value);
  const std::string here = out->path() + ":" + std::to_string(item.line);
  auto [it, inserted] = out->seen().emplace(b.id, here);
  if (!inserted) {
    return out->Report(id->line, "id", "duplicate id '" + b.id + "' (first at " + it->second + ")");
  }
  out->items().push_back(std::move(b));
  return OkStatus();
}

// ----- CSV (RFC 4180, base/csv.h) -----

Status LoadCsv(std::string_view data, Collector* out) {
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
    std::string name = CanonicalField(Trim(f));
    if (!IsValidUtf8(name)) {
      return InvalidArgumentError(AtLocation(path, header_line, "", "invalid UTF-8 in the header"));
    }
    if (!name.empty() && !names.insert(name).second) {
      return InvalidArgumentError(AtLocation(path, header_line, name, "duplicate column"));
    }
    header.push_back(std::move(name));
  }
  for (const char* required : {"id", "category", "text", "lang"}) {
    if (std::string_view(required) == "lang" && out->kind() == BankKind::kKeywords) continue;
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
    SAFEGATE_RETURN_IF_ERROR(AddItem(item, out));
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

Status LoadJsonl(std::string_view data, Collector* out) {
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
    nlohmann::json j = ParseUntrustedJson(text);
    if (j.is_discarded()) {
      item.error = "invalid JSON";
    } else if (!j.is_object()) {
      item.error = "each line must be a JSON object";
    } else {
      for (auto it = j.begin(); it != j.end(); ++it) {
        std::string key = CanonicalField(it.key());
        RawField f;
        f.line = line_no;
        const nlohmann::json& v = it.value();
        if (v.is_null()) continue;
        if (v.is_string()) {
          f.value = v.get_ref<const std::string&>();
        } else if (v.is_boolean()) {
          f.value = v.get<bool>() ? "true" : "false";
        } else if (v.is_number()) {
          f.value = DumpJson(v);
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
    SAFEGATE_RETURN_IF_ERROR(AddItem(item, out));
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

Status LoadYaml(std::string_view data, Collector* out) {
  const std::string& path = out->path();
  std::set<uint64_t> bad_lines = InvalidUtf8Lines(data);
  SAFEGATE_ASSIGN_OR_RETURN(YAML::Node root,
                            internal::ParseYaml(data, path, std::numeric_limits<size_t>::max()));
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
        std::string key =
            kv.first.IsScalar() ? CanonicalField(kv.first.Scalar()) : std::string("?");
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
    SAFEGATE_RETURN_IF_ERROR(AddItem(item, out));
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

Status UnknownFormatError(const std::string& path) {
  return InvalidArgumentError(
      AtLocation(path, 0, "", "unknown bank format (use .csv, .jsonl, .json, .yaml or .yml)"));
}

// Parses one file's bytes `data` (read from `path`) into `out`.
Status ParseFile(const std::string& path, std::string_view data, Collector* out) {
  const BankFormat format = FormatOf(path);
  if (format == BankFormat::kUnknown) return UnknownFormatError(path);
  out->set_path(path);
  try {
    switch (format) {
      case BankFormat::kCsv: SAFEGATE_RETURN_IF_ERROR(LoadCsv(data, out)); break;
      case BankFormat::kJsonl: SAFEGATE_RETURN_IF_ERROR(LoadJsonl(data, out)); break;
      case BankFormat::kYaml: SAFEGATE_RETURN_IF_ERROR(LoadYaml(data, out)); break;
      case BankFormat::kUnknown: break;
    }
  } catch (const YAML::Exception& e) {
    const uint64_t line = e.mark.line >= 0 ? static_cast<uint64_t>(e.mark.line) + 1 : 0;
    return InvalidArgumentError(AtLocation(path, line, "", e.msg));
  } catch (const std::exception& e) {
    return InternalError(AtLocation(path, 0, "", std::string("unexpected error: ") + e.what()));
  }
  return OkStatus();
}

// Reads and parses one file into `out`.
Status LoadFile(const std::string& path, Collector* out) {
  if (FormatOf(path) == BankFormat::kUnknown) return UnknownFormatError(path);
  SAFEGATE_ASSIGN_OR_RETURN(std::string data, ReadFile(path));
  return ParseFile(path, data, out);
}

// The bank files of `path`: itself when a file, else every bank file below it
// (hidden entries skipped), sorted.
Result<std::vector<std::string>> BankFiles(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return std::vector<std::string>{path};
  std::vector<std::string> files;
  fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
  if (ec) return IoError(AtLocation(path, 0, "", "cannot list the directory: " + ec.message()));
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return IoError(AtLocation(path, 0, "", "cannot list the directory: " + ec.message()));
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    if (FormatOf(it->path().string()) == BankFormat::kUnknown) continue;
    files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Checks one BCP-47 subtag sequence after the primary language subtag.
bool IsAlpha(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
}
bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool IsAlnum(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

}  // namespace

std::string_view BankKindName(BankKind kind) {
  switch (kind) {
    case BankKind::kKeywords: return "keywords";
    case BankKind::kGenerated: return "generated";
    case BankKind::kShouldRefuse: return "should_refuse";
    case BankKind::kShouldAnswer: return "should_answer";
  }
  return "?";
}

std::optional<BankKind> ParseBankKind(std::string_view name) {
  std::string n(name);
  std::replace(n.begin(), n.end(), '-', '_');
  for (BankKind k : AllBankKinds()) {
    if (BankKindName(k) == n) return k;
  }
  return std::nullopt;
}

std::vector<BankKind> AllBankKinds() {
  return {BankKind::kKeywords, BankKind::kGenerated, BankKind::kShouldRefuse,
          BankKind::kShouldAnswer};
}

bool IsValidLanguageTag(std::string_view tag) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= tag.size()) {
    size_t dash = tag.find('-', start);
    if (dash == std::string_view::npos) dash = tag.size();
    parts.push_back(tag.substr(start, dash - start));
    start = dash + 1;
  }
  for (std::string_view p : parts) {
    if (p.empty() || p.size() > 8 || !IsAlnum(p)) return false;
  }
  size_t i = 0;
  auto privateuse = [&](size_t from) {
    // "x" followed by one or more 1-8 alphanumerics.
    return from + 1 < parts.size();
  };
  if (parts[0] == "x" || parts[0] == "X") return privateuse(0);
  // language: 2-3 alpha (+ up to three 3-alpha extlangs), or 4-8 alpha.
  if (!IsAlpha(parts[0]) || parts[0].size() < 2) return false;
  const bool short_lang = parts[0].size() <= 3;
  i = 1;
  if (short_lang) {
    for (int e = 0; e < 3 && i < parts.size() && parts[i].size() == 3 && IsAlpha(parts[i]); ++e) {
      ++i;
    }
  }
  if (i < parts.size() && parts[i].size() == 4 && IsAlpha(parts[i])) ++i;  // script
  if (i < parts.size() && ((parts[i].size() == 2 && IsAlpha(parts[i])) ||
                           (parts[i].size() == 3 && IsDigits(parts[i])))) {
    ++i;  // region
  }
  // variants: 5-8 alnum, or digit + 3 alnum.
  while (i < parts.size() && ((parts[i].size() >= 5) ||
                              (parts[i].size() == 4 && parts[i][0] >= '0' && parts[i][0] <= '9'))) {
    ++i;
  }
  // extensions: singleton (not x) + one or more 2-8 alnum.
  while (i < parts.size() && parts[i].size() == 1 && parts[i] != "x" && parts[i] != "X") {
    ++i;
    size_t n = 0;
    while (i < parts.size() && parts[i].size() >= 2) ++i, ++n;
    if (n == 0) return false;
  }
  if (i < parts.size() && (parts[i] == "x" || parts[i] == "X")) return privateuse(i);
  return i == parts.size();
}

bool IsValidDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  if (!IsDigits(d.substr(0, 4)) || !IsDigits(d.substr(5, 2)) || !IsDigits(d.substr(8, 2))) {
    return false;
  }
  const int y = std::stoi(std::string(d.substr(0, 4)));
  const int m = std::stoi(std::string(d.substr(5, 2)));
  const int day = std::stoi(std::string(d.substr(8, 2)));
  if (m < 1 || m > 12 || day < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return day <= max;
}

bool IsValidTopic(std::string_view t) {
  if (t.empty() || t.size() > 64) return false;
  auto ok = [](char c, bool first) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return !first && (c == '.' || c == '_' || c == ':' || c == '/' || c == '-');
  };
  for (size_t i = 0; i < t.size(); ++i) {
    if (!ok(t[i], i == 0)) return false;
  }
  return true;
}

Result<Bank> LoadBanks(const std::vector<std::string>& paths, BankKind kind,
                       const Taxonomy& taxonomy, const BankLoadOptions& options,
                       std::vector<std::string>* warnings) {
  Collector out(kind, taxonomy, options, warnings);
  Bank bank;
  bank.kind = kind;
  for (const std::string& path : paths) {
    SAFEGATE_ASSIGN_OR_RETURN(std::vector<std::string> files, BankFiles(path));
    for (const std::string& file : files) {
      SAFEGATE_RETURN_IF_ERROR(LoadFile(file, &out));
      bank.files.push_back(file);
    }
  }
  bank.items = std::move(out.items());
  return bank;
}

Result<std::vector<BankFile>> ReadBankFiles(const std::string& path_or_dir) {
  SAFEGATE_ASSIGN_OR_RETURN(std::vector<std::string> paths, BankFiles(path_or_dir));
  std::vector<BankFile> files;
  files.reserve(paths.size());
  for (std::string& path : paths) {
    if (FormatOf(path) == BankFormat::kUnknown) return UnknownFormatError(path);
    SAFEGATE_ASSIGN_OR_RETURN(std::string data, ReadFile(path));
    files.push_back(BankFile{std::move(path), std::move(data)});
  }
  return files;
}

Result<Bank> ParseBank(const std::vector<BankFile>& files, BankKind kind, const Taxonomy& taxonomy,
                       const BankLoadOptions& options, std::vector<std::string>* warnings) {
  Collector out(kind, taxonomy, options, warnings);
  Bank bank;
  bank.kind = kind;
  for (const BankFile& file : files) {
    SAFEGATE_RETURN_IF_ERROR(ParseFile(file.path, file.data, &out));
    bank.files.push_back(file.path);
  }
  bank.items = std::move(out.items());
  return bank;
}

Result<Bank> LoadBank(const std::string& path_or_dir, BankKind kind, const Taxonomy& taxonomy,
                      const BankLoadOptions& options, std::vector<std::string>* warnings) {
  return LoadBanks({path_or_dir}, kind, taxonomy, options, warnings);
}

namespace {

std::vector<scan::Pattern> KeywordPatterns(Bank bank) {
  std::vector<scan::Pattern> patterns;
  patterns.reserve(bank.items.size());
  for (BankItem& item : bank.items) patterns.push_back(KeywordPattern(std::move(item)));
  return patterns;
}

}  // namespace

Result<std::vector<scan::Pattern>> LoadKeywordBank(const std::string& path,
                                                   const Taxonomy& taxonomy,
                                                   const BankLoadOptions& options,
                                                   std::vector<std::string>* warnings) {
  SAFEGATE_ASSIGN_OR_RETURN(Bank bank,
                            LoadBank(path, BankKind::kKeywords, taxonomy, options, warnings));
  return KeywordPatterns(std::move(bank));
}

Result<std::vector<scan::Pattern>> ParseKeywordBank(const std::vector<BankFile>& files,
                                                    const Taxonomy& taxonomy,
                                                    const BankLoadOptions& options,
                                                    std::vector<std::string>* warnings) {
  SAFEGATE_ASSIGN_OR_RETURN(Bank bank,
                            ParseBank(files, BankKind::kKeywords, taxonomy, options, warnings));
  return KeywordPatterns(std::move(bank));
}

scan::Pattern KeywordPattern(BankItem item) {
  scan::Pattern p;
  p.id = std::move(item.id);
  p.category = std::move(item.category);
  p.language = std::move(item.lang);
  p.text = std::move(item.text);
  p.regex = item.regex;
  p.whole_word = item.whole_word;
  p.inflect = item.inflect;
  p.origin = item.file + ":" + std::to_string(item.line);
  return p;
}

}  // namespace safegate::policy
