"""The packet builder end to end: generated inputs, outputs opened with pypdf, pdfplumber,
pypdfium2 and python-docx."""

from __future__ import annotations

import hashlib
import json
from datetime import date
import re

import docx
import pdfplumber
import pikepdf
import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from test_assemble_builders import COMPANY, id_number, make_pdf, upgrade_application
from dossier.assemble import BuildOptions, PacketInput, ReviewedDiscrepancy, ReviewNote, build_packet, load_checklist
from dossier.assemble.inputs import PacketDocument
from dossier.errors import FontMissing, GateRefused
from dossier.model import ApplicationSpec, Evidence

WATERMARK = "仅供建筑业企业资质申报使用"  # gc-building-upgrade's default


@pytest.fixture(scope="module")
def application(tmp_path_factory):
    return upgrade_application(tmp_path_factory.mktemp("inputs"))


@pytest.fixture(scope="module")
def built(application, tmp_path_factory):
    out = tmp_path_factory.mktemp("packet")
    result = build_packet(application, out)
    return result, out


@pytest.fixture(scope="module")
def manifest(built):
    return json.loads((built[1] / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def page_texts(built):
    """(text of the upright characters, all characters in content order) per page; the diagonal
    watermark's characters would otherwise interleave with the lines they cross."""
    with pdfplumber.open(built[1] / "packet.pdf") as pdf:
        return [(_upright(p).extract_text() or "", "".join(c["text"] for c in p.chars)) for p in pdf.pages]


def _upright(page):
    return page.filter(lambda obj: obj.get("object_type") != "char" or obj["upright"] and obj["size"] < 30)


def test_outputs_and_page_count(built, manifest, application):
    result, out = built
    assert sorted(p.name for p in out.iterdir()) == ["index.docx", "manifest.json", "packet.pdf", "report.html"]
    body = sum(d["packet_pages"][1] - d["packet_pages"][0] + 1 for d in manifest["documents"])
    # cover + one 目录 page + three dividers + the documents' own pages
    assert len(PdfReader(out / "packet.pdf").pages) == result.pages == 1 + 1 + 3 + body
    assert manifest["packet"]["sha256"] == hashlib.sha256((out / "packet.pdf").read_bytes()).hexdigest()
    assert len(manifest["documents"]) == len(application.documents)  # everything was placed


def test_every_page_carries_its_number(page_texts):
    total = len(page_texts)
    for number, (text, _) in enumerate(page_texts, start=1):
        assert f"第 {number} 页 共 {total} 页" in text


def test_toc_numbers_match_start_pages_stamps_and_links(built, manifest, page_texts):
    out = built[1]
    toc_text = page_texts[1][0]
    reader = PdfReader(out / "packet.pdf")
    page_index = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    links = [a.get_object() for a in reader.pages[1]["/Annots"]]
    assert all(a["/Subtype"] == "/Link" for a in links)
    link_targets = [page_index[a["/Dest"][0].idnum] for a in links]
    starts = [d["packet_pages"][0] for d in manifest["documents"]]
    for doc in manifest["documents"]:
        first = doc["packet_pages"][0]
        # the 目录 row names the document and its page
        assert re.search(rf"\b{doc['number']} .*{re.escape(doc['title'][:6])}.* {first}\b", toc_text), doc["title"]
        # that page is where the document starts: its marker is there, and the stamp agrees
        marker = _marker(doc)
        if marker:
            assert marker in page_texts[first - 1][0]
        assert f"第 {first} 页" in page_texts[first - 1][0]
    # each document row links to its start page (links also exist for the section rows)
    assert set(starts) <= {t + 1 for t in link_targets}


def _marker(doc: dict) -> str | None:
    keys = {"business_license": "DOC-bl", "safety_production_license": "DOC-spl", "social_insurance_record": "DOC-si"}
    if doc["doc_type"] in keys:
        return keys[doc["doc_type"]]
    if doc["doc_type"] in ("project_contract", "completion_acceptance"):
        kind = "contract" if doc["doc_type"] == "project_contract" else "accept"
        project = "p1" if "华府" in doc["title"] else "p2"
        return f"DOC-{project}-{kind}"
    return None


def test_bookmarks_nest_section_person_document(built):
    reader = PdfReader(built[1] / "packet.pdf")
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles == ["封面", "总目录", "综合资料", "人员资料", "工程业绩资料"]
    people = outline[outline.index(next(i for i in outline if not isinstance(i, list) and i.title == "人员资料")) + 1]
    person_titles = [i.title for i in people if not isinstance(i, list)]
    assert "社会保险缴费证明" in person_titles[0]  # the section's own item comes first
    assert person_titles[1].startswith("张伟")  # technical lead first, then roster order
    assert [t.split("（")[0] for t in person_titles[2:5]] == ["李娜", "王强", "赵敏"]
    zhang_docs = people[2]
    assert isinstance(zhang_docs, list) and any("居民身份证" in d.title for d in zhang_docs)
    # the destination of a bookmark is the document's page
    assert reader.get_destination_page_number(zhang_docs[0]) + 1 > 5


def test_projects_main_qualification_first(manifest):
    projects = [d["title"] for d in manifest["documents"] if d["doc_type"] == "project_contract"]
    assert "华府小区1#楼" in projects[0] and "滨江路" in projects[1]


def test_page_labels_metadata_and_id(built, application):
    pdf_path = built[1] / "packet.pdf"
    reader = PdfReader(pdf_path)
    assert reader.page_labels[0] == "封面" and reader.page_labels[1] == "目录1"
    assert reader.page_labels[5] == "6"
    meta = reader.metadata
    assert meta.author == COMPANY and "建筑业企业资质申请附件材料" in meta.title
    assert meta["/CreationDate"].startswith("D:20261201")
    assert reader.trailer["/ID"][0] == reader.trailer["/ID"][1] or reader.trailer["/ID"]


def test_watermark_and_cjk_render(built, page_texts):
    for _, chars in page_texts:
        assert WATERMARK in chars
        assert "草稿" not in chars
    pdf = pdfium.PdfDocument(str(built[1] / "packet.pdf"))
    try:
        image = pdf[0].render(scale=1).to_pil().convert("L")
    finally:
        pdf.close()
    # the cover title is drawn at 70 % of the page height: dark pixels in that band
    w, h = image.size
    band = image.crop((int(w * 0.1), int(h * 0.27), int(w * 0.9), int(h * 0.33)))
    assert sum(band.histogram()[:100]) > 500


def test_image_at_true_size(built, manifest):
    doc = next(d for d in manifest["documents"] if d["media_type"] == "image/jpeg")
    with pdfplumber.open(built[1] / "packet.pdf") as pdf:
        page = pdf.pages[doc["packet_pages"][0] - 1]
        (image,) = page.images
        # 800 x 600 px at 200 dpi = 4 x 3 inches = 288 x 216 pt, on a portrait A4 page
        assert image["width"] == pytest.approx(288, abs=0.5) and image["height"] == pytest.approx(216, abs=0.5)
        assert page.width == pytest.approx(595.28, abs=0.1)


def test_file_with_two_documents_contributes_each_page_once(manifest, page_texts):
    bl = next(d for d in manifest["documents"] if d["doc_type"] == "business_license")
    spl = next(d for d in manifest["documents"] if d["doc_type"] == "safety_production_license")
    assert bl["sha256"] == spl["sha256"] and bl["packet_pages"] == [4, 4] and spl["source_pages"] == [2, 2]
    assert "DOC-spl" not in page_texts[bl["packet_pages"][0] - 1][0]


def test_index_docx_has_the_same_page_numbers(built, manifest):
    table = docx.Document(str(built[1] / "index.docx")).tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "材料名称", "人员", "页码"]
    by_number = {r[0]: r for r in rows[1:]}
    for doc in manifest["documents"]:
        assert by_number[str(doc["number"])][3] == str(doc["packet_pages"][0])
        if doc["person"]:
            assert by_number[str(doc["number"])][2] == doc["person"]["name"]


def test_manifest_masks_ids(manifest, application):
    raw = json.dumps(manifest, ensure_ascii=False)
    assert id_number(2) not in raw and "110101" in raw


def test_rebuild_is_byte_identical(application, built, tmp_path):
    again = build_packet(application, tmp_path)
    assert again.packet_sha256 == built[0].packet_sha256
    for name in ("packet.pdf", "index.docx", "report.html", "manifest.json"):
        assert (tmp_path / name).read_bytes() == (built[1] / name).read_bytes(), name


def _blocking(status: str) -> ReviewedDiscrepancy:
    reviews = [ReviewNote(user="王审核", action="waive", comment="省厅窗口确认可用原件核验")] if status == "waived" else []
    return ReviewedDiscrepancy(code="ID_CHECKSUM", severity="blocking", status=status,
                               message=f"身份证号 {id_number(3)} 校验位错误", subject=id_number(3),
                               evidence=[Evidence(sha256="a" * 64, field="id_number", value=id_number(3))],
                               reviews=reviews)


def test_gate_refuses_open_blocking_and_accepts_waived(application, tmp_path):
    refused = application.model_copy(update={"discrepancies": [_blocking("open")]})
    with pytest.raises(GateRefused) as err:
        build_packet(refused, tmp_path / "no")
    assert "ID_CHECKSUM" in err.value.reason_zh and id_number(3) not in err.value.reason_zh
    assert err.value.findings and not (tmp_path / "no" / "packet.pdf").exists()
    waived = application.model_copy(update={"discrepancies": [_blocking("waived")]})
    build_packet(waived, tmp_path / "yes")
    report = (tmp_path / "yes" / "report.html").read_text(encoding="utf-8")
    assert "王审核" in report and "省厅窗口确认可用原件核验" in report and "已豁免" in report
    assert id_number(3) not in report


def test_missing_items_refuse_and_draft_builds_stamped(tmp_path):
    short = upgrade_application(tmp_path / "in", drop=("cc-李娜", "p2-accept"))
    with pytest.raises(GateRefused) as err:
        build_packet(short, tmp_path / "no")
    reason = err.value.reason_zh
    assert "MISSING_DOCUMENT" in reason and "李娜" in reason and "竣工验收报告" in reason
    result = build_packet(short, tmp_path / "draft", options=BuildOptions(draft=True, watermark=""))
    assert result.draft and result.open_blocking
    with pdfplumber.open(tmp_path / "draft" / "packet.pdf") as pdf:
        for page in pdf.pages:
            chars = "".join(c["text"] for c in page.chars)
            assert "草稿" in chars and WATERMARK not in chars
    report = (tmp_path / "draft" / "report.html").read_text(encoding="utf-8")
    assert "李娜" in report and "未处理" in report


def test_encrypted_and_rotated_sources_with_a_user_checklist(tmp_path):
    plain = make_pdf(tmp_path / "plain.pdf", [["营业执照", "DOC-enc"]])
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="secret", user="", allow=pikepdf.Permissions(extract=False)))
    rotated = tmp_path / "rotated.pdf"
    with pikepdf.open(make_pdf(tmp_path / "r.pdf", [["安全生产许可证", "DOC-rot"]])) as pdf:
        pdf.pages[0].obj.Rotate = 90
        pdf.save(rotated)
    checklist_file = tmp_path / "mine.yaml"
    checklist_file.write_text("name: mine\ntitle: 测试清单\napplication_type: change\nqualifications: [任意]\n"
                              "sections:\n  - title: 综合资料\n    items:\n"
                              "      - {doc_type: business_license, count: 1}\n"
                              "      - {doc_type: safety_production_license, count: 1}\n", encoding="utf-8")
    docs = [PacketDocument(sha256=hashlib.sha256(p.read_bytes()).hexdigest(), source_name=p.name, original_path=p,
                           media_type="application/pdf", doc_type=t)
            for p, t in ((locked, "business_license"), (rotated, "safety_production_license"))]
    spec = ApplicationSpec(company_name=COMPANY, uscc="91110108MA01EXA75A", application_type="change",
                           qualifications=["任意"], filing_date=date(2026, 1, 5))
    result = build_packet(PacketInput(spec=spec, documents=docs), tmp_path / "out",
                          checklist=load_checklist(str(checklist_file)),
                          options=BuildOptions(page_number_format="- {page}/{total} -"))
    reader = PdfReader(tmp_path / "out" / "packet.pdf")
    assert not reader.is_encrypted and result.pages == 5
    assert "DOC-enc" in reader.pages[3].extract_text()
    assert "5/5" in reader.pages[4].extract_text()
    # The page is shown turned by /Rotate 90; its number must sit at the bottom of the page as
    # shown (rendered with the rotation applied), not along a side.
    pdf = pdfium.PdfDocument(str(tmp_path / "out" / "packet.pdf"))
    try:
        image = pdf[4].render(scale=1).to_pil().convert("L")
    finally:
        pdf.close()
    w, h = image.size
    assert w > h
    bottom = image.crop((int(w * 0.4), h - 40, int(w * 0.6), h))
    left_side = image.crop((0, int(h * 0.4), 40, int(h * 0.6)))
    assert min(bottom.getextrema()) < 100 and min(left_side.getextrema()) > 200


