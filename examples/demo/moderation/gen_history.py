#!/usr/bin/env python3
"""Writes a week of review-queue history into a `safegate serve` database.

The demo's moderation figures come from this history: flags and user reports
arriving at random (Poisson, seeded) from 2026-11-20 to 2026-11-26, worked by
a team of reviewers in arrival order (each decision takes an exponentially
distributed time), with every action in the hash-chained audit log exactly as
the service writes it (src/moderation/store.cc, AuditHash). Items still being
worked at the end of the window stay open: the backlog.

usage: gen_history.py DB_PATH [--seed N] [--per-hour X] [--handling-minutes M]
                              [--reviewers R]
The database must exist with the current schema (`safegate serve migrate`).
"""
import argparse
import hashlib
import heapq
import json
import random
import sqlite3

START = 1795132800  # 2026-11-20T00:00:00Z
END = START + 7 * 86400  # 2026-11-27T00:00:00Z
CATEGORIES = ["S1", "S2", "S7", "S9", "S10", "S11"]


def audit_hash(seq, ts, actor, action, subject, detail, prev):
    buf = ""
    for field in (str(seq), str(ts), actor, action, subject, detail, prev):
        buf += "%d:%s" % (len(field.encode()), field)
    return hashlib.sha256(buf.encode()).hexdigest()


def detail(**fields):
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--per-hour", type=float, default=9.0)
    ap.add_argument("--handling-minutes", type=float, default=7.0)
    ap.add_argument("--reviewers", type=int, default=3)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    con = sqlite3.connect(a.db)
    if con.execute("SELECT COUNT(*) FROM review_queue").fetchone()[0]:
        raise SystemExit(a.db + ": the review queue is not empty")
    seq, prev = con.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
    log = []

    def audit(ts, actor, action, subject, det):
        nonlocal seq, prev
        seq += 1
        h = audit_hash(seq, ts, actor, action, subject, det, prev)
        log.append((seq, ts, actor, action, subject, det, prev, h))
        prev = h

    # Arrivals.
    items = []
    t = float(START)
    while True:
        t += rng.expovariate(a.per_hour / 3600.0)
        if t >= END - 120:
            break
        kind = "report" if rng.random() < 0.15 else "flag"
        items.append({"created": int(t), "kind": kind, "cat": rng.choice(CATEGORIES)})
    # Reviewers work the queue in arrival order.
    free = [(START, "reviewer-%d" % (i + 1)) for i in range(a.reviewers)]
    heapq.heapify(free)
    events = []
    for i, it in enumerate(items):
        at, who = heapq.heappop(free)
        start = max(at, it["created"])
        done = start + int(rng.expovariate(1.0 / (a.handling_minutes * 60))) + 30
        it.update(id=i + 1, claimed=start, decided=done, by=who,
                  decision="remove" if rng.random() < 0.6 else "allow")
        heapq.heappush(free, (done, who))
    rows = []
    for it in items:
        status = "decided" if it["decided"] < END else ("claimed" if it["claimed"] < END else "open")
        excerpt = "(demo history item %d)" % it["id"]
        rows.append((it["id"], it["kind"], status, "msg-%05d" % it["id"], "conv-%05d" % it["id"],
                     "user-%03d" % rng.randrange(200), json.dumps([it["cat"]]),
                     "assistant blocked" if it["kind"] == "flag" else "user report", excerpt,
                     it["created"], it["by"] if status != "open" else "",
                     it["claimed"] if status != "open" else 0,
                     it["claimed"] + 900 if status != "open" else 0,
                     it["decision"] if status == "decided" else "",
                     "demo decision" if status == "decided" else "",
                     it["by"] if status == "decided" else "",
                     it["decided"] if status == "decided" else 0))
        events.append((it["created"], 0, "system", "queue.add", it,
                       detail(kind=it["kind"], message="msg-%05d" % it["id"])))
        if status != "open":
            events.append((it["claimed"], 1, it["by"], "queue.claim", it,
                           detail(until=str(it["claimed"] + 900))))
        if status == "decided":
            events.append((it["decided"], 2, it["by"], "queue.decide", it,
                           detail(decision=it["decision"], reason="demo decision",
                                  message="msg-%05d" % it["id"])))
    for ts, _, actor, action, it, det in sorted(events, key=lambda e: (e[0], e[1], e[4]["id"])):
        audit(ts, actor, action, str(it["id"]), det)
    with con:
        con.executemany(
            "INSERT INTO review_queue (id, kind, status, message_id, conversation_id, user_id, "
            "categories, reason, excerpt, created_at, claimed_by, claimed_at, claim_expires, "
            "decision, decision_reason, decided_by, decided_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        con.executemany("INSERT INTO audit_log (seq, ts, actor, action, subject, detail, "
                        "prev_hash, hash) VALUES (?,?,?,?,?,?,?,?)", log)
        con.execute("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (seq, prev))
    print("%s: %d review items, %d audit rows" % (a.db, len(rows), len(log)))


if __name__ == "__main__":
    main()
