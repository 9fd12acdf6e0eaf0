// Typed reads of optional fields of a parsed JSON object, for result files
// and API bodies read back: an absent or null field keeps the caller's
// default; a field of the wrong type is an error naming the origin and the
// dotted field ("report.json: field 'staffing.reviewers': expected an integer").
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "safegate/base/status.h"

namespace safegate {

class JsonFields {
 public:
  using json = nlohmann::json;
  // `origin` names the file (or body) in errors; it must outlive the reader.
  explicit JsonFields(const std::string& origin) : origin_(origin) {}

  Status Bad(const std::string& field, const std::string& msg) const {
    return InvalidArgumentError(AtLocation(origin_, 0, field, msg));
  }
  // The field, or nullptr when it is absent or null.
  static const json* Find(const json& obj, const char* key) {
    auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
  }
  Status Object(const json& obj, const char* key, const std::string& field,
                const json** out) const {
    *out = Find(obj, key);
    if (*out != nullptr && !(*out)->is_object()) return Bad(field, "expected an object");
    return OkStatus();
  }
  Status Str(const json& obj, const char* key, const std::string& field, std::string* out) const {
    const json* f = Find(obj, key);
    if (f == nullptr) return OkStatus();
    if (!f->is_string()) return Bad(field, "expected a string");
    *out = f->get<std::string>();
    return OkStatus();
  }
  Status Num(const json& obj, const char* key, const std::string& field, double* out) const {
    const json* f = Find(obj, key);
    if (f == nullptr) return OkStatus();
    if (!f->is_number()) return Bad(field, "expected a number");
    *out = f->get<double>();
    return OkStatus();
  }
  Status Int(const json& obj, const char* key, const std::string& field, int64_t* out) const {
    const json* f = Find(obj, key);
    if (f == nullptr) return OkStatus();
    if (!f->is_number_integer() || (f->is_number_unsigned() && f->get<uint64_t>() > INT64_MAX)) {
      return Bad(field, "expected an integer");
    }
    *out = f->get<int64_t>();
    return OkStatus();
  }
  Status Bool(const json& obj, const char* key, const std::string& field, bool* out) const {
    const json* f = Find(obj, key);
    if (f == nullptr) return OkStatus();
    if (!f->is_boolean()) return Bad(field, "expected true or false");
    *out = f->get<bool>();
    return OkStatus();
  }
  Status Strings(const json& obj, const char* key, const std::string& field,
                 std::vector<std::string>* out) const {
    const json* f = Find(obj, key);
    if (f == nullptr) return OkStatus();
    if (!f->is_array()) return Bad(field, "expected a list of strings");
    for (const json& e : *f) {
      if (!e.is_string()) return Bad(field, "expected a list of strings");
      out->push_back(e.get<std::string>());
    }
    return OkStatus();
  }

 private:
  const std::string& origin_;
};

}  // namespace safegate
