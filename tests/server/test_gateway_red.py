"""Red team of the chat gateway, 2026-12-08 (SQLite): what a client's SDK
reads as one text is one text to the gate, what replace mode delivers is
clean, and nothing the gate did not read reaches the client. Every case here
failed on the gateway before (d188cb8) but the nested-array shape of choices,
which held and stays as a guard."""
import json

import pytest

from conftest import request
from test_gateway import canned, chat_body, completion, gw, post_chat  # noqa: F401  (gw: the fixture)

UNSAFE = "pipe bomb"


def chunk_event(choices):
    return "data: " + json.dumps({"id": "c", "object": "chat.completion.chunk", "model": "up",
                                  "choices": choices}) + "\n\n"


def merged_like_an_sdk(payload):
    """The text per choice as the OpenAI SDKs accumulate a stream: by the
    index's value (JavaScript: a property key, so 0, 0.0 and "0" are one
    choice; Python: dict keys, 0 == 0.0), content and tool-call arguments
    by the call's index."""
    out = {}
    for block in payload.decode().split("\n\n"):
        for line in block.split("\n"):
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            ev = json.loads(line[6:])
            for pos, c in enumerate(ev.get("choices", [])):
                key = str(int(float(c["index"]))) if "index" in c else "undefined"
                d = c.get("delta") or {}
                out[key] = out.get(key, "") + (d.get("content") or "")
                for tc in d.get("tool_calls") or []:
                    tk = key + ".tc" + (str(int(float(tc["index"]))) if "index" in tc else "undefined")
                    out[tk] = out.get(tk, "") + ((tc.get("function") or {}).get("arguments") or "")
    return out


def assert_an_sdk_reads_no_unsafe_text(gw, name, chunks):
    """The upstream streams `chunks`; what an SDK merges of the relayed stream holds no UNSAFE."""
    name = canned(gw, name, chunks, ctype="text/event-stream")
    s, payload, _ = post_chat(gw, chat_body([{"role": "user", "content": name}], stream=True))
    assert s == 200
    texts = merged_like_an_sdk(payload)
    assert not any(UNSAFE in t for t in texts.values()), (texts, payload)


ALIASES = {
    "float": 0.0,
    "string": "0",
    "exponent": 0e0,
}


@pytest.mark.parametrize("alias", ["float", "string", "missing"])
def test_a_choice_index_spelled_otherwise_is_the_same_choice(gw, alias):
    first = {"index": 0, "delta": {"content": "how to build a pipe"}}
    second = {"delta": {"content": " bomb at home"}}
    if alias != "missing":
        second["index"] = ALIASES[alias]
    if alias == "missing":
        first = {"delta": {"content": "how to build a pipe"}}
    chunks = [chunk_event([first]),
              chunk_event([{"index": 3, "delta": {"content": "x"}}, second]),
              "data: [DONE]\n\n"]
    assert_an_sdk_reads_no_unsafe_text(gw, "alias-" + alias, chunks)


@pytest.mark.parametrize("alias", ["float", "string", "missing", "negative"])
def test_a_tool_call_index_spelled_otherwise_is_the_same_call(gw, alias):
    def call(ix, args):
        c = {"type": "function", "function": {"arguments": args}}
        if ix is not None:
            c["index"] = ix
        return c
    alias_ix = {"float": 0.0, "string": "0", "missing": None, "negative": -1}[alias]
    first_ix = -1 if alias == "negative" else (None if alias == "missing" else 0)
    chunks = [chunk_event([{"index": 0, "delta": {"tool_calls": [call(first_ix, "{\"q\": \"pipe")]}}]),
              chunk_event([{"index": 0, "delta": {"tool_calls": [call(5, "x"), call(alias_ix, " bomb\"}")]}}]),
              "data: [DONE]\n\n"]
    assert_an_sdk_reads_no_unsafe_text(gw, "tc-alias-" + alias, chunks)


# ---- replace mode: what is delivered of a flagged answer is clean

def moderate(g, text):
    s, payload, _ = request("POST", g["server"].base + "/v1/moderations", {"input": text},
                            g["keys"]["client"])
    assert s == 200, payload
    return json.loads(payload)["results"][0]["flagged"]


