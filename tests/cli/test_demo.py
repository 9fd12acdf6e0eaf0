"""The demo project (examples/demo) keeps working: generator, project file, policy, bank."""
import json
import shutil
import subprocess

from conftest import SOURCE_DIR, run, read_jsonl


def test_demo_project(tmp_path):
    demo = tmp_path / "demo"
    shutil.copytree(SOURCE_DIR / "examples" / "demo", demo, ignore=shutil.ignore_patterns("corpus", "out", "assessment", "serve.db*", ".complete"))
    subprocess.run(["/usr/bin/python3", "gen_corpus.py", "corpus", "--docs", "3000", "--seed", "2026"], cwd=demo,
                   check=True, capture_output=True)
    p = run(["corpus", "scan", "-o", "scan.json"], demo)
    scan = {s["source"]: s for s in json.loads((demo / "scan.json").read_text())["sources"]}
    # The generator plants exactly these shares; every planted sentence must be found,
    # including the obfuscated ones (full-width, zero-width, look-alikes, b.o.m.b, 炸 弹, 炸彈).
    assert scan["forum-en"]["flagged"] == 30 and scan["forum-en"]["bad_lines"] == 1  # part-2 line 102
    assert scan["news-zh"]["flagged"] == 120
    assert scan["social-ru"]["flagged"] == 270
    assert scan["web-mixed"]["flagged"] == 60
    assert "part-2.jsonl:" in p.stderr  # the planted bad lines, located
    run(["corpus", "sample", "-n", "400", "--seed", "7", "-o", "sample.jsonl"], demo)
    p = run(["corpus", "audit", "--sample", "sample.jsonl", "--json", "audit.json"], demo, check=False)
    assert p.returncode == 1
    verdicts = {s["source"]: s["verdict"] for s in json.loads((demo / "audit.json").read_text())["sources"]}
    assert verdicts["forum-en"] == "pass" and verdicts["social-ru"] == "fail"
