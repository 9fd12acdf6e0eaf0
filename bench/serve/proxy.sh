#!/usr/bin/env bash
# The chat proxy next to its upstream, in one run (issue 27): wrk -t2 on
# POST /v1/chat/completions straight to the repository's mock model server and
# through `safegate serve` in front of it, at c=16 and c=64, plain and streamed
# answers, SQLite on disk (durability: disk, the default; DURABILITY=process
# for synchronous=NORMAL). Reports requests/s, p50/p99, the proxy/direct ratio
# and the server's CPU time per proxied request (/proc, user + system); the
# JSON also has the mock upstream's and wrk's CPU per request in both runs,
# and from them the bound below which the ratio must stay on these 2 cores
# (docs/perf.md, "Chat proxy").
# usage: bench/serve/proxy.sh BUILD_DIR [SECONDS]
# Writes bench/results/serve-proxy-YYYY-MM-DD.json (or $OUT) and prints a table.
set -euo pipefail
build=$(realpath "$1")
secs=${2:-10}
bin=$build/apps/cli/safegate
mock=$build/tests/unit/eval/mock_model_server
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${BENCH_TMP:-/var/tmp}/safegate-bench-proxy.XXXXXX")  # on disk, not tmpfs
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export SAFEGATE_CACHE_DIR=$work/cache
# shellcheck source=stack.sh
source "$here/stack.sh"
start_proxy_stack
cpu() { awk '{print $14 + $15}' "/proc/${1:-$spid}/stat"; }
run_wrk() {  # url connections stream -> RESULT line + " client_ticks=N" (wrk's own CPU)
  (
    KEY=$key STREAM=$3 wrk -t2 -c"$2" -d"${secs}s" --latency -s "$here/chat.lua" "$1" | grep '^RESULT' | tr -d '\n'
    me=$BASHPID  # this subshell, which waited for wrk: its children's CPU is wrk's
    echo " client_ticks=$(awk '{print $16 + $17}' "/proc/$me/stat")"
  )
}
echo "warm-up"; secs=2 run_wrk "http://127.0.0.1:$port/v1/chat/completions" 16 0 >/dev/null
lines=()
for stream in 0 1; do
  for c in 16 64; do
    m0=$(cpu $mpid)
    d=$(run_wrk "http://127.0.0.1:$mport/v1/chat/completions" "$c" "$stream")
    m1=$(cpu $mpid)
    t0=$(cpu)
    p=$(run_wrk "http://127.0.0.1:$port/v1/chat/completions" "$c" "$stream")
    t1=$(cpu)
    m2=$(cpu $mpid)
    lines+=("$stream $c $d upstream_ticks=$((m1 - m0)) | $p upstream_ticks=$((m2 - m1)) cpu_ticks=$((t1 - t0))")
    echo "stream=$stream c=$c direct: $d"
    echo "stream=$stream c=$c proxy:  $p"
  done
done
date=$(date -u +%Y-%m-%d)
out=${OUT:-"$root/bench/results/serve-proxy-$date.json"}
mkdir -p "$(dirname "$out")"
cpuname=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
hz=$(getconf CLK_TCK)
/usr/bin/python3 - "$out" "$date" "$cpuname" "$secs" "$hz" "${DURABILITY:-disk}" "${WORKERS:-64}" "${lines[@]}" <<'PY'
import json, sys
out, date, cpu, secs, hz, durability, workers = sys.argv[1:8]
hz = float(hz)
def parse(text):
    return {k: float(v) for k, v in (kv.split("=") for kv in text.split()[1:])}
def us(ticks, n):
    return ticks / hz * 1e6 / n if n else None
rows = []
for line in sys.argv[8:]:
    head, proxy = line.split(" | ")
    stream, c = head.split()[:2]
    d = parse(" ".join(head.split()[2:]))
    p = parse(proxy)
    direct = {k: d[k] for k in ("rps", "p50_ms", "p99_ms", "errors", "requests")}
    direct["upstream_cpu_us_per_request"] = us(d["upstream_ticks"], d["requests"])
    direct["client_cpu_us_per_request"] = us(d["client_ticks"], d["requests"])
    prox = {k: p[k] for k in ("rps", "p50_ms", "p99_ms", "errors", "requests")}
    prox["upstream_cpu_us_per_request"] = us(p["upstream_ticks"], p["requests"])
    prox["client_cpu_us_per_request"] = us(p["client_ticks"], p["requests"])
    server = us(p["cpu_ticks"], p["requests"])
    row = {"stream": stream == "1", "connections": int(c), "direct": direct, "proxy": prox,
           "ratio": p["rps"] / d["rps"] if d["rps"] else 0,
           "server_cpu_us_per_request": server}
    # The three processes share 2 cores: a proxied request costs the client,
    # the upstream and the server their CPU, so the proxy can serve at most
    # 2 s / (their sum) per second; the ratio this allows against the
    # direct rate measured here.
    parts = [prox["client_cpu_us_per_request"], prox["upstream_cpu_us_per_request"], server]
    if all(x for x in parts) and d["rps"]:
        row["cpu_bound_rps"] = 2e6 / sum(parts)
        row["cpu_bound_ratio"] = row["cpu_bound_rps"] / d["rps"]
        # The server CPU per request at which 50% of direct would fit.
        row["server_cpu_us_allowed_for_half"] = 2e6 / (0.5 * d["rps"]) - parts[0] - parts[1]
    rows.append(row)
res = {"schema": "safegate.bench.serve-proxy/2", "date": date, "cpu": cpu, "cores": 2,
       "command": "bench/serve/proxy.sh BUILD " + secs, "durability": durability, "workers": int(workers),
       "note": "upstream (mock, 1 thread), safegate serve and wrk share the 2 cores; SQLite on disk; "
               "CPU = user + system from /proc (wrk's as a waited-for child)",
       "rows": rows}
json.dump(res, open(out, "w"), indent=2)
print(f"{'answer':8} {'c':>3} {'direct req/s':>12} {'proxy req/s':>11} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} {'CPU us/req':>10}")
for r in rows:
    print(f"{'stream' if r['stream'] else 'plain':8} {r['connections']:3d} {r['direct']['rps']:12.0f} "
          f"{r['proxy']['rps']:11.0f} {r['ratio']:6.1%} {r['proxy']['p50_ms']:7.2f} {r['proxy']['p99_ms']:7.2f} "
          f"{r['server_cpu_us_per_request'] or 0:10.0f}")
print("CPU per proxied request (us): server + upstream + wrk -> the most 2 cores allow; server CPU that 50% allows")
for r in rows:
    p = r["proxy"]
    if "cpu_bound_ratio" in r:
        print(f"{'stream' if r['stream'] else 'plain':8} {r['connections']:3d} {r['server_cpu_us_per_request']:.0f} + "
              f"{p['upstream_cpu_us_per_request']:.0f} + {p['client_cpu_us_per_request']:.0f} -> "
              f"{r['cpu_bound_rps']:.0f} req/s = {r['cpu_bound_ratio']:.1%} of direct; "
              f"50% needs server <= {r['server_cpu_us_allowed_for_half']:.0f} us")
print(f"-> {out}")
PY
