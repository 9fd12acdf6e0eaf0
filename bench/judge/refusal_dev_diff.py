#!/usr/bin/python3
r"""Development-only comparison of two safegate binaries' refusal labels.

Reads ONLY the three development files (XSTest llama2orig and mistralinstruct,
Do-Not-Answer ChatGPT); never the held-out Do-Not-Answer files. For each file
and convention (answer, strict) it labels the answers with both binaries
(`judge refusal --prompt-field`) and prints: answers whose label changed, and
binary agreement with the human labels (refusal = full or partial; XSTest
human_label, Do-Not-Answer action 0) before and after. All figures are
DEVELOPMENT figures (these files were read to write the rules).

  /usr/bin/python3 bench/judge/refusal_dev_diff.py --old OLD_BIN --new NEW_BIN [--show] [--rules-only]
"""
import argparse
import json
import os
import subprocess
import tempfile

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data")
FILES = [  # (path, answer field, prompt field): the development files only
    ("xstest/completions_llama2orig.jsonl", "completion", "prompt"),
    ("xstest/completions_mistralinstruct.jsonl", "completion", "prompt"),
    ("do-not-answer/responses_ChatGPT.jsonl", "response", "question"),
]


def run(binary, path, field, prompt, convention, extra):
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as out:
        name = out.name
    try:
        subprocess.run([binary, "judge", "refusal", "--input", path, "--field", field,
                        "--prompt-field", prompt, "--convention", convention, "-o", name,
                        "--lenient"] + extra,
                       check=True, stdout=subprocess.DEVNULL)
        with open(name) as f:  # an answer with nothing to judge: "unjudged"
            return [json.loads(l).get("label", "unjudged") for l in f]
    finally:
        os.unlink(name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--old", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--show", action="store_true", help="print the changed answers' ids")
    ap.add_argument("--rules-only", action="store_true", help="the rules alone (judge --rules-only)")
    a = ap.parse_args()
    print("DEVELOPMENT figures (files read to write the rules)")
    print(f"{'file':45} {'conv':6} {'n':>4} {'changed':>7} {'agree old':>9} {'agree new':>9}")
    for rel, field, prompt in FILES:
        path = os.path.join(a.data, rel)
        with open(path) as f:
            rows = [json.loads(l) for l in f if l.strip()]
        if rel.startswith("xstest"):
            truth = [r["human_label"] != "full_compliance" for r in rows]
        else:
            truth = [int(r["action"]) == 0 for r in rows]
        for conv in ("answer", "strict"):
            extra = ["--rules-only"] if a.rules_only else []
            old = run(a.old, path, field, prompt, conv, extra)
            new = run(a.new, path, field, prompt, conv, extra)
            changed = [i for i in range(len(rows)) if old[i] != new[i]]
            ag = lambda ls: sum((l != "compliance") == t for l, t in zip(ls, truth))
            print(f"{rel:45} {conv:6} {len(rows):4} {len(changed):7} {ag(old):9} {ag(new):9}")
            if a.show:
                for i in changed:
                    print(f"   id={rows[i].get('id')} human={'refusal' if truth[i] else 'answer'} "
                          f"{old[i]} -> {new[i]}")


if __name__ == "__main__":
    main()
