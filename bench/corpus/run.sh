#!/usr/bin/env bash
# Corpus-scan benchmark: safegate corpus scan/sample against bare Hyperscan,
# ripgrep, GNU grep and wc -l, on the same warm-cache files.
#
#   bash bench/corpus/run.sh [BUILD_DIR]        (default BUILD_DIR: build-bench)
#
# Environment:
#   BENCH_WORK     work dir for generated data (default <repo>/bench/work; git-ignored)
#   BENCH_SIZE_MB  size of each language's plain-text corpus (default 500)
#   BENCH_SEED     corpus/keyword seed (default 1)
#   BENCH_RUNS     hyperfine runs per command (default 3; plus 1 warm-up)
#   BENCH_LANGS    languages (default "en zh")
#   BENCH_ONLY     optional regex: only run commands whose name matches
#   BENCH_RESULTS  results dir (default <repo>/bench/results)
#   BENCH_TAG      results file suffix (default: <hostname>-<size>MB)
#
# Source data is read from <repo>/../shared/data (BENCH_DATA overrides) and
# never copied into the repo. Writes bench/results/<date>-<tag>.md and .json.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${1:-build-bench}"
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$REPO/$BUILD_DIR" ;; esac
WORK="${BENCH_WORK:-$REPO/bench/work}"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
SIZE_MB="${BENCH_SIZE_MB:-500}"
SEED="${BENCH_SEED:-1}"
RUNS="${BENCH_RUNS:-3}"
LANGS="${BENCH_LANGS:-en zh}"
ONLY="${BENCH_ONLY:-}"
RESULTS="${BENCH_RESULTS:-$REPO/bench/results}"
HOST="$(hostname -s 2>/dev/null || echo host)"
TAG="${BENCH_TAG:-$HOST-${SIZE_MB}MB}"
PY=/usr/bin/python3
SAFEGATE="$BUILD_DIR/apps/cli/safegate"
export BENCH_WORK="$WORK" BENCH_SEED="$SEED"

log() { echo "[bench] $*" >&2; }
need() { command -v "$1" >/dev/null 2>&1 || { log "missing tool: $1"; exit 1; }; }
need hyperfine; need rg; need grep; need g++; need pkg-config; [ -x /usr/bin/time ] || { log "missing /usr/bin/time"; exit 1; }

# ---- 1. data ---------------------------------------------------------------
for L in $LANGS; do
  ok=$($PY - "$WORK/corpus-$L.json" "$SIZE_MB" "$SEED" "$WORK/$L.txt" "$WORK/$L.jsonl" <<'EOF'
import json, os, sys
m, size, seed, txt, jl = sys.argv[1:]
try:
    d = json.load(open(m))
    ok = (d["target_bytes"] == int(float(size) * 1e6) and d["seed"] == int(seed)
          and os.path.getsize(txt) == d["txt_bytes"] and os.path.getsize(jl) == d["jsonl_bytes"])
except Exception:
    ok = False
print("1" if ok else "0")
EOF
)
  if [ "$ok" != 1 ]; then
    log "building $L corpus ($SIZE_MB MB) in $WORK"
    $PY "$REPO/bench/corpus/make_corpus.py" --work "$WORK" --size-mb "$SIZE_MB" --seed "$SEED" --lang "$L"
  fi
done
if [ ! -s "$WORK/kw.txt" ] || [ ! -s "$WORK/keywords.csv" ] || [ ! -s "$WORK/policy.yaml" ] || [ ! -s "$WORK/keywords-stats.json" ]; then
  log "building keywords in $WORK"
  $PY "$REPO/bench/corpus/make_keywords.py" --work "$WORK" --seed "$SEED"
fi
HS="$WORK/hs_scan"
if [ ! -x "$HS" ] || [ "$REPO/bench/corpus/hs_scan.cc" -nt "$HS" ]; then
  log "building $HS"
  # shellcheck disable=SC2046
  g++ -O2 -std=c++17 "$REPO/bench/corpus/hs_scan.cc" $(pkg-config --cflags --libs libhs) -pthread -o "$HS"
fi

# ---- 2. commands -------------------------------------------------------------
RUN="$WORK/run-$TAG"
rm -rf "$RUN"
mkdir -p "$RUN/raw"
CMDS="$RUN/commands.tsv"
: >"$CMDS"
SKIPS="$RUN/skipped.txt"
: >"$SKIPS"
# name, group, lang, input file, command
add() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$CMDS"; }

sg_ok=0
if [ ! -x "$SAFEGATE" ]; then
  echo "safegate: $SAFEGATE not found (build it: make bench, or pass the build dir)" >>"$SKIPS"
elif [[ "$("$SAFEGATE" corpus scan --help 2>&1 || true)" != *--text-field* ]]; then
  # (CLI11 answers --help at the top level with exit 0 when the subcommand is unknown)
  echo "safegate: '$SAFEGATE corpus scan --help' does not list --text-field: the corpus CLI is not there yet" >>"$SKIPS"
