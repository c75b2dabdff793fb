"""ID numbers in uploaded paths, in Debian's Chromium (issue 16, item 4 and "done when"): a
reviewer uploads a file into a folder named after its holder's ID number, through the page's own
upload form; then no list page and no list API shows the 18 digits, and the masked form is what
they show instead (so the path is really listed, not left out)."""

from __future__ import annotations

import pytest

from dossier.web import create_app
from tests.conftest import FIXTURES
from tests.test_web_browser import Steps, browser, login, wait_until  # noqa: F401 - browser is a fixture
from tests.web_support import FULL_ID, LiveServer, make_site

pytestmark = pytest.mark.service
ID = "420111199507017199"  # the issue's own example
MASKED = "420111********7199"
FOLDER = f"人员资料/白涛_{ID}"
NAME = f"身份证_{ID}.pdf"
SCAN = FIXTURES / "sample-clean" / "人员资料" / "白涛" / "岗位证书.pdf"  # not in sample-upgrade
USCC = "91420106MAEMKANM50"


@pytest.fixture(scope="module")
def privacy_site(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("web-browser-privacy"))
    with LiveServer(create_app(site.settings, db=site.db)) as server:
        yield site, server.url
    site.db.dispose()


def no_full_id(text: str, where: str) -> None:
    found = FULL_ID.search(text)
    assert found is None, f"{where} shows the full ID number {found.group(0)}"


def test_no_list_shows_an_uploaded_paths_id_number_in_chromium(browser, privacy_site):  # noqa: F811
    site, base = privacy_site
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    steps = Steps(page, "path-privacy")
    login(page, base, site.tokens["admin"])
    page.fill("#upload input[name=folder]", FOLDER)
    page.set_input_files("#upload input[type=file][multiple]",
                         files=[{"name": NAME, "mimeType": "application/pdf", "buffer": SCAN.read_bytes()}])
    wait_until(page, "() => !document.querySelector('#upload .refresh').hidden", timeout=120)
    message = page.locator("#upload .results li").inner_text()
    assert MASKED in message, message
    no_full_id(message, "the upload's message")
    steps.shot("uploaded", element=page.locator("#upload"))

    # the session's cookie serves the APIs too: what the browser itself would be given
    files = page.request.get(f"{base}/api/applications/sample-upgrade").json()["files"]
    (uploaded,) = [f for f in files if f["path"].startswith("人员资料/白涛_")]
    assert uploaded["path"] == f"人员资料/白涛_{MASKED}/身份证_{MASKED}.pdf" and uploaded["status"] == "processed"
    sha = uploaded["sha256"]

    pages = {"start": "/", "application": "/applications/sample-upgrade",
             "queue-by-document": f"/applications/sample-upgrade?document={sha}#queue",
             "search": "/search?text=白涛", "ledger": "/ledger", "audit": "/audit", "company": f"/companies/{USCC}"}
    shown_masked = set()
    for name, url in pages.items():
        answer = page.goto(base + url)
        assert answer.status == 200, (url, answer.status)
        html = page.content()
        no_full_id(html, url)
        if MASKED in html:
            shown_masked.add(name)
        steps.shot(name, full_page=False)
    assert {"application", "queue-by-document", "search", "audit"} <= shown_masked, shown_masked

    apis = ["/api/overview", "/api/applications", "/api/applications/sample-upgrade",
            "/api/applications/sample-upgrade/discrepancies", "/api/applications/sample-upgrade/queue",
            f"/api/applications/sample-upgrade/queue?document={sha}", "/api/search?text=白涛", "/api/ledger",
            "/api/audit", f"/api/companies/{USCC}"]
    for url in apis:
        answer = page.request.get(base + url)
        assert answer.status == 200, (url, answer.status)
        no_full_id(answer.text(), url)
    context.close()
