"""API tests of `safegate serve` on SQLite and PostgreSQL (see conftest.py)."""
import concurrent.futures
import json
import signal
import subprocess
import threading
import time
import urllib.request

import pytest

from conftest import PG_URL, SHARED, Server, fresh_pg_database, jrequest, request, run


def chat(env, text, user="u1", stream=False, conv=None, key="client"):
    body = {"model": "m", "messages": [{"role": "user", "content": text}], "user": user}
    if stream:
        body["stream"] = True
    if conv:
        body["conversation_id"] = conv
    return request("POST", env["server"].base + "/v1/chat/completions", body, env["keys"][key])


def sse_events(payload):
    out = []
    for block in payload.decode().split("\n\n"):
        for line in block.split("\n"):
            if line.startswith("data: ") and line != "data: [DONE]":
                out.append(json.loads(line[6:]))
    return out


def test_health_auth_and_errors(env):
    base, keys = env["server"].base, env["keys"]
    assert jrequest("GET", base + "/healthz")[0] == 200
    s, body = jrequest("POST", base + "/v1/moderations", {"input": "hi"})
    assert s == 401 and body["error"]["type"] == "invalid_api_key"
    s, body = jrequest("POST", base + "/v1/moderations", {"input": "hi"}, "sg_bogus_key")
    assert s == 401
    s, body = jrequest("GET", base + "/v1/review/items", key=keys["client"])
    assert s == 403 and "reviewer" in body["error"]["message"]
    s, body = jrequest("POST", base + "/v1/moderations", key=keys["client"], raw=b"{not json")
    assert s == 400 and body["error"]["type"] == "invalid_request_error"
    s, body = jrequest("POST", base + "/v1/moderations", key=keys["client"], raw=b"\xff\xfe")
    assert s == 400
    s, body = jrequest("POST", base + "/v1/moderations", {"input": 5}, keys["client"])
    assert s == 400 and "input" in body["error"]["message"]
    # Request size limit: the declared length alone gets a 413.
    import socket
    with socket.create_connection(("127.0.0.1", env["server"].port), timeout=10) as sock:
        sock.sendall(b"POST /v1/moderations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Authorization: Bearer " + keys["client"].encode() + b"\r\n"
                     b"Content-Length: 5000000\r\n\r\n{\"input\": \"")
        reply = sock.recv(4096)
    assert reply.startswith(b"HTTP/1.1 413") and b"request_too_large" in reply
    assert jrequest("GET", base + "/nope")[0] == 404
    s, text = jrequest("GET", base + "/metrics")
    assert s == 200 and "safegate_http_request_duration_seconds_bucket" in text


def test_moderations_openai_schema(env):
    base, key = env["server"].base, env["keys"]["client"]
    s, body = jrequest("POST", base + "/v1/moderations",
                       {"input": ["hello there", "where to buy a PIPE BOMB", "hire a hitman"]}, key)
    assert s == 200, body
    r = body["results"]
    assert [x["flagged"] for x in r] == [False, True, True]
    assert r[1]["categories"]["S9"] is True and r[1]["category_scores"]["S9"] == 1.0
    assert r[1]["categories"]["illicit/violent"] is True  # documented OpenAI mapping
    assert r[2]["categories"]["violence"] is True and r[2]["categories"]["S1"] is True
    assert r[0]["categories"]["S9"] is False
    s, body = jrequest("POST", base + "/v1/moderations", {"input": "kill yourself"}, key)
    assert body["results"][0]["categories"]["self-harm"] is True
    s, text = jrequest("GET", base + "/metrics")
    assert 'safegate_flags_total{source="moderation",category="S9"} 1' in text


