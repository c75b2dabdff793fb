"""QUALIFICATION_NOT_HELD and SCOPE_EXCEEDED in the ledger (issue 18): every company's 业绩 in the
archive against the 资质证书 it held, whichever application each was filed under.

The company holds 建筑工程施工总承包二级 from 2021-03-12 to 2026-03-11 (a 二级 may build up to
100 m, inclusive); its projects are contracts filed under its applications. The fixtures' seeded
业绩 defects are alerts too, and nothing else is.
"""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES
from dossier.cli import app as cli
from dossier.ledger.documents import ArchivedApplication, ArchivedDocument, Filing
from dossier.ledger.personnel import load_ledger_with_alerts
from dossier.ledger.rules import load_rules
from dossier.ledger.supervision import supervision_alerts
from dossier.model import ApplicationSpec, ProjectNote
from dossier.notify.digest import due_items
from dossier.store.db import Database
from fixtures import load_truth
from tests.ledger_builders import COMPANY, EPOCH, USCC, archived, store
from tests.test_fixture_supervision import as_read

OTHER = "武汉江城建设有限公司"


def spec(**update) -> ApplicationSpec:
    stated = {"company_name": COMPANY, "uscc": USCC, "application_type": "renewal",
              "qualifications": ["建筑工程施工总承包二级"], "filing_date": date(2026, 1, 10)}
    return ApplicationSpec(**{**stated, **update})


def application(name: str = "华建延续", **update) -> ArchivedApplication:
    stated = spec(**update)
    return ArchivedApplication(name=name, company_name=COMPANY, uscc=USCC, filing_date=stated.filing_date, spec=stated)


def certificate(application_name: str = "华建延续", issued: str = "2021-03-12", until: str = "2026-03-11"):
    return archived("qualification_certificate",
                    {"company_name": COMPANY, "uscc": USCC, "cert_number": "D242010305",
                     "qualifications": ["建筑工程施工总承包二级"], "issue_date": issued, "valid_until": until},
                    label=f"资质证书{issued}", application=application_name)


def contract(project: str, signed: str, height: str = "86.40", *, contractor: str = COMPANY,
             application_name: str = "华建延续"):
    return archived("project_contract",
                    {"project_name": project, "employer": "武汉锦绣置业有限公司", "contractor": contractor,
                     "contract_amount": "45280000.00", "sign_date": signed, "floors": "28", "height": height},
                    label=f"合同{project}", application=application_name)


def codes(alerts) -> list[tuple[str, str | None]]:
    return [(a.code, a.project) for a in alerts]


def test_a_project_within_the_level_held_raises_nothing_at_the_boundary():
    documents = [certificate(), contract("锦绣华庭住宅小区7#楼工程", "2023-03-06", height="100.00")]
    assert supervision_alerts(documents, [application()]) == []


def test_a_tower_beyond_the_level_is_scope_exceeded_naming_the_project_and_both_documents():
    tower = contract("南山科技园创新研发楼工程", "2025-06-18", height="118.50")
    cert = certificate()
    (alert,) = supervision_alerts([cert, tower], [application()])
    assert (alert.code, alert.company, alert.uscc, alert.project) == ("SCOPE_EXCEEDED", COMPANY, USCC, "南山科技园创新研发楼工程")
    assert alert.newest_month == "2025-06" and alert.message.startswith(f"{COMPANY}：工程「南山科技园创新研发楼工程」")
    assert "118.5" in alert.message and set(alert.evidence) == {tower.sha256, cert.sha256}


def test_a_contract_signed_after_the_certificate_lapsed_is_qualification_not_held():
    (alert,) = supervision_alerts([certificate(), contract("锦绣华庭住宅小区8#楼工程", "2026-05-20")], [application()])
    assert alert.code == "QUALIFICATION_NOT_HELD" and "2026-03-11" in alert.message and alert.newest_month == "2026-05"


def test_documents_of_every_application_of_the_company_are_read_together():
    # the certificate filed with an old filing, the project with a later one
    documents = [certificate(application_name="华建升级"),
                 contract("南山科技园创新研发楼工程", "2025-06-18", height="118.50", application_name="华建延续")]
    apps = [application("华建升级", filing_date=date(2021, 6, 1)), application("华建延续")]
    assert codes(supervision_alerts(documents, apps)) == [("SCOPE_EXCEEDED", "南山科技园创新研发楼工程")]


def test_another_contractors_project_is_not_the_companys():
    documents = [certificate(), contract("南山科技园创新研发楼工程", "2025-06-18", height="118.50", contractor=OTHER)]
    assert supervision_alerts(documents, [application()]) == []


@pytest.mark.parametrize("notes, expected", [
    ([], []),  # 综合楼: the documents place it in 建筑工程, which the company holds
    ([ProjectNote(name="江滩综合楼及人行桥工程", category="市政公用工程施工总承包")],
     [("QUALIFICATION_NOT_HELD", "江滩综合楼及人行桥工程")]),
])
def test_a_category_stated_in_any_filings_application_yaml_wins(notes, expected):
    documents = [certificate(), contract("江滩综合楼及人行桥工程", "2024-04-02")]
    apps = [application("华建升级", filing_date=date(2024, 1, 5), projects=notes), application("华建延续")]
    assert codes(supervision_alerts(documents, apps)) == expected


def test_alerts_reach_the_ledger_and_are_reminded_once_per_project(database_url, tmp_path, monkeypatch):
    db = Database.from_url(database_url)
    db.upgrade()
    try:
        with db.session() as s:
            for doc in (certificate(), contract("南山科技园创新研发楼工程", "2025-06-18", height="118.50"),
                        contract("光谷科技产业园研发楼工程", "2025-09-01", height="120.00")):
                store(s, "华建延续", doc.doc, spec=spec())
        with db.session() as s:
            _, alerts = load_ledger_with_alerts(s, company=USCC)
    finally:
        db.dispose()
    assert sorted(codes(alerts)) == [("SCOPE_EXCEEDED", "光谷科技产业园研发楼工程"), ("SCOPE_EXCEEDED", "南山科技园创新研发楼工程")]
    items = due_items([], alerts, load_rules(), date(2026, 12, 1))
    assert len({i.key for i in items}) == 2 and {(i.urgency, i.threshold_zh) for i in items} == {("supervision", "动态监管")}
    monkeypatch.setenv("DOSSIER_DATABASE_URL", database_url)
    monkeypatch.setenv("DOSSIER_HOME", str(tmp_path / "home"))
    shown = CliRunner().invoke(cli, ["ledger", "--company", USCC])
    assert shown.exit_code == 0 and "人员变动提醒 0 条，动态监管提醒 2 条" in shown.stdout, shown.output


@pytest.mark.parametrize("name", ["sample-upgrade", "sample-renewal", "sample-clean"])
def test_the_fixtures_alert_exactly_on_their_seeded_projects(name):
    stated, facts = as_read(name)
    documents = [ArchivedDocument(document_id=i, sha256=f.sha256, source_name=f.document.file, received_at=EPOCH,
                                  doc=f.document, filings=[Filing(application=name, path=f.document.file)])
                 for i, f in enumerate(facts)]
    app = ArchivedApplication(name=name, company_name=stated.company_name, uscc=stated.uscc, spec=stated)
    seeded = {(d["code"], d["subject"]) for d in load_truth(FIXTURES / name)["defects"]
              if d["code"] in ("QUALIFICATION_NOT_HELD", "SCOPE_EXCEEDED")}
    alerts = supervision_alerts(documents, [app])
    assert {(a.code, a.evidence[0]) for a in alerts} == seeded and len(alerts) == len(seeded)
