// `safegate judge ...`: not built yet.
#include "common.h"

namespace safegate::cli {

void RegisterJudge(CLI::App& app, int* rc) {}

}  // namespace safegate::cli