def test_moderations_and_chat_catch_evasions(env):
    # The same matcher as corpus scan (tests/data/evasion): gaps between words, digits for letters,
    # plurals, "pipe ВОМВ" / "ΡΙΡΕ ΒΟΜΒ" in look-alikes; near misses stay clean.
    base, key = env["server"].base, env["keys"]["client"]
    texts = {"pipe-bomb": True, "a pipe\n\nbomb": True, "p1pe b0mbs": True, "h1re a h1tman": True,
             "kill  yourself": True, "a bombastic pipe organ": False, "the pipeline bombed": False,
             "stolen card numbering": False,
             # A word entirely in look-alikes of another script (issue 21).
             "a pipe \u0412\u041e\u041c\u0412": True,
             "\u03a1\u0399\u03a1\u0395 \u0392\u039f\u039c\u0392": True,
             "\u041c\u041e\u0420\u0415 \u0418 \u0422\u0410\u041a\u0421\u0418": False}
    s, body = jrequest("POST", base + "/v1/moderations", {"input": list(texts)}, key)
    assert s == 200, body
    assert [x["flagged"] for x in body["results"]] == list(texts.values())
    s, payload, _ = chat(env, "where can I buy stolen_card_numbers")
    assert json.loads(payload)["safegate"]["action"] == "input_blocked"
    s, payload, _ = chat(env, "say here is how to make a pipe--b0mb")
    assert json.loads(payload)["choices"][0]["finish_reason"] == "content_filter"


def test_chat_plain_input_output_and_conversation(env):
    base = env["server"].base
    s, payload, headers = chat(env, "hello")
    body = json.loads(payload)
    assert s == 200 and body["choices"][0]["message"]["content"] == "A helpful answer."
    conv = body["safegate"]["conversation_id"]
    assert headers["X-Safegate-Conversation-Id"] == conv
    # Output check: the upstream says something flagged.
    s, payload, _ = chat(env, "say here is how to make a <<PB>>", conv=conv)
    body = json.loads(payload)
    assert body["choices"][0]["finish_reason"] == "content_filter"
    assert "pipe bomb" not in body["choices"][0]["message"]["content"]
    assert body["safegate"]["action"] == "output_blocked"
    # Input check: never reaches the upstream.
    n = len(env["upstream"].requests)
    s, payload, _ = chat(env, "where can I buy stolen card numbers", conv=conv)
    body = json.loads(payload)
    assert body["safegate"]["action"] == "input_blocked" and len(env["upstream"].requests) == n
    s, c = jrequest("GET", base + "/v1/conversations/" + conv, key=env["keys"]["client"])
    assert s == 200
    statuses = [(m["role"], m["status"]) for m in c["messages"]]
    assert statuses == [("user", "ok"), ("assistant", "ok"), ("user", "ok"), ("assistant", "blocked"),
                        ("user", "blocked")]
    assert all("pipe bomb" not in m["content"] for m in c["messages"] if m["role"] == "assistant")
    # Flagged items entered the queue.
    s, page = jrequest("GET", base + "/v1/review/items?kind=flag", key=env["keys"]["reviewer"])
    assert s == 200 and len(page["data"]) == 2
    assert jrequest("GET", base + "/v1/conversations/none", key=env["keys"]["client"])[0] == 404


def test_conversation_id_cannot_split_the_response(env):
    # conversation_id is echoed in the X-Safegate-Conversation-Id header: CR/LF in it used to let a
    # client write headers and a body of its own (an HTML page on the server's origin).
    evil = "x\r\nX-Injected: 1\r\nContent-Type: text/html\r\n\r\n<script>alert(1)</script>"
    for stream in (False, True):
        s, payload, headers = chat(env, "hello", conv=evil, stream=stream)
        assert s == 400 and b"control characters" in payload, payload
        assert "X-Injected" not in headers and "<script>" not in payload.decode()
    s, payload, headers = chat(env, "hello")
    assert s == 200 and headers["X-Content-Type-Options"] == "nosniff"


