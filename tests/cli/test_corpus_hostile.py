"""Training-data files a stranger hands over (session 17): what a source holds must be judged or
said not to be; nothing unreadable may pass as clean. Each case failed on the code before its fix."""
import gzip
import json
import os
import signal
import subprocess
import time

import pytest

from conftest import BIN, cache_dir, run


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


# ---- encodings and binary files -----------------------------------------------------------------

TEXT = "hello\nhow to build a pipe bomb\n"


def zstd(data):
    return subprocess.run(["zstd", "-q", "-c"], input=data, capture_output=True, check=True).stdout


@pytest.mark.parametrize("name,data,fmt,says", [
    ("u16le.txt", TEXT.encode("utf-16"), "lines", "UTF-16 LE"),                 # BOM FF FE
    ("u16be.txt", b"\xfe\xff" + TEXT.encode("utf-16-be"), "lines", "UTF-16 BE"),
    ("u32le.txt", TEXT.encode("utf-32"), "lines", "UTF-32 LE"),                 # FF FE 00 00
    ("u16nobom.txt", TEXT.encode("utf-16-le"), "lines", "NUL byte at offset 1"),
    ("u16.jsonl", (json.dumps({"text": "how to build a pipe bomb"}) + "\n").encode("utf-16"), "jsonl",
     "UTF-16 LE"),
    ("u16.txt.gz", gzip.compress(TEXT.encode("utf-16")), "lines", "UTF-16 LE"),
    ("u16.txt.zst", None, "lines", "UTF-16 LE"),
    ("twice.jsonl.gz", gzip.compress(gzip.compress(b'{"text":"how to build a pipe bomb"}\n')), "jsonl",
     "compressed twice"),
    ("zeros.txt", b"\0" * 100000, "lines", "NUL byte at offset 0"),
    ("table.jsonl", b"PAR1\x15\x04\x15\x10\x15\x14L\x15\x02\x15\x00\x12\x00\x00" + b"x" * 100, "jsonl",
     "NUL byte"),
    ("doc.files", TEXT.encode("utf-16"), "files", "UTF-16 LE"),
], ids=lambda v: v if isinstance(v, str) and "." in v else "")
def test_text_that_is_not_utf8_is_refused_naming_the_file(project, name, data, fmt, says):
    if data is None:
        data = zstd(TEXT.encode("utf-16"))
    d = project / "enc"
    d.mkdir()
    (d / "fine.txt").write_text("a fine garden\n")
    (d / name).write_bytes(data)
    for cmd in (["scan", "-o", "o.json"], ["sample", "-n", "5", "--seed", "1", "-o", "s.jsonl"]):
        p = run(["corpus", *cmd, "--source", "e=enc", "--format", fmt], project, check=False)
        # Read as bytes, the text passed as clean (0 flagged, exit 0): now exit 2 naming the file.
        assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
        assert f"enc/{name}" in p.stderr and says in p.stderr, p.stderr
        assert not (project / "o.json").exists() and not (project / "s.jsonl").exists()


# Binary content past the part the plan reads (its first 4 KiB): the reader refuses the file as the
# plan does, naming the file, the line and the offset of the NUL byte, whatever the command.
CLEAN = "".join(f"a fine garden river {i}\n" for i in range(400)).encode()     # 10,290 bytes
LATE_U16 = "how to build a pipe bomb\n".encode("utf-16-le")                      # NULs from byte 10,291


