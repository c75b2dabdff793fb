"""SOCIAL_INSURANCE_ELSEWHERE: a counted person insured by, or filed with, another unit in the window.

The clean application of ``validate_builders`` files on 2026-12-01 (upgrade: window 2026-09 to
2026-11, from 2026-09-01); each test adds one statement or one archived appearance.
"""

from __future__ import annotations

from datetime import date

import pytest
from validate_builders import COMPANY, PEOPLE, clean_application, insurance_record

from dossier.model import Evidence
from dossier.validate import params_for, validate_application
from dossier.validate.archive_facts import Appearance, ArchiveFacts

LINA = PEOPLE[1]
AGENCY = "北京众诚人力资源服务有限公司"
OTHER = "北京宏远建设工程有限公司"


def elsewhere(app, archive=()):
    return [d for d in validate_application(app.spec, app.documents, params_for(app.spec),
                                            ArchiveFacts(appearances=tuple(archive)))
            if d.code == "SOCIAL_INSURANCE_ELSEWHERE"]


def seen(kind="statement", company=OTHER, months=(), day=None) -> Appearance:
    return Appearance(id_number=LINA.id_number, name=LINA.name, company=company, kind=kind, application="宏远-新办",
                      evidence=Evidence(sha256="f" * 64, field="records[0].months", value=",".join(months)),
                      months=tuple(months), day=day)


def test_the_clean_application_alone_and_with_an_empty_archive():
    assert elsewhere(clean_application()) == []


def test_a_second_payer_in_the_window_with_evidence_from_both_sides():
    app = clean_application().add(insurance_record([LINA.row(["2026-10", "2026-11"])], payer=AGENCY))
    (found,) = elsewhere(app)
    assert found.severity == "blocking" and found.subject == LINA.id_number
    assert f"{AGENCY}：社会保险缴费证明（2026-10、2026-11）" in found.message and "挂靠" in found.message
    assert {e.sha256 for e in found.evidence} >= {"application.yaml", app.documents[-1].sha256}
    assert {e.value for e in found.evidence} >= {AGENCY, LINA.id_number}
    # months before the window are history, not 挂靠
    before = clean_application().add(insurance_record([LINA.row(["2026-06", "2026-08"])], payer=AGENCY))
    assert elsewhere(before) == []


def test_a_branch_the_policy_accepts_is_no_other_unit():
    app = clean_application().add(insurance_record([LINA.row()], payer=COMPANY + "朝阳分公司"))
    assert len(elsewhere(app)) == 1
    allowed = params_for(app.spec, {"payer": {"accept_branch": True}})
    assert "SOCIAL_INSURANCE_ELSEWHERE" not in [d.code for d in validate_application(app.spec, app.documents, allowed)]


@pytest.mark.parametrize(("appearance", "flagged"), [
    (seen(months=("2026-11",)), True),
    (seen(months=("2026-08",)), False),
    (seen("roster", day=date(2026, 9, 1)), True),  # the window's first day counts
    (seen("roster", day=date(2026, 8, 31)), False),
    (seen("certificate", day=date(2026, 12, 1)), True),  # the filing date itself counts
    (seen("certificate", day=date(2026, 12, 2)), False),
    (seen("certificate", day=None), False),
    (seen(company=COMPANY, months=("2026-11",)), False),  # the applicant under another filing
])
def test_the_archive_other_side(appearance, flagged):
    found = elsewhere(clean_application(), [appearance])
    assert bool(found) is flagged
    if flagged:
        assert found[0].subject == LINA.id_number and "宏远-新办" in found[0].message
        assert appearance.evidence in found[0].evidence
