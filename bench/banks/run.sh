#!/usr/bin/env bash
# Benchmark: `safegate bank lint` (rules, exact and near-duplicates, language
# mix, staleness) on a 200,000-item question bank built from ../shared/data.
# usage: bash bench/banks/run.sh [BUILD_DIR]   (default: build; use a Release or
#        RelWithDebInfo build). Env: BENCH_ITEMS (200000), BENCH_RUNS (3),
#        BENCH_WORK (bench/work), BENCH_RESULTS (bench/results).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build=$(realpath "${1:-$root/build}")
bin="$build/apps/cli/safegate"
items=${BENCH_ITEMS:-200000}
runs=${BENCH_RUNS:-3}
work=${BENCH_WORK:-$root/bench/work}
results=${BENCH_RESULTS:-$root/bench/results}
bank="$work/bank-$items.jsonl"
mkdir -p "$work" "$results"
[ -f "$bank" ] || /usr/bin/python3 "$root/bench/banks/make_bank.py" --items "$items" -o "$bank"
tbank="$work/templated-60000.jsonl"
[ -f "$tbank" ] || /usr/bin/python3 "$root/bench/banks/make_bank.py" --templated --items 60000 -o "$tbank"
date=$(date -u +%Y-%m-%d)
out="$results/$date-bank-lint-$items.md"
cmd=("$bin" bank lint --profile baseline --generated "$bank" --today 2026-11-26 --json "$work/lint.json")
tmp=$(mktemp -d)
{
  echo "# bank lint, $items items ($date)"
  echo
  echo "- machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB RAM; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- build: $build ($(grep -m1 CMAKE_BUILD_TYPE "$build/CMakeCache.txt" | cut -d= -f2))"
  echo "- bank: $bank ($(du -h "$bank" | cut -f1)), built by bench/banks/make_bank.py from ../shared/data"
  echo "- command: \`safegate bank lint --profile baseline --generated bank-$items.jsonl --today 2026-11-26 --json lint.json [-j N]\`"
  echo
  echo "| threads | wall (s) | user (s) | sys (s) | peak RSS (MB) | near-duplicate pairs | exact duplicates |"
  echo "|---|---|---|---|---|---|---|"
} > "$out"
for j in 1 2; do
  /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "${cmd[@]}" -j "$j" > "$tmp/stdout" || [ $? -eq 1 ]
  read -r wall user sys rss < "$tmp/time"
  pairs=$(/usr/bin/python3 -c "import json;b=json.load(open('$work/lint.json'))['banks'][0];print(b['near_duplicates']['pairs'], b['duplicates']['items'])")
  echo "| $j | $wall | $user | $sys | $((rss / 1024)) | ${pairs% *} | ${pairs#* } |" >> "$out"
done
{
  echo
  echo "Worst case for near-duplicates: 60,000 questions = 10,000 short synthetic keywords x the 6 English"
  echo "templates (\`make_bank.py --templated\`; millions of pairs above 0.7):"
  echo
  echo "| threads | wall (s) | user (s) | sys (s) | peak RSS (MB) | near-duplicate pairs | exact duplicates |"
  echo "|---|---|---|---|---|---|---|"
} >> "$out"
tcmd=("$bin" bank lint --profile baseline --generated "$tbank" --today 2026-11-26 --json "$work/lint.json")
/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "${tcmd[@]}" -j 2 > "$tmp/stdout" || [ $? -eq 1 ]
read -r wall user sys rss < "$tmp/time"
pairs=$(/usr/bin/python3 -c "import json;b=json.load(open('$work/lint.json'))['banks'][0];print(b['near_duplicates']['pairs'], b['duplicates']['items'])")
echo "| 2 | $wall | $user | $sys | $((rss / 1024)) | ${pairs% *} | ${pairs#* } |" >> "$out"
if command -v hyperfine > /dev/null; then
  hyperfine -w 1 -r "$runs" -i --export-markdown "$tmp/hf.md" --output=pipe \
    "${cmd[*]} -j 2" > /dev/null 2>&1 || true
  { echo; echo "hyperfine ($runs runs, -j 2):"; echo; sed "s#$work/##g; s#$bin#safegate#" "$tmp/hf.md"; } >> "$out"
fi
echo >> "$out"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg) (wall time on a shared machine includes waiting for a core; user+sys is the work)" >> "$out"
rm -rf "$tmp"
cat "$out"
