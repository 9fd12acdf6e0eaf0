#!/usr/bin/python3
"""Reviewer page at scale: fills a SQLite serve database with N review items
(default 1,000,000; 90% decided, 10% open, three sources, 13 categories), starts
`safegate serve` on loopback and times the page's queue fetches (keyset
pagination), claim-next and the dashboard through HTTP with a logged-in session.

  /usr/bin/python3 bench/web/queue_page.py --bin build/apps/cli/safegate [--items 1000000]

Writes bench/results/<date>-web-queue-<N>.json and .md.
"""
import argparse
import datetime
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "build/apps/cli/safegate"))
    ap.add_argument("--items", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--out", default=str(ROOT / "bench/results"))
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sg-web-bench-"))
    db = work / "serve.db"
    policy = ROOT / "examples/demo/policy.yaml"
    env = dict(os.environ, SAFEGATE_CACHE_DIR=str(work / ".cache"))
    subprocess.run([a.bin, "serve", "users", "add", "bench", "--role", "reviewer", "--db", f"sqlite:{db}"],
                   input="bench-password-1\n", text=True, check=True, env=env, capture_output=True)

    t0 = time.time()
    rng = random.Random(7)
    now = int(time.time())
    start = now - 30 * 86400
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    cats = [f"S{i}" for i in range(1, 14)]

    def rows():
        for i in range(a.items):
            created = start + (i * 30 * 86400) // a.items
            mid = f"msg_{i:012x}"
            kind = "report" if i % 10 == 0 else "flag"
            decided = i < a.items * 0.9
            cat = json.dumps([cats[rng.randrange(13)]])
            if decided:
                handling = rng.randint(30, 600)
                at = created + rng.randint(60, 5400)
                yield (kind, "decided", mid, f"conv_{i // 2:012x}", f"user{i % 5000}", cat, "bench",
                       "some flagged text " + str(i), created, "rev" + str(i % 40), at - handling, at,
                       "remove" if i % 3 == 0 else "allow", "rev" + str(i % 40), at)
            else:
                yield (kind, "open", mid, f"conv_{i // 2:012x}", f"user{i % 5000}", cat, "bench",
                       "some flagged text " + str(i), created, "", 0, 0, "", "", 0)

    def messages():
        for i in range(a.items):
            yield (f"msg_{i:012x}", f"conv_{i // 2:012x}", i % 2, "user" if i % 2 == 0 else "assistant",
                   "text", "blocked", start + (i * 30 * 86400) // a.items)

    with con:
        con.executemany("INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at) "
                        "VALUES (?,?,?,?,?,?,?)", messages())
        con.executemany(
            "INSERT INTO review_queue (kind, status, message_id, conversation_id, user_id, categories, reason, "
            "excerpt, created_at, claimed_by, claimed_at, claim_expires, decision, decided_by, decided_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows())
    con.close()
    fill_s = time.time() - t0

    log = open(work / "serve.log", "w")
    proc = subprocess.Popen([a.bin, "serve", "--policy", str(policy), "--db", f"sqlite:{db}", "--listen",
                             "127.0.0.1:0", "--port-file", str(work / "port"), "--no-keys"],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        while not (work / "port").exists():
            if proc.poll() is not None:
                sys.exit("serve failed:\n" + (work / "serve.log").read_text())
            time.sleep(0.05)
        base = f"http://localhost:{int((work / 'port').read_text())}"
        req = urllib.request.Request(base + "/ui/api/login", method="POST",
                                     data=json.dumps({"username": "bench", "password": "bench-password-1"}).encode())
        with urllib.request.urlopen(req) as r:
            cookie = r.headers["Set-Cookie"].split(";")[0]
            csrf = json.loads(r.read())["csrf"]

        def get(path, method="GET"):
            h = {"Cookie": cookie}
            if method != "GET":
                h["X-CSRF-Token"] = csrf
            r = urllib.request.Request(base + path, method=method, headers=h, data=b"{}" if method != "GET" else None)
            t = time.perf_counter()
            with urllib.request.urlopen(r) as resp:
                body = resp.read()
            return (time.perf_counter() - t) * 1000, json.loads(body)

        deep = int(a.items * 0.95)
        cases = [
            ("open, first page (50)", "/ui/api/queue?status=open&limit=50"),
            (f"open, page after id {deep}", f"/ui/api/queue?status=open&limit=50&after={deep}"),
            ("any status, page after id 500000", "/ui/api/queue?limit=50&after=500000"),
            ("decided, first page", "/ui/api/queue?status=decided&limit=50"),
            ("open + source=output", "/ui/api/queue?status=open&source=output&limit=50"),
            ("open + category=S7", "/ui/api/queue?status=open&category=S7&limit=50"),
            ("open + waiting >= 60 min", "/ui/api/queue?status=open&min_age_minutes=60&limit=50"),
            ("item view", f"/ui/api/items/{deep + 10}"),
            ("dashboard, 24 h", "/ui/api/dashboard?hours=24"),
            ("dashboard, 7 days", "/ui/api/dashboard?hours=168"),
        ]
        results = []
        for name, path in cases:
            get(path)  # warm
            ms = sorted(get(path)[0] for _ in range(a.reps))
            results.append({"case": name, "path": path, "median_ms": round(statistics.median(ms), 2),
                            "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 2)})
        ms = sorted(get("/ui/api/claim-next", "POST")[0] for _ in range(a.reps))
        results.append({"case": "claim next (POST)", "path": "/ui/api/claim-next",
                        "median_ms": round(statistics.median(ms), 2), "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 2)})
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()

    date = datetime.date.today().isoformat()
    out = {"schema": "safegate.bench.web-queue/1", "date": date, "items": a.items, "open_items": a.items // 10,
           "fill_seconds": round(fill_s, 1), "db_bytes": db.stat().st_size, "reps": a.reps,
           "machine": os.uname().machine + ", " + str(os.cpu_count()) + " cores", "results": results,
           "command": "/usr/bin/python3 bench/web/queue_page.py --items " + str(a.items)}
    outdir = Path(a.out)
    outdir.mkdir(parents=True, exist_ok=True)
    stem = outdir / f"{date}-web-queue-{a.items}"
    stem.with_suffix(".json").write_text(json.dumps(out, indent=2) + "\n")
    md = [f"# Reviewer page at {a.items:,} review items ({date})", "",
          f"SQLite, {a.items // 10:,} open; server and client on the same {os.cpu_count()} cores; "
          f"median and p95 of {a.reps} sequential requests over HTTP with a session cookie.", "",
          f"Command: `{out['command']}` (fill took {fill_s:.0f} s; database {db.stat().st_size / 1e6:.0f} MB)", "",
          "| request | median ms | p95 ms |", "|---|---:|---:|"]
    md += [f"| {r['case']} | {r['median_ms']} | {r['p95_ms']} |" for r in results]
    stem.with_suffix(".md").write_text("\n".join(md) + "\n")
    print("\n".join(md))
    subprocess.run(["rm", "-rf", str(work)])


if __name__ == "__main__":
    main()
