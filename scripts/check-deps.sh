#!/usr/bin/env bash
# Checks the dependency rule between libraries (docs/architecture.md) against
# the link graph declared in CMake (the safegate_library calls of
# src/<lib>/CMakeLists.txt): see scripts/check_deps.py for the rules.
# Usage: scripts/check-deps.sh [ROOT]          (default: this repository)
#        scripts/check-deps.sh --graph [ROOT]  (print the link graph)
set -euo pipefail
exec /usr/bin/python3 "$(cd "$(dirname "$0")" && pwd)/check_deps.py" "$@"
