"""The review UI in a real Chromium (Debian's, driven by Playwright), against a live server.

Quick test: sample-upgrade's born-digital files (no OCR). The "done when" test processes the whole
of sample-upgrade once (OCR, a few minutes) and resolves every finding from the browser alone,
then builds a clean packet and downloads it. Screenshots of each step are saved under
``test-artifacts/web/`` (git-ignored; CI keeps them as artefacts).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from dossier.web import create_app
from tests.conftest import need
from tests.web_support import ARTIFACTS, SAMPLE, LiveServer, make_site, truth

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.service


def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - it is a test dependency
        return None
    return sync_playwright


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _playwright()
    need(sync_playwright is not None and CHROMIUM.exists(), f"Chromium at {CHROMIUM} and Playwright")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM),
                                     args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


class Steps:
    """Screenshots named by step, in one folder per test."""

    def __init__(self, page, name: str):
        self.page = page
        self.folder = ARTIFACTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.count = 0

    def shot(self, what: str, full_page: bool = True, element=None) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{what}.png"
        if element is not None:
            element.screenshot(path=str(path))
        else:
            self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def pdf_pages(self, pdf: Path, pages: int = 2) -> None:
        """The first pages of a downloaded packet as pictures (cover, 目录)."""
        import pypdfium2

        document = pypdfium2.PdfDocument(str(pdf))
        try:
            for index in range(min(pages, len(document))):
                self.count += 1
                image = document[index].render(scale=1.2).to_pil()
                image.save(self.folder / f"{self.count:02d}-packet-page-{index + 1}.png")
        finally:
            document.close()


def login(page, base: str, token: str) -> None:
    page.goto(f"{base}/applications/sample-upgrade")  # a page: the login form comes first
    assert "/login" in page.url
    page.fill("#token", token)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/applications/sample-upgrade")


def wait_until(page, js: str, arg=None, timeout: float = 30.0) -> None:
    """Poll ``js`` (a function of ``arg``) until it is true. Not ``page.wait_for_function``: that
    evaluates its predicate by ``eval`` inside the page, which the Content-Security-Policy refuses."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(js, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {js}")
        time.sleep(0.05)


def images_loaded(page, selector: str) -> list[int]:
    wait_until(page, "s => Array.from(document.querySelectorAll(s)).every(i => i.complete)", selector)
    return page.eval_on_selector_all(selector, "imgs => imgs.map(i => i.naturalWidth)")


def open_finding(page, base: str, code: str, text: str | None = None) -> int:
    """Open the first open finding of ``code`` (whose message contains ``text``) from the queue."""
    page.goto(f"{base}/applications/sample-upgrade")
    rows = page.locator(f"tr.finding:not(.done)[data-code='{code}']")
    if text:
        rows = rows.filter(has_text=text)
    row = rows.first
    finding_id = int(row.get_attribute("data-id"))
    row.locator("a").click()
    page.wait_for_url(f"{base}/discrepancies/{finding_id}*")
    return finding_id


def download_packet(page, folder: Path) -> Path:
    with page.expect_download() as info:
        page.locator("#packets a.dl[href$='packet.pdf']").first.click()
    target = folder / "packet.pdf"
    info.value.save_as(str(target))
    return target


# --- quick: born-digital files only ---------------------------------------------------------------


@pytest.fixture(scope="module")
def quick_site(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("web-browser"))
    with LiveServer(create_app(site.settings, db=site.db)) as server:
        yield site, server.url
    site.db.dispose()


