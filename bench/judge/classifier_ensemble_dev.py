#!/usr/bin/python3
"""Development figures of ensembles of `judge train` models on Davidson (not a test, not a shipped feature).

Reads only the train part of the bench's split (bench/judge/classifier_accuracy.py davidson_parts), splits
it again 80/20 with seeds 100.. (as classifier_accuracy.py --dev); the bench's test part is never read.
For each split, each member recipe is trained without calibration (--folds 0 --validation 0: the softmax
probabilities) on the split's fit part and scored on its development part; the same members are trained on
two thirds of the fit part and scored on the rest, three times (stratified inner folds, seeded), which gives
scores of every fit example from a model that did not see it. An ensemble averages its members'
log-probabilities per label; its decision offsets (macro F1, the grid and the coordinate ascent of
`judge train --tune macro-f1`) are chosen on those cross-fitted fit scores and applied to the development
scores. Prints weighted F1 and hate F1 per split and their means. Takes 12 trainings per member and split.

  /usr/bin/python3 bench/judge/classifier_ensemble_dev.py --bin build/apps/cli/safegate --seeds 4 \\
      --members A,C,X --ensembles A,C,X,A+X,A+C,A+X+C,C+X
"""
import argparse
import csv
import json
import math
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import classifier_accuracy as ca  # noqa: E402

BASE = "--hash-bits 17 --class-weight 0.5 --seed 1 --folds 0 --validation 0".split()
MEMBERS = {  # name: flags added to BASE
    "A": "--l2 3e-4 --nb-alpha 1",  # the shipped English recipe's features
    "C": "--l2 3e-4 --nb-alpha 1 --char-within-words --idf",
    "X": "--l2 3e-4 --nb-alpha 1 --word-max 0",  # character n-grams only
    "W": "--l2 3e-4 --nb-alpha 1 --char-min 1 --char-max 1",  # words and single characters
}
CLASSES = ("0", "1", "2")


def train_score(binary, fit, test, flags, tmp):
    tr, te, mo, out = (os.path.join(tmp, n) for n in ("tr.jsonl", "te.jsonl", "m.sgc", "o.jsonl"))
    ca.write_jsonl(tr, [x[:2] for x in fit])
    ca.write_jsonl(te, [x[:2] for x in test])
    env = dict(os.environ, SAFEGATE_NO_PROGRESS="1")
    subprocess.run([binary, "judge", "train", "-i", tr, "-o", mo] + BASE + flags.split(), check=True, env=env,
                   stderr=subprocess.DEVNULL)
    subprocess.run([binary, "judge", "classify", "-m", mo, "-i", te, "-o", out], check=True, env=env)
    with open(out, encoding="utf-8") as f:
        return [[math.log(max(json.loads(line)["probabilities"][c], 1e-300)) for c in CLASSES] for line in f]


def decide(rows, off):
    return [CLASSES[max(range(len(CLASSES)), key=lambda k: r[k] + off[k])] for r in rows]


def macro_f1(truth, pred):
    return sum(ca.prf(truth, pred, c)["f1"] for c in CLASSES) / len(CLASSES)


def tune(rows, truth):
    """Offsets as `judge train --tune macro-f1`: label 0's stays 0, grid -4..4 by 0.05, 3 passes."""
    off = [0.0] * len(CLASSES)
    best = macro_f1(truth, decide(rows, off))
    for _ in range(3):
        for k in range(1, len(CLASSES)):
            keep = off[k]
            for step in range(-80, 81):
                off[k] = step * 0.05
                sc = macro_f1(truth, decide(rows, off))
                if sc > best + 1e-12 or (sc > best - 1e-12 and abs(off[k]) < abs(keep)):
                    best, keep = max(best, sc), off[k]
            off[k] = keep
    return off


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default="build/apps/cli/safegate")
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[2].parent / "shared" / "data"))
    ap.add_argument("--seeds", type=int, default=4, help="splits (seeds 100..)")
    ap.add_argument("--members", default="A,C,X", help="member recipes: " + ", ".join(MEMBERS))
    ap.add_argument("--ensembles", default="A,C,X,A+X,A+C,A+X+C,C+X", help="member names joined by +")
    args = ap.parse_args()
    names = args.members.split(",")
    ensembles = [e.split("+") for e in args.ensembles.split(",")]
    with open(Path(args.data) / "davidson" / "labeled_data_dev80.csv", encoding="utf-8", newline="") as f:
        items = ca.davidson_parts(list(csv.DictReader(f)))[0]
    results = {"+".join(e): [] for e in ensembles}
    with tempfile.TemporaryDirectory() as tmp:
        for s in range(args.seeds):
            fit, dev = ca.stratified_split(items, 100 + s, 0.2)
            rng = random.Random(1000 + s)
            fold = {}
            for c in CLASSES:
                idx = [i for i, x in enumerate(fit) if x[1] == c]
                rng.shuffle(idx)
                for j, i in enumerate(idx):
                    fold[i] = j % 3
            cross, devs = {}, {}
            for m in names:
                cross[m] = [None] * len(fit)
                for f in range(3):
                    held = [i for i in range(len(fit)) if fold[i] == f]
                    rest = [x for i, x in enumerate(fit) if fold[i] != f]
                    for i, r in zip(held, train_score(args.bin, rest, [fit[i] for i in held], MEMBERS[m], tmp)):
                        cross[m][i] = r
                devs[m] = train_score(args.bin, fit, dev, MEMBERS[m], tmp)
            truth_fit, truth_dev = [x[1] for x in fit], [x[1] for x in dev]
            for e in ensembles:
                def mean(scores, n):
                    return [[sum(scores[m][i][k] for m in e) / len(e) for k in range(len(CLASSES))] for i in range(n)]
                off = tune(mean(cross, len(fit)), truth_fit)
                pred = decide(mean(devs, len(dev)), off)
                per = {c: ca.prf(truth_dev, pred, c) for c in CLASSES}
                wf1 = sum(per[c]["f1"] * per[c]["support"] for c in CLASSES) / len(truth_dev)
                results["+".join(e)].append((wf1, per["0"]["f1"]))
                print(f"DEV seed {100 + s} {'+'.join(e)} wF1 {wf1:.4f} hate F1 {per['0']['f1']:.4f}", flush=True)
    for name, v in results.items():
        print(f"DEV x{len(v)} {name} wF1 {sum(x[0] for x in v) / len(v):.4f} "
              f"hate F1 {sum(x[1] for x in v) / len(v):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
