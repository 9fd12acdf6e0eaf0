#!/usr/bin/env bash
# What one proxied chat request costs the server (issue 27): the set-up of
# proxy.sh (mock model server, `safegate serve` in front of it, SQLite on
# disk), one wrk run through the proxy, and per request the server's CPU
# (/proc, user + system), its context switches (all threads) and, with MODE
# "sys", its system calls that matter here (perf stat tracepoints; needs root
# or perf_event_paranoid <= 1). MODE "perf" records a DWARF call-graph profile
# instead (perf report -i $PERF_OUT --children). Figures of a shared machine
# move with its load: compare builds in alternating runs.
# usage: bench/serve/proxy_cost.sh BUILD_DIR [SECONDS] [CONNECTIONS] [STREAM 0|1] [MODE sys|perf]
set -euo pipefail
build=$(realpath "$1")
secs=${2:-5}
conns=${3:-16}
stream=${4:-0}
mode=${5:-}
bin=$build/apps/cli/safegate
mock=$build/tests/unit/eval/mock_model_server
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${BENCH_TMP:-/var/tmp}/safegate-proxy-cost.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export SAFEGATE_CACHE_DIR=${SAFEGATE_CACHE_DIR:-$work/cache}
# shellcheck source=stack.sh
source "$here/stack.sh"
start_proxy_stack
url="http://127.0.0.1:$port/v1/chat/completions"
cpu() { awk '{print $14 + $15}' "/proc/$spid/stat"; }
csw() { cat /proc/"$spid"/task/*/status | awk '/ctxt_switches/ {s += $2} END {print s}'; }
KEY=$key STREAM=$stream wrk -t2 -c16 -d2s -s "$here/chat.lua" "$url" >/dev/null  # warm-up
events=fdatasync,pwrite64,pread64,futex,epoll_wait,poll,sendto,sendmsg,recvfrom,fcntl
t0=$(cpu)
c0=$(csw)
ppid=
if [ "$mode" = sys ]; then
  perf stat -x, -o "$work/stat.txt" -e "$(echo "$events" | sed 's/\([a-z0-9_]*\)/syscalls:sys_enter_\1/g')" \
    -p "$spid" -- sleep "$secs" >/dev/null 2>&1 &
  ppid=$!
elif [ "$mode" = perf ]; then
  perf record -F 499 --call-graph dwarf,16384 -p "$spid" -o "${PERF_OUT:-$work/perf.data}" \
    -- sleep "$secs" >/dev/null 2>&1 &
  ppid=$!
fi
r=$(KEY=$key STREAM=$stream wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$here/chat.lua" "$url" | grep '^RESULT')
t1=$(cpu)
c1=$(csw)
[ -n "$ppid" ] && wait "$ppid"
n=${r##*requests=}
echo "$r"
awk -v t="$((t1 - t0))" -v c="$((c1 - c0))" -v n="$n" -v hz="$(getconf CLK_TCK)" \
  'BEGIN {printf "per request: server CPU %.0f us, context switches %.1f\n", t / hz * 1e6 / n, c / n}'
if [ "$mode" = sys ]; then
  # perf counts over SECONDS; wrk's request count over the same span.
  awk -F, -v n="$n" '$3 ~ /syscalls/ {sub("syscalls:sys_enter_", "", $3); printf "  %-11s %6.2f per request\n", $3, $1 / n}' "$work/stat.txt"
fi
