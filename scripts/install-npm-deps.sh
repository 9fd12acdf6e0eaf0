#!/usr/bin/env bash
# Installs the npm packages that tests use, pinned by their lock files, into
# git-ignored node_modules beside them (today: the official `openai` SDK for
# tests/server/test_openai.py, in tests/server/sdk). Idempotent: nothing is
# fetched when the pinned versions are already there. Offline-safe: when node
# or npm is missing or the registry cannot be reached it says so and exits 0,
# and the tests that need the packages skip with a message.
set -uo pipefail
cd "$(dirname "$0")/.."

DIRS=(tests/server/sdk)

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "install-npm-deps: node/npm not installed; the openai SDK test will be skipped" >&2
  exit 0
fi
for d in "${DIRS[@]}"; do
  # Up to date when every locked package is installed at its locked version.
  if node -e '
    const fs = require("fs"), path = require("path");
    const dir = process.argv[1];
    const lock = JSON.parse(fs.readFileSync(path.join(dir, "package-lock.json"), "utf8"));
    for (const [p, v] of Object.entries(lock.packages)) {
      if (!p) continue;
      const f = path.join(dir, p, "package.json");
      if (!fs.existsSync(f) || JSON.parse(fs.readFileSync(f, "utf8")).version !== v.version)
        process.exit(1);
    }' "$d" 2>/dev/null; then
    continue
  fi
  echo "install-npm-deps: npm ci in $d" >&2
  if ! (cd "$d" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null); then
    echo "install-npm-deps: npm ci failed in $d (offline?); tests that need it will be skipped" >&2
  fi
done
exit 0
