#!/usr/bin/env bash
# Benchmark of `safegate serve` with wrk on loopback (issue 6):
#   1. maximum load: wrk -t2 -c64 against POST /bench/bare (fixed JSON: the HTTP
#      stack's ceiling) and POST /v1/moderations (demo policy, API key); 3 runs each,
#      the median is reported;
#   2. half load: /v1/moderations at about half of its maximum (wrk's delay() hook:
#      C connections each wait 1 ms between requests) for p50/p99.
# usage: bench/serve/run.sh SAFEGATE_BINARY [SECONDS]
# Writes bench/results/serve-YYYY-MM-DD.json (or $OUT) and prints a table.
set -euo pipefail
bin=$(realpath "$1")
secs=${2:-10}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/safegate-bench-serve.XXXXXX)
trap 'kill $pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
export SAFEGATE_CACHE_DIR=$work/cache
key=$("$bin" serve keys create --db "sqlite:$work/serve.db" --name bench --role client)
"$bin" serve --policy "$root/examples/demo/policy.yaml" --db "sqlite:$work/serve.db" \
  --listen 127.0.0.1:0 --port-file "$work/port" --bare-endpoint 2>"$work/server.log" &
pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
base=http://127.0.0.1:$port
run_wrk() {  # path connections delay_ms -> RESULT line
  KEY=$key DELAY_MS=$3 wrk -t2 -c"$2" -d"${secs}s" --latency -s "$here/post.lua" "$base$1" |
    grep '^RESULT'
}
median() { sort -t= -k2 -n | sed -n 2p; }
field() { echo "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }
echo "warm-up"; run_wrk /v1/moderations 64 0 >/dev/null
bare=(); mod=()
for i in 1 2 3; do
  bare+=("$(run_wrk /bench/bare 64 0)")
  mod+=("$(run_wrk /v1/moderations 64 0)")
done
pick() {  # median by rps of three RESULT lines
  printf '%s\n' "$@" | awk '{split($2,a,"="); print a[2], $0}' | sort -n | sed -n 2p | cut -d' ' -f2-
}
bare_med=$(pick "${bare[@]}")
mod_med=$(pick "${mod[@]}")
mod_max=$(field "$mod_med" rps)
# Half load: each connection waits 1 ms between requests; a probe measures
# what one such connection sends, and C is chosen to reach half the maximum.
probe=$(secs=3 run_wrk /v1/moderations 4 1)
per_conn=$(( $(printf '%.0f' "$(field "$probe" rps)") / 4 ))
[ "$per_conn" -lt 1 ] && per_conn=1
conns=$(( (${mod_max%.*} / 2 + per_conn - 1) / per_conn ))
[ "$conns" -lt 1 ] && conns=1
half=$(run_wrk /v1/moderations "$conns" 1)
date=$(date -u +%Y-%m-%d)
out=${OUT:-"$root/bench/results/serve-$date.json"}
mkdir -p "$root/bench/results"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
/usr/bin/python3 - "$out" "$date" "$cpu" "$secs" "$conns" "${bare[@]}" "${mod[@]}" "$half" <<'PY'
import json, sys
out, date, cpu, secs, conns = sys.argv[1:6]
lines = sys.argv[6:]
def parse(l):
    d = dict(kv.split("=") for kv in l.split()[1:])
    return {k: float(v) for k, v in d.items()}
bare = [parse(l) for l in lines[0:3]]
mod = [parse(l) for l in lines[3:6]]
half = parse(lines[6])
med = lambda rs: sorted(rs, key=lambda r: r["rps"])[1]
res = {
    "schema": "safegate.bench.serve/1", "date": date, "cpu": cpu, "cores": 2,
    "command": "bench/serve/run.sh BIN " + secs,
    "wrk": "wrk -t2 -c64 -d%ss --latency (max load); -c%s with 1 ms delay per request (half load)" % (secs, conns),
    "note": "server (1 io thread + workers) and wrk share the 2 cores; other jobs may run on the machine",
    "bare": {"runs": bare, "median": med(bare)},
    "moderations": {"runs": mod, "median": med(mod)},
    "moderations_half_load": half,
}
res["ratio_moderations_to_bare"] = med(mod)["rps"] / med(bare)["rps"]
json.dump(res, open(out, "w"), indent=2)
print(f"{'endpoint':28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
for name, r in [("POST /bench/bare (max)", med(bare)), ("POST /v1/moderations (max)", med(mod)),
                ("POST /v1/moderations (half)", half)]:
    print(f"{name:28} {r['rps']:9.0f} {r['p50_ms']:8.3f} {r['p99_ms']:8.3f}")
half_target = med(mod)["rps"] / 2
print(f"moderations / bare: {res['ratio_moderations_to_bare']:.0%} (target >= 70%); "
      f"half load: {half['rps']:.0f} req/s (target {half_target:.0f}), p99 {half['p99_ms']:.2f} ms (target <= 5)")
print(f"-> {out}")
PY
