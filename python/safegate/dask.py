"""safegate on a Dask cluster: corpus scans, samples and audits past one machine.

    from distributed import Client
    import safegate.dask
    client = Client("tcp://scheduler:8786")
    rep = safegate.dask.audit("safegate.yaml", client=client, seed=7, n=400,
                              sample_out="sample.jsonl", json="audit.json")

The corpus is cut into N shards (unit i belongs to shard i mod N, as the
CLI's ``--shard i/N``); each shard is one Dask task that runs the same
library code as ``safegate corpus scan/sample --shard i/N`` on a worker, and
the client merges the partial results with ``corpus merge``'s code. Since
sample keys never depend on the split and counts add up, the merged result is
the one a single run writes with the same seed (apart from its "run" object).

Failures: a task whose worker dies is rescheduled by the Dask scheduler
(``distributed.scheduler.allowed-failures`` times); ``retries`` additionally
retries tasks that raised. Each shard's result is taken once (by shard
index), and the merge refuses missing or duplicate shards, so a shard never
counts twice.

Workers need the corpus and policy at the same paths as the client (a shared
file system) and this package on their PYTHONPATH. Partial results travel
back through Dask (small for summaries and samples); for large hits files give
``work_dir`` on a shared file system instead.

Command line: ``python3 -m safegate.dask {scan,sample,audit} --scheduler ADDR``
(or ``--local-workers N`` for a cluster on this machine); see ``--help``.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from typing import Any, Callable, Dict, List, Optional

import safegate
from safegate import AuditReport, Corpus, Error

__all__ = ["scan", "sample", "audit", "default_shards", "main"]

# ---- worker side --------------------------------------------------------------

_STATE: Dict[str, Any] = {}
_STATE_ORDER: List[str] = []
_STATE_LOCK = threading.Lock()


def _worker_state(c: Corpus, token: str):
    """(policy, matcher, plan) of a job, loaded once per worker process."""
    with _STATE_LOCK:
        st = _STATE.get(token)
        if st is None:
            pol = c.load_policy()
            st = (pol, c.compile_matcher(pol), c.plan())
            _STATE[token] = st
            _STATE_ORDER.append(token)
            while len(_STATE_ORDER) > 2:
                _STATE.pop(_STATE_ORDER.pop(0), None)
        return st


def _run_shard(kind: str, c: Corpus, index: int, count: int, params: Dict[str, Any], token: str,
               fingerprint: str, work_dir: Optional[str],
               before_task: Optional[Callable[[str, int, int], None]]) -> Dict[str, Any]:
    """One shard of a scan or sample on a worker: the partial result files,
    as bytes (or as paths under work_dir)."""
    if before_task is not None:
        before_task(kind, index, count)
    pol, matcher, plan = _worker_state(c, token)
    if plan.fingerprint != fingerprint:
        raise Error(f"worker {os.uname().nodename}: the corpus differs from the client's "
                    f"(fingerprint {plan.fingerprint}, expected {fingerprint}); workers need "
                    "the same files at the same paths")
    shard = f"{index + 1}/{count}"
    if work_dir is not None:
        out_dir = os.path.join(work_dir, f"safegate-{token}")
        os.makedirs(out_dir, exist_ok=True)
    else:
        out_dir = tempfile.mkdtemp(prefix="safegate-shard-")
    names = {}
    try:
        t0 = time.monotonic()
        if kind == "scan":
            names["summary"] = os.path.join(out_dir, f"scan-{index + 1}-of-{count}.json")
            if params.get("hits"):
                names["hits"] = os.path.join(out_dir, f"hits-{index + 1}-of-{count}.jsonl")
            safegate._core.run_scan(plan, pol, matcher, summary=names["summary"],
                                    hits=names.get("hits", ""), shard=shard,
                                    threads=params["threads"], strict=c.strict,
                                    max_doc_mb=c.max_doc_mb, resume=False,
                                    max_ratio=c.max_ratio)
        elif kind == "sample":
            names["sample"] = os.path.join(out_dir, f"sample-{index + 1}-of-{count}.jsonl")
            safegate._core.run_sample(plan, pol, matcher, params["seed"], n=params["n"],
                                      fraction=params["fraction"], out=names["sample"],
                                      shard=shard, threads=params["threads"], strict=c.strict,
                                      max_doc_mb=c.max_doc_mb, max_ratio=c.max_ratio)
        else:
            raise Error(f"unknown job kind {kind!r}")
        seconds = time.monotonic() - t0
        if work_dir is not None:
            files = {k: ("path", v) for k, v in names.items()}
        else:
            files = {}
            for k, v in names.items():
                with open(v, "rb") as f:
                    files[k] = ("bytes", f.read())
        return {"shard": index, "count": count, "files": files, "seconds": seconds,
                "worker": f"{os.uname().nodename}:{os.getpid()}"}
    finally:
        if work_dir is None:
            shutil.rmtree(out_dir, ignore_errors=True)


# ---- client side --------------------------------------------------------------

def _total_threads(client) -> int:
    try:
        return max(1, sum(client.nthreads().values()))
    except Exception:  # noqa: BLE001 (a client without workers yet)
        return 1


def default_shards(units: int, threads: int) -> int:
    """Shards for a plan of `units` on `threads` worker threads: a few per
    thread for balance, never more than units."""
    return max(1, min(units, 4 * max(1, threads)))


def _as_corpus(sources, policy, options) -> Corpus:
    return safegate._as_corpus(sources, policy, options)


def _map_shards(client, kind: str, c: Corpus, params: Dict[str, Any], shards: Optional[int],
                work_dir: Optional[str], retries: int, before_task, progress: bool
                ) -> List[Dict[str, Any]]:
    if client is None:
        raise Error("safegate.dask needs a distributed.Client (client=...)")
    c.load_policy()  # bad policies fail here, before any task runs
    plan = c.plan()
    count = int(shards) if shards else default_shards(plan.units, _total_threads(client))
    if count < 1:
        raise Error(f"shards must be >= 1, got {count}")
    token = uuid.uuid4().hex[:16]
    keys = [f"safegate-{kind}-{i + 1}-of-{count}-{token}" for i in range(count)]
    futures = [client.submit(_run_shard, kind, c, i, count, params, token, plan.fingerprint,
                             work_dir, before_task, key=keys[i], pure=False, retries=retries)
               for i in range(count)]
    from distributed import as_completed
    results: Dict[int, Dict[str, Any]] = {}
    show = progress and sys.stderr.isatty() and not os.environ.get("SAFEGATE_NO_PROGRESS")
    try:
        for fut in as_completed(futures):
            try:
                r = fut.result()
            except Error:
                raise
            except Exception as e:  # noqa: BLE001 (KilledWorker, communication errors)
                i = keys.index(fut.key) if fut.key in keys else -1
                raise Error(f"{kind} shard {i + 1}/{count} failed on the cluster: "
                            f"{type(e).__name__}: {e}") from e
            # One result per shard: a duplicate (a task that ran twice) is dropped.
            results.setdefault(r["shard"], r)
            if show:
                sys.stderr.write(f"\rsafegate.dask {kind}: {len(results)}/{count} shards")
                sys.stderr.flush()
    except BaseException:
        client.cancel(futures)
        raise
    finally:
        if show:
            sys.stderr.write("\n")
    missing = sorted(set(range(count)) - set(results))
    if missing:
        raise Error(f"{kind}: shards {[m + 1 for m in missing]} of {count} returned no result")
    return [results[i] for i in range(count)]


def _merge_parts(parts: List[Dict[str, Any]], name: str, out: str) -> str:
    with tempfile.TemporaryDirectory(prefix="safegate-merge-") as tmp:
        paths = []
        for r in parts:
            how, val = r["files"][name]
            if how == "path":
                paths.append(val)
            else:
                p = os.path.join(tmp, f"{name}-{r['shard'] + 1}-of-{r['count']}")
                with open(p, "wb") as f:
                    f.write(val)
                paths.append(p)
        return safegate.merge(paths, out)


def _remove_work_dir(parts: List[Dict[str, Any]]) -> None:
    """Removes a job's directory of partial results under work_dir once merged."""
    dirs = {os.path.dirname(v) for r in parts for how, v in r["files"].values() if how == "path"}
    for d in dirs:
        if os.path.basename(d).startswith("safegate-"):
            shutil.rmtree(d, ignore_errors=True)


