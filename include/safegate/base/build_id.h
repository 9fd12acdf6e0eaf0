// The identity of this build of safegate's code.
#pragma once

#include <string_view>

namespace safegate {

// For caches of things the code computes (the compiled keyword matcher,
// policy/policy.h): the GNU build-id (hex) of the executable or shared
// library that holds this function, which the linker derives from the linked
// code itself, so a rebuild that changes the code changes it. Without a
// build-id note (a linker run with --build-id=none): "file:PATH:SIZE:MTIME"
// of that binary, which also changes on every rebuild or upgrade; "" when
// neither can be found (callers then must not cache). Computed once;
// thread-safe.
std::string_view BuildId();

}  // namespace safegate
