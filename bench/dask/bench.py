#!/usr/bin/python3
"""Dask benchmark: the corpus benchmark's corpus through safegate.dask with 1
and 2 worker processes, against the CLI with 1 and 2 threads.

Run through bench/dask/run.sh (which builds the data if needed). Measures, on
a warm page cache and a warm matcher cache:

  * scan:   `safegate corpus scan -j T` vs `safegate.dask.scan` on W workers
  * sample: `safegate corpus sample -n 1000 -j T` vs `safegate.dask.sample`
  * audit:  sample + scan + verdicts (`corpus sample`, `corpus scan`,
            `corpus audit --scan`) vs `safegate.dask.audit(scan_out=...)`

Dask timings are of jobs on an already running LocalCluster (cluster start is
reported separately, and once end to end through `python3 -m safegate.dask`).
Every Dask result is checked against the CLI's (equal apart from "run").
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path


CPU = [0.0]  # CPU seconds of the last measured command or job


def sh(cmd, env=None):
    """Wall seconds of a command; its CPU seconds (user + sys) go to CPU[0]."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    dt = time.monotonic() - t0
    if p.returncode not in (0, 1):
        raise SystemExit(f"failed ({p.returncode}): {' '.join(map(str, cmd))}\n{err.decode()}")
    CPU[0] = ru.ru_utime + ru.ru_stime
    return dt


def _proc_cpu():
    import resource
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def cluster_cpu(client):
    """CPU seconds used so far by the workers and this process (client + scheduler)."""
    return sum(client.run(_proc_cpu).values()) + _proc_cpu()


def load1():
    return os.getloadavg()[0]


def without_run(path):
    d = json.loads(Path(path).read_text())
    d.pop("run", None)
    return d


