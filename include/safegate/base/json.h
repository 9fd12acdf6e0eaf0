// JSON text that never throws on strings that are not UTF-8.
//
// nlohmann::json::dump() throws type_error 316 on a string that is not valid
// UTF-8, and such strings reach our headers and reports from file names,
// command-line flags and YAML or CSV values. Everything the library or the
// executables write goes through DumpJson, which writes each invalid sequence
// as U+FFFD instead (scripts/check-source.sh rejects a bare dump()).
#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

namespace safegate {

// `indent` as for json::dump: -1 = one line, n >= 0 = pretty, n spaces a level.
inline std::string DumpJson(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}
inline std::string DumpJson(const nlohmann::ordered_json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// j as an integer of type T, when j is a JSON integer that T can hold; else
// throws J::type_error (302), which the readers of our result files already
// turn into an error naming the file. nlohmann's own get<T>() converts a float
// such as 1e30 with a cast whose result is undefined, and wraps negatives.
template <typename T, typename J>
T GetInt(const J& j) {
  static_assert(std::is_integral_v<T>);
  if (j.is_number_unsigned()) {
    const uint64_t v = j.template get<uint64_t>();
    if (std::in_range<T>(v)) return static_cast<T>(v);
  } else if (j.is_number_integer()) {
    const int64_t v = j.template get<int64_t>();
    if (std::in_range<T>(v)) return static_cast<T>(v);
  }
  throw J::type_error::create(302,
                              std::string("expected a whole number in range, got ") +
                                  (j.is_number() ? "a fraction or a number out of range"
                                                 : std::string("a ") + j.type_name()),
                              &j);
}

// j[key] as GetInt<T> does, or `fallback` when j has no such key.
template <typename T, typename J>
T GetIntOr(const J& j, const char* key, T fallback) {
  auto it = j.find(key);
  return it == j.end() ? fallback : GetInt<T>(*it);
}

}  // namespace safegate
