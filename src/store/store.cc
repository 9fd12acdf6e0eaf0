#include "safegate/store/store.h"

#include <charconv>
#include <cstdint>
#include <string>

namespace safegate::store {

int64_t Row::Int(size_t i) const {
  const Value& v = values.at(i);
  if (auto* p = std::get_if<int64_t>(&v)) return *p;
  if (auto* p = std::get_if<double>(&v)) {
    // SQLite stores INT64_MAX + 1 as a REAL; saturate (NaN reads as 0) rather
    // than cast out of range, which is undefined.
    if (!(*p == *p)) return 0;
    if (*p >= 9223372036854775807.0) return INT64_MAX;
    if (*p <= -9223372036854775808.0) return INT64_MIN;
    return static_cast<int64_t>(*p);
  }
  if (auto* p = std::get_if<std::string>(&v)) {
    int64_t out = 0;
    std::from_chars(p->data(), p->data() + p->size(), out);
    return out;
  }
  return 0;
}

double Row::Real(size_t i) const {
  const Value& v = values.at(i);
  if (auto* p = std::get_if<double>(&v)) return *p;
  if (auto* p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  if (auto* p = std::get_if<std::string>(&v)) {
    try {
      return std::stod(*p);
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

std::string Row::Text(size_t i) const {
  const Value& v = values.at(i);
  if (auto* p = std::get_if<std::string>(&v)) return *p;
  if (auto* p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto* p = std::get_if<double>(&v)) return std::to_string(*p);
  return "";
}

}  // namespace safegate::store
