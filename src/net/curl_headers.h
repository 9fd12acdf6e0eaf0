// One line of a response head as libcurl's header callback hands it over,
// shared by the blocking Fetch() (http.cc) and the libcurl transport.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "safegate/net/http.h"
#include "transport.h"

namespace safegate::net::internal {

// A status line ("HTTP/...") starts a new response (after 100-continue or a
// redirect) and clears `*headers`; "Name: value" appends a header, trimmed;
// anything else (the blank line that ends the head) is ignored.
inline void TakeCurlHeaderLine(std::string_view line, std::vector<Header>* headers) {
  if (line.starts_with("HTTP/")) {
    headers->clear();
    return;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return;
  auto trim = [](std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' '))
      v.remove_suffix(1);
    return v;
  };
  headers->push_back(
      {std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1)))});
}

// A timeout in seconds as libcurl's milliseconds (CapSeconds first).
inline long CurlMillis(double seconds) {
  return static_cast<long>(CapSeconds(seconds) * 1000);
}

}  // namespace safegate::net::internal
