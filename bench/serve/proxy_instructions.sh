#!/usr/bin/env bash
# What one proxied chat request costs the server in instructions, which a
# shared machine's load does not move (unlike proxy.sh's CPU time): the set-up
# of proxy.sh (mock model server, `safegate serve` in front of it, SQLite on
# disk) with the server under valgrind's callgrind, FEW and then FEW + N
# sequential keep-alive requests of chat.lua's body, each run's total
# instructions, and their difference divided by N (start-up and warm-up cancel
# out). Compare two builds with it. A first run compiles the rules into the
# cache (SAFEGATE_CACHE_DIR, default a directory under BENCH_TMP).
# usage: bench/serve/proxy_instructions.sh BUILD_DIR [STREAM 0|1] [N]
set -euo pipefail
build=$(realpath "$1")
stream=${2:-0}
n=${3:-100}
few=5
bin=$build/apps/cli/safegate
mock=$build/tests/unit/eval/mock_model_server
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export SAFEGATE_CACHE_DIR=${SAFEGATE_CACHE_DIR:-${BENCH_TMP:-/var/tmp}/safegate-proxy-instructions-cache}
# shellcheck source=stack.sh
source "$here/stack.sh"
pids=()
work=
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -z "$work" ] || rm -rf "$work"
  pids=()
  work=
}
trap cleanup EXIT
# run WRAPPER REQUESTS: the stack with the server under WRAPPER, REQUESTS
# sequential chats, a clean stop (SIGINT); prints callgrind's total, if any.
run() {
  work=$(mktemp -d "${BENCH_TMP:-/var/tmp}/safegate-proxy-instr.XXXXXX")
  SERVE_WRAPPER=${1//@OUT@/$work/cg.out} START_SECONDS=600 start_proxy_stack
  /usr/bin/python3 - "$port" "$key" "$stream" "$2" <<'PY'
import http.client, json, sys
port, key, stream, n = sys.argv[1], sys.argv[2], sys.argv[3] == "1", int(sys.argv[4])
c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=600)
body = json.dumps({"model": "m", "user": "bench-1", "stream": stream, "messages": [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "Where can I find a good recipe for dinner tonight?"}]})
for _ in range(n):
    c.request("POST", "/v1/chat/completions", body,
              {"Content-Type": "application/json", "Authorization": "Bearer " + key})
    r = c.getresponse()
    d = r.read()
    assert r.status == 200, (r.status, d[:200])
PY
  kill -INT "$spid"
  wait "$spid" 2>/dev/null || true
  if [ -f "$work/cg.out" ]; then awk '/^summary:/ {print $2}' "$work/cg.out"; fi
  cleanup
}
export GLIBC_TUNABLES=glibc.malloc.top_pad=0  # valgrind's brk segment (docs/judges.md)
cg="valgrind --tool=callgrind --callgrind-out-file=@OUT@"
run "$cg" 1 >/dev/null  # compiles the rules into the cache (under valgrind: rules compiled
                        # natively are not loaded there, the engine's processor check)
a=$(run "$cg" "$few")
b=$(run "$cg" $((few + n)))
echo "stream=$stream requests: $few -> $((few + n)); server instructions: $a -> $b"
echo "per request: $(((b - a) / n))"
