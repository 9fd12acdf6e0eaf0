#!/usr/bin/env bash
# Refusal-judge throughput on one core (taskset -c 0), end to end through the CLI
# (JSON parsing and writing included): all XSTest + Do-Not-Answer answers of
# ../shared/data, with their prompts (--prompt-field prompt, read by the model's
# prompt features), repeated to N lines; the start-up time (rule compilation)
# is measured on a 1-line file (after an untimed run that fills the caches)
# and subtracted. Both wall time and CPU time
# (user + sys of the safegate process) are printed; on a shared machine read
# the CPU figure.
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
    for l in open(f"{data}/{f}", encoding="utf-8"):
        r = json.loads(l)
        texts.append((r[k], r.get("prompt", r.get("question", ""))))
with open(out, "w") as o:
    for t, p in itertools.islice(itertools.cycle(texts), n):
        o.write(json.dumps({"text": t, "prompt": p}) + "\n")
PY
head -1 "$TMP/in.jsonl" > "$TMP/one.jsonl"
export SAFEGATE_NO_PROGRESS=1
/usr/bin/python3 - "$BIN" "$TMP" "$N" "${FLAGS[@]}" <<'PY'
import os, subprocess, sys, time
bin_, tmp, n, flags = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
def run(path):
    t = time.monotonic()
    p = subprocess.Popen(["taskset", "-c", "0", bin_, "judge", "refusal", "--prompt-field", "prompt"] + flags
                         + ["-i", path, "-o", "/dev/null"])
    _, status, ru = os.wait4(p.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return time.monotonic() - t, ru.ru_utime + ru.ru_stime
# A first, untimed run fills the caches (compiled rules, trained model), so
# that both timed runs load them: the start-up subtracted below is then the
# start-up the N-line run paid. (Until 2026-12-07 the 1-line run was timed
# first: with a cold cache it compiled the rules and the N-line run did not,
# so the compilation was subtracted from the judging time and the figure
# came out two to three times too high.)
run(f"{tmp}/one.jsonl")
w1, c1 = run(f"{tmp}/one.jsonl")
w2, c2 = run(f"{tmp}/in.jsonl")
mb = os.path.getsize(f"{tmp}/in.jsonl") / 1e6
print(f"answers: {n} ({mb:.1f} MB, mean {mb * 1e6 / n:.0f} bytes, with prompts)")
print(f"start-up (rule compilation or cache, model training or cache): wall {w1:.2f} s, CPU {c1:.2f} s")
print(f"total: wall {w2:.2f} s, CPU {c2:.2f} s; judging: wall {w2 - w1:.2f} s, CPU {c2 - c1:.2f} s")
print(f"throughput, one core, end to end: {n / (w2 - w1):.0f} answers/s by wall time, "
      f"{n / (c2 - c1):.0f} answers/s by CPU time ({mb / (c2 - c1):.1f} MB/s)")
PY
