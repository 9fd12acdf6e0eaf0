#!/usr/bin/env bash
# `safegate serve` under hostile clients (issue 26), side by side in one run:
#   1. wrk -t2 -c16 on POST /v1/moderations alone;
#   2. the same while 500 slowloris connections (headers never finished) and
#      8 slow readers (streamed 4 MB answers never read) run beside it.
# The upstream is the repository's mock model server. Reports requests/s and
# p99 of the honest clients in both, how often the server closed a slowloris
# connection (header deadline) and how many slow readers' requests it ended
# (write deadline) before the run was over.
# usage: bench/serve/hostile.sh BUILD_DIR [SECONDS]
# Writes bench/results/serve-hostile-YYYY-MM-DD.json (or $OUT) and prints a table.
set -euo pipefail
build=$(realpath "$1")
secs=${2:-15}
bin=$build/apps/cli/safegate
mock=$build/tests/unit/eval/mock_model_server
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/safegate-bench-hostile.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export SAFEGATE_CACHE_DIR=$work/cache
"$mock" --port 0 --default stream >"$work/mock.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q PORT "$work/mock.out" && break; sleep 0.1; done
mport=$(awk '/PORT/ {print $2}' "$work/mock.out")
key=$("$bin" serve keys create --db "sqlite:$work/serve.db" --name bench --role client)
cat >"$work/serve.yaml" <<YAML
schema: safegate.serve/1
policy: $root/examples/demo/policy.yaml
upstream:
  url: http://127.0.0.1:$mport/v1
http:
  header_timeout_seconds: 10
  write_timeout_seconds: 5
  max_connections: 512
YAML
ulimit -n 4096
"$bin" serve -c "$work/serve.yaml" --db "sqlite:$work/serve.db" --listen 127.0.0.1:0 \
  --port-file "$work/port" 2>"$work/server.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
run_wrk() { KEY=$key wrk -t2 -c16 -d"${secs}s" --latency -s "$here/post.lua" "http://127.0.0.1:$port/v1/moderations" | grep '^RESULT'; }
echo "warm-up"; secs=2 run_wrk >/dev/null
echo "1. honest clients alone"
alone=$(run_wrk)
echo "2. honest clients beside 500 slowloris connections and 8 slow readers"
/usr/bin/python3 "$here/hostile_clients.py" "$port" "$key" --slowloris 500 --slow-readers 8 \
  --seconds $((secs + 10)) >"$work/hostile.out" &
hpid=$!
pids+=($hpid)
sleep 5  # let the hostile connections pile up first
beside=$(run_wrk)
# Slow readers whose handlers ended (the write deadline gave up on them and
# freed their workers): completed /v1/chat/completions requests on the server.
released=$(curl -s "http://127.0.0.1:$port/metrics" |
  awk -F' ' '/^safegate_http_requests_total\{route="\/v1\/chat\/completions"/ {n += $2} END {print n + 0}')
wait "$hpid" || true
hostile="$(grep '^HOSTILE' "$work/hostile.out" || echo "HOSTILE missing=1") slow_readers_released=$released"
date=$(date -u +%Y-%m-%d)
out=${OUT:-"$root/bench/results/serve-hostile-$date.json"}
mkdir -p "$(dirname "$out")"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
/usr/bin/python3 - "$out" "$date" "$cpu" "$secs" "$alone" "$beside" "$hostile" <<'PY'
import json, sys
out, date, cpu, secs, alone, beside, hostile = sys.argv[1:8]
parse = lambda l: {k: float(v) for k, v in (kv.split("=") for kv in l.split()[1:])}
res = {"schema": "safegate.bench.serve-hostile/1", "date": date, "cpu": cpu, "cores": 2,
       "command": "bench/serve/hostile.sh BUILD " + secs,
       "wrk": "wrk -t2 -c16 -d%ss --latency POST /v1/moderations" % secs,
       "note": "server, wrk, the mock upstream and the hostile clients share the 2 cores",
       "alone": parse(alone), "beside_hostile": parse(beside), "hostile": parse(hostile)}
json.dump(res, open(out, "w"), indent=2)
print(f"{'honest clients':34} {'req/s':>9} {'p99 ms':>8} {'errors':>7}")
for name, r in [("alone", res["alone"]), ("beside slowloris + slow readers", res["beside_hostile"])]:
    print(f"{name:34} {r['rps']:9.0f} {r['p99_ms']:8.2f} {r['errors']:7.0f}")
print("hostile:", hostile)
print(f"-> {out}")
PY
