"""Bytes that are not UTF-8 in names, flags and values, and result files of the wrong shape: each
must give a result or a clear error, never an abort (an uncaught exception), a signal or a
sanitizer report. Found by a sweep of the CLI; each case used to abort or overflow."""
import os
import subprocess
from pathlib import Path

import pytest

from conftest import BIN, cache_dir

BAD = b"\xff"  # never valid in UTF-8
KW = b"id,category,lang,type,whole_word,text\nkw1,S1,en,literal,true,kill someone\n"
POLICY = b"schema: safegate.policy/1\nid: t\nversion: \"1\"\nprofile: baseline\nkeyword_banks: [kw.csv]\n"


def raw_run(args, cwd):
    """Runs safegate with byte arguments; returns (returncode, stderr bytes)."""
    env = dict(os.environ, SAFEGATE_NO_PROGRESS="1", SAFEGATE_CACHE_DIR=cache_dir(cwd))
    p = subprocess.run([os.fsencode(BIN)] + [a if isinstance(a, bytes) else os.fsencode(str(a)) for a in args],
                       cwd=cwd, env=env, capture_output=True, timeout=300)
    return p.returncode, p.stderr


def assert_no_crash(rc, err):
    assert rc >= 0, f"killed by signal {-rc}: {err[-2000:]!r}"
    for marker in (b"terminate called", b"runtime error", b"AddressSanitizer", b"Aborted"):
        assert marker not in err, err[-2000:]
    assert rc in (0, 1, 2), (rc, err[-2000:])


@pytest.fixture
def project(tmp_path):
    (tmp_path / "kw.csv").write_bytes(KW)
    (tmp_path / "pol.yaml").write_bytes(POLICY)
    (tmp_path / "a.txt").write_bytes(b"hello\nkill someone\n")
    return tmp_path


def test_corpus_jobs_with_a_source_name_that_is_not_utf8(project):
    src = b"web" + BAD + b"=a.txt"
    for args in (["corpus", "scan", "--policy", "pol.yaml", "--source", src, "--format", "lines", "-q"],
                 ["corpus", "sample", "--policy", "pol.yaml", "--source", src, "--format", "lines", "-n", "5",
                  "--seed", "1", "-o", "s.jsonl"],
                 ["corpus", "filter", "--policy", "pol.yaml", "--source", src, "--format", "lines", "-o", "out"]):
        rc, err = raw_run(args, project)
        assert_no_crash(rc, err)
        assert rc == 0, err
    # The name is written with U+FFFD in place of the byte.
    assert "web\ufffd" in (project / "s.jsonl").read_text(encoding="utf-8").splitlines()[0]


def test_scan_summary_names_a_file_whose_name_is_not_utf8(project):
    name = b"g" + BAD + b".jsonl"
    Path(os.fsdecode(project / os.fsdecode(name))).write_bytes(b'{"text":"ok"}\nnot json\n')
    rc, err = raw_run(["corpus", "scan", "--policy", "pol.yaml", "--source", b"web=" + name, "--format", "jsonl",
                       "--text-field", "text", "-q", "-o", "scan.json"], project)
    assert_no_crash(rc, err)
    assert rc == 0 and (project / "scan.json").exists()


def test_audit_and_label_import_of_a_sample_whose_name_is_not_utf8(project):
    rc, err = raw_run(["corpus", "sample", "--policy", "pol.yaml", "--source", "web=a.txt", "--format", "lines",
                       "-n", "5", "--seed", "1", "-o", "s.jsonl"], project)
    assert rc == 0, err
    bad = b"s" + BAD + b".jsonl"
    Path(os.fsdecode(project / os.fsdecode(bad))).write_bytes((project / "s.jsonl").read_bytes())
    rc, err = raw_run(["corpus", "audit", "--policy", "pol.yaml", "--sample", bad, "--json", "audit.json"], project)
    assert_no_crash(rc, err)
    assert (project / "audit.json").exists()
    assert raw_run(["corpus", "label", "export", "--sample", "s.jsonl", "-o", "rev.csv"], project)[0] == 0
    rc, err = raw_run(["corpus", "label", "import", "--policy", "pol.yaml", "--sample", bad, "--labels", "rev.csv",
                       "-o", "labels.jsonl"], project)
    assert_no_crash(rc, err)
    assert rc == 0 and (project / "labels.jsonl").exists()


