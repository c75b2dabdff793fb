"""A scan whose text layer says something its image does not is a tamper sign (real OCR)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from conftest import FIXTURES, cjk_ttf
from dossier.config import load_settings
from dossier.extract.ocr import InlineOcr
from dossier.extract.ocr.cache import OcrCache
from dossier.store.db import init_db
from dossier.workers.local import ingest_and_process
from dossier.workflow.check import check_application
from dossier.workflow.facts import agreement
from fixtures import SAMPLE_STANDARD

SEEN = ["建设工程施工合同", "发包人：武汉光谷建设投资有限公司", "合同金额：人民币壹佰万元整", "签订日期：2025年3月15日"]
LAYER = ["建设工程施工合同", "发包人：武汉光谷建设投资有限公司", "合同金额：人民币玖仟玖佰万元整", "签订日期：2021年9月30日"]


def test_agreement_is_the_share_of_layer_lines_the_image_confirms():
    assert agreement(SEEN, SEEN) == 1.0
    assert agreement(SEEN, list(reversed(SEEN))) == 1.0  # OCR's line order is its own
    ocr_slip = ["建设工程施工合同", "发包人：武汉光谷建设投资有限公闻", "合同金额：人民币壹佰万元整", "签订日期：2025年3月15日"]
    assert agreement(SEEN, ocr_slip) == 1.0  # one misread character in a long line, digits intact
    changed = agreement(LAYER, SEEN)
    assert changed is not None and changed < 0.5  # the amount and the date lines are not shown
    one_digit = SEEN[:3] + ["签订日期：2025年3月16日"]
    assert agreement(one_digit, SEEN) < 1.0  # a single changed digit leaves its line unconfirmed
    assert agreement(["短"], ["短"]) is None  # too little text to judge


def _scan_with_text_layer(path: Path, seen: list[str], layer: list[str]) -> None:
    """A page-sized scan image showing ``seen`` under an invisible text layer saying ``layer``."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(cjk_ttf()), 44)
    for i, line in enumerate(seen):
        draw.text((120, 200 + i * 110), line, fill="black", font=font)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    pdfmetrics.registerFont(TTFont("TestCJK", str(cjk_ttf()), subfontIndex=0))
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4
    canvas.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 0, 0, width, height)
    text = canvas.beginText()
    text.setTextRenderMode(3)  # invisible, as OCR software writes its layer
    text.setFont("TestCJK", 12)
    for i, line in enumerate(layer):
        text.setTextOrigin(72, height - 100 - i * 53)
        text.textLine(line)
    canvas.drawText(text)
    canvas.save()


def test_a_text_layer_that_the_image_does_not_show_is_reported(tmp_path):
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "application.yaml").write_bytes((FIXTURES / "sample-clean" / "application.yaml").read_bytes())
    (tmp_path / SAMPLE_STANDARD.name).write_bytes(SAMPLE_STANDARD.read_bytes())  # named by it, beside the folder
    _scan_with_text_layer(folder / "施工合同.pdf", SEEN, LAYER)
    _scan_with_text_layer(folder / "施工合同副本.pdf", SEEN, SEEN)
    home = tmp_path / "home"
    settings = load_settings(home=home, database_url=f"sqlite:///{home / 'dossier.db'}", broker_url=None)
    db = init_db(settings)
    try:
        results = ingest_and_process([folder], "app", settings, db=db)
        # processing already read the scan under the text layer, so check needs no OCR engine
        runner = InlineOcr(settings)
        cache = OcrCache(settings, runner.engine_name, runner.engine_version)
        assert all(cache.get(r.sha256, 1) is not None for r in results)
        findings = check_application(db, settings, "app").findings
    finally:
        db.dispose()
    tampered = [d for d in findings if d.code == "TAMPER_SIGNS"]
    assert len(tampered) == 1, [d.message for d in findings]
    assert "施工合同.pdf" in tampered[0].message and "副本" not in tampered[0].message
    [evidence] = [e for e in tampered[0].evidence if e.field == "page.text_agreement"]
    assert float(evidence.value) < 0.8 and evidence.page == 1
