"""Renewal plans and the reminder log in the web app: ``/api/plan``, ``/api/reminders``, the
``/ledger/plan`` page (each ledger entry links to it), its Excel, and the sent reminders on the
ledger page; on the demo company as its truth reads, after one ``dossier remind``."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from dossier.config import Settings
from dossier.notify.channels import NotifySettings
from dossier.notify.remind import run_reminders
from dossier.store.db import init_db
from dossier.store.users import add_user
from dossier.web import create_app
from tests.notify_support import KEY, RobotServer, demo_database
from tests.web_support import FULL_ID, TestClient, bearer

COMPANY = "湖北楚天建设工程有限公司"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    robot = RobotServer("wecom")
    home = tmp_path_factory.mktemp("web-renewal") / "home"
    settings = Settings(home=home, database_url=None, broker_url=None,
                        notify=NotifySettings(channels=[{"name": "资质群", "kind": "wecom", "url": robot.url}]))
    db = init_db(settings)
    demo_database(db)
    run_reminders(db, settings, as_of=date(2026, 12, 1))
    with db.session() as session:
        _, token = add_user(session, "viewer-user", "viewer")
        _, admin = add_user(session, "admin-user", "admin")
    with TestClient(create_app(settings, db=db)) as client:
        client.admin = bearer(admin)
        yield client, bearer(token)
    robot.close()
    db.dispose()


def test_the_plan_api_and_page_show_the_same_tasks_with_masked_ids(site):
    client, auth = site
    params = {"company": "楚天建设工程", "qualification": "建筑工程施工总承包二级", "as_of": "2028-09-11"}
    plan = client.get("/api/plan", params=params, headers=auth).json()
    assert plan["filing_date"] == "2028-11-11" and len(plan["tasks"]) == 14
    assert not FULL_ID.search(str(plan)) and plan["roster"][0]["id_number"] == "420102********3231"
    page = client.get("/ledger/plan", params=params, headers=auth)
    assert page.status_code == 200 and not FULL_ID.search(page.text)
    assert page.text.count('<tr class="task"') == 14 and "有效期不足" in page.text and "2028-11-11" in page.text
    sheet = client.get("/ledger/plan.xlsx", params=params, headers=auth)
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert len(rows) == 15 and rows[0][0] == "分册"
    missing = client.get("/api/plan", params={"company": "不存在的公司"}, headers=auth)
    assert missing.status_code == 404 and "不存在的公司" in missing.json()["reason_zh"]
    assert client.get("/api/plan", params=params).status_code == 401


def test_the_ledger_links_each_entry_to_its_plan_and_lists_the_sent_reminders(site):
    client, auth = site
    page = client.get("/ledger", params={"as_of": "2026-12-01", "within": 3000}, headers=auth)
    assert page.status_code == 200
    links = re.findall(r'<a class="plan" href="([^"]+)"', page.text)
    rows = page.text.count('<tr class="entry"')
    assert rows and len(links) == rows  # every entry here has a company
    target = links[0].replace("&amp;", "&")
    assert client.get(target, headers=auth).status_code == 200
    section = page.text.split('id="reminders"')[1].split("</section>")[0]
    assert section.count('<tr class="reminder"') == 2 and "资质群" in section and "已发送" in section
    assert "范波" in section and not FULL_ID.search(section)
    log = client.get("/api/reminders", headers=auth).json()
    assert {(r["channel"], r["status"], r["threshold"]) for r in log} == {("资质群", "sent", "lapsed"),
                                                                         ("资质群", "sent", "personnel")}
    assert KEY not in page.text and KEY not in str(log)


def test_admins_see_the_channels_without_their_secrets(site):
    client, auth = site
    assert client.get("/api/notify/channels", headers=auth).status_code == 403
    [channel] = client.get("/api/notify/channels", headers=client.admin).json()
    assert (channel["name"], channel["kind"], channel["server"], channel["signed"]) == ("资质群", "wecom", "127.0.0.1",
                                                                                       False)
    assert KEY not in str(channel)
