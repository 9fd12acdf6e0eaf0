"""Black-box tests of `safegate serve`: the real binary on loopback, a fake
upstream model on loopback (plain and SSE answers), SQLite and PostgreSQL.

PostgreSQL tests need SAFEGATE_TEST_PG_URL (make test starts a throwaway
server: scripts/start-postgres.sh); without it they skip and say so.
"""
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pyshared"))
from sgcache import cache_dir, shared_cache  # noqa: E402,F401  (shared_cache: autouse fixture)

BIN = os.environ.get("SAFEGATE_BIN", "")
SOURCE_DIR = Path(os.environ.get("SAFEGATE_SOURCE_DIR", Path(__file__).resolve().parents[2]))
SHARED = SOURCE_DIR.parent / "shared" / "data"
PG_URL = os.environ.get("SAFEGATE_TEST_PG_URL", "")

BANK = """id,category,lang,type,whole_word,text
kw-1,S9,en,literal,true,pipe bomb
kw-2,S2,en,literal,true,stolen card numbers
kw-3,S11,en,literal,true,kill yourself
kw-4,S1,en,literal,true,hire a hitman
"""

POLICY = """schema: safegate.policy/1
id: test-policy
version: "1"
profile: tc260-2024
taxonomy:
  inherit: true
  categories:
    - {id: S1, name: "Violent crimes"}
    - {id: S2, name: "Non-violent crimes"}
    - {id: S9, name: "Weapons"}
    - {id: S11, name: "Self-harm"}
keyword_banks: [bank.csv]
"""


# What the fake upstream's GET /v1/models lists ("org/name" as vLLM names models).
MODELS = [{"id": "up-model", "object": "model", "created": 1700000000, "owned_by": "upstream-org"},
          {"id": "org/name-7b", "object": "model", "created": 1700000001, "owned_by": "org"}]


