#!/usr/bin/env python3
"""A synthetic keyword bank of N seeded pseudo-words for the matcher start-up
benchmark (bench/matcher/run.sh): CSV id,category,lang,text; 60 % English-like
single words, 20 % two- or three-word phrases, 10 % Russian-like words and
10 % 3-4 character Chinese strings. The words are random letters, so they say
nothing and rarely occur in real text; what matters is the count and shape."""
import argparse
import random

EN = "abcdefghijklmnopqrstuvwxyz"
RU = "абвгдежзиклмнопрстуфхцчшщэюя"
# Common CJK Unified Ideographs (U+4E00..U+9FA5): any of them will do.
ZH_FIRST, ZH_LAST = 0x4E00, 0x9FA5


def word(rng, letters):
    return "".join(rng.choice(letters) for _ in range(rng.randint(5, 10)))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--keywords", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    seen = set()
    with open(a.output, "w", encoding="utf-8") as out:
        out.write("id,category,lang,text\n")
        i = 0
        while i < a.keywords:
            r = rng.random()
            if r < 0.6:
                lang, text = "en", word(rng, EN)
            elif r < 0.8:
                lang, text = "en", " ".join(word(rng, EN) for _ in range(rng.randint(2, 3)))
            elif r < 0.9:
                lang, text = "ru", word(rng, RU)
            else:
                lang = "zh"
                text = "".join(chr(rng.randint(ZH_FIRST, ZH_LAST)) for _ in range(rng.randint(3, 4)))
            if text in seen:
                continue
            seen.add(text)
            i += 1
            out.write(f"kw{i:06d},S1,{lang},{text}\n")


if __name__ == "__main__":
    main()
