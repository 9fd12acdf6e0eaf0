"""bench/eval/run.sh (issue 22): promptfoo's results are counted from its output file, and every
process the script started is stopped however it ends. A stub stands in for promptfoo (and for wrk)."""
import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from conftest import BIN, SOURCE_DIR, mock_model_server_path

BUILD = Path(BIN).resolve().parents[2] if BIN else None

pytestmark = pytest.mark.skipif(not Path("/usr/bin/time").exists(), reason="/usr/bin/time missing")


@pytest.fixture(autouse=True)
def mock():
    """run.sh starts BUILD's mock model server: a missing one fails under ctest (sgkit)."""
    return mock_model_server_path()

# promptfoo 0.121.20 on 10,000 tests: the results file is written, no summary is printed
# ("closeLogger() timed out"), and it exits non-zero.
PROMPTFOO_STUB = """#!/usr/bin/env python3
import json, sys
out = sys.argv[sys.argv.index("-o") + 1]
rows = [{"success": i % 4 != 0} for i in range(7)]
json.dump({"evalId": "x", "results": {"version": 3, "results": rows}}, open(out, "w"))
print("closeLogger() timed out", file=sys.stderr)
sys.exit(1)
"""


def make_exe(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def session_members(sid):
    """Processes still alive in session `sid` (the script was its leader)."""
    alive = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == sid:  # state, ..., session
            alive.append(int(d.name))
    return alive


def run_bench(tmp_path, sizes, pf_sizes, wrk_exit):
    pf = tmp_path / "pf"
    make_exe(pf / "node_modules" / ".bin" / "promptfoo", PROMPTFOO_STUB)
    make_exe(tmp_path / "bin" / "wrk", f"#!/bin/sh\necho \"Requests/sec: 1000.0\"\nexit {wrk_exit}\n")
    env = dict(os.environ, WORK=str(tmp_path / "work"), PROMPTFOO_DIR=str(pf), OUT=str(tmp_path / "out.jsonl"),
               PATH=f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    p = subprocess.Popen(["bash", str(SOURCE_DIR / "bench" / "eval" / "run.sh"), str(BUILD), sizes, "2", pf_sizes],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    p.stdout_text, p.stderr_text = p.communicate(timeout=600)
    return p, session_members(p.pid)


def test_promptfoo_results_counted_from_its_file(tmp_path):
    p, left = run_bench(tmp_path, "7", "7", 0)
    assert p.returncode == 0, p.stdout_text + p.stderr_text
    rows = [json.loads(l) for l in (tmp_path / "out.jsonl").read_text().splitlines() if l.strip()]
    pf = [r for r in rows if r["tool"] == "promptfoo"]
    assert len(pf) == 1 and pf[0]["results"] == 7 and pf[0]["passed"] == 5, rows
    assert left == [], f"processes left running: {left}"


def test_every_process_stopped_when_the_script_fails(tmp_path):
    # wrk fails while the mock server runs: set -e ends the script, the trap stops the server.
    p, left = run_bench(tmp_path, "5", "0", 3)
    assert p.returncode != 0
    assert left == [], f"processes left running: {left}"
