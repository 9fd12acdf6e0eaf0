"""Chat requests and the database routes run on separate thread pools: with
every chat thread (`workers`) held by an upstream that stalls, the review API,
/readyz, /metrics, conversations and an API key the server has not cached yet
still answer. Before, one pool of `workers` threads ran both, so a few slow
generations (or a client sending them on purpose) starved reviewers and failed
the health check; this test hung on that code (every request below timed out).

No timed assertions: the timeouts only detect a request that never answers
while the stall lasts; the stall is released at the end."""
import json
import threading

from conftest import BANK, POLICY, Server, jrequest, request, run
from sgkit import FakeOpenAI

CHAT_WORKERS = 2
HANG = 60  # seconds: longer than any answer takes; shorter than the stall


class StallingUpstream:
    """A loopback model whose every chat answer waits until release()."""

    def __init__(self):
        self.release_event = threading.Event()
        self.cv = threading.Condition()
        self.arrived = 0

        def reply(body):
            with self.cv:
                self.arrived += 1
                self.cv.notify_all()
            self.release_event.wait(600)
            return {"id": "chatcmpl-up", "object": "chat.completion", "model": "up",
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": "late"},
                                 "finish_reason": "stop"}]}

        self.fake = FakeOpenAI(reply=reply)

    def wait_arrived(self, n):
        with self.cv:
            return self.cv.wait_for(lambda: self.arrived >= n, timeout=HANG)

    def release(self):
        self.release_event.set()

    def close(self):
        self.release()
        self.fake.close()


def test_database_routes_answer_while_every_chat_worker_waits_on_the_upstream(tmp_path, db_url):
    (tmp_path / "bank.csv").write_text(BANK)
    (tmp_path / "policy.yaml").write_text(POLICY)
    keys = {role: run(["serve", "keys", "create", "--db", db_url, "--name", role, "--role", role],
                      tmp_path).stdout.strip() for role in ("admin", "reviewer", "client")}
    up = StallingUpstream()
    srv = Server(tmp_path, db_url, up.fake.url, extra_config=f"workers: {CHAT_WORKERS}\n")
    chats = []

    def chat(i):
        body = {"model": "m", "messages": [{"role": "user", "content": f"hello {i}"}],
                "user": f"u{i}"}
        try:
            chats.append(request("POST", srv.base + "/v1/chat/completions", body, keys["client"],
                                 timeout=300)[0])
        except Exception as e:  # noqa: BLE001  (reported by the assertion below)
            chats.append(repr(e))

    # One chat more than there are chat workers: it waits in the queue.
    threads = [threading.Thread(target=chat, args=(i,), daemon=True)
               for i in range(CHAT_WORKERS + 1)]
    try:
        for t in threads:
            t.start()
        assert up.wait_arrived(CHAT_WORKERS), "the chats never reached the upstream"
        base = srv.base
        # Every chat worker now waits on the upstream.
        s, r = jrequest("GET", base + "/readyz", timeout=HANG)
        assert s == 200 and r["status"] == "ready"
        s, payload, _ = request("GET", base + "/metrics", timeout=HANG)
        assert s == 200 and b"# TYPE" in payload
        s, r = jrequest("GET", base + "/v1/review/items", key=keys["reviewer"], timeout=HANG)
        assert s == 200 and r["object"] == "list"
        s, r = jrequest("GET", base + "/v1/users/u0", key=keys["admin"], timeout=HANG)
        assert s == 200
        s, r = jrequest("GET", base + "/v1/conversations/none-such", key=keys["client"], timeout=HANG)
        assert s == 404
        # A key the server has not cached: /v1/moderations (io thread) looks it
        # up on a worker, which must not be a chat worker.
        fresh = run(["serve", "keys", "create", "--db", db_url, "--name", "fresh", "--role", "client"],
                    tmp_path).stdout.strip()
        s, r = jrequest("POST", base + "/v1/moderations", {"input": "hello"}, fresh, timeout=HANG)
        assert s == 200 and r["results"][0]["flagged"] is False
        # The chats are still waiting (the queued one has not reached the upstream).
        assert chats == [] and up.arrived == CHAT_WORKERS
    finally:
        up.release()
        for t in threads:
            t.join(HANG)
        srv.stop()
        up.close()
    # Released, every chat (the queued one too) is answered.
    assert chats == [200] * (CHAT_WORKERS + 1)
    assert up.arrived == CHAT_WORKERS + 1


def test_a_pool_size_out_of_range_is_refused_with_file_line_and_key(tmp_path):
    """`workers` and `database_workers` are sizes a config file gives; 0, a
    negative, more than 1024 or a non-number stop the server before it
    listens, naming the file, the line and the key."""
    (tmp_path / "bank.csv").write_text(BANK)
    (tmp_path / "policy.yaml").write_text(POLICY)
    for key in ("workers", "database_workers"):
        for value in ("0", "-3", "1025", "many"):
            cfg = tmp_path / "bad.yaml"
            cfg.write_text(f"schema: safegate.serve/1\npolicy: policy.yaml\n{key}: {value}\n")
            p = run(["serve", "-c", str(cfg), "--db", f"sqlite:{tmp_path}/s.db", "--no-keys",
                     "--listen", "127.0.0.1:0"], tmp_path, check=False)
            assert p.returncode != 0, (key, value, p.stdout, p.stderr)
            assert "bad.yaml:3" in p.stderr and key in p.stderr, (key, value, p.stderr)
            assert "listening" not in p.stderr, (key, value, p.stderr)
