"""Soft delete and restore through the web UI, in Debian's Chromium (issue 16, item 2 and "done
when"): an admin deletes the demo application from its page, finds it on the start page among the
deleted ones (nobody else is shown them) and restores it; every document, finding, review and
packet record is back as it was."""

from __future__ import annotations

import pytest

from dossier.web import create_app
from tests.test_web_browser import Steps, browser, login  # noqa: F401 - browser is a fixture
from tests.web_support import LiveServer, bearer, make_site

pytestmark = pytest.mark.service
APP = "/api/applications/sample-upgrade"


@pytest.fixture(scope="module")
def restore_site(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("web-restore"))
    with LiveServer(create_app(site.settings, db=site.db)) as server:
        yield site, server.url
    site.db.dispose()


def test_delete_and_restore_in_chromium_bring_every_finding_and_review_back(browser, restore_site):  # noqa: F811
    site, base = restore_site
    admin, reviewer = bearer(site.tokens["admin"]), bearer(site.tokens["reviewer"])
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations of delete and restore
    steps = Steps(page, "delete-restore")
    login(page, base, site.tokens["admin"])

    # decisions to lose: a blocking finding waived, a warning accepted, a draft packet
    findings = page.request.get(f"{base}{APP}/discrepancies", headers=admin).json()
    blocking = next(d for d in findings if d["severity"] == "blocking")
    warning = next(d for d in findings if d["severity"] == "warning")
    for finding, action in ((blocking, "waive"), (warning, "accept")):
        answer = page.request.post(f"{base}/api/discrepancies/{finding['id']}/review", headers=admin,
                                   data={"action": action, "comment": "已核对原件，书面说明附后"})
        assert answer.ok, answer.text()
    assert page.request.post(f"{base}{APP}/build", headers=admin, data={"draft": True}).status == 201
    before = page.request.get(f"{base}{APP}", headers=admin).json()
    assert len([d for d in before["discrepancies"] if d["reviews"]]) == 2 and before["packets"] and before["files"]

    page.goto(f"{base}/applications/sample-upgrade")
    with page.expect_navigation():
        page.get_by_role("button", name="删除项目").click()
    assert page.url.endswith("/?flash=deleted")
    assert page.locator("#applications tr[data-application='sample-upgrade']").count() == 0
    deleted = page.locator("#start-deleted tr[data-application='sample-upgrade']")
    assert deleted.count() == 1
    assert f"{len(before['files'])} / {len(before['discrepancies'])} / 1" in deleted.inner_text()
    steps.shot("deleted", full_page=False)
    assert page.request.get(f"{base}{APP}", headers=admin).status == 404
    assert page.request.get(f"{base}/api/overview", headers=reviewer).json()["deleted"] == [], "admins only"

    with page.expect_navigation():
        deleted.get_by_role("button", name="恢复").click()
    assert page.url.endswith("/applications/sample-upgrade?flash=restored")
    assert "已恢复" in page.locator(".flash").first.inner_text()
    steps.shot("restored", full_page=False)
    assert page.request.get(f"{base}{APP}", headers=admin).json() == before
    shown = page.locator("#queue-table tr.finding")
    assert shown.count() == len(before["discrepancies"]) and page.locator("#queue-table tr.finding.done").count() == 2

    page.goto(f"{base}/discrepancies/{blocking['id']}")  # the review's record is on the finding's page
    assert "已核对原件，书面说明附后" in page.locator("main").inner_text()
    page.goto(base + "/")
    assert page.locator("#start-deleted").count() == 0
    assert not errors, errors
    context.close()
