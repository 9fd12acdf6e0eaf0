#!/usr/bin/env python3
"""Writes the demo corpus: four sources at known contamination rates.

Everything is generated from our own templates with a fixed seed, so the
corpus (and therefore the demo's audit table) is the same on every machine.
A contaminated document is a clean one with one harmful sentence added; the
harmful sentence sometimes hides its keyword the way real text does (upper
case, full-width letters, zero-width spaces, Cyrillic look-alikes, letters
split by dots, Traditional Chinese characters, inserted spaces).

usage: gen_corpus.py OUT_DIR [--docs N] [--seed S]
"""
import argparse
import gzip
import json
import os
import random
import subprocess

EN_SUBJECTS = ["The river trail", "Our book club", "The new bakery", "The city library", "This recipe",
               "The football team", "The museum", "My garden", "The night market", "The school choir",
               "The mountain village", "The train to the coast", "The science fair", "The old bridge"]
EN_VERBS = ["opened", "surprised", "welcomed", "delighted", "reminded", "inspired", "confused", "amused"]
EN_OBJECTS = ["everyone on Sunday", "the neighbours", "visitors from abroad", "the whole family",
              "a crowd of students", "us during the holidays", "the local press", "two hundred people"]
EN_TAILS = ["We will go back next spring.", "The weather was mild and clear.", "Tickets were cheap.",
            "Bring a warm coat and a thermos of tea.", "The photos are on the notice board.",
            "Ask at the desk for a map.", "It rained a little in the afternoon.", "Parking was easy."]

ZH_SUBJECTS = ["这家面馆", "市图书馆", "我们的读书会", "新开的公园", "这道家常菜", "学校合唱团", "老城区的桥",
               "周末的夜市", "山里的小村庄", "科技馆"]
ZH_VERBS = ["吸引了", "感动了", "欢迎了", "照顾了", "启发了"]
ZH_OBJECTS = ["很多游客", "附近的居民", "全家人", "一群学生", "来自外地的朋友"]
ZH_TAILS = ["明年春天我们还会再来。", "那天天气晴朗。", "门票很便宜。", "记得带一件外套。", "照片贴在公告栏上。",
            "下午下了一点小雨。", "停车很方便。"]

RU_SUBJECTS = ["Новая пекарня", "Городская библиотека", "Наш книжный клуб", "Этот рецепт", "Школьный хор",
               "Старый мост", "Горная деревня", "Ночной рынок", "Музей науки"]
RU_VERBS = ["удивил", "порадовал", "встретил", "вдохновил", "развеселил"]
RU_OBJECTS = ["всех соседей", "гостей из других городов", "всю семью", "группу студентов", "много людей"]
RU_TAILS = ["Весной мы вернёмся.", "Погода была ясная.", "Билеты стоили недорого.", "Возьмите тёплую куртку.",
            "Фотографии висят на доске.", "После обеда шёл небольшой дождь."]

# (sentence, obfuscation variants) per language; the keyword bank has the plain form.
EN_BAD = [
    "Does anyone know where to hire a hitman online?",
    "Selling stolen credit card numbers, fresh batch, message me.",
    "Step by step guide to build a pipe bomb at home.",
    "Just kill yourself, nobody would miss you.",
    "We should exterminate them all before they spread.",
    "I will dox her home address tonight.",
    "New phishing kit with templates for every bank.",
    "Want to launder money through crypto exchanges?",
    "Verify here: paypal login verify now or lose access.",
    "He wrote how to make a bomb in his notebook.",
    "Card for sale 4111 1111 1111 1111 with CVV.",
]
ZH_BAD = ["有人知道怎么雇凶杀人吗？", "长期出售信用卡信息，价格优惠。", "教你在家自制炸弹的方法。", "哪里可以找到自杀方法？",
          "应该把他们全部消灭。", "我要人肉搜索她的住址。", "提供洗钱渠道，安全可靠。", "快速办理假护照。"]
RU_BAD = ["Где можно нанять киллера недорого?", "Продаю краденые номера карт, свежие.", "Как собрать самодельная бомба дома.",
          "Подскажите способ покончить с собой.", "Надо уничтожить их всех.", "Помогу отмыть деньги быстро.",
          "Сделаем поддельный паспорт за неделю."]

FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"}
CYR = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441", "y": "\u0443"}
TRAD = {"炸弹": "炸彈", "信息": "信息", "消灭": "消滅", "护照": "護照", "杀人": "殺人", "钱": "錢"}


