// `safegate serve ...`: not built yet.
#include "common.h"

namespace safegate::cli {

void RegisterServe(CLI::App& app, int* rc) {}

}  // namespace safegate::cli
