#!/usr/bin/env bash
# Start-up, sampling and thread figures of issue 21's "speed must hold", side
# by side in interleaved rounds, as CPU time (perf stat task-clock: every
# thread, user + system) with wall time and peak RSS (/usr/bin/time). On a
# shared machine wall time includes waiting for a core; CPU time much less so.
#
#   OLD_BIN=path/to/old/safegate ROUNDS=5 THREAD_ROUNDS=2 \
#     bash bench/corpus/startup_side_by_side.sh BUILD_DIR SMALL_WORK LARGE_WORK MATCHER_WORK
#
# SMALL_WORK / LARGE_WORK: BENCH_WORK directories of bench/corpus/run.sh (or
#   make_corpus.py + make_keywords.py) holding en.jsonl and policy.yaml
#   (10,000 keywords), e.g. 40 MB and 500 MB.
# MATCHER_WORK: bench/matcher/run.sh's work directory (policy.yaml with the
#   100,000-keyword bank kw100000.csv, src100.jsonl: 100 lines).
# Measures, each ROUNDS times, interleaved:
#   startup-100k    corpus sample -n 10 on the 100 lines, 100,000 keywords, cached matcher
#   sample-1000     corpus sample -n 1000 --seed 1 on LARGE_WORK/en.jsonl (cached matcher)
#   wc-l            wc -l on the same file
# and THREAD_ROUNDS times corpus scan -j 1 and -j 2 on both corpora (BUILD only).
# Each safegate command runs for BUILD and, when OLD_BIN is set, for OLD_BIN.
# Writes OUT (default bench/results/<date>-corpus-startup.json; schema
# safegate.bench.corpus-startup/1) and prints medians and ratios.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="$(cd "${1:?build dir}" && pwd)"
SMALL="$(cd "${2:?small work dir}" && pwd)"
LARGE="$(cd "${3:?large work dir}" && pwd)"
MW="$(cd "${4:?matcher work dir}" && pwd)"
N="${ROUNDS:-5}"
TN="${THREAD_ROUNDS:-2}"
OUT="${OUT:-$REPO/bench/results/$(date -u +%Y-%m-%d)-corpus-startup.json}"
command -v perf >/dev/null || { echo "needs perf (linux-tools)" >&2; exit 1; }
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
export SAFEGATE_NO_PROGRESS=1
LINES="$T/lines.tsv"
: >"$LINES"
# run NAME BUILD_LABEL CACHE CMD...: one measured run.
run() {
  local name=$1 label=$2 cache=$3
  shift 3
  SAFEGATE_CACHE_DIR="$cache" perf stat -x, -e task-clock -o "$T/perf" -- \
    /usr/bin/time -f "%e %M" -o "$T/time" "$@" >/dev/null 2>"$T/err" || { cat "$T/err" >&2; exit 1; }
  local ms
  ms=$(awk -F, '/task-clock/ {print $1}' "$T/perf")
  printf '%s\t%s\t%s\t%s\n' "$name" "$label" "$ms" "$(cat "$T/time")" >>"$LINES"
}
bins=("new:$BUILD/apps/cli/safegate")
[ -n "${OLD_BIN:-}" ] && bins+=("old:$OLD_BIN")
startup() { echo "$1 corpus sample --policy $MW/policy.yaml --source w=$MW/src100.jsonl -n 10 --seed 1 -o $T/s.jsonl -j 1"; }
sample() { echo "$1 corpus sample --policy $LARGE/policy.yaml --source w=$LARGE/en.jsonl -n 1000 --seed 1 -o $T/sample-$2.jsonl"; }
scan() { echo "$1 corpus scan --policy $2/policy.yaml --source wiki=$2/en.jsonl --format jsonl --text-field text -j $3 --hits /dev/null -o /dev/null"; }
# Warm-up: fills each build's matcher caches and the page cache.
for b in "${bins[@]}"; do
  l=${b%%:*} bin=${b#*:}
  for c in "$(startup "$bin")" "$(sample "$bin" "$l")" "$(scan "$bin" "$SMALL" 1)"; do
    SAFEGATE_CACHE_DIR="$T/cache-$l" bash -c "$c" >/dev/null 2>&1
  done
  SAFEGATE_CACHE_DIR="$T/cache-$l" bash -c "$(scan "$bin" "$LARGE" 1)" >/dev/null 2>&1
done
wc -l "$LARGE/en.jsonl" >/dev/null
for _ in $(seq "$N"); do
  for b in "${bins[@]}"; do
    l=${b%%:*} bin=${b#*:}
    # shellcheck disable=SC2046
    run startup-100k "$l" "$T/cache-$l" $(startup "$bin")
    # shellcheck disable=SC2046
    run sample-1000 "$l" "$T/cache-$l" $(sample "$bin" "$l")
  done
  run wc-l - "" wc -l "$LARGE/en.jsonl"
done
if [ -n "${OLD_BIN:-}" ]; then
  # The sample a seed picks is audit evidence: it must not change.
  if cmp -s <(tail -n +2 "$T/sample-new.jsonl") <(tail -n +2 "$T/sample-old.jsonl"); then
    SAME=true
  else
    SAME=false
  fi
else
  SAME=null
fi
for _ in $(seq "$TN"); do
  for w in "$SMALL" "$LARGE"; do
    for j in 1 2; do
      # shellcheck disable=SC2046
      run "scan-$(du -m "$w/en.jsonl" | cut -f1)MB-j$j" new "$T/cache-new" $(scan "$BUILD/apps/cli/safegate" "$w" "$j")
    done
  done
done
/usr/bin/python3 - "$LINES" "$OUT" "$SAME" "$LARGE/en.jsonl" "$SMALL/en.jsonl" <<'PY'
import json, os, statistics, subprocess, sys
lines, out, same, large, small = sys.argv[1:]
rows = {}
for line in open(lines):
    name, label, ms, t = line.rstrip("\n").split("\t")
    wall, rss = t.split()
    rows.setdefault((name, label), []).append((float(ms) / 1000, float(wall), int(rss) / 1024))
med = lambda v: round(statistics.median(v), 3)
res = []
for (name, label), rs in rows.items():
    res.append({"name": name, "build": label, "runs": len(rs),
                "cpu_s_median": med([c for c, _, _ in rs]), "cpu_s_min": round(min(c for c, _, _ in rs), 3),
                "wall_s_median": med([w for _, w, _ in rs]),
                "peak_rss_mb_median": med([r for _, _, r in rs])})
by = {(r["name"], r["build"]): r for r in res}
ratios = {}
w = by.get(("wc-l", "-"))
for b in ("new", "old"):
    s = by.get(("sample-1000", b))
    if w and s:
        ratios[f"sample_1000_over_wc_l_cpu_{b}"] = round(s["cpu_s_median"] / w["cpu_s_median"], 2)
for size in sorted({r["name"].split("-")[1] for r in res if r["name"].startswith("scan-")}):
    a, b = by.get((f"scan-{size}-j1", "new")), by.get((f"scan-{size}-j2", "new"))
    if a and b:
        ratios[f"scan_{size}_j2_speedup_wall"] = round(a["wall_s_median"] / b["wall_s_median"], 2)
        ratios[f"scan_{size}_j2_over_j1_cpu"] = round(b["cpu_s_median"] / a["cpu_s_median"], 2)
def git(*a):
    try:
        return subprocess.run(["git", *a], capture_output=True, text=True, check=True).stdout.strip()
    except Exception:
        return ""
doc = {"schema": "safegate.bench.corpus-startup/1",
       "commit": git("rev-parse", "--short", "HEAD"),
       "machine": {"cores": os.cpu_count(), "loadavg_at_end": open("/proc/loadavg").read().split()[:3]},
       "cpu_measure": "perf stat task-clock (all threads), seconds",
       "large_source_bytes": os.path.getsize(large), "small_source_bytes": os.path.getsize(small),
       "sample_identical_to_old": None if same == "null" else same == "true",
       "results": sorted(res, key=lambda r: (r["name"], r["build"])), "ratios": ratios}
json.dump(doc, open(out, "w"), indent=2)
print(out)
for r in doc["results"]:
    print(f'{r["name"]:18} {r["build"]:4} cpu {r["cpu_s_median"]:7.3f} s (min {r["cpu_s_min"]:.3f})  wall {r["wall_s_median"]:7.3f} s  rss {r["peak_rss_mb_median"]:8.1f} MB  n={r["runs"]}')
print(json.dumps(ratios), "sample identical to old:", doc["sample_identical_to_old"])
PY