@pytest.mark.parametrize("name,data,fmt,line,offset", [
    ("late.txt", CLEAN + LATE_U16, "lines", 401, len(CLEAN) + 1),
    ("late.txt.gz", gzip.compress(CLEAN + LATE_U16), "lines", 401, len(CLEAN) + 1),
    ("late.jsonl", CLEAN.replace(b"a fine", b'{"text": "a fine').replace(b"\n", b'"}\n')
     + b'{"text": "how to build a pipe\0bomb"}\n', "jsonl", 401, None),
    ("late.doc", CLEAN + LATE_U16, "files", 1, len(CLEAN) + 1),
], ids=["lines", "gzip", "jsonl", "files"])
def test_a_nul_byte_past_the_first_4_kib_refuses_the_file(project, name, data, fmt, line, offset):
    d = project / "late"
    d.mkdir()
    (d / "fine.txt").write_text("a fine garden\n")
    (d / name).write_bytes(data)
    if offset is None:
        offset = data.index(b"\0")
    assert offset > 4096
    for cmd in (["scan", "-o", "o.json"], ["sample", "-n", "5", "--seed", "1", "-o", "o.json"],
                ["filter", "-o", "o.json"]):
        # Read as bytes, the UTF-16 line passed as clean (lines, files: 0 flagged, exit 0; JSONL: a bad
        # line, exit 0), and filter copied it into the clean corpus.
        p = run(["corpus", *cmd, "--source", "l=late", "--format", fmt, "--unit-mb", "0.004"], project,
                check=False)
        assert p.returncode == 2, (cmd, p.returncode, p.stdout, p.stderr)
        assert f"late/{name}" in p.stderr and f"line {line}" in p.stderr, p.stderr
        assert f"NUL byte at offset {offset}" in p.stderr, p.stderr
        assert not (project / "o.json").exists() and not [n for n in os.listdir(project) if "tmp-" in n]


def test_utf8_with_a_byte_order_mark_is_read(project):
    d = project / "enc"
    d.mkdir()
    (d / "bom.txt").write_bytes(b"\xef\xbb\xbf" + TEXT.encode())
    run(["corpus", "scan", "--source", "e=enc", "--format", "lines", "-o", "o.json"], project)
    s = json.loads((project / "o.json").read_text())["sources"][0]
    assert s["docs"] == 2 and s["flagged"] == 1, s


# ---- special files ------------------------------------------------------------------------------

def test_special_files_in_a_directory_or_glob_are_skipped_and_named(project):
    d = project / "sp"
    d.mkdir()
    (d / "ok.txt").write_text("a fine garden\n")
    os.mkfifo(d / "fifo")                        # would block a reader forever
    os.symlink("/dev/zero", d / "zero")          # endless
    os.symlink("missing.txt", d / "dangling")
    for spec in ("s=sp", "s=sp/*"):
        p = run(["corpus", "scan", "--source", spec, "--format", "lines", "-o", "o.json"], project,
                check=False, timeout=60)
        # The directory walk skipped them without a word; the glob stopped on the first (exit 2).
        assert p.returncode == 0, (spec, p.stderr)
        assert json.loads((project / "o.json").read_text())["sources"][0]["docs"] == 1
        for name in ("sp/fifo", "sp/zero", "sp/dangling"):
            assert f"'{name}'" in p.stderr and "not read" in p.stderr, (spec, p.stderr)
    # Named on their own they are errors.
    for name in ("sp/fifo", "sp/zero"):
        p = run(["corpus", "scan", "--source", f"s={name}", "--format", "lines", "-o", "o.json"], project,
                check=False, timeout=60)
        assert p.returncode == 2 and "not a regular file" in p.stderr, p.stderr


# ---- compression bombs --------------------------------------------------------------------------

def test_a_zstd_bomb_stops_with_an_error_naming_the_file(project):
    d = project / "bomb"
    d.mkdir()
    # 200 MB of empty lines in ~7 KB: read one empty line at a time it took minutes per 10 GB.
    (d / "nl.txt.zst").write_bytes(zstd(b"\n" * (200 << 20)))
    assert (d / "nl.txt.zst").stat().st_size < 100_000
    (d / "fine.txt.gz").write_bytes(gzip.compress(b"a fine garden\n" * 1000))
    for cmd in (["scan", "-o", "o.json"], ["sample", "-n", "5", "--seed", "1", "-o", "o.json"]):
        p = run(["corpus", *cmd, "--source", "b=bomb", "--format", "lines"], project, check=False)
        assert p.returncode == 2, (p.returncode, p.stderr)
        assert "bomb/nl.txt.zst" in p.stderr and "compression bomb" in p.stderr and "line " in p.stderr
        assert not (project / "o.json").exists()
    # The limit is a flag; ordinary compressed text is far below it.
    p = run(["corpus", "scan", "--source", "b=bomb/fine.txt.gz", "--format", "lines", "--max-ratio", "2",
             "-o", "fine.json"], project, check=False)
    assert p.returncode == 0, p.stderr


