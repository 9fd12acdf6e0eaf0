"""corpus scan / sample / audit / label / filter / merge, end to end."""
import csv
import gzip
import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import (BIN, SHARED, run, write_jsonl, make_docs, without_run, read_jsonl)


def test_help_and_version(tmp_path):
    assert run(["--version"], tmp_path).stdout.strip()
    out = run(["corpus", "scan", "--help"], tmp_path).stdout
    for flag in ["--policy", "--source", "--shard", "--strict", "--hits", "-j"]:
        assert flag in out


def test_scan_counts_match_contamination(project):
    run(["corpus", "scan", "-o", "scan.json", "--hits", "hits.jsonl"], project)
    s = json.loads((project / "scan.json").read_text())
    assert s["schema"] == "safegate.corpus.scan/2"
    assert s["tool"]["version"] and s["policy"]["id"] == "test-policy" and s["profile"]["id"] == "baseline"
    by = {x["source"]: x for x in s["sources"]}
    assert by["a"]["docs"] == 3000 and by["a"]["flagged"] == 120  # every 25th
    assert by["b"]["docs"] == 2000 and by["b"]["flagged"] == 200  # every 10th
    hits = read_jsonl(project / "hits.jsonl")
    assert hits[0]["schema"] == "safegate.corpus.hits/2"
    assert len(hits) - 1 == 320
    # Spans point into the original text: the matched bytes are the keyword as written.
    docs = {}
    for i, line in enumerate((project / "data" / "a.jsonl").read_text(encoding="utf-8").splitlines()):
        docs[i + 1] = json.loads(line)["text"]
    for h in hits[1:]:
        if h["source"] != "a":
            continue
        text = docs[h["line"]].encode("utf-8")
        for x in h["hits"]:
            frag = text[x["begin"]:x["end"]].decode("utf-8").lower()
            assert frag in ("pipe bomb", "stolen card numbers", "123-45-6789"), frag


def test_threads_and_shards_give_identical_results(project):
    common = ["--unit-mb", "0.02"]
    run(["corpus", "scan", "-j", "1", "-o", "s1.json", "--hits", "h1.jsonl"] + common, project)
    run(["corpus", "scan", "-j", "2", "-o", "s2.json", "--hits", "h2.jsonl"] + common, project)
    assert without_run(json.loads((project / "s1.json").read_text())) == \
        without_run(json.loads((project / "s2.json").read_text()))
    assert (project / "h1.jsonl").read_bytes() == (project / "h2.jsonl").read_bytes()
    parts, hparts, sparts = [], [], []
    for i in (1, 2, 3):
        run(["corpus", "scan", "--shard", f"{i}/3", "-o", f"p{i}.json", "--hits", f"ph{i}.jsonl"] + common,
            project)
        run(["corpus", "sample", "--shard", f"{i}/3", "-n", "50", "--seed", "9", "-o", f"ps{i}.jsonl"] + common,
            project)
        parts.append(f"p{i}.json")
        hparts.append(f"ph{i}.jsonl")
        sparts.append(f"ps{i}.jsonl")
    run(["corpus", "merge", "-o", "merged.json"] + parts, project)
    run(["corpus", "merge", "-o", "merged-hits.jsonl"] + hparts, project)
    run(["corpus", "merge", "-o", "merged-sample.jsonl"] + sparts, project)
    assert without_run(json.loads((project / "merged.json").read_text())) == \
        without_run(json.loads((project / "s1.json").read_text()))
    assert (project / "merged-hits.jsonl").read_bytes() == (project / "h1.jsonl").read_bytes()
    run(["corpus", "sample", "-n", "50", "--seed", "9", "-o", "whole.jsonl", "-j", "2"] + common, project)
    a, b = read_jsonl(project / "merged-sample.jsonl"), read_jsonl(project / "whole.jsonl")
    assert without_run(a[0]) == without_run(b[0])
    assert a[1:] == b[1:]
    # Byte-identical apart from the header's run object.
    assert (project / "merged-sample.jsonl").read_text().splitlines()[1:] == \
        (project / "whole.jsonl").read_text().splitlines()[1:]


def test_merge_rejects_missing_and_duplicate_shards(project):
    for i in (1, 2):
        run(["corpus", "scan", "--shard", f"{i}/3", "-o", f"p{i}.json"], project)
    p = run(["corpus", "merge", "-o", "m.json", "p1.json", "p2.json"], project, check=False)
    assert p.returncode == 2 and "all 3 shards" in p.stderr
    p = run(["corpus", "merge", "-o", "m.json", "p1.json", "p1.json"], project, check=False)
    assert p.returncode == 2 and "twice" in p.stderr
    assert not (project / "m.json").exists()


