#!/usr/bin/env python3
"""Per-kind recall of `safegate corpus scan` on our own evasion suite.

The suite (this directory): bank.csv (13 keywords of our own, en/zh/ru,
universal harms only), policy.yaml (every normalisation switch on) and
cases.jsonl, one case a line: {"id", "kind", "keyword", "text"}. A case with a
keyword must be hit by that bank item; a case with keyword "" (the near_miss_*
kinds) must not be hit by any item.

    python3 tests/data/evasion/recall.py build/apps/cli/safegate [--json] [--suite DIR]

prints one line per kind (cases, correct, share) and the totals; --json prints
the same as a JSON object (schema safegate.evasion-recall/1). The figures are
development figures: the suite was written by the people who wrote the rules.
--suite DIR reads bank.csv, policy.yaml and cases.jsonl from DIR instead, e.g.
fresh/, a suite written after the rules were frozen and never used to change
them (see README.md).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import OrderedDict
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCHEMA = "safegate.evasion-recall/1"


def load_cases(path=HERE / "cases.jsonl"):
    """The cases of a suite, in file order."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def scan(binary, cases, workdir, suite=HERE):
    """Runs corpus scan on the cases; returns {case id: set of bank ids hit}."""
    work = Path(workdir)
    shutil.copy(suite / "policy.yaml", work / "policy.yaml")
    shutil.copy(suite / "bank.csv", work / "bank.csv")
    with open(work / "cases.jsonl", "w", encoding="utf-8") as f:
        for c in cases:
            f.write(json.dumps({"id": c["id"], "text": c["text"]}, ensure_ascii=False) + "\n")
    env = dict(os.environ, SAFEGATE_NO_PROGRESS="1", SAFEGATE_CACHE_DIR=str(work / "cache"))
    subprocess.run([str(binary), "corpus", "scan", "--policy", "policy.yaml", "--source",
                    "ev=cases.jsonl", "--no-cache", "-j", "1", "-o", "scan.json", "--hits",
                    "hits.jsonl"], cwd=work, env=env, check=True, capture_output=True)
    hit = {c["id"]: set() for c in cases}
    with open(work / "hits.jsonl", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i == 0:
                continue  # the header line
            h = json.loads(line)
            hit[cases[h["line"] - 1]["id"]].update(x["keyword"] for x in h["hits"])
    return hit


def recall(binary, cases=None, suite=HERE):
    """{kind: {"cases", "correct", "failed": [ids]}} in suite order."""
    cases = cases if cases is not None else load_cases(suite / "cases.jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        hit = scan(binary, cases, tmp, suite)
    out = OrderedDict()
    for c in cases:
        k = out.setdefault(c["kind"], {"cases": 0, "correct": 0, "failed": []})
        k["cases"] += 1
        ok = c["keyword"] in hit[c["id"]] if c["keyword"] else not hit[c["id"]]
        if ok:
            k["correct"] += 1
        else:
            k["failed"].append(c["id"])
    return out


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    suite = HERE
    if "--suite" in argv[2:]:
        i = argv.index("--suite")
        if i + 1 >= len(argv):
            print("--suite needs a directory", file=sys.stderr)
            return 2
        suite = Path(argv[i + 1]).resolve()
    r = recall(argv[1], suite=suite)
    if "--json" in argv[2:]:
        print(json.dumps({"schema": SCHEMA, "suite": suite.name, "kinds": r}, ensure_ascii=False,
                         indent=1))
        return 0
    must = [0, 0]
    must_not = [0, 0]
    print(f"{'kind':34} cases correct share")
    for kind, k in r.items():
        print(f"{kind:34} {k['cases']:5} {k['correct']:7} {k['correct'] / k['cases']:5.2f}")
        t = must_not if kind.startswith("near_miss") else must
        t[0] += k["cases"]
        t[1] += k["correct"]
    print(f"must match: {must[1]}/{must[0]} = {must[1] / must[0]:.2f}; "
          f"must not match: {must_not[1]}/{must_not[0]} clean")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
