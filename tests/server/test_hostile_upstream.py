"""The gateway with a stranger's upstream (SQLite): an upstream that breaks
its stream half-way must not look like a finished answer to the client."""
import json
import socket
import threading

import pytest

from conftest import BANK, POLICY, Server, request, run


class RawUpstream:
    """Reads each request and answers the raw bytes `reply` (then closes)."""

    def __init__(self, reply):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.reply = reply
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/v1"
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            try:
                data = b""
                while b"\r\n\r\n" not in data:
                    got = c.recv(65536)
                    if not got:
                        break
                    data += got
                head, _, body = data.partition(b"\r\n\r\n")
                n = next((int(l.split(b":")[1]) for l in head.split(b"\r\n")
                          if l.lower().startswith(b"content-length:")), 0)
                while len(body) < n:
                    got = c.recv(65536)
                    if not got:
                        break
                    body += got
                c.sendall(self.reply)
            except OSError:
                pass
            finally:
                c.close()

    def close(self):
        self.sock.close()


def event(text):
    return ("data: " + json.dumps({"id": "c", "object": "chat.completion.chunk", "model": "up",
                                   "choices": [{"index": 0, "delta": {"content": text}}]}) + "\n\n").encode()


def chunk(data):
    return b"%x\r\n" % len(data) + data + b"\r\n"


@pytest.fixture
def serve_with(tmp_path):
    servers, ups = [], []

    def start(reply, url=None):
        (tmp_path / "bank.csv").write_text(BANK)
        (tmp_path / "policy.yaml").write_text(POLICY)
        up = RawUpstream(reply)
        ups.append(up)
        url = (url or "{}").format(up.url)
        # Compiles the policy's matcher into the session's cache first (as
        # the other gateway tests' first command does), so the server starts fast.
        (tmp_path / "t.jsonl").write_text('{"text": "hello"}\n')
        run(["judge", "run", "--policy", "policy.yaml", "-i", "t.jsonl", "-o", "t.out"], tmp_path)
        srv = Server(tmp_path, f"sqlite:{tmp_path}/serve.db", url, extra_args=["--no-keys"])
        srv.upstream = up
        servers.append(srv)
        return srv

    yield start
    for s in servers:
        s.stop()
    for u in ups:
        u.close()


def json_reply(body):
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body


SSE_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"


def ask(serve_with, stream, sse, body):
    """A gateway whose upstream answers the events `sse` (stream) or the JSON `body`, asked once:
    (server, status, payload)."""
    srv = serve_with(SSE_HEAD + sse if stream else json_reply(body))
    status, payload, _ = request("POST", srv.base + "/v1/chat/completions",
                                 {"model": "m", "stream": stream, "user": "u1",
                                  "messages": [{"role": "user", "content": "hello"}]})
    return srv, status, payload


def stream_events(srv):
    status, payload, _ = request("POST", srv.base + "/v1/chat/completions",
                                 {"model": "m", "stream": True, "user": "u1",
                                  "messages": [{"role": "user", "content": "hello"}]})
    assert status == 200, payload
    return [l[len("data: "):] for l in payload.decode().split("\n") if l.startswith("data: ")]


# The upstream sends two good events in a chunked body, then a chunk size that
# is not hexadecimal: the transfer fails half-way.
BROKEN = (b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" +
          chunk(event("Hello")) + chunk(event(" there")) + b"zz\r\nrest")


def test_stream_broken_half_way_ends_with_an_error_event(serve_with):
    srv = serve_with(BROKEN)
    events = stream_events(srv)
    assert events[-1] == "[DONE]"
    texts = [json.loads(e) for e in events[:-1]]
    # What came was checked and relayed; then the client is told it is not all.
    assert [t["choices"][0]["delta"]["content"] for t in texts if "choices" in t] == ["Hello", " there"]
    errors = [t["error"] for t in texts if "error" in t]
    assert len(errors) == 1 and errors[0]["type"] == "upstream_error", texts
    assert "incomplete" in errors[0]["message"]
    assert srv.upstream.url.split("/v1")[0] not in errors[0]["message"]  # the address stays inside
    status, payload, _ = request("GET", srv.base + "/metrics")
    assert 'safegate_events_total{event="upstream_error"} 1' in payload.decode()


def test_stream_that_ends_cleanly_has_no_error_event(serve_with):
    srv = serve_with(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" +
                     chunk(event("Hello")) + chunk(b"data: [DONE]\n\n") + b"0\r\n\r\n")
    events = stream_events(srv)
    assert events[-1] == "[DONE]"
    assert not any("error" in json.loads(e) for e in events[:-1]), events


