#!/usr/bin/env bash
# The chat proxy next to its upstream, in one run (issue 27): wrk -t2 on
# POST /v1/chat/completions straight to the repository's mock model server and
# through `safegate serve` in front of it, at c=16 and c=64, plain and streamed
# answers, SQLite on disk (durability: disk, the default; DURABILITY=process
# for synchronous=NORMAL). Reports requests/s, p50/p99, the proxy/direct ratio
# and the server's CPU time per proxied request (/proc, user + system).
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
"$mock" --port 0 --threads 1 >"$work/mock.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q PORT "$work/mock.out" && break; sleep 0.1; done
mport=$(awk '/PORT/ {print $2}' "$work/mock.out")
key=$("$bin" serve keys create --db "sqlite:$work/serve.db" --name bench --role client)
cat >"$work/serve.yaml" <<YAML
schema: safegate.serve/1
policy: $root/examples/demo/policy.yaml
durability: ${DURABILITY:-disk}
workers: ${WORKERS:-64}
upstream:
  url: http://127.0.0.1:$mport/v1
YAML
"$bin" serve -c "$work/serve.yaml" --db "sqlite:$work/serve.db" --listen 127.0.0.1:0 \
  --port-file "$work/port" 2>"$work/server.log" &
spid=$!
pids+=($spid)
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
cpu() { awk '{print $14 + $15}' "/proc/$spid/stat"; }
run_wrk() {  # url connections stream -> RESULT line
  KEY=$key STREAM=$3 wrk -t2 -c"$2" -d"${secs}s" --latency -s "$here/chat.lua" "$1" | grep '^RESULT'
}
echo "warm-up"; secs=2 run_wrk "http://127.0.0.1:$port/v1/chat/completions" 16 0 >/dev/null
lines=()
for stream in 0 1; do
  for c in 16 64; do
    d=$(run_wrk "http://127.0.0.1:$mport/v1/chat/completions" "$c" "$stream")
    t0=$(cpu)
    p=$(run_wrk "http://127.0.0.1:$port/v1/chat/completions" "$c" "$stream")
    t1=$(cpu)
    lines+=("$stream $c $d | $p cpu_ticks=$((t1 - t0))")
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
def parse(l):
    return {k: float(v) for k, v in (kv.split("=") for kv in l.split()[1:])}
rows = []
for line in sys.argv[8:]:
    head, proxy = line.split(" | ")
    stream, c = head.split()[:2]
    direct = parse(" ".join(head.split()[2:]))
    pparts = proxy.split()
    ticks = float(pparts[-1].split("=")[1])
    p = parse(" ".join(pparts[:-1]))
    rows.append({"stream": stream == "1", "connections": int(c), "direct": direct, "proxy": p,
                 "ratio": p["rps"] / direct["rps"] if direct["rps"] else 0,
                 "server_cpu_us_per_request": ticks / float(hz) * 1e6 / p["requests"] if p["requests"] else None})
res = {"schema": "safegate.bench.serve-proxy/1", "date": date, "cpu": cpu, "cores": 2,
       "command": "bench/serve/proxy.sh BUILD " + secs, "durability": durability, "workers": int(workers),
       "note": "upstream (mock, 1 thread), safegate serve and wrk share the 2 cores; SQLite on disk",
       "rows": rows}
json.dump(res, open(out, "w"), indent=2)
print(f"{'answer':8} {'c':>3} {'direct req/s':>12} {'proxy req/s':>11} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} {'CPU us/req':>10}")
for r in rows:
    print(f"{'stream' if r['stream'] else 'plain':8} {r['connections']:3d} {r['direct']['rps']:12.0f} "
          f"{r['proxy']['rps']:11.0f} {r['ratio']:6.1%} {r['proxy']['p50_ms']:7.2f} {r['proxy']['p99_ms']:7.2f} "
          f"{r['server_cpu_us_per_request'] or 0:10.0f}")
print(f"-> {out}")
PY
