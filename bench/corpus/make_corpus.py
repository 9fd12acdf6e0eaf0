#!/usr/bin/python3
"""Build the corpus-benchmark text, reproducibly from a seed.

For each language (en = wiki-en, zh = wiki-zh) the source paragraphs are
shuffled and repeated (a fresh shuffle per copy, all from one seeded RNG) until
the plain-text copy reaches the target size. Two files per language, holding
the same documents in the same order:

  WORK/<lang>.jsonl  one {"id": ..., "text": ...} object per line (UTF-8, not
                     \\u-escaped; newlines inside the text stay as JSON "\\n")
  WORK/<lang>.txt    one paragraph per line; CR/LF inside a paragraph -> space

plus WORK/corpus-<lang>.json (seed, size, counts) so run.sh can tell whether the
data on disk matches the requested parameters.

Source data is read from <repo>/../shared/data (override: BENCH_DATA) and never
copied into the repository.

Usage: make_corpus.py [--work DIR] [--size-mb N] [--seed N] [--lang en,zh]
Env:   BENCH_WORK (default <repo>/bench/work), BENCH_SIZE_MB (default 500),
       BENCH_SEED (default 1), BENCH_DATA.
"""
import argparse
import json
import os
import random
import sys
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SOURCES = {"en": "wiki-en", "zh": "wiki-zh"}


def data_dir():
    return os.environ.get("BENCH_DATA") or os.path.join(REPO, "..", "shared", "data")


def load_paragraphs(lang):
    path = os.path.join(data_dir(), SOURCES[lang], "paragraphs.jsonl")
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                obj = json.loads(line)
                out.append((obj["id"], obj["text"]))
    return out


def flatten(text):
    return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def build(lang, work, size_bytes, seed):
    paras = load_paragraphs(lang)
    # Pre-encode each paragraph once: JSON text field and flat text line.
    json_text = [json.dumps(t, ensure_ascii=False) for _, t in paras]
    flat = [flatten(t) + "\n" for _, t in paras]
    ids = [pid for pid, _ in paras]
    rng = random.Random(f"safegate-bench-corpus/{lang}/{seed}")
    jpath = os.path.join(work, f"{lang}.jsonl")
    tpath = os.path.join(work, f"{lang}.txt")
    order = list(range(len(paras)))
    written = 0
    docs = 0
    copy = 0
    t0 = time.time()
    with open(jpath + ".tmp", "w", encoding="utf-8", newline="\n") as jf, \
            open(tpath + ".tmp", "w", encoding="utf-8", newline="\n") as tf:
        while written < size_bytes:
            rng.shuffle(order)
            jl = []
            tl = []
            for i in order:
                if written >= size_bytes:
                    break
                line = flat[i]
                written += len(line.encode("utf-8"))
                tl.append(line)
                jl.append('{"id": %s, "text": %s}\n'
                          % (json.dumps(f"{ids[i]}#{copy}", ensure_ascii=False), json_text[i]))
                docs += 1
            tf.write("".join(tl))
            jf.write("".join(jl))
            copy += 1
    os.replace(jpath + ".tmp", jpath)
    os.replace(tpath + ".tmp", tpath)
    manifest = {
        "lang": lang,
        "seed": seed,
        "target_bytes": size_bytes,
        "source_paragraphs": len(paras),
        "copies": copy,
        "documents": docs,
        "txt_bytes": os.path.getsize(tpath),
        "jsonl_bytes": os.path.getsize(jpath),
    }
    with open(os.path.join(work, f"corpus-{lang}.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(f"{lang}: {docs} documents ({copy} shuffled copies of {len(paras)}), "
          f"{manifest['txt_bytes'] / 1e6:.1f} MB txt, {manifest['jsonl_bytes'] / 1e6:.1f} MB jsonl "
          f"in {time.time() - t0:.1f} s", file=sys.stderr)
    return manifest


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=os.environ.get("BENCH_WORK", os.path.join(REPO, "bench", "work")))
    ap.add_argument("--size-mb", type=float, default=float(os.environ.get("BENCH_SIZE_MB", "500")),
                    help="size of each language's plain-text copy in MB (10^6 bytes)")
    ap.add_argument("--seed", type=int, default=int(os.environ.get("BENCH_SEED", "1")))
    ap.add_argument("--lang", default="en,zh")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    for lang in args.lang.split(","):
        build(lang, args.work, int(args.size_mb * 1e6), args.seed)


if __name__ == "__main__":
    main()
