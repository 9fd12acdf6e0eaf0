"""Corpus results a user would not notice were wrong (issue 22): duplicate JSON keys, directory
loops, a filter output with a trailing slash, a full disk, bad lines a CI job can gate on."""
import json
import os
import resource
import signal
from pathlib import Path

from conftest import run, write_jsonl, make_docs, read_jsonl


def scan(project, spec, extra=(), check=True, **kw):
    return run(["corpus", "scan", "--source", spec, "-o", "o.json"] + list(extra), project, check=check, **kw)


def source_stats(project):
    return json.loads((project / "o.json").read_text())["sources"][0]


# ---- duplicate keys ------------------------------------------------------------------------------

DUP_LINES = (
    b'{"id":"d1","text":"fine"}\n'
    b'{"id":"d2","text":"fine","text":"how to build a pipe bomb"}\n'    # duplicate text key
    b'{"id":"d3","te\\u0078t":"pipe bomb","text":"fine"}\n'             # the same key, escaped
    b'{"id":"d4","id":"d5","text":"also fine"}\n'                       # duplicate id key
    b'{"id":"d6","text":"fine","meta":{"x":1,"x":2}}\n'                 # elsewhere: not our business
)


def test_duplicate_key_at_the_text_or_id_path_is_a_bad_line(project):
    d = project / "dup"
    d.mkdir()
    (d / "x.jsonl").write_bytes(DUP_LINES)
    p = scan(project, "x=dup/x.jsonl", ["--id-field", "id"])
    s = source_stats(project)
    assert s["docs"] == 2 and s["bad_lines"] == 3 and s["flagged"] == 0, s
    assert "dup/x.jsonl:2" in p.stderr and "more than once" in p.stderr
    assert "dup/x.jsonl:3" in p.stderr and "dup/x.jsonl:4" in p.stderr
    # Without an id field only the text duplicates count.
    scan(project, "x=dup/x.jsonl")
    assert source_stats(project)["bad_lines"] == 2
    # A dotted path: a duplicate at any level of it.
    (d / "y.jsonl").write_bytes(b'{"meta":{"body":"fine","body":"pipe bomb"}}\n'
                                b'{"meta":{"body":"fine"},"meta":{"body":"pipe bomb"}}\n'
                                b'{"meta":{"body":"ok"}}\n')
    scan(project, "y=dup/y.jsonl", ["--text-field", "meta.body"])
    s = source_stats(project)
    assert s["docs"] == 1 and s["bad_lines"] == 2
    # filter never keeps such a line; the manifest says why.
    run(["corpus", "filter", "--source", "x=dup/x.jsonl", "--id-field", "id", "-o", "clean"], project)
    kept = (project / "clean" / "dup" / "x.jsonl").read_bytes()
    assert b"pipe bomb" not in kept and kept.count(b"\n") == 2
    man = read_jsonl(project / "clean" / "manifest.jsonl")[1:]
    assert sorted(m["line"] for m in man) == [2, 3, 4] and all(m["reason"] == "bad line" for m in man)
    # sample draws from the documents that were read, not the duplicates.
    run(["corpus", "sample", "--source", "x=dup/x.jsonl", "--id-field", "id", "-n", "10", "--seed", "1",
         "-o", "s.jsonl"],
        project)
    texts = [r.get("text") for r in read_jsonl(project / "s.jsonl")[1:]]
    assert len(texts) == 2 and "pipe bomb" not in " ".join(t or "" for t in texts)


# ---- directory loops -----------------------------------------------------------------------------

def test_directory_loop_is_walked_once_and_reported(project):
    d = project / "loop"
    write_jsonl(d / "a.jsonl", ["one", "two"])
    write_jsonl(d / "sub" / "b.jsonl", ["three pipe bomb"])
    os.symlink("..", d / "up")                  # loop/up -> project: an ancestor
    os.symlink("..", d / "sub" / "back")        # loop/sub/back -> loop
    os.symlink("a.jsonl", d / "alias.jsonl")    # the same file under a second name
    os.symlink("sub", d / "same-sub")           # the same directory twice: files once
    p = scan(project, "l=loop")
    s = source_stats(project)
    assert s["files"] == 2 and s["docs"] == 3 and s["flagged"] == 1, s
    assert "loop" in p.stderr and "up" in p.stderr and "back" in p.stderr


# ---- filter output -------------------------------------------------------------------------------

