"""safegate (the module): results equal to the CLI's; bad inputs raise safegate.Error."""
import json
import threading
from pathlib import Path

import pytest

import safegate
from conftest import BANK, POLICY, cli, make_docs, sample_lines, without_run, write_jsonl


def test_version_and_self_test(tmp_path):
    assert safegate.version() == safegate.__version__
    assert "hyperscan" in safegate.engine_version().lower() or safegate.engine_version()
    safegate.self_test()
    out = cli(["--version"], tmp_path).stdout
    assert safegate.version() in out


def test_error_is_one_type_with_code(tmp_path):
    assert issubclass(safegate.Error, Exception)
    with pytest.raises(safegate.Error) as e:
        safegate.load_policy(tmp_path / "nope.yaml")
    assert "nope.yaml" in str(e.value)
    assert e.value.code in ("i/o error", "not found", "invalid argument")


def test_normalize():
    assert safegate.normalize("ＢＯＭＢ") == "bomb"
    assert safegate.normalize("漢語 b\u200bomb") == "汉语 bomb"
    assert safegate.normalize("B.O.M.B", {"strip_separators": True}) == "bomb"
    assert safegate.normalize("B.O.M.B") == "b.o.m.b"
    assert safegate.normalize(b"\xff\xfeABC") == "\ufffd\ufffdabc".encode()
    with pytest.raises(safegate.Error, match="normalize option 'nfc' is unknown"):
        safegate.normalize("x", {"nfc": True})


def test_policy_and_matcher(project):
    pol = safegate.load_policy(project / "policy.yaml")
    assert (pol.id, pol.version, pol.profile_id) == ("test-policy", "1", "baseline")
    assert pol.normalize["strip_separators"] is True
    assert any(c["id"] == "S9" for c in pol.categories)
    assert 0 < pol.requirement("corpus.source.max_unallowable_rate") < 1
    with pytest.raises(safegate.Error, match="no.such.key"):
        pol.requirement("no.such.key")
    m = safegate.compile_matcher(pol)
    assert len(m) == 6 and m.warnings == []
    text = "Ünïcode first: how to build a p.i.p.e b.o.m.b, call 123-45-6789, 炸彈"
    hits = m.scan(text)
    assert [h["keyword"] for h in hits] == ["kw-1", "re-1", "kw-3"]
    # Spans index the str (code points), and the bytes for bytes input.
    assert [text[h["begin"]:h["end"]] for h in hits] == ["p.i.p.e b.o.m.b", "123-45-6789", "炸彈"]
    raw = text.encode()
    assert [raw[h["begin"]:h["end"]].decode() for h in m.scan(raw)] == \
        ["p.i.p.e b.o.m.b", "123-45-6789", "炸彈"]
    docs = make_docs(500, 7, seed=3) + [text, "", b"\xff pipe bomb"]
    batch = safegate.scan_texts(docs, m, threads=2)
    assert batch == [m.scan(d) for d in docs]
    assert sum(1 for h in batch if h) == 72 + 2
    assert m.normalize_text("ＰＩＰＥ") == "pipe"


def test_matcher_from_patterns_save_load(tmp_path):
    m = safegate.Matcher.from_patterns(
        [{"id": "k", "category": "X", "text": "needle", "whole_word": True},
         {"id": "r", "category": "Y", "text": r"ab+c", "regex": True}])
    assert [h["keyword"] for h in m.scan("a NEEDLE and abbbc")] == ["k", "r"]
    assert m.scan("needles") == []
    m.save(tmp_path / "m.sgm" if False else str(tmp_path / "m.sgm"))
    m2 = safegate.Matcher.load(str(tmp_path / "m.sgm"))
    assert m2.scan("a needle") == m.scan("a needle")
    with pytest.raises(safegate.Error, match="does not compile"):
        safegate.Matcher.from_patterns([{"id": "bad", "category": "X", "text": "a(b",
                                         "regex": True}])
    with pytest.raises(safegate.Error, match="field 'colour' is unknown"):
        safegate.Matcher.from_patterns([{"id": "k", "category": "X", "text": "t", "colour": 1}])
    with pytest.raises(safegate.Error, match="saved|magic|cannot|open"):
        (tmp_path / "junk.sgm").write_bytes(b"junk" * 10)
        safegate.Matcher.load(str(tmp_path / "junk.sgm"))