def test_missing_font_is_a_clear_error(application, tmp_path):
    with pytest.raises(FontMissing) as err:
        build_packet(application, tmp_path, options=BuildOptions(font_path=tmp_path / "none.ttc"))
    assert "none.ttc" in err.value.user_message


def test_docx_original_is_typeset(manifest, page_texts):
    doc = next(d for d in manifest["documents"] if d["doc_type"] == "qualification_certificate")
    text = page_texts[doc["packet_pages"][0] - 1][0]
    assert "建筑业企业资质证书" in text and "建筑工程施工总承包三级" in text  # heading and a table cell


def test_a_protected_original_is_bound_with_the_password_the_build_was_given(tmp_path):
    from contextlib import ExitStack

    import pikepdf

    from dossier.assemble.inputs import PacketDocument
    from dossier.assemble.sources import Sources
    from dossier.errors import EncryptedFile

    path = tmp_path / "合同.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.add_blank_page()
        pdf.save(path, encryption=pikepdf.Encryption(owner="owner", user="用户密码"))
    doc = PacketDocument(sha256="a" * 64, source_name="合同.pdf", original_path=path,
                         media_type="application/pdf", doc_type="project_contract", first_page=2, pages=1)
    with ExitStack() as stack, pytest.raises(EncryptedFile) as refused:
        Sources(stack, "WQY").pages(doc)
    assert "--password" in refused.value.reason_zh
    with ExitStack() as stack:
        assert len(Sources(stack, "WQY", ("wrong", "用户密码")).pages(doc)) == 1
