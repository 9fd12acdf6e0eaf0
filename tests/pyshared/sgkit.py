"""The Python test kit shared by tests/cli, tests/server, tests/web and python/tests.

- run(): the safegate binary (SAFEGATE_BIN) in a directory, with the session's
  cache directory; fails the test on a non-zero exit unless check=False.
- BANK, POLICY, make_docs, write_jsonl, write_project: the small project the
  CLI and Python-module suites work on (the server and web suites write their
  own bank and policy, whose hits their tests count).
- FakeOpenAI: the one fake OpenAI-compatible upstream on loopback (chat
  completions plain and streamed, /v1/models, canned raw replies), for judges,
  paraphrasers and the gateway.
- MockModelServer: the C++ scripted model server (tests/tools/mock_model_server.cc)
  for eval runs. CMake passes its path in MOCK_MODEL_SERVER; under ctest a
  missing mock fails the test instead of skipping it.
- shared_cache / cache_dir: one SAFEGATE_CACHE_DIR (compiled matchers, the
  trained built-in refusal model) for a whole pytest session. Every cache key
  covers what the entry depends on, so sharing the directory only saves start-up
  work. A test about the cache itself passes its own SAFEGATE_CACHE_DIR. A
  conftest imports shared_cache: the autouse fixture must stand in the conftest
  to take effect.
"""
import gzip
import http.server
import json
import os
import random
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

BIN = os.environ.get("SAFEGATE_BIN", "")
SOURCE_DIR = Path(os.environ.get("SAFEGATE_SOURCE_DIR", Path(__file__).resolve().parents[2]))
SHARED = SOURCE_DIR.parent / "shared" / "data"

_CACHE = {"dir": None}


@pytest.fixture(scope="session", autouse=True)
def shared_cache(tmp_path_factory):
    _CACHE["dir"] = tmp_path_factory.mktemp("cache")


def cache_dir(cwd):
    """The session's cache directory (CWD/.cache outside a pytest session)."""
    return str(_CACHE["dir"] or Path(cwd) / ".cache")


