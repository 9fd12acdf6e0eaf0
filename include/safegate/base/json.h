// JSON text that never throws on strings that are not UTF-8.
//
// nlohmann::json::dump() throws type_error 316 on a string that is not valid
// UTF-8, and such strings reach our headers and reports from file names,
// command-line flags and YAML or CSV values. Everything the library or the
// executables write goes through DumpJson, which writes each invalid sequence
// as U+FFFD instead (scripts/check-source.sh rejects a bare dump()).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace safegate {

// `indent` as for json::dump: -1 = one line, n >= 0 = pretty, n spaces a level.
inline std::string DumpJson(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}
inline std::string DumpJson(const nlohmann::ordered_json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace safegate
