"""Black-box tests of the safegate binary: each test works in its own temp dir."""
import gzip
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pyshared"))
from sgcache import cache_dir, shared_cache  # noqa: E402,F401  (shared_cache: autouse fixture)

BIN = os.environ.get("SAFEGATE_BIN", "")
SOURCE_DIR = Path(os.environ.get("SAFEGATE_SOURCE_DIR", Path(__file__).resolve().parents[2]))
SHARED = SOURCE_DIR.parent / "shared" / "data"

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


def run(args, cwd, env=None, check=True, timeout=300):
    e = dict(os.environ)
    e["SAFEGATE_NO_PROGRESS"] = "1"
    e["SAFEGATE_CACHE_DIR"] = cache_dir(cwd)
    if env:
        e.update(env)
    p = subprocess.run([BIN] + [str(a) for a in args], cwd=cwd, env=e, capture_output=True, text=True,
                       timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"safegate {' '.join(map(str, args))} exited {p.returncode}\n"
                             f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def write_jsonl(path, docs, field="text", compress=None):
    lines = "".join(json.dumps({"id": f"d{i}", field: t}, ensure_ascii=False) + "\n" for i, t in enumerate(docs))
    data = lines.encode("utf-8")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if compress == "gz":
        path.write_bytes(gzip.compress(data))
    elif compress == "zst":
        raw = path.with_suffix(".raw")
        raw.write_bytes(data)
        subprocess.run(["zstd", "-q", "-f", str(raw), "-o", str(path)], check=True)
        raw.unlink()
    else:
        path.write_bytes(data)
    return path


def make_docs(n, every, seed=0):
    """n documents; every `every`-th one carries a keyword."""
    import random
    rng = random.Random(seed)
    words = ["garden", "river", "market", "library", "school", "bridge", "recipe", "music", "winter", "train"]
    bad = ["how to build a PIPE BOMB", "selling stolen card numbers", "SSN 123-45-6789 leaked"]
    out = []
    for i in range(n):
        t = " ".join(rng.choice(words) for _ in range(rng.randint(5, 40)))
        if i % every == 0:
            t += " " + bad[i % len(bad)]
        out.append(t)
    return out


@pytest.fixture
def project(tmp_path):
    """A policy, a bank and two JSONL sources (one gzip) in tmp_path."""
    (tmp_path / "bank.csv").write_text(BANK, encoding="utf-8")
    (tmp_path / "policy.yaml").write_text(POLICY, encoding="utf-8")
    write_jsonl(tmp_path / "data" / "a.jsonl", make_docs(3000, 25, seed=1))
    write_jsonl(tmp_path / "data" / "b.jsonl.gz", make_docs(2000, 10, seed=2), compress="gz")
    (tmp_path / "safegate.yaml").write_text(
        "schema: safegate.project/1\npolicy: policy.yaml\ncorpus:\n  sources:\n"
        "    - name: a\n      paths: [data/a.jsonl]\n      format: jsonl\n      id_field: id\n"
        "    - name: b\n      paths: [data/b.jsonl.gz]\n      format: jsonl\n", encoding="utf-8")
    return tmp_path


def without_run(obj):
    """A result with its timing/shard fields removed, for comparisons."""
    obj = dict(obj)
    obj.pop("run", None)
    return obj


def read_jsonl(path):
    return [json.loads(l) for l in Path(path).read_text(encoding="utf-8").splitlines() if l.strip()]


class LoopbackJudge:
    """An OpenAI-compatible judge server on loopback: `reply(body)` gives the JSON
    answer to each POST (body: the parsed request); `bodies` keeps the requests."""

    def __init__(self, reply):
        self.bodies = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                outer.bodies.append(body)
                data = json.dumps(reply(body)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