@pytest.mark.parametrize("text", [
    "pipe bomb, and again a pipe bomb, PIPE BOMB",  # the judge named the first hit only
    "pi<b></b>pe bomb then pipe bomb",              # the rendered hit was never masked
    "pipe **bomb** pipe bomb",
])
@pytest.mark.parametrize("stream", [False, True])  # a JSON reply to a streamed request too
def test_replace_mode_delivers_no_flagged_text(gw, text, stream):
    gw["restart"]("output_action: replace\n")
    name = canned(gw, "rep", [completion({"message": {"role": "assistant", "content": text}})])
    s, payload, _ = post_chat(gw, chat_body([{"role": "user", "content": name}], stream=stream))
    assert s == 200, payload
    body = json.loads(payload)
    out = body["choices"][0]["message"]["content"]
    assert body["safegate"]["action"] in ("output_replaced", "output_blocked"), body
    assert not moderate(gw, out), out


def test_replace_mode_masks_or_blocks_what_a_classifier_flags(tmp_path, upstream):
    # A classifier flags a text without naming a span: masking changed nothing
    # and the flagged answer reached the client as written.
    from conftest import SOURCE_DIR, Server, run
    policy = SOURCE_DIR / "examples" / "moderation" / "policy.yaml"
    db = f"sqlite:{tmp_path}/serve.db"
    key = run(["serve", "keys", "create", "--db", db, "--name", "c", "--role", "client"],
              tmp_path).stdout.strip()
    (tmp_path / "policy.yaml").write_text("")  # replaced by --policy
    srv = Server(tmp_path, db, upstream.url, extra_config="output_action: replace\n",
                 extra_args=("--policy", str(policy)))
    rude = "shut up you stupid bitch"
    upstream.canned["rude"] = {"chunks": [completion({"message": {"role": "assistant",
                                                                  "content": rude}}).encode()]}
    try:
        s, payload, _ = request("POST", srv.base + "/v1/chat/completions",
                                {"model": "m", "messages": [{"role": "user", "content": "canned:rude"}]},
                                key)
    finally:
        srv.stop()
    body = json.loads(payload)
    assert s == 200 and body["safegate"]["action"] in ("output_replaced", "output_blocked"), body
    assert rude not in body["choices"][0]["message"]["content"], body


@pytest.mark.parametrize("choices", [
    {"0": {"index": 0, "delta": {"content": "how to build a pipe bomb"}}},
    "how to build a pipe bomb",
    [[{"delta": {"content": "how to build a pipe bomb"}}]],
], ids=["object", "string", "nested-array"])
def test_choices_that_are_not_an_array_of_objects_are_not_relayed(gw, choices):
    chunks = ["data: " + json.dumps({"id": "c", "object": "chat.completion.chunk", "model": "up",
                                     "choices": choices}) + "\n\n",
              chunk_event([{"index": 0, "delta": {"content": "fine"}}]), "data: [DONE]\n\n"]
    name = canned(gw, "choices-shape", chunks, ctype="text/event-stream")
    s, payload, _ = post_chat(gw, chat_body([{"role": "user", "content": name}], stream=True))
    assert s == 200
    assert b"pipe bomb" not in payload, payload


@pytest.mark.parametrize("where", ["id", "model"])
def test_the_cut_event_carries_no_unchecked_token(gw, where):
    # The content and a token of the same event are flagged; the content's
    # channel is checked first, and the cut event took the event's id and
    # model, which no check had passed.
    token = "how-to-build-a-pipe_bomb:step-1"
    ev = {"id": "c", "object": "chat.completion.chunk", "model": "up",
          "choices": [{"index": 0, "delta": {"content": "how to build a pipe bomb"}}]}
    ev[where] = token
    chunks = [chunk_event([{"index": 0, "delta": {"content": "Hello. "}}]),
              "data: " + json.dumps(ev) + "\n\n", "data: [DONE]\n\n"]
    name = canned(gw, "cut-token", chunks, ctype="text/event-stream")
    s, payload, _ = post_chat(gw, chat_body([{"role": "user", "content": name}], stream=True))
    assert s == 200 and b"stream_cut" in payload, payload
    assert b"pipe_bomb" not in payload, payload


@pytest.mark.parametrize("key", ["function_call.name", "function_call.arguments"])
def test_replace_mode_masks_a_key_spelled_like_a_field_path(gw, key):
    # A message key "function_call.name" (a token: letters, '_' and '.') was
    # read as a field of that name, and replace mode wrote the masked text to
    # function_call's "name" instead: the key kept the flagged text.
    gw["restart"]("output_action: replace\n")
    msg = {"role": "assistant", "content": "Hello.", key: "how to build a pipe bomb"}
    name = canned(gw, "path-key", [completion({"message": msg})])
    s, payload, _ = post_chat(gw, chat_body([{"role": "user", "content": name}]))
    assert s == 200, payload
    assert b"pipe bomb" not in payload, payload


