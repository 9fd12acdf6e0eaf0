"""The assessment report page (`safegate assess` writes report.html) in real
headless Chromium: rendered from a realistic fixture report
(tests/web/data/assess-report.json: every verdict kind, charts, OC curves and
hostile strings) by tests/tools/render_report, opened from a file:// URL.
Checks: no console errors, no network request at all, hostile strings stay
text, sortable tables sort, one <svg> per chart, the print style sheet, and
printing to PDF. Artefacts (screenshots, the PDF) go to SAFEGATE_WEB_ARTIFACTS."""
import base64
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import ARTIFACTS, BIN, SOURCE_DIR

FIXTURE = SOURCE_DIR / "tests" / "web" / "data" / "assess-report.json"
HOSTILE = "<script>alert(1)</script> \"quoted\" & 'single'"


def render_tool():
    path = os.environ.get("SAFEGATE_RENDER_REPORT")
    if not path and BIN:  # the build tree of the safegate binary (apps/cli/safegate)
        path = str(Path(BIN).resolve().parents[2] / "tests" / "unit" / "assess" / "render_report")
    return path if path and Path(path).exists() else None


@pytest.fixture
def page(tmp_path, browser):
    tool = render_tool()
    if not tool:
        pytest.skip("render_report not built")
    out = tmp_path / "report dir" / "report.html"  # a space in the path: URLs must still work
    out.parent.mkdir()
    subprocess.run([tool, str(FIXTURE), str(out)], check=True, capture_output=True, timeout=60)
    browser.call("Network.enable")
    browser.call("Log.enable")
    browser.events.clear()
    browser.goto(out.as_uri())
    browser.wait("document.documentElement.dataset.ready === '1'")
    browser.eval("1")  # drain pending events
    return out


def events(browser, method):
    browser.eval("1")
    return [e["params"] for e in browser.events if e.get("method") == method]


def column(browser, table, col):
    return browser.eval(f"[...document.querySelectorAll('{table} tbody tr')]"
                        f".map(r => r.cells[{col}].textContent)")


def sort_keys(browser, table, col):
    return browser.eval(f"[...document.querySelectorAll('{table} tbody tr')]"
                        f".map(r => r.cells[{col}].dataset.sort)")


def header_index(browser, table, label):
    return browser.eval(f"[...document.querySelectorAll('{table} thead th')]"
                        f".findIndex(th => th.textContent.trim() === {json.dumps(label)})")


def click_header(browser, table, col):
    browser.eval(f"document.querySelectorAll('{table} thead th')[{col}].querySelector('button').click()")


def test_page_loads_with_no_errors_and_no_network(page, browser):
    report = json.loads(FIXTURE.read_text())
    errors = [e for e in events(browser, "Log.entryAdded") if e["entry"]["level"] in ("error", "warning")]
    errors += [e for e in events(browser, "Runtime.consoleAPICalled") if e["type"] in ("error", "warning", "assert")]
    errors += events(browser, "Runtime.exceptionThrown")
    assert errors == []
    assert events(browser, "Page.javascriptDialogOpening") == []  # no injected alert() ran
    urls = [e["request"]["url"] for e in events(browser, "Network.requestWillBeSent")]
    assert urls == [page.as_uri()], urls

    # Hostile strings from the report are text, never markup.
    assert browser.eval("document.scripts.length") == 1
    assert browser.eval("document.querySelectorAll('b, img, iframe, link, object, embed').length") == 0
    text = browser.eval("document.body.innerText")
    assert HOSTILE in text
    assert 'wiki-"zh" <b>bold</b>' in text
    assert browser.eval("[...document.querySelectorAll('svg text')].some(t => t.textContent.startsWith("
                        "'<script>alert(1)'))")

    # Summary: the overall verdict and one count per verdict kind.
    assert browser.eval("document.getElementById('overall').textContent").startswith("NOT PASSED")
    counts = browser.eval("Object.fromEntries([...document.querySelectorAll('.counts li')]"
                          ".map(li => [li.dataset.verdict, Number(li.querySelector('.count').textContent)]))")
    expected = {v: sum(1 for r in report["requirements"] if r["verdict"] == v)
                for v in ("pass", "fail", "sample too small", "not assessed")}
    assert counts == expected and all(expected.values())

    # Every requirement is a row; one section per job; one SVG per chart and
    # curve, where the comparison of the two refusal banks stands for the
    # "eval.banks" chart (whose single threshold line fits only one of them).
    assert browser.eval("document.querySelectorAll('#requirements-table tbody tr').length") == \
        len(report["requirements"])
    assert browser.eval("[...document.querySelectorAll('section.job')].map(s => s.id)") == \
        ["banks", "corpus", "eval", "moderation"]
    n_svg = len(report["charts"]) + len(report["oc_curves"])
    assert browser.eval("document.querySelectorAll('svg').length") == n_svg
    assert browser.eval("document.querySelectorAll('#eval figure.comparison-chart svg').length") == 1
    assert browser.eval("document.querySelectorAll('#eval figure.oc-chart polyline.oc').length") == 3
    # Each chart has a dashed threshold line inside its plot.
    assert browser.eval("[...document.querySelectorAll('svg')].every(s => s.querySelector('line.threshold'))")

    # Evidence links resolve next to the page (relative), to files of the report's directory.
    base = page.parent.as_uri() + "/"
    hrefs = browser.eval("[...document.querySelectorAll('a.path')].map(a => a.href)")
    assert hrefs and all(h.startswith(base) for h in hrefs), hrefs
    assert base + "corpus/sample%20forum-en%20%231.jsonl" in hrefs
    assert browser.eval("[...document.querySelectorAll('span.path')].map(s => s.textContent)") == \
        ["/var/data/corpus/manifest.json"]

    if ARTIFACTS:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        browser.screenshot(str(ARTIFACTS / "assess-report.png"))
        size = browser.call("Page.getLayoutMetrics")["cssContentSize"]
        data = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                            clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"],
                                  "scale": 1})["data"]
        (ARTIFACTS / "assess-report-full.png").write_bytes(base64.b64decode(data))
        # The refusal charts of the evaluation section (docs/img/assess-report-charts.png).
        box = browser.eval("(() => { const f = [...document.querySelectorAll('#eval figure')];"
                           " const a = f[0].getBoundingClientRect(), b = f[2].getBoundingClientRect();"
                           " return {y: a.top + scrollY - 8, h: b.bottom - a.top + 16}; })()")
        data = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                            clip={"x": 0, "y": box["y"], "width": 820, "height": box["h"], "scale": 1})["data"]
        (ARTIFACTS / "assess-report-charts.png").write_bytes(base64.b64decode(data))


