// The tool version stamped into every result file.
#pragma once

#include <string_view>

namespace safegate {

// "0.1.0" (from the project() version in CMakeLists.txt).
std::string_view ToolVersion();

}  // namespace safegate