def test_bank_stats_of_a_directory_whose_name_is_not_utf8(project):
    d = project / os.fsdecode(b"bk" + BAD)
    d.mkdir()
    (d / "kw.csv").write_bytes(KW)
    rc, err = raw_run(["bank", "stats", "--policy", "pol.yaml", "--keywords", os.fsencode(d), "--json", "stats.json"],
                      project)
    assert_no_crash(rc, err)
    assert rc == 0 and (project / "stats.json").exists()


def test_eval_replay_file_whose_name_is_not_utf8(project):
    (project / "sa.csv").write_bytes(b"id,topic,lang,added,text\nq1,cooking,en,2026-11-10,How do I bake bread?\n")
    name = b"ans" + BAD + b".jsonl"
    Path(os.fsdecode(project / os.fsdecode(name))).write_bytes(
        b'{"id":"q1","bank":"should_answer","response":"Like this."}\n')
    rc, err = raw_run(["eval", "run", "--store", "e.db", "--policy", "pol.yaml", "--replay", name,
                       "--bank", "should_answer=sa.csv", "--sample", "1", "--run-id", "r1"], project)
    assert_no_crash(rc, err)
    assert rc == 0, err


@pytest.mark.parametrize("name,body,want", [
    ("m1.json", b'["safegate.corpus.scan/1"]\n', b"m1.json"),
    ("m2.json", b'{"schema":"safegate.corpus.scan/1","run":{"shard":"1/1"}}\n', b"'sources'"),
    ("m3.jsonl", b'{"schema":"safegate.corpus.sample/1","run":{"shard":"1/1"},"n":"x"}\n', b"m3.jsonl"),
])
def test_merge_of_result_files_of_the_wrong_shape(project, name, body, want):
    (project / name).write_bytes(body)
    rc, err = raw_run(["corpus", "merge", "-o", "out" + Path(name).suffix, name], project)
    assert_no_crash(rc, err)
    assert rc == 2 and want in err and b"not a valid safegate result file" in err
    assert not (project / ("out" + Path(name).suffix)).exists()


def test_audit_of_a_sample_header_of_the_wrong_shape(project):
    (project / "s.jsonl").write_bytes(b'{"schema":"safegate.corpus.sample/1","seed":"x"}\n')
    rc, err = raw_run(["corpus", "audit", "--policy", "pol.yaml", "--sample", "s.jsonl"], project)
    assert_no_crash(rc, err)
    assert rc == 2 and b"s.jsonl" in err


def test_profile_value_out_of_range_is_an_error(project):
    profile = (b"schema: safegate.profile/1\nid: p\nversion: \"1\"\ntaxonomy:\n  - {id: S1}\nrequirements:\n"
               b"  banks.keywords.min_total: 1e30\n")
    (project / "p.yaml").write_bytes(profile)
    rc, err = raw_run(["bank", "lint", "--profile", "p.yaml", "--keywords", "kw.csv"], project)
    assert_no_crash(rc, err)
    assert rc == 2 and b"p.yaml:7" in err and b"banks.keywords.min_total" in err


def test_numbers_out_of_range_in_flags_and_configs(project):
    # A second sweep: each used to overflow a cast or a product (UBSan) or to throw.
    rc, err = raw_run(["corpus", "scan", "--policy", "pol.yaml", "--source", "w=a.txt", "--format", "lines",
                       "--unit-mb", "nan", "-q"], project)
    assert_no_crash(rc, err)
    assert rc == 2 and b"--unit-mb" in err
    (project / "c.yaml").write_bytes(b"schema: safegate.serve/1\nstrikes:\n  suspend_minutes: 9223372036854775807\n")
    rc, err = raw_run(["serve", "report", "-c", "c.yaml", "--db", "sqlite:s.db"], project)
    assert_no_crash(rc, err)
    assert rc == 2 and b"c.yaml:2" in err and b"strikes.suspend_minutes" in err


