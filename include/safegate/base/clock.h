// The current UTC date and time as text (result files, reports).
#pragma once

#include <string>

namespace safegate {

// "YYYY-MM-DD", UTC.
std::string UtcDate();

// "YYYY-MM-DDTHH:MM:SSZ" (ISO 8601), UTC.
std::string UtcTimestamp();

}  // namespace safegate