def sample_body(path):
    lines = Path(path).read_text().splitlines()
    h = json.loads(lines[0])
    h.pop("run", None)
    return h, lines[1:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--safegate", required=True)
    ap.add_argument("--work", required=True, help="data dir (policy.yaml, LANG.jsonl)")
    ap.add_argument("--out", required=True, help="scratch dir for outputs")
    ap.add_argument("--langs", default="en")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--results", required=True)
    ap.add_argument("--tag", required=True)
    a = ap.parse_args()

    import distributed
    import safegate
    import safegate.dask

    work, out = Path(a.work), Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    os.environ["SAFEGATE_CACHE_DIR"] = str(out / "cache")
    os.environ["SAFEGATE_NO_PROGRESS"] = "1"
    env = dict(os.environ)
    policy = str(work / "policy.yaml")
    rows = []  # {lang, job, engine, parallel, runs: [...], median, mb, mbps, load}
    checks = []

    def record(lang, job, engine, par, times, nbytes, loads, extra="", cpus=()):
        med = statistics.median(times)
        rows.append({"lang": lang, "job": job, "engine": engine, "parallel": par,
                     "runs": [round(t, 3) for t in times], "median": round(med, 3),
                     "cpu_median": round(statistics.median(cpus), 3) if cpus else None,
                     "min": round(min(times), 3), "mb": round(nbytes / 1e6, 1),
                     "mbps": round(nbytes / 1e6 / med, 1),
                     "load1": round(statistics.mean(loads), 2), "note": extra})
        print(f"[bench] {lang} {job:6} {engine:5} x{par}: median {med:.3f}s "
              f"({nbytes / 1e6 / med:.1f} MB/s) runs {[round(t, 2) for t in times]} "
              f"load {statistics.mean(loads):.1f}", file=sys.stderr)

    cluster_start = {}
    for lang in a.langs.split():
        src = str(work / f"{lang}.jsonl")
        nbytes = os.path.getsize(src)
        base = [a.safegate, "corpus"]
        flags = ["--policy", policy, "--source", f"{lang}={src}"]
        o = out / lang
        o.mkdir(exist_ok=True)

        def cli_scan(t, dest):
            return sh(base + ["scan"] + flags + ["-j", str(t), "-q", "-o", str(dest)], env)

        def cli_sample(t, dest):
            return sh(base + ["sample"] + flags + ["-j", str(t), "-n", "1000", "--seed", "1",
                                                   "-o", str(dest)], env)

        def cli_audit(t):
            s = cli_sample(t, o / "cli-a-sample.jsonl")
            c = CPU[0]
            s += cli_scan(t, o / "cli-a-scan.json")
            c += CPU[0]
            s += sh(base + ["audit", "--policy", policy, "--sample",
                            str(o / "cli-a-sample.jsonl"), "--scan", str(o / "cli-a-scan.json"),
                            "--json", str(o / "cli-audit.json")], env)
            CPU[0] += c
            return s

        cli_scan(2, o / "warm.json")  # page cache + matcher cache
        cli_times = {}
        for _ in range(2):  # CLI runs before and after the Dask runs (noise)
            for t in (1, 2):
                for job, fn in (("scan", lambda t=t: cli_scan(t, o / f"cli-scan-{t}.json")),
                                ("sample", lambda t=t: cli_sample(t, o / f"cli-sample-{t}.jsonl")),
                                ("audit", lambda t=t: cli_audit(t))):
                    for _r in range((a.runs + 1) // 2):
                        l0 = load1()
                        dt = fn()
                        cli_times.setdefault((job, t), []).append((dt, l0, CPU[0]))
            if _ == 0:
                for w in (1, 2):
                    t0 = time.monotonic()
                    cluster = distributed.LocalCluster(n_workers=w, threads_per_worker=1,
                                                       processes=True, host="127.0.0.1",
                                                       dashboard_address=None)
                    client = distributed.Client(cluster)
                    cluster_start[w] = round(time.monotonic() - t0, 2)
                    kw = dict(client=client)
                    # Warm-up (workers import safegate, load the matcher cache).
                    safegate.dask.scan([f"{lang}={src}"], policy, summary=o / "dask-warm.json",
                                       **kw)
                    for job in ("scan", "sample", "audit"):
                        times, loads, cpus = [], [], []
                        for _r in range(a.runs):
                            loads.append(load1())
                            c0 = cluster_cpu(client)
                            t1 = time.monotonic()
                            if job == "scan":
                                r = safegate.dask.scan([f"{lang}={src}"], policy,
                                                       summary=o / f"dask-scan-{w}.json", **kw)
                                nshards = len(r["shards"])
                            elif job == "sample":
                                safegate.dask.sample([f"{lang}={src}"], policy, seed=1, n=1000,
                                                     out=o / f"dask-sample-{w}.jsonl", **kw)
                            else:
                                safegate.dask.audit([f"{lang}={src}"], policy, seed=1, n=1000,
                                                    sample_out=o / "dask-a-sample.jsonl",
                                                    scan_out=o / "dask-a-scan.json",
                                                    json=o / "dask-audit.json", **kw)
                            times.append(time.monotonic() - t1)
                            cpus.append(cluster_cpu(client) - c0)
                        record(lang, job, "dask", w, times, nbytes, loads,
                               f"{nshards} shards" if job == "scan" else "", cpus)
                    client.close()
                    cluster.close()
        for (job, t), v in sorted(cli_times.items()):
            record(lang, job, "cli", t, [x[0] for x in v], nbytes, [x[1] for x in v],
                   cpus=[x[2] for x in v])
        # Equal results.
        ok = (without_run(o / "cli-scan-1.json") == without_run(o / "dask-scan-1.json")
              == without_run(o / "dask-scan-2.json") == without_run(o / "cli-scan-2.json"))
        ok = ok and sample_body(o / "cli-sample-1.jsonl") == sample_body(o / "dask-sample-2.jsonl")
        a1 = (o / "cli-audit.json").read_text().replace("cli-a-", "X-")
        a2 = (o / "dask-audit.json").read_text().replace("dask-a-", "X-")
        ok = ok and a1 == a2
        checks.append({"lang": lang, "dask_equals_cli": ok})
        # End to end through the command-line form (cluster start included), once.
        t1 = time.monotonic()
        subprocess.run([sys.executable, "-m", "safegate.dask", "scan", "--local-workers", "2",
                        "--policy", policy, "--source", f"{lang}={src}", "-o",
                        str(o / "e2e.json")], env=env, check=True, capture_output=True)
        e2e = time.monotonic() - t1
        rows.append({"lang": lang, "job": "scan", "engine": "python3 -m safegate.dask "
                     "--local-workers 2 (end to end)", "parallel": 2, "runs": [round(e2e, 3)],
                     "median": round(e2e, 3), "min": round(e2e, 3), "mb": round(nbytes / 1e6, 1),
                     "mbps": round(nbytes / 1e6 / e2e, 1), "load1": round(load1(), 2),
                     "note": "includes starting and stopping the cluster"})

    # Ratios.
    def med(lang, job, engine, par, key="median"):
        for r in rows:
            if (r["lang"], r["job"], r["engine"], r["parallel"]) == (lang, job, engine, par):
                return r[key]
        return None

    ratios = []
    for lang in a.langs.split():
        for job in ("scan", "sample", "audit"):
            d1, d2 = med(lang, job, "dask", 1), med(lang, job, "dask", 2)
            c1, c2 = med(lang, job, "cli", 1), med(lang, job, "cli", 2)
            ratios.append({"lang": lang, "job": job,
                           "dask1_over_cli1": round(d1 / c1, 2),
                           "dask2_over_cli2": round(d2 / c2, 2),
                           "overhead1_s": round(d1 - c1, 3), "overhead2_s": round(d2 - c2, 3),
                           "cli_speedup_2_over_1": round(c1 / c2, 2),
                           "dask_speedup_2_over_1": round(d1 / d2, 2),
                           "cpu_dask1_over_cli1": round(med(lang, job, "dask", 1, "cpu_median")
                                                        / med(lang, job, "cli", 1, "cpu_median"), 2),
                           "cpu_dask2_over_cli2": round(med(lang, job, "dask", 2, "cpu_median")
                                                        / med(lang, job, "cli", 2, "cpu_median"), 2)})

    now = datetime.datetime.now(datetime.timezone.utc)
    meta = {
        "date": now.strftime("%Y-%m-%d %H:%M UTC"), "tag": a.tag,
        "host": platform.node(), "cpus": os.cpu_count(),
        "python": platform.python_version(), "dask": __import__("dask").__version__,
        "distributed": distributed.__version__, "safegate": safegate.version(),
        "cluster_start_s": cluster_start, "runs": a.runs,
    }
    res = Path(a.results)
    res.mkdir(parents=True, exist_ok=True)
    stem = res / f"{now.strftime('%Y-%m-%d')}-dask-{a.tag}"
    Path(f"{stem}.json").write_text(json.dumps({"meta": meta, "rows": rows, "ratios": ratios,
                                                "checks": checks}, indent=2) + "\n")
    md = [f"# Dask benchmark, {meta['date']}", "",
          "Generated by `bench/dask/run.sh` (see bench/dask/README.md). The corpus benchmark's "
          "JSONL corpus, 10,000 keywords; warm page cache and warm matcher cache. Dask: "
          "`LocalCluster(n_workers=W, threads_per_worker=1, processes=True)` on 127.0.0.1, "
          "jobs timed on the running cluster (default shards: 4 per worker); CLI: `safegate "
          "corpus ... -j T`. Median of the runs; MB/s = JSONL bytes / median.", "",
          f"- host {meta['host']}, {meta['cpus']} cores (shared with other work: load1 column), "
          f"Python {meta['python']}, dask {meta['dask']}, distributed {meta['distributed']}, "
          f"safegate {meta['safegate']}",
          f"- cluster start: {cluster_start} s (workers -> seconds)",
          f"- results equal (Dask vs CLI, apart from \"run\"): {checks}", "",
          "CPU s: user + sys of the CLI process; for Dask, of the worker processes plus the "
          "client process (which also runs the LocalCluster's scheduler). CPU time is less "
          "sensitive than wall time to other work on the machine.", "",
          "| lang | job | engine | workers/threads | median s | runs | MB/s | CPU s | load1 | "
          "note |",
          "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        md.append(f"| {r['lang']} | {r['job']} | {r['engine']} | {r['parallel']} | "
                  f"{r['median']} | {r['runs']} | {r['mbps']} | {r.get('cpu_median') or ''} | "
                  f"{r['load1']} | {r['note']} |")
    md += ["", "## Ratios", "",
           "| lang | job | dask 1 worker / CLI -j1 | dask 2 workers / CLI -j2 | overhead 1 (s) | "
           "overhead 2 (s) | CLI speed-up 2/1 | Dask speed-up 2/1 | CPU Dask 1 / CLI 1 | "
           "CPU Dask 2 / CLI 2 |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for r in ratios:
        md.append(f"| {r['lang']} | {r['job']} | {r['dask1_over_cli1']} | {r['dask2_over_cli2']} "
                  f"| {r['overhead1_s']} | {r['overhead2_s']} | {r['cli_speedup_2_over_1']} | "
                  f"{r['dask_speedup_2_over_1']} | {r['cpu_dask1_over_cli1']} | "
                  f"{r['cpu_dask2_over_cli2']} |")
    Path(f"{stem}.md").write_text("\n".join(md) + "\n")
    print(f"[bench] wrote {stem}.md and .json", file=sys.stderr)


if __name__ == "__main__":
    main()
