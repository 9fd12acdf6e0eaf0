// `safegate bank ...`: not built yet.
#include "common.h"

namespace safegate::cli {

void RegisterBank(CLI::App& app, int* rc) {}

}  // namespace safegate::cli