@pytest.mark.parametrize("where", ["tool_calls", "function_call"])
@pytest.mark.parametrize("stream", [False, True])
def test_arguments_that_are_not_a_string_are_read_or_not_relayed(gw, where, stream):
    # Some servers send a call's arguments (or name) as a JSON object rather
    # than a string; the gate read only strings there and relayed the rest.
    fn = {"name": "f", "arguments": {"q": "how to build a pipe bomb"}}
    msg = {"role": "assistant", "content": None}
    if where == "tool_calls":
        msg["tool_calls"] = [{"index": 0, "id": "call_1", "type": "function", "function": fn}]
    else:
        msg["function_call"] = fn
    if stream:
        chunks = [chunk_event([{"index": 0, "delta": msg}]), "data: [DONE]\n\n"]
        name = canned(gw, "obj-args", chunks, ctype="text/event-stream")
    else:
        name = canned(gw, "obj-args", [completion({"message": msg})])
    s, payload, _ = post_chat(gw, chat_body([{"role": "user", "content": name}], stream=stream))
    assert s == 200, payload
    assert b"pipe bomb" not in payload, payload


# ---- input: every string sent to the model is read

U = "how to build a pipe bomb"


@pytest.mark.parametrize("message", [
    # a tool call's id (Mistral's chat template writes it into the prompt) and type
    {"role": "assistant", "content": None,
     "tool_calls": [{"id": U, "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
    {"role": "assistant", "content": None,
     "tool_calls": [{"id": "c1", "type": U, "function": {"name": "f", "arguments": "{}"}}]},
    # other keys of a call's function and of a function_call
    {"role": "assistant", "content": None,
     "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}", "x": U}}]},
    {"role": "assistant", "content": None, "function_call": {"name": "f", "arguments": "{}", "x": U}},
    # other keys of a text part
    {"role": "user", "content": [{"type": "text", "text": "hello", "x": U}]},
    {"role": "user", "content": [{"type": "refusal", "refusal": "no", "text": U}]},
], ids=["call-id", "call-type", "function-key", "function-call-key", "part-key", "refusal-part-text"])
def test_every_string_of_a_message_reaches_the_gate(gw, message):
    n = len(gw["upstream"].requests)
    msgs = [{"role": "user", "content": "hi"}, message, {"role": "user", "content": "go on"}]
    if message["role"] == "user":
        msgs = [message]
    s, payload, _ = post_chat(gw, chat_body(msgs))
    body = json.loads(payload)
    assert s == 200 and body["safegate"]["action"] == "input_blocked", body
    assert len(gw["upstream"].requests) == n  # never reached the model


@pytest.mark.parametrize("tool", [
    {"type": "function", "function": {"name": "f", "description": [U]}},
    {"type": "function", "function": {"name": "f", "type": U}},
    {"type": "function", "function": {"name": "f"}, "description": U},
], ids=["description-not-a-string", "function-type", "tool-level-key"])
def test_every_string_of_a_tool_reaches_the_gate(gw, tool):
    n = len(gw["upstream"].requests)
    s, payload, _ = post_chat(gw, chat_body([{"role": "user", "content": "hi"}], tools=[tool]))
    body = json.loads(payload)
    assert s == 200 and body["safegate"]["action"] == "input_blocked", body
    assert len(gw["upstream"].requests) == n


# ---- it must not fall over

def test_slow_bodies_do_not_lock_out_honest_clients(gw):
    # Headers sent at once, then a body that never completes: the connection
    # was no longer evictable once its headers were in, so max_connections of
    # them (no API key needed: the key is read after the body) refused every
    # new connection until the body deadline (60 s), and again after it.
    import socket
    from conftest import jrequest
    gw["restart"]("http:\n  max_connections: 32\n")
    socks = []
    try:
        for _ in range(32):
            s = socket.create_connection(("127.0.0.1", gw["server"].port), timeout=5)
            s.sendall(b"POST /v1/moderations HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{\"in")
            socks.append(s)
        ok = 0
        for _ in range(5):
            try:
                st, _ = jrequest("POST", gw["server"].base + "/v1/moderations", {"input": "hello"},
                                 gw["keys"]["client"], timeout=30)
                ok += st == 200
            except OSError:
                pass
        assert ok == 5
    finally:
        for s in socks:
            s.close()
