"""审计报告 (issue 18): the fixtures' two reports are classified as such and read field by field
as their truth says — the 2024 report from its text layer, the 2025 one scanned and read by PP-OCR
— and a contract that speaks of an audit stays a contract."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from dossier.config import load_settings
from dossier.extract.document import extract_documents
from dossier.intake.sniff import sniff
from dossier.model import FileText, PageText, TextLine, TextSource
from dossier.store.archive import hash_file
from dossier.workers.stages import analyse_file
from fixtures import load_truth

SAMPLE = FIXTURES / "sample-upgrade"
TEXT_LAYER, SCANNED = "综合资料/审计报告（2024年度）.pdf", "综合资料/审计报告（2025年度）.pdf"


def read(rel: str, settings, ocr=None):
    path = SAMPLE / rel
    sha, _ = hash_file(path)
    _, docs = analyse_file(path, sha256=sha, media_type=sniff(path), name=rel, settings=settings, ocr=ocr)
    return docs


def assert_reads_as_truth(rel: str, docs) -> None:
    (truth,) = load_truth(SAMPLE)["files"][rel]["documents"]
    assert [(d.doc_type, d.first_page, d.pages) for d in docs] == [("audit_report", 1, len(truth["pages"]))]
    assert {name: field.value for name, field in docs[0].fields.items()} == truth["fields"]
    # the figure the assessment compares with the standard is read from its label, not guessed
    assert docs[0].fields["net_assets"].confidence >= 0.9


def test_a_born_digital_report_reads_from_its_text_layer(tmp_path):
    settings = load_settings(home=tmp_path)
    assert_reads_as_truth(TEXT_LAYER, read(TEXT_LAYER, settings))


@pytest.mark.ocr
def test_a_scanned_report_reads_through_ocr(tmp_path):
    from dossier.extract.ocr.pool import OcrPool

    settings = load_settings(home=tmp_path, ocr_processes=1)
    with OcrPool(settings) as pool:
        assert_reads_as_truth(SCANNED, read(SCANNED, settings, pool))


def test_a_contract_settled_by_audit_is_no_audit_report():
    def line(text, y, size=10.5):
        return TextLine(text=text, bbox=(60, y, 60 + size * len(text), y + size), confidence=1.0)

    page = PageText(number=1, width=595.0, height=842.0, source=TextSource.text_layer, lines=[
        line("建设工程施工合同", 80, 24), line("发包人：武汉锦绣置业有限公司", 160), line("承包人：湖北楚天建设工程有限公司", 190),
        line("工程名称：锦绣华庭住宅小区7#楼工程", 220), line("签约合同价：￥45,280,000.00元", 250),
        line("工程竣工结算以发包人委托的会计师事务所出具的审计报告为准，注册会计师审定的金额为最终结算价。", 280)])
    (doc,) = extract_documents(FileText(sha256="0" * 64, media_type="application/pdf", pages=[page]), "合同.pdf")
    assert doc.doc_type == "project_contract"
