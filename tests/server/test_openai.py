"""The OpenAI-compatible surfaces of `safegate serve` (docs/http-api.md):
/v1/moderations carries every OpenAI category name, /v1/models is relayed
from the upstream, and the official `openai` npm SDK reads all of it
(openai_sdk.mjs; skipped, saying why, without node or the pinned package)."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import MODELS, SOURCE_DIR, Server, jrequest, request, run

OPENAI_NAMES = ["harassment", "harassment/threatening", "hate", "hate/threatening", "illicit",
                "illicit/violent", "self-harm", "self-harm/intent", "self-harm/instructions",
                "sexual", "sexual/minors", "violence", "violence/graphic"]
SDK_DIR = Path(__file__).resolve().parent / "sdk"


def moderate(base, key, texts):
    s, body = jrequest("POST", base + "/v1/moderations", {"input": texts}, key)
    assert s == 200, body
    return body["results"]


def test_every_openai_name_is_in_every_result(env):
    base, key = env["server"].base, env["keys"]["client"]
    clean, kw = moderate(base, key, ["hello there", "hire a hitman"])
    for r in (clean, kw):
        # Every OpenAI name, even those nothing maps to; every key once.
        for n in OPENAI_NAMES:
            assert n in r["categories"] and n in r["category_scores"], n
        assert set(r["category_scores"]) == set(r["categories"])
        assert r["category_applied_input_types"] == {k: ["text"] for k in r["categories"]}
        # The policy's own categories are still there (tc260 A.* and the test's S*).
        assert {"S1", "A.1-6", "A.2-5"} <= set(r["categories"])
    assert not any(clean["categories"].values()) and not any(clean["category_scores"].values())
    # S1 -> violence: flagged with the deciding judge's score (1.0 for a keyword);
    # names nothing maps to stay false and 0.
    assert kw["categories"]["violence"] is True and kw["category_scores"]["violence"] == 1.0
    for n in ("harassment/threatening", "hate/threatening", "self-harm/intent", "violence/graphic"):
        assert kw["categories"][n] is False and kw["category_scores"][n] == 0


TC260_POLICY = """schema: safegate.policy/1
id: tc260-only
version: "1"
profile: tc260-2024
taxonomy: {inherit: true}
keyword_banks: [bank.csv]
"""
TC260_BANK = """id,category,lang,type,whole_word,text
t-1,A.2-5,en,literal,true,women are inferior and should not vote
t-2,A.1-6,en,literal,true,graphic beheading video
t-3,A.4-6,en,literal,true,his home address and phone number
"""


def test_tc260_default_mapping_and_override(tmp_path, upstream):
    (tmp_path / "bank.csv").write_text(TC260_BANK)
    (tmp_path / "policy.yaml").write_text(TC260_POLICY)
    db = f"sqlite:{tmp_path}/serve.db"
    key = run(["serve", "keys", "create", "--db", db, "--name", "c", "--role", "client"],
              tmp_path).stdout.strip()
    texts = ["women are inferior and should not vote", "a graphic beheading video",
             "post his home address and phone number"]
    srv = Server(tmp_path, db, upstream.url)
    try:
        hate, violent, privacy = moderate(srv.base, key, texts)
    finally:
        srv.stop()
    # A.2-x (discrimination) -> hate; A.1-6 (violence, obscenity) -> violence and sexual.
    assert hate["categories"]["A.2-5"] and hate["categories"]["A.2"]
    assert hate["categories"]["hate"] is True and hate["category_scores"]["hate"] == 1.0
    assert [n for n in OPENAI_NAMES if hate["categories"][n]] == ["hate"]
    assert [n for n in OPENAI_NAMES if violent["categories"][n]] == ["sexual", "violence"]
    # A.4-6 (personal information) has no OpenAI counterpart: flagged, but no OpenAI name.
    assert privacy["flagged"] and privacy["categories"]["A.4-6"]
    assert not any(privacy["categories"][n] for n in OPENAI_NAMES)
    # openai_categories replaces the default mapping; a name of one's own is added.
    srv = Server(tmp_path, db, upstream.url, extra_config=(
        "openai_categories:\n  A.4-6: [harassment, privacy]\n  A.2-5: hate/threatening\n"))
    try:
        hate, violent, privacy = moderate(srv.base, key, texts)
    finally:
        srv.stop()
    assert [n for n in OPENAI_NAMES if hate["categories"][n]] == ["hate/threatening"]
    assert not any(violent["categories"][n] for n in OPENAI_NAMES)
    assert privacy["categories"]["harassment"] and privacy["categories"]["privacy"]
    assert privacy["category_applied_input_types"]["privacy"] == ["text"]
    assert set(OPENAI_NAMES) <= set(privacy["categories"])


def test_models_are_relayed_from_the_upstream(env):
    base, keys, up = env["server"].base, env["keys"], env["upstream"]
    s, body = jrequest("GET", base + "/v1/models", key=keys["client"])
    assert s == 200 and body == {"object": "list", "data": MODELS}
    s, body = jrequest("GET", base + "/v1/models/up-model", key=keys["client"])
    assert s == 200 and body == MODELS[0]
    # An id with a slash, encoded by the client, reaches the upstream still encoded.
    s, body = jrequest("GET", base + "/v1/models/org%2Fname-7b", key=keys["client"])
    assert s == 200 and body == MODELS[1]
    assert up.gets[-1][0] == "/v1/models/org%2Fname-7b"
    # Nothing in the id can reach another upstream path.
    s, body = jrequest("GET", base + "/v1/models/..", key=keys["client"])
    assert s == 404 and up.gets[-1][0] == "/v1/models/%2E%2E"
    # The upstream's status and JSON error are relayed.
    s, body = jrequest("GET", base + "/v1/models/nope", key=keys["client"])
    assert s == 404 and body["error"]["code"] == "model_not_found"
    # Over 1 MiB, or not JSON: 502, nothing relayed.
    for ident in ("huge", "html"):
        s, body = jrequest("GET", base + "/v1/models/" + ident, key=keys["client"])
        assert s == 502 and body["error"]["type"] == "upstream_error", body
        assert "<html>" not in json.dumps(body)
    # A client key is needed, as for chat.
    assert jrequest("GET", base + "/v1/models")[0] == 401


def test_models_without_an_upstream_is_501(tmp_path):
    (tmp_path / "bank.csv").write_text(TC260_BANK)
    (tmp_path / "policy.yaml").write_text(TC260_POLICY)
    db = f"sqlite:{tmp_path}/serve.db"
    key = run(["serve", "keys", "create", "--db", db, "--name", "c", "--role", "client"],
              tmp_path).stdout.strip()
    (tmp_path / "serve.yaml").write_text("schema: safegate.serve/1\npolicy: policy.yaml\n")
    srv = Server(tmp_path, db, "")
    try:
        s, body = jrequest("GET", srv.base + "/v1/models", key=key)
    finally:
        srv.stop()
    assert s == 501 and "upstream.url" in body["error"]["message"]


@pytest.fixture
def openai_sdk():
    """`node openai_sdk.mjs BASE KEY` with the pinned SDK (scripts/install-npm-deps.sh)."""
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed (scripts/install-deps.sh installs nodejs)")
    pkg = SDK_DIR / "node_modules" / "openai" / "package.json"
    if not pkg.exists():
        pytest.skip(f"the openai npm package is not installed in {SDK_DIR} "
                    "(run scripts/install-npm-deps.sh; it needs the npm registry)")
    pinned = json.loads((SDK_DIR / "package.json").read_text())["dependencies"]["openai"]
    found = json.loads(pkg.read_text())["version"]
    if found != pinned:
        pytest.skip(f"openai {found} is installed, the test pins {pinned} "
                    "(run scripts/install-npm-deps.sh)")

    def drive(base, key):
        p = subprocess.run([node, str(SDK_DIR.parent / "openai_sdk.mjs"), base, key],
                           capture_output=True, text=True, timeout=120, cwd=SDK_DIR)
        assert p.returncode == 0, f"openai_sdk.mjs failed:\n{p.stdout}\n{p.stderr}"
        return p.stdout
    return drive


def test_the_official_openai_sdk_reads_every_endpoint(env, openai_sdk):
    out = openai_sdk(env["server"].base + "/v1", env["keys"]["client"])
    assert out.strip().splitlines()[-1] == "ok: moderations, chat, chat stream, models", out


def test_a_category_named_like_an_openai_name_is_one_key(tmp_path, upstream):
    # A policy category whose id is an OpenAI name is written once per object
    # (a duplicate key would leave clients to pick one of two values).
    (tmp_path / "bank.csv").write_text("id,category,lang,type,whole_word,text\n"
                                       "h-1,hate,en,literal,true,those people are vermin\n")
    (tmp_path / "policy.yaml").write_text(
        "schema: safegate.policy/1\nid: own\nversion: \"1\"\nprofile: baseline\n"
        "taxonomy:\n  inherit: true\n  categories:\n    - {id: hate, name: \"Hate (ours)\"}\n"
        "keyword_banks: [bank.csv]\n")
    db = f"sqlite:{tmp_path}/serve.db"
    key = run(["serve", "keys", "create", "--db", db, "--name", "c", "--role", "client"],
              tmp_path).stdout.strip()
    srv = Server(tmp_path, db, upstream.url)
    try:
        s, raw, _ = request("POST", srv.base + "/v1/moderations",
                            {"input": ["those people are vermin", "hello"]}, key)
    finally:
        srv.stop()
    assert s == 200
    assert raw.count(b'"hate":') == 6  # categories, scores, applied types; two results
    hit, clean = json.loads(raw)["results"]
    assert hit["categories"]["hate"] is True and hit["category_scores"]["hate"] == 1.0
    assert clean["categories"]["hate"] is False
    assert set(OPENAI_NAMES) <= set(hit["categories"])


def test_a_taxonomy_of_only_openai_names_still_gives_valid_json(tmp_path, upstream):
    # Every OpenAI name is a category of the policy: no OpenAI key is added at all.
    cats = "".join(f"    - {{id: {n}, name: \"{n}\"}}\n" for n in OPENAI_NAMES)
    (tmp_path / "bank.csv").write_text("id,category,lang,type,whole_word,text\n"
                                       "v-1,violence,en,literal,true,hire a hitman\n")
    (tmp_path / "policy.yaml").write_text(
        "schema: safegate.policy/1\nid: own\nversion: \"1\"\nprofile: baseline\n"
        "taxonomy:\n  inherit: true\n  categories:\n" + cats + "keyword_banks: [bank.csv]\n")
    db = f"sqlite:{tmp_path}/serve.db"
    key = run(["serve", "keys", "create", "--db", db, "--name", "c", "--role", "client"],
              tmp_path).stdout.strip()
    srv = Server(tmp_path, db, upstream.url)
    try:
        hit, clean = moderate(srv.base, key, ["hire a hitman", "hello"])
    finally:
        srv.stop()
    assert hit["categories"]["violence"] is True and clean["categories"]["violence"] is False
    for r in (hit, clean):
        assert set(OPENAI_NAMES) <= set(r["categories"])
        assert r["category_applied_input_types"] == {k: ["text"] for k in r["categories"]}


def test_the_example_policy_gives_calibrated_hate_and_harassment_scores(tmp_path, upstream):
    # examples/moderation/policy.yaml uses the default models (data/models): no set-up,
    # and category_scores carry their calibrated probabilities, not 0/1.
    db = f"sqlite:{tmp_path}/serve.db"
    key = run(["serve", "keys", "create", "--db", db, "--name", "c", "--role", "client"],
              tmp_path).stdout.strip()
    policy = SOURCE_DIR / "examples" / "moderation" / "policy.yaml"
    srv = Server(tmp_path, db, upstream.url, extra_args=("--policy", str(policy)))
    try:
        rude, kind, zh = moderate(srv.base, key, ["shut up you stupid bitch",
                                                  "thank you for the lovely dinner last night",
                                                  "谢谢你的帮助，祝你生日快乐"])
    finally:
        srv.stop()
    for r in (rude, kind, zh):
        assert set(OPENAI_NAMES) <= set(r["categories"])
    # The policy's own "harassment" category is the OpenAI key (written once).
    assert rude["categories"]["harassment"] is True and rude["flagged"]
    assert 0.8 <= rude["category_scores"]["harassment"] < 1
    assert 0 < kind["category_scores"]["harassment"] < 0.5 and not kind["flagged"]
    assert 0 < kind["category_scores"]["hate"] < 0.5 and kind["category_scores"]["S10"] == \
        kind["category_scores"]["hate"]
    # The Chinese model scores the Chinese text; the English one does not.
    assert 0 < zh["category_scores"]["hate"] < 0.7 and not zh["flagged"]
    assert zh["category_scores"]["harassment"] == 0


def test_the_serve_example_gives_calibrated_scores_with_no_set_up(tmp_path, upstream):
    # examples/serve/serve.yaml (make demo-serve) uses the example moderation policy with the
    # default classifier models: an offensive English sentence gets a calibrated harassment
    # probability through /v1/moderations, not the 0/1 of a keyword.
    import re
    example = SOURCE_DIR / "examples" / "serve"
    m = re.search(r"^policy:\s*(\S+)", (example / "serve.yaml").read_text(encoding="utf-8"), re.M)
    policy = (example / m.group(1)).resolve()
    assert policy == (SOURCE_DIR / "examples" / "moderation" / "policy.yaml").resolve()
    db = f"sqlite:{tmp_path}/serve.db"
    key = run(["serve", "keys", "create", "--db", db, "--name", "c", "--role", "client"],
              tmp_path).stdout.strip()
    srv = Server(tmp_path, db, upstream.url, extra_args=("--policy", str(policy)))
    try:
        (rude,) = moderate(srv.base, key, ["shut up you stupid bitch"])
    finally:
        srv.stop()
    assert 0.5 < rude["category_scores"]["harassment"] < 1 and rude["categories"]["harassment"]
    assert 0 < rude["category_scores"]["hate"] < 1
