// Helpers for reading YAML with yaml-cpp without letting its exceptions
// escape: locations, scalars, numbers and booleans, each error worded
// "ORIGIN:LINE: field 'FIELD': MESSAGE". The policy library reads profiles,
// policies and banks with them; libraries that read further sections of a
// policy file (judge: the `judges:` list, judge/factory.h) use them too, so
// that one file reports its errors in one format. Not an API for apps.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "safegate/base/status.h"
#include "safegate/policy/profile.h"

namespace safegate::policy::internal {

// 1-based line of `node`, or 0 when the node has no position.
uint64_t LineOf(const YAML::Node& node);

// InvalidArgument "ORIGIN:LINE: field 'FIELD': MESSAGE" at `node`.
Status ErrorAt(const std::string& origin, const YAML::Node& node, std::string_view field,
               std::string_view message);

// Fails at the first key of `map` that is not in `allowed` ("unknown key in WHERE").
Status CheckKeys(const std::string& origin, const YAML::Node& map,
                 const std::set<std::string, std::less<>>& allowed, std::string_view where);

// Reads map[key] into *out when present and not null.
Status ReadOptionalString(const std::string& origin, const YAML::Node& map, const char* key,
                          std::string* out);

// One entry of a taxonomy list: id (required), name, parent, description.
Result<Category> ReadCategory(const std::string& origin, const YAML::Node& item);

// Adds `c` (read from `item`) to `taxonomy`: an unknown parent (parents come
// first) or a duplicate id is an error at `item`.
Status AddCategory(const std::string& origin, const YAML::Node& item, Category c,
                   Taxonomy* taxonomy);

// The largest policy, profile, project or judge file ParseYaml reads.
inline constexpr size_t kMaxConfigBytes = 16u << 20;

// Parses a file that holds one YAML document. An error names origin and line:
// a syntax error, a file over max_bytes, several documents, a duplicate key,
// a tag outside the core schema ("!!binary", "!custom"), or a document that
// nested aliases expand beyond a million nodes or a thousand levels.
Result<YAML::Node> ParseYaml(std::string_view text, const std::string& origin,
                             size_t max_bytes = kMaxConfigBytes);

// The scalar at `node` (a plain or quoted string), or an error naming `field`.
Result<std::string> ReadString(const std::string& origin, const YAML::Node& node,
                               std::string_view field);

// A finite number written as a plain (unquoted) scalar.
Result<double> ReadNumber(const std::string& origin, const YAML::Node& node,
                          std::string_view field);

// true/false/yes/no/on/off/1/0 (case-insensitive); nullopt otherwise.
std::optional<bool> ParseBool(std::string_view s);

// A boolean scalar, or an error naming `field`.
Result<bool> ReadBool(const std::string& origin, const YAML::Node& node, std::string_view field);

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points
// past U+10FFFF). When false and `bad_offset` is set, it receives the offset of
// the first invalid byte.
bool IsValidUtf8(std::string_view s, size_t* bad_offset = nullptr);

}  // namespace safegate::policy::internal
