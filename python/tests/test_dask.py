"""safegate.dask on a real distributed.LocalCluster (2 worker processes, 127.0.0.1)."""
import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import safegate
from conftest import HERE, cli, sample_lines, without_run

distributed = pytest.importorskip("distributed")
import safegate.dask  # noqa: E402

import dask_hooks  # noqa: E402


@pytest.fixture(scope="module")
def client():
    # Workers import this package and the hooks through PYTHONPATH.
    paths = [str(Path(safegate.__file__).parent.parent), str(HERE)]
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(paths + ([old] if old else []))
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
    c = distributed.Client(cluster)
    c.wait_for_workers(2)
    yield c
    c.close()
    cluster.close()
    if old is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = old


def test_dask_audit_equals_single_process_and_cli(project, client, monkeypatch):
    monkeypatch.chdir(project)
    opts = dict(seed=9, n=60, unit_mb=0.05)
    one = safegate.audit("safegate.yaml", sample_out="one.jsonl", scan_out="one-scan.json",
                         json="one-audit.json", **opts)
    rep = safegate.dask.audit("safegate.yaml", client=client, sample_out="dask.jsonl",
                              scan_out="dask-scan.json", json="dask-audit.json", shards=5,
                              **opts)
    # Byte for byte apart from the run object (timing, threads, shard) and the paths.
    h1, b1 = sample_lines("one.jsonl")
    h2, b2 = sample_lines("dask.jsonl")
    assert h1 == h2 and b1 == b2
    assert without_run(json.loads(Path("one-scan.json").read_text())) == \
        without_run(json.loads(Path("dask-scan.json").read_text()))
    a = Path("one-audit.json").read_text().replace("one.jsonl", "X").replace("one-scan", "X")
    b = Path("dask-audit.json").read_text().replace("dask.jsonl", "X").replace("dask-scan", "X")
    assert a == b
    assert rep.all_pass == one.all_pass and rep.table.replace("dask", "one") == one.table
    # And the CLI's sample is the same too.
    cli(["corpus", "sample", "-n", "60", "--seed", "9", "--unit-mb", "0.05", "-o", "cli.jsonl"],
        project)
    assert sample_lines("cli.jsonl") == (h2, b2)
    # Tasks ran on both workers; partial results through a shared work_dir.
    r = safegate.dask.scan("safegate.yaml", client=client, summary="s.json", hits="h.jsonl",
                           unit_mb=0.05, shards=6, work_dir=str(project / "parts"))
    assert list((project / "parts").iterdir()) == []
    assert len({s["worker"] for s in r["shards"]}) == 2
    cli(["corpus", "scan", "--unit-mb", "0.05", "-o", "cli.json", "--hits", "cli.jsonl"],
        project)
    assert Path("h.jsonl").read_bytes() == Path("cli.jsonl").read_bytes()


def test_killed_worker_gives_the_same_result(project, client, monkeypatch):
    monkeypatch.chdir(project)
    client.wait_for_workers(2)
    safegate.sample("safegate.yaml", seed=5, n=80, out="one.jsonl", unit_mb=0.05)
    safegate.scan("safegate.yaml", summary="one.json", hits="one-hits.jsonl", unit_mb=0.05)
    for kind, out in (("sample", "dask.jsonl"), ("scan", "dask.json")):
        marker = project / f"killed-{kind}"
        hook = functools.partial(dask_hooks.die_once, str(marker), kind, 2)
        if kind == "sample":
            safegate.dask.sample("safegate.yaml", client=client, seed=5, n=80, out=out,
                                 unit_mb=0.05, shards=6, before_task=hook)
        else:
            safegate.dask.scan("safegate.yaml", client=client, summary=out,
                               hits="dask-hits.jsonl", unit_mb=0.05, shards=6, before_task=hook)
        assert marker.exists(), "the hook did not kill a worker"
    assert sample_lines("one.jsonl") == sample_lines("dask.jsonl")
    assert without_run(json.loads(Path("one.json").read_text())) == \
        without_run(json.loads(Path("dask.json").read_text()))
    assert Path("one-hits.jsonl").read_bytes() == Path("dask-hits.jsonl").read_bytes()


def test_errors_reach_the_client_as_safegate_error(project, client, monkeypatch):
    monkeypatch.chdir(project)
    with pytest.raises(safegate.Error, match="policy.yaml|nope"):
        safegate.dask.scan("safegate.yaml", "nope.yaml", client=client, summary="s.json")
    with open("data/a.jsonl", "a") as f:
        f.write("not json\n")
    with pytest.raises(safegate.Error, match=r"data/a.jsonl:3001:.*strict") as e:
        safegate.dask.scan("safegate.yaml", client=client, summary="s.json", strict=True,
                           shards=2)
    assert e.value.code == "invalid argument"
    assert not Path("s.json").exists()
    with pytest.raises(safegate.Error, match="needs a distributed.Client"):
        safegate.dask.scan("safegate.yaml", client=None, summary="s.json")


def test_command_line(project, client):
    addr = client.scheduler.address
    env = dict(os.environ)
    p = subprocess.run([sys.executable, "-m", "safegate.dask", "audit", "--scheduler", addr,
                        "--seed", "9", "-n", "60", "--unit-mb", "0.05", "--sample", "d.jsonl",
                        "--json", "d.json"], cwd=project, env=env, capture_output=True,
                       text=True, timeout=120)
    all_pass = json.loads((project / "d.json").read_text(encoding="utf-8"))["all_pass"]
    assert p.returncode == (0 if all_pass else 1), p.stderr
    c = cli(["corpus", "sample", "-n", "60", "--seed", "9", "--unit-mb", "0.05", "-o",
             "d.jsonl"], project)
    q = cli(["corpus", "audit", "--sample", "d.jsonl", "--json", "c.json"], project,
            expect=p.returncode)
    assert q.stdout == p.stdout
    assert (project / "c.json").read_bytes() == (project / "d.json").read_bytes()
    p = subprocess.run([sys.executable, "-m", "safegate.dask", "scan", "--scheduler", addr,
                        "--shard", "1"], cwd=project, env=env, capture_output=True, text=True)
    assert p.returncode == 2
    p = subprocess.run([sys.executable, "-m", "safegate.dask", "scan", "--scheduler", addr,
                        "--source", "x=missing.jsonl", "--policy", "policy.yaml", "-o", "x.json"],
                       cwd=project, env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "missing.jsonl" in p.stderr and "does not exist" in p.stderr


def test_command_line_local_cluster(project):
    p = subprocess.run([sys.executable, "-m", "safegate.dask", "scan", "--local-workers", "1",
                        "--unit-mb", "0.05", "-o", "d.json", "--hits", "d.jsonl"], cwd=project,
                       env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "scanned" in p.stderr and "a " in p.stdout
    cli(["corpus", "scan", "--unit-mb", "0.05", "-o", "c.json", "--hits", "c.jsonl"], project)
    assert without_run(json.loads((project / "c.json").read_text())) == \
        without_run(json.loads((project / "d.json").read_text()))
    assert (project / "c.jsonl").read_bytes() == (project / "d.jsonl").read_bytes()