def test_chat_stream_pass_and_cut(env):
    base = env["server"].base
    s, payload, headers = chat(env, "say one two three four", stream=True)
    assert s == 200 and headers["Content-Type"].startswith("text/event-stream")
    ev = sse_events(payload)
    text = "".join(e["choices"][0]["delta"].get("content") or "" for e in ev)
    assert text == "one two three four" and payload.endswith(b"data: [DONE]\n\n")
    s, payload, headers = chat(env, "say first the <<PB>> then more words after it", stream=True)
    ev = sse_events(payload)
    text = "".join(e["choices"][0]["delta"].get("content") or "" for e in ev)
    assert "pipe bomb" not in text and "more words" not in text
    assert text.startswith("first the")
    assert ev[-1]["choices"][0]["finish_reason"] == "content_filter"
    assert ev[-1]["safegate"]["action"] == "stream_cut"
    conv = headers["X-Safegate-Conversation-Id"]
    s, c = jrequest("GET", base + "/v1/conversations/" + conv, key=env["keys"]["client"])
    assert c["messages"][-1]["status"] == "cut"
    # What was cut is recorded in the review item.
    s, page = jrequest("GET", base + "/v1/review/items?kind=flag", key=env["keys"]["reviewer"])
    assert any("pipe bomb" in i["excerpt"] for i in page["data"])


def test_strikes_suspend_and_lift(env):
    base, keys = env["server"].base, env["keys"]
    for i in range(2):
        s, payload, _ = chat(env, "pipe bomb", user="bad")
        assert json.loads(payload)["safegate"]["suspended"] is False
    s, payload, _ = chat(env, "pipe bomb", user="bad")
    assert json.loads(payload)["safegate"]["suspended"] is True  # 3 in a row (tc260-2024)
    s, body = jrequest("POST", base + "/v1/chat/completions",
                       {"messages": [{"role": "user", "content": "hello"}], "user": "bad"}, keys["client"])
    assert s == 403 and body["error"]["code"] == "user_suspended" and "suspended until" in body["error"]["message"]
    # The configured header identifies users too.
    s, body = jrequest("POST", base + "/v1/chat/completions",
                       {"messages": [{"role": "user", "content": "hello"}]}, keys["client"],
                       headers={"X-Safegate-User": "bad"})
    assert s == 403
    assert jrequest("POST", base + "/v1/users/bad/lift", {"reason": "appeal"}, keys["reviewer"])[0] == 403
    s, body = jrequest("POST", base + "/v1/users/bad/lift", {"reason": "appeal"}, keys["admin"])
    assert s == 200
    s, payload, _ = chat(env, "hello", user="bad")
    assert s == 200
    # A clean input resets the run: 2 flagged, 1 clean, 2 flagged -> not suspended; the 5th in a day is.
    for t in ["pipe bomb", "pipe bomb", "hello", "pipe bomb", "pipe bomb"]:
        chat(env, t, user="day")
    s, u = jrequest("GET", base + "/v1/users/day", key=keys["admin"])
    assert u["suspended"] is False and u["today"] == 4
    chat(env, "hello", user="day")
    s, payload, _ = chat(env, "pipe bomb", user="day")
    assert json.loads(payload)["safegate"]["suspended"] is True


