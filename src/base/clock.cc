#include "safegate/base/clock.h"

#include <ctime>

namespace safegate {
namespace {

std::string FormatNow(const char* format) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

}  // namespace

std::string UtcDate() {
  return FormatNow("%Y-%m-%d");
}

std::string UtcTimestamp() {
  return FormatNow("%Y-%m-%dT%H:%M:%SZ");
}

}  // namespace safegate
