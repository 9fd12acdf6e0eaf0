#include "safegate/base/clock.h"

#include <ctime>

namespace safegate {

std::string FormatUtc(int64_t unix_seconds, const char* format) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return "";  // year out of range
  char buf[64];
  const size_t n = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

int64_t UnixSeconds() {
  return static_cast<int64_t>(std::time(nullptr));
}

std::string IsoUtc(int64_t unix_seconds) {
  return FormatUtc(unix_seconds, "%Y-%m-%dT%H:%M:%SZ");
}

namespace {

std::string FormatNow(const char* format) {
  return FormatUtc(UnixSeconds(), format);
}

}  // namespace

std::string UtcDate() {
  return FormatNow("%Y-%m-%d");
}

std::string UtcTimestamp() {
  return FormatNow("%Y-%m-%dT%H:%M:%SZ");
}

}  // namespace safegate