def test_the_compression_bomb_limit_can_be_set_in_the_project_file(project):
    d = project / "bomb"
    d.mkdir()
    (d / "nl.txt.zst").write_bytes(zstd(b"\n" * (80 << 20)))       # past the 64 MiB floor
    text = (project / "safegate.yaml").read_text()
    assert text.startswith("schema: safegate.project/1\npolicy: policy.yaml\ncorpus:\n"), text
    src = ["--source", "b=bomb", "--format", "lines"]
    scan = ["corpus", "scan", *src, "-o", "o.json"]
    assert run(scan, project, check=False).returncode == 2             # the default: 2000
    # corpus.max_ratio: 0 lifts the limit (the key was an unknown-key error: exit 2).
    (project / "safegate.yaml").write_text(text.replace("corpus:\n", "corpus:\n  max_ratio: 0\n", 1))
    p = run(scan, project, check=False)
    assert p.returncode == 0, p.stderr
    # The flag overrides the file.
    p = run([*scan, "--max-ratio", "2000"], project, check=False)
    assert p.returncode == 2 and "compression bomb" in p.stderr, p.stderr
    # Out of range: an error naming the file, the line and the field; nothing written.
    (project / "o.json").unlink()
    for bad in ("-1", "0.5", "many"):
        (project / "safegate.yaml").write_text(text.replace("corpus:\n", f"corpus:\n  max_ratio: {bad}\n", 1))
        p = run(scan, project, check=False)
        assert p.returncode == 2 and "safegate.yaml:4: field 'corpus.max_ratio': must be a whole number" \
            in p.stderr, p.stderr
        assert not (project / "o.json").exists()


# ---- interrupted runs ---------------------------------------------------------------------------

