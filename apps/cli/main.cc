#include <CLI/CLI.hpp>

#include "safegate/base/version.h"

int main(int argc, char** argv) {
  CLI::App app{"safegate: evidence for generative-AI safety compliance"};
  app.set_version_flag("--version", std::string(safegate::ToolVersion()));
  CLI11_PARSE(app, argc, argv);
  return 0;
}
