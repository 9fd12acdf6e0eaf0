#!/usr/bin/env bash
# The demo: `safegate assess` on the demo project (examples/demo/safegate.yaml):
# bank lint, corpus sample + scan + audit, model evaluation of recorded answers,
# and the moderation figures of a week of review history, in one report.
# usage: examples/demo/run.sh SAFEGATE_BINARY
set -euo pipefail
bin=$(realpath "$1")
cd "$(dirname "$0")"
# Inputs written by our seeded generators (git-ignored; made once).
if [ ! -f corpus/.complete ]; then
  rm -rf corpus
  /usr/bin/python3 gen_corpus.py corpus --docs 20000 --seed 2026
  touch corpus/.complete
fi
if [ ! -f moderation/.complete ]; then
  rm -f moderation/serve.db moderation/serve.db-wal moderation/serve.db-shm
  "$bin" serve migrate --db sqlite:moderation/serve.db >/dev/null
  /usr/bin/python3 moderation/gen_history.py moderation/serve.db --seed 2026
  touch moderation/.complete
fi
echo
echo "== safegate assess examples/demo (profile.yaml: baseline rules scaled down to the demo)"
set +e
"$bin" assess .
rc=$?
set -e
echo
echo "assess exit code: $rc (1 = some requirement failed, as the demo is built to show;"
echo "  a second run reuses every step whose inputs did not change)"
echo "open: $(pwd)/assessment/report.html"
[ "$rc" -le 1 ] || [ "$rc" -eq 4 ]