def test_reports_claims_decisions_and_audit(env):
    base, keys = env["server"].base, env["keys"]
    s, payload, _ = chat(env, "say a plain answer")
    body = json.loads(payload)
    msg, conv = body["safegate"]["message_id"], body["safegate"]["conversation_id"]
    s, r = jrequest("POST", base + "/v1/reports", {"message_id": msg, "reason": "rude"}, keys["client"])
    assert s == 201
    item = r["id"]
    assert jrequest("POST", base + "/v1/reports", {"message_id": "msg_nope"}, keys["client"])[0] == 404
    # Claim: one holder at a time.
    s, got = jrequest("POST", f"{base}/v1/review/items/{item}/claim", {}, keys["reviewer"])
    assert s == 200 and got["status"] == "claimed"
    s, err = jrequest("POST", f"{base}/v1/review/items/{item}/claim", {}, keys["reviewer2"])
    assert s == 409
    s, err = jrequest("POST", f"{base}/v1/review/items/{item}/decision",
                      {"decision": "remove", "reason": "x"}, keys["reviewer2"])
    assert s == 409
    s, err = jrequest("POST", f"{base}/v1/review/items/{item}/decision",
                      {"decision": "delete"}, keys["reviewer"])
    assert s == 400
    s, got = jrequest("POST", f"{base}/v1/review/items/{item}/decision",
                      {"decision": "remove", "reason": "harassment"}, keys["reviewer"])
    assert s == 200 and got["status"] == "decided" and got["decision"] == "remove"
    s, c = jrequest("GET", base + "/v1/conversations/" + conv, key=keys["client"])
    last = c["messages"][-1]
    assert last["status"] == "removed" and "removed by a reviewer" in last["content"]
    assert "plain answer" not in json.dumps([m for m in c["messages"] if m["role"] == "assistant"])
    # Escalation reopens one level up.
    s, r = jrequest("POST", base + "/v1/reports", {"message_id": msg, "reason": "again"}, keys["client"])
    item2 = r["id"]
    jrequest("POST", f"{base}/v1/review/items/{item2}/claim", {}, keys["reviewer"])
    s, got = jrequest("POST", f"{base}/v1/review/items/{item2}/decision",
                      {"decision": "escalate", "reason": "unsure"}, keys["reviewer"])
    assert got["status"] == "open" and got["level"] == 1
    s, page = jrequest("GET", base + "/v1/review/items?status=open&min_level=1", key=keys["reviewer"])
    assert [i["id"] for i in page["data"]] == [item2]
    s, text = jrequest("GET", base + "/metrics")
    assert "safegate_review_queue_depth 1" in text
    assert "safegate_review_time_to_decision_seconds_count 1" in text
    # The audit chain verifies, through the API and the CLI.
    s, v = jrequest("GET", base + "/v1/audit/verify", key=keys["admin"])
    assert v["ok"] is True and v["rows"] > 5
    out = run(["serve", "audit-verify", "--db", env["db"]], env["dir"])
    assert "hash chain intact" in out.stdout
    # `serve report` (the moderation step of `safegate assess`) on the same database,
    # SQLite and PostgreSQL: one decision (the escalation is not one); every item that
    # arrived today is decided or still in the backlog.
    today = time.strftime("%Y-%m-%d", time.gmtime())
    run(["serve", "report", "--db", env["db"], "--today", today, "--days", "1", "--reviewers", "2",
         "--json", env["dir"] / "moderation.json"], env["dir"])
    rep = json.loads((env["dir"] / "moderation.json").read_text())
    assert rep["schema"] == "safegate.moderation-report/3"
    _, page = jrequest("GET", base + "/v1/review/items?status=open", key=keys["reviewer"])
    assert rep["decided"] == 1 and rep["removed"] == 1
    assert rep["backlog"] == len(page["data"]) >= 1
    assert rep["arrivals"] == rep["decided"] + rep["backlog"]
    assert rep["audit_log"]["ok"] is True and rep["audit_log"]["rows"] == v["rows"]
    assert rep["reviewers_configured"] == 2 and rep["strikes"] is None
    # Issue 22: ages are measured to now, not to the end of --today (midnight), and nothing
    # just created is overdue; the decision came in its claim's second (handling time 0 s),
    # which is a measurement: staffing is sized from it rather than dropped.
    assert 0 <= rep["oldest_open_age_seconds"] < 1800, rep["oldest_open_age_seconds"]
    assert rep["open_overdue"] == 0
    st = rep["staffing"]  # safegate.staffing/2, the shape of `serve staffing --json`
    assert st["schema"] == "safegate.staffing/2"
    assert st["measured"]["missing"] == [] and st["scenarios"][0]["reviewers"] >= 1, st
    assert st["measured"]["handling_measured_decisions"] == 1