def scan(sources, policy=None, *, client, summary, hits=None, shards: Optional[int] = None,
         threads: int = 1, work_dir: Optional[str] = None, retries: int = 0,
         before_task=None, progress: bool = False, **options) -> Dict[str, Any]:
    """``corpus scan`` on the cluster: the merged summary goes to ``summary``
    (and per-document hits to ``hits``), as a single ``safegate corpus scan``
    writes them. ``threads`` per task (Dask runs one task per worker thread).
    ``before_task(kind, shard_index, shard_count)`` runs on the worker before
    each task (instrumentation, tests). Returns the merged summary as a dict
    plus "shards" (per-shard worker and seconds)."""
    c = _as_corpus(sources, policy, options)
    params = {"threads": int(threads), "hits": hits is not None}
    parts = _map_shards(client, "scan", c, params, shards, work_dir, retries, before_task,
                        progress)
    _merge_parts(parts, "summary", os.fspath(summary))
    if hits is not None:
        _merge_parts(parts, "hits", os.fspath(hits))
    _remove_work_dir(parts)
    import json
    with open(os.fspath(summary), encoding="utf-8") as f:
        out = json.load(f)
    out["shards"] = [{"shard": p["shard"] + 1, "worker": p["worker"], "seconds": p["seconds"]}
                     for p in parts]
    return out


