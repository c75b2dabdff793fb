"""A list longer than 200 rows is shown a page at a time in Debian's Chromium (issue 16, item 7):
the search results table grown to 250 rows, the pager's pages and its buttons."""

from __future__ import annotations

import pytest

from dossier.web import create_app
from tests.test_web_browser import browser, login  # noqa: F401 - browser is a fixture
from tests.web_support import LiveServer, make_site

pytestmark = pytest.mark.service


@pytest.fixture(scope="module")
def pager_site(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("web-pager"), check=False)
    with LiveServer(create_app(site.settings, db=site.db)) as server:
        yield site, server.url
    site.db.dispose()


def test_a_long_table_is_paged_in_chromium(browser, pager_site):  # noqa: F811
    site, base = pager_site
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    login(page, base, site.tokens["viewer"])
    page.goto(f"{base}/search?text=有限公司")
    # the sample has a few dozen hits: the real table is grown to 250 rows and paged again
    page.evaluate("""() => { const body = document.querySelector('#results tbody');
        while (body.rows.length < 250) body.appendChild(body.rows[0].cloneNode(true));
        document.querySelectorAll('.table-pager').forEach(n => n.remove());
        setupPager(document.getElementById('results')); }""")
    visible = "() => Array.from(document.querySelectorAll('#results tbody tr')).filter(r => !r.hidden).length"
    assert page.evaluate(visible) == 200
    pager = page.locator(".table-pager")
    assert "第 1 / 2 页" in pager.inner_text() and pager.locator("button").first.is_disabled()
    pager.locator("button", has_text="下一页").click()
    assert page.evaluate(visible) == 50 and "第 2 / 2 页" in pager.inner_text()
    page.close()
