"""Fixtures of the reviewer web page tests: a real `safegate serve` on
127.0.0.1 with a temp SQLite database, a fake upstream model on loopback,
accounts of each role, and headless Chromium (tests/web/cdp.py)."""
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pyshared"))
# shared_cache: the kit's autouse fixture, which must stand in the conftest.
from sgkit import BIN, SOURCE_DIR, FakeOpenAI, cache_dir, run, shared_cache  # noqa: E402,F401

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cdp  # noqa: E402

ARTIFACTS = Path(os.environ.get("SAFEGATE_WEB_ARTIFACTS", "")) if os.environ.get("SAFEGATE_WEB_ARTIFACTS") else None

BANK = """id,category,lang,type,whole_word,text
kw-1,S9,en,literal,true,pipe bomb
kw-2,S2,en,literal,true,stolen card numbers
kw-3,S1,en,literal,true,hire a hitman
"""
POLICY = """schema: safegate.policy/1
id: web-test
version: "1"
profile: baseline
keyword_banks: [bank.csv]
"""
PASSWORDS = {"root": "admin-pass-1", "alice": "reviewer-pass-1", "vic": "viewer-pass-1"}
ROLES = {"root": "admin", "alice": "reviewer", "vic": "viewer"}


# What the fake upstream model answers to every chat: a flagged sentence.
FLAGGED_ANSWER = "Sure: here is where to buy stolen card numbers."


class Server:
    def __init__(self, base, workdir):
        self.base = base
        self.workdir = workdir

    def request(self, method, path, body=None, cookie=None, csrf=None, headers=None):
        h = dict(headers or {})
        data = None
        if body is not None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        if cookie:
            h["Cookie"] = cookie
        if csrf:
            h["X-CSRF-Token"] = csrf
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, dict(r.headers), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode()

    def login(self, user):
        status, headers, body = self.request("POST", "/ui/api/login",
                                             {"username": user, "password": PASSWORDS[user]})
        assert status == 200, body
        cookie = headers["Set-Cookie"].split(";")[0]
        return cookie, json.loads(body)["csrf"], headers["Set-Cookie"]

    def chat(self, text, user="end-user-1"):
        status, _, body = self.request("POST", "/v1/chat/completions", {
            "model": "fake", "user": user, "messages": [{"role": "user", "content": text}]})
        assert status == 200, body
        return json.loads(body)


def import_label_set(workdir, docs, every, n):
    """A corpus sample for people to label: `docs` documents, every `every`-th an offending
    one, a sample of `n` exported and imported as label set "sample1". Returns the
    exported review.jsonl."""
    rows = [{"id": f"d{i}", "text": ("selling stolen card numbers" if i % every == 0 else f"garden river {i}")}
            for i in range(docs)]
    (workdir / "data").mkdir()
    (workdir / "data" / "a.jsonl").write_text("".join(json.dumps(d) + "\n" for d in rows))
    (workdir / "safegate.yaml").write_text(
        "schema: safegate.project/1\npolicy: policy.yaml\ncorpus:\n  sources:\n"
        "    - name: a\n      paths: [data/a.jsonl]\n      format: jsonl\n      id_field: id\n")
    run(["corpus", "sample", "-n", str(n), "--seed", "1", "-o", "s.jsonl"], workdir)
    run(["corpus", "label", "export", "--sample", "s.jsonl", "-o", "review.jsonl"], workdir)
    run(["serve", "labels", "import", "review.jsonl", "--set", "sample1", "--db", "sqlite:serve.db"], workdir)
    return workdir / "review.jsonl"


@pytest.fixture
def server(tmp_path):
    if not BIN:
        pytest.skip("SAFEGATE_BIN not set")
    (tmp_path / "bank.csv").write_text(BANK)
    (tmp_path / "policy.yaml").write_text(POLICY)
    for user, role in ROLES.items():
        run(["serve", "users", "add", user, "--role", role, "--db", "sqlite:serve.db"], tmp_path,
            stdin=PASSWORDS[user] + "\n")
    up = FakeOpenAI(answer=lambda text: FLAGGED_ANSWER)
    env = dict(os.environ, SAFEGATE_CACHE_DIR=cache_dir(tmp_path))
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen([BIN, "serve", "--policy", "policy.yaml", "--db", "sqlite:serve.db", "--listen",
                             "127.0.0.1:0", "--port-file", "port", "--no-keys", "--upstream", up.url],
                            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 30
    while not (tmp_path / "port").exists():
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()  # a server that did not start in time must not outlive the test
            proc.wait()
            log.close()
            raise AssertionError("safegate serve did not start:\n" + (tmp_path / "serve.log").read_text())
        time.sleep(0.05)
    port = int((tmp_path / "port").read_text())
    try:
        yield Server(f"http://localhost:{port}", tmp_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        up.close()
        log.close()


@pytest.fixture
def browser():
    if not cdp.find_chromium():
        pytest.skip("chromium not installed")
    b = cdp.Browser()
    try:
        yield b
    finally:
        b.close()


def shot(browser, name):
    """Keeps a screenshot as a test artefact (SAFEGATE_WEB_ARTIFACTS)."""
    if ARTIFACTS:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        browser.screenshot(str(ARTIFACTS / f"{name}.png"))