def sample(sources, policy=None, *, client, seed: int, out, n: int = 0, fraction: float = 0.0,
           shards: Optional[int] = None, threads: int = 1, work_dir: Optional[str] = None,
           retries: int = 0, before_task=None, progress: bool = False,
           **options) -> Dict[str, Any]:
    """``corpus sample`` on the cluster: the merged sample (the one-run sample
    for this seed) goes to ``out``. Returns its header line as a dict."""
    if n and fraction:
        raise Error("sample: give n or fraction, not both")
    if not n and not (0 < float(fraction or 0) <= 1):
        raise Error("sample: give n (per source) or fraction in (0, 1]")
    if seed is None or int(seed) < 0:
        raise Error("sample: seed must be a non-negative integer")
    c = _as_corpus(sources, policy, options)
    params = {"threads": int(threads), "seed": int(seed), "n": int(n or 0),
              "fraction": float(fraction or 0.0)}
    parts = _map_shards(client, "sample", c, params, shards, work_dir, retries, before_task,
                        progress)
    _merge_parts(parts, "sample", os.fspath(out))
    _remove_work_dir(parts)
    import json
    with open(os.fspath(out), encoding="utf-8") as f:
        return json.loads(f.readline())


def audit(sources, policy=None, *, client, seed: int, sample_out, n: int = 0,
          fraction: float = 0.0, labels=None, scan_summary=None, scan_out=None,
          rule: str = "point", confidence: float = 0.95, json=None,
          shards: Optional[int] = None, threads: int = 1, work_dir: Optional[str] = None,
          retries: int = 0, before_task=None, progress: bool = False,
          **options) -> AuditReport:
    """Sample on the cluster, then audit (``corpus sample`` + ``corpus audit``).

    As :func:`safegate.audit`: the sample goes to ``sample_out``; for the
    machine assessment give an existing ``scan_summary`` or ``scan_out`` (the
    corpus is then also scanned on the cluster). The verdicts are computed on
    the client from the merged files.
    """
    c = _as_corpus(sources, policy, options)
    if scan_out is not None and scan_summary is not None:
        raise Error("give scan_summary or scan_out, not both")
    common = dict(client=client, shards=shards, threads=threads, work_dir=work_dir,
                  retries=retries, before_task=before_task, progress=progress)
    sample(c, seed=seed, out=sample_out, n=n, fraction=fraction, **common)
    if scan_out is not None:
        scan(c, summary=scan_out, **common)
        scan_summary = scan_out
    return safegate.audit_sample(c.policy, sample_out, labels=labels, scan=scan_summary,
                                 rule=rule, confidence=confidence, json=json)