def test_review_correct_build_and_download_in_chromium(browser, quick_site):
    site, base = quick_site
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    steps = Steps(page, "quick")
    page.goto(f"{base}/")
    assert "/login" in page.url
    steps.shot("login")
    login(page, base, site.tokens["admin"])
    steps.shot("application")
    assert page.locator("#queue tr.finding").count() > 5

    # a finding seen in two documents: both crops side by side
    open_finding(page, base, "ID_CHECKSUM", "林福生")
    widths = images_loaded(page, "img.crop")
    assert len(widths) >= 2 and all(w > 100 for w in widths), widths
    assert "422801********7258" in page.inner_text("h1")
    steps.shot("discrepancy-two-crops")

    # correct the printed value the finding is about; it disappears from the queue
    finding_id = open_finding(page, base, "ID_GENDER_MISMATCH", "陶福生")
    steps.shot("before-correction")
    card = page.locator(".ev", has=page.locator("img.crop")).first
    card.locator("input[name=new_value]").fill("男")
    card.locator("button").click()
    page.wait_for_selector("#flash:not(.hidden)")
    assert "问题已消除" in page.inner_text("#flash")
    steps.shot("after-correction")
    page.goto(f"{base}/applications/sample-upgrade")
    assert page.locator(f"tr.finding[data-id='{finding_id}']").count() == 0
    page.goto(f"{base}/discrepancies/{finding_id}")
    assert page.locator("#resolved-banner").is_visible()
    steps.shot("resolved")

    # the document page: page image with the field boxes, the corrected value
    page.goto(f"{base}/applications/sample-upgrade")
    page.locator("#documents a", has_text="注册建造师").first.click()
    page.wait_for_selector("figure.page img")
    assert page.locator(".box").count() > 5
    assert images_loaded(page, "figure.page img")[0] > 500
    steps.shot("document-with-boxes", full_page=False)

    # upload by the drop zone's file picker: one good scan, one that is not a document
    page.goto(f"{base}/applications/sample-upgrade")
    page.set_input_files("#upload input[type=file][multiple]", files=[
        {"name": "证明.pdf", "mimeType": "application/pdf", "buffer": b"this is not a PDF at all" * 10},
        {"name": "资质证书副本.pdf", "mimeType": "application/pdf",
         "buffer": (SAMPLE / "综合资料/资质证书副本.pdf").read_bytes()}])
    wait_until(page, "() => document.querySelectorAll('#upload .results li.bad, #upload .results li.ok').length == 2")
    results = page.inner_text("#upload .results")
    assert "已隔离" in results and "不支持的文件类型" in results and "已存在" in results
    steps.shot("upload")

    # build a draft (blocking findings remain), then download and open the packet
    page.goto(f"{base}/applications/sample-upgrade")
    page.click("#build-button")
    page.wait_for_selector("#flash.error:not(.hidden)")
    assert "拒绝装订" in page.inner_text("#flash")
    steps.shot("build-refused", full_page=False)
    page.check("#build-form input[name=draft]")
    page.click("#build-button")
    page.wait_for_selector("#packets")
    steps.shot("built", element=page.locator("#build"))
    packet = download_packet(page, steps.folder)
    assert len(PdfReader(packet).pages) > 10
    steps.pdf_pages(packet, 1)

    # the ledger from the nav (timeline, expiring list, alerts), then a two-character name searched
    page.click("header nav a[href='/ledger']")
    page.fill("#ledger-filter input[name=as_of]", "2027-03-18")
    page.click("#ledger-filter button")
    page.wait_for_url("**/ledger?as_of=2027-03-18*")
    assert page.locator("#timeline svg g").count() >= 4
    assert page.locator("#expiring tr.entry[data-status='start now']").count() >= 1
    steps.shot("ledger")
    page.click("header nav a[href='/search']")
    page.fill("#search-form input[name=text]", "宋明")
    page.click("#search-form button.primary")
    page.wait_for_selector("#results tr.hit")
    assert page.locator("#results mark", has_text="宋明").count() >= 2
    steps.shot("search")
    page.locator("#results tr.hit a", has_text="职称证书").first.click()
    page.wait_for_selector("figure.page img")
    page.close()


def test_a_blocking_finding_needs_a_reason_and_logout_ends_the_session_in_chromium(browser, quick_site):
    site, base = quick_site
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    steps = Steps(page, "reasons-and-logout")
    login(page, base, site.tokens["reviewer"])
    headers = page.request.get(f"{base}/applications/sample-upgrade").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["cache-control"] == "no-store"

    queue = page.request.get(f"{base}/api/applications/sample-upgrade/discrepancies").json()
    blocking = next(d for d in queue if d["severity"] == "blocking" and d["status"] == "open")
    page.goto(f"{base}/discrepancies/{blocking['id']}")
    page.click("#accept")  # no reason given
    page.wait_for_selector("#flash.error:not(.hidden)")
    assert "接受阻断性问题必须填写理由" in page.inner_text("#flash")
    assert f"/discrepancies/{blocking['id']}" in page.url
    steps.shot("accept-without-reason-refused", full_page=False)
    still = page.request.get(f"{base}/api/discrepancies/{blocking['id']}").json()
    assert still["status"] == "open" and still["reviews"] == []
    accept = page.locator("form", has=page.locator("#accept"))
    accept.locator("input[name=comment]").fill("原件核实，数值无误")
    with page.expect_navigation():
        page.click("#accept")
    decided = page.request.get(f"{base}/api/discrepancies/{blocking['id']}").json()
    assert decided["status"] == "accepted" and decided["reviews"][-1]["comment"] == "原件核实，数值无误"

    # the document page places its field boxes by script under the policy (no inline styles)
    page.goto(f"{base}/applications/sample-upgrade")
    page.locator("#documents a", has_text="注册建造师").first.click()
    page.wait_for_selector("figure.page img")
    assert page.eval_on_selector(".box", "b => b.style.left").endswith("%")
    for other in ("/", "/ledger", "/search?text=宋明", "/audit"):
        page.goto(base + other)
    page.goto(f"{base}/docs")  # Swagger UI: its inline script allowed by hash
    page.wait_for_selector(".swagger-ui .info .title")
    assert not [m for m in console if "Content Security Policy" in m or "Refused" in m], console

    signed_in = context.cookies()
    page.goto(f"{base}/")
    page.click("header form[action='/logout'] button")
    page.wait_for_url("**/login*")
    steps.shot("logged-out", full_page=False)
    context.add_cookies(signed_in)  # the old cookie, put back
    page.goto(f"{base}/applications/sample-upgrade")
    assert "/login" in page.url
    assert page.request.get(f"{base}/api/me").status == 401
    context.close()


