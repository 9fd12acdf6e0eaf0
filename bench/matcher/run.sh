#!/usr/bin/env bash
# Start-up benchmark: how long a command that needs the keyword matcher takes
# before it does any work, with a 100,000-keyword bank (make_keywords.py), and
# `corpus sample -n 1000` next to `wc -l` on a large source.
#
#   bash bench/matcher/run.sh [BUILD_DIR] [BASE_BUILD_DIR]
#
# BUILD_DIR defaults to build; BASE_BUILD_DIR (optional) is another build
# measured the same way (e.g. the main branch's, for before/after).
# Env: BENCH_WORK (default <repo>/bench/work/matcher, git-ignored),
#      BENCH_KEYWORDS (100000), BENCH_RUNS (5), BENCH_SOURCE (a large JSONL
#      source for the sample line; default: bench/work/40/en.jsonl when it
#      exists), BENCH_RESULTS (bench/results), BENCH_TAG (matcher-startup).
# Figures are /usr/bin/time user+sys CPU seconds and peak RSS, the median of
# BENCH_RUNS runs: on a shared 2-core machine wall time includes waiting for
# a core, CPU time does not. Writes bench/results/<date>-<tag>.json.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
abs() { case "$1" in /*) echo "$1" ;; *) echo "$REPO/$1" ;; esac; }
BUILD="$(abs "${1:-build}")"
BASE="${2:-}"
[ -n "$BASE" ] && BASE="$(abs "$BASE")"
WORK="${BENCH_WORK:-$REPO/bench/work/matcher}"
N="${BENCH_KEYWORDS:-100000}"
RUNS="${BENCH_RUNS:-5}"
RESULTS="${BENCH_RESULTS:-$REPO/bench/results}"
TAG="${BENCH_TAG:-matcher-startup}"
SOURCE="${BENCH_SOURCE:-$REPO/bench/work/40/en.jsonl}"
mkdir -p "$WORK" "$RESULTS"
[ -s "$WORK/kw$N.csv" ] || /usr/bin/python3 "$REPO/bench/matcher/make_keywords.py" --keywords "$N" -o "$WORK/kw$N.csv"
cat >"$WORK/policy.yaml" <<YAML
schema: safegate.policy/1
id: bench-matcher-$N
version: "1"
profile: baseline
keyword_banks:
  - kw$N.csv
YAML
[ -s "$WORK/src100.jsonl" ] || head -100 "$REPO/../shared/data/wiki-en/paragraphs.jsonl" >"$WORK/src100.jsonl"

lines="$WORK/lines.tsv"
: >"$lines"
# measure NAME BUILD CACHE_DIR CMD...: RUNS runs under /usr/bin/time.
measure() {
  local name=$1 build=$2 cache=$3
  shift 3
  for _ in $(seq "$RUNS"); do
    SAFEGATE_CACHE_DIR="$cache" /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr" ||
      { cat "$WORK/stderr" >&2; exit 1; }
    printf '%s\t%s\t%s\n' "$name" "$build" "$(cat "$WORK/time")" >>"$lines"
  done
}
for b in "$BUILD" ${BASE:+"$BASE"}; do
  bin="$b/apps/cli/safegate"
  cache="$WORK/cache-$(echo "$b" | md5sum | cut -c1-8)"
  rm -rf "$cache"
  sample=("$bin" corpus sample --policy "$WORK/policy.yaml" --source "w=$WORK/src100.jsonl" -n 10 --seed 1 -o "$WORK/out.jsonl" -j 1)
  measure "sample-100-lines-nocache" "$b" "$cache" "${sample[@]}" --no-cache
  SAFEGATE_CACHE_DIR="$cache" "${sample[@]}" >/dev/null 2>&1  # fills the cache
  measure "sample-100-lines-cached" "$b" "$cache" "${sample[@]}"
  if [ -s "$SOURCE" ]; then
    measure "sample-1000-large-cached" "$b" "$cache" "$bin" corpus sample --policy "$WORK/policy.yaml" \
      --source "w=$SOURCE" -n 1000 --seed 1 -o "$WORK/out.jsonl"
  fi
done
[ -s "$SOURCE" ] && measure "wc-l-large" "-" "" wc -l "$SOURCE"

/usr/bin/python3 - "$lines" "$RESULTS/$(date -u +%Y-%m-%d)-$TAG.json" "$N" "$RUNS" "$SOURCE" "$BUILD" "$BASE" <<'PY'
import json, os, statistics, subprocess, sys
lines, out, n, runs, source, build, base = sys.argv[1:]
rows = {}
for line in open(lines):
    name, b, times = line.rstrip("\n").split("\t")
    wall, user, sys_, rss = times.split()
    rows.setdefault((name, b), []).append((float(wall), float(user), float(sys_), int(rss)))
def med(v):
    return round(statistics.median(v), 3)
res = []
for (name, b), rs in rows.items():
    res.append({"name": name, "build": "base" if b == base and base else ("-" if b == "-" else "head"),
                "build_dir": b, "runs": len(rs),
                "cpu_s_median": med([u + s for _, u, s, _ in rs]),
                "user_s_median": med([u for _, u, _, _ in rs]),
                "sys_s_median": med([s for _, _, s, _ in rs]),
                "wall_s_median": med([w for w, _, _, _ in rs]),
                "peak_rss_mb_median": med([r / 1024 for *_, r in rs])})
def git(*a):
    try:
        return subprocess.run(["git", *a], capture_output=True, text=True, check=True).stdout.strip()
    except Exception:
        return ""
doc = {"schema": "safegate.bench.matcher-startup/1",
       "keywords": int(n), "runs": int(runs),
       "commit": git("rev-parse", "--short", "HEAD"),
       "machine": {"cores": os.cpu_count(), "loadavg_at_end": open("/proc/loadavg").read().split()[:3]},
       "large_source": source if os.path.exists(source) else None,
       "large_source_bytes": os.path.getsize(source) if os.path.exists(source) else None,
       "results": res}
by = {(r["name"], r["build"]): r for r in res}
w = by.get(("wc-l-large", "-"))
for b in ("head", "base"):
    s = by.get(("sample-1000-large-cached", b))
    if w and s and w["cpu_s_median"] > 0:
        doc.setdefault("ratios", {})[f"sample_1000_over_wc_l_cpu_{b}"] = round(s["cpu_s_median"] / w["cpu_s_median"], 2)
    if w and s and w["wall_s_median"] > 0:
        doc.setdefault("ratios", {})[f"sample_1000_over_wc_l_wall_{b}"] = round(s["wall_s_median"] / w["wall_s_median"], 2)
json.dump(doc, open(out, "w"), indent=2)
print(out)
for r in res:
    print(f'{r["name"]:28} {r["build"]:5} cpu {r["cpu_s_median"]:7.3f} s  wall {r["wall_s_median"]:7.3f} s  rss {r["peak_rss_mb_median"]:8.1f} MB')
print(doc.get("ratios", {}))
PY
