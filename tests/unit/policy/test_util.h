// A temporary directory for policy tests (tests/unit/temp_dir.h).
#pragma once

#include "../temp_dir.h"

namespace safegate::policy::testing {

using TempDir = safegate::test_support::TempDir;

}  // namespace safegate::policy::testing