@pytest.mark.parametrize("bad", [
    {"id": None, "category": "X", "text": "t"},
    {"id": "k", "category": 5, "text": "t"},
    {"id": "k", "category": "X", "text": b"bytes"},
    {"id": "k", "category": "X", "text": "t", "regex": "yes"},
    {"id": "k", "category": "X", "text": "t", "whole_word": 1},
    {"id": "k", "category": "X", "text": "t", "language": []},
])
def test_from_patterns_wrong_types_raise_error(bad):
    # Was RuntimeError ("Unable to cast Python instance"); docs/python.md promises safegate.Error.
    with pytest.raises(safegate.Error, match="pattern 1: field '"):
        safegate.Matcher.from_patterns([bad])
    with pytest.raises(safegate.Error, match="pattern 1: not a dict"):
        safegate.Matcher.from_patterns(["just text"])
    with pytest.raises(safegate.Error, match="normalize option 'casefold'"):
        safegate.Matcher.from_patterns([{"id": "k", "category": "X", "text": "t"}],
                                       normalize={"casefold": "yes"})


def test_scan_equals_cli(project):
    cli(["corpus", "scan", "--unit-mb", "0.05", "-o", "cli.json", "--hits", "cli-hits.jsonl"],
        project)
    r = safegate.scan(project / "safegate.yaml", summary=project / "py.json",
                      hits=project / "py-hits.jsonl", unit_mb=0.05, threads=2)
    a = json.loads((project / "cli.json").read_text())
    b = json.loads((project / "py.json").read_text())
    assert without_run(a) == without_run(b)
    assert (project / "cli-hits.jsonl").read_bytes() == (project / "py-hits.jsonl").read_bytes()
    by = {s["source"]: s for s in r["sources"]}
    assert by["a"]["docs"] == 3000 and by["a"]["flagged"] == 120
    assert by["b"]["docs"] == 2000 and by["b"]["flagged"] == 200
    assert r["units"] > 2


def test_scan_and_sample_run_the_policys_pii_judge_as_the_cli(project):
    # The policy's judges: section reaches the Python (and so the Dask) corpus jobs.
    (project / "policy.yaml").write_text(
        (project / "policy.yaml").read_text() + "judges:\n  - {name: keyword}\n  - {name: pii}\n")
    write_jsonl(project / "data" / "a.jsonl",
                ["card 4111 1111 1111 1111", "card ４１１１ １１１１ １１１１ １１１１", "a pipe bomb", "quiet"])
    cli(["corpus", "scan", "-o", "cli.json", "--hits", "cli-hits.jsonl"], project)
    r = safegate.scan(project / "safegate.yaml", summary=project / "py.json",
                      hits=project / "py-hits.jsonl", threads=2)
    assert without_run(json.loads((project / "cli.json").read_text())) == \
        without_run(json.loads((project / "py.json").read_text()))
    assert (project / "cli-hits.jsonl").read_bytes() == (project / "py-hits.jsonl").read_bytes()
    assert r["judges"] == ["keyword", "pii"] and r["judges_skipped"] == []
    a = {s["source"]: s for s in r["sources"]}["a"]
    assert a["flagged"] == 3 and a["judges"] == {"keyword": 1, "pii": 2}
    s = safegate.sample(project / "safegate.yaml", seed=3, n=10, out=project / "s.jsonl")
    assert {x["source"]: x for x in s["sources"]}["a"]["judges"] == {"keyword": 1, "pii": 2}


