"""Uploading in Debian's Chromium (issue 16, item 9): each file's progress (stored, read with its
pages and fields, the findings citing it once checked) is shown in place, the upload messages
stay, and the page is never reloaded behind the reviewer's back."""

from __future__ import annotations

import pytest

from dossier.web import create_app
from tests.conftest import FIXTURES
from tests.test_web_browser import Steps, browser, login, wait_until  # noqa: F401 - browser is a fixture
from tests.web_support import LiveServer, bearer, make_site

pytestmark = pytest.mark.service
NEW_FILE = FIXTURES / "sample-clean" / "人员资料" / "白涛" / "岗位证书.pdf"  # not in sample-upgrade


@pytest.fixture(scope="module")
def upload_site(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("web-upload"))
    with LiveServer(create_app(site.settings, db=site.db)) as server:
        yield site, server.url
    site.db.dispose()


def test_upload_progress_is_shown_in_place_without_a_reload(browser, upload_site):  # noqa: F811
    site, base = upload_site
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    steps = Steps(page, "upload-progress")
    login(page, base, site.tokens["reviewer"])
    page.evaluate("() => { window.notReloaded = true; }")
    page.set_input_files("#upload input[type=file][multiple]", files=[
        {"name": "岗位证书.pdf", "mimeType": "application/pdf", "buffer": NEW_FILE.read_bytes()},
        {"name": "备注.pdf", "mimeType": "application/pdf", "buffer": b"not a PDF at all" * 10}])
    wait_until(page, "() => !document.querySelector('#upload .refresh').hidden", timeout=120)
    results = page.locator("#upload .results li").all_inner_texts()
    assert len(results) == 2 and any("已隔离" in r for r in results), results  # the messages stay
    read = next(r for r in results if "岗位证书" in r)
    assert "已识别" in read and "页" in read and "个字段" in read and ("待处理问题" in read or "没有问题" in read), read
    assert page.evaluate("() => window.notReloaded === true"), "the page was reloaded"
    steps.shot("progress", element=page.locator("#upload"))
    files = page.request.get(f"{base}/api/applications/sample-upgrade", headers=bearer(site.tokens["viewer"])).json()["files"]
    assert any(f["path"] == "岗位证书.pdf" and f["status"] == "processed" for f in files)
    context.close()
