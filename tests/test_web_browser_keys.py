"""The review queue by keyboard alone, in Debian's Chromium (issue 16, items 7 and "done when"):
? shows the keys; x ticks warnings that one reason then waives; j / k / Enter move through the
queue; on each finding a accepts (a blocking one first takes its reason) or w waives with
Ctrl+Enter, until the demo application's queue is empty. A finding opened from a filtered queue
steps through that queue, by j / k and after a decision."""

from __future__ import annotations

import pytest

from dossier.web import create_app
from tests.test_web_browser import Steps, browser, login  # noqa: F401 - browser is a fixture
from tests.web_support import LiveServer, bearer, make_site

PERSON = "林福生"  # sample-upgrade's findings about him lie apart in the whole queue

pytestmark = pytest.mark.service
REASON = "已核实原件，随申报材料附书面说明"


@pytest.fixture(scope="module")
def keys_site(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("web-keys"))  # its own: the walk decides every finding
    with LiveServer(create_app(site.settings, db=site.db)) as server:
        yield site, server.url
    site.db.dispose()


def open_findings(page, base: str, site) -> list[dict]:
    queue = page.request.get(f"{base}/api/applications/sample-upgrade/discrepancies",
                             headers=bearer(site.tokens["viewer"])).json()
    return [d for d in queue if d["status"] == "open"]


def active(page) -> str:
    return page.evaluate("() => document.activeElement.name || document.activeElement.id || ''")


def test_a_filtered_queue_is_walked_within_its_filter_in_chromium(browser, keys_site):  # noqa: F811
    site, base = keys_site
    viewer = bearer(site.tokens["viewer"])
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, base, site.tokens["reviewer"])
    queue = f"{base}/api/applications/sample-upgrade/queue"
    whole = [i["id"] for i in page.request.get(queue, headers=viewer).json()["items"]]
    mine = [i["id"] for i in page.request.get(queue, params={"person": PERSON}, headers=viewer).json()["items"]]
    assert len(mine) >= 3 and whole.index(mine[1]) - whole.index(mine[0]) > 1, "his findings lie apart"

    page.goto(f"{base}/applications/sample-upgrade?person={PERSON}#queue")
    page.keyboard.press("j")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    def at() -> int:
        assert "person=" in page.url, page.url  # the filter travels with every step
        return int(page.url.split("/discrepancies/")[1].split("?")[0])

    assert at() == mine[0]
    with page.expect_navigation():
        page.keyboard.press("j")
    assert at() == mine[1]
    with page.expect_navigation():
        page.keyboard.press("k")
    assert at() == mine[0]
    # a decision moves on to the next of the filtered queue too
    blocking = page.locator("h1.finding-title").get_attribute("data-severity") == "blocking"
    if blocking:
        page.keyboard.press("a")  # a blocking finding takes its reason first
        page.keyboard.type(REASON)
    with page.expect_navigation():
        page.keyboard.press("Enter" if blocking else "a")
    assert at() == mine[1] and "flash=accepted" in page.url
    assert not errors, errors
    context.close()


def test_the_keyboard_walks_the_whole_queue_in_chromium(browser, keys_site):  # noqa: F811
    site, base = keys_site
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    steps = Steps(page, "keyboard")
    login(page, base, site.tokens["reviewer"])

    page.keyboard.press("?")
    assert page.locator("#keys-help").is_visible()
    steps.shot("help", full_page=False)
    page.keyboard.press("Escape")
    assert not page.locator("#keys-help").is_visible()

    # two warnings ticked with x, waived with one reason sent by Ctrl+Enter
    severities = page.eval_on_selector_all("#queue-table tr.finding", "rows => rows.map(r => r.dataset.severity)")
    ticks = [i for i, s in enumerate(severities) if s == "warning"][:2]
    position = -1
    for index in ticks:
        for _ in range(index - position):
            page.keyboard.press("j")
        position = index
        page.keyboard.press("x")
    assert page.locator("#queue-table input[name=ids]:checked").count() == 2
    page.locator("#bulk-waive textarea[name=comment]").fill("统一说明：均为扫描质量所致，已核对原件")
    steps.shot("bulk-ticked", full_page=False)
    before = len(open_findings(page, base, site))
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    assert "flash=waived_many" in page.url and len(open_findings(page, base, site)) == before - 2

    # into the queue: j selects the first row, Enter opens it; j and k step on and back
    page.keyboard.press("j")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    first = page.url
    assert "/discrepancies/" in first
    with page.expect_navigation():
        page.keyboard.press("j")
    assert page.url != first
    with page.expect_navigation():
        page.keyboard.press("k")
    assert page.url == first

    decisions = {"accept": 0, "accept with reason": 0, "waive": 0}
    corrected_key_seen = False
    for _ in range(120):
        if "/discrepancies/" not in page.url:
            break
        title = page.locator("h1.finding-title")
        severity = title.get_attribute("data-severity")
        if not corrected_key_seen and page.locator("form.correct").count():
            page.keyboard.press("c")
            assert active(page) == "new_value"
            page.keyboard.press("Escape")
            corrected_key_seen = True
        if severity == "blocking" and decisions["waive"] <= decisions["accept with reason"]:
            page.keyboard.press("w")
            assert active(page) == "comment"
            page.keyboard.type(REASON)
            if not decisions["waive"]:
                steps.shot("waive-by-keyboard", full_page=False)
            with page.expect_navigation():
                page.keyboard.press("Control+Enter")
            decisions["waive"] += 1
        elif severity == "blocking":
            page.keyboard.press("a")  # no reason yet: the reason field takes the focus, nothing is sent
            assert active(page) == "comment" and "/discrepancies/" in page.url
            page.keyboard.type(REASON)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            decisions["accept with reason"] += 1
        else:
            with page.expect_navigation():
                page.keyboard.press("a")
            decisions["accept"] += 1
    assert "flash=queue_done" in page.url, decisions
    assert open_findings(page, base, site) == []
    assert decisions["accept"] and decisions["waive"] and decisions["accept with reason"] and corrected_key_seen
    steps.shot("queue-done", full_page=False)
    assert not errors, errors
    context.close()