def test_scan_with_source_strings_equals_cli(project, monkeypatch):
    monkeypatch.chdir(project)
    cli(["corpus", "scan", "--policy", "policy.yaml", "--source", "x=data/a.jsonl",
         "--source", "y=data", "-o", "cli.json"], project)
    safegate.scan(["x=data/a.jsonl", "y=data"], "policy.yaml", summary="py.json")
    assert without_run(json.loads(Path("cli.json").read_text())) == \
        without_run(json.loads(Path("py.json").read_text()))
    # The same from a dict and from another working directory.
    c = safegate.corpus({"x": "data/a.jsonl", "y": ["data"]}, "policy.yaml")
    monkeypatch.chdir(project / "data")
    safegate.scan(c, summary=project / "py2.json")
    assert without_run(json.loads((project / "py2.json").read_text())) == \
        without_run(json.loads((project / "cli.json").read_text()))


def test_sample_shards_merge_and_audit_equal_cli(project, monkeypatch):
    monkeypatch.chdir(project)
    common = ["--unit-mb", "0.05"]
    cli(["corpus", "sample", "-n", "60", "--seed", "9", "-o", "cli.jsonl"] + common, project)
    safegate.sample("safegate.yaml", seed=9, n=60, out="py.jsonl", unit_mb=0.05)
    assert sample_lines("cli.jsonl") == sample_lines("py.jsonl")
    parts = []
    for i in (1, 2, 3):
        safegate.sample("safegate.yaml", seed=9, n=60, out=f"p{i}.jsonl", shard=f"{i}/3",
                        unit_mb=0.05)
        parts.append(f"p{i}.jsonl")
    assert safegate.merge(parts, "merged.jsonl") == "sample"
    assert sample_lines("merged.jsonl") == sample_lines("cli.jsonl")
    p = cli(["corpus", "audit", "--sample", "cli.jsonl", "--json", "cli-audit.json"], project,
            expect=None)
    rep = safegate.audit_sample("policy.yaml", "cli.jsonl", json="py-audit.json")
    assert Path("cli-audit.json").read_bytes() == Path("py-audit.json").read_bytes()
    assert p.returncode == (0 if rep.all_pass else 1), p.stderr
    assert rep.table == p.stdout
    assert [s["source"] for s in rep.sources] == ["a", "b"]
    # audit() = sample + audit_sample; with a full scan for the machine assessment.
    rep2 = safegate.audit("safegate.yaml", seed=9, n=60, sample_out="cli.jsonl",
                          scan_out="scan.json", unit_mb=0.05)
    p = cli(["corpus", "audit", "--sample", "cli.jsonl", "--scan", "scan.json", "--json",
             "cli-audit2.json"], project, expect=None)
    assert p.returncode == (0 if rep2.all_pass else 1), p.stderr
    assert rep2.json == Path("cli-audit2.json").read_text()


def test_fraction_sample_and_scan_shards_merge(project, monkeypatch):
    monkeypatch.chdir(project)
    cli(["corpus", "sample", "--fraction", "0.1", "--seed", "3", "-o", "cli.jsonl"], project)
    safegate.sample("safegate.yaml", seed=3, fraction=0.1, out="py.jsonl")
    assert sample_lines("cli.jsonl") == sample_lines("py.jsonl")
    for i in (1, 2):
        safegate.scan("safegate.yaml", summary=f"s{i}.json", hits=f"h{i}.jsonl", shard=(i, 2),
                      unit_mb=0.05)
    cli(["corpus", "scan", "-o", "whole.json", "--hits", "whole.jsonl", "--unit-mb", "0.05"],
        project)
    assert safegate.merge(["s1.json", "s2.json"], "m.json") == "scan"
    assert safegate.merge(["h1.jsonl", "h2.jsonl"], "m.jsonl") == "hits"
    assert without_run(json.loads(Path("m.json").read_text())) == \
        without_run(json.loads(Path("whole.json").read_text()))
    assert Path("m.jsonl").read_bytes() == Path("whole.jsonl").read_bytes()


