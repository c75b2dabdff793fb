"""Personnel changes from two (or more) social-insurance statements of one company."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from conftest import fresh_database
from dossier.cli import app
from dossier.config import Settings
from dossier.ledger.ledger import build_ledger
from dossier.ledger.personnel import load_ledger_with_alerts, personnel_alerts
from dossier.ledger.rules import load_rules
from dossier.model import ApplicationSpec
from dossier.store.db import Database, init_db
from dossier.store.findings import add_correction
from tests.ledger_builders import COMPANY, USCC, application, archived, extracted, months, statement, store

RULES = load_rules()
ZHANG, LI, WANG, ZHAO, CHEN = ("110101198003071239", "110101199001011234", "420111198811262418",
                               "42280119970702063X", "421002198809031273")
ROSTER = [{"name": "张伟", "id_number": ZHANG, "role": "technical_lead"},
          {"name": "李娜", "id_number": LI, "role": "registered_constructor"}]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.service)])
def database_url(request, tmp_path):
    """A fresh, empty database: a SQLite file, or a throw-away PostgreSQL schema."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


def _constructor(name: str, id_number: str, company: str, issued: str, label: str):
    return archived("constructor_certificate",
                    {"name": name, "id_number": id_number, "company_name": company, "issue_date": issued,
                     "registration_number": f"鄂2{id_number[-11:]}", "specialty_valid_until": "2028-01-01"},
                    label=label)


def _statements():
    earlier = statement("社保2026上", ("2026-03", "2026-08"), {
        "张伟": (ZHANG, months("2026-03", "2026-08")), "李娜": (LI, months("2026-03", "2026-08")),
        "王强": (WANG, months("2026-03", "2026-08")), "赵六": (ZHAO, months("2026-03", "2026-08")),
        "陈七": (CHEN, months("2026-03", "2026-08"))}, received_days=5)
    newest = statement("社保2026下", ("2026-06", "2026-11"), {
        "张伟": (ZHANG, months("2026-06", "2026-11")),
        "李娜": (LI, months("2026-06", "2026-09"))}, received_days=1)  # received before the earlier one
    return earlier, newest


def _alerts(documents, roster=ROSTER):
    apps = [application(roster=roster)]
    return personnel_alerts(documents, apps, build_ledger(documents, apps, RULES), RULES.personnel)


def test_registered_people_who_left_or_stopped_are_alerted():
    earlier, newest = _statements()
    documents = [earlier, newest,
                 _constructor("王强", WANG, COMPANY, "2025-01-01", "王强证书"),
                 # 陈七 moved: his newest certificate names another company, so he is not ours to change
                 _constructor("陈七", CHEN, COMPANY, "2024-01-01", "陈七旧证"),
                 _constructor("陈七", CHEN, "武汉另一建设有限公司", "2026-07-01", "陈七新证")]
    alerts = _alerts(documents)
    left = {a.name: a for a in alerts if a.code == "PERSON_LEFT"}
    assert set(left) == {"李娜", "王强"}  # not 张伟 (insured), 赵六 (not registered), 陈七 (registered elsewhere)
    assert (left["李娜"].last_month, left["李娜"].newest_month) == ("2026-09", "2026-11")
    assert left["李娜"].roles == ["registered_constructor"] and left["王强"].roles == ["constructor"]
    assert left["王强"].last_month == "2026-08" and left["王强"].id_number == WANG
    assert "注册人员已离职或停保，请办理变更" in left["李娜"].message and "李娜" in left["李娜"].message
    assert left["李娜"].uscc == USCC and left["李娜"].company == COMPANY
    assert set(left["李娜"].evidence) == {earlier.sha256, newest.sha256}
    assert not [a for a in alerts if a.code == "FREQUENT_CHANGES"]


def test_one_statement_alone_still_shows_who_stopped():
    _, newest = _statements()
    assert [(a.code, a.name) for a in _alerts([newest])] == [("PERSON_LEFT", "李娜")]