else
  sg_ok=1
fi
sample_ok=0
if [ "$sg_ok" = 1 ]; then
  if [[ "$("$SAFEGATE" corpus sample --help 2>&1 || true)" == *--seed* ]]; then sample_ok=1
  else echo "safegate: '$SAFEGATE corpus sample --help' does not list --seed: sample not there yet" >>"$SKIPS"; fi
fi

P="$WORK/policy.yaml"; K="$WORK/kw.txt"
for L in $LANGS; do
  J="$WORK/$L.jsonl"; T="$WORK/$L.txt"
  add "cat-$L" ref "$L" "$T" "cat '$T'"
  if [ "$sg_ok" = 1 ]; then
    for j in 1 2; do
      add "safegate-scan-$L-j$j" safegate "$L" "$J" \
        "'$SAFEGATE' corpus scan --policy '$P' --source wiki='$J' --format jsonl --text-field text -j $j --hits /dev/null -o /dev/null"
    done
    # Without the compiled-matcher cache: includes compiling the 10,000 keywords,
    # as the bare Hyperscan loop does.
    add "safegate-scan-$L-j1-nocache" safegate "$L" "$J" \
      "'$SAFEGATE' corpus scan --no-cache --policy '$P' --source wiki='$J' --format jsonl --text-field text -j 1 --hits /dev/null -o /dev/null"
  fi
  add "hs-$L-t1" hyperscan "$L" "$T" "'$HS' '$K' '$T' 1"
  add "hs-$L-t2" hyperscan "$L" "$T" "'$HS' '$K' '$T' 2"
  add "hs-lines-$L-t1" hyperscan "$L" "$T" "'$HS' '$K' '$T' 1 lines"
  add "rg-$L" rg "$L" "$T" "rg -c -F -f '$K' '$T'"
  add "grep-C-i-$L" grep "$L" "$T" "LC_ALL=C grep -c -F -i -f '$K' '$T'"
  if [ "$sample_ok" = 1 ]; then
    add "safegate-sample-$L" sample "$L" "$J" \
      "'$SAFEGATE' corpus sample --policy '$P' --source wiki='$J' -n 1000 --seed 1 -o /dev/null"
    add "safegate-sample-$L-nocache" sample "$L" "$J" \
      "'$SAFEGATE' corpus sample --no-cache --policy '$P' --source wiki='$J' -n 1000 --seed 1 -o /dev/null"
  fi
  add "wc-l-$L" sample "$L" "$J" "wc -l '$J'"
done

# ---- 3. measure --------------------------------------------------------------
log "warming the page cache"
for L in $LANGS; do cat "$WORK/$L.txt" "$WORK/$L.jsonl" >/dev/null; done
[ -s "$SKIPS" ] && sed 's/^/[bench] SKIP /' "$SKIPS" >&2

while IFS=$'\t' read -r name group lang input cmd; do
  if [ -n "$ONLY" ] && ! [[ "$name" =~ $ONLY ]]; then continue; fi
  log "$name: $cmd"
  # One run under GNU time for peak RSS and the printed counts...
  rc=0
  /usr/bin/time -v -o "$RUN/raw/$name.time" bash -c "$cmd" >"$RUN/raw/$name.out" 2>"$RUN/raw/$name.err" || rc=$?
  echo "$rc" >"$RUN/raw/$name.rc"
  if [ "$rc" != 0 ] && ! { [ "$rc" = 1 ] && [[ "$name" == grep-* ]]; }; then
    log "$name failed (exit $rc); see $RUN/raw/$name.err"; tail -n 5 "$RUN/raw/$name.err" >&2 || true
    continue
  fi
  # ...then hyperfine for the wall time (warm-up + RUNS). --output=pipe: GNU grep
  # stops at the first match when its stdout is /dev/null (hyperfine's default).
  hyperfine --style basic --output=pipe -i -w 1 -r "$RUNS" -n "$name" --export-json "$RUN/raw/$name.json" "$cmd" >"$RUN/raw/$name.hyperfine.log" 2>&1 \
    || log "$name: hyperfine failed; see $RUN/raw/$name.hyperfine.log"
  grep -E 'Time \(mean|Range' "$RUN/raw/$name.hyperfine.log" | sed "s/^/[bench]   /" >&2 || true
done <"$CMDS"

# ---- 4. report ---------------------------------------------------------------
mkdir -p "$RESULTS"
OUT="$RESULTS/$(date +%F)-$TAG"
$PY "$REPO/bench/corpus/report.py" --run "$RUN" --work "$WORK" --build "$BUILD_DIR" --safegate "$SAFEGATE" \
  --hs "$HS" --runs "$RUNS" --out "$OUT"
log "wrote $OUT.md and $OUT.json"
