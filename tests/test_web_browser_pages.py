"""Every kind of page of the review UI in Debian's Chromium at 1366×900 (issue 16, "done when"):
each answers, loads every image, logs no script error, and is saved as a screenshot under
``test-artifacts/web/pages/`` for a person to look at."""

from __future__ import annotations

import pytest

from dossier.web import create_app
from tests.test_web_browser import Steps, browser, images_loaded, login  # noqa: F401 - browser is a fixture
from tests.web_support import LiveServer, bearer, make_site

pytestmark = pytest.mark.service
USCC = "91420106MAEMKANM50"


@pytest.fixture(scope="module")
def pages_site(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("web-pages"))
    with LiveServer(create_app(site.settings, db=site.db)) as server:
        yield site, server.url
    site.db.dispose()


def test_every_page_at_1366_by_900_in_chromium(browser, pages_site):  # noqa: F811
    site, base = pages_site
    viewer = bearer(site.tokens["viewer"])
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    steps = Steps(page, "pages")
    page.goto(f"{base}/login")
    steps.shot("login", full_page=False)
    login(page, base, site.tokens["admin"])

    queue = page.request.get(f"{base}/api/applications/sample-upgrade/discrepancies", headers=viewer).json()
    by_code = {d["code"]: d["id"] for d in reversed(queue)}
    files = page.request.get(f"{base}/api/applications/sample-upgrade", headers=viewer).json()["files"]
    statement = next(f["sha256"] for f in files if f["doc_type"] == "social_insurance_record")
    kinds = {
        "start": "/", "application": "/applications/sample-upgrade",
        "queue-filtered": "/applications/sample-upgrade?severity=blocking#queue",
        "finding-id-checksum": f"/discrepancies/{by_code['ID_CHECKSUM']}",
        "finding-statement-row": f"/discrepancies/{by_code['SOCIAL_INSURANCE_GAP']}",
        "finding-tamper": f"/discrepancies/{by_code['TAMPER_SIGNS']}",
        "document-statement": f"/documents/{statement}?app=sample-upgrade",
        "company": f"/companies/{USCC}", "ledger": "/ledger", "search": "/search?text=光谷产业园",
        "audit": "/audit", "channels": "/notify/channels",
        "plan": "/ledger/plan?company=楚天建设工程&qualification=建筑工程施工总承包二级",
        "api-docs": "/docs",
    }
    for name, url in kinds.items():
        answer = page.goto(base + url)
        assert answer.status < 500, (url, answer.status)
        assert answer.status == 200 or name == "plan", (url, answer.status)
        widths = images_loaded(page, "main img")
        assert all(w > 0 for w in widths), (url, widths)
        steps.shot(name, full_page=False)
    assert not errors, errors
    context.close()


def test_the_assessment_on_the_application_page_and_the_standing_on_the_company_page(browser, pages_site):  # noqa: F811
    """Issue 18: the application page shows the verdict and each requirement; the company page
    and the ledger whether the company still meets each level it holds; all laid out in Chromium."""
    site, base = pages_site
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    steps = Steps(page, "issue18-views")
    login(page, base, site.tokens["viewer"])
    page.goto(f"{base}/applications/sample-upgrade")
    section = page.locator("#assessment")
    assert section.is_visible() and section.locator("tr.requirement").count() >= 4
    assert "结论" in section.inner_text() and section.locator("a[href$='/assess']").count() == 1
    steps.shot("application-assessment", element=section)
    for url, selector in ((f"/companies/{USCC}", "#company-standing"), ("/ledger", "#standing")):
        page.goto(base + url)
        standing = page.locator(selector)
        assert standing.is_visible() and "资质标准符合情况" in standing.inner_text()
        steps.shot(selector.lstrip("#"), element=standing)
    assert not errors, errors
    context.close()