def test_clicking_a_header_sorts_the_table(page, browser):
    table = "#requirements-table"
    n_col = header_index(browser, table, "n")
    verdict_col = header_index(browser, table, "Verdict")
    id_col = header_index(browser, table, "Requirement")
    before = column(browser, table, id_col)

    click_header(browser, table, n_col)  # numeric, ascending; rows without n last
    keys = sort_keys(browser, table, n_col)
    present = [int(k) for k in keys if k != ""]
    assert present == sorted(present) and len(present) >= 5
    assert keys[:len(present)] == [str(k) for k in present]  # the empty ones at the end
    assert column(browser, table, id_col) != before
    assert browser.eval(f"document.querySelectorAll('{table} thead th')[{n_col}].getAttribute('aria-sort')") == \
        "ascending"

    click_header(browser, table, n_col)  # descending; still empty last
    keys = sort_keys(browser, table, n_col)
    present = [int(k) for k in keys if k != ""]
    assert present == sorted(present, reverse=True)
    assert present[0] == 12500

    click_header(browser, table, verdict_col)  # the failures first
    verdicts = column(browser, table, verdict_col)
    order = ["fail", "sample too small", "not assessed", "pass"]
    assert [order.index(v) for v in verdicts] == sorted(order.index(v) for v in verdicts)
    assert verdicts[0] == "fail" and verdicts[-1] == "pass"

    click_header(browser, table, id_col)  # text
    ids = column(browser, table, id_col)
    assert ids == sorted(ids, key=str.lower)

    # A section's own table sorts too.
    sec = "#corpus table.sortable"
    measured = header_index(browser, sec, "Measured")
    click_header(browser, sec, measured)
    values = [float(k) for k in sort_keys(browser, sec, measured) if k != ""]
    assert values == sorted(values) and len(values) >= 4


def test_printing(page, browser):
    browser.call("Emulation.setEmulatedMedia", media="print")
    try:
        assert browser.eval("getComputedStyle(document.querySelector('nav.toc')).display") == "none"
        assert browser.eval("getComputedStyle(document.getElementById('corpus')).breakBefore") == "page"
        assert browser.eval("getComputedStyle(document.querySelector('#requirements-table tbody tr'))"
                            ".breakInside") == "avoid"
        assert browser.eval("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
        assert browser.eval("getComputedStyle(document.querySelector('thead')).display") == "table-header-group"
    finally:
        browser.call("Emulation.setEmulatedMedia", media="")
    pdf = base64.b64decode(browser.call("Page.printToPDF", preferCSSPageSize=True)["data"])
    assert pdf.startswith(b"%PDF-") and len(pdf) > 20000
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages >= 5, pages  # summary + requirements, then a page per job
    if ARTIFACTS:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "assess-report.pdf").write_bytes(pdf)
    assert events(browser, "Network.requestWillBeSent")[1:] == []  # printing loads nothing either


