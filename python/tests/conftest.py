"""Tests of the Python module (PYTHONPATH=<build>/python, /usr/bin/python3)."""
import json
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "tests" / "pyshared"))
from sgkit import BANK, BIN, POLICY, run, without_run, write_jsonl, write_project  # noqa: E402,F401
from sgkit import make_docs as _make_docs  # noqa: E402

# This suite's documents: fewer words than the CLI suite's, and a Chinese keyword.
WORDS = ["garden", "river", "market", "library", "school", "bridge", "recipe", "music"]
BAD = ["how to build a PIPE BOMB", "selling stolen card numbers", "SSN 123-45-6789 leaked", "一个炸弹"]


def make_docs(n, every, seed=0):
    """n documents; every `every`-th one carries a keyword."""
    return _make_docs(n, every, seed, words=WORDS, bad=BAD)


@pytest.fixture(autouse=True)
def _env(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFEGATE_CACHE_DIR", str(tmp_path / ".cache"))
    monkeypatch.setenv("SAFEGATE_NO_PROGRESS", "1")


@pytest.fixture
def project(tmp_path):
    """A policy, a bank and two JSONL sources (one gzip) in tmp_path."""
    return write_project(tmp_path, docs=make_docs)


def cli(args, cwd, expect=0):
    """Runs the safegate binary (SAFEGATE_BIN); skips when it is not given.
    The command must exit with `expect` (0 ok, 1 a verdict failed); with
    expect=None any code is returned and the caller asserts it against its
    oracle (e.g. the audit verdict)."""
    if not BIN:
        pytest.skip("SAFEGATE_BIN not set")
    p = run(args, cwd, check=False, timeout=120, cache=False)
    if expect is not None and p.returncode != expect:
        raise AssertionError(f"safegate {args} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def sample_lines(path):
    """(header without run, body lines) of a sample JSONL."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return without_run(json.loads(lines[0])), lines[1:]