def test_frequent_changes_of_registered_people_are_flagged():
    zhou = "420106198501011232"
    roster = [*ROSTER, {"name": "周八", "id_number": zhou, "role": "registered_constructor"}]
    first_half = statement("上半年", ("2026-01", "2026-06"), {
        "张伟": (ZHANG, months("2026-01", "2026-06")), "李娜": (LI, months("2026-01", "2026-06")),
        "周八": (zhou, months("2026-01", "2026-03"))})  # leaves after March
    second_half = statement("下半年", ("2026-07", "2026-12"), {
        "张伟": (ZHANG, months("2026-07", "2026-12")), "李娜": (LI, months("2026-07", "2026-12")),
        "周八": (zhou, months("2026-07", "2026-09"))})  # back in July, gone again after September
    alerts = _alerts([second_half, first_half], roster)
    person = [a for a in alerts if a.code == "FREQUENT_CHANGES" and a.name == "周八"]
    company = [a for a in alerts if a.code == "FREQUENT_CHANGES" and a.name is None]
    assert [a.changes for a in person] == [3] and [a.changes for a in company] == [3]
    assert company[0].company == COMPANY and "变更频繁" in company[0].message
    assert [(a.name, a.last_month) for a in alerts if a.code == "PERSON_LEFT"] == [("周八", "2026-09")]


def test_changes_older_than_the_window_do_not_count():
    zhou = "420106198501011232"
    roster = [{"name": "周八", "id_number": zhou, "role": "registered_constructor"}]
    old = statement("2024", ("2024-01", "2024-12"), {"周八": (zhou, months("2024-01", "2024-03") + months("2024-07", "2024-12"))})
    new = statement("2026", ("2026-01", "2026-12"), {"周八": (zhou, months("2026-01", "2026-12"))})
    # 2024: left in April, back in July; 2025 is not covered by any statement (no flip counted across it)
    assert _alerts([old, new], roster) == []


def test_alerts_from_the_database_apply_corrections_and_the_cli_masks_ids(database_url, tmp_path, monkeypatch):
    spec = ApplicationSpec(company_name=COMPANY, uscc=USCC, application_type="upgrade", filing_date=date(2026, 12, 1),
                           roster=ROSTER)
    earlier, newest = _statements()
    wang = extracted("constructor_certificate", {"name": "王强", "id_number": WANG, "company_name": COMPANY,
                                                 "registration_number": "鄂242588835483", "issue_date": "2025-01-01",
                                                 "specialty_valid_until": "2028-01-01"}, label="王强证书")
    db = Database.from_url(database_url)
    db.upgrade()
    try:
        with db.session() as s:
            for doc in (earlier.doc, newest.doc):
                store(s, "华建升级", doc, spec=spec)
            wang_id = store(s, "华建升级", wang)
        with db.session() as s:
            _, alerts = load_ledger_with_alerts(s)
        assert sorted(a.name for a in alerts) == ["李娜", "王强"]
        with db.session() as s:  # a reviewer: 王强's certificate names another company
            add_correction(s, document_id=wang_id, first_page=1, name="company_name", value="武汉另一建设有限公司",
                           previous=COMPANY, user="审核员", comment="OCR 误读")
        with db.session() as s:
            entries, alerts = load_ledger_with_alerts(s)
        assert [a.name for a in alerts] == ["李娜"]
        assert next(e for e in entries if e.name == "王强").company == "武汉另一建设有限公司"
    finally:
        db.dispose()

    monkeypatch.setenv("DOSSIER_DATABASE_URL", database_url)
    monkeypatch.setenv("DOSSIER_HOME", str(tmp_path / "home"))
    init_db(Settings()).dispose()
    result = CliRunner().invoke(app, ["ledger", "--json", "--as-of", "2026-12-01"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    [alert] = data["alerts"]
    assert alert["name"] == "李娜" and alert["id_number"] == "110101********1234"
    assert LI not in result.stdout and ZHANG not in result.stdout
    shown = CliRunner().invoke(app, ["ledger", "--show-ids"])
    assert shown.exit_code == 0 and "人员变动" in shown.stdout and "李娜" in shown.stdout
