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
#include <string_view>
#include <utility>

namespace safegate {

// The deepest nesting of arrays and objects that JSON from outside (request
// bodies, model and judge answers, JSONL records) may have. nlohmann's
// dump(), copy and comparison recurse once per level: 100,000 levels in a
// 200 KB body overflow a worker thread's stack.
inline constexpr int kMaxJsonDepth = 512;

// True when `text` nests arrays/objects deeper than `max_depth` (brackets
// inside strings do not count). Linear, no allocation; a text that is not
// JSON may give either answer (the parser then rejects it).
inline bool JsonTooDeep(std::string_view text, int max_depth = kMaxJsonDepth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

// json::parse for text from outside: never throws; a text that is not JSON,
// or nests deeper than kMaxJsonDepth, gives a discarded value.
inline nlohmann::json ParseUntrustedJson(std::string_view text) {
  if (JsonTooDeep(text)) return nlohmann::json(nlohmann::json::value_t::discarded);
  return nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

// `indent` as for json::dump: -1 = one line, n >= 0 = pretty, n spaces a level.
inline std::string DumpJson(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}
inline std::string DumpJson(const nlohmann::ordered_json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// Appends DumpJson(json(s)) to *out, byte for byte: `s` quoted, with '"',
// '\\' and control characters escaped and each invalid UTF-8 sequence written
// as U+FFFD. A string of printable ASCII without '"' or '\\' (what most keys,
// names and ids are) is copied directly; any other goes through DumpJson.
// For writers that build JSON records by hand on a hot path; the differential
// test json_test.cc AppendJsonString.* holds it to DumpJson.
inline void AppendJsonString(std::string_view s, std::string* out) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F || c == '"' || c == '\\') {
      *out += DumpJson(nlohmann::json(std::string(s)));
      return;
    }
  }
  out->push_back('"');
  out->append(s);
  out->push_back('"');
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
