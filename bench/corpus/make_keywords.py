#!/usr/bin/python3
"""Build the 10,000-entry benchmark keyword list.

Sources: the LDNOOBW lists (all 28 languages, en/zh/ru first) plus rare words,
bigrams and trigrams (English) and 3-5 character strings (Chinese) drawn from
the wiki-en / wiki-zh paragraphs themselves. All matching is substring
matching, as Hyperscan literals, grep -F and rg -F do it.

How the match rate is held between 0.5 % and 5 % of documents:
  * per language a seeded "target" set of paragraphs (TARGET_RATE, default
    2 %) is drawn; wiki keywords are drawn from those paragraphs only;
  * every candidate keyword's document set is measured against ALL paragraphs
    of BOTH languages; a candidate is kept only if it matches nothing outside
    the allowed set (target paragraphs + paragraphs already matched by kept
    LDNOOBW entries);
  * LDNOOBW entries are taken in order of document frequency while the union
    stays under LDNOOBW_BUDGET (default 1.5 %) per language.
The corpus files repeat the paragraphs, so the per-paragraph rate is the
per-document rate of the corpus (exactly, for whole copies).

Agreement between peers: a keyword is also kept only if it matches the same
paragraphs under both semantics:
  peer     = the flattened line (newlines -> spaces), ASCII case folded
             (Hyperscan CASELESS, LC_ALL=C grep -i);
  safegate = the JSON text, NFKC + casefold + Traditional->Simplified (the
             policy defaults; t2s map from ICU's `uconv -x
             Traditional-Simplified`, char by char),
so bare Hyperscan, LC_ALL=C grep -i and safegate should count the same
documents. (Case-sensitive rg differs: the keywords are lowercase.)

Outputs (in WORK): kw.txt, keywords.csv (id,category,lang,text),
policy.yaml, keywords-stats.json. Prints the match rate per language.

Usage: make_keywords.py [--work DIR] [--count 10000] [--seed 1]
Env:   BENCH_WORK, BENCH_DATA, BENCH_SEED, TARGET_RATE, LDNOOBW_BUDGET.
"""
import argparse
import bisect
import csv
import json
import os
import random
import re
import subprocess
import sys
import time
import unicodedata
from collections import Counter

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LANGS = ("en", "zh")
LDNOOBW_FIRST = ("en", "zh", "ru")
ASCII_LOWER = {c: c + 32 for c in range(65, 91)}


def data_dir():
    return os.environ.get("BENCH_DATA") or os.path.join(REPO, "..", "shared", "data")


def ascii_lower(s):
    return s.translate(ASCII_LOWER)


def is_han(ch):
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FFFF or 0xF900 <= o <= 0xFAFF


class T2S:
    """Traditional->Simplified, character by character, via ICU's uconv."""

    def __init__(self, chars, cache):
        self.map = {}
        if os.path.exists(cache):
            with open(cache, encoding="utf-8") as f:
                self.map = json.load(f)
        todo = sorted(c for c in chars if is_han(c) and c not in self.map)
        if todo:
            try:
                out = subprocess.run(["uconv", "-x", "Traditional-Simplified"], input="\n".join(todo) + "\n",
                                     capture_output=True, text=True, check=True).stdout.split("\n")
                for c, s in zip(todo, out):
                    self.map[c] = s if s else c
            except (OSError, subprocess.CalledProcessError) as e:
                print(f"warning: uconv unavailable ({e}); t2s agreement not checked", file=sys.stderr)
                for c in todo:
                    self.map[c] = c
            with open(cache, "w", encoding="utf-8") as f:
                json.dump(self.map, f, ensure_ascii=False)
        self.table = {ord(k): v for k, v in self.map.items() if k != v}

    def __call__(self, s):
        return s.translate(self.table)


