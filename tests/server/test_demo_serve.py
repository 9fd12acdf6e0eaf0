"""`make demo` and `make demo-serve` run examples/serve/run.sh: the walk-through
must finish (exit 0) and show what it says it shows. Until 2026-12-08 nothing ran
it, and it had failed since the reviewer page's title gained an attribute
(its `grep '<title>'` found nothing, so `set -o pipefail` stopped the demo).

The walk-through runs on a copy of the files it reads (examples/serve,
examples/moderation, the demo keyword bank and data/models), so the source tree
is not written. It listens on the fixed ports of examples/serve (18080, and
18091 for its stand-in model), as a user's `make demo-serve` does.
"""
import os
import shutil
import subprocess

from conftest import BIN, SOURCE_DIR


def test_the_serve_walkthrough_finishes_and_shows_each_step(tmp_path):
    root = tmp_path / "tree"
    shutil.copytree(SOURCE_DIR / "examples" / "serve", root / "examples" / "serve",
                    ignore=shutil.ignore_patterns("out"))
    shutil.copytree(SOURCE_DIR / "examples" / "moderation", root / "examples" / "moderation")
    shutil.copytree(SOURCE_DIR / "examples" / "demo" / "banks", root / "examples" / "demo" / "banks")
    shutil.copytree(SOURCE_DIR / "data" / "models", root / "data" / "models")
    p = subprocess.run(["bash", str(root / "examples" / "serve" / "run.sh"), BIN], capture_output=True,
                       text=True, timeout=300, env=dict(os.environ))
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    out = p.stdout
    # One line per step, as the script prints it.
    assert "[(False, [], {}), (True, ['S1']" in out  # moderation API: clean and flagged
    assert "Here is a helpful, harmless answer." in out  # a chat that passes
    assert "Your message was not sent" in out  # a blocked input
    assert "client saw:" in out and "[The rest of this answer was removed" in out  # a cut stream
    assert "'status': 'open'" in out  # a report
    assert "('decided', 'remove')" in out  # a reviewer's decision
    assert "is suspended until" in out  # strikes
    assert "safegate_review_queue_depth" in out  # metrics
    assert "page title: safegate review" in out  # the reviewer page
    assert "('signed in as', 'demo-reviewer', 'reviewer')" in out
    assert "audit log ok:" in out and "hash chain intact" in out
