// `safegate eval ...`: not built yet.
#include "common.h"

namespace safegate::cli {

void RegisterEval(CLI::App& app, int* rc) {}

}  // namespace safegate::cli
