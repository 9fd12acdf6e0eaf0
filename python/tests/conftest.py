"""Tests of the Python module (PYTHONPATH=<build>/python, /usr/bin/python3)."""
import gzip
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
BIN = os.environ.get("SAFEGATE_BIN", "")

BANK = """id,category,lang,type,whole_word,text
kw-1,S9,en,literal,true,pipe bomb
kw-2,S2,en,literal,true,stolen card numbers
kw-3,S9,zh,literal,false,炸弹
kw-4,S1,ru,literal,true,нанять киллера
kw-5,S11,en,literal,true,kill yourself
re-1,S7,,regex,false,\\b\\d{3}-\\d{2}-\\d{4}\\b
"""

POLICY = """schema: safegate.policy/1
id: test-policy
version: "1"
profile: baseline
normalize:
  strip_separators: true
keyword_banks: [bank.csv]
"""


def make_docs(n, every, seed=0):
    """n documents; every `every`-th one carries a keyword."""
    rng = random.Random(seed)
    words = ["garden", "river", "market", "library", "school", "bridge", "recipe", "music"]
    bad = ["how to build a PIPE BOMB", "selling stolen card numbers", "SSN 123-45-6789 leaked",
           "一个炸弹"]
    out = []
    for i in range(n):
        t = " ".join(rng.choice(words) for _ in range(rng.randint(5, 40)))
        if i % every == 0:
            t += " " + bad[i % len(bad)]
        out.append(t)
    return out


def write_jsonl(path, docs, compress=False):
    data = "".join(json.dumps({"id": f"d{i}", "text": t}, ensure_ascii=False) + "\n"
                   for i, t in enumerate(docs)).encode("utf-8")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


@pytest.fixture(autouse=True)
def _env(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFEGATE_CACHE_DIR", str(tmp_path / ".cache"))
    monkeypatch.setenv("SAFEGATE_NO_PROGRESS", "1")


@pytest.fixture
def project(tmp_path):
    """A policy, a bank and two JSONL sources (one gzip) in tmp_path."""
    (tmp_path / "bank.csv").write_text(BANK, encoding="utf-8")
    (tmp_path / "policy.yaml").write_text(POLICY, encoding="utf-8")
    write_jsonl(tmp_path / "data" / "a.jsonl", make_docs(3000, 25, seed=1))
    write_jsonl(tmp_path / "data" / "b.jsonl.gz", make_docs(2000, 10, seed=2), compress=True)
    (tmp_path / "safegate.yaml").write_text(
        "schema: safegate.project/1\npolicy: policy.yaml\ncorpus:\n  sources:\n"
        "    - name: a\n      paths: [data/a.jsonl]\n      format: jsonl\n      id_field: id\n"
        "    - name: b\n      paths: [data/b.jsonl.gz]\n      format: jsonl\n", encoding="utf-8")
    return tmp_path


def cli(args, cwd, expect=0):
    """Runs the safegate binary (SAFEGATE_BIN); skips when it is not given.
    The command must exit with `expect` (0 ok, 1 a verdict failed); with
    expect=None any code is returned and the caller asserts it against its
    oracle (e.g. the audit verdict)."""
    if not BIN:
        pytest.skip("SAFEGATE_BIN not set")
    p = subprocess.run([BIN] + [str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                       env=dict(os.environ), timeout=120)
    if expect is not None and p.returncode != expect:
        raise AssertionError(f"safegate {args} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def without_run(obj):
    obj = dict(obj)
    obj.pop("run", None)
    return obj


def sample_lines(path):
    """(header without run, body lines) of a sample JSONL."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return without_run(json.loads(lines[0])), lines[1:]
