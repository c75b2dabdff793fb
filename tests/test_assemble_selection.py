"""Documents -> checklist items, missing items and their reviews; image placement on A4."""

from __future__ import annotations

import pytest
from reportlab.lib.pagesizes import A4, landscape

from test_assemble_builders import upgrade_application
from dossier.assemble.checklist import load_checklist
from dossier.assemble.gate import blockers, merge_findings
from dossier.assemble.images import placement
from dossier.assemble.inputs import ReviewedDiscrepancy
from dossier.assemble.selection import select
from fixtures import SAMPLE_STANDARD

UPGRADE = load_checklist("gc-building-upgrade")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("sel")


def test_complete_application_has_no_findings(folder):
    plan = select(upgrade_application(folder / "full"), UPGRADE)
    assert plan.findings == [] and plan.unplaced == []
    assert [s.title for s in plan.sections] == ["综合资料", "人员资料", "工程业绩资料"]


def test_missing_person_document_and_project_item(folder):
    plan = select(upgrade_application(folder / "short", drop=("cc-王强", "p1-accept", "id-郑涛")), UPGRADE)
    messages = {d.message for d in plan.findings if d.code == "MISSING_DOCUMENT"}
    assert any("王强" in m and "注册建造师注册证书" in m for m in messages)
    assert any("郑涛" in m and "居民身份证" in m for m in messages)
    assert any("华府小区1#楼" in m and "竣工验收报告" in m for m in messages)
    assert all(d.severity == "blocking" for d in plan.findings)


def test_headcount_short_comes_from_the_standard_not_the_checklist(folder):
    packet = upgrade_application(folder / "few")
    roster = [e for e in packet.spec.roster if e.name not in ("王强", "李娜")]
    packet = packet.model_copy(update={"spec": packet.spec.model_copy(update={"roster": roster})})
    plan = select(packet, UPGRADE)
    # 二级 (both qualifications): the regime counts no heads there, whatever the checklist binds
    assert [d for d in plan.findings if d.code == "HEADCOUNT_SHORT"] == []
    # their documents now belong to nobody on the roster: listed as not bound, with the reason
    assert {u.reason for u in plan.unplaced} == {"未能对应到申报人员名单中的人员"}
    lowest = packet.spec.model_copy(update={"qualifications": ["建筑工程施工总承包三级"], "standards": [str(SAMPLE_STANDARD)]})
    plan = select(packet.model_copy(update={"spec": lowest}), UPGRADE)
    (short,) = [d for d in plan.findings if d.code == "HEADCOUNT_SHORT"]
    assert "注册建造师（建筑工程专业）不少于 2 人，申报名单中只有 1 人" in short.message


def test_too_few_projects_and_exact_count_exceeded(folder):
    packet = upgrade_application(folder / "proj", drop=("p2-contract", "p2-accept"))
    extra = packet.documents[0].model_copy(update={"sha256": "f" * 64})  # a second business licence
    packet = packet.model_copy(update={"documents": [*packet.documents, extra]})
    plan = select(packet, UPGRADE)
    codes = {(d.code, d.severity) for d in plan.findings}
    assert ("EXTRA_DOCUMENT", "warning") in codes
    assert any("不少于 2 项，现有 1 项" in d.message for d in plan.findings)


def test_a_waived_missing_item_stays_waived(folder):
    plan = select(upgrade_application(folder / "waive", drop=("cc-李娜",)), UPGRADE)
    (missing,) = plan.findings
    # The same finding as stored by validation and waived by a reviewer (same fingerprint).
    stored = ReviewedDiscrepancy(**missing.model_dump(), status="waived")
    merged = merge_findings([stored], plan.findings)
    assert len(merged) == 1 and blockers(merged) == []
    assert blockers(merge_findings([], plan.findings)) != []


@pytest.mark.parametrize("size, pixels, page, drawn", [
    ((288.0, 216.0), (800, 600), A4, (288.0, 216.0)),                      # small: true size, portrait
    ((595.44, 842.04), (1654, 2339), A4, (595.44, 842.04)),                # a 200-dpi A4 scan: true size
    ((800.0, 500.0), (1600, 1000), landscape(A4), (800.0, 500.0)),         # only fits landscape
    ((1200.0, 1600.0), (2400, 3200), A4, (595.2755905511812, 793.7007874015749)),  # too big: fitted
    (None, (1000, 500), landscape(A4), (841.8897637795277, 420.94488188976385)),    # no DPI: fitted
])
def test_image_placement(size, pixels, page, drawn):
    got_page, (x, y, w, h) = placement(size, pixels)
    assert got_page == page
    assert (w, h) == pytest.approx(drawn)
    assert w / h == pytest.approx(pixels[0] / pixels[1], rel=1e-3)  # never stretched
    assert x == pytest.approx((page[0] - w) / 2) and y == pytest.approx((page[1] - h) / 2)


def test_images_other_than_jpeg_and_frame_ranges(tmp_path):
    from PIL import Image

    from dossier.assemble.images import image_pdf

    png = tmp_path / "scan.png"
    Image.new("RGBA", (400, 300), (0, 0, 0, 0)).save(png, dpi=(100, 100))
    tiff = tmp_path / "multi.tif"
    frames = [Image.new("L", (200 + 10 * i, 200), 128) for i in range(3)]
    frames[0].save(tiff, save_all=True, append_images=frames[1:], dpi=(200, 200))
    rotated = tmp_path / "phone.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to view"
    Image.new("RGB", (400, 200), "white").save(rotated, exif=exif, dpi=(100, 100))
    with image_pdf(png, 1, 0) as pdf:
        (image,) = pdf.pages[0].obj.Resources.XObject.values()
        assert image.Filter == "/FlateDecode" and image.ColorSpace == "/DeviceRGB"
    with image_pdf(tiff, 2, 2) as pdf:  # frames 2 and 3 only
        widths = [next(iter(p.obj.Resources.XObject.values())).Width for p in pdf.pages]
        assert widths == [210, 220]
    with image_pdf(rotated, 1, 1) as pdf:
        image = next(iter(pdf.pages[0].obj.Resources.XObject.values()))
        assert (image.Width, image.Height) == (200, 400)  # turned upright before placing
