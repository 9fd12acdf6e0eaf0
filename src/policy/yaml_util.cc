#include "safegate/policy/yaml_util.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace safegate::policy::internal {

uint64_t LineOf(const YAML::Node& node) {
  if (!node.IsDefined()) return 0;
  const YAML::Mark mark = node.Mark();
  return mark.line >= 0 ? static_cast<uint64_t>(mark.line) + 1 : 0;
}

Status ErrorAt(const std::string& origin, const YAML::Node& node, std::string_view field,
               std::string_view message) {
  return InvalidArgumentError(AtLocation(origin, LineOf(node), field, message));
}

namespace {

// What a document may hold once aliases are expanded. Without aliases a node
// takes at least about two bytes of the file ("[1,1,1]"), so a document of
// more than twice its size in nodes (plus a small allowance for short files)
// is made of aliases ("billion laughs"); a reader walking it, or a bank
// turning it into items, would pay minutes and gigabytes. A fixed floor of a
// million nodes let a 64 KiB bank file expand into a million items, which the
// bank fuzzer found (2 GB).
constexpr size_t kNodeAllowance = 1024;
constexpr int kMaxYamlDepth = 1000;

uint64_t MarkLine(const YAML::Mark& mark) {
  return mark.line >= 0 ? static_cast<uint64_t>(mark.line) + 1 : 0;
}

// Tags a file may carry: none, the quoted-scalar "!" and the core schema's.
bool AllowedTag(const std::string& tag) {
  static const std::set<std::string, std::less<>> kCore = {"",
                                                           "?",
                                                           "!",
                                                           "tag:yaml.org,2002:str",
                                                           "tag:yaml.org,2002:int",
                                                           "tag:yaml.org,2002:float",
                                                           "tag:yaml.org,2002:bool",
                                                           "tag:yaml.org,2002:null",
                                                           "tag:yaml.org,2002:seq",
                                                           "tag:yaml.org,2002:map"};
  return kCore.count(tag) > 0;
}

// Walks the document as its readers will (aliases expanded): a duplicate key,
// a tag outside the core schema, too many nodes or too deep a nesting is an
// error naming its line.
Status CheckTree(const std::string& origin, const YAML::Node& node, int depth, size_t budget,
                 size_t* count) {
  if (++*count > budget) {
    return InvalidArgumentError(
        AtLocation(origin, LineOf(node), "",
                   "more than " + std::to_string(budget) +
                       " YAML nodes once aliases are expanded (nested aliases?)"));
  }
  if (depth > kMaxYamlDepth) {
    return InvalidArgumentError(AtLocation(
        origin, LineOf(node), "",
        "nested deeper than " + std::to_string(kMaxYamlDepth) + " levels through aliases"));
  }
  if (!AllowedTag(node.Tag())) {
    return InvalidArgumentError(
        AtLocation(origin, LineOf(node), "", "unsupported YAML tag '" + node.Tag() + "'"));
  }
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) {
      SAFEGATE_RETURN_IF_ERROR(CheckTree(origin, item, depth + 1, budget, count));
    }
  } else if (node.IsMap()) {
    std::set<std::string, std::less<>> keys;
    for (const auto& kv : node) {
      SAFEGATE_RETURN_IF_ERROR(CheckTree(origin, kv.first, depth + 1, budget, count));
      if (kv.first.IsScalar() && !keys.insert(kv.first.Scalar()).second) {
        return ErrorAt(origin, kv.first, kv.first.Scalar(), "duplicate key");
      }
      SAFEGATE_RETURN_IF_ERROR(CheckTree(origin, kv.second, depth + 1, budget, count));
    }
  }
  return OkStatus();
}

// Whether a document holds anything but an empty (null) node, and where
// (yaml-cpp's event interface: nothing is built).
class ContentFinder : public YAML::EventHandler {
 public:
  bool found = false;
  uint64_t line = 0;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { Found(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                const std::string&) override {
    Found(m);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Found(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Found(m);
  }
  void OnMapEnd() override {}

 private:
  void Found(const YAML::Mark& m) {
    if (!found) line = std::max<uint64_t>(MarkLine(m), 1);
    found = true;
  }
};

}  // namespace

Result<YAML::Node> ParseYaml(std::string_view text, const std::string& origin, size_t max_bytes) {
  if (text.size() > max_bytes) {
    return InvalidArgumentError(AtLocation(origin, 0, "",
                                           "file of " + std::to_string(text.size()) +
                                               " bytes; the limit is " +
                                               std::to_string(max_bytes)));
  }
  YAML::Node root;
  uint64_t later_line = 0;  // the line of content in a second document
  try {
    root = YAML::Load(std::string(text));  // the first document
    // The later documents are read as events only: yaml-cpp's LoadAll can
    // loop on some broken input, making empty documents without end (the
    // bank fuzzer found a 60-byte file that took 2 GB), so at most one
    // document per byte of the file is read, and none is built. A later
    // document starts after a "---" or "..." at the start of a line; files
    // without one (nearly all) are not read a second time.
    const bool markers = text.find("\n---") != std::string_view::npos ||
                         text.find("\n...") != std::string_view::npos || text.substr(0, 3) == "...";
    std::istringstream in{markers ? std::string(text) : std::string()};
    YAML::Parser parser(in);
    ContentFinder finder;
    for (size_t n = 0; markers && n <= text.size() && parser.HandleNextDocument(finder); ++n) {
      if (n >= 1 && finder.found) {
        later_line = finder.line;
        break;
      }
      finder.found = false;
    }
  } catch (const YAML::DeepRecursion& e) {
    return InvalidArgumentError(
        AtLocation(origin, MarkLine(e.mark), "",
                   "invalid YAML: nested deeper than " + std::to_string(e.depth()) + " levels"));
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(AtLocation(origin, MarkLine(e.mark), "", "invalid YAML: " + e.msg));
  } catch (const std::exception& e) {
    return InvalidArgumentError(
        AtLocation(origin, 0, "", std::string("invalid YAML: ") + e.what()));
  }
  if (later_line != 0) {
    return InvalidArgumentError(AtLocation(
        origin, later_line, "", "several YAML documents (a second '---'); the file must hold one"));
  }
  size_t count = 0;
  const size_t budget = 2 * text.size() + kNodeAllowance;
  SAFEGATE_RETURN_IF_ERROR(CheckTree(origin, root, 0, budget, &count));
  return root;
}

Result<std::string> ReadString(const std::string& origin, const YAML::Node& node,
                               std::string_view field) {
  if (!node.IsDefined() || node.IsNull()) return ErrorAt(origin, node, field, "missing value");
  if (!node.IsScalar()) return ErrorAt(origin, node, field, "must be a string");
  return node.Scalar();
}

Result<double> ReadNumber(const std::string& origin, const YAML::Node& node,
                          std::string_view field) {
  if (!node.IsDefined() || node.IsNull()) return ErrorAt(origin, node, field, "missing value");
  if (!node.IsScalar()) return ErrorAt(origin, node, field, "must be a number");
  const std::string& s = node.Scalar();
  // yaml-cpp tags quoted scalars "!": "0.05" in quotes is a string.
  if (node.Tag() == "!" || s.empty()) {
    return ErrorAt(origin, node, field, "must be a number, not '" + s + "'");
  }
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) {
    return ErrorAt(origin, node, field, "must be a number, not '" + s + "'");
  }
  return v;
}

