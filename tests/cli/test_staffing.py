"""`safegate serve staffing`: Erlang C figures through the command line."""
import json

from conftest import run


def test_published_call_centre_example_needs_14(tmp_path):
    # 100 calls per 30 min, 180 s handling, 80% answered within 20 s: 14 agents.
    p = run(["serve", "staffing", "--arrivals-per-hour", 200, "--handling-minutes", 3,
             "--target-share", 0.8, "--target-minutes", 20 / 60, "--kind", "picked-up",
             "--traffic-factor", 2, "--handling-factor", 1.5, "--json"], tmp_path)
    out = json.loads(p.stdout)
    assert out["schema"] == "safegate.staffing/2"
    assert out["target"] == {"share": 0.8, "minutes": 20 / 60, "kind": "picked-up"}
    rows = {r["name"]: r for r in out["scenarios"]}
    assert rows["measured"]["reviewers"] == 14
    assert abs(rows["measured"]["service_level"] - 0.8884) < 5e-4
    # Twice the traffic and longer handling need more reviewers, never fewer.
    assert rows["traffic x2"]["reviewers"] > 14
    assert rows["handling x1.5"]["reviewers"] > 14


def test_table_and_impossible_target(tmp_path):
    p = run(["serve", "staffing", "--arrivals-per-hour", 120, "--handling-minutes", 4], tmp_path)
    assert "95% of flags decided within 30 min" in p.stdout
    assert "measured" in p.stdout and "traffic x2" in p.stdout
    bad = run(["serve", "staffing", "--arrivals-per-hour", 120, "--handling-minutes", 40], tmp_path,
              check=False)
    assert bad.returncode == 2
    assert "handling alone takes longer" in bad.stderr
