#!/usr/bin/env bash
# The demo: generate the seeded corpus, sample every source, audit it.
# usage: examples/demo/run.sh SAFEGATE_BINARY
set -euo pipefail
bin=$(realpath "$1")
cd "$(dirname "$0")"
if [ ! -f corpus/.complete ]; then
  rm -rf corpus
  /usr/bin/python3 gen_corpus.py corpus --docs 20000 --seed 2026
  touch corpus/.complete
fi
mkdir -p out
echo
echo "== safegate corpus scan (every document, all cores)"
"$bin" corpus scan -o out/scan.json --hits out/hits.jsonl
echo
echo "== safegate corpus sample (400 per source, seed 7)"
"$bin" corpus sample -n 400 --seed 7 -o out/sample.jsonl
echo
echo "== safegate corpus audit (machine labels; limit from the baseline profile)"
set +e
"$bin" corpus audit --sample out/sample.jsonl --scan out/scan.json --json out/audit.json
rc=$?
set -e
echo
echo "audit exit code: $rc (1 = some source or assessment did not pass, as expected for the 9% source)"
echo "results: examples/demo/out/{scan.json,hits.jsonl,sample.jsonl,audit.json}"
[ "$rc" -le 1 ]