# ---- command line -------------------------------------------------------------

EXIT_OK, EXIT_GATE_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    g = common.add_argument_group("cluster")
    x = g.add_mutually_exclusive_group()
    x.add_argument("--scheduler", metavar="ADDR",
                   help="Dask scheduler address, e.g. tcp://scheduler:8786 "
                        "(default: $DASK_SCHEDULER_ADDRESS)")
    x.add_argument("--local-workers", type=int, metavar="N",
                   help="start a local cluster of N worker processes on 127.0.0.1 instead")
    g.add_argument("--threads-per-worker", type=int, default=1, metavar="T",
                   help="threads of each local worker (default 1)")
    g.add_argument("--shards", type=int, metavar="N",
                   help="number of shards (default: 4 per worker thread, at most the units)")
    g.add_argument("-j", "--threads", type=int, default=1,
                   help="safegate threads inside each task (default 1)")
    g.add_argument("--retries", type=int, default=0,
                   help="retries of a task that raised (worker deaths are always rescheduled)")
    g.add_argument("--work-dir", metavar="DIR",
                   help="shared directory for partial results (default: sent through Dask)")
    c = common.add_argument_group("corpus (as `safegate corpus`)")
    c.add_argument("-P", "--project", help="project file (default: ./safegate.yaml when present)")
    c.add_argument("--policy", help="policy file (overrides the project's)")
    c.add_argument("--source", action="append", default=[], metavar="NAME=PATH[,PATH...]",
                   help="a source; repeatable; overrides the project's sources")
    c.add_argument("--format", default="jsonl", choices=["jsonl", "lines", "files"])
    c.add_argument("--text-field", default="text")
    c.add_argument("--id-field", default="")
    c.add_argument("--strict", action="store_true", help="make the first bad line fatal")
    c.add_argument("--max-doc-mb", type=int, default=16)
    c.add_argument("--max-ratio", type=int, default=None,
                   help="compression-bomb guard, as the CLI's (default: the project's, else 2000)")
    c.add_argument("--unit-mb", type=float, default=32.0)
    c.add_argument("--lenient-banks", action="store_true")
    c.add_argument("--no-cache", action="store_true", help="do not use the matcher cache")

    p = argparse.ArgumentParser(
        prog="python3 -m safegate.dask",
        description="safegate corpus scan/sample/audit on a Dask cluster: shards mapped over "
                    "the workers, partial results merged exactly (same result as one run).",
        epilog="Exit codes: 0 ok, 1 a verdict failed (audit), 2 bad input, 3 internal error.")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("scan", parents=[common], help="scan every document (corpus scan)")
    s.add_argument("-o", "--output", required=True, help="summary JSON")
    s.add_argument("--hits", help="per-document hits JSONL")
    s = sub.add_parser("sample", parents=[common], help="seeded sample per source")
    s.add_argument("-n", type=int, default=0, help="documents per source")
    s.add_argument("--fraction", type=float, default=0.0)
    s.add_argument("--seed", type=int, required=True)
    s.add_argument("-o", "--output", required=True, help="sample JSONL")
    s = sub.add_parser("audit", parents=[common], help="sample, then verdicts (corpus audit)")
    s.add_argument("-n", type=int, default=0, help="documents per source")
    s.add_argument("--fraction", type=float, default=0.0)
    s.add_argument("--seed", type=int, required=True)
    s.add_argument("--sample", required=True, help="where the merged sample JSONL goes")
    s.add_argument("--labels", help="human labels (.csv or .jsonl)")
    g2 = s.add_mutually_exclusive_group()
    g2.add_argument("--scan", help="an existing full scan summary for the machine assessment")
    g2.add_argument("--scan-output", help="also scan the corpus on the cluster; summary here")
    s.add_argument("--rule", default="point", choices=["point", "upper"])
    s.add_argument("--json", help="write the audit JSON here")
    return p


