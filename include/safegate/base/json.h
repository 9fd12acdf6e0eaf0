// JSON text that never throws on strings that are not UTF-8.
//
// nlohmann::json::dump() throws type_error 316 on a string that is not valid
// UTF-8, and such strings reach our headers and reports from file names,
// command-line flags and YAML or CSV values. Everything the library or the
// executables write goes through DumpJson, which writes each invalid sequence
// as U+FFFD instead (scripts/check-source.sh rejects a bare dump()).
#pragma once

#include <charconv>
#include <cmath>
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

namespace internal {

// The length of the well-formed UTF-8 sequence that starts at s[i] (a byte
// >= 0x80), or 0 when none does: exactly the sequences of Unicode's table
// 3-7, which nlohmann's decoder accepts (no overlong forms, surrogates or
// code points past U+10FFFF).
inline size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  size_t more = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    more = 1;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    more = 2;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    more = 3;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() - i <= more) return 0;
  const auto b1 = static_cast<unsigned char>(s[i + 1]);
  if (b1 < lo || b1 > hi) return 0;
  for (size_t k = 2; k <= more; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  return more + 1;
}

}  // namespace internal

// Appends DumpJson(json(s)) to *out, byte for byte: `s` quoted, with '"',
// '\\' and control characters escaped as nlohmann escapes them (\b \t \n \f
// \r, else \u00xx), well-formed UTF-8 copied, and each invalid UTF-8
// sequence written as U+FFFD. A string with an invalid sequence goes through
// DumpJson (its rules for where a bad sequence ends); every other is written
// directly. For writers that build JSON records by hand on a hot path; the
// differential tests json_test.cc AppendJsonString.* hold it to DumpJson.
inline void AppendJsonString(std::string_view s, std::string* out) {
  const size_t start = out->size();
  out->push_back('"');
  size_t i = 0, copied = 0;
  while (i < s.size()) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u >= 0x20 && u != '"' && u != '\\') {
      if (u < 0x80) {
        ++i;
        continue;
      }
      const size_t n = internal::Utf8SequenceLength(s, i);
      if (n == 0) {
        out->resize(start);
        *out += DumpJson(nlohmann::json(std::string(s)));
        return;
      }
      i += n;
      continue;
    }
    out->append(s.data() + copied, i - copied);
    switch (u) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\t': out->append("\\t"); break;
      case '\n': out->append("\\n"); break;
      case '\f': out->append("\\f"); break;
      case '\r': out->append("\\r"); break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        const char esc[6] = {'\\', 'u', '0', '0', kHex[u >> 4], kHex[u & 15]};
        out->append(esc, sizeof esc);
      }
    }
    copied = ++i;
  }
  out->append(s.data() + copied, s.size() - copied);
  out->push_back('"');
}

// Appends DumpJson(nlohmann::json(x)) to *out, byte for byte: nlohmann's own
// number formatting (its Grisu2 digits, which are not always the shortest
// that std::to_chars would give: 0.5, 1e-05, 1.0, 1e+20, -0.0), and "null"
// for NaN and infinities. json_test.cc AppendJsonNumber.* holds it to DumpJson.
inline void AppendJsonNumber(double x, std::string* out) {
  if (!std::isfinite(x)) {
    out->append("null");
    return;
  }
  char buf[64];
  const char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, x);
  out->append(buf, static_cast<size_t>(end - buf));
}

// Appends DumpJson(nlohmann::json(x)) of an unsigned integer (its digits).
inline void AppendJsonNumber(uint64_t x, std::string* out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  out->append(buf, static_cast<size_t>(r.ptr - buf));
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
