"""SOCIAL_INSURANCE_ELSEWHERE across the archive: ``dossier check`` sees another company's filing.

The text-layer files of sample-upgrade are stored with a second application, of another company,
whose roster counts one of the same people in the upgrade's window; the check of the upgrade
names that filing, with evidence from both sides, and a filing outside the window is no sign.
"""

from __future__ import annotations

import shutil

import pytest
import yaml

from conftest import FIXTURES
from dossier.config import load_settings
from dossier.store.db import init_db
from dossier.validate.identifiers import make_uscc
from dossier.workers.local import ingest_and_process
from dossier.workflow.check import check_application
from fixtures import load_truth

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
