// FieldOf on parsed nlohmann values; ExtractField is in reader.cc, beside the
// corpus reader's simdjson access. Both walk with field_path.h.
#include "safegate/corpus/field.h"

#include <nlohmann/json.hpp>

#include "field_path.h"

namespace safegate::corpus {
namespace internal {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t dot = path.find('.', start);
    if (dot == std::string_view::npos) {
      out.push_back(path.substr(start));
      return out;
    }
    out.push_back(path.substr(start, dot - start));
    start = dot + 1;
  }
}

}  // namespace internal

namespace {

// field_path.h's access to nlohmann values (an object keeps one value a key).
struct NlohmannAccess {
  using Value = const nlohmann::json*;
  static int Child(Value v, std::string_view key, Value* child) {
    if (!v->is_object()) return 0;
    auto it = v->find(std::string(key));
    if (it == v->end()) return 0;
    *child = &*it;
    return 1;
  }
  static internal::ValueKind Kind(Value v) {
    switch (v->type()) {
      case nlohmann::json::value_t::string: return internal::ValueKind::kString;
      case nlohmann::json::value_t::number_integer: return internal::ValueKind::kInt64;
      case nlohmann::json::value_t::number_unsigned: return internal::ValueKind::kUint64;
      case nlohmann::json::value_t::number_float: return internal::ValueKind::kDouble;
      case nlohmann::json::value_t::boolean: return internal::ValueKind::kBool;
      case nlohmann::json::value_t::null: return internal::ValueKind::kNull;
      default: return internal::ValueKind::kOther;
    }
  }
  static std::string_view String(Value v) { return v->get_ref<const std::string&>(); }
  static int64_t Int64(Value v) { return v->get<int64_t>(); }
  static uint64_t Uint64(Value v) { return v->get<uint64_t>(); }
  static double Double(Value v) { return v->get<double>(); }
  static bool Bool(Value v) { return v->get<bool>(); }
};

}  // namespace

Result<std::string> FieldOf(const nlohmann::json& value, std::string_view dotted_path,
                            bool allow_missing) {
  std::string num;
  std::string_view out;
  if (const char* e = internal::LookupPath<NlohmannAccess>(&value, internal::SplitPath(dotted_path),
                                                           internal::Rules::kField, &num, &out)) {
    if (e == internal::kMissing && allow_missing) return std::string();
    return InvalidArgumentError(e);
  }
  return std::string(out);
}

}  // namespace safegate::corpus
