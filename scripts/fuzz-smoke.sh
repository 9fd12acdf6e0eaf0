#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD/fuzz for SECONDS each, from its seed corpus.
set -euo pipefail
build=$1
secs=${2:-10}
root="$(cd "$(dirname "$0")/.." && pwd)"
n=0
for bin in "$build"/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  work=$(mktemp -d)
  seeds="$root/fuzz/corpus/${name#fuzz_}"
  [ -d "$seeds" ] && cp -r "$seeds"/. "$work"/ 2>/dev/null || true
  echo "fuzz: $name for ${secs}s"
  "$bin" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=0 "$work" \
    >"$work.log" 2>&1 || { tail -50 "$work.log"; echo "fuzz: $name FAILED" >&2; exit 1; }
  rm -rf "$work" "$work.log"
  n=$((n + 1))
done
echo "fuzz: $n targets ran clean"