def obfuscate_en(rng, s):
    v = rng.randrange(6)
    if v == 0:
        return s.upper()
    if v == 1:  # full-width letters in one word
        words = s.split(" ")
        i = rng.randrange(len(words))
        words[i] = "".join(FULLWIDTH.get(c, c) for c in words[i])
        return " ".join(words)
    if v == 2:  # zero-width space inside words
        return s.replace("o", "o\u200b", 2)
    if v == 3 and "paypal" in s:  # Cyrillic look-alikes
        return s.replace("paypal", "".join(CYR.get(c, c) for c in "paypal"))
    if v == 4 and " bomb" in s:  # split letters
        return s.replace(" bomb", " b.o.m.b")
    return s


def obfuscate_zh(rng, s):
    v = rng.randrange(4)
    if v == 0:
        for k, t in TRAD.items():
            s = s.replace(k, t)
        return s
    if v == 1 and "炸弹" in s:
        return s.replace("炸弹", "炸 弹")
    return s


def sentence(rng, subj, verbs, objs, tails, sep):
    return sep.join([rng.choice(subj) + " " + rng.choice(verbs) + " " + rng.choice(objs) + ".",
                     rng.choice(tails)])


def clean_doc(rng, lang):
    n = rng.randint(2, 6)
    if lang == "en":
        return " ".join(sentence(rng, EN_SUBJECTS, EN_VERBS, EN_OBJECTS, EN_TAILS, " ") for _ in range(n))
    if lang == "zh":
        return "".join(rng.choice(ZH_SUBJECTS) + rng.choice(ZH_VERBS) + rng.choice(ZH_OBJECTS) + "。" +
                       rng.choice(ZH_TAILS) for _ in range(n))
    return " ".join(sentence(rng, RU_SUBJECTS, RU_VERBS, RU_OBJECTS, RU_TAILS, " ") for _ in range(n))


def bad_sentence(rng, lang):
    if lang == "en":
        return obfuscate_en(rng, rng.choice(EN_BAD))
    if lang == "zh":
        return obfuscate_zh(rng, rng.choice(ZH_BAD))
    return rng.choice(RU_BAD)


def make_docs(rng, n, rate, langs):
    """n documents, exactly round(n * rate) of them contaminated."""
    bad = set(rng.sample(range(n), round(n * rate)))
    docs = []
    for i in range(n):
        lang = rng.choice(langs)
        text = clean_doc(rng, lang)
        if i in bad:
            parts = text.split(". ")
            parts.insert(rng.randrange(len(parts) + 1), bad_sentence(rng, lang))
            text = ". ".join(parts)
        docs.append((lang, text))
    return docs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--docs", type=int, default=20000, help="documents per source")
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = args.out
    for d in ("forum-en", "news-zh", "social-ru"):
        os.makedirs(os.path.join(out, d), exist_ok=True)

    # forum-en: 1% contaminated, two plain JSONL files, plus three broken lines.
    docs = make_docs(rng, args.docs, 0.01, ["en"])
    half = len(docs) // 2
    for part, chunk in ((1, docs[:half]), (2, docs[half:])):
        with open(os.path.join(out, "forum-en", f"part-{part}.jsonl"), "w", encoding="utf-8") as f:
            for i, (_, text) in enumerate(chunk):
                f.write(json.dumps({"id": f"forum-{part}-{i:06d}", "text": text}, ensure_ascii=False) + "\n")
                if part == 2 and i in (100, 2000, 7000):
                    f.write('{"id": "broken", "text": "unterminated\n')  # a bad line, reported by file:line
    # news-zh: 4% contaminated, gzip JSONL with the text at doc.body.
    docs = make_docs(rng, args.docs, 0.04, ["zh"])
    with gzip.open(os.path.join(out, "news-zh", "news.jsonl.gz"), "wt", encoding="utf-8") as f:
        for i, (_, text) in enumerate(docs):
            f.write(json.dumps({"doc": {"title": f"新闻 {i}", "body": text}}, ensure_ascii=False) + "\n")
    # social-ru: 9% contaminated, zstd JSONL.
    docs = make_docs(rng, args.docs, 0.09, ["ru"])
    raw = os.path.join(out, "social-ru", "posts.jsonl")
    with open(raw, "w", encoding="utf-8") as f:
        for i, (_, text) in enumerate(docs):
            f.write(json.dumps({"text": text, "n": i}, ensure_ascii=False) + "\n")
    subprocess.run(["zstd", "-q", "-f", "--rm", raw, "-o", raw + ".zst"], check=True)
    # web-mixed: 2% contaminated, plain text lines in three languages.
    docs = make_docs(rng, args.docs, 0.02, ["en", "zh", "ru"])
    with open(os.path.join(out, "web-mixed.txt"), "w", encoding="utf-8") as f:
        for _, text in docs:
            f.write(text.replace("\n", " ") + "\n")
    print(f"demo corpus: 4 sources x {args.docs} documents in {out}")


if __name__ == "__main__":
    main()
