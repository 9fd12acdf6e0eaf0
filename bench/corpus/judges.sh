#!/usr/bin/env bash
# corpus scan with the policy's judges: CPU seconds (user + sys) of
#   safegate corpus scan -j 1
# on one English JSONL corpus (wiki-en paragraphs repeated to BENCH_SIZE_MB),
# for a keyword-only policy (no judges: section), keyword + pii, and keyword +
# pii + the shipped English classifier (data/models/hate-offensive-en.sgc).
# CPU time, not wall time: on a shared machine the wall clock measures the
# neighbours. With OLD_BIN (an older safegate) its keyword-only run is timed
# side by side.
#
#   bash bench/corpus/judges.sh [BUILD_DIR]      (default BUILD_DIR: build)
#
# Environment: BENCH_WORK (default <repo>/bench/work/judges), BENCH_SIZE_MB
# (default 100), BENCH_RUNS (default 3), OLD_BIN, BENCH_DATA (default
# <repo>/../shared/data; read, never copied into the repository).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${1:-build}"
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$REPO/$BUILD_DIR" ;; esac
BIN="$BUILD_DIR/apps/cli/safegate"
WORK="${BENCH_WORK:-$REPO/bench/work/judges}"
SIZE_MB="${BENCH_SIZE_MB:-100}"
RUNS="${BENCH_RUNS:-3}"
DATA="${BENCH_DATA:-$REPO/../shared/data}"
mkdir -p "$WORK"
cd "$WORK"
/usr/bin/python3 - "$DATA" "$SIZE_MB" "$REPO" <<'PY'
import csv, json, os, sys
data, size, repo = sys.argv[1], int(float(sys.argv[2]) * 1e6), sys.argv[3]
if not (os.path.exists("corpus.jsonl") and os.path.getsize("corpus.jsonl") >= size):
    paras = [json.loads(l)["text"] for l in open(os.path.join(data, "wiki-en", "paragraphs.jsonl"))]
    with open("corpus.jsonl", "w") as f:
        n = i = 0
        while n < size:
            line = json.dumps({"text": paras[i % len(paras)]}) + "\n"
            f.write(line)
            n += len(line)
            i += 1
words = [w.strip() for w in open(os.path.join(data, "ldnoobw", "en.txt")) if w.strip()]
with open("bank.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "category", "lang", "type", "whole_word", "text"])
    for k, t in enumerate(words):
        w.writerow([f"kw-{k}", "S10", "en", "literal", "true", t])
head = 'schema: safegate.policy/1\nid: b\nversion: "1"\nprofile: baseline\n'
tax = 'taxonomy:\n  inherit: true\n  categories:\n    - {id: harassment, name: "Harassment"}\n'
model = os.path.join(repo, "data", "models", "hate-offensive-en.sgc")
open("kw.yaml", "w").write(head + "keyword_banks: [bank.csv]\n")
open("pii.yaml", "w").write(head + "keyword_banks: [bank.csv]\njudges:\n  - {name: keyword}\n  - {name: pii}\n")
open("clf.yaml", "w").write(
    head + tax + "keyword_banks: [bank.csv]\njudges:\n  - {name: keyword}\n  - {name: pii}\n"
    "  - name: classifier\n    model: " + model + "\n    script: latin\n"
    '    labels: {"0": S10, "1": harassment}\n    thresholds: {S10: 0.5, harassment: 0.8}\n')
PY
export SAFEGATE_NO_PROGRESS=1 SAFEGATE_CACHE_DIR="$WORK/cache"
docs=$(wc -l < corpus.jsonl)
cpu() {  # NAME BIN POLICY: prints NAME, CPU seconds, documents per CPU second
  local t
  t=$( { /usr/bin/time -f "%U %S" "$2" corpus scan --policy "$3" --source c=corpus.jsonl \
          -o /dev/null -j 1 -q 2>&1 >/dev/null; } | tail -1 | awk '{print $1 + $2}')
  awk -v n="$1" -v t="$t" -v d="$docs" 'BEGIN { printf "%-14s %7.2f s CPU %10.0f docs/s\n", n, t, d / t }'
}
"$BIN" corpus scan --policy kw.yaml --source c=corpus.jsonl -o /dev/null -j 1 -q >/dev/null 2>&1
[ -n "${OLD_BIN:-}" ] && "$OLD_BIN" corpus scan --policy kw.yaml --source c=corpus.jsonl -o /dev/null -j 1 -q >/dev/null 2>&1
echo "corpus: $docs documents, $(du -m corpus.jsonl | cut -f1) MB; runs: $RUNS"
for r in $(seq "$RUNS"); do
  [ -n "${OLD_BIN:-}" ] && cpu "old keyword" "$OLD_BIN" kw.yaml
  cpu "keyword" "$BIN" kw.yaml
  cpu "keyword+pii" "$BIN" pii.yaml
  cpu "+classifier" "$BIN" clf.yaml
done