def _corpus_from_args(a) -> Corpus:
    project = a.project
    if not project and not a.source and os.path.exists("safegate.yaml"):
        project = "safegate.yaml"
    opts = dict(unit_mb=a.unit_mb, max_doc_mb=a.max_doc_mb, max_ratio=a.max_ratio, strict=a.strict,
                lenient_banks=a.lenient_banks, cache_dir=False if a.no_cache else None)
    if a.source:
        return safegate.corpus(a.source, a.policy or (
            safegate._core.load_project(project)["policy"] if project else None),
            format=a.format, text_field=a.text_field, id_field=a.id_field, **opts)
    if not project:
        raise Error("no corpus sources: give --source NAME=PATH or a project with corpus.sources")
    return safegate.corpus(project, a.policy, **opts)


def main(argv: Optional[List[str]] = None) -> int:
    a = _parser().parse_args(argv)
    cluster = None
    client = None
    try:
        c = _corpus_from_args(a)
        from distributed import Client, LocalCluster
        if a.local_workers:
            cluster = LocalCluster(n_workers=a.local_workers,
                                   threads_per_worker=a.threads_per_worker, processes=True,
                                   host="127.0.0.1", dashboard_address=None)
            client = Client(cluster)
        else:
            addr = a.scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS")
            if not addr:
                raise Error("no cluster: give --scheduler ADDR or --local-workers N")
            client = Client(addr)
        common = dict(client=client, shards=a.shards, threads=a.threads, work_dir=a.work_dir,
                      retries=a.retries, progress=True)
        t0 = time.monotonic()
        if a.command == "scan":
            r = scan(c, summary=a.output, hits=a.hits, **common)
            bytes_ = sum(s["bytes"] for s in r["sources"])
            dt = time.monotonic() - t0
            for s in r["sources"]:
                print(f"{s['source']:<20} {s['docs']:>10} docs {s['flagged']:>10} flagged "
                      f"{s['bad_lines']:>6} bad")
            print(f"safegate.dask: scanned {bytes_ / 1e6:.1f} MB in {dt:.2f}s "
                  f"({bytes_ / 1e6 / dt if dt > 0 else 0:.1f} MB/s) in {len(r['shards'])} shards",
                  file=sys.stderr)
            return EXIT_OK
        if a.command == "sample":
            h = sample(c, seed=a.seed, out=a.output, n=a.n, fraction=a.fraction, **common)
            print(f"{'source':<20} {'population':>12} {'sampled':>10} {'flagged':>10}")
            for s in h["sources"]:
                print(f"{s['source']:<20} {s['population']:>12} {s['sampled']:>10} "
                      f"{s['machine_flagged']:>10}")
            return EXIT_OK
        rep = audit(c, seed=a.seed, sample_out=a.sample, n=a.n, fraction=a.fraction,
                    labels=a.labels, scan_summary=a.scan, scan_out=a.scan_output, rule=a.rule,
                    json=a.json, **common)
        if a.json != "-":
            sys.stdout.write(rep.table)
        else:
            sys.stdout.write(rep.json)
        return EXIT_OK if rep.all_pass else EXIT_GATE_FAILED
    except Error as e:
        print(f"safegate: error: {e}", file=sys.stderr)
        return EXIT_INTERNAL if getattr(e, "code", "") == "internal error" else EXIT_BAD_INPUT
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


if __name__ == "__main__":
    # Run the package's copy (safegate.dask), not this __main__ copy, so that
    # the task functions pickle by reference.
    from safegate.dask import main as _main
    sys.exit(_main())
