#!/usr/bin/env bash
# The demo: generate the seeded corpus, sample every source, audit it; lint the banks.
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
echo
echo "== safegate bank lint (the four demo banks against banks/demo-quotas.yaml, a scaled-down baseline)"
set +e
"$bin" bank lint --profile banks/demo-quotas.yaml --today 2026-11-26 \
  --wordlist banks/common-words.txt --json out/bank-lint.json
lint_rc=$?
set -e
echo "bank lint exit code: $lint_rc (1 = some rule not met: the demo banks miss a few on purpose)"
echo
echo "== safegate bank sample (the evaluation draw of the should-refuse bank, seed 7)"
"$bin" bank sample --profile banks/demo-quotas.yaml --kind should_refuse --seed 7 \
  -o out/should-refuse-sample.jsonl
echo
echo "== safegate eval (recorded answers of a demo model; replay target, profile eval/profile.yaml)"
rm -f out/eval.db out/eval.db-wal out/eval.db-shm
"$bin" eval run --run-id demo
set +e
"$bin" eval report demo --json out/eval-report.json
erc=$?
set -e
echo "eval report exit code: $erc (1 = a gate failed, as expected: the demo model refuses 90% of should-refuse questions, below 95%)"
echo
echo "results: examples/demo/out/{scan.json,hits.jsonl,sample.jsonl,audit.json,bank-lint.json,eval-report.json}"
[ "$rc" -le 1 ] && [ "$lint_rc" -le 1 ] && [ "$erc" -le 1 ]
