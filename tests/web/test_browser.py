"""The reviewer page in real headless Chromium: log in, claim, decide with a
keyboard shortcut, see the item leave the queue; label a corpus sample and
find the labels in `corpus audit`. Screenshots go to SAFEGATE_WEB_ARTIFACTS."""
import json

from conftest import PASSWORDS, import_label_set, run, shot


def login(browser, server, user):
    browser.goto(server.base + "/ui/")
    browser.wait("document.body.dataset.ready === '1'")
    browser.wait("!document.getElementById('login').hidden")
    browser.type_into("#login-user", user)
    browser.type_into("#login-pass", PASSWORDS[user])
    browser.click("#login-submit")
    browser.wait("!document.getElementById('top').hidden")


def test_reviewer_claims_and_removes_an_answer_with_a_shortcut(server, browser):
    # One flagged input and one flagged answer from the (fake) model.
    server.chat("where can I hire a hitman")
    answer = server.chat("what do you sell?", user="end-user-2")
    assert answer["safegate"]["action"] != "none"
    conv = answer["safegate"]["conversation_id"]

    login(browser, server, "alice")
    browser.wait("document.querySelectorAll('#queue tbody tr[data-id]').length === 2")
    shot(browser, "01-queue")
    # Only the answers: filter by source.
    browser.eval("(() => { const s = document.querySelector('select[data-filter=source]');"
                 " s.value = 'output'; s.dispatchEvent(new Event('change')); })()")
    browser.wait("document.querySelectorAll('#queue tbody tr[data-id]').length === 1")
    item = browser.eval("document.querySelector('#queue tbody tr[data-id]').dataset.id")

    browser.key("n")  # claim next
    browser.wait(f"document.getElementById('view').dataset.item === '{item}' && "
                 "document.getElementById('view').dataset.mine === '1'")
    # The flagged span is highlighted in the conversation.
    assert browser.eval("[...document.querySelectorAll('#conversation mark')].map(m => m.textContent)") == \
        ["stolen card numbers"]
    shot(browser, "02-item-claimed")
    browser.key("r")  # remove
    browser.wait("location.hash === '#/queue' && document.querySelector('#queue') !== null")
    browser.wait(f"document.querySelector('#queue tbody tr[data-id=\"{item}\"]') === null && "
                 "document.getElementById('queue-empty') !== null")
    shot(browser, "03-queue-after-decision")

    # The removed answer is gone from the conversation API.
    status, _, body = server.request("GET", f"/v1/conversations/{conv}")
    assert status == 200, body
    msgs = json.loads(body)["messages"]
    assistant = [m for m in msgs if m["role"] == "assistant"][0]
    assert assistant["status"] == "removed" and "stolen card" not in assistant["content"]

    # The decision shows up on the dashboard.
    browser.eval("location.hash = '#/dashboard'")
    browser.wait("document.getElementById('stat-decided') && document.getElementById('stat-decided').textContent === '1'")
    assert browser.eval("document.querySelectorAll('#reviewers tbody tr').length") == 1
    assert browser.eval("document.querySelectorAll('svg.chart polyline').length") == 2
    shot(browser, "04-dashboard")
    browser.eval("location.hash = '#/staffing'")
    browser.wait("document.querySelectorAll('[data-scenario]').length === 2")
    browser.eval("document.getElementById('st-rate').value = '120'; document.getElementById('st-aht').value = '4';"
                 "document.getElementById('st-go').click()")
    browser.wait("document.querySelector('[data-scenario=\"what-if\"]').textContent.includes('240.0/h')")
    cur = int(browser.eval("document.querySelector('[data-scenario=\"current\"] .reviewers').textContent"))
    doubled = int(browser.eval("document.querySelector('[data-scenario=\"what-if\"] .reviewers').textContent"))
    assert doubled > cur > 8
    shot(browser, "05-staffing")


def test_viewer_sees_the_queue_but_no_decision_buttons(server, browser):
    server.chat("where can I hire a hitman")
    login(browser, server, "vic")
    browser.wait("document.querySelectorAll('#queue tbody tr[data-id]').length === 1")
    assert browser.eval("document.getElementById('claim-next') === null")
    browser.click("#queue tbody tr[data-id]")
    browser.wait("document.getElementById('view').dataset.item !== undefined")
    assert browser.eval("document.getElementById('claim') === null && document.getElementById('remove') === null")


def test_corpus_sample_labelled_in_the_browser_reaches_corpus_audit(server, browser):
    w = server.workdir
    review = import_label_set(w, 40, 4, 3)
    n = len([l for l in review.read_text().splitlines() if l.strip()])

    login(browser, server, "alice")
    # The list of sets, as a reviewer: no admin import form, and no literal "null" in its place.
    browser.eval("location.hash = '#/labels'")
    browser.wait("document.getElementById('label-sets') !== null")
    assert browser.eval("document.getElementById('label-import') === null")
    view_text = browser.eval("document.getElementById('view').textContent")
    assert "null" not in view_text, view_text
    browser.eval("location.hash = '#/labels/sample1'")
    for i in range(n):
        browser.wait("document.getElementById('label-item') !== null")
        sid = browser.eval("document.getElementById('label-item').dataset.sample")
        flagged = browser.eval("document.querySelectorAll('#label-item mark').length > 0")
        if i == 0:
            shot(browser, "06-labelling")
        browser.key("x" if flagged else "o")
        browser.wait(f"document.getElementById('labels-done') !== null || "
                     f"(document.getElementById('label-item') && document.getElementById('label-item').dataset.sample !== '{sid}')")
    browser.wait("document.getElementById('labels-done') !== null")

    run(["serve", "labels", "export", "--set", "sample1", "-o", "labels.jsonl", "--db", "sqlite:serve.db"], w)
    rows = [json.loads(l) for l in (w / "labels.jsonl").read_text().splitlines() if l.strip()]
    assert len(rows) == n and all(r["label"] in ("allowable", "unallowable") and r["reviewer"] == "alice"
                                  for r in rows)
    run(["corpus", "audit", "--sample", "s.jsonl", "--labels", "labels.jsonl", "--json", "a.json"], w, check=False)
    audit = json.loads((w / "a.json").read_text())
    assert all(s["basis"] == "human" for s in audit["sources"])
    human = [x for x in audit["assessments"] if x["id"] == "corpus.human_sample"][0]
    assert human["n"] == n