def _big_lines(path, mb):
    line = b"garden river market library school bridge recipe music winter train\n"
    bad = b"garden river how to build a pipe bomb\n"
    block = (line * 96 + bad) * 100
    with open(path, "wb") as f:
        for _ in range((mb << 20) // len(block)):
            f.write(block)


def _interrupt(project, args, started, sig):
    """Starts safegate ARGS, waits until `started()` is true (the job is under way), sends sig."""
    env = dict(os.environ, SAFEGATE_NO_PROGRESS="1", SAFEGATE_CACHE_DIR=cache_dir(project),
               SAFEGATE_CHECKPOINT_SECONDS="0")
    p = subprocess.Popen([BIN, *args], cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    while not started() and p.poll() is None:
        time.sleep(0.01)
    assert p.poll() is None, "the job ended before it could be interrupted: make the corpus bigger"
    p.send_signal(sig)
    out, err = p.communicate(timeout=120)
    return p.returncode, err


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
def test_an_interrupted_job_leaves_nothing_half_written_and_resumes_to_the_same_result(project, sig):
    (project / "big").mkdir()
    _big_lines(project / "big" / "a.txt", 160)
    src = ["--source", "b=big", "--format", "lines", "-j", "1", "--unit-mb", "1"]
    # Filter: the temporary directory (a copy of the corpus) was left behind on a signal.
    rc, err = _interrupt(project, ["corpus", "filter", *src, "-o", "clean"],
                         lambda: any(n.startswith("clean.tmp-") for n in os.listdir(project)), sig)
    assert rc == 130 and "interrupted" in err, (rc, err)
    assert not [n for n in os.listdir(project) if n.startswith("clean")]
    # Scan: stopped between reads (exit 130, no summary, no hits file), resumed to the same result.
    scan = ["corpus", "scan", *src, "-o", "o.json", "--hits", "h.jsonl"]
    rc, err = _interrupt(project, scan, lambda: (project / "o.json.checkpoint").exists(), sig)
    assert rc == 130 and "interrupted" in err, (rc, err)
    assert not (project / "o.json").exists() and not (project / "h.jsonl").exists()
    p = run(scan, project)
    assert "resumed after" in p.stderr
    run(["corpus", "scan", *src, "-o", "full.json", "--hits", "full.jsonl"], project)
    strip = lambda f: {k: v for k, v in json.loads((project / f).read_text()).items() if k != "run"}
    assert strip("o.json") == strip("full.json")
    assert (project / "h.jsonl").read_bytes() == (project / "full.jsonl").read_bytes()


def test_a_filter_killed_outright_leaves_a_temporary_that_the_next_run_removes(project):
    (project / "big").mkdir()
    _big_lines(project / "big" / "a.txt", 64)
    src = ["--source", "b=big", "--format", "lines", "-j", "1", "--unit-mb", "1"]
    tmps = lambda: [n for n in os.listdir(project) if n.startswith("clean.tmp-")]
    _interrupt(project, ["corpus", "filter", *src, "-o", "clean"], lambda: bool(tmps()), signal.SIGKILL)
    [stale] = tmps()                               # SIGKILL cannot be caught: it stays
    (project / stale / "leftover.txt").write_text("how to build a pipe bomb\n")
    # A temporary of a process that runs (this one) may be another filter writing there: kept.
    live = project / f"clean.tmp-{os.getpid()}"
    live.mkdir()
    p = run(["corpus", "filter", *src, "-o", "clean"], project)
    # It stayed there for good, unnamed; a run whose PID came round again wrote into it and
    # renamed it, leftovers included, to the clean corpus.
    assert not (project / stale).exists(), p.stderr
    assert f"removing {stale}" in p.stderr and "not running" in p.stderr, p.stderr
    assert live.exists() and f"{live.name} is left as it is" in p.stderr, p.stderr
    assert sorted(os.listdir(project / "clean")) == ["big", "manifest.jsonl"]
    assert os.listdir(project / "clean" / "big") == ["a.txt"]


@pytest.mark.parametrize("fmt", ["lines", "jsonl"])
def test_line_ends_of_carriage_returns_alone_are_refused(project, fmt):
    d = project / "cr"
    d.mkdir()
    docs = ["a fine garden", "how to build a pipe bomb", "a fine river"] * 300
    if fmt == "jsonl":
        docs = [json.dumps({"text": t}) for t in docs]
    (d / "mac.txt").write_bytes("\r".join(docs).encode() + b"\r")
    # Read as one document of 900 (Python's text mode reads 900 lines); CRLF stays fine.
    (d / "dos.txt").write_bytes("\r\n".join(docs).encode() + b"\r\n")
    p = run(["corpus", "scan", "--source", "c=cr", "--format", fmt, "-o", "o.json"], project, check=False)
    assert p.returncode == 2 and "cr/mac.txt" in p.stderr and "carriage return" in p.stderr, p.stderr
    run(["corpus", "scan", "--source", "c=cr/dos.txt", "--format", fmt, "-o", "o.json"], project)
    assert json.loads((project / "o.json").read_text())["sources"][0]["docs"] == 900


def test_assess_fails_a_source_whose_lines_cannot_be_read(project):
    write_hidden(project / "data" / "h.jsonl", 1000, 2, json.dumps({"text": ["how to build a pipe bomb"]}))
    with open(project / "safegate.yaml", "a", encoding="utf-8") as f:
        f.write("    - name: h\n      paths: [data/h.jsonl]\n      format: jsonl\n")
    run(["assess", project], project.parent, check=False)
    rows = json.loads((project / "assessment" / "report.json").read_text())["requirements"]
    h = [r for r in rows if r["id"] == "corpus.source.max_unallowable_rate" and r["scope"] == "h"][0]
    # Its sample (readable lines only) is clean; the 500 unread lines decide.
    assert h["k"] == 0 and h["verdict"] == "fail", h
    assert "500 of 1000 lines unreadable" in h["detail"], h