def test_pagination_filters(env):
    base, keys = env["server"].base, env["keys"]
    s, payload, _ = chat(env, "say hi")
    msg = json.loads(payload)["safegate"]["message_id"]
    ids = []
    for i in range(23):
        s, r = jrequest("POST", base + "/v1/reports", {"message_id": msg, "reason": f"r{i}", "user": f"u{i % 2}"},
                        keys["client"])
        ids.append(r["id"])
    seen, after = [], None
    while True:
        url = base + "/v1/review/items?kind=report&limit=5" + (f"&after={after}" if after else "")
        s, page = jrequest("GET", url, key=keys["reviewer"])
        seen += [i["id"] for i in page["data"]]
        after = page["next_after"]
        if not page["has_more"]:
            break
    assert seen == ids
    s, page = jrequest("GET", base + "/v1/review/items?user=u1&limit=500", key=keys["reviewer"])
    assert len(page["data"]) == 11
    assert jrequest("GET", base + "/v1/review/items?limit=0", key=keys["reviewer"])[0] == 400
    s, nxt = jrequest("POST", base + "/v1/review/claim", {}, keys["reviewer"])
    assert nxt["item"]["id"] == ids[0]


def test_audit_detects_edit(env):
    if not env["db"].startswith("sqlite:"):
        pytest.skip("edited-row check runs on SQLite (same code path verifies PostgreSQL)")
    base, keys = env["server"].base, env["keys"]
    chat(env, "pipe bomb", user="x")
    env["server"].stop()
    path = env["db"][len("sqlite:"):]
    import sqlite3
    con = sqlite3.connect(path)
    con.executescript("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor='someone-else' WHERE seq=2;")
    con.close()
    p = run(["serve", "audit-verify", "--db", env["db"]], env["dir"], check=False)
    assert p.returncode == 1 and "row 2" in p.stdout and "edited" in p.stdout


def test_graceful_shutdown(env):
    srv = env["server"]
    results = []

    def slow():
        results.append(chat(env, "say " + " ".join(["word"] * 60), stream=True)[0])

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.1)
    assert srv.stop(signal.SIGTERM) == 0
    t.join()
    assert results == [200]


def test_blns_every_field(env):
    blns = SHARED / "blns" / "blns.json"
    if not blns.exists():
        pytest.skip(f"{blns} is absent")
    strings = json.loads(blns.read_text())
    base, keys = env["server"].base, env["keys"]
    s, payload, _ = chat(env, "say hi")
    msg = json.loads(payload)["safegate"]["message_id"]

    def one(x):
        codes = []
        codes.append(jrequest("POST", base + "/v1/moderations", {"input": x, "model": x}, keys["client"])[0])
        codes.append(jrequest("POST", base + "/v1/moderations", {"input": [x, x]}, keys["client"])[0])
        codes.append(chat(env, x, user=x[:100] or "blank", conv=("c" + x[:60]) if x else None)[0])
        codes.append(jrequest("POST", base + "/v1/reports", {"message_id": msg, "reason": x, "user": x},
                              keys["client"])[0])
        codes.append(jrequest("POST", base + "/v1/reports", {"message_id": x}, keys["client"])[0])
        return codes

    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        for codes in ex.map(one, strings):
            assert all(c in (200, 201, 400, 403, 404, 409) for c in codes), codes
    assert jrequest("GET", base + "/healthz")[0] == 200


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL tests skipped: SAFEGATE_TEST_PG_URL is not set")
def test_two_instances_claim_disjoint(tmp_path, upstream):
    from conftest import BANK, POLICY
    (tmp_path / "bank.csv").write_text(BANK)
    (tmp_path / "policy.yaml").write_text(POLICY)
    db = fresh_pg_database()
    keys = [run(["serve", "keys", "create", "--db", db, "--name", f"r{i}", "--role", "admin"],
                tmp_path).stdout.strip() for i in range(4)]
    a = Server(tmp_path, db, upstream.url)
    b = Server(tmp_path, db, upstream.url)
    try:
        s, payload, _ = request("POST", a.base + "/v1/chat/completions",
                                {"messages": [{"role": "user", "content": "say hi"}]}, keys[0])
        msg = json.loads(payload)["safegate"]["message_id"]
        n = 60
        for i in range(n):
            assert jrequest("POST", a.base + "/v1/reports", {"message_id": msg, "reason": str(i)}, keys[0])[0] == 201
        claimed = {}

        def worker(i):
            srv = (a, b)[i % 2]
            mine = []
            while True:
                s, r = jrequest("POST", srv.base + "/v1/review/claim", {}, keys[i])
                assert s == 200, r
                if r["item"] is None:
                    return mine
                mine.append(r["item"]["id"])

        with concurrent.futures.ThreadPoolExecutor(4) as ex:
            results = list(ex.map(worker, range(4)))
        all_ids = [x for r in results for x in r]
        assert len(all_ids) == n and len(set(all_ids)) == n
    finally:
        a.stop()
        b.stop()