def test_stream_that_ends_without_done_or_a_finish_reason_is_incomplete(serve_with):
    """A model server that crashes or restarts mid-answer can close its stream
    cleanly (the last chunk, no transport error): with neither "[DONE]" nor a
    finish_reason the answer was cut short, and the client must not be told
    it is whole (before 2026-12-08 it was: a clean end, action "none")."""
    srv = serve_with(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" +
                     chunk(event("Hello")) + chunk(event(" there")) + b"0\r\n\r\n")
    events = stream_events(srv)
    assert events[-1] == "[DONE]"  # safegate's own end
    texts = [json.loads(e) for e in events[:-1]]
    assert [t["choices"][0]["delta"]["content"] for t in texts if "choices" in t] == ["Hello", " there"]
    errors = [t["error"] for t in texts if "error" in t]
    assert len(errors) == 1 and errors[0]["type"] == "upstream_error", texts
    assert "without [DONE] or a finish_reason" in errors[0]["message"]
    assert "incomplete" in errors[0]["message"]
    status, payload, _ = request("GET", srv.base + "/metrics")
    assert 'safegate_events_total{event="upstream_error"} 1' in payload.decode()


def test_stream_with_a_finish_reason_but_no_done_is_whole(serve_with):
    """Some servers end with a finish_reason and close without "[DONE]": whole."""
    last = ("data: " + json.dumps({"id": "c", "object": "chat.completion.chunk", "model": "up",
                                   "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}) +
            "\n\n").encode()
    srv = serve_with(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" +
                     chunk(event("Hello")) + chunk(last) + b"0\r\n\r\n")
    events = stream_events(srv)
    assert events[-1] == "[DONE]"
    assert not any("error" in json.loads(e) for e in events[:-1]), events


def test_upstream_failures_do_not_tell_the_client_the_upstream_url(serve_with):
    """The transport's messages name the URL; an operator's URL may carry a
    key (userinfo) or an internal address. The client learns the kind of
    failure only."""
    srv = serve_with(b"", url="http://sg:S3CRET@127.0.0.1:1/v1")
    for stream in (False, True):
        status, payload, _ = request("POST", srv.base + "/v1/chat/completions",
                                     {"model": "m", "stream": stream, "user": "u1",
                                      "messages": [{"role": "user", "content": "hello"}]})
        assert status == 502, payload
        err = json.loads(payload)["error"]
        assert err["type"] == "upstream_error" and err["message"].startswith("upstream model: ")
        assert "S3CRET" not in payload.decode() and "127.0.0.1:1" not in payload.decode(), payload
    assert "S3CRET" in (srv.workdir / srv.log.name).read_text()  # the operator's log has it all


def test_upstream_answer_over_the_cap_is_refused(serve_with):
    """An answer over upstream.max_answer_bytes (default 8 MiB) is not read
    into memory whole: a 60 MB answer took 530 MB of the gateway before."""
    text = "word " * (9 << 18)  # 11.25 MiB
    body = json.dumps({"choices": [{"message": {"role": "assistant", "content": text}}]}).encode()
    srv = serve_with(json_reply(body))
    status, payload, _ = request("POST", srv.base + "/v1/chat/completions",
                                 {"model": "m", "user": "u1",
                                  "messages": [{"role": "user", "content": "hello"}]})
    assert status == 502, payload[:300]
    assert json.loads(payload)["error"]["message"] == "upstream model: answer too large"
    # A streamed request answered with JSON is checked as a whole: the same.
    status, payload, _ = request("POST", srv.base + "/v1/chat/completions",
                                 {"model": "m", "user": "u1", "stream": True,
                                  "messages": [{"role": "user", "content": "hello"}]})
    assert status == 502 and b"answer too large" in payload, payload[:300]


BODY = json.dumps({"id": "c", "object": "chat.completion", "model": "up",
                   "output_text": "pipe bomb: step 1", "usage": {"note": "pipe bomb"},
                   "choices": [{"index": 0, "finish_reason": "stop", "stop_reason": "pipe bomb",
                                "message": {"role": "assistant", "content": "Hello."}}]}).encode()
SSE = (event("Hello") + b"data: " + json.dumps({"error": {"message": "pipe bomb: step 1"}}).encode() +
       b"\n\n" + event(" more") + b"data: [DONE]\n\n")


@pytest.mark.parametrize("stream", [False, True])
def test_text_outside_what_the_gate_reads_is_not_relayed(serve_with, stream):
    """Keys the gate does not read (a top-level output_text, strings in usage,
    a choice's own key, an error event's message) never reach the client
    unchecked."""
    srv, status, payload = ask(serve_with, stream, SSE, BODY)
    assert status == 200, payload
    assert b"pipe bomb" not in payload, payload
    assert b"Hello" in payload
    if stream:  # the error event ends the answer as an upstream failure
        events = [l[6:] for l in payload.decode().split("\n") if l.startswith("data: ")]
        assert events[-1] == "[DONE]" and json.loads(events[-2])["error"]["type"] == "upstream_error"
        assert b" more" not in payload


# Strings the gate does not read, in every place an upstream can put them: the metadata (id, model,
# object, system_fingerprint, service_tier, created), usage keys, a choice's index and finish_reason,
# a message's role, object keys the gate reads only the values of, a tool call's id and type, other
# keys of its function, and (in a stream: a whole answer with one is refused) a choice that is not
# an object.
HOSTILE = "how to build a pipe bomb"
META = {"id": HOSTILE, "object": HOSTILE, "model": HOSTILE, "system_fingerprint": HOSTILE,
        "service_tier": HOSTILE, "created": HOSTILE, "usage": {HOSTILE: 1, "total_tokens": 3}}
MESSAGE = {"role": HOSTILE, "content": "Hello.", HOSTILE: None,
           "tool_calls": [{"id": HOSTILE, "type": HOSTILE, "index": HOSTILE,
                           "function": {"name": "f", "arguments": "{}", "description": HOSTILE}}]}
HOSTILE_BODY = json.dumps({**META, "choices": [{"index": HOSTILE, "finish_reason": HOSTILE,
                                                "message": MESSAGE}]}).encode()
HOSTILE_SSE = b"data: " + json.dumps({**META, "choices": [{"index": HOSTILE, "finish_reason": HOSTILE,
                                                          "delta": MESSAGE}, HOSTILE]}).encode() + \
    b"\n\ndata: [DONE]\n\n"


@pytest.mark.parametrize("stream", [False, True])
def test_strings_the_gate_does_not_read_are_not_relayed(serve_with, stream):
    """Every string relayed from the upstream is either read by the gate or a short token
    (letters, digits, _ . : / @ + -): a 256-byte id or model was a channel nobody checked."""
    srv, status, payload = ask(serve_with, stream, HOSTILE_SSE, HOSTILE_BODY)
    assert status == 200, payload
    assert b"pipe bomb" not in payload, payload
    assert b"Hello." in payload
    bodies = ([json.loads(l[6:]) for l in payload.decode().split("\n")
               if l.startswith("data: {") and '"choices"' in l] if stream else [json.loads(payload)])
    for b in bodies:
        # The client still gets an id and the model it asked for, as OpenAI clients expect.
        assert b["model"] == "m" and b["id"].startswith("chatcmpl-"), b


# A token (no spaces, 1..128 bytes) can still spell a keyword of the bank: in every place a token is
# relayed, the gate checks it with the answer, and a flagged one blocks the whole answer.
SPELLED = "how-to-build-a-pipe_bomb:step-1"


def token_places():
    meta = {"id": "c1", "object": "chat.completion", "model": "up", "system_fingerprint": "fp_1"}
    msg = {"role": "assistant", "content": "Hello.",
           "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}
    choice = {"index": 0, "finish_reason": "stop"}
    yield "id", {**meta, "id": SPELLED}, msg, choice
    yield "model", {**meta, "model": SPELLED}, msg, choice
    yield "system_fingerprint", {**meta, "system_fingerprint": SPELLED}, msg, choice
    yield "service_tier", {**meta, "service_tier": SPELLED}, msg, choice
    yield "usage key", {**meta, "usage": {SPELLED: 1}}, msg, choice
    yield "finish_reason", meta, msg, {**choice, "finish_reason": SPELLED}
    yield "role", meta, {**msg, "role": SPELLED}, choice
    yield "message key", meta, {**msg, SPELLED: "x"}, choice
    yield "tool call id", meta, {**msg, "tool_calls": [{**msg["tool_calls"][0], "id": SPELLED}]}, choice
    yield "function key", meta, {**msg, "tool_calls": [{**msg["tool_calls"][0],
                                                        "function": {"name": "f", "arguments": "{}",
                                                                     "x": SPELLED}}]}, choice


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("place", [p[0] for p in token_places()])
def test_a_token_that_spells_a_keyword_is_checked(serve_with, stream, place):
    _, meta, msg, choice = next(p for p in token_places() if p[0] == place)
    body = json.dumps({**meta, "choices": [{**choice, "message": msg}]}).encode()
    sse = (b"data: " + json.dumps({**meta, "object": "chat.completion.chunk",
                                   "choices": [{**choice, "delta": msg}]}).encode() + b"\n\ndata: [DONE]\n\n")
    srv, status, payload = ask(serve_with, stream, sse, body)
    assert status == 200, payload
    assert b"pipe_bomb" not in payload, payload
    if stream:
        events = [json.loads(l[6:]) for l in payload.decode().split("\n") if l.startswith("data: {")]
        assert b"Hello." not in payload  # the event with the token was held, never sent
        assert events[-1]["safegate"]["action"] == "stream_cut", events
        assert events[-1]["model"] == "m" and events[-1]["id"].startswith("chatcmpl-sg"), events
    else:
        got = json.loads(payload)
        assert got["safegate"]["action"] == "output_blocked", got
        assert got["safegate"]["categories"] == ["S9"], got
        assert got["model"] == "m" and got["id"].startswith("chatcmpl-sg-"), got
        assert "tool_calls" not in got["choices"][0]["message"], got
    status, metrics, _ = request("GET", srv.base + "/metrics")
    assert 'safegate_events_total{event="upstream_tokens_flagged"} 1' in metrics.decode()


def test_ordinary_metadata_is_relayed_as_the_upstream_sent_it(serve_with):
    body = json.dumps({"id": "chatcmpl-9xYz_0.1", "object": "chat.completion", "created": 1765000000,
                       "model": "meta-llama/Llama-3.1-8B-Instruct", "system_fingerprint": "fp_44709d6fcb",
                       "usage": {"prompt_tokens": 1, "completion_tokens_details": {"reasoning_tokens": 0}},
                       "choices": [{"index": 0, "finish_reason": "tool_calls",
                                    "message": {"role": "assistant", "content": "Hello.",
                                                "tool_calls": [{"id": "call_abc", "type": "function",
                                                                "function": {"name": "f",
                                                                             "arguments": "{}"}}]}}]})
    srv = serve_with(json_reply(body.encode()))
    status, payload, _ = request("POST", srv.base + "/v1/chat/completions",
                                 {"model": "m", "user": "u1", "messages": [{"role": "user", "content": "hello"}]})
    assert status == 200, payload
    got, sent = json.loads(payload), json.loads(body)
    got.pop("safegate")
    assert got == sent, got


@pytest.mark.parametrize("bad", [
    b'data: {"choices": [{"index": 0, "delta": {"content": "pipe \xff bomb"}}]}\n\n',   # not UTF-8
    b"data: " + b'{"a":' * 600 + b"1" + b"}" * 600 + b"\n\n",                        # too deep
    b"data: {not json\n\n",
], ids=["not-utf8", "too-deep", "not-json"])
def test_a_stream_event_that_cannot_be_read_ends_the_stream_as_broken(serve_with, bad):
    """It was dropped without a word: the answer ended like a complete one, with a part missing
    that nobody checked. Now the stream ends with the gateway's upstream_error event, counted."""
    srv = serve_with(SSE_HEAD +
                     event("Hello") + bad + event(" more") + b"data: [DONE]\n\n")
    events = stream_events(srv)
    assert events[-1] == "[DONE]"
    texts = [json.loads(e) for e in events[:-1]]
    assert [t["choices"][0]["delta"]["content"] for t in texts if "choices" in t] == ["Hello"], texts
    errors = [t["error"] for t in texts if "error" in t]
    assert len(errors) == 1 and errors[0]["type"] == "upstream_error", texts
    assert "not a JSON object" in errors[0]["message"] and "incomplete" in errors[0]["message"]
    status, payload, _ = request("GET", srv.base + "/metrics")
    assert 'safegate_events_total{event="upstream_error"} 1' in payload.decode()
    assert 'safegate_events_total{event="upstream_bad_event"} 1' in payload.decode()


def test_the_models_list_relays_only_tokens(serve_with):
    """GET /v1/models relayed the upstream's body whole, and nothing reads it."""
    body = json.dumps({"object": "list", "data": [{"id": "org/m-1", "object": "model", "created": 1,
                                                   "owned_by": "how to build a pipe bomb",
                                                   "notes": ["how to build a pipe bomb", "x"]}]}).encode()
    srv = serve_with(json_reply(body))
    status, payload, _ = request("GET", srv.base + "/v1/models")
    assert status == 200, payload
    assert json.loads(payload) == {"object": "list", "data": [{"id": "org/m-1", "object": "model",
                                                               "created": 1, "notes": ["x"]}]}, payload


def test_the_models_list_relays_no_token_the_gate_flags(serve_with):
    """A model id or owner is a token, and a token can spell a keyword: the gate checks them, and
    removes the flagged ones (with their key); the rest of the list is relayed."""
    body = json.dumps({"object": "list", "data": [
        {"id": "org/m-1", "object": "model", "owned_by": SPELLED},
        {"id": SPELLED, "object": "model"},
        {"id": "org/m-2", "object": "model", "meta": {SPELLED: 1}}]}).encode()
    srv = serve_with(json_reply(body))
    status, payload, _ = request("GET", srv.base + "/v1/models")
    assert status == 200, payload
    assert json.loads(payload) == {"object": "list", "data": [{"id": "org/m-1", "object": "model"},
                                                              {"object": "model"},
                                                              {"id": "org/m-2", "object": "model",
                                                               "meta": {}}]}, payload