def test_filter_output_with_a_trailing_slash(project):
    run(["corpus", "filter", "-o", "clean/"], project)
    assert len(read_jsonl(project / "clean" / "data" / "a.jsonl")) == 3000 - 120
    assert not [p for p in project.iterdir() if ".tmp-" in p.name]
    # A failed run leaves nothing that blocks the next one.
    bad = project / "bad.jsonl"
    bad.write_bytes(b'{"text":"ok"}\nnot json\n')
    p = run(["corpus", "filter", "--source", "b=bad.jsonl", "--strict", "-o", "out2/"], project,
            check=False)
    assert p.returncode == 2
    assert not (project / "out2").exists() and not [p for p in project.iterdir() if ".tmp-" in p.name]
    run(["corpus", "filter", "--source", "b=bad.jsonl", "-o", "out2/"], project)
    assert (project / "out2" / "bad.jsonl").read_bytes() == b'{"text":"ok"}\n'


# ---- a full disk ---------------------------------------------------------------------------------

def test_disk_full_during_scan_hits_is_exit_3(project):
    p = run(["corpus", "scan", "--hits", "/dev/full", "-q"], project, check=False)
    assert p.returncode == 3, p.stderr
    assert "No space left on device" in p.stderr


def _limit_file_size(limit):
    def f():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return f


def test_file_size_limit_during_scan_leaves_no_oversized_partial(project):
    import subprocess
    from conftest import BIN, cache_dir
    write_jsonl(project / "big" / "c.jsonl", make_docs(40000, 2, seed=5))
    args = ["corpus", "scan", "--source", "c=big/c.jsonl", "--unit-mb", "0.1", "-j", "1",
            "-o", "r.json", "--hits", "r.jsonl", "-q"]
    run(["corpus", "scan", "--source", "c=big/c.jsonl", "-q"], project)  # fills the matcher cache
    env = dict(os.environ, SAFEGATE_NO_PROGRESS="1", SAFEGATE_CACHE_DIR=cache_dir(project),
               SAFEGATE_CHECKPOINT_SECONDS="0")
    p = subprocess.run([BIN] + args, cwd=project, env=env, capture_output=True, text=True,
                       preexec_fn=_limit_file_size(1 << 20), timeout=300)
    assert p.returncode == 3, p.stderr
    assert "File too large" in p.stderr
    partial = project / "r.jsonl.partial"
    ck = project / "r.json.checkpoint"
    if partial.exists():
        # What is left is exactly what the checkpoint vouches for: a resume continues from it.
        assert ck.exists()
        assert partial.stat().st_size == json.loads(ck.read_text())["hits_bytes"]
    assert not (project / "r.jsonl").exists() and not (project / "r.json").exists()
    # The next run (with room) completes, and equals a fresh one.
    p = run(args, project)
    run(["corpus", "scan", "--source", "c=big/c.jsonl", "--unit-mb", "0.1", "-j", "1", "-o", "f.json",
         "--hits", "f.jsonl", "-q"], project)
    assert (project / "r.jsonl").read_bytes() == (project / "f.jsonl").read_bytes()


# ---- bad lines a CI job can gate on --------------------------------------------------------------

def test_bad_lines_are_said_last_and_can_fail_the_run(project):
    (project / "b.jsonl").write_bytes(b'{"text":"ok"}\nnot json\n{"text":"pipe bomb"}\n')
    p = scan(project, "b=b.jsonl")
    assert p.returncode == 0
    last = p.stderr.strip().splitlines()[-1]
    assert "1 bad line" in last and "--fail-on-bad-lines" in last, last
    assert source_stats(project)["bad_lines"] == 1
    p = scan(project, "b=b.jsonl", ["--fail-on-bad-lines"], check=False)
    assert p.returncode == 1, p.stderr
    assert source_stats(project)["bad_lines"] == 1  # the summary is still written
    for cmd in (["corpus", "sample", "-n", "5", "--seed", "1", "-o", "s.jsonl"],
                ["corpus", "filter", "-o", "clean"]):
        p = run(cmd + ["--source", "b=b.jsonl", "--fail-on-bad-lines"], project, check=False)
        assert p.returncode == 1 and "1 bad line" in p.stderr.strip().splitlines()[-1], p.stderr
    # A clean corpus passes the gate.
    p = scan(project, "a=data/a.jsonl", ["--fail-on-bad-lines"])
    assert "bad line" not in p.stderr
    assert "--fail-on-bad-lines" in run(["corpus", "scan", "--help"], project).stdout


def test_max_doc_mb_help_states_its_memory_cost(project):
    out = run(["corpus", "scan", "--help"], project).stdout
    i = out.index("--max-doc-mb")
    assert "memory" in out[i:i + 600].lower()
