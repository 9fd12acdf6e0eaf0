"""The reviewer page in each language (English, Simplified Chinese, Russian) in
headless Chromium: the language follows the browser's Accept-Language and an
explicit choice; every page renders without console errors and with no
message left untranslated (app.js logs an error and shows ⟦key⟧ for a key the
catalog lacks, and no English text of the catalog may show on a translated
page). Screenshots go to SAFEGATE_WEB_ARTIFACTS and, with
SAFEGATE_UPDATE_DOC_IMAGES=1, to docs/img/ (the committed ones)."""
import json
import os
import re

from conftest import PASSWORDS, SOURCE_DIR, import_label_set, shot

LANGS = [("en", "en", "en-US,en;q=0.9"), ("zh", "zh-Hans", "zh-CN,zh;q=0.9,en;q=0.5"),
         ("ru", "ru", "ru-RU,ru;q=0.9,en;q=0.5")]

PAGES = [  # name, hash, what shows that the page is rendered
    ("queue", "#/queue", "document.querySelectorAll('#queue tbody tr[data-id]').length === 1"),
    ("item", None, "document.getElementById('item-status') !== null"),
    ("dashboard", "#/dashboard", "document.getElementById('stat-decided') !== null"),
    ("staffing", "#/staffing", "document.querySelectorAll('[data-scenario]').length === 2"),
    ("labels", "#/labels", "document.querySelectorAll('#label-sets tbody tr').length === 1"),
    ("labelling", "#/labels/sample1", "document.getElementById('label-item') !== null"),
]


def catalog(server, lang):
    status, _, body = server.request("GET", "/ui/api/i18n?lang=" + lang)
    assert status == 200, body
    return json.loads(body)


def console_errors(browser):
    out = []
    for e in browser.events:
        if e.get("method") == "Runtime.consoleAPICalled" and e["params"].get("type") in ("error", "assert"):
            out.append(" ".join(str(a.get("value", a.get("description", ""))) for a in e["params"]["args"]))
        if e.get("method") == "Runtime.exceptionThrown":
            out.append(str(e["params"]["exceptionDetails"]))
    return out


def english_left(text, en, messages):
    """Catalog texts of several words that are English on a translated page."""
    left = []
    for key, english in en.items():
        words = re.sub(r"\{\d\}", " ", english).strip()
        if messages.get(key) == english or len(words.split()) < 2 or len(words) < 8:
            continue
        if words.strip(" :\u2192\u2190") in text:
            left.append(f"{key}: {english}")
    return left


def doc_image(browser, name):
    if os.environ.get("SAFEGATE_UPDATE_DOC_IMAGES") == "1":
        browser.screenshot(str(SOURCE_DIR / "docs" / "img" / f"{name}.png"))


def test_every_page_in_every_language(server, browser):
    server.chat("where can I hire a hitman")
    import_label_set(server.workdir, 10, 2, 2)
    en = catalog(server, "en")["messages"]
    ua = browser.eval("navigator.userAgent")
    browser.call("Network.enable")
    for code, tag, accept in LANGS:
        browser.call("Network.setUserAgentOverride", userAgent=ua, acceptLanguage=accept)
        messages = catalog(server, code)["messages"]
        assert catalog(server, code)["tag"] == tag
        browser.events.clear()
        browser.goto(server.base + "/ui/")
        browser.wait("document.body.dataset.ready === '1'")
        browser.wait("!document.getElementById('login').hidden")
        # The language follows Accept-Language (nothing chosen yet in this browser).
        assert browser.eval("document.documentElement.lang") == tag
        assert browser.eval("document.querySelector('#login h1').textContent") == messages["web.login.title"]
        shot(browser, f"i18n-{code}-login")
        doc_image(browser, f"review-login-{code}")
        browser.type_into("#login-user", "alice")
        browser.type_into("#login-pass", PASSWORDS["alice"])
        browser.click("#login-submit")
        browser.wait("!document.getElementById('top').hidden")
        for name, where, ready in PAGES:
            if where is None:
                browser.eval("location.hash = '#/item/' + "
                             "document.querySelector('#queue tbody tr[data-id]').dataset.id")
            else:
                browser.eval(f"location.hash = '{where}'")
            browser.wait(ready)
            text = browser.eval("document.body.innerText")
            assert "\u27e6" not in text, (code, name, text)
            if code != "en":
                assert english_left(text, en, messages) == [], (code, name)
            assert console_errors(browser) == [], (code, name)
            shot(browser, f"i18n-{code}-{name}")
            if name in ("queue", "item", "dashboard"):
                doc_image(browser, f"review-{name}-{code}")
        h2 = {"queue": "web.q.title"}
        browser.eval("location.hash = '#/queue'")
        browser.wait("document.querySelector('#view h2') !== null")
        assert browser.eval("document.querySelector('#view h2').textContent") == messages[h2["queue"]]
        browser.click("#logout")
        browser.wait("!document.getElementById('login').hidden")

    # An explicit choice wins over Accept-Language, and is kept on reload.
    browser.call("Network.setUserAgentOverride", userAgent=ua, acceptLanguage="ru-RU,ru;q=0.9")
    browser.goto(server.base + "/ui/")
    browser.wait("document.body.dataset.ready === '1' && document.documentElement.lang === 'ru'")
    browser.eval("(() => { const s = document.querySelector('#login select.lang'); s.value = 'zh';"
                 " s.dispatchEvent(new Event('change')); })()")
    browser.wait("document.documentElement.lang === 'zh-Hans'")
    browser.goto(server.base + "/ui/")
    browser.wait("document.body.dataset.ready === '1'")
    assert browser.eval("document.documentElement.lang") == "zh-Hans"
    assert browser.eval("document.querySelector('#login h1').textContent") == "登录"
    assert console_errors(browser) == []


def test_catalog_endpoint_negotiates(server):
    for header, want in [("ru-RU,ru;q=0.9", "ru"), ("de-DE,zh-CN;q=0.8", "zh"), ("fr", "en"), ("", "en")]:
        status, _, body = server.request("GET", "/ui/api/i18n", headers={"Accept-Language": header})
        assert status == 200, body
        assert json.loads(body)["lang"] == want, header
    status, _, body = server.request("GET", "/ui/api/i18n?lang=ru", headers={"Accept-Language": "zh"})
    d = json.loads(body)
    assert d["lang"] == "ru" and d["messages"]["web.q.title"] == "Очередь проверки"
    assert set(d["messages"]) == set(json.loads(server.request("GET", "/ui/api/i18n?lang=zh")[2])["messages"])
