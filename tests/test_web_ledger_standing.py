"""Whether a company still meets each level it holds, on its page, on the ledger page and in the API.

Two companies, stored without files. 晴川 holds 建筑工程施工总承包二级 and 钢结构工程专业承包三级 (a
qualification the shipped standards do not hold); its only 技术负责人 钱峰 was insured until 2026-09
while the newest statement runs to 2026-11. 龟山 holds 建筑工程施工总承包二级 and its 技术负责人 is
still insured.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from dossier.config import load_settings
from dossier.model import ApplicationSpec
from dossier.store.db import init_db
from dossier.store.users import add_user
from dossier.validate.identifiers import make_id_number
from tests.ledger_builders import extracted, months, store
from tests.web_support import FULL_ID, Site, auth, serve

SHORT_CO, SHORT_USCC = "武汉晴川建设有限公司", "91420105MA4KX0RL7Q"
MET_CO, MET_USCC = "武汉龟山建设有限公司", "91420106MAEMKANM50"
QIAN = make_id_number("420105", date(1978, 4, 9), 457)
SUN = make_id_number("420106", date(1980, 2, 3), 231)


def _company(session, app: str, company: str, uscc: str, qualifications: list[str], lead: tuple[str, str], until: str):
    name, id_number = lead
    spec = ApplicationSpec(company_name=company, uscc=uscc, application_type="renewal", filing_date=date(2026, 12, 1),
                           qualifications=qualifications[:1], roster=[{"name": name, "id_number": id_number,
                                                                      "role": "technical_lead"}])
    store(session, app, extracted("qualification_certificate",
                                  {"company_name": company, "uscc": uscc, "cert_number": f"D2{uscc[-8:]}",
                                   "qualifications": qualifications, "issue_date": "2024-03-12",
                                   "valid_until": "2029-03-11"}, label=f"{app}资质证书"), spec=spec)
    store(session, app, extracted("social_insurance_record",
                                  {"company_name": company, "uscc": uscc, "period_from": "2026-06", "period_to": "2026-11"},
                                  [{"name": name, "id_number": id_number, "insurance_types": ["养老"],
                                    "months": months("2026-06", until)}], label=f"{app}社保"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    settings = load_settings(home=tmp_path_factory.mktemp("web-ledger-standing") / "home", database_url=None,
                             broker_url=None)
    db = init_db(settings)
    with db.session() as session:
        _company(session, "晴川延续", SHORT_CO, SHORT_USCC, ["建筑工程施工总承包二级", "钢结构工程专业承包三级"],
                 ("钱峰", QIAN), "2026-09")
        _company(session, "龟山延续", MET_CO, MET_USCC, ["建筑工程施工总承包二级"], ("孙立", SUN), "2026-11")
    built = Site(settings, db)
    with db.session() as session:
        _, built.tokens["viewer"] = add_user(session, "viewer-user", "viewer")
    yield built
    db.dispose()


def _section(html: str, section: str) -> str:
    start = html.index(f'id="{section}"')
    return html[start:html.index("</section>", start)]


def _levels(html: str, section: str) -> dict[str, tuple[str, str]]:
    """qualification -> (status, row) of each level row of ``section``."""
    rows = re.findall(r'<tr class="level" data-qualification="([^"]+)" data-status="(\w+)">(.*?)</tr>',
                      _section(html, section), re.S)
    return {q: (status, row) for q, status, row in rows}


def test_the_company_page_lists_each_level_held_with_its_verdict_in_figures(site):
    with serve(site) as client:
        html = client.get(f"/companies/{SHORT_USCC}", headers=auth(site)).text
        other = client.get(f"/companies/{MET_USCC}", headers=auth(site)).text
    levels = _levels(html, "company-standing")
    assert set(levels) == {"建筑工程施工总承包二级", "钢结构工程专业承包三级"}
    status, row = levels["建筑工程施工总承包二级"]
    assert status == "short" and "不满足" in row and "技术负责人 0/1，差 1 人（钱峰已离职或停保）" in row
    assert "社保缴费明细至 2026-11" in row and "资质标准 2014+2016" in row
    status, row = levels["钢结构工程专业承包三级"]
    assert status == "unknown" and "无法判断" in row and "资质标准（2014+2016）中没有钢结构工程专业承包三级" in row
    assert "净资产与业绩" in _section(html, "company-standing")  # what the view does not judge, said
    ((status, row),) = _levels(other, "company-standing").values()
    assert status == "met" and "满足" in row and "技术负责人 1/1" in row
    assert not FULL_ID.search(html)


def test_the_ledger_page_lists_every_company_and_narrows_with_the_company_filter(site):
    with serve(site) as client:
        html = client.get("/ledger", headers=auth(site)).text
        narrowed = client.get("/ledger", params={"company": MET_USCC}, headers=auth(site)).text
    rows = re.findall(r'<tr class="level" data-qualification="([^"]+)" data-status="(\w+)">(.*?)</tr>',
                      _section(html, "standing"), re.S)
    assert sorted((q, s) for q, s, _ in rows) == [("建筑工程施工总承包二级", "met"), ("建筑工程施工总承包二级", "short"),
                                                 ("钢结构工程专业承包三级", "unknown")]
    assert all(f"/companies/" in row for _, _, row in rows) and SHORT_CO in _section(html, "standing")
    assert [s for s, _ in _levels(narrowed, "standing").values()] == ["met"]
    assert not FULL_ID.search(html)


def test_the_api_extends_the_ledger_and_the_company_with_the_standing(site):
    with serve(site) as client:
        ledger = client.get("/api/ledger", params={"company": SHORT_USCC}, headers=auth(site)).json()
        company = client.get(f"/api/companies/{SHORT_USCC}", headers=auth(site)).json()
    assert {"as_of", "entries", "alerts"} <= set(ledger) and {"company", "ledger", "people", "applications"} <= set(company)
    for standing in (ledger["standing"], company["standing"]):
        by_level = {level["qualification"]: level for level in standing}
        level = by_level["建筑工程施工总承包二级"]
        assert (level["status"], level["status_zh"], level["newest_month"]) == ("short", "不满足", "2026-11")
        (line,) = level["lines"]
        assert {k: line[k] for k in ("key", "status", "status_zh", "required", "found")} == {
            "key": "technical_lead", "status": "short", "status_zh": "不满足", "required": 1, "found": 0}
        assert by_level["钢结构工程专业承包三级"]["status"] == "unknown"
    # the alert the ledger raises is the same line's
    (alert,) = [a for a in ledger["alerts"] if a["code"] == "HEADCOUNT_BELOW_STANDARD"]
    assert alert["qualification"] == "建筑工程施工总承包二级" and alert["roles"] == ["technical_lead"]
    assert QIAN not in str(ledger) and QIAN not in str(company)