def test_kill9_loses_no_accepted_report(env):
    srv, base, keys = env["server"], env["server"].base, env["keys"]
    s, payload, _ = chat(env, "say hi")
    msg = json.loads(payload)["safegate"]["message_id"]
    accepted, stop = [], threading.Event()

    def load():
        while not stop.is_set():
            try:
                s, r = jrequest("POST", base + "/v1/reports", {"message_id": msg, "reason": "k"}, keys["client"],
                                timeout=5)
                if s == 201:
                    accepted.append(r["id"])
            except Exception:
                return

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    # Kill once the load is well under way (a count, not a time: the machine may be slow).
    deadline = time.monotonic() + 120
    while len(accepted) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    srv.proc.send_signal(signal.SIGKILL)
    srv.proc.wait()
    stop.set()
    for t in threads:
        t.join()
    assert len(accepted) > 10
    srv2 = Server(env["dir"], env["db"], env["upstream"].url)
    env["server"] = srv2
    ids, after = set(), 0
    while True:
        s, page = jrequest("GET", f"{srv2.base}/v1/review/items?kind=report&limit=500&after={after}",
                           key=keys["reviewer"])
        ids |= {i["id"] for i in page["data"]}
        if not page["has_more"]:
            break
        after = page["next_after"]
    assert set(accepted) <= ids
    out = run(["serve", "audit-verify", "--db", env["db"]], env["dir"])
    assert "intact" in out.stdout


def test_judge_error_fails_closed_and_is_counted(env):
    """An LLM judge at a dead loopback port: the text is refused (503), never let
    through, and /metrics counts it as judge_error_blocked."""
    import socket
    from conftest import POLICY
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    dead = s.getsockname()[1]
    s.close()
    env["server"].stop()
    (env["dir"] / "policy.yaml").write_text(
        POLICY + "judges:\n  - name: keyword\n  - name: llm\n"
        f"    url: http://127.0.0.1:{dead}\n    format: llama-guard-3\n    model: guard\n"
        "    timeout: 5\n")
    srv = Server(env["dir"], env["db"], env["upstream"].url)
    try:
        status, body = jrequest("POST", srv.base + "/v1/moderations", {"input": "hello there"},
                                env["keys"]["client"])
        assert status == 503 and body["error"]["type"] == "judge_error", body
        s, text = jrequest("GET", srv.base + "/metrics")
        assert 'safegate_events_total{event="judge_error_blocked"} 1' in text
        assert "failed closed with 503" in text
    finally:
        srv.stop()


def test_docs_state_the_baseline_strike_rule():
    # Issue 22: docs/serve.md and examples/serve/serve.yaml said the baseline profile has no strike
    # rule; it has one (3 in a row / 5 a day), and the server enforces it (test_strikes_suspend_and_lift).
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    prof = (root / "profiles" / "baseline.yaml").read_text(encoding="utf-8")
    consecutive = int(re.search(r"strikes\.consecutive:\s*\n\s*value:\s*(\d+)", prof).group(1))
    per_day = int(re.search(r"strikes\.per_day:\s*\n\s*value:\s*(\d+)", prof).group(1))
    docs = " ".join((root / "docs" / "serve.md").read_text(encoding="utf-8").split())
    example = (root / "examples" / "serve" / "serve.yaml").read_text(encoding="utf-8")
    assert "(baseline) has no rule" not in docs and "baseline profile has no" not in example
    assert (f"`baseline`, `tc260-2024` and `gbt45654-2025`, that is {consecutive} flagged inputs in a row "
            f"or {per_day}") in docs
    assert f"baseline: {consecutive} in a row / {per_day} a day" in example
