// The one walk of a dotted field path and the rules for what the value found
// reads as (private to the corpus library). One template over the JSON
// library's value type: simdjson elements (the corpus reader, ExtractField)
// and parsed nlohmann objects (FieldOf), both in field.h's semantics.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace safegate::corpus::internal {

// Splits "a.b.c" into components (views into `path`).
std::vector<std::string_view> SplitPath(std::string_view path);

// What a value may be.
enum class Rules {
  kString,          // a string (a document's text)
  kStringOrNumber,  // a string or a number (a document's id)
  kField,           // field.h: string, number, boolean; null reads as missing
};

enum class ValueKind { kString, kInt64, kUint64, kDouble, kBool, kNull, kOther };

inline constexpr char kMissing[] = "missing";

// Looks up `parts` in `root`. On success stores a view of the string (into
// the JSON's memory) or of the number or boolean written out (into *num) in
// *out and returns nullptr; otherwise returns the reason: kMissing (a key
// absent, or a step that is no object; under kField also null), "appears more
// than once" (a key twice in one object on the path, when the JSON library
// keeps both), "not a string", "not a string or number", "must be a string".
//
// Access adapts the JSON library: Value; Child(v, key, &child) -> the count of
// `key` in v (0 when v is no object); Kind(v); String(v), Int64(v), Uint64(v),
// Double(v), Bool(v).
template <typename Access>
const char* LookupPath(typename Access::Value root, const std::vector<std::string_view>& parts,
                       Rules rules, std::string* num, std::string_view* out) {
  typename Access::Value v = root;
  for (std::string_view key : parts) {
    typename Access::Value child{};
    const int found = Access::Child(v, key, &child);
    if (found == 0) return kMissing;
    if (found > 1) return "appears more than once";
    v = child;
  }
  const char* wrong = rules == Rules::kString           ? "not a string"
                      : rules == Rules::kStringOrNumber ? "not a string or number"
                                                        : "must be a string";
  char tmp[64];
  std::to_chars_result r{};
  switch (Access::Kind(v)) {
    case ValueKind::kString: *out = Access::String(v); return nullptr;
    case ValueKind::kInt64:
      if (rules == Rules::kString) return wrong;
      r = std::to_chars(tmp, tmp + sizeof(tmp), Access::Int64(v));
      break;
    case ValueKind::kUint64:
      if (rules == Rules::kString) return wrong;
      r = std::to_chars(tmp, tmp + sizeof(tmp), Access::Uint64(v));
      break;
    case ValueKind::kDouble:
      // Shortest round-trip form.
      if (rules == Rules::kString) return wrong;
      r = std::to_chars(tmp, tmp + sizeof(tmp), Access::Double(v));
      break;
    case ValueKind::kBool:
      if (rules != Rules::kField) return wrong;
      *out = Access::Bool(v) ? "true" : "false";
      return nullptr;
    case ValueKind::kNull: return rules == Rules::kField ? kMissing : wrong;
    default: return wrong;
  }
  num->assign(tmp, r.ptr);
  *out = *num;
  return nullptr;
}

}  // namespace safegate::corpus::internal
