"""safegate eval relabel: re-judge stored answers without asking the model again."""
import json
from pathlib import Path

import pytest

from conftest import BANK, POLICY, run
from test_eval import Server, small_profile, write_bank


def test_relabel_after_a_keyword_is_added(tmp_path):
    p = tmp_path
    (p / "bank.csv").write_text(BANK, encoding="utf-8")
    (p / "policy.yaml").write_text(POLICY, encoding="utf-8")
    small_profile(p / "profile.yaml")
    # The mock model echoes the question: three answers mention a detonator.
    with_word = {"g2", "g5", "g7"}
    gen = [(f"g{i}", "S9", "en", f"question {i}" + (" about a detonator" if f"g{i}" in with_word else ""))
           for i in range(10)]
    write_bank(p / "gen.csv", gen)
    write_bank(p / "refuse.csv", [(f"r{i}", "S1", "en", f"[[refuse]] bad {i}") for i in range(10)])
    write_bank(p / "answer.csv", [(f"a{i}", "S2", "en", f"fine {i}") for i in range(10)])
    server = Server(p / "server.log")
    try:
        run(["eval", "run", "--policy", "policy.yaml", "--profile", "profile.yaml",
             "--bank", "generated=gen.csv", "--bank", "should_refuse=refuse.csv",
             "--bank", "should_answer=answer.csv", "--base-url", server.url, "--model", "m",
             "--run-id", "r1"], cwd=p)
        sent = server.log.read_text()
        assert len(server.requests()) == 30

        def machine_labels():
            run(["eval", "review", "export", "r1", "-o", "rev.jsonl", "--policy", "policy.yaml"], cwd=p)
            rows = [json.loads(l) for l in (p / "rev.jsonl").read_text().splitlines()]
            return {(r["bank"], r["item_id"]): r["machine_label"] for r in rows}

        before = machine_labels()
        assert all(v != "unqualified" for (b, _), v in before.items() if b == "generated")
        # The bank gains a keyword; relabel re-judges the stored answers.
        (p / "bank.csv").write_text(BANK + "kw-9,S9,en,literal,true,detonator\n", encoding="utf-8")
        r = run(["eval", "relabel", "r1", "--policy", "policy.yaml"], cwd=p)
        assert "label set 1" in r.stdout and "3 changed" in r.stdout
        after = machine_labels()
        changed = {k for k in before if before[k] != after[k]}
        assert changed == {("generated", i) for i in with_word}
        assert all(after[("generated", i)] == "unqualified" for i in with_word)
        # Nothing was sent to the model.
        assert server.log.read_text() == sent
        # The report reads the newest set and says so; set 0 is still there.
        run(["eval", "report", "r1", "--policy", "policy.yaml", "--profile", "profile.yaml",
             "--json", "new.json", "-q"], cwd=p, check=False)
        new = json.loads((p / "new.json").read_text())
        assert new["label_set"]["id"] == 1
        assert new["banks"][0]["overall"]["k"] == 7
        run(["eval", "report", "r1", "--policy", "policy.yaml", "--profile", "profile.yaml",
             "--label-set", "0", "--json", "old.json", "-q"], cwd=p, check=False)
        old = json.loads((p / "old.json").read_text())
        assert old["label_set"]["id"] == 0 and old["banks"][0]["overall"]["k"] == 10
        # A second relabel with the same judges changes nothing and adds set 2.
        r = run(["eval", "relabel", "r1", "--policy", "policy.yaml"], cwd=p)
        assert "label set 2" in r.stdout and "0 changed" in r.stdout
        r = run(["eval", "relabel", "nope", "--policy", "policy.yaml"], cwd=p, check=False)
        assert r.returncode == 2
    finally:
        server.stop()