def test_bad_inputs_raise_error_with_location(project, monkeypatch):
    monkeypatch.chdir(project)
    with pytest.raises(safegate.Error, match="bad shard '3/2'"):
        safegate.scan("safegate.yaml", shard="3/2")
    with pytest.raises(safegate.Error, match="bad shard"):
        safegate.scan("safegate.yaml", shard=(0, 2))
    with pytest.raises(safegate.Error, match="path 'missing/\\*.jsonl' does not exist|missing"):
        safegate.scan(["m=missing/*.jsonl"], "policy.yaml")
    with pytest.raises(safegate.Error, match="give -n N|fraction"):
        safegate.sample("safegate.yaml", seed=1, out="s.jsonl")
    with pytest.raises(safegate.Error, match="no policy"):
        safegate.scan(["a=data/a.jsonl"])
    # Sizes in MiB past the range (or NaN) are refused, not cast with undefined behaviour.
    with pytest.raises(safegate.Error, match="unit_mb"):
        safegate.scan("safegate.yaml", unit_mb=1e30)
    with pytest.raises(safegate.Error, match="max_doc_mb"):
        safegate.scan("safegate.yaml", max_doc_mb=float("nan"))
    for i in (1, 2):
        safegate.scan("safegate.yaml", summary=f"p{i}.json", shard=f"{i}/3")
    with pytest.raises(safegate.Error, match="all 3 shards"):
        safegate.merge(["p1.json", "p2.json"], "m.json")
    assert not Path("m.json").exists()
    # A bad line: counted, or fatal with file:line under strict.
    with open("data/a.jsonl", "a") as f:
        f.write('{"id": "x", "text": 5}\n')
    r = safegate.scan("safegate.yaml")
    assert r["sources"][0]["bad_lines"] == 1
    assert r["bad_examples"][0]["line"] == 3001
    with pytest.raises(safegate.Error, match=r"data/a.jsonl:3001:.*strict"):
        safegate.scan("safegate.yaml", strict=True, summary="strict.json")
    assert not Path("strict.json").exists()
    # A bad bank item names the bank's file, line and field.
    Path("bank.csv").write_text(Path("bank.csv").read_text() + "kw-9,NOPE,en,literal,true,x\n")
    with pytest.raises(safegate.Error, match=r"bank.csv:8.*category") as e:
        safegate.compile_matcher("policy.yaml")
    assert e.value.code == "invalid argument"
    m = safegate.compile_matcher("policy.yaml", lenient=True)
    assert len(m) == 6 and "bank.csv:8" in m.warnings[0]
    Path("policy.yaml").write_text("schema: safegate.policy/1\nid: [\n")
    with pytest.raises(safegate.Error, match="policy.yaml"):
        safegate.load_policy("policy.yaml")
    with pytest.raises(safegate.Error, match="lone surrogate|UTF-8"):
        m.scan("\ud800")


def test_intervals():
    assert safegate.wilson(0, 0) == (0.0, 1.0)
    lo, hi = safegate.wilson(5, 100)
    assert 0.02 < lo < 0.05 < hi < 0.12
    lo, hi = safegate.clopper_pearson(0, 59)
    assert lo == 0 and abs(hi - 0.0606) < 1e-3
    assert safegate.passes(5, 100, 0.05) and not safegate.passes(6, 100, 0.05)
    assert not safegate.passes(5, 100, 0.05, rule="upper")
    assert safegate.max_passing_count(100, 0.05) == 5
    oc = safegate.operating_characteristic(100, 0.05, 0.05)
    assert abs(oc - safegate.binomial_cdf(5, 100, 0.05)) < 1e-12
    with pytest.raises(safegate.Error, match="must not exceed"):
        safegate.wilson(5, 4)
    with pytest.raises(safegate.Error, match="rule 'median' is unknown"):
        safegate.passes(1, 10, 0.1, rule="median")


