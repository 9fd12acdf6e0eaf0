// The current UTC date and time as text (result files, reports).
#pragma once

#include <cstdint>
#include <string>

namespace safegate {

// `unix_seconds` formatted in UTC by strftime's `format` (for example
// "%Y-%m-%dT%H:%M:%SZ"); "" for a time gmtime cannot represent, and for a
// result longer than 63 bytes.
std::string FormatUtc(int64_t unix_seconds, const char* format);

// "YYYY-MM-DD", UTC.
std::string UtcDate();

// "YYYY-MM-DDTHH:MM:SSZ" (ISO 8601), UTC.
std::string UtcTimestamp();

}  // namespace safegate
