// The current time, and times as UTC text (result files, reports, the
// HTTP APIs).
#pragma once

#include <cstdint>
#include <string>

namespace safegate {

// `unix_seconds` formatted in UTC by strftime's `format` (for example
// "%Y-%m-%dT%H:%M:%SZ"); "" for a time gmtime cannot represent, and for a
// result longer than 63 bytes.
std::string FormatUtc(int64_t unix_seconds, const char* format);

// The current time in whole unix seconds (the unit of every stored time).
int64_t UnixSeconds();

// `unix_seconds` as "YYYY-MM-DDTHH:MM:SSZ" (ISO 8601, UTC), as the HTTP APIs
// and tables show stored times.
std::string IsoUtc(int64_t unix_seconds);

// "YYYY-MM-DD", UTC.
std::string UtcDate();

// "YYYY-MM-DDTHH:MM:SSZ" (ISO 8601), UTC.
std::string UtcTimestamp();

}  // namespace safegate