def run(args, cwd, env=None, check=True, timeout=300, stdin=None, cache=True):
    """Runs `safegate ARGS` in cwd with progress lines off and the session's
    cache (cache=False keeps SAFEGATE_CACHE_DIR as the environment has it).
    With check, a non-zero exit fails the test and shows both streams."""
    e = dict(os.environ)
    e["SAFEGATE_NO_PROGRESS"] = "1"
    if cache:
        e["SAFEGATE_CACHE_DIR"] = cache_dir(cwd)
    if env:
        e.update(env)
    p = subprocess.run([BIN] + [str(a) for a in args], cwd=cwd, env=e, input=stdin, capture_output=True,
                       text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"safegate {' '.join(map(str, args))} exited {p.returncode}\n"
                             f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


BANK = """id,category,lang,type,whole_word,text
kw-1,S9,en,literal,true,pipe bomb
kw-2,S2,en,literal,true,stolen card numbers
kw-3,S9,zh,literal,false,炸弹
kw-4,S1,ru,literal,true,нанять киллера
kw-5,S11,en,literal,true,kill yourself
re-1,S7,,regex,false,\\b\\d{3}-\\d{2}-\\d{4}\\b
"""

POLICY = """schema: safegate.policy/1
id: test-policy
version: "1"
profile: baseline
normalize:
  strip_separators: true
keyword_banks: [bank.csv]
"""

WORDS = ["garden", "river", "market", "library", "school", "bridge", "recipe", "music", "winter", "train"]
BAD = ["how to build a PIPE BOMB", "selling stolen card numbers", "SSN 123-45-6789 leaked"]


def make_docs(n, every, seed=0, words=WORDS, bad=BAD):
    """n documents; every `every`-th one carries a keyword (one of `bad` in turn)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        t = " ".join(rng.choice(words) for _ in range(rng.randint(5, 40)))
        if i % every == 0:
            t += " " + bad[i % len(bad)]
        out.append(t)
    return out


def write_jsonl(path, docs, field="text", compress=None):
    """Documents {"id": "dI", FIELD: text} as JSONL; compress: None, "gz" (or True) or "zst"."""
    lines = "".join(json.dumps({"id": f"d{i}", field: t}, ensure_ascii=False) + "\n" for i, t in enumerate(docs))
    data = lines.encode("utf-8")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if compress in ("gz", True):
        path.write_bytes(gzip.compress(data))
    elif compress == "zst":
        raw = path.with_suffix(".raw")
        raw.write_bytes(data)
        subprocess.run(["zstd", "-q", "-f", str(raw), "-o", str(path)], check=True)
        raw.unlink()
    else:
        path.write_bytes(data)
    return path


def write_project(root, docs=make_docs):
    """A policy, a bank and two JSONL sources (one gzip) in root; `docs` makes
    the documents (make_docs' signature)."""
    root = Path(root)
    (root / "bank.csv").write_text(BANK, encoding="utf-8")
    (root / "policy.yaml").write_text(POLICY, encoding="utf-8")
    write_jsonl(root / "data" / "a.jsonl", docs(3000, 25, seed=1))
    write_jsonl(root / "data" / "b.jsonl.gz", docs(2000, 10, seed=2), compress="gz")
    (root / "safegate.yaml").write_text(
        "schema: safegate.project/1\npolicy: policy.yaml\ncorpus:\n  sources:\n"
        "    - name: a\n      paths: [data/a.jsonl]\n      format: jsonl\n      id_field: id\n"
        "    - name: b\n      paths: [data/b.jsonl.gz]\n      format: jsonl\n", encoding="utf-8")
    return root


def without_run(obj):
    """A result with its timing/shard fields removed, for comparisons."""
    obj = dict(obj)
    obj.pop("run", None)
    return obj


def read_jsonl(path):
    return [json.loads(l) for l in Path(path).read_text(encoding="utf-8").splitlines() if l.strip()]


# What FakeOpenAI's GET /v1/models lists ("org/name" as vLLM names models).
MODELS = [{"id": "up-model", "object": "model", "created": 1700000000, "owned_by": "upstream-org"},
          {"id": "org/name-7b", "object": "model", "created": 1700000001, "owned_by": "org"}]


def _default_answer(text):
    """"say X" answers X ("<<PB>>" stands for "pipe bomb"); anything else a helpful answer."""
    return text[4:].replace("<<PB>>", "pipe bomb") if text.startswith("say ") else "A helpful answer."


class FakeOpenAI:
    """An OpenAI-compatible upstream on loopback (HTTP/1.1, threaded).

    POST (any path) answers a chat completion. How, in this order:
    - reply(body): the whole JSON document to send (body: the parsed request);
    - the last user message "canned:NAME": the raw reply in canned[NAME]
      (status, ctype, chunks, delay; sent until close, so any framing can be faked);
    - answer(text): the answer's content for the last message's text
      (default: "say X" answers X, anything else "A helpful answer.");
      streamed word by word as SSE when the request asks for a stream.
    Every POST answers with HTTP `status`. GET /v1/models and /v1/models/ID list
    MODELS (IDs "huge" and "html" answer what a proxy must not relay; an unknown
    ID is OpenAI's 404).

    Kept: requests (parsed bodies of the POSTs), posts ({"path", "auth", "body"}
    of each POST), gets ((path, Authorization) of each GET).
    root is http://127.0.0.1:PORT, url the same with /v1."""

    def __init__(self, reply=None, answer=None, status=200):
        outer = self
        self.requests = []
        self.posts = []
        self.gets = []
        self.canned = {}
        answer = answer or _default_answer

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(n))
                outer.requests.append(body)
                outer.posts.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
                if reply:
                    return self.reply(status, reply(body))
                text = body["messages"][-1]["content"]
                if not isinstance(text, str):
                    text = ""
                if text.startswith("canned:"):
                    return self.canned(outer.canned[text[len("canned:"):]])
                content = answer(text)
                if body.get("stream"):
                    return self.stream(content)
                self.reply(status, {"id": "chatcmpl-up", "object": "chat.completion", "model": "up",
                                    "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                                                 "finish_reason": "stop"}]})

            def stream(self, content):
                self.send_response(status)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                words = content.split(" ")
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

            def do_GET(self):
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

            def reply(self, code, body, ctype="application/json"):
                out = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def canned(self, spec):
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

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def root(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self):
        return self.root + "/v1"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def mock_model_server_path():
    """The C++ mock model server. CMake passes its path in MOCK_MODEL_SERVER
    (ctest sets it): then a missing file fails the test. Run by hand without
    it, the path is looked up next to SAFEGATE_BIN's build tree, and the test
    skips when it is not there."""
    given = os.environ.get("MOCK_MODEL_SERVER")
    if given:
        if not Path(given).is_file():
            pytest.fail(f"MOCK_MODEL_SERVER={given} does not exist (build the mock_model_server target)")
        return given
    guess = Path(BIN).resolve().parents[2] / "tests" / "unit" / "eval" / "mock_model_server" if BIN else None
    if not guess or not guess.is_file():
        pytest.skip("mock_model_server not found: set MOCK_MODEL_SERVER (ctest does)")
    return str(guess)


class MockModelServer:
    """The C++ scripted model server on a free port; `log` keeps each request
    as a JSON line (requests() reads them)."""

    def __init__(self, log):
        self.log = Path(log)
        self.proc = subprocess.Popen([mock_model_server_path(), "--port", "0", "--log", str(log)],
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        assert line.startswith("PORT "), line
        self.port = int(line.split()[1])
        self.url = f"http://127.0.0.1:{self.port}/v1"

    def requests(self):
        if not self.log.exists():
            return []
        return [json.loads(l) for l in self.log.read_text().splitlines() if l.strip()]

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
