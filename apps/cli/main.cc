// safegate: the command-line entry point. Subcommand groups register
// themselves (one file per group); all logic lives in the libraries.
#include <malloc.h>

#include <CLI/CLI.hpp>

#include "common.h"
#include "safegate/base/version.h"

int main(int argc, char** argv) {
  // Blocks of 1 MiB and more come from their own mappings and go back to the
  // system when freed. glibc otherwise raises that threshold after the first
  // large block is freed, and the corpus jobs' per-unit buffers then stay in
  // (and fragment) the heap: peak RSS of a two-thread `corpus scan` grew with
  // the corpus (25 MB on 40 MB, 70 MB on 500 MB); with the fixed threshold it
  // is 25 MB on both.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  CLI::App app{
      "safegate: evidence for generative-AI safety compliance.\n"
      "Exit codes: 0 ok, 1 a gate failed, 2 bad input or usage, 3 internal error,\n"
      "4 (assess) nothing failed but not every requirement could be assessed,\n"
      "130 (corpus scan/sample/filter) stopped by SIGINT/SIGTERM, nothing half-written."};
  app.set_version_flag("--version", std::string(safegate::ToolVersion()));
  app.require_subcommand(1);
  int rc = safegate::cli::kExitOk;
  safegate::cli::RegisterCorpus(app, &rc);
  safegate::cli::RegisterBank(app, &rc);
  safegate::cli::RegisterJudge(app, &rc);
  safegate::cli::RegisterEval(app, &rc);
  safegate::cli::RegisterServe(app, &rc);
  safegate::cli::RegisterStaffing(app, &rc);
  safegate::cli::RegisterServeUsers(app, &rc);
  safegate::cli::RegisterAssess(app, &rc);
  safegate::cli::RegisterInit(app, &rc);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : safegate::cli::kExitBadInput;
  }
  return rc;
}
