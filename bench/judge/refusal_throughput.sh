#!/usr/bin/env bash
# Refusal-judge throughput on one core (taskset -c 0), end to end through the CLI
# (JSON parsing and writing included): all XSTest + Do-Not-Answer answers of
# ../shared/data repeated to N lines; the start-up time (rule compilation) is
# measured on a 1-line file and subtracted.
#   bash bench/judge/refusal_throughput.sh build/apps/cli/safegate 100000 [judge flags]
# (e.g. --rules-only for the rules alone; default: the built-in model).
set -euo pipefail
BIN=${1:-build/apps/cli/safegate}
N=${2:-100000}
shift 2 || true
FLAGS=("$@")
DATA=$(cd "$(dirname "$0")/../.." && pwd)/../shared/data
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
/usr/bin/python3 - "$DATA" "$N" "$TMP/in.jsonl" <<'PY'
import json, sys, itertools
data, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
texts = []
for f, k in (("xstest/completions_llama2orig.jsonl", "completion"), ("xstest/completions_mistralinstruct.jsonl", "completion"),
             ("do-not-answer/responses_ChatGPT.jsonl", "response"), ("do-not-answer/responses_llama2-7b-chat.jsonl", "response"),
             ("do-not-answer/responses_vicuna-7b.jsonl", "response")):
    texts += [json.loads(l)[k] for l in open(f"{data}/{f}", encoding="utf-8")]
with open(out, "w") as o:
    for t in itertools.islice(itertools.cycle(texts), n):
        o.write(json.dumps({"text": t}) + "\n")
PY
head -1 "$TMP/in.jsonl" > "$TMP/one.jsonl"
export SAFEGATE_NO_PROGRESS=1
t0=$(date +%s.%N); taskset -c 0 "$BIN" judge refusal "${FLAGS[@]}" -i "$TMP/one.jsonl" -o /dev/null; t1=$(date +%s.%N)
taskset -c 0 "$BIN" judge refusal "${FLAGS[@]}" -i "$TMP/in.jsonl" -o /dev/null; t2=$(date +%s.%N)
/usr/bin/python3 - "$t0" "$t1" "$t2" "$N" "$TMP/in.jsonl" <<'PY'
import sys, os
t0, t1, t2, n = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
mb = os.path.getsize(sys.argv[5]) / 1e6
start, total = t1 - t0, t2 - t1
print(f"answers: {n} ({mb:.1f} MB, mean {mb * 1e6 / n:.0f} bytes)")
print(f"start-up (rule compilation or cache, model training): {start:.2f} s")
print(f"total: {total:.2f} s; judging: {total - start:.2f} s")
print(f"throughput, one core, end to end: {n / (total - start):.0f} answers/s ({mb / (total - start):.1f} MB/s)")
PY