def test_compression_bomb_guard_from_the_project_and_the_argument(project, monkeypatch):
    # corpus.max_ratio of the project file reaches the reader, as with the
    # CLI; the argument overrides it; a bad value is refused. The guard acts
    # past 64 MiB decoded: 65 MiB of newlines in a few KiB of gzip.
    import gzip
    monkeypatch.chdir(project)
    (project / "bomb").mkdir()
    (project / "bomb" / "b.txt.gz").write_bytes(gzip.compress(b"x\n" * (33 << 20), 9))
    text = (project / "safegate.yaml").read_text(encoding="utf-8")
    (project / "bomb.yaml").write_text(
        text.replace("corpus:\n  sources:\n", "corpus:\n  max_ratio: 50\n  sources:\n"),
        encoding="utf-8")
    assert safegate.corpus("bomb.yaml").max_ratio == 50
    assert safegate.corpus("safegate.yaml").max_ratio == 2000
    assert safegate.corpus("bomb.yaml", max_ratio=0).max_ratio == 0
    src = ["b=bomb/b.txt.gz"]
    with pytest.raises(safegate.Error, match="b.txt.gz.*more than 50 times: a compression bomb"):
        safegate.scan(src, "policy.yaml", format="lines", max_ratio=50)
    assert safegate.scan(src, "policy.yaml", format="lines", max_ratio=0)["sources"][0]["docs"] > 0
    for bad in (-1, 1.5, True, "50"):
        with pytest.raises(safegate.Error, match="max_ratio"):
            safegate.corpus("bomb.yaml", max_ratio=bad)


def test_threads_share_a_matcher(project):
    m = safegate.compile_matcher(project / "policy.yaml")
    docs = make_docs(2000, 5, seed=4)
    want = [m.scan(d) for d in docs]
    got = [None] * 4

    def work(i):
        got[i] = m.scan_batch(docs, 1)

    ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert all(g == want for g in got)


def test_plan_eval_run_plans_what_eval_run_stores(tmp_path, monkeypatch):
    """safegate.plan_eval_run (eval::PlanRun): the items, their order and the metadata
    `safegate eval run` stores for the same project, seed and sample (oracle: the CLI's
    run store, read with sqlite3)."""
    import csv
    import sqlite3
    (tmp_path / "bank.csv").write_text(BANK, encoding="utf-8")
    (tmp_path / "policy.yaml").write_text(POLICY, encoding="utf-8")
    for name, cats in (("gen", ["S1", "S9"]), ("refuse", ["S1"]), ("answer", ["S2"])):
        with open(tmp_path / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["id", "category", "lang", "text"])
            for i in range(12):
                w.writerow([f"{name[0]}{i}", cats[i % len(cats)], "en", f"{name} question {i}"])
    replay = [{"id": f"{n[0]}{i}", "response": "ok"} for n in ("gen", "refuse", "answer") for i in range(12)]
    (tmp_path / "replay.jsonl").write_text("".join(json.dumps(r) + "\n" for r in replay))
    (tmp_path / "safegate.yaml").write_text(
        "schema: safegate.project/1\npolicy: policy.yaml\nseed: 5\n"
        "banks:\n  generated: gen.csv\n  should_refuse: refuse.csv\n  should_answer: answer.csv\n"
        "eval:\n  target:\n    kind: replay\n    path: replay.jsonl\n", encoding="utf-8")
    cli(["eval", "run", "--sample", "5", "--run-id", "r1", "--store", "eval.db"], tmp_path)
    monkeypatch.chdir(tmp_path)  # the project named as the CLI found it: paths in the metadata agree
    plan = safegate.plan_eval_run("safegate.yaml", sample=5, run_id="r1")
    with sqlite3.connect(tmp_path / "eval.db") as db:
        stored = db.execute("SELECT item_id, bank, category, lang, prompt FROM eval_items "
                            "WHERE run_id = 'r1' ORDER BY seq").fetchall()
        meta, = db.execute("SELECT meta FROM eval_runs WHERE run_id = 'r1'").fetchone()
    assert plan["run_id"] == "r1"
    assert [(i["id"], i["bank"], i["category"], i["lang"], i["prompt"]) for i in plan["items"]] == stored
    assert len(stored) == 15  # 5 of each bank
    assert json.loads(meta) == plan["meta"] and plan["meta"]["seed"] == 5
    # Another seed draws another sample; a bad bank flag is an Error naming it.
    other = safegate.plan_eval_run(tmp_path / "safegate.yaml", sample=5, run_id="r1", seed=6)
    assert [i["id"] for i in other["items"]] != [i["id"] for i in plan["items"]]
    with pytest.raises(safegate.Error) as e:
        safegate.plan_eval_run(tmp_path / "safegate.yaml", banks=["colour=gen.csv"])
    assert "colour" in str(e.value)