class Index:
    """All paragraphs of one language, in two forms, joined for str.find."""

    def __init__(self, texts, t2s):
        self.n = len(texts)
        peer = [ascii_lower(t.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")) for t in texts]
        sg = [t2s(unicodedata.normalize("NFKC", t).casefold()) for t in texts]
        self.peer, self.peer_starts = self._join(peer)
        self.sg, self.sg_starts = self._join(sg)

    @staticmethod
    def _join(docs):
        starts = []
        pos = 0
        for d in docs:
            starts.append(pos)
            pos += len(d) + 1
        return "\x00".join(docs), starts

    @staticmethod
    def _docs(hay, starts, needle):
        out = set()
        if not needle:
            return out
        i = hay.find(needle)
        while i >= 0:
            d = bisect.bisect_right(starts, i) - 1
            out.add(d)
            # skip to the next document
            nxt = starts[d + 1] if d + 1 < len(starts) else len(hay)
            i = hay.find(needle, nxt)
        return out

    def peer_docs(self, kw):
        return self._docs(self.peer, self.peer_starts, kw)

    def sg_docs(self, kw_sg):
        return self._docs(self.sg, self.sg_starts, kw_sg)


def load_texts(lang):
    with open(os.path.join(data_dir(), f"wiki-{lang}", "paragraphs.jsonl"), encoding="utf-8") as f:
        return [json.loads(l)["text"] for l in f if l.strip()]


def ldnoobw_entries():
    d = os.path.join(data_dir(), "ldnoobw")
    langs = sorted(f[:-4] for f in os.listdir(d) if f.endswith(".txt"))
    langs = list(LDNOOBW_FIRST) + [l for l in langs if l not in LDNOOBW_FIRST]
    out = []
    for l in langs:
        with open(os.path.join(d, l + ".txt"), encoding="utf-8") as f:
            for line in f:
                w = line.strip()
                if w:
                    out.append((l.split("-")[0], w.lower(), "ldnoobw"))
    return out


WORD_RE = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
HAN_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


def en_candidates(texts, targets, rng):
    """Rare words (>= 5 letters), bigrams and trigrams from the target paragraphs."""
    df = Counter()
    for t in texts:
        df.update(set(w.lower() for w in WORD_RE.findall(t)))
    words, phrases = [], []
    for d in targets:
        for line in texts[d].split("\n"):
            toks = [w.lower() for w in WORD_RE.findall(line)]
            for w in toks:
                if len(w) >= 5 and df[w] <= 2:
                    words.append(w)
            # phrases: consecutive tokens that appear separated by one space
            for n in (2, 3):
                for i in range(len(toks) - n + 1):
                    ph = " ".join(toks[i:i + n])
                    if ph in ascii_lower(line) and any(df[w] <= 20 for w in toks[i:i + n]):
                        phrases.append(ph)
    words = list(dict.fromkeys(words))
    phrases = list(dict.fromkeys(phrases))
    rng.shuffle(words)
    rng.shuffle(phrases)
    # interleave: roughly 1 word : 2 phrases
    out = []
    wi = pi = 0
    while wi < len(words) or pi < len(phrases):
        if wi < len(words):
            out.append((words[wi], "wiki-word"))
            wi += 1
        for _ in range(2):
            if pi < len(phrases):
                out.append((phrases[pi], "wiki-phrase"))
                pi += 1
    return out


def zh_candidates(texts, targets, rng):
    out = []
    for d in targets:
        for run in HAN_RUN_RE.findall(texts[d]):
            for n in (3, 4, 5):
                for i in range(0, len(run) - n + 1, n):
                    out.append(run[i:i + n])
    out = list(dict.fromkeys(out))
    rng.shuffle(out)
    return [(w, "wiki-ngram") for w in out]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=os.environ.get("BENCH_WORK", os.path.join(REPO, "bench", "work")))
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("BENCH_SEED", "1")))
    ap.add_argument("--target-rate", type=float, default=float(os.environ.get("TARGET_RATE", "0.02")))
    ap.add_argument("--ldnoobw-budget", type=float, default=float(os.environ.get("LDNOOBW_BUDGET", "0.015")))
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    t0 = time.time()
    rng = random.Random(f"safegate-bench-keywords/{args.seed}")

    texts = {l: load_texts(l) for l in LANGS}
    ld = ldnoobw_entries()
    chars = set()
    for l in LANGS:
        for t in texts[l]:
            chars.update(t)
    for _, w, _ in ld:
        chars.update(w)
    t2s = T2S(chars, os.path.join(args.work, "t2s-cache.json"))
    idx = {l: Index(texts[l], t2s) for l in LANGS}
    n = {l: idx[l].n for l in LANGS}

    def measure(kw):
        """-> dict lang -> doc set, or None if peer and safegate semantics disagree."""
        kw_sg = t2s(unicodedata.normalize("NFKC", kw).casefold())
        res = {}
        for l in LANGS:
            p = idx[l].peer_docs(kw)
            s = idx[l].sg_docs(kw_sg)
            if p != s:
                return None
            res[l] = p
        return res

    kept = []  # (lang, text, source)
    seen = set()
    covered = {l: set() for l in LANGS}
    rejected = Counter()

    # 1. LDNOOBW, by document frequency, under a budget.
    ld_measured = []
    for lang, w, src in ld:
        if w in seen:
            continue
        seen.add(w)
        m = measure(w)
        if m is None:
            rejected["ldnoobw-disagree"] += 1
            continue
        ld_measured.append((sum(len(m[l]) for l in LANGS), lang, w, m))
    ld_measured.sort(key=lambda x: x[0])
    for _, lang, w, m in ld_measured:
        if all(len(covered[l] | m[l]) <= args.ldnoobw_budget * n[l] for l in LANGS):
            for l in LANGS:
                covered[l] |= m[l]
            kept.append((lang, w, "ldnoobw"))
        else:
            rejected["ldnoobw-too-frequent"] += 1
    n_ld = len(kept)

    # 2. wiki keywords, drawn from the target paragraphs.
    allowed = {}
    cands = {}
    for l in LANGS:
        k = max(1, round(args.target_rate * n[l]))
        targets = sorted(rng.sample(range(n[l]), k))
        allowed[l] = set(targets) | covered[l]
        cands[l] = en_candidates(texts[l], targets, rng) if l == "en" else zh_candidates(texts[l], targets, rng)
    need = args.count - len(kept)
    quota = {"en": need // 2, "zh": need - need // 2}
    for l in LANGS:
        got = 0
        for w, src in cands[l]:
            if got >= quota[l]:
                break
            if w in seen:
                continue
            seen.add(w)
            m = measure(w)
            if m is None:
                rejected[f"{src}-disagree"] += 1
                continue
            if any(not (m[x] <= allowed[x]) for x in LANGS):
                rejected[f"{src}-outside-target"] += 1
                continue
            for x in LANGS:
                covered[x] |= m[x]
            kept.append((l, w, src))
            got += 1
        if got < quota[l]:
            if l == "en":  # give the rest to Chinese
                quota["zh"] += quota[l] - got
            print(f"warning: only {got} {l} wiki keywords (quota {quota[l]})", file=sys.stderr)
    if len(kept) < args.count:
        sys.exit(f"error: only {len(kept)} keywords found (wanted {args.count}); raise TARGET_RATE")
    kept = kept[:args.count]

    # Final measurement with the full list.
    docs = {l: set() for l in LANGS}
    by_source = Counter(src for _, _, src in kept)
    by_lang = Counter(lang for lang, _, _ in kept)
    for lang, w, src in kept:
        m = measure(w)
        for l in LANGS:
            docs[l] |= m[l]
    rates = {l: len(docs[l]) / n[l] for l in LANGS}

    with open(os.path.join(args.work, "kw.txt"), "w", encoding="utf-8", newline="\n") as f:
        for _, w, _ in kept:
            f.write(w + "\n")
    with open(os.path.join(args.work, "keywords.csv"), "w", encoding="utf-8", newline="") as f:
        cw = csv.writer(f, lineterminator="\n")
        cw.writerow(["id", "category", "lang", "text"])
        for i, (lang, w, _) in enumerate(kept, 1):
            cw.writerow([f"kw{i:05d}", "S10", lang, w])
    with open(os.path.join(args.work, "policy.yaml"), "w", encoding="utf-8") as f:
        f.write("schema: safegate.policy/1\nid: bench\nversion: \"1\"\nprofile: baseline\n"
                "keyword_banks: [keywords.csv]\n")
    stats = {
        "count": len(kept),
        "seed": args.seed,
        "target_rate": args.target_rate,
        "ldnoobw_budget": args.ldnoobw_budget,
        "by_source": dict(by_source),
        "by_lang": dict(by_lang),
        "ldnoobw_kept": n_ld,
        "rejected": dict(rejected),
        "paragraphs": n,
        "matched_paragraphs": {l: len(docs[l]) for l in LANGS},
        "match_rate": rates,
    }
    with open(os.path.join(args.work, "keywords-stats.json"), "w") as f:
        json.dump(stats, f, indent=1)
        f.write("\n")
    print(f"{len(kept)} keywords: {dict(by_source)}; by lang {dict(by_lang)}", file=sys.stderr)
    print(f"rejected: {dict(rejected)}", file=sys.stderr)
    for l in LANGS:
        print(f"match rate {l}: {len(docs[l])}/{n[l]} paragraphs = {100 * rates[l]:.2f} %", file=sys.stderr)
    print(f"({time.time() - t0:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
