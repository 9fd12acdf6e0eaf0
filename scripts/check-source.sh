#!/usr/bin/env bash
# Source rules that a compiler does not check.
#  - JSON is written with DumpJson (include/safegate/base/json.h), never with a
#    bare nlohmann dump(), which throws on strings that are not UTF-8 (file
#    names, flags, YAML or CSV values) and so aborts the program.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=0
hits=$(grep -rnE '\.dump\(' src apps python/src include 2>/dev/null | grep -v 'include/safegate/base/json.h' || true)
if [ -n "$hits" ]; then
  echo "check-source: use DumpJson (safegate/base/json.h) instead of json::dump():" >&2
  printf '%s\n' "$hits" | sed 's/^/  /' >&2
  bad=1
fi
[ "$bad" = 0 ] && echo "source: ok"
exit "$bad"