class Upstream:
    """An OpenAI-compatible chat endpoint: the answer is chosen by the last user
    message ("say X" answers X; streamed answers come word by word)."""

    def __init__(self):
        outer = self
        self.requests = []

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(n))
                outer.requests.append(body)
                text = body["messages"][-1]["content"]
                if not isinstance(text, str):
                    text = ""
                if text.startswith("canned:"):
                    return self.canned(outer.canned[text[len("canned:"):]])
                answer = text[4:].replace("<<PB>>", "pipe bomb") if text.startswith("say ") else "A helpful answer."
                if body.get("stream"):
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    words = answer.split(" ")
                    for i, w in enumerate(words):
                        piece = w if i == 0 else " " + w
                        ev = {"id": "chatcmpl-up", "object": "chat.completion.chunk", "model": "up",
                              "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                        try:
                            self.wfile.write(b"data: " + json.dumps(ev).encode() + b"\n\n")
                            self.wfile.flush()
                        except OSError:
                            return
                        time.sleep(0.005)
                    try:
                        self.wfile.write(b"data: [DONE]\n\n")
                    except OSError:
                        pass
                    self.close_connection = True
                    return
                out = json.dumps({"id": "chatcmpl-up", "object": "chat.completion", "model": "up",
                                  "choices": [{"index": 0, "message": {"role": "assistant", "content": answer},
                                               "finish_reason": "stop"}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def do_GET(self):
                """GET /v1/models and /v1/models/ID (the path as received is kept
                in outer.gets). IDs "huge" and "html" answer what a proxy must not
                relay; an unknown ID is OpenAI's 404."""
                outer.gets.append((self.path, self.headers.get("Authorization")))
                models = {m["id"]: m for m in MODELS}
                if self.path == "/v1/models":
                    return self.reply(200, {"object": "list", "data": MODELS})
                rest = self.path[len("/v1/models/"):] if self.path.startswith("/v1/models/") else None
                if rest == "huge":
                    return self.reply(200, {"object": "list", "data": ["x" * 1000] * 1100})
                if rest == "html":
                    return self.reply(200, b"<html>not json</html>", "text/html")
                ident = urllib.parse.unquote(rest or "")
                if rest is not None and ident in models:
                    return self.reply(200, models[ident])
                self.reply(404, {"error": {"message": f"The model '{ident}' does not exist",
                                           "type": "invalid_request_error", "param": "model",
                                           "code": "model_not_found"}})

            def reply(self, status, body, ctype="application/json"):
                out = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def canned(self, spec):
                """A reply written by the test: status, content type and body chunks
                (bytes), sent until close (no length, so any framing can be faked)."""
                self.send_response(spec.get("status", 200))
                self.send_header("Content-Type", spec.get("ctype", "application/json"))
                self.send_header("Connection", "close")
                self.end_headers()
                for chunk in spec["chunks"]:
                    try:
                        self.wfile.write(chunk)
                        self.wfile.flush()
                    except OSError:
                        break
                    if spec.get("delay"):
                        time.sleep(spec["delay"])
                self.close_connection = True

        self.canned = {}
        self.gets = []
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/v1"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def run(args, cwd, check=True):
    e = dict(os.environ)
    e["SAFEGATE_CACHE_DIR"] = cache_dir(cwd)
    p = subprocess.run([BIN] + [str(a) for a in args], cwd=cwd, env=e, capture_output=True,
                       text=True, timeout=120)
    if check and p.returncode != 0:
        raise AssertionError(f"safegate {args} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def fresh_pg_database():
    """A new database on the test server; returns its URL."""
    name = "sg_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", PG_URL, "-q", "-c", f"CREATE DATABASE {name}"], check=True,
                   capture_output=True)
    base = PG_URL.rsplit("/", 1)[0]
    return f"{base}/{name}"


class Server:
    def __init__(self, workdir, db, upstream_url, extra_config="", extra_args=()):
        self.workdir = Path(workdir)
        self.db = db
        self.port_file = self.workdir / f"port-{uuid.uuid4().hex[:6]}"
        cfg = self.workdir / "serve.yaml"
        if not cfg.exists() or extra_config:
            cfg.write_text("schema: safegate.serve/1\npolicy: policy.yaml\n"
                           f"upstream:\n  url: {upstream_url}\n"
                           "strikes:\n  suspend_minutes: 60\n" + extra_config)
        e = dict(os.environ)
        e["SAFEGATE_CACHE_DIR"] = cache_dir(self.workdir)
        self.log = open(self.workdir / f"server-{uuid.uuid4().hex[:6]}.log", "w")
        self.proc = subprocess.Popen([BIN, "serve", "-c", str(cfg), "--db", db, "--listen",
                                      "127.0.0.1:0", "--port-file", str(self.port_file),
                                      *extra_args], cwd=workdir, env=e, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.port_file.exists() and self.port_file.read_text().strip():
                self.port = int(self.port_file.read_text())
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError("server did not start:\n" + (self.workdir / self.log.name).read_text())

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


def request(method, url, body=None, key=None, headers=None, raw=None, timeout=30):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if key:
        req.add_header("Authorization", "Bearer " + key)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            payload = r.read()
            return r.status, payload, dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def jrequest(method, url, body=None, key=None, **kw):
    status, payload, headers = request(method, url, body, key, **kw)
    try:
        return status, json.loads(payload)
    except ValueError:
        return status, payload.decode("utf-8", "replace")


BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def upstream():
    u = Upstream()
    yield u
    u.close()


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:{tmp_path}/serve.db"
    if not PG_URL:
        pytest.skip("PostgreSQL tests skipped: SAFEGATE_TEST_PG_URL is not set "
                    "(make test starts a server with scripts/start-postgres.sh)")
    return fresh_pg_database()


@pytest.fixture
def env(tmp_path, db_url, upstream):
    """A server on a fresh database with an admin, a reviewer and a client key."""
    (tmp_path / "bank.csv").write_text(BANK)
    (tmp_path / "policy.yaml").write_text(POLICY)
    keys = {}
    for role in ("admin", "reviewer", "client"):
        keys[role] = run(["serve", "keys", "create", "--db", db_url, "--name", role + "-1",
                          "--role", role], tmp_path).stdout.strip()
    keys["reviewer2"] = run(["serve", "keys", "create", "--db", db_url, "--name", "reviewer-2",
                             "--role", "reviewer"], tmp_path).stdout.strip()
    srv = Server(tmp_path, db_url, upstream.url)
    e = {"server": srv, "keys": keys, "dir": tmp_path, "db": db_url, "upstream": upstream}
    yield e
    srv.stop()
    if e["server"] is not srv:  # a test restarted the server (kill -9 test)
        e["server"].stop()
