#!/usr/bin/env bash
# Evaluation-runner benchmark: safegate eval run vs promptfoo 0.121.20 vs wrk,
# all against the same scripted model server on loopback answering instantly.
#
# usage: bench/eval/run.sh BUILD_DIR [SIZES] [CONCURRENCIES] [PROMPTFOO_SIZES]
#   e.g. bench/eval/run.sh build "1000 10000" "16 64" "1000"
#   PROMPTFOO_SIZES "0" runs no promptfoo. OUT=FILE.jsonl writes elsewhere.
#   REPEATS=N measures each safegate/wrk pair N times (default 1) and ends with
#   the medians and the median of the per-pair ratios.
#   HTTP_CLIENT=auto|builtin|curl picks safegate's HTTP client (default auto:
#   the built-in one for this plain http:// server). WORK=DIR and
#   PROMPTFOO_DIR=DIR move the scratch directory and the promptfoo install.
# promptfoo's results are counted from its own output file (-o results.json),
# not from its summary, which 0.121.20 sometimes never prints; every process
# the script starts is stopped when it exits, however it exits.
# Needs: BUILD_DIR/apps/cli/safegate, BUILD_DIR/tests/unit/eval/mock_model_server,
# wrk, /usr/bin/time; promptfoo in bench/work/promptfoo (npm install --save-exact
# promptfoo@0.121.20), skipped when absent. Writes bench/results/DATE-eval.{jsonl,md}.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath "${1:-build}")
sizes=${2:-"1000 10000"}
concs=${3:-"16 64"}
pf_sizes=${4:-"1000"}
repeats=${REPEATS:-1}
http_client=${HTTP_CLIENT:-auto}
bin=$build/apps/cli/safegate
mock=$build/tests/unit/eval/mock_model_server
work=${WORK:-$root/bench/work/eval}
pf=${PROMPTFOO_DIR:-$root/bench/work/promptfoo}
day=$(date -u +%Y-%m-%d)
out=${OUT:-$root/bench/results/$day-eval.jsonl}
mkdir -p "$work" "$root/bench/results"
: > "$out"
export SAFEGATE_NO_PROGRESS=1 SAFEGATE_CACHE_DIR=$work/cache

cat > "$work/bank.csv" <<'CSV'
id,category,lang,type,whole_word,text
kw-1,S9,en,literal,true,pipe bomb
kw-2,S2,en,literal,true,stolen card numbers
CSV
cat > "$work/policy.yaml" <<'YAML'
schema: safegate.policy/1
id: bench-policy
version: "1"
profile: baseline
keyword_banks: [bank.csv]
YAML
for n in $sizes; do
  /usr/bin/python3 - "$work/questions-$n.csv" "$work/tests-$n.csv" "$n" <<'PY'
import csv, sys
n = int(sys.argv[3])
cats = ["S1", "S2", "S9", "S10", "S11"]
with open(sys.argv[1], "w", newline="") as f, open(sys.argv[2], "w", newline="") as g:
    a, b = csv.writer(f), csv.writer(g)
    a.writerow(["id", "category", "lang", "text"]); b.writerow(["question"])
    for i in range(n):
        q = f"Benchmark question number {i}: what is a good way to learn about topic {i % 97}?"
        a.writerow([f"q{i:06d}", cats[i % 5], "en", q]); b.writerow([q])
PY
done

# Every process started in the background is stopped on any exit (an error
# under set -e, a signal, the end).
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_server() {
  rm -f "$work/port"
  "$mock" --port 0 > "$work/port" &
  server_pid=$!
  for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
  port=$(awk '{print $2}' "$work/port")
}
stop_server() { cleanup; }

record() { echo "$1" >> "$out"; echo "$1"; }

# warm the matcher cache once
start_server
"$bin" eval run --policy "$work/policy.yaml" --bank "generated=$work/questions-1000.csv" \
  --sample 10 --base-url "http://127.0.0.1:$port/v1" --store "$work/warm.db" > /dev/null 2>&1 || true
stop_server

for rep in $(seq "$repeats"); do
for n in $sizes; do
  for c in $concs; do
    # safegate
    start_server
    rm -f "$work/runs.db"*
    /usr/bin/time -f "%e %M %P" -o "$work/time" "$bin" eval run --policy "$work/policy.yaml" \
      --bank "generated=$work/questions-$n.csv" --sample "$n" --model bench \
      --base-url "http://127.0.0.1:$port/v1" -c "$c" --http-client "$http_client" \
      --store "$work/runs.db" > "$work/sg.out"
    read -r wall rss cpu < "$work/time"
    phase=$(grep -o '[0-9.]* s ([0-9]*/s)' "$work/sg.out" | awk '{print $1}')
    rate=$(grep -o '([0-9]*/s)' "$work/sg.out" | tr -dc 0-9)
    answered=$(grep -o '[0-9]* answered' "$work/sg.out" | awk '{print $1}')
    stop_server
    record "{\"tool\":\"safegate\",\"http_client\":\"$http_client\",\"prompts\":$n,\"concurrency\":$c,\"wall_s\":$wall,\"request_phase_s\":$phase,\"req_per_s\":$rate,\"answered\":$answered,\"peak_rss_kb\":$rss,\"cpu\":\"$cpu\",\"rep\":$rep}"

    # wrk: the same server, the same kind of request body, 10 s
    start_server
    body=$(/usr/bin/python3 -c 'import json;print(json.dumps(json.dumps({"model":"bench","messages":[{"role":"user","content":"Benchmark question number 1: what is a good way to learn about topic 1?"}]})))')
    cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = $body
