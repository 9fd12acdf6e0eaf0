"""Black-box tests of `safegate serve`: the real binary on loopback, a fake
upstream model on loopback (plain and SSE answers), SQLite and PostgreSQL.

PostgreSQL tests need SAFEGATE_TEST_PG_URL (make test starts a throwaway
server: scripts/start-postgres.sh); without it they skip and say so.
"""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pyshared"))
# shared_cache: the kit's autouse fixture, which must stand in the conftest.
from sgkit import BIN, MODELS, SHARED, SOURCE_DIR, cache_dir, shared_cache  # noqa: E402,F401
from sgkit import FakeOpenAI as Upstream  # noqa: E402  (the answers: see sgkit.FakeOpenAI)
from sgkit import run as _run  # noqa: E402

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


def run(args, cwd, check=True):
    return _run(args, cwd, check=check, timeout=120)


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
        # Generous: a cold cache compiles the refusal rules first (10-20 s on a
        # loaded 2-core machine); the wait ends as soon as the port is written.
        deadline = time.time() + 180
        while time.time() < deadline:
            if self.port_file.exists() and self.port_file.read_text().strip():
                self.port = int(self.port_file.read_text())
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.proc.kill()  # a server that did not start in time must not outlive the test
        self.proc.wait()
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
