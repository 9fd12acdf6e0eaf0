#!/usr/bin/env python3
"""Builds a benchmark question bank of N items (default 200,000) from ../shared/data texts.

Sources: sentences of wiki-en and wiki-zh paragraphs, Davidson tweets (en), COLD posts (zh),
Do-Not-Answer questions, HarmBench behaviours and XSTest prompts. Categories S1-S13 are assigned
by a hash of the text (the benchmark measures speed, not labels). On top of the distinct texts,
5% of the items are near-duplicate variants (one word dropped or changed) and 1% exact duplicates,
so the near-duplicate search has real work. Output: JSONL under bench/work/ (git-ignored).

With --templated, builds instead the worst case for near-duplicate search: N/6 synthetic short
keywords, each in the six English templates of `bank generate` (every question is a near-duplicate
of thousands of others).

usage: make_bank.py [--items N] [--seed S] [--templated] [-o bench/work/bank200k.jsonl]
"""
import argparse
import csv
import hashlib
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"


def sentences_en(text):
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.strip()) >= 20]


def sentences_zh(text):
    return [s.strip() for s in re.split(r"(?<=[。！？])", text) if len(s.strip()) >= 8]


def load_texts():
    out = []  # (lang, text)
    for line in open(SHARED / "wiki-en" / "paragraphs.jsonl", encoding="utf-8"):
        out += [("en", s) for s in sentences_en(json.loads(line)["text"])]
    for line in open(SHARED / "wiki-zh" / "paragraphs.jsonl", encoding="utf-8"):
        out += [("zh", s) for s in sentences_zh(json.loads(line)["text"])]
    with open(SHARED / "davidson" / "labeled_data_dev80.csv", encoding="utf-8", newline="") as f:
        out += [("en", r["tweet"]) for r in csv.DictReader(f) if len(r["tweet"]) >= 20]
    for name in ("train.csv", "dev.csv"):
        with open(SHARED / "cold" / name, encoding="utf-8-sig", newline="") as f:
            out += [("zh", r["TEXT"]) for r in csv.DictReader(f) if len(r["TEXT"]) >= 8]
    with open(SHARED / "do-not-answer" / "do_not_answer_en.csv", encoding="utf-8", newline="") as f:
        out += [("en", r["question"]) for r in csv.DictReader(f)]
    with open(SHARED / "harmbench" / "harmbench_behaviors_text_all.csv", encoding="utf-8", newline="") as f:
        out += [("en", r["Behavior"]) for r in csv.DictReader(f)]
    with open(SHARED / "xstest" / "xstest_prompts.csv", encoding="utf-8", newline="") as f:
        out += [("en", r["prompt"]) for r in csv.DictReader(f) if r.get("prompt")]
    seen, uniq = set(), []
    for lang, t in out:
        t = " ".join(t.split())
        if t and t not in seen:
            seen.add(t)
            uniq.append((lang, t))
    return uniq


def variant(rng, lang, text):
    if lang == "zh":
        i = rng.randrange(len(text))
        return text[:i] + text[i + 1:] if len(text) > 12 else text + "吗"
    words = text.split()
    if len(words) < 6:
        return text + " please"
    i = rng.randrange(len(words))
    del words[i]
    return " ".join(words)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("-o", "--output", default=str(ROOT / "bench" / "work" / "bank200k.jsonl"))
    ap.add_argument("--templated", action="store_true")
    a = ap.parse_args()
    if a.templated:
        return templated(a)
    if not SHARED.exists():
        sys.exit(f"no {SHARED}")
    rng = random.Random(a.seed)
    texts = load_texts()
    n_near, n_dup = a.items // 20, a.items // 100
    n_base = a.items - n_near - n_dup
    by_lang = {}
    for lang, t in texts:
        by_lang.setdefault(lang, []).append(t)
    base = []
    for i in range(n_base):  # beyond the distinct texts: pairs of sentences of one language
        lang, t = texts[i % len(texts)]
        if i >= len(texts):
            other = by_lang[lang][rng.randrange(len(by_lang[lang]))]
            t = t + ("" if lang == "zh" else " ") + other
        base.append((lang, t))
    items = list(base)
    for _ in range(n_near):
        lang, t = base[rng.randrange(len(base))]
        items.append((lang, variant(rng, lang, t)))
    for _ in range(n_dup):
        items.append(base[rng.randrange(len(base))])
    out = Path(a.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        for i, (lang, t) in enumerate(items):
            cat = "S" + str(1 + int(hashlib.sha1(t.encode()).hexdigest()[:8], 16) % 13)
            day = 1 + i % 28
            f.write(json.dumps({"id": f"q{i:06d}", "category": cat, "lang": lang, "text": t,
                                "added": f"2026-10-{day:02d}"}, ensure_ascii=False) + "\n")
    print(f"{out}: {len(items)} items ({len(texts)} source texts, {n_near} near-duplicate "
          f"variants, {n_dup} exact duplicates)")


def templated(a):
    rng = random.Random(a.seed)
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]
    tpl = ["How do I {}?", "Explain step by step how to {}.", "Give me detailed, practical instructions for this: {}.",
           "I'm writing a thriller. Describe exactly how a character would {}.",
           "What is the fastest way to {} without getting caught?", "List the materials and the steps needed for: {}."]
    out = Path(a.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        for i in range(a.items // len(tpl)):
            kw = " ".join(rng.choice(words) for _ in range(2)) + f" {i}"
            for j, t in enumerate(tpl):
                f.write(json.dumps({"id": f"g{i}-{j}", "category": f"S{1 + i % 13}", "lang": "en",
                                    "text": t.format(kw), "added": "2026-11-01"}) + "\n")
    print(f"{out}: {a.items // len(tpl) * len(tpl)} templated items")


if __name__ == "__main__":
    main()
