"""The ledger page's alerts: people alerts and 动态监管 project alerts in tables of their own, each
code under its own Chinese label, a project alert naming its project.

One company, stored without files: it holds 建筑工程施工总承包三级 (2021-03-12 to 2029-03-11; the
lowest level, where the standard still counts heads, and buildings up to 50 m), its roster has one
registered constructor, insured until 2026-09 while the newest statement runs to 2026-11, and its
contracts are a 62.4 m building (SCOPE_EXCEEDED) and one signed after the certificate lapsed
(QUALIFICATION_NOT_HELD).
"""

from __future__ import annotations

import re
from urllib.parse import quote
from datetime import date

import pytest

from dossier.config import load_settings
from dossier.ledger.alerts import ALERT_ZH
from dossier.model import ApplicationSpec
from dossier.store.db import init_db
from dossier.store.users import add_user
from tests.ledger_builders import extracted, months, store
from tests.web_support import FULL_ID, Site, auth, serve

COMPANY, USCC = "武汉汉阳建设有限公司", "91420105MA4KX0RL7Q"
ZHAO = "420105199002031236"
APP = "汉阳延续"
TOWER, LATE = "汉阳商务综合楼工程", "汉阳社区综合楼工程"


def _store_company(db) -> None:
    spec = ApplicationSpec(company_name=COMPANY, uscc=USCC, application_type="renewal", filing_date=date(2026, 12, 1),
                           qualifications=["建筑工程施工总承包三级"],
                           roster=[{"name": "赵敏", "id_number": ZHAO, "role": "registered_constructor",
                                    "specialty": "建筑工程"}])

    def contract(label, project, signed, height):
        return extracted("project_contract", {"project_name": project, "employer": "武汉锦绣置业有限公司",
                                              "contractor": COMPANY, "contract_amount": "45280000.00",
                                              "sign_date": signed, "height": height}, label=label)

    def statement(label, period, insured):
        return extracted("social_insurance_record",
                         {"company_name": COMPANY, "uscc": USCC, "period_from": period[0], "period_to": period[1]},
                         [{"name": "赵敏", "id_number": ZHAO, "insurance_types": ["养老"], "months": insured}],
                         label=label)

    with db.session() as session:
        store(session, APP, extracted("qualification_certificate",
                                      {"company_name": COMPANY, "uscc": USCC, "cert_number": "D342010399",
                                       "qualifications": ["建筑工程施工总承包三级"], "issue_date": "2021-03-12",
                                       "valid_until": "2029-03-11"}, label="汉阳资质证书"), spec=spec)
        store(session, APP, contract("汉阳商务楼合同", TOWER, "2023-06-18", "62.40"))
        store(session, APP, contract("汉阳社区合同", LATE, "2029-05-06", "20.00"))
        store(session, APP, statement("汉阳社保", ("2026-06", "2026-11"), months("2026-06", "2026-09")))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    settings = load_settings(home=tmp_path_factory.mktemp("web-ledger-alerts") / "home", database_url=None,
                             broker_url=None)
    db = init_db(settings)
    _store_company(db)
    built = Site(settings, db)
    with db.session() as session:
        _, built.tokens["viewer"] = add_user(session, "viewer-user", "viewer")
    yield built
    db.dispose()


@pytest.fixture(scope="module")
def html(site):
    with serve(site) as client:
        page = client.get("/ledger", params={"as_of": "2027-03-18"}, headers=auth(site))
    assert page.status_code == 200
    return page.text


def _section(html: str, section: str) -> str:
    start = html.index(f'id="{section}"')
    return html[start:html.index("</section>", start)]


def _rows(html: str, section: str) -> list[tuple[str, str]]:
    """(code, row) of each alert row of ``section``."""
    return re.findall(r'<tr class="alert" data-code="(\w+)">(.*?)</tr>', _section(html, section), re.S)


def test_every_alert_code_has_a_chinese_label_of_its_own():
    from dossier.ledger.alerts import PersonnelAlert

    codes = set(PersonnelAlert.model_fields["code"].annotation.__args__)
    assert set(ALERT_ZH) == codes and len(set(ALERT_ZH.values())) == len(codes)


