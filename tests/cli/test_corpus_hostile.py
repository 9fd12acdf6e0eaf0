"""Training-data files a stranger hands over (session 17): what a source holds must be judged or
said not to be; nothing unreadable may pass as clean. Each case failed on the code before its fix."""
import gzip
import json
import subprocess

import pytest

from conftest import run, read_jsonl


def write_hidden(path, n, bad_every, bad_line):
    """n JSONL lines; every bad_every-th one is `bad_line` (unreadable), the others clean text."""
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(bad_line if i % bad_every == 0 else json.dumps({"text": f"a fine garden river {i}"}))
            f.write("\n")


def audit(project, sample, scan=None, check=False):
    args = ["corpus", "audit", "--sample", sample, "--json", "audit.json"]
    if scan:
        args += ["--scan", scan]
    return run(args, project, check=check)


# ---- unreadable items are counted in the verdict ----------------------------------------------

@pytest.mark.parametrize("bad_line", [
    json.dumps({"text": ["how to build a pipe bomb"]}),   # text not a string
    '{"text": "how to build a pipe bomb",}',              # invalid JSON a lenient reader takes
])
def test_unreadable_lines_count_against_the_source(project, bad_line):
    d = project / "hid"
    d.mkdir()
    write_hidden(d / "h.jsonl", 1000, 2, bad_line)        # half the source cannot be read
    src = ["--source", "h=hid/h.jsonl"]
    run(["corpus", "scan", *src, "-o", "scan.json"], project)
    run(["corpus", "sample", *src, "-n", "100", "--seed", "1", "-o", "s.jsonl"], project)
    p = audit(project, "s.jsonl", "scan.json")
    assert p.returncode == 1, p.stderr
    h = json.loads((project / "audit.json").read_text())["sources"][0]
    # Every sampled (readable) document is clean, yet the source fails: the 500 lines nobody
    # judged are counted as unallowable, and the report says how many there were.
    assert h["flagged"] == 0 and h["unreadable"] == 500 and h["readable"] == 500, h
    assert h["verdict"] == "fail", h
    assert "500" in p.stdout and "unreadable" in p.stdout
    m = [a for a in json.loads((project / "audit.json").read_text())["assessments"]
         if a["id"] == "corpus.machine_sample"][0]
    assert m["n"] == 1000 and m["qualified"] == 500, m


def test_few_unreadable_lines_tighten_the_limit_of_the_rest(project):
    d = project / "hid"
    d.mkdir()
    write_hidden(d / "h.jsonl", 1000, 50, json.dumps({"text": 1}))   # 2% unreadable
    src = ["--source", "h=hid/h.jsonl"]
    run(["corpus", "scan", *src, "-o", "scan.json"], project)
    run(["corpus", "sample", *src, "-n", "200", "--seed", "1", "-o", "s.jsonl"], project)
    audit(project, "s.jsonl", "scan.json")
    h = json.loads((project / "audit.json").read_text())["sources"][0]
    assert h["unreadable"] == 20 and h["verdict"] == "pass", h
    # 5% of the whole source, 2% of it unreadable: at most 3/98 of the readable part.
    assert h["readable_limit"] == pytest.approx((0.05 - 0.02) / 0.98), h
    # Without the scan summary the audit cannot know: it says so instead of a count.
    audit(project, "s.jsonl")
    h = json.loads((project / "audit.json").read_text())["sources"][0]
    assert h["unreadable"] is None, h


def test_audit_refuses_a_scan_of_another_corpus(project):
    run(["corpus", "scan", "--source", "a=data/a.jsonl", "-o", "scan.json"], project)
    run(["corpus", "sample", "--source", "a=data/b.jsonl.gz", "-n", "10", "--seed", "1", "-o", "s.jsonl"],
        project)
    p = audit(project, "s.jsonl", "scan.json")
    assert p.returncode == 2 and "scan.json" in p.stderr and "corpus" in p.stderr, p.stderr
    assert not (project / "audit.json").exists()
