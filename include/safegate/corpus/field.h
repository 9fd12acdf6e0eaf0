// Reading one field of a JSON record by its dotted path: the one home and the
// one set of rules, for a raw JSON line (ExtractField) and for an object
// already parsed with nlohmann::json (FieldOf; `judge` reads its inputs so).
//
// The path: object keys split on '.' ("meta.lang"; a key containing a dot
// cannot be addressed). What the value found reads as:
//   string          itself
//   number          written out: an integer as an integer (also beyond
//                   int64: up to 2^64-1), any other number in the shortest
//                   form that reads back to the same double (std::to_chars:
//                   0.5, 1e+20; 1.0 is "1")
//   true, false     "true", "false"
//   null            as if missing
//   missing         a key absent anywhere on the path, or a step that is not
//                   an object: the error "missing", or "" when the caller
//                   passes allow_missing
//   object, array   the error "must be a string"
// Errors are kInvalidArgument with the reason alone ("missing", "must be a
// string", "appears more than once", "invalid JSON: ..."); the caller names
// the file, line and field. A key that occurs twice in one object on the path
// is an error on a raw line ("appears more than once"); a parsed object has
// already kept one of them.
//
// The corpus reader (reader.h) walks the same way but takes a document's text
// only from a string and its id only from a string or a number.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "safegate/base/status.h"

namespace safegate::corpus {

// Parses `json_line` (simdjson) and reads the field. Thread-safe (one parser
// per thread).
Result<std::string> ExtractField(std::string_view json_line, std::string_view dotted_path,
                                 bool allow_missing = false);

// The field of an already parsed value (no second parse).
Result<std::string> FieldOf(const nlohmann::json& value, std::string_view dotted_path,
                            bool allow_missing = false);

}  // namespace safegate::corpus