def test_merge_rejects_a_hits_line_with_a_negative_unit(project):
    # "unit": -1 used to end that part silently: every later line was dropped and the merge exited 0.
    for i in (1, 2):
        run(["corpus", "scan", "--shard", f"{i}/2", "-o", f"p{i}.json", "--hits", f"h{i}.jsonl"], project)
    lines = (project / "h1.jsonl").read_text().splitlines()
    assert len(lines) > 2
    lines[1] = lines[1].replace('"unit":', '"unit":-1,"was":', 1)
    (project / "h1.jsonl").write_text("\n".join(lines) + "\n")
    p = run(["corpus", "merge", "-o", "m.jsonl", "h1.jsonl", "h2.jsonl"], project, check=False)
    assert p.returncode == 2 and "h1.jsonl:2" in p.stderr and "'unit'" in p.stderr
    assert not (project / "m.jsonl").exists()


def test_sample_reproducible_and_seed_dependent(project):
    run(["corpus", "sample", "-n", "100", "--seed", "1", "-o", "x.jsonl"], project)
    run(["corpus", "sample", "-n", "100", "--seed", "1", "-o", "y.jsonl", "-j", "1"], project)
    run(["corpus", "sample", "-n", "100", "--seed", "2", "-o", "z.jsonl"], project)
    x, y, z = (read_jsonl(project / f) for f in ("x.jsonl", "y.jsonl", "z.jsonl"))
    assert x[1:] == y[1:]
    assert [r["sample_id"] for r in x[1:]] != [r["sample_id"] for r in z[1:]]
    h = x[0]
    assert h["schema"] == "safegate.corpus.sample/2" and h["seed"] == 1 and h["n"] == 100
    assert {s["source"]: s["population"] for s in h["sources"]} == {"a": 3000, "b": 2000}
    for r in x[1:]:
        assert r["seed"] == 1
        for k in ("source", "file", "line", "offset", "text", "machine", "key", "sample_id"):
            assert k in r
        assert ("id" in r) == (r["source"] == "a")  # only source a names an id field
    # Provenance is right: the line in the file holds the text.
    lines = (project / "data" / "a.jsonl").read_text(encoding="utf-8").splitlines()
    for r in x[1:]:
        if r["source"] == "a":
            assert json.loads(lines[r["line"] - 1])["text"] == r["text"]


# The records a seed picks, with their machine labels, are audit evidence: a
# change of the reader, the matcher or the threads must not change them. The
# digest was taken with the binary before the start-up work of issue 21
# (main's at 1b59d75, whose sampler, reader and matcher are those of e85ca66);
# change it only on purpose, and say so in the notes.
PINNED_SAMPLE_SHA256 = "709dd6abc456b6a977e30002f4d1d05fffade06ff944b9bdea1ce8faf74bd101"


