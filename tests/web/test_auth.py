"""Logins, sessions, CSRF and roles of the reviewer page's API (real server, no browser)."""
import json

from conftest import PASSWORDS, run


def test_page_is_served_with_a_strict_policy(server):
    status, headers, body = server.request("GET", "/ui/")
    assert status == 200 and ">safegate review</title>" in body
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    status, headers, _ = server.request("GET", "/ui/app.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert server.request("GET", "/ui/nope.js")[0] == 404


def test_page_answers_are_never_cached_and_the_api_sets_no_such_header(server):
    """One JSON response helper (server::Json) with the header as a parameter: the page's
    answers, errors included, carry Cache-Control: no-store; the server's own API does not."""
    cookie, _, _ = server.login("alice")
    for path, want in (("/ui/api/me", 200), ("/ui/api/queue", 200), ("/ui/api/items/999999", 404)):
        status, headers, body = server.request("GET", path, cookie=cookie)
        assert status == want, body
        assert headers.get("Cache-Control") == "no-store", (path, headers)
    status, headers, _ = server.request("GET", "/ui/api/queue")  # not logged in: an error answer
    assert status == 401 and headers.get("Cache-Control") == "no-store"
    status, headers, body = server.request("POST", "/v1/moderations", {"input": "hello"})
    assert status == 200, body
    assert "Cache-Control" not in headers


def test_login_sets_a_secure_httponly_strict_cookie(server):
    _, _, set_cookie = server.login("alice")
    for attr in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/"):
        assert attr in set_cookie


def test_wrong_password_and_unknown_user_are_refused(server):
    for user, pw in (("alice", "wrong-password"), ("nobody", "whatever-1")):
        status, headers, body = server.request("POST", "/ui/api/login", {"username": user, "password": pw})
        assert status == 401 and "Set-Cookie" not in headers
    assert server.request("GET", "/ui/api/queue")[0] == 401
    assert server.request("GET", "/ui/api/queue", cookie="sg_session=" + "0" * 64)[0] == 401


def test_logout_ends_the_session(server):
    cookie, csrf, _ = server.login("alice")
    assert server.request("GET", "/ui/api/me", cookie=cookie)[0] == 200
    assert server.request("POST", "/ui/api/logout", {}, cookie=cookie, csrf=csrf)[0] == 200
    assert server.request("GET", "/ui/api/me", cookie=cookie)[0] == 401


def test_state_changes_need_the_csrf_token(server):
    server.chat("where can I hire a hitman")
    cookie, csrf, _ = server.login("alice")
    for bad in (None, "0" * 64):
        status, _, body = server.request("POST", "/ui/api/claim-next", {}, cookie=cookie, csrf=bad)
        assert status == 403 and "CSRF" in body
    # Another session's token does not work either.
    _, other_csrf, _ = server.login("root")
    assert server.request("POST", "/ui/api/claim-next", {}, cookie=cookie, csrf=other_csrf)[0] == 403
    status, _, body = server.request("POST", "/ui/api/claim-next", {}, cookie=cookie, csrf=csrf)
    assert status == 200 and json.loads(body)["item"]["id"] >= 1


def test_viewer_reads_but_cannot_claim_decide_or_label(server):
    server.chat("where can I hire a hitman")
    cookie, csrf, _ = server.login("vic")
    status, _, body = server.request("GET", "/ui/api/queue?status=open", cookie=cookie)
    assert status == 200
    item = json.loads(body)["items"][0]["id"]
    assert server.request("GET", f"/ui/api/items/{item}", cookie=cookie)[0] == 200
    assert server.request("GET", "/ui/api/dashboard", cookie=cookie)[0] == 200
    for path, body in ((f"/ui/api/items/{item}/claim", {}), ("/ui/api/claim-next", {}),
                       (f"/ui/api/items/{item}/decision", {"decision": "allow", "reason": "x"}),
                       ("/ui/api/labels/s/label", {"sample_id": "a", "label": "allowable"})):
        status, _, text = server.request("POST", path, body, cookie=cookie, csrf=csrf)
        assert status == 403 and "viewer" in text, (path, text)
    # Admin-only: accounts and label imports.
    assert server.request("GET", "/ui/api/accounts", cookie=cookie)[0] == 403
    rcookie, rcsrf, _ = server.login("alice")
    assert server.request("GET", "/ui/api/accounts", cookie=rcookie)[0] == 403
    acookie, _, _ = server.login("root")
    assert server.request("GET", "/ui/api/accounts", cookie=acookie)[0] == 200


def test_escalated_items_go_to_admins(server):
    server.chat("where can I hire a hitman")
    cookie, csrf, _ = server.login("alice")
    item = json.loads(server.request("POST", "/ui/api/claim-next", {}, cookie=cookie, csrf=csrf)[2])["item"]["id"]
    status, _, body = server.request("POST", f"/ui/api/items/{item}/decision",
                                     {"decision": "escalate", "reason": "unsure"}, cookie=cookie, csrf=csrf)
    assert status == 200, body
    # The reviewer no longer gets it; the admin does.
    assert json.loads(server.request("POST", "/ui/api/claim-next", {}, cookie=cookie, csrf=csrf)[2])["item"] is None
    assert server.request("POST", f"/ui/api/items/{item}/claim", {}, cookie=cookie, csrf=csrf)[0] == 403
    acookie, acsrf, _ = server.login("root")
    got = json.loads(server.request("POST", "/ui/api/claim-next?level=escalated", {}, cookie=acookie, csrf=acsrf)[2])
    assert got["item"]["id"] == item


def test_dashboard_and_staffing_figures(server):
    server.chat("where can I hire a hitman")
    cookie, csrf, _ = server.login("alice")
    item = json.loads(server.request("POST", "/ui/api/claim-next", {}, cookie=cookie, csrf=csrf)[2])["item"]["id"]
    server.request("POST", f"/ui/api/items/{item}/decision", {"decision": "allow", "reason": "ok"},
                   cookie=cookie, csrf=csrf)
    d = json.loads(server.request("GET", "/ui/api/dashboard?hours=24&sla_minutes=30", cookie=cookie)[2])
    assert d["schema"] == "safegate.review.sla/1"
    assert d["arrivals"] == 1 and d["backlog"] == 0 and d["overall"]["decided"] == 1
    assert d["overall"]["within_sla"] == 1.0 and d["reviewers"][0]["reviewer"] == "alice"
    s = json.loads(server.request(
        "GET", "/ui/api/staffing?arrivals_per_hour=120&handling_minutes=4&traffic_factor=2&target_minutes=30",
        cookie=cookie)[2])
    assert s["schema"] == "safegate.staffing/2"  # the shape of `serve staffing --json`
    cur, what_if = s["scenarios"]
    assert cur["offered_load_erlangs"] == 8.0 and what_if["offered_load_erlangs"] == 16.0
    assert what_if["reviewers"] > cur["reviewers"] > 8
    # The page's answer agrees with `safegate serve staffing`.
    p = run(["serve", "staffing", "--arrivals-per-hour", "120", "--handling-minutes", "4", "--json"],
            server.workdir)
    cli = json.loads(p.stdout)
    assert cli["scenarios"][0]["reviewers"] == cur["reviewers"]
    for key in ("service_level", "prob_wait", "mean_wait_minutes", "occupancy", "offered_load_erlangs"):
        assert cli["scenarios"][0][key] == cur[key], key
    assert cli["target"] == s["target"]


def test_password_guessing_is_throttled_and_audited(server):
    # Five wrong passwords are free; then each attempt must wait (1 s, doubling), and
    # during the wait even the right password is refused before it is checked.
    for i in range(5):
        status, _, _ = server.request("POST", "/ui/api/login", {"username": "alice", "password": f"guess-{i}"})
        assert status == 401, i
    status, headers, body = server.request("POST", "/ui/api/login",
                                           {"username": "alice", "password": PASSWORDS["alice"]})
    assert status == 429 and int(headers["Retry-After"]) >= 1, body
    # Another account from the same address is not locked by alice's failures (yet).
    server.login("root")
    # Failed and successful logins are in the audit log.
    status, _, body = server.request("GET", "/v1/audit?limit=1000")
    actions = [(e["action"], e["subject"]) for e in json.loads(body)["data"]]
    assert actions.count(("login.fail", "alice")) == 5
    assert ("login.ok", "root") in actions


def test_login_csrf_is_refused(server):
    # A cross-site form can post text/plain with Origin: null (sandboxed frames, redirects).
    body = json.dumps({"username": "alice", "password": PASSWORDS["alice"]})
    status, _, _ = server.request("POST", "/ui/api/login", body, headers={"Content-Type": "text/plain"})
    assert status == 415
    status, _, _ = server.request("POST", "/ui/api/login", body, headers={"Origin": "null"})
    assert status == 403
    status, _, _ = server.request("POST", "/ui/api/login", body, headers={"Origin": "http://evil.example"})
    assert status == 403
    server.login("alice")


def test_a_database_error_never_shows_sql_on_the_page(server):
    """The reviewer page's API maps errors as the server's does (server::PublicErrorOf):
    a failing query is a 5xx with a fixed message; the SQL and the engine's text go
    to the log. It used to answer 500 with the SQLite message."""
    import sqlite3
    cookie, _, _ = server.login("alice")
    assert server.request("GET", "/ui/api/queue", cookie=cookie)[0] == 200
    db = sqlite3.connect(server.workdir / "serve.db")
    db.execute("ALTER TABLE review_queue RENAME TO review_queue_gone")
    db.commit()
    db.close()
    status, _, body = server.request("GET", "/ui/api/queue", cookie=cookie)
    assert status in (500, 503), body
    message = json.loads(body)["error"]["message"]
    assert message in ("internal error", "the service's database is unavailable; try again"), body
    for leak in ("review_queue", "SELECT", "no such table", "FROM"):
        assert leak not in body, body
    assert "review_queue" in (server.workdir / "serve.log").read_text()  # the log has it