def test_people_alerts_and_project_alerts_are_listed_apart_under_their_own_labels(html):
    people, projects = _rows(html, "alerts"), _rows(html, "project-alerts")
    assert {code for code, _ in people} == {"PERSON_LEFT", "HEADCOUNT_BELOW_STANDARD"}
    assert sorted(code for code, _ in projects) == ["QUALIFICATION_NOT_HELD", "SCOPE_EXCEEDED"]
    chips = [(code, re.search(r'<span class="ls [\w-]+">(.*?)</span>', row).group(1)) for code, row in people + projects]
    assert chips and all(label == ALERT_ZH[code] for code, label in chips), chips
    assert "变动频繁" not in _section(html, "alerts")  # what every other code was labelled before
    assert "动态监管提醒（2 条）" in html and "动态监管提醒 <b class=\"bad\">2</b>" in html


def test_a_project_alert_names_its_project_month_and_documents(html):
    rows = dict(_rows(html, "project-alerts"))
    tower, late = rows["SCOPE_EXCEEDED"], rows["QUALIFICATION_NOT_HELD"]
    assert f"<td>{TOWER}</td>" in tower and "2023-06" in tower and "62.4 米" in tower
    assert f"<td>{LATE}</td>" in late and "2029-05" in late
    for row in (tower, late):
        assert f"?app={quote(APP)}" in row and "汉阳资质证书.pdf" in row
    assert "汉阳商务楼合同.pdf" in tower and "汉阳社区合同.pdf" in late
    assert TOWER not in _section(html, "alerts") and LATE not in _section(html, "alerts")


def test_people_alerts_keep_their_people_columns_with_id_numbers_masked(html):
    left = dict(_rows(html, "alerts"))["PERSON_LEFT"]
    assert "赵敏" in left and "420105********1236" in left and "2026-09" in left and "汉阳社保.pdf" in left
    assert not FULL_ID.search(html)


# --- a company holding 二级 (where the standard counts no other heads) whose only 技术负责人 left ---

LEAD_COMPANY, LEAD_USCC = "武汉晴川建设有限公司", "91420105MA4KX0RL7Q"


@pytest.fixture(scope="module")
def lead_html(tmp_path_factory):
    from dossier.validate.identifiers import make_id_number

    qian = make_id_number("420105", date(1978, 4, 9), 457)
    settings = load_settings(home=tmp_path_factory.mktemp("web-ledger-lead") / "home", database_url=None,
                             broker_url=None)
    db = init_db(settings)
    spec = ApplicationSpec(company_name=LEAD_COMPANY, uscc=LEAD_USCC, application_type="renewal",
                           filing_date=date(2026, 12, 1), qualifications=["建筑工程施工总承包二级"],
                           roster=[{"name": "钱峰", "id_number": qian, "role": "technical_lead"}])
    with db.session() as session:
        store(session, "晴川延续", extracted("qualification_certificate",
                                           {"company_name": LEAD_COMPANY, "uscc": LEAD_USCC, "cert_number": "D242010399",
                                            "qualifications": ["建筑工程施工总承包二级"], "issue_date": "2024-03-12",
                                            "valid_until": "2029-03-11"}, label="晴川资质证书"), spec=spec)
        store(session, "晴川延续", extracted("social_insurance_record",
                                           {"company_name": LEAD_COMPANY, "uscc": LEAD_USCC, "period_from": "2026-06",
                                            "period_to": "2026-11"},
                                           [{"name": "钱峰", "id_number": qian, "insurance_types": ["养老"],
                                             "months": months("2026-06", "2026-09")}], label="晴川社保"))
        _, token = add_user(session, "viewer-user", "viewer")
    with serve(Site(settings, db)) as client:
        page = client.get("/ledger", params={"as_of": "2027-03-18"}, headers={"Authorization": f"Bearer {token}"})
    db.dispose()
    assert page.status_code == 200
    return page.text


def test_the_technical_lead_leaving_shows_among_the_people_alerts(lead_html):
    rows = _rows(lead_html, "alerts")
    assert sorted(code for code, _ in rows) == ["HEADCOUNT_BELOW_STANDARD", "PERSON_LEFT"]
    below = dict(rows)["HEADCOUNT_BELOW_STANDARD"]
    assert ALERT_ZH["HEADCOUNT_BELOW_STANDARD"] in below and "<td>钱峰</td>" in below and "技术负责人" in below
    assert "建筑工程施工总承包二级要求技术负责人不少于 1 人" in below and "现有 0 人" in below and "2026-09" in below
    assert "晴川社保.pdf" in below and not FULL_ID.search(lead_html)
