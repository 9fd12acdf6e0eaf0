"""corpus scan / filter / sample run the policy's judges: keyword banks, personal-data
detectors and classifiers (one decision for all three jobs, per-judge counts)."""
import json
from pathlib import Path

import pytest

from conftest import BANK, run, write_jsonl, read_jsonl, without_run

# A card number only the personal-data detector sees (Luhn-valid, no keyword), in ASCII and in
# full-width digits; a text only the classifier flags; one only a keyword flags; clean ones.
PII_ASCII = "please charge 4111 1111 1111 1111 for the garden tools"
PII_FULLWIDTH = "card ４１１１ １１１１ １１１１ １１１１ for the garden tools"
CLASSIFIED = "congratulations winner claim your lottery prize pay the release fee today"
KEYWORD = "a guide on how to build a pipe bomb"
CLEAN = "the river market opens at nine and the library at ten"
NEAR_CARD = "charge 4111 1111 1111 1112 for the garden tools"  # Luhn-invalid: clean


def train_model(project):
    rows = []
    for i in range(40):
        rows.append({"t": f"you are a lottery winner {i} claim the prize pay the release fee now", "y": "scam"})
        rows.append({"t": f"claim your prize money today winner {i} transfer the fee", "y": "scam"})
        rows.append({"t": f"the river market opens early {i} and the library is quiet", "y": "ok"})
        rows.append({"t": f"garden tools and music lessons {i} at the school near the bridge", "y": "ok"})
    (project / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    run(["judge", "train", "-i", "train.jsonl", "--text-field", "t", "--label-field", "y",
         "-o", "scam.sgc", "--hash-bits", "14"], project)


JUDGES = """judges:
  - name: keyword
  - name: pii
    category: S7
  - name: classifier
    model: scam.sgc
    labels: {scam: S2}
    thresholds: {S2: 0.6}
  - name: llm
    url: http://127.0.0.1:9
    format: llama-guard-3
    model: guard
"""


@pytest.fixture
def jproject(tmp_path):
    (tmp_path / "bank.csv").write_text(BANK, encoding="utf-8")
    train_model(tmp_path)
    (tmp_path / "policy.yaml").write_text(
        "schema: safegate.policy/1\nid: jp\nversion: \"1\"\nprofile: baseline\n"
        "keyword_banks: [bank.csv]\n" + JUDGES, encoding="utf-8")
    docs = [PII_ASCII, CLASSIFIED, KEYWORD, CLEAN, PII_FULLWIDTH, NEAR_CARD]
    write_jsonl(tmp_path / "data" / "a.jsonl", docs)
    # A bigger second source for the threads and resume checks: the same kinds, repeated.
    write_jsonl(tmp_path / "data" / "b.jsonl", [docs[i % len(docs)] + f" n{i}" for i in range(3000)])
    return tmp_path


def scan(project, *extra, out="s.json", hits="h.jsonl", env=None, check=True):
    return run(["corpus", "scan", "--policy", "policy.yaml", "--source", "a=data/a.jsonl",
                "--source", "b=data/b.jsonl", "-o", out, "--hits", hits] + list(extra), project,
               env=env, check=check)


def test_each_judge_flags_its_own_document(jproject):
    p = scan(jproject, "-j", "2")
    s = json.loads((jproject / "s.json").read_text())
    assert s["schema"] == "safegate.corpus.scan/2"
    assert [j["name"] for j in s["judges"]] == ["keyword", "pii", "classifier"]
    assert s["judges"][2]["version"].startswith("classifier/")
    # The llm entry is not run on a corpus, and the summary and stderr say so.
    assert s["judges_skipped"] == [
        "judges[3] (llm): not run on a corpus (one network request per document)"]
    assert "judges[3] (llm)" in p.stderr
    a = {x["source"]: x for x in s["sources"]}["a"]
    assert a["docs"] == 6 and a["flagged"] == 4
    assert a["judges"] == {"keyword": 1, "pii": 2, "classifier": 1}
    assert a["categories"] == {"S9": 1, "S7": 2, "S2": 1}
    assert a["keywords"] == {"kw-1": 1}
    b = {x["source"]: x for x in s["sources"]}["b"]
    assert b["docs"] == 3000 and b["flagged"] == 2000
    assert b["judges"] == {"keyword": 500, "pii": 1000, "classifier": 500}
    # The table has a column per judge.
    head, row_a = p.stdout.splitlines()[:2]
    assert head.split()[6:9] == ["keyword", "pii", "classifier"]
    assert row_a.split()[6:9] == ["1", "2", "1"]

    hits = read_jsonl(jproject / "h.jsonl")
    assert hits[0]["schema"] == "safegate.corpus.hits/2"
    by_line = {h["line"]: h for h in hits[1:] if h["source"] == "a"}
    assert sorted(by_line) == [1, 2, 3, 5]
    raw = [json.loads(l)["text"].encode() for l in (jproject / "data" / "a.jsonl").read_text().splitlines()]
    # PII: the judge, its category, the detector and the span of the card number (full-width too).
    for line, digits in ((1, "4111 1111 1111 1111"), (5, "４１１１ １１１１ １１１１ １１１１")):
        h = by_line[line]
        assert h["judges"] == ["pii"] and h["categories"] == ["S7"]
        (x,) = h["hits"]
        assert x["judge"] == "pii" and x["category"] == "S7" and x["rule"] == "card"
        assert raw[line - 1][x["begin"]:x["end"]].decode() == digits
    # Classifier: the judge, the category and a score at or above the threshold, no span.
    h = by_line[2]
    assert h["judges"] == ["classifier"] and h["categories"] == ["S2"]
    (x,) = h["hits"]
    assert x["judge"] == "classifier" and x["category"] == "S2" and 0.6 <= x["score"] <= 1
    assert "begin" not in x
    # Keyword: as before, with the judge named.
    h = by_line[3]
    assert h["judges"] == ["keyword"]
    assert h["hits"] == [{"judge": "keyword", "category": "S9", "keyword": "kw-1", "begin": 26, "end": 35}]

    # One thread gives the same results.
    scan(jproject, "-j", "1", out="s1.json", hits="h1.jsonl")
    assert without_run(json.loads((jproject / "s1.json").read_text())) == without_run(s)
    assert (jproject / "h1.jsonl").read_bytes() == (jproject / "h.jsonl").read_bytes()


def test_filter_drops_what_any_judge_flags(jproject):
    p = run(["corpus", "filter", "--policy", "policy.yaml", "--source", "a=data/a.jsonl", "-o", "clean"],
            jproject)
    kept = [d["text"] for d in read_jsonl(jproject / "clean" / "data" / "a.jsonl")]
    assert kept == [CLEAN, NEAR_CARD]
    man = read_jsonl(jproject / "clean" / "manifest.jsonl")
    assert man[0]["schema"] == "safegate.corpus.filter/2"
    assert [(m["line"], m["judges"]) for m in man[1:]] == [
        (1, ["pii"]), (2, ["classifier"]), (3, ["keyword"]), (5, ["pii"])]
    assert "removed" in p.stdout and "classifier" in p.stdout.splitlines()[0]


def test_sample_prelabels_with_the_same_decision(jproject):
    run(["corpus", "sample", "--policy", "policy.yaml", "--source", "a=data/a.jsonl", "-n", "10",
         "--seed", "1", "-o", "sample.jsonl"], jproject)
    recs = read_jsonl(jproject / "sample.jsonl")
    assert recs[0]["schema"] == "safegate.corpus.sample/2"
    assert recs[0]["sources"][0]["machine_flagged"] == 4
    assert recs[0]["sources"][0]["machine_judges"] == {"keyword": 1, "pii": 2, "classifier": 1}
    by_text = {r["text"]: r["machine"] for r in recs[1:]}
    assert by_text[CLASSIFIED]["flagged"] and by_text[CLASSIFIED]["judges"] == ["classifier"]
    assert by_text[PII_FULLWIDTH]["judges"] == ["pii"]
    assert not by_text[CLEAN]["flagged"] and not by_text[NEAR_CARD]["flagged"]
    # The audit reads the new sample (machine labels from all judges).
    p = run(["corpus", "audit", "--policy", "policy.yaml", "--sample", "sample.jsonl", "--json", "audit.json"],
            jproject, check=False)
    assert p.returncode in (0, 1), p.stderr
    # The reviewers' file says which judge flagged each document (JSONL and CSV).
    run(["corpus", "label", "export", "--sample", "sample.jsonl", "-o", "review.jsonl"], jproject)
    exported = {r["text"]: r for r in read_jsonl(jproject / "review.jsonl")}
    assert exported[PII_FULLWIDTH]["machine_judges"] == ["pii"]
    assert exported[PII_FULLWIDTH]["machine_keywords"] == []
    assert exported[CLASSIFIED]["machine_judges"] == ["classifier"]
    assert exported[CLEAN]["machine_judges"] == []
    run(["corpus", "label", "export", "--sample", "sample.jsonl", "-o", "review.csv"], jproject)
    import csv
    with open(jproject / "review.csv", newline="", encoding="utf-8") as f:
        rows = {r["text"]: r for r in csv.DictReader(f)}
    assert rows[CLASSIFIED]["machine_judges"] == "classifier"


def test_resume_after_kill_gives_the_same_summary(jproject):
    write_jsonl(jproject / "big" / "c.jsonl",
                [[PII_ASCII, CLASSIFIED, KEYWORD, CLEAN][i % 4] + f" x{i}" for i in range(20000)])
    args = ["corpus", "scan", "--policy", "policy.yaml", "--source", "c=big/c.jsonl", "--unit-mb", "0.1",
            "-j", "2", "-o", "r.json", "--hits", "r.jsonl"]
    p = run(args, jproject, env={"SAFEGATE_CHECKPOINT_SECONDS": "0", "SAFEGATE_TEST_KILL_AFTER_UNITS": "3"},
            check=False)
    assert p.returncode == -9
    assert (jproject / "r.json.checkpoint").exists() and not (jproject / "r.json").exists()
    p = run(args, jproject)
    assert "resumed after" in p.stderr
    run(args[:-6] + ["-j", "1", "-o", "f.json", "--hits", "f.jsonl"], jproject)
    r = json.loads((jproject / "r.json").read_text())
    assert without_run(r) == without_run(json.loads((jproject / "f.json").read_text()))
    assert r["sources"][0]["judges"] == {"keyword": 5000, "pii": 5000, "classifier": 5000}
    assert (jproject / "r.jsonl").read_bytes() == (jproject / "f.jsonl").read_bytes()


def test_policy_without_judges_section_scans_keywords_only(jproject):
    # Existing policies keep their results: no `judges:` = the keyword banks alone.
    (jproject / "kw.yaml").write_text(
        "schema: safegate.policy/1\nid: kw\nversion: \"1\"\nprofile: baseline\nkeyword_banks: [bank.csv]\n",
        encoding="utf-8")
    p = run(["corpus", "scan", "--policy", "kw.yaml", "--source", "a=data/a.jsonl", "-o", "k.json"], jproject)
    s = json.loads((jproject / "k.json").read_text())
    assert [j["name"] for j in s["judges"]] == ["keyword"] and s["judges_skipped"] == []
    assert s["sources"][0]["flagged"] == 1 and s["sources"][0]["judges"] == {"keyword": 1}
    assert "note:" not in p.stderr


def test_judges_without_keyword_run_no_keyword_matching(jproject):
    # The judges: list decides: without a keyword entry, a keyword alone flags nothing.
    (jproject / "pii.yaml").write_text(
        "schema: safegate.policy/1\nid: p\nversion: \"1\"\nprofile: baseline\nkeyword_banks: [bank.csv]\n"
        "judges:\n  - {name: pii}\n  - {name: refusal}\n", encoding="utf-8")
    p = run(["corpus", "scan", "--policy", "pii.yaml", "--source", "a=data/a.jsonl", "-o", "p.json"], jproject)
    s = json.loads((jproject / "p.json").read_text())
    assert [j["name"] for j in s["judges"]] == ["pii"]
    assert s["judges_skipped"] == ["judges[1] (refusal): not run on a corpus (it labels answers, not content)"]
    assert "judges[1] (refusal)" in p.stderr
    assert s["sources"][0]["flagged"] == 2 and s["sources"][0]["judges"] == {"pii": 2}
    assert s["sources"][0]["keywords"] == {} and s["sources"][0]["categories"] == {"pii": 2}


def test_missing_model_is_a_located_error_and_writes_nothing(jproject):
    (jproject / "policy.yaml").write_text(
        (jproject / "policy.yaml").read_text().replace("model: scam.sgc", "model: missing.sgc"))
    p = scan(jproject, check=False)
    assert p.returncode == 2
    assert "policy.yaml:11" in p.stderr and "judges[2].model" in p.stderr and "missing.sgc" in p.stderr
    assert not list(jproject.glob("s.json*")) and not list(jproject.glob("h.jsonl*"))
    p = run(["corpus", "filter", "--policy", "policy.yaml", "--source", "a=data/a.jsonl", "-o", "clean"],
            jproject, check=False)
    assert p.returncode == 2 and "judges[2].model" in p.stderr and not (jproject / "clean").exists()


# Lines that a JSON writer must escape or repair: invalid UTF-8 (a lone continuation byte, a cut
# two-byte sequence, an overlong '/', a surrogate), control characters, DEL, U+2028/U+2029,
# quotes and backslashes, emoji; most carry a keyword so the records have hits to write.
HOSTILE_LINES = [
    b"a pipe bomb \xff\xfe in bad bytes",
    b"cut \xc3 then pipe bomb",
    b"overlong \xc0\xaf and \xed\xa0\x80 surrogate, pipe bomb",
    b"ctl \x01\x02\x1f\x7f tab\there pipe bomb",
    "line\u2028sep\u2029para pipe bomb".encode(),
    b'quote " and backslash \\ and \\u0041 pipe bomb',
    "emoji \U0001F4A3 炸弹 and нанять киллера".encode(),
    b"clean text with nothing to find",
    "clean \u00e9t\u00e9 \U0001F600 too".encode(),
]


def test_keyword_only_records_equal_the_general_writer_on_hostile_text(tmp_path):
    """corpus sample and corpus scan --hits write their records by hand when only keyword banks
    judge, and through the JSON library when any other judge runs. With a second judge that flags
    nothing (pii, on texts without personal data), both must write the same bytes, on file names
    and texts that need escaping and on bytes that are not UTF-8."""
    (tmp_path / "bank.csv").write_text(BANK, encoding="utf-8")
    head = "schema: safegate.policy/1\nid: jp\nversion: \"1\"\nprofile: baseline\nkeyword_banks: [bank.csv]\n"
    (tmp_path / "kw.yaml").write_text(head, encoding="utf-8")
    (tmp_path / "both.yaml").write_text(head + "judges:\n  - name: keyword\n  - name: pii\n    category: S7\n",
                                        encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    name = 'd\u00e9j\u00e0 "vu" \\ \u2028.txt'
    (data / name).write_bytes(b"\n".join(HOSTILE_LINES * 3) + b"\n")
    src = ["--format", "lines", "--source", "s\u00e9=data"]
    outs = {}
    for pol in ("kw", "both"):
        run(["corpus", "sample", "--policy", f"{pol}.yaml", *src, "-n", "100", "--seed", "5",
             "-o", f"{pol}-sample.jsonl"], tmp_path)
        run(["corpus", "scan", "--policy", f"{pol}.yaml", *src, "-o", f"{pol}-scan.json",
             "--hits", f"{pol}-hits.jsonl"], tmp_path)
        outs[pol] = [(tmp_path / f"{pol}-{f}.jsonl").read_bytes().split(b"\n")[1:] for f in ("sample", "hits")]
    kw_sample, kw_hits = outs["kw"]
    both_sample, both_hits = outs["both"]
    recs = [json.loads(r) for r in kw_sample if r]
    # The test has teeth: every line was sampled, keywords were found, the pii judge found
    # nothing, and the writers had escapes and repairs to make.
    assert len(recs) == 3 * len(HOSTILE_LINES)
    assert sum(1 for r in recs if r["machine"]["hits"]) == 3 * 7
    assert all(r["machine"]["judges"] in ([], ["keyword"]) for r in recs)
    assert recs[0]["file"] == "data/" + name and recs[0]["source"] == "s\u00e9"
    assert any("\ufffd" in r["text"] for r in recs) and any("\u2028" in r["text"] for r in recs)
    assert kw_sample == both_sample
    assert len([h for h in kw_hits if h]) == 3 * 7
    assert kw_hits == both_hits