def test_sample_for_a_seed_is_pinned(project):
    digests = set()
    for j, unit_mb in (("1", "32"), ("2", "0.02")):
        run(["corpus", "sample", "-n", "60", "--seed", "7", "-o", f"pin{j}.jsonl", "-j", j,
             "--unit-mb", unit_mb], project)
        lines = (project / f"pin{j}.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == 121  # header + 60 per source
        body = [json.loads(x) for x in lines[1:]]
        for r in body:
            r.pop("unit")  # depends on --unit-mb, by design
        digests.add(hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest())
    assert digests == {PINNED_SAMPLE_SHA256}


def test_audit_verdicts_and_exit_code(project):
    run(["corpus", "sample", "-n", "400", "--seed", "3", "-o", "s.jsonl"], project)
    p = run(["corpus", "audit", "--sample", "s.jsonl", "--json", "audit.json"], project, check=False)
    assert p.returncode == 1  # b (10%) fails; no human labels
    a = json.loads((project / "audit.json").read_text())
    assert a["schema"] == "safegate.corpus.audit/2"
    by = {s["source"]: s for s in a["sources"]}
    assert by["a"]["verdict"] == "pass" and by["b"]["verdict"] == "fail"
    for s in a["sources"]:
        for k in ("source", "n", "flagged", "rate", "wilson", "clopper_pearson", "threshold", "verdict"):
            assert k in s
        assert s["wilson"][0] <= s["rate"] <= s["wilson"][1]
        assert s["clopper_pearson"][0] <= s["rate"] <= s["clopper_pearson"][1]
        assert s["threshold"] == 0.05 and s["basis"] == "machine"
    assert "PASS" in p.stdout and "FAIL" in p.stdout


def test_label_export_import_and_human_audit(project):
    run(["corpus", "sample", "-n", "30", "--seed", "3", "-o", "s.jsonl"], project)
    run(["corpus", "label", "export", "--sample", "s.jsonl", "-o", "review.csv"], project)
    rows = list(csv.DictReader(open(project / "review.csv", encoding="utf-8")))
    assert len(rows) == 60 and rows[0]["label"] == ""
    # Reviewers mark everything allowable except machine-flagged items.
    for r in rows:
        r["label"] = "unallowable" if r["machine_flagged"] == "yes" else "allowable"
    with open(project / "done.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    p = run(["corpus", "label", "import", "--sample", "s.jsonl", "--labels", "done.csv", "-o", "labels.jsonl"],
            project)
    assert "60 labels imported" in p.stdout
    p = run(["corpus", "audit", "--sample", "s.jsonl", "--labels", "labels.jsonl", "--json", "a.json"], project,
            check=False)
    a = json.loads((project / "a.json").read_text())
    assert all(s["basis"] == "human" for s in a["sources"])
    human = [x for x in a["assessments"] if x["id"] == "corpus.human_sample"][0]
    assert human["n"] == 60 and human["verdict"] == "sample too small"
    # People agree with every machine label: the corrected rate is the machine's.
    for s in a["sources"]:
        assert s["judge_vs_human"]["n"] == 30 and s["judge_vs_human"]["agreement"] == 1.0
        assert s["corrected"]["method"] == "ppi" and s["corrected"]["n_human"] == 30
        assert abs(s["corrected"]["rate"] - s["rate"]) < 1e-12
    machine = [x for x in a["assessments"] if x["id"] == "corpus.machine_sample"][0]
    assert machine["corrected"]["n_human"] == 60
    # A reviewer finds one unallowable document the machine missed: the
    # corrected rate of its source moves up by 1/30.
    missed = next(r for r in rows if r["machine_flagged"] != "yes")
    missed["label"] = "unallowable"
    with open(project / "done.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    run(["corpus", "label", "import", "--sample", "s.jsonl", "--labels", "done.csv", "-o", "labels.jsonl"],
        project)
    run(["corpus", "audit", "--sample", "s.jsonl", "--labels", "labels.jsonl", "--json", "b.json"], project,
        check=False)
    b = json.loads((project / "b.json").read_text())
    src = next(s for s in b["sources"] if s["source"] == missed["source"])
    machine_rate = sum(1 for r in rows if r["source"] == missed["source"] and r["machine_flagged"] == "yes") / 30
    assert abs(src["corrected"]["rate"] - (machine_rate + 1 / 30)) < 1e-12
    assert src["judge_vs_human"]["sensitivity"][0] < 1.0


def test_label_export_random_subset_is_seeded_and_recorded(project):
    run(["corpus", "sample", "-n", "30", "--seed", "3", "-o", "s.jsonl"], project)
    run(["corpus", "label", "export", "--sample", "s.jsonl", "-o", "r.csv", "--random", "5", "--seed", "9"],
        project)
    rows = list(csv.DictReader(open(project / "r.csv", encoding="utf-8")))
    assert len(rows) == 10 and {r["source"] for r in rows} == {"a", "b"}
    assert all(r["sample"] == "random seed=9 n=5 of 30" for r in rows)
    run(["corpus", "label", "export", "--sample", "s.jsonl", "-o", "r2.csv", "--random", "5", "--seed", "9"],
        project)
    assert (project / "r2.csv").read_text() == (project / "r.csv").read_text()
    run(["corpus", "label", "export", "--sample", "s.jsonl", "-o", "r3.csv", "--random", "5", "--seed", "10"],
        project)
    assert (project / "r3.csv").read_text() != (project / "r.csv").read_text()
    # The reviewed subset imports and corrects the audit (5 human labels per source).
    for r in rows:
        r["label"] = "unallowable" if r["machine_flagged"] == "yes" else "allowable"
    with open(project / "done.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    p = run(["corpus", "label", "import", "--sample", "s.jsonl", "--labels", "done.csv", "-o", "l.jsonl"], project)
    assert "10 labels imported" in p.stdout
    run(["corpus", "audit", "--sample", "s.jsonl", "--labels", "l.jsonl", "--json", "a.json"], project, check=False)
    a = json.loads((project / "a.json").read_text())
    assert all(s["corrected"]["n_human"] == 5 and s["corrected"]["n_machine"] == 30 for s in a["sources"])


@pytest.mark.parametrize("edit,field,msg", [
    (lambda rows: rows[0].update(sample_id="nope"), "sample_id", "not in the sample"),
    (lambda rows: rows[1].update(sample_id=rows[0]["sample_id"]), "sample_id", "duplicate"),
    (lambda rows: rows[2].update(label="maybe"), "label", "not a label"),
    (lambda rows: rows[3].update(label="unallowable", category="Z9"), "category", "unknown category"),
])
def test_label_import_rejects_bad_rows(project, edit, field, msg):
    run(["corpus", "sample", "-n", "5", "--seed", "3", "-o", "s.jsonl"], project)
    run(["corpus", "label", "export", "--sample", "s.jsonl", "-o", "review.csv"], project)
    rows = list(csv.DictReader(open(project / "review.csv", encoding="utf-8")))
    edit(rows)
    with open(project / "bad.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    p = run(["corpus", "label", "import", "--sample", "s.jsonl", "--labels", "bad.csv", "-o", "l.jsonl"], project,
            check=False)
    assert p.returncode == 2
    assert "bad.csv:" in p.stderr and f"field '{field}'" in p.stderr and msg in p.stderr
    assert not (project / "l.jsonl").exists()


def test_filter_removes_flagged_and_keeps_format(project):
    p = run(["corpus", "filter", "-o", "clean"], project)
    kept_a = read_jsonl(project / "clean" / "data" / "a.jsonl")
    assert len(kept_a) == 3000 - 120
    kept_b = [json.loads(l) for l in gzip.decompress((project / "clean" / "data" / "b.jsonl.gz").read_bytes())
              .decode().splitlines()]
    assert len(kept_b) == 2000 - 200
    man = read_jsonl(project / "clean" / "manifest.jsonl")
    assert man[0]["schema"] == "safegate.corpus.filter/2"
    assert len(man) - 1 == 320 and all(m["reason"] == "flagged" for m in man[1:])
    # The filtered corpus scans clean.
    q = run(["corpus", "scan", "--source", "c=clean/data", "-o", "c.json"], project)
    assert json.loads((project / "c.json").read_text())["sources"][0]["flagged"] == 0
    # An existing output directory is refused, nothing is touched.
    p = run(["corpus", "filter", "-o", "clean"], project, check=False)
    assert p.returncode == 2 and "exists" in p.stderr


def test_scan_resumes_after_kill(project):
    big = make_docs(20000, 50, seed=5)
    write_jsonl(project / "big" / "c.jsonl", big)
    args = ["corpus", "scan", "--source", "c=big/c.jsonl", "--unit-mb", "0.1", "-j", "2",
            "-o", "r.json", "--hits", "r.jsonl"]
    p = run(args, project, env={"SAFEGATE_CHECKPOINT_SECONDS": "0", "SAFEGATE_TEST_KILL_AFTER_UNITS": "5"},
            check=False)
    assert p.returncode == -9  # killed mid-run
    assert (project / "r.json.checkpoint").exists() and not (project / "r.json").exists()
    # An edited checkpoint that no longer fits the corpus is refused (a shorter "sources" array was
    # indexed past its end), and left as it was.
    ck = project / "r.json.checkpoint"
    good = ck.read_bytes()
    for edit, msg in ((lambda j: j.update(sources=[]), "does not fit this corpus"),
                      (lambda j: j.update(consumed=10 ** 6), "does not fit this corpus"),
                      (lambda j: j.update(consumed=1e30), "not a valid safegate result file"),
                      (lambda j: j.update(hits_bytes=10 ** 12), "shorter or missing")):
        j = json.loads(good)
        edit(j)
        ck.write_text(json.dumps(j))
        p = run(args, project, check=False)
        assert p.returncode == 2 and msg in p.stderr, p.stderr
    assert (project / "r.jsonl.partial").stat().st_size < 10 ** 9  # not grown to the claimed size
    ck.write_bytes(good)
    p = run(args, project)
    assert "resumed after" in p.stderr
    run(["corpus", "scan", "--source", "c=big/c.jsonl", "--unit-mb", "0.1", "-j", "1", "-o", "f.json",
         "--hits", "f.jsonl"], project)
    assert without_run(json.loads((project / "r.json").read_text())) == \
        without_run(json.loads((project / "f.json").read_text()))
    assert (project / "r.jsonl").read_bytes() == (project / "f.jsonl").read_bytes()
    assert not (project / "r.json.checkpoint").exists()


# ---- bad input ---------------------------------------------------------------------------

def scan_source(project, spec, extra=(), check=True):
    return run(["corpus", "scan", "--source", spec, "-o", "o.json"] + list(extra), project, check=check)


def test_bad_lines_reported_with_file_and_line(project):
    d = project / "bad"
    d.mkdir()
    (d / "x.jsonl").write_bytes(data := (
        b'\xef\xbb\xbf{"text": "first pipe bomb"}\r\n'      # BOM + CRLF
        b'{"text": "ok"}\n'
        b'not json at all\n'                                  # line 3
        b'{"body": "no text field"}\n'                        # line 4
        b'{"text": 42}\n'                                     # line 5
        b'{"text": "bad utf8 \xff\xfe here"}\n'               # line 6
        b'\n'
        b'{"text": "last"}'))                                 # no final newline
    p = scan_source(project, "x=bad/x.jsonl")
    # Bytes that are not UTF-8 (another encoding: Latin-1, GBK) are named with their byte offset,
    # as a NUL byte is ("invalid JSON: The input is not valid UTF-8" said neither where nor what).
    at = data.index(b"\xff")
    assert f"bad/x.jsonl:6: invalid JSON: not UTF-8 at byte offset {at} (byte 0xFF" in p.stderr, p.stderr
    s = json.loads((project / "o.json").read_text())["sources"][0]
    assert s["docs"] == 3 and s["bad_lines"] == 4 and s["flagged"] == 1
    assert "bad/x.jsonl:3" in p.stderr and "bad/x.jsonl:4" in p.stderr
    p = scan_source(project, "x=bad/x.jsonl", ["--strict"], check=False)
    assert p.returncode == 2 and "bad/x.jsonl:3" in p.stderr
    assert not (project / "o.json.tmp").exists()


def test_truncated_archives(project):
    docs = make_docs(3000, 10, seed=3)
    gz = write_jsonl(project / "t" / "a.jsonl.gz", docs, compress="gz")
    zs = write_jsonl(project / "t" / "b.jsonl.zst", docs, compress="zst")
    for f in (gz, zs):
        data = f.read_bytes()
        f.write_bytes(data[: len(data) // 2])
    p = scan_source(project, "t=t/")
    s = json.loads((project / "o.json").read_text())["sources"][0]
    assert 0 < s["docs"] < 6000 and s["bad_lines"] == 2
    assert "a.jsonl.gz" in p.stderr and "b.jsonl.zst" in p.stderr


def test_empty_files_and_missing_paths(project):
    (project / "e").mkdir()
    (project / "e" / "empty.jsonl").write_bytes(b"")
    scan_source(project, "e=e/empty.jsonl")
    assert json.loads((project / "o.json").read_text())["sources"][0]["docs"] == 0
    p = scan_source(project, "m=missing/*.jsonl", check=False)
    assert p.returncode == 2 and "missing/*.jsonl" in p.stderr


def test_huge_line_is_a_bad_line_not_a_crash(project):
    d = project / "huge"
    d.mkdir()
    with open(d / "h.jsonl", "wb") as f:
        f.write(b'{"text": "before pipe bomb"}\n')
        f.write(b'{"text": "' + b"a" * (100 << 20) + b'"}\n')  # a 100 MB line
        f.write(b'{"text": "after"}\n')
    p = scan_source(project, "h=huge/h.jsonl")
    s = json.loads((project / "o.json").read_text())["sources"][0]
    assert s["docs"] == 2 and s["bad_lines"] == 1 and s["flagged"] == 1
    assert "huge/h.jsonl:2" in p.stderr


def test_bad_policy_and_bank_errors_name_location(project):
    (project / "bad.csv").write_text("id,category,lang,type,whole_word,text\nk1,S1,en,regex,false,a(b\n",
                                     encoding="utf-8")
    (project / "bad-policy.yaml").write_text(
        "schema: safegate.policy/1\nid: x\nversion: '1'\nprofile: baseline\nkeyword_banks: [bad.csv]\n",
        encoding="utf-8")
    p = run(["corpus", "scan", "--policy", "bad-policy.yaml", "--source", "a=data/a.jsonl"], project, check=False)
    assert p.returncode == 2 and "bad.csv:2" in p.stderr and "a(b" in p.stderr
    (project / "bad.csv").write_text("id,category,lang,type,whole_word,text\nk1,NOPE,en,literal,false,x\n",
                                     encoding="utf-8")
    p = run(["corpus", "scan", "--policy", "bad-policy.yaml", "--source", "a=data/a.jsonl"], project, check=False)
    assert p.returncode == 2 and "bad.csv:2" in p.stderr and "category" in p.stderr


def test_lines_and_files_formats(project):
    d = project / "txt"
    d.mkdir()
    (d / "lines.txt").write_text("one fine day\nwe built a pipe bomb\n\nthird\n", encoding="utf-8")
    run(["corpus", "scan", "--source", "l=txt/lines.txt", "--format", "lines", "-o", "l.json"], project)
    s = json.loads((project / "l.json").read_text())["sources"][0]
    assert s["docs"] == 3 and s["flagged"] == 1
    (d / "docs").mkdir()
    (d / "docs" / "1.txt").write_text("a whole\nfile with a pipe bomb\n", encoding="utf-8")
    (d / "docs" / "2.txt").write_text("clean\n", encoding="utf-8")
    run(["corpus", "scan", "--source", "f=txt/docs", "--format", "files", "-o", "f.json"], project)
    s = json.loads((project / "f.json").read_text())["sources"][0]
    assert s["docs"] == 2 and s["flagged"] == 1


@pytest.mark.skipif(not (SHARED / "blns").is_dir(), reason="../shared/data is absent")
def test_every_naughty_string(project):
    src = SHARED / "blns" / "blns.txt"
    if not src.exists():
        cands = sorted((SHARED / "blns").glob("*.txt"))
        assert cands, "no blns txt file"
        src = cands[0]
    raw = [l for l in src.read_bytes().split(b"\n") if l and not l.startswith(b"#")]
    d = project / "blns"
    d.mkdir()
    (d / "lines.txt").write_bytes(b"\n".join(raw) + b"\n")
    texts = [l.decode("utf-8", "replace") for l in raw]
    write_jsonl(d / "docs.jsonl", texts)
    run(["corpus", "scan", "--source", "l=blns/lines.txt", "--format", "lines", "-o", "a.json"], project)
    run(["corpus", "scan", "--source", "j=blns/docs.jsonl", "-o", "b.json", "--hits", "b.jsonl"], project)
    a = json.loads((project / "a.json").read_text())["sources"][0]
    b = json.loads((project / "b.json").read_text())["sources"][0]
    assert b["docs"] == len(texts) and b["bad_lines"] == 0
    assert a["docs"] + a["bad_lines"] <= len(raw)
    run(["corpus", "sample", "--source", "j=blns/docs.jsonl", "-n", "50", "--seed", "1", "-o", "s.jsonl"], project)
    assert len(read_jsonl(project / "s.jsonl")) == 51


def test_matcher_cache_is_used_and_survives_corruption(project):
    own = {"SAFEGATE_CACHE_DIR": str(project / ".cache")}
    run(["corpus", "scan", "-o", "a.json"], project, env=own)
    cached = list((project / ".cache").glob("matcher-*.sgm"))
    assert len(cached) == 1
    run(["corpus", "scan", "-o", "b.json"], project, env=own)
    cached[0].write_bytes(cached[0].read_bytes()[:100])  # truncated cache file
    run(["corpus", "scan", "-o", "c.json"], project, env=own)
    run(["corpus", "scan", "-o", "d.json", "--no-cache"], project, env=own)
    a, b, c, d = (without_run(json.loads((project / f).read_text())) for f in ("a.json", "b.json", "c.json", "d.json"))
    assert a == b == c == d
    assert cached[0].stat().st_size > 1000  # rewritten after the bad load


def test_fraction_sample_merges_exactly(project):
    common = ["--unit-mb", "0.02", "--fraction", "0.1", "--seed", "4"]
    run(["corpus", "sample", "-o", "whole.jsonl"] + common, project)
    for i in (1, 2):
        run(["corpus", "sample", "--shard", f"{i}/2", "-o", f"f{i}.jsonl", "-j", "1"] + common, project)
    run(["corpus", "merge", "-o", "merged.jsonl", "f1.jsonl", "f2.jsonl"], project)
    whole, merged = read_jsonl(project / "whole.jsonl"), read_jsonl(project / "merged.jsonl")
    assert without_run(whole[0]) == without_run(merged[0]) and whole[1:] == merged[1:]
    n = len(whole) - 1
    assert 350 < n < 650  # about 10% of 5000


def test_upper_bound_rule_is_stricter(project):
    # 200 documents, 9 flagged (4.5%), all sampled: the point rule passes a 5%
    # limit, the upper bound of the 95% interval (about 8.4%) does not.
    docs = ["quiet text %d" % i for i in range(200)]
    for i in range(0, 180, 20):
        docs[i] += " pipe bomb"
    write_jsonl(project / "u" / "u.jsonl", docs)
    run(["corpus", "sample", "--source", "u=u/u.jsonl", "-n", "1000", "--seed", "3", "-o", "s.jsonl"], project)
    p = run(["corpus", "audit", "--sample", "s.jsonl", "--json", "p.json"], project, check=False)
    q = run(["corpus", "audit", "--sample", "s.jsonl", "--rule", "upper", "--json", "u.json"], project,
            check=False)
    pa = json.loads((project / "p.json").read_text())["sources"][0]
    ua = json.loads((project / "u.json").read_text())["sources"][0]
    assert pa["n"] == 200 and pa["flagged"] == 9
    assert pa["verdict"] == "pass" and ua["verdict"] == "fail"
    assert ua["clopper_pearson"][1] > 0.05 >= pa["rate"]
    assert json.loads((project / "u.json").read_text())["rule"] == "upper-bound"


def test_invalid_utf8_in_plain_text_is_repaired_and_matched(project):
    d = project / "u8"
    d.mkdir()
    (d / "x.txt").write_bytes(b"ok line\n\xff\xfe a pipe \xc3 bomb? no: pipe bomb \xe2\x82\n\xc0\xaf\n")
    p = run(["corpus", "scan", "--source", "x=u8/x.txt", "--format", "lines", "-o", "o.json",
             "--hits", "h.jsonl"], project)
    s = json.loads((project / "o.json").read_text())["sources"][0]
    assert s["docs"] == 3 and s["flagged"] == 1 and s["bad_lines"] == 0
    h = read_jsonl(project / "h.jsonl")[1]
    raw = (d / "x.txt").read_bytes().split(b"\n")[1]
    span = h["hits"][0]
    # The repaired byte (U+FFFD, a symbol) is a gap between the words like any other.
    assert raw[span["begin"]:span["end"]] == b"pipe \xc3 bomb"


@pytest.mark.parametrize("job", ["scan", "sample", "filter"])
def test_the_cli_draws_the_progress_line_of_each_corpus_job(project, job):
    """The corpus library only reports progress (a callback); the CLI draws the line.
    With SAFEGATE_PROGRESS=1 the line is drawn even off a terminal: at least the escape
    that clears it at the end, and every line drawn has the documented shape."""
    import re
    from conftest import BIN, cache_dir
    args = {"scan": ["corpus", "scan", "-o", "s.json"],
            "sample": ["corpus", "sample", "-n", "5", "--seed", "1", "-o", "s.jsonl"],
            "filter": ["corpus", "filter", "-o", "clean"]}[job]
    env = {k: v for k, v in os.environ.items() if k != "SAFEGATE_NO_PROGRESS"}
    env.update(SAFEGATE_PROGRESS="1", SAFEGATE_CACHE_DIR=cache_dir(project))
    p = subprocess.run([BIN] + args, cwd=project, env=env, capture_output=True, timeout=300)
    err = p.stderr.decode("utf-8")  # bytes: text mode would turn "\r" into "\n"
    assert p.returncode == 0, err
    assert "\r\x1b[K" in err
    for line in err.split("\r\x1b[K"):
        if line.startswith(job + ":"):
            assert re.fullmatch(rf"{job}: \d+ docs, [\d.]+ MB, [\d.]+ MB/s, \d+%, ETA \d+s(, \d+ bad)?", line), line
    # Off (the default off a terminal): not a byte of it.
    q = run(args[:-1] + [args[-1] + "2"], project)
    assert "\x1b[K" not in q.stderr