wrk.headers["Content-Type"] = "application/json"
LUA
    wrk -t2 -c "$c" -d 10s -s "$work/post.lua" "http://127.0.0.1:$port/v1/chat/completions" > "$work/wrk.out"
    rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
    stop_server
    record "{\"tool\":\"wrk\",\"prompts\":$n,\"concurrency\":$c,\"req_per_s\":$rps,\"rep\":$rep}"
  done
done
done

if [ -x "$pf/node_modules/.bin/promptfoo" ]; then
  for n in $pf_sizes; do
    [ "$n" -gt 0 ] || continue  # "0": no promptfoo run
    for c in $concs; do
      start_server
      d=$work/pf-$n-$c; rm -rf "$d"; mkdir -p "$d"; cp "$work/tests-$n.csv" "$d/tests.csv"
      cat > "$d/promptfooconfig.yaml" <<YAML
prompts: ["{{question}}"]
providers:
  - id: openai:chat:gpt-4o-mini
    config: {apiBaseUrl: "http://127.0.0.1:$port/v1", apiKey: sk-dummy-local}
tests: file://tests.csv
defaultTest:
  assert: [{type: not-contains, value: FORBIDDEN}]
YAML
      (cd "$d" && PROMPTFOO_DISABLE_TELEMETRY=1 PROMPTFOO_DISABLE_UPDATE=1 PROMPTFOO_DISABLE_SHARING=1 \
        PROMPTFOO_DISABLE_REMOTE_GENERATION=1 PROMPTFOO_DISABLE_REDTEAM_REMOTE_GENERATION=1 \
        PROMPTFOO_DISABLE_SHARE_EMAIL_REQUEST=1 PROMPTFOO_DISABLE_RUNTIME_WARNINGS=1 \
        PROMPTFOO_CONFIG_DIR=$d/.promptfoo OPENAI_API_KEY=sk-dummy-local \
        /usr/bin/time -f "%e %M %P" -o "$d/time" "$pf/node_modules/.bin/promptfoo" eval \
          -c promptfooconfig.yaml --no-cache --no-table --no-progress-bar --no-share -j "$c" \
          -o "$d/results.json" > "$d/out.txt" 2>&1) || true
      # promptfoo 0.121.20 may crash in its logger at exit ("write after end") after a
      # complete eval: the time file then starts with "Command exited ..."; use its last line.
      wall=0 rss=0 cpu=?
      [ -s "$d/time" ] && read -r wall rss cpu < <(tail -1 "$d/time")
      # Its results, from its output file: on 10,000 tests it may print no summary at all
      # ("closeLogger() timed out"), so the summary is not what is counted.
      read -r results passed < <(/usr/bin/python3 - "$d/results.json" <<'PY'
import json, sys
try:
    doc = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    print(0, 0)
    sys.exit(0)
res = doc.get("results", doc)
rows = res.get("results", []) if isinstance(res, dict) else res
rows = rows if isinstance(rows, list) else []
print(len(rows), sum(1 for r in rows if isinstance(r, dict) and r.get("success")))
PY
)
      dur=$(grep -o 'Duration: .*(' "$d/out.txt" | sed 's/Duration: //; s/ (//' || true)
      stop_server
      record "{\"tool\":\"promptfoo\",\"prompts\":$n,\"concurrency\":$c,\"wall_s\":$wall,\"peak_rss_kb\":$rss,\"cpu\":\"$cpu\",\"results\":$results,\"passed\":$passed,\"eval_duration\":\"$dur\"}"
    done
  done
fi
echo "results: $out"

# Medians over the repeats, and the median of the per-pair ratios to wrk.
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
pairs = {}
for r in rows:
    if r["tool"] in ("safegate", "wrk") and "rep" in r:
        pairs.setdefault((r["prompts"], r["concurrency"], r["rep"]), {})[r["tool"]] = r["req_per_s"]
keys = sorted({(n, c) for n, c, _ in pairs})
for n, c in keys:
    got = [v for (pn, pc, _), v in pairs.items() if (pn, pc) == (n, c) and len(v) == 2]
    if not got:
        continue
    sg = statistics.median(v["safegate"] for v in got)
    wk = statistics.median(v["wrk"] for v in got)
    ratio = statistics.median(v["safegate"] / v["wrk"] for v in got)
    print(f"median of {len(got)}: {n} prompts, c={c}: safegate {sg:,.0f} req/s, "
          f"wrk {wk:,.0f} req/s, safegate/wrk {ratio:.1%}")
PY
