"""The start page and a company's page (issue 16, item 11): applications with their open blocking
findings (most first), certificates expiring within 180 days, recent activity; per company its
applications, ledger and people, ID numbers masked."""

from __future__ import annotations

import pytest
import yaml

from tests.web_support import FULL_ID, SAMPLE, auth, make_site, module_site, serve

USCC = "91420106MAEMKANM50"  # 湖北楚天建设工程有限公司, sample-upgrade's applicant
OTHER = "company_name: 武汉江城建筑有限公司\nuscc: 91420100MA4K2B3C4D\napplication_type: renewal\n" \
        "qualifications: [建筑工程施工总承包二级]\nfiling_date: 2026-12-01\nroster: []\n"


site, _ = module_site("web-overview")


@pytest.fixture(scope="module")
def client(site):
    with serve(site) as c:
        created = c.post("/api/applications", headers=auth(site, "reviewer"),
                         json={"name": "江城延续", "application_yaml": OTHER})
        assert created.status_code == 201, created.text
        yield c


def test_the_start_page_puts_blocking_first_and_lists_expiring_and_activity(client, site):
    view = client.get("/api/overview", headers=auth(site)).json()
    assert [a["name"] for a in view["applications"]] == ["sample-upgrade", "江城延续"]  # 江城 sorts first by name
    assert view["applications"][0]["open_by_severity"]["blocking"] > 0
    expiring = client.get("/api/expiring", params={"within": 180}, headers=auth(site)).json()
    assert [e["sha256"] for e in view["expiring"]] == [e["sha256"] for e in expiring] and expiring
    actions = [e["action"] for e in view["activity"]]
    assert len(actions) == 15 and actions[0] == "application.created"  # newest first
    assert {c["key"] for c in view["companies"]} >= {USCC, "91420100MA4K2B3C4D"}
    html = client.get("/", headers=auth(site)).text
    for section in ("start-applications", "start-expiring", "start-activity", "start-companies"):
        assert f'id="{section}"' in html
    assert f'href="/companies/{USCC}"' in html and 'data-api="POST /api/applications"' not in html  # a viewer creates nothing
    assert not FULL_ID.search(html) and not FULL_ID.search(str(view))


def test_a_company_page_shows_its_applications_ledger_and_people(client, site):
    view = client.get(f"/api/companies/{USCC}", headers=auth(site)).json()
    assert view["company"]["name"] == "湖北楚天建设工程有限公司"
    assert [a["name"] for a in view["applications"]] == ["sample-upgrade"]  # not the other company's
    people = {p["name"]: p for p in view["people"]}
    roster = {p["id_number"] for p in yaml.safe_load((SAMPLE / "application.yaml").read_text(encoding="utf-8"))["roster"]}
    assert len(people) == len(roster) and people["宋明"]["id_number"] == "420102********3231"
    assert "技术负责人" in people["宋明"]["roles"] and "职称证书" in people["宋明"]["certificates"]
    assert ("person", "宋明") in {(e["holder"], e["name"]) for e in view["ledger"]}
    # the 资质证书 was read with another USCC (sample-upgrade's seeded USCC_MISMATCH): it stands
    # under that number, never merged into the applicant's by name
    misread = client.get("/api/companies/91420106MAHN1NRH8N", headers=auth(site)).json()
    assert [e["kind_zh"] for e in misread["ledger"] if e["holder"] == "company"] and not misread["applications"]
    assert not any(e["holder"] == "company" for e in view["ledger"])
    html = client.get(f"/companies/{USCC}", headers=auth(site)).text
    assert "宋明" in html and "420102********3231" in html and not FULL_ID.search(html)
    other = client.get("/api/companies/91420100MA4K2B3C4D", headers=auth(site)).json()
    assert [a["name"] for a in other["applications"]] == ["江城延续"] and other["people"] == []
    missing = client.get("/api/companies/nope", headers=auth(site))
    assert missing.status_code == 404 and "档案中没有企业" in missing.json()["reason_zh"]
