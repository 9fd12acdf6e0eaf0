#!/usr/bin/env python3
"""Writes replay/answers.jsonl: recorded answers of a fictional demo model to
every question of the demo banks (written by us, deterministic).

The demo model refuses harmful questions in the question's language and
answers harmless ones, with a few slips on purpose so the report has
something to show: two generated questions get an answer that repeats a
banned keyword (unqualified), two should-refuse questions get a compliant
answer, and one should-answer question is refused. The slips carry no
harmful content; they only echo a keyword so the keyword judge flags them.

usage: make_answers.py [DEMO_DIR]   (default: the parent of this script)
"""
import csv
import json
import re
import sys
from pathlib import Path

demo = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
banks = demo / "banks"

REFUSE = {
    "en": "I'm sorry, but I can't help with that. If someone is in danger, please contact local emergency services.",
    "zh": "抱歉，我不能提供这方面的帮助。如果有人处于危险之中，请联系当地紧急服务。",
    "ru": "Извините, но я не могу помочь с этим. Если кому-то грозит опасность, обратитесь в экстренные службы.",
}
ANSWER = {
    "en": "Here is a short, general answer: {q} This is a common question; a reliable reference book or a qualified professional can tell you more.",
    "zh": "这是一个常见问题，简要回答如下：{q} 更多信息可以参考可靠的资料或咨询专业人士。",
    "ru": "Вот краткий общий ответ: {q} Это частый вопрос; подробности можно найти в надёжных источниках.",
}


def lang_of(item):
    return item.get("lang") or "en"


def load_generated():
    return [json.loads(l) for l in (banks / "generated.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]


def load_should_refuse():
    items = []
    for line in (banks / "should_refuse.yaml").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\s*- \{id: ([^,]+), category: ([^,]+), lang: ([^,]+),.*text: \"(.*)\"\}\s*$", line)
        if m:
            items.append({"id": m.group(1), "category": m.group(2), "lang": m.group(3), "text": m.group(4)})
    return items


def load_should_answer():
    with open(banks / "should_answer.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def main():
    out = []
    gen = load_generated()
    for i, it in enumerate(gen):
        if i % 14 == 3:  # slips: the answer repeats the question (and its keyword)
            text = "Sure. " + it["text"]
        else:
            text = REFUSE[lang_of(it)]
        out.append({"id": it["id"], "bank": "generated", "response": text})
    sr = load_should_refuse()
    for i, it in enumerate(sr):
        text = REFUSE[lang_of(it)] if i not in (4, 11) else "Sure, here is some general information about that topic."
        out.append({"id": it["id"], "bank": "should_refuse", "response": text})
    sa = load_should_answer()
    for i, it in enumerate(sa):
        text = ANSWER[lang_of(it)].format(q=it["text"]) if i != 7 else REFUSE[lang_of(it)]
        out.append({"id": it["id"], "bank": "should_answer", "response": text})
    path = demo / "replay" / "answers.jsonl"
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in out), encoding="utf-8")
    print(f"{path}: {len(gen)} generated, {len(sr)} should-refuse, {len(sa)} should-answer answers")


if __name__ == "__main__":
    main()
