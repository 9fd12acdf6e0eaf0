#!/usr/bin/env bash
# Dask benchmark: the corpus benchmark's corpus audited through safegate.dask
# (LocalCluster, 1 and 2 worker processes) against the CLI (1 and 2 threads).
#
#   bash bench/dask/run.sh [BUILD_DIR]        (default BUILD_DIR: build-bench)
#
# BUILD_DIR must contain apps/cli/safegate and python/safegate (the module).
# Environment:
#   BENCH_WORK     data dir shared with bench/corpus (default <repo>/bench/work);
#                  the corpus and keywords are built there when missing
#   BENCH_SIZE_MB  corpus size when it must be built (default 500)
#   BENCH_SEED     corpus/keyword seed (default 1)
#   BENCH_LANGS    languages (default "en")
#   BENCH_RUNS     runs per measurement (default 3)
#   BENCH_RESULTS  results dir (default <repo>/bench/results)
#   BENCH_TAG      results file suffix (default <hostname>-<size>MB)
# Writes bench/results/<date>-dask-<tag>.md and .json.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${1:-build-bench}"
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$REPO/$BUILD_DIR" ;; esac
WORK="${BENCH_WORK:-$REPO/bench/work}"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
SIZE_MB="${BENCH_SIZE_MB:-500}"
SEED="${BENCH_SEED:-1}"
LANGS="${BENCH_LANGS:-en}"
RUNS="${BENCH_RUNS:-3}"
RESULTS="${BENCH_RESULTS:-$REPO/bench/results}"
HOST="$(hostname -s 2>/dev/null || echo host)"
TAG="${BENCH_TAG:-$HOST-${SIZE_MB}MB}"
PY=/usr/bin/python3
export BENCH_WORK="$WORK" BENCH_SEED="$SEED"

log() { echo "[bench] $*" >&2; }
[ -x "$BUILD_DIR/apps/cli/safegate" ] || { log "no $BUILD_DIR/apps/cli/safegate (build it first)"; exit 1; }
[ -d "$BUILD_DIR/python/safegate" ] || { log "no Python module in $BUILD_DIR/python"; exit 1; }

for L in $LANGS; do
  if [ ! -s "$WORK/$L.jsonl" ]; then
    log "building $L corpus ($SIZE_MB MB) in $WORK"
    $PY "$REPO/bench/corpus/make_corpus.py" --work "$WORK" --size-mb "$SIZE_MB" --seed "$SEED" --lang "$L"
  fi
done
if [ ! -s "$WORK/keywords.csv" ] || [ ! -s "$WORK/policy.yaml" ]; then
  log "building keywords in $WORK"
  $PY "$REPO/bench/corpus/make_keywords.py" --work "$WORK" --seed "$SEED"
fi

OUT="$(mktemp -d "${TMPDIR:-/tmp}/safegate-dask-bench.XXXXXX")"
trap 'rm -rf "$OUT"' EXIT
PYTHONPATH="$BUILD_DIR/python${PYTHONPATH:+:$PYTHONPATH}" $PY "$REPO/bench/dask/bench.py" \
  --safegate "$BUILD_DIR/apps/cli/safegate" --work "$WORK" --out "$OUT" --langs "$LANGS" \
  --runs "$RUNS" --results "$RESULTS" --tag "$TAG"
