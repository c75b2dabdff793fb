"""Input builders for the packet builder tests (no tests here), generated at run time.

Each generated document prints a unique marker (``DOC-<key>``) so a test can find the page where
it landed. Nothing here depends on fixtures/.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from dossier.assemble.fonts import cjk_font
from dossier.fonts import cjk_font_file
from dossier.assemble.inputs import PacketDocument, PacketInput
from dossier.model import ApplicationSpec, ExtractedField, RosterEntry

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(seq: int, born: str = "19800307") -> str:
    """A valid GB 11643 ID number (check character computed)."""
    body = f"110101{born}{seq:03d}"
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, _WEIGHTS)) % 11]
    return body + check


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def font_name() -> str:
    return cjk_font(cjk_font_file())


def make_pdf(path: Path, pages: list[list[str]], size=A4) -> Path:
    """A PDF whose page i shows the lines pages[i] (CJK text, embedded font)."""
    font = font_name()
    canvas = Canvas(str(path), pagesize=size, invariant=1)
    for lines in pages:
        canvas.setFont(font, 16)
        y = size[1] - 100
        for line in lines:
            canvas.drawString(72, y, line)
            y -= 28
        canvas.showPage()
    canvas.save()
    return path


def make_jpeg(path: Path, px=(800, 600), dpi=200, text="DOC") -> Path:
    image = Image.new("RGB", px, (235, 235, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle([20, 20, px[0] - 20, px[1] - 20], outline=(0, 0, 0), width=6)
    draw.text((60, 60), text, fill=(0, 0, 0))
    image.save(path, "JPEG", dpi=(dpi, dpi), quality=80)
    return path


def make_docx(path: Path, title: str, rows: list[tuple[str, str]]) -> Path:
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    document.add_paragraph("本证书由住房和城乡建设主管部门颁发。")
    table = document.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    document.save(path)
    return path


def field(value) -> ExtractedField:
    return ExtractedField(value=value, confidence=0.99)


COMPANY = "北京华建建设工程有限公司"
USCC = "91110108MA01EXA75A"


def roster() -> list[RosterEntry]:
    people = [
        ("张伟", 1, "technical_lead", None),
        ("张伟", 1, "registered_constructor", "建筑工程"),
        ("李娜", 2, "registered_constructor", "建筑工程"),
        ("王强", 3, "registered_constructor", "建筑工程"),
        ("赵敏", 4, "titled_staff", None),
        ("孙丽", 5, "titled_staff", None),
        ("周杰", 6, "titled_staff", None),
        ("吴刚", 7, "skilled_worker", None),
        ("郑涛", 8, "skilled_worker", None),
    ]
    return [RosterEntry(name=n, id_number=id_number(s), role=r, specialty=sp) for n, s, r, sp in people]


def upgrade_application(folder: Path, *, drop: tuple[str, ...] = ()) -> PacketInput:
    """A complete 升级 (二级) application for gc-building-upgrade; ``drop`` leaves out documents
    by key (e.g. ``"cc-李娜"``)."""
    folder.mkdir(parents=True, exist_ok=True)
    docs: list[PacketDocument] = []

    def add(key: str, path: Path, media: str, doc_type: str, fields: dict, first=1, pages=1, **extra):
        if key in drop:
            return
        docs.append(PacketDocument(sha256=sha256(path), source_name=path.name, original_path=path,
                                   media_type=media, doc_type=doc_type, first_page=first, pages=pages,
                                   fields={k: field(v) for k, v in fields.items()}, **extra))

    # One file, two logical documents: the business licence (p1) and the 安许证 (p2).
    company = make_pdf(folder / "company.pdf", [["营业执照", COMPANY, "DOC-bl"], ["安全生产许可证", "DOC-spl"]])
    add("bl", company, PDF, "business_license", {"company_name": COMPANY, "uscc": USCC})
    add("spl", company, PDF, "safety_production_license", {"company_name": COMPANY}, first=2)
    qual = make_docx(folder / "qual.docx", "建筑业企业资质证书", [("企业名称", COMPANY), ("资质类别及等级", "建筑工程施工总承包三级")])
    add("qc", qual, DOCX, "qualification_certificate", {"company_name": COMPANY})
    si = make_pdf(folder / "si.pdf", [["社会保险缴费证明", "DOC-si"], ["续页"]])
    add("si", si, PDF, "social_insurance_record", {"company_name": COMPANY}, pages=2)
    seen: set[str] = set()
    for entry in roster():
        key = entry.name
        if key not in seen:
            seen.add(key)
            if key == "张伟":  # an ID card photographed at 200 dpi: placed at true size
                path = make_jpeg(folder / f"id-{key}.jpg", text="DOC-id")
                add(f"id-{key}", path, "image/jpeg", "id_card", {"name": key, "id_number": entry.id_number})
            else:
                path = make_pdf(folder / f"id-{key}.pdf", [["居民身份证", key, f"DOC-id-{key}"]])
                add(f"id-{key}", path, PDF, "id_card", {"name": key, "id_number": entry.id_number})
        doc_type, label = {"technical_lead": ("title_certificate", "tc"), "registered_constructor": ("constructor_certificate", "cc"),
                           "titled_staff": ("title_certificate", "tc"), "skilled_worker": ("worker_certificate", "wc")}[entry.role]
        name = f"{label}-{key}"
        if any(d.source_name == f"{name}.pdf" for d in docs):
            continue
        path = make_pdf(folder / f"{name}.pdf", [[doc_type, key, f"DOC-{name}"]])
        add(name, path, PDF, doc_type, {"name": key, "id_number": entry.id_number, "company_name": COMPANY})
    # The 增项 is a 市政 二级: under 2014+2016 no level but the lowest counts heads, so this roster
    # of nine passes (a 市政 三级 would be held to the standard's counts, dozens of people).
    for key, project, qualification in (("p1", "华府小区1#楼", None), ("p2", "滨江路市政改造", "市政公用工程施工总承包二级")):
        contract = make_pdf(folder / f"{key}-contract.pdf", [["建设工程施工合同", project, f"DOC-{key}-contract"], ["合同续页"]])
        add(f"{key}-contract", contract, PDF, "project_contract", {"project_name": project}, pages=2,
            qualification=qualification)
        accept = make_pdf(folder / f"{key}-accept.pdf", [["竣工验收报告", project, f"DOC-{key}-accept"]])
        add(f"{key}-accept", accept, PDF, "completion_acceptance", {"project_name": project}, qualification=qualification)
    spec = ApplicationSpec(company_name=COMPANY, uscc=USCC, application_type="upgrade",
                           qualifications=["建筑工程施工总承包二级", "市政公用工程施工总承包二级"],
                           filing_date=date(2026, 12, 1), roster=roster())
    return PacketInput(spec=spec, documents=docs)