def test_an_empty_report_opens_cleanly(tmp_path, browser):
    tool = render_tool()
    if not tool:
        pytest.skip("render_report not built")
    src = tmp_path / "empty.json"
    src.write_text(json.dumps({"schema": "safegate.assess-report/1", "requirements": []}))
    out = tmp_path / "report.html"
    subprocess.run([tool, str(src), str(out)], check=True, capture_output=True, timeout=60)
    browser.call("Network.enable")
    browser.call("Log.enable")
    browser.events.clear()
    browser.goto(out.as_uri())
    browser.wait("document.documentElement.dataset.ready === '1'")
    assert [e for e in events(browser, "Log.entryAdded") if e["entry"]["level"] == "error"] == []
    assert events(browser, "Runtime.exceptionThrown") == []
    assert [e["request"]["url"] for e in events(browser, "Network.requestWillBeSent")] == [out.as_uri()]
    assert browser.eval("document.getElementById('overall').textContent") == "No requirements in this report."
    assert browser.eval("document.querySelectorAll('svg').length") == 0
    assert browser.eval("document.querySelectorAll('section.job .empty').length") == 4


def test_the_demo_assessment_opens_cleanly(tmp_path, browser):
    """End to end: `safegate assess` on a copy of examples/demo (smaller corpus), then its
    report.html in Chromium: every job's section, no console error, no network request."""
    import shutil
    if not BIN:
        pytest.skip("SAFEGATE_BIN not set")
    demo = tmp_path / "demo"
    shutil.copytree(SOURCE_DIR / "examples" / "demo", demo,
                    ignore=shutil.ignore_patterns("corpus", "out", "assessment", "serve.db*", ".complete"))
    shutil.copytree(SOURCE_DIR / "examples" / "serve", tmp_path / "serve",
                    ignore=shutil.ignore_patterns("out"))
    # The demo's corpus labels name documents of its full-size corpus (20,000 per
    # source); this smaller corpus has other documents, so they are left out.
    project = (demo / "safegate.yaml").read_text(encoding="utf-8")
    assert "  labels: review/corpus-labels.csv\n" in project
    (demo / "safegate.yaml").write_text(project.replace("  labels: review/corpus-labels.csv\n", ""),
                                        encoding="utf-8")
    env = dict(os.environ, SAFEGATE_NO_PROGRESS="1", SAFEGATE_CACHE_DIR=str(tmp_path / "cache"))
    subprocess.run(["/usr/bin/python3", "gen_corpus.py", "corpus", "--docs", "2000", "--seed", "2026"],
                   cwd=demo, check=True, capture_output=True, timeout=120)
    subprocess.run([BIN, "serve", "migrate", "--db", "sqlite:moderation/serve.db"], cwd=demo, env=env,
                   check=True, capture_output=True, timeout=60)
    subprocess.run(["/usr/bin/python3", "moderation/gen_history.py", "moderation/serve.db"], cwd=demo,
                   check=True, capture_output=True, timeout=120)
    p = subprocess.run([BIN, "assess", "."], cwd=demo, env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 1, p.stdout + p.stderr  # the demo fails some requirements on purpose
    report = json.loads((demo / "assessment" / "report.json").read_text())
    assert {s["status"] for s in report["steps"]} == {"ran"}
    assert {r["verdict"] for r in report["requirements"]} == {"pass", "fail", "sample too small",
                                                               "not assessed"}
    html = demo / "assessment" / "report.html"
    browser.call("Network.enable")
    browser.call("Log.enable")
    browser.events.clear()
    browser.goto(html.as_uri())
    browser.wait("document.documentElement.dataset.ready === '1'")
    errors = [e for e in events(browser, "Log.entryAdded") if e["entry"]["level"] in ("error", "warning")]
    errors += [e for e in events(browser, "Runtime.consoleAPICalled") if e["type"] in ("error", "warning")]
    errors += events(browser, "Runtime.exceptionThrown")
    assert errors == []
    urls = [e["request"]["url"] for e in events(browser, "Network.requestWillBeSent")]
    assert urls == [html.as_uri()], urls
    # The eval run's answers asked again (--retry-errors on a resume; retries within the run) are
    # shown per bank: each is another draw of the model's answer, and an auditor reads the count.
    facts = browser.eval("[...document.querySelectorAll('dl.facts dt')]"
                         ".map(d => d.textContent + ': ' + d.nextElementSibling.textContent)")
    again = [f for f in facts if " answers asked again: " in f]
    assert again, facts
    assert all(re.search(r"\d+ answers asked again after an error answer .*, \d+ answers retried within the "
                         r"run \(\d+ extra attempts\)", f) for f in again), again
    for section in ("banks", "corpus", "eval", "moderation"):
        assert browser.eval(f"!!document.getElementById('{section}')"), section
    rows = browser.eval("document.querySelectorAll('#requirements-table tbody tr').length")
    assert rows == len(report["requirements"])
    assert browser.eval("document.querySelectorAll('svg').length") >= len(report["charts"])
    # Every evidence link of the page resolves to a file next to the report.
    hrefs = browser.eval("[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
                         ".filter(h => !h.startsWith('#'))")
    assert hrefs
    from urllib.parse import unquote
    for h in hrefs:
        assert (html.parent / unquote(h)).exists(), h
    if ARTIFACTS:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        browser.screenshot(str(ARTIFACTS / "assess-demo.png"))
