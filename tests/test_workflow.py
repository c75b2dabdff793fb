"""check -> review -> build on a stored application: the text-layer files of sample-upgrade.

Text-layer PDFs are read without OCR, so the real pipeline (intake, pages, extraction, file
facts, validation, review, assembly) runs here in seconds. The seeded defects these files carry
(fixtures/sample-upgrade.truth.json) are what the findings must contain.
"""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from conftest import FIXTURES, fresh_database
from dossier.cli import app as cli
from dossier.config import load_settings
from dossier.errors import GateRefused, ReviewError
from dossier.store import repo
from dossier.store.db import init_db
from dossier.store.schema import AuditEvent, FieldCorrection, Packet
from dossier.workers.local import ingest_and_process
from dossier.workflow.build import build_application
from dossier.workflow.check import check_application, load_findings
from dossier.workflow.review import correct_field, review
from fixtures import load_truth

SAMPLE = FIXTURES / "sample-upgrade"
APP = "text-upgrade"
TAO = "420111198811262418"  # 陶福生: his constructor certificate prints 性别 女


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.service)])
def stored(request, tmp_path_factory):
    """A DOSSIER_HOME holding the text-layer files of sample-upgrade plus a note that is no scan,
    on SQLite and on PostgreSQL (the same results on both)."""
    truth = load_truth(SAMPLE)
    folder = tmp_path_factory.mktemp("app") / APP
    folder.mkdir()
    shutil.copy(SAMPLE / "application.yaml", folder / "application.yaml")
    for path, info in truth["files"].items():
        if info.get("form") == "text_pdf":
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(SAMPLE / path, folder / path)
    (folder / "备注.txt").write_text("社保截图下周补交", encoding="utf-8")
    home = tmp_path_factory.mktemp("home")
    with fresh_database(request.param, home) as url:
        settings = load_settings(home=home, database_url=url, broker_url=None)
        db = init_db(settings)
        ingest_and_process([folder], APP, settings, db=db)
        yield settings, db
        db.dispose()


def _by_code(findings, code, subject=None):
    return [d for d in findings if d.code == code and (subject is None or d.subject == subject)]


def test_check_finds_the_seeded_defects_of_these_files(stored):
    settings, db = stored
    result = check_application(db, settings, APP)
    assert result.checklist == "gc-building-upgrade" and result.pending == []
    assert _by_code(result.findings, "ID_GENDER_MISMATCH", TAO)
    assert _by_code(result.findings, "DATE_ORDER")
    assert _by_code(result.findings, "TAMPER_SIGNS")
    note = _by_code(result.findings, "NOT_A_DOCUMENT")
    assert len(note) == 1 and note[0].severity == "warning" and "备注.txt" in note[0].message
    with db.session() as session:
        kept = {d.path: d.sha256 for d in repo.document_status(session, APP)}
    assert kept["备注.txt"] == note[0].subject  # the note is kept with the application, only not used
    assert not _by_code(result.findings, "UNREADABLE")
    # blocking first, each finding stored with an id
    severities = [d.severity for d in result.findings]
    assert severities == sorted(severities, key=["blocking", "warning", "info"].index)
    assert all(d.id for d in result.findings)


def test_a_decision_survives_a_recheck(stored):
    settings, db = stored
    first = _by_code(check_application(db, settings, APP).findings, "DATE_ORDER")[0]
    review(db, settings, first.id, "accept", user="王审核", comment="合同原件如此，已核实")
    again = _by_code(check_application(db, settings, APP).findings, "DATE_ORDER")[0]
    assert (again.id, again.status) == (first.id, "accepted")
    assert [(r.user, r.action) for r in again.reviews] == [("王审核", "accept")]
    review(db, settings, first.id, "reopen", user="王审核")
    assert _by_code(load_findings(db, APP), "DATE_ORDER")[0].status == "open"


