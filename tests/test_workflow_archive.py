"""``dossier check`` reads the rest of the archive: another company's filing, the applicant's history.

The text-layer files of sample-upgrade are stored with other applications: another company's
whose roster counts one of the same people in the upgrade's window (SOCIAL_INSURANCE_ELSEWHERE,
evidence from both sides; outside the window no sign), and the applicant's own earlier filing
holding its previous 资质证书, which tells what it held when it contracted its 业绩.
"""

from __future__ import annotations

import shutil

import pytest
import yaml

from conftest import FIXTURES
from dossier.config import load_settings
from dossier.model import ApplicationSpec
from dossier.store.db import init_db
from dossier.validate.identifiers import make_uscc
from dossier.workers.local import ingest_and_process
from dossier.workflow.assess import assess_application
from dossier.workflow.check import check_application
from fixtures import load_truth
from tests.ledger_builders import extracted, store

SAMPLE = FIXTURES / "sample-upgrade"
TAO = "420111198811262418"  # 陶福生, a registered constructor of the upgrade


def other_filing(root, name: str, filing_date: str):
    folder = root / name
    folder.mkdir()
    spec = {"company_name": "武汉宏远建设工程有限公司", "uscc": make_uscc("91", "420106", "MA4K2P7X"),
            "application_type": "new", "qualifications": ["建筑工程施工总承包三级"], "filing_date": filing_date,
            "roster": [{"name": "陶福生", "id_number": TAO, "role": "registered_constructor", "specialty": "建筑工程"}]}
    (folder / "application.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    root = tmp_path_factory.mktemp("apps")
    folder = root / "upgrade"
    folder.mkdir()
    shutil.copy(SAMPLE / "application.yaml", folder / "application.yaml")
    for path, info in load_truth(SAMPLE)["files"].items():
        if info.get("form") == "text_pdf":
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(SAMPLE / path, folder / path)
    settings = load_settings(home=tmp_path_factory.mktemp("home"), database_url=None, broker_url=None)
    db = init_db(settings)
    ingest_and_process([folder], "upgrade", settings, db=db)
    yield root, settings, db
    db.dispose()


def test_a_roster_of_another_company_in_the_window(stored):
    root, settings, db = stored
    before = [d for d in check_application(db, settings, "upgrade").findings if d.code == "SOCIAL_INSURANCE_ELSEWHERE"]
    assert before == []
    ingest_and_process([other_filing(root, "hongyuan-old", "2026-08-31")], "hongyuan-old", settings, db=db)
    assert not [d for d in check_application(db, settings, "upgrade").findings if d.code == "SOCIAL_INSURANCE_ELSEWHERE"]
    ingest_and_process([other_filing(root, "hongyuan", "2026-10-15")], "hongyuan", settings, db=db)
    (found,) = [d for d in check_application(db, settings, "upgrade").findings if d.code == "SOCIAL_INSURANCE_ELSEWHERE"]
    assert found.subject == TAO and found.severity == "blocking"
    assert "武汉宏远建设工程有限公司：申报项目「hongyuan」的申报人员名单（2026-10-15）" in found.message
    sides = {e.sha256 for e in found.evidence}
    assert sides == {"application.yaml", "application.yaml@hongyuan"}


def test_the_previous_certificate_in_an_earlier_filing_tells_the_level_held(stored):
    root, settings, db = stored
    assert not [d for d in check_application(db, settings, "upgrade").findings if d.code == "SCOPE_EXCEEDED"]
    spec = ApplicationSpec.model_validate(yaml.safe_load((SAMPLE / "application.yaml").read_text(encoding="utf-8")))
    old = extracted("qualification_certificate",
                    {"company_name": spec.company_name, "uscc": spec.uscc, "cert_number": "D342010305",
                     "qualifications": ["建筑工程施工总承包三级"], "issue_date": "2019-03-12", "valid_until": "2024-03-11"},
                    label="楚天-2019-资质证书")
    with db.session() as session:
        store(session, "chutian-2019", old, spec=spec.model_copy(update={"application_type": "new", "roster": []}))
    (found,) = [d for d in check_application(db, settings, "upgrade").findings if d.code == "SCOPE_EXCEEDED"]
    assert "锦绣华庭住宅小区7#楼工程" in found.message and "中标通知书日期 2023-02-20" in found.message
    assert "高度 86.4 米，超过 50 米的上限" in found.message and "单体建筑面积 26850 平方米" in found.message
    assert old.sha256 in {e.sha256 for e in found.evidence}


def test_assess_counts_the_company_s_projects_filed_under_its_other_applications(stored):
    root, settings, db = stored

    def storeys() -> dict:
        result = assess_application(db, settings, "upgrade")
        return {line.key: line for line in result.requirements}["performance.storeys"]

    assert storeys().status != "met"  # the text-layer files hold no accepted project of 12 storeys
    spec = ApplicationSpec.model_validate(yaml.safe_load((SAMPLE / "application.yaml").read_text(encoding="utf-8")))
    tower = {"project_name": "楚天大厦工程", "contractor": spec.company_name}
    with db.session() as session:
        for doc in (extracted("project_contract", {**tower, "sign_date": "2021-05-10", "floors": "26"}, label="楚天大厦-合同"),
                    extracted("completion_acceptance", {**tower, "acceptance_date": "2023-06-30", "result": "合格"},
                              label="楚天大厦-验收"),
                    extracted("project_contract", {"project_name": "别家大厦工程", "contractor": "别的建设公司",
                                                   "floors": "30"}, label="别家-合同")):
            store(session, "chutian-2022", doc, spec=spec.model_copy(update={"roster": []}))
    line = storeys()
    assert line.status == "met" and "楚天大厦工程（26 层）" in line.found and "别家大厦工程" not in line.found