# --- done when: the whole sample, every finding resolved from the browser -------------------------


def _printed() -> dict[tuple[str, int], dict]:
    """(file path, file page) -> the fields printed on the document covering that page."""
    printed = {}
    for rel, entry in truth()["files"].items():
        for doc in entry["documents"]:
            for page_number in doc["pages"]:
                printed[(rel, page_number)] = doc["fields"]
    return printed


@pytest.fixture(scope="module")
def full_site(tmp_path_factory):
    started = time.monotonic()
    site = make_site(tmp_path_factory.mktemp("web-full"), forms=None, check=False)  # as `dossier ingest` leaves it
    ingest_seconds = time.monotonic() - started
    with LiveServer(create_app(site.settings, db=site.db)) as server:
        yield site, server.url, ingest_seconds
    site.db.dispose()


# The evidence of the finding on screen with each document value in full (from the document API,
# as a reviewer would read it on the document page).
EVIDENCE_JS = """async id => {
  const d = await (await fetch('/api/discrepancies/' + id)).json();
  for (const e of d.evidence) {
    if (!e.image) continue;
    const doc = await (await fetch('/api/documents/' + e.sha256)).json();
    for (const ld of doc.documents) {
      if (ld.first_page <= e.page && e.page < ld.first_page + Math.max(ld.page_count, 1)) {
        const f = ld.fields.find(f => f.name === e.field);
        e.full = f ? f.value : null;
      }
    }
  }
  return d.evidence;
}"""


def _decide(page, printed: dict[tuple[str, int], dict]):
    """What a careful reviewer does with the finding on screen: correct a value the scan prints
    differently from what was read; otherwise accept a warning, or waive a blocking finding with
    the reason (the seeded defects are real problems of the sample's documents)."""
    finding_id = int(page.url.split("/discrepancies/")[1].split("?")[0].split("#")[0])
    evidence = page.evaluate(EVIDENCE_JS, finding_id)
    for card in page.locator(".ev").all():
        form = card.locator("form.correct")
        if not form.count():
            continue
        e = evidence[int(card.get_attribute("data-index"))]
        wanted = printed.get((e["path"], e["page"]), {}).get(e["field"])
        if isinstance(wanted, str) and e.get("full") is not None and wanted != e["full"]:
            form.locator("input[name=new_value]").fill(wanted)
            return f"correct {e['path']} {e['field']}: {e['full']} -> {wanted}", form.locator("button")
    if page.locator("h1 .sev").inner_text() != "阻断":
        return "accept", page.locator("#accept")
    page.fill(".waive textarea[name=comment]", "已核实原件：问题属实，随申报材料附书面说明")
    return "waive", page.locator("#waive")


@pytest.mark.ocr
def test_a_new_user_resolves_every_finding_of_sample_upgrade_from_the_browser(browser, full_site):
    site, base, ingest_seconds = full_site
    decisions = resolve_everything(browser, site, base)
    corrected = sum(d["action"].startswith("correct") for d in decisions)
    print(f"sample-upgrade: ingest {ingest_seconds:.0f} s; {len(decisions)} decisions, {corrected} corrections")