def test_a_waiver_needs_a_reason(stored):
    settings, db = stored
    finding = _by_code(check_application(db, settings, APP).findings, "TAMPER_SIGNS")[0]
    with pytest.raises(ReviewError) as refused:
        review(db, settings, finding.id, "waive", user="王审核", comment="  ")
    assert "理由" in refused.value.reason_zh
    with pytest.raises(ReviewError):
        review(db, settings, 10**9, "accept", user="王审核")


def test_a_correction_resolves_the_finding_and_keeps_the_value_as_read(stored):
    settings, db = stored
    finding = _by_code(check_application(db, settings, APP).findings, "ID_GENDER_MISMATCH", TAO)[0]
    index = next(i for i, e in enumerate(finding.evidence) if e.field == "gender")
    after = review(db, settings, finding.id, "correct", user="王审核", new_value="男",
                   comment="证面性别印错，以身份证为准", evidence_index=index)
    assert not _by_code(after, "ID_GENDER_MISMATCH", TAO)
    with db.session() as session:
        correction = session.scalars(select(FieldCorrection).where(FieldCorrection.name == "gender")).one()
        assert (correction.previous, correction.value, correction.user_name) == ("女", "男", "王审核")
        cert = next(d for d in repo.load_extractions(session, APP)
                    if d.sha256 == finding.evidence[index].sha256 and d.doc_type == "constructor_certificate")
        gender = cert.fields["gender"]
        assert (gender.value, gender.confidence, gender.raw) == ("男", 1.0, "女")
        actions = session.scalars(select(AuditEvent.action)).all()
        assert {"review.correct", "field.correct", "check"} <= set(actions)


def test_a_correction_is_normalised_or_refused(stored):
    settings, db = stored
    finding = _by_code(check_application(db, settings, APP).findings, "DATE_ORDER")[0]
    dated = next(i for i, e in enumerate(finding.evidence) if "date" in e.field)
    with pytest.raises(ReviewError) as refused:
        review(db, settings, finding.id, "correct", user="王审核", new_value="下个月", evidence_index=dated)
    assert "不是有效的" in refused.value.reason_zh
    evidence = finding.evidence[dated]
    correct_field(db, settings, evidence.sha256, evidence.page, evidence.field, "2023年2月1日", user="王审核")
    with db.session() as session:
        row = session.scalars(select(FieldCorrection).where(FieldCorrection.name == evidence.field)).all()[-1]
        assert row.value == "2023-02-01"


def test_build_refuses_with_the_list_then_binds_a_draft(stored, tmp_path):
    settings, db = stored
    with pytest.raises(GateRefused) as refused:
        build_application(db, settings, APP, tmp_path / "clean")
    assert any(line.startswith("[MISSING_DOCUMENT]") for line in refused.value.findings)
    assert not (tmp_path / "clean" / "packet.pdf").exists()
    result = build_application(db, settings, APP, tmp_path / "draft", draft=True)
    assert result.draft and result.open_blocking and (tmp_path / "draft" / "packet.pdf").is_file()
    with db.session() as session:
        packet = session.scalars(select(Packet)).one()
        assert (packet.sha256, packet.draft) == (result.packet_sha256, True)
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "build.refused")).first()


def test_the_cli_prints_the_contract(stored, monkeypatch):
    settings, _ = stored
    monkeypatch.setenv("DOSSIER_HOME", str(settings.home))
    monkeypatch.setenv("DOSSIER_DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(cli, ["check", APP, "--json"])
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)
    assert findings and set(findings[0]) == {"code", "severity", "message", "subject", "evidence", "status"}
    assert set(findings[0]["evidence"][0]) == {"sha256", "field", "value", "page", "bbox"}
    table = CliRunner().invoke(cli, ["check", APP])
    assert table.exit_code == 0 and TAO not in table.stdout  # ID numbers masked in the table
    assert CliRunner().invoke(cli, ["build", APP, "--out", str(settings.home / "out")]).exit_code == 6
    assert CliRunner().invoke(cli, ["checklists"]).stdout.split() == [
        "gc-building-addition", "gc-building-new", "gc-building-renewal", "gc-building-upgrade"]