std::optional<bool> ParseBool(std::string_view s) {
  std::string l;
  for (char c : s) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (l == "true" || l == "yes" || l == "on" || l == "1") return true;
  if (l == "false" || l == "no" || l == "off" || l == "0") return false;
  return std::nullopt;
}

Result<bool> ReadBool(const std::string& origin, const YAML::Node& node, std::string_view field) {
  if (!node.IsDefined() || node.IsNull()) return ErrorAt(origin, node, field, "missing value");
  if (!node.IsScalar()) return ErrorAt(origin, node, field, "must be true or false");
  std::optional<bool> b = ParseBool(node.Scalar());
  if (!b) return ErrorAt(origin, node, field, "must be true or false, not '" + node.Scalar() + "'");
  return *b;
}

bool IsValidUtf8(std::string_view s, size_t* bad_offset) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    char32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      if (bad_offset) *bad_offset = i;
      return false;
    }
    bool ok = i + len <= n;
    for (size_t j = 1; ok && j < len; ++j) {
      if ((p[i + j] & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (p[i + j] & 0x3F);
    }
    if (ok) {
      const char32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
      ok = cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    if (!ok) {
      if (bad_offset) *bad_offset = i;
      return false;
    }
    i += len;
  }
  return true;
}

Status CheckKeys(const std::string& origin, const YAML::Node& map,
                 const std::set<std::string, std::less<>>& allowed, std::string_view where) {
  for (const auto& kv : map) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
    if (!allowed.count(key)) {
      return ErrorAt(origin, kv.first, key, "unknown key in " + std::string(where));
    }
  }
  return OkStatus();
}

Status ReadOptionalString(const std::string& origin, const YAML::Node& map, const char* key,
                          std::string* out) {
  const YAML::Node node = map[key];
  if (!node.IsDefined() || node.IsNull()) return OkStatus();
  SAFEGATE_ASSIGN_OR_RETURN(*out, ReadString(origin, node, key));
  return OkStatus();
}

Result<Category> ReadCategory(const std::string& origin, const YAML::Node& item) {
  SAFEGATE_RETURN_IF_ERROR(CheckKeys(
      origin, item, {"id", "name", "name_zh", "name_ru", "parent", "description"}, "category"));
  Category c;
  if (!item["id"].IsDefined()) return ErrorAt(origin, item, "id", "missing field");
  SAFEGATE_ASSIGN_OR_RETURN(c.id, ReadString(origin, item["id"], "id"));
  SAFEGATE_RETURN_IF_ERROR(ReadOptionalString(origin, item, "name", &c.name));
  SAFEGATE_RETURN_IF_ERROR(ReadOptionalString(origin, item, "parent", &c.parent));
  SAFEGATE_RETURN_IF_ERROR(ReadOptionalString(origin, item, "description", &c.description));
  for (const char* lang : {"zh", "ru"}) {
    std::string name;
    const std::string key = std::string("name_") + lang;
    SAFEGATE_RETURN_IF_ERROR(ReadOptionalString(origin, item, key.c_str(), &name));
    if (!name.empty()) c.names[lang] = std::move(name);
  }
  return c;
}

Status AddCategory(const std::string& origin, const YAML::Node& item, Category c,
                   Taxonomy* taxonomy) {
  if (!c.parent.empty() && !taxonomy->Contains(c.parent)) {
    return ErrorAt(
        origin, item["parent"], "parent",
        "unknown parent '" + c.parent + "' (a parent must be listed before its children)");
  }
  Status st = taxonomy->Add(std::move(c));
  if (!st.ok()) return ErrorAt(origin, item["id"], "id", st.message());
  return OkStatus();
}

}  // namespace safegate::policy::internal
