"""动态监管 of the 业绩: qualification held on the bid and contract dates, and the level's scope.

Each test starts from the clean application of ``validate_builders`` (its 资质证书 issued after
its one project was contracted, which proves nothing either way) and changes one fact.
"""

from __future__ import annotations

from validate_builders import COMPANY, clean_application, doc, project_documents, replace_field

from dossier.model import ProjectNote
from dossier.validate import params_for, validate_application
from dossier.validate.archive_facts import ArchiveFacts

NEW = {"QUALIFICATION_NOT_HELD", "SCOPE_EXCEEDED", "PROJECT_CATEGORY_UNKNOWN"}


def supervision(app) -> list:
    return [d for d in app.run() if d.code in NEW]


def holding(app, *, issued="2022-06-01", until="2027-06-30", qualifications=("建筑工程施工总承包三级",)):
    """``app`` with its 资质证书 covering the project's dates (or as given)."""
    old = app.find("qualification_certificate")
    return app.swap(old, replace_field(old, issue_date=issued, valid_until=until, qualifications=list(qualifications)))


def with_project(app, name="华府小区1#楼工程", **scale):
    """``app`` with its one project replaced by ``name`` whose contract prints ``scale``."""
    for old in [d for d in app.documents if d.doc_type in ("bid_award_notice", "project_contract", "completion_acceptance")]:
        app = app.swap(old, None)
    docs = project_documents(name)
    docs[1] = replace_field(docs[1], **{k: str(v) for k, v in scale.items()})
    return app.add(*docs)


def test_the_clean_application_and_its_covering_certificate_raise_nothing():
    assert supervision(clean_application()) == []
    assert supervision(holding(clean_application())) == []


def test_another_category_only():
    app = holding(clean_application(), qualifications=["市政公用工程施工总承包三级"])
    (found,) = supervision(app)
    assert found.code == "QUALIFICATION_NOT_HELD" and found.severity == "warning"
    assert "中标通知书日期 2023-01-10" in found.message and "不含建筑工程施工总承包" in found.message
    # the finding is the project's: its contract stands for it, though the bid date told it
    assert found.subject == app.find("project_contract").sha256
    assert {e.field for e in found.evidence} >= {"issue_date", "qualifications", "valid_until"}


def test_a_lapse_between_two_certificates():
    app = holding(clean_application(), issued="2023-06-01", until="2028-05-31")
    expired = doc("qualification_certificate", company_name=COMPANY, uscc=app.spec.uscc, cert_number="D311000000",
                  qualifications=["建筑工程施工总承包三级"], issue_date="2017-12-01", valid_until="2022-12-31")
    app = app.add(expired)
    (found,) = supervision(app)
    assert found.code == "QUALIFICATION_NOT_HELD" and "已于 2022-12-31（建筑工程施工总承包三级）过期" in found.message
    assert supervision(holding(clean_application(), issued="2023-06-01", until="2028-05-31")) == []  # no lapse shown


def test_scope_of_the_level_held_inclusive_at_the_boundary():
    app = holding(clean_application())
    assert supervision(with_project(app, height=50, building_area=12000, span=27)) == []
    (found,) = supervision(with_project(app, height="50.5", building_area=12000, span=27))
    assert found.code == "SCOPE_EXCEEDED"
    assert "高度 50.5 米，超过 50 米的上限（工业与民用建筑）" in found.message and "三级" in found.message
    assert "多源一致" in found.message
    assert any(e.field == "height" and e.value == "50.5" for e in found.evidence)
    # the higher of two levels held decides
    both = holding(clean_application(), qualifications=["建筑工程施工总承包三级", "建筑工程施工总承包二级"])
    assert supervision(with_project(both, height="50.5")) == []


def test_the_area_of_several_buildings_is_no_single_building_area():
    app = holding(clean_application())
    assert supervision(with_project(app, "华府小区3#、4#楼工程", building_area=20000)) == []
    assert [d.code for d in supervision(with_project(app, "华府小区3#楼工程", building_area=20000))] == ["SCOPE_EXCEEDED"]


def test_unknown_category_is_said_not_guessed():
    app = with_project(holding(clean_application()), "华府小区1#楼桩基工程", height=80)
    (found,) = supervision(app)
    assert found.code == "PROJECT_CATEGORY_UNKNOWN" and found.severity == "info"
    assert "建筑工程施工总承包" in found.message and "地基基础工程专业承包" in found.message
    stated = app.with_spec(projects=[ProjectNote(name="华府小区1#楼桩基工程", category="地基基础工程专业承包")])
    (held,) = supervision(stated)  # the 三级 of 建筑工程 is no 地基基础 qualification
    assert held.code == "QUALIFICATION_NOT_HELD" and any(e.sha256 == "application.yaml" for e in held.evidence)


def test_a_stated_kind_and_scale_win_over_the_documents():
    app = with_project(holding(clean_application()), "华府一期工程", height=60)
    stated = app.with_spec(projects=[ProjectNote(name="华府一期工程", category="建筑工程施工总承包")])
    assert supervision(stated) == []  # 60 m: beyond a building's 50, within a structure's 70: unknown kind
    structure = stated.with_spec(projects=[ProjectNote(name="华府一期工程", category="建筑工程施工总承包",
                                                       kind="structure", scale={"height": 71})])
    (found,) = supervision(structure)
    assert "高度 71 米，超过 70 米的上限（构筑物）" in found.message


def test_a_certificate_from_the_archive_tells_what_was_held_before_this_one():
    app = with_project(clean_application(), height=55)  # its 资质证书 is issued after the project: nothing known
    assert supervision(app) == []
    earlier = doc("qualification_certificate", company_name=COMPANY, uscc=app.spec.uscc, cert_number="D311000000",
                  qualifications=["建筑工程施工总承包三级"], issue_date="2019-01-01", valid_until="2023-12-31")
    found = validate_application(app.spec, app.documents, params_for(app.spec),
                                 ArchiveFacts(certificates=(earlier, app.find("qualification_certificate"))))
    (scope,) = [d for d in found if d.code in NEW]
    assert scope.code == "SCOPE_EXCEEDED" and earlier.sha256 in {e.sha256 for e in scope.evidence}
    assert "CERT_EXPIRED" not in {d.code for d in found}  # a certificate of the archive is history, not filed