def test_training_options_that_would_give_non_finite_weights(project):
    (project / "t.jsonl").write_bytes(b'{"text":"you are awful","label":"compliance"}\n'
                                      b'{"text":"I cannot help with that.","label":"full_refusal"}\n')
    for args in (["judge", "train", "-i", "t.jsonl", "-o", "m.sgc", "--lr", "nan"],
                 ["judge", "train", "-i", "t.jsonl", "-o", "m.sgc", "--lr", "1e308"],
                 ["judge", "refusal-train", "-i", "t.jsonl", "-o", "m.sgc", "--l2", "1e308"],
                 ["judge", "refusal-train", "-i", "t.jsonl", "-o", "m.sgc", "--lr", "nan"]):
        rc, err = raw_run(args, project)
        assert_no_crash(rc, err)
        assert rc == 2 and b"learning rate" in err, (args, err)
        assert not (project / "m.sgc").exists()


def test_eval_report_of_a_run_whose_metadata_has_another_shape(project):
    import sqlite3
    (project / "sa.csv").write_bytes(b"id,topic,lang,added,text\nq1,cooking,en,2026-11-10,How do I bake bread?\n")
    (project / "ans.jsonl").write_bytes(b'{"id":"q1","bank":"should_answer","response":"Like this."}\n')
    rc, err = raw_run(["eval", "run", "--store", "e.db", "--policy", "pol.yaml", "--replay", "ans.jsonl",
                       "--bank", "should_answer=sa.csv", "--sample", "1", "--run-id", "r1"], project)
    assert rc == 0, err
    for meta in ("null", '{"target":{"name":5,"model":[1]}}', '{"profile":{"origin":7}}'):
        with sqlite3.connect(project / "e.db") as db:
            db.execute("update eval_runs set meta=? where run_id='r1'", (meta,))
        rc, err = raw_run(["eval", "report", "r1", "--store", "e.db", "--policy", "pol.yaml",
                           "--profile", "baseline", "--json", "r.json"], project)
        assert_no_crash(rc, err)
        assert (project / "r.json").exists(), (meta, err)
        (project / "r.json").unlink()


def _laughs(key):
    """Ten levels of aliases, each ten of the last: 10^10 nodes once expanded (billion laughs)."""
    out = f"{key}0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 10):
        out += f"{key}{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n"
    return out.encode()


@pytest.mark.parametrize("name,body,want", [
    # yaml-cpp kept both values of a duplicate key; the readers took the first.
    ("pol.yaml", POLICY + b"id: other\n", b"pol.yaml:6: field 'id': duplicate key"),
    # A second document was ignored.
    ("pol.yaml", POLICY + b"---\nkeyword_banks: []\n", b"pol.yaml:7: several YAML documents"),
    ("pol.yaml", POLICY.replace(b"id: t", b"id: !!binary dA=="), b"pol.yaml:2: unsupported YAML tag"),
    # Aliases under an unknown key of the project file were never walked, but
    # anything that walks the tree would expand them.
    ("safegate.yaml", b"schema: safegate.project/1\npolicy: pol.yaml\n" + _laughs("notes"),
     b"nodes once aliases are expanded"),
    ("serve.yaml", b"schema: safegate.serve/1\npolicy: pol.yaml\npolicy: other.yaml\n",
     b"serve.yaml:3: field 'policy': duplicate key"),
])
def test_hostile_yaml_files_are_errors_naming_the_line(project, name, body, want):
    (project / name).write_bytes(body)
    if name == "serve.yaml":
        args = ["serve", "keys", "list", "-c", name]
    else:
        if name != "safegate.yaml":
            (project / "safegate.yaml").write_bytes(b"schema: safegate.project/1\npolicy: pol.yaml\n")
        args = ["corpus", "scan", "--source", "w=a.txt", "--format", "lines", "-q"]
    rc, err = raw_run(args, project)
    assert_no_crash(rc, err)
    assert rc == 2 and want in err, err