def resolve_everything(browser, site, base: str) -> list[dict]:
    """A reviewer decides every finding in the browser, then an admin builds the clean packet and
    downloads it; returns the decisions taken."""
    printed = _printed()
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    steps = Steps(page, "sample-upgrade")
    login(page, base, site.tokens["reviewer"])  # a reviewer resolves; an admin builds
    steps.shot("queue", full_page=False)
    start = page.locator("#start-review")
    assert start.count() == 1, "sample-upgrade has open findings"
    start.click()
    decisions: list[dict] = []
    for _ in range(150):
        if "/discrepancies/" not in page.url:
            break
        page.wait_for_selector("h1.finding-title")
        crops = images_loaded(page, "img.crop")
        assert all(width > 0 for width in crops), page.url
        action, button = _decide(page, printed)
        decisions.append({"finding": page.url.split("?")[0], "message": page.inner_text("h1.finding-title"),
                          "action": action, "crops": len(crops)})
        if not decisions[:-1] or action.startswith("correct") or (
                len(crops) >= 2 and sum(d["crops"] >= 2 for d in decisions) <= 4):
            steps.shot(f"finding-{len(decisions)}-{action.split()[0]}")
        with page.expect_navigation(timeout=180_000):
            button.click()
        if "flash=still_open" in page.url:
            decisions[-1]["still_open"] = True
    (steps.folder / "decisions.json").write_text(json.dumps(decisions, ensure_ascii=False, indent=1),
                                                 encoding="utf-8")
    assert "flash=queue_done" in page.url, decisions[-3:]
    assert page.locator("#queue tr.finding:not(.done)").count() == 0, "every finding decided"
    steps.shot("queue-done", full_page=False)

    page.context.clear_cookies()
    login(page, base, site.tokens["admin"])
    page.click("#build-button")  # a clean build: no draft
    page.wait_for_selector("#packets", timeout=300_000)
    assert "正式" in page.inner_text("#packets tbody tr:first-child")
    steps.shot("built-clean", element=page.locator("#build"))
    packet = download_packet(page, steps.folder)
    reader = PdfReader(packet)
    assert len(reader.pages) > 40
    assert "草稿" not in (reader.pages[1].extract_text() or "")
    steps.pdf_pages(packet, 2)
    page.close()
    return decisions


# --- reminder channels: an admin adds one and sends a test message --------------------------------


def test_an_admin_adds_a_wecom_channel_and_sends_a_test_message_in_chromium(browser, tmp_path):
    from dossier.store.db import init_db
    from dossier.store.users import add_user
    from dossier.config import load_settings
    from tests.notify_support import KEY, RobotServer

    settings = load_settings(home=tmp_path / "home", database_url=None, broker_url=None)
    db = init_db(settings)
    with db.session() as session:
        _, token = add_user(session, "admin-user", "admin")
    robot = RobotServer("wecom")
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    try:
        with LiveServer(create_app(settings, db=db)) as server:
            base = server.url
            steps = Steps(page, "notify-channels")
            page.goto(f"{base}/ledger")
            page.fill("#token", token)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/ledger")
            page.click("#channels-link")
            page.wait_for_url(f"{base}/notify/channels")
            form = page.locator("#add-channel form")
            form.locator("input[name=name]").fill("资质群")
            form.locator("select[name=kind]").select_option("wecom")
            form.locator("input[name=url]").fill(robot.url)
            form.locator("input[name=companies]").fill("楚天, 华建")
            form.locator("button").click()
            page.wait_for_url(lambda url: "flash=channel_saved" in url)
            page.wait_for_selector("tr.channel[data-name='资质群']")
            assert "通知渠道已保存" in page.inner_text("#flash")
            steps.shot("channel-added", full_page=False)
            row = page.locator("tr.channel[data-name='资质群']")
            row.locator("form.test button").click()
            page.wait_for_url(lambda url: "flash=test_sent" in url)  # the page reloads with the flash
            page.wait_for_selector("tr.channel[data-name='资质群']")
            assert "测试消息已发送" in page.inner_text("#flash")
            steps.shot("test-message-sent", full_page=False)
            assert len(robot.accepted()) == 1 and "测试消息" in robot.texts()[0]
            row = page.locator("tr.channel[data-name='资质群']")
            row.locator("details.edit summary").click()
            secrets = row.locator("input[type=password]")
            assert secrets.count() == 3 and all(secrets.nth(i).input_value() == "" for i in range(3))
            assert row.locator("input[name=companies]").input_value() == "楚天, 华建"
            html = page.content()
            assert KEY not in html and robot.url not in html and "已保存，留空则保持不变" in html
            assert not console, console
    finally:
        context.close()
        robot.close()
        db.dispose()
