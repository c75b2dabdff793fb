"""Packet build throughput and memory, against a plain pypdf merge of the same files.

    .venv/bin/python benchmarks/packet_build.py [--people 100] [--keep DIR]

Generates an 升级 (二级) application in a temporary folder: per roster person a 200-dpi JPEG
ID card (1 page) and a 2-page certificate PDF with a scanned image and CJK text, plus company
documents and projects; 300+ packet pages with the default of 100 people. Then times
``build_packet`` (all four outputs) and a plain merge of the same files with pypdf (images
converted with Pillow, the way one would by hand). Prints pages/s, the ratio to the plain merge
(goal: under 3x), peak RSS of the process and the build's peak Python allocations (goal: under
500 MB). No assertions: numbers to watch, not a test.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import resource
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from dossier.fonts import cjk_font_file  # noqa: E402
from dossier.assemble import BuildOptions, PacketDocument, PacketInput, build_packet
from dossier.assemble.fonts import cjk_font
from dossier.model import ApplicationSpec, ExtractedField, RosterEntry

PDF = "application/pdf"
COMPANY = "北京华建建设工程有限公司"
ROLES = (("registered_constructor", "constructor_certificate"), ("titled_staff", "title_certificate"),
         ("skilled_worker", "worker_certificate"))
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(seq: int) -> str:
    body = f"11010119800307{seq:03d}"[:17]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _WEIGHTS)) % 11]


def scan_jpeg(path: Path, text: str, px=(1000, 640), dpi=200) -> Path:
    """A card-like scan: tinted paper, a frame and a line of text."""
    image = Image.new("RGB", px, (240, 236, 228))
    draw = ImageDraw.Draw(image)
    draw.rectangle([10, 10, px[0] - 10, px[1] - 10], outline=(60, 60, 60), width=4)
    draw.text((40, 40), text, fill=(20, 20, 20), font=ImageFont.truetype(str(cjk_font_file()), 36))
    image.save(path, "JPEG", dpi=(dpi, dpi), quality=85)
    return path


def certificate_pdf(path: Path, text: str, scan: bytes) -> Path:
    font = cjk_font(cjk_font_file())
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    for page in (1, 2):
        canvas.drawImage(ImageReader(io.BytesIO(scan)), 60, 300, 475, 475)
        canvas.setFont(font, 16)
        canvas.drawString(72, 780, f"{text} 第{page}页")
        canvas.showPage()
    canvas.save()
    return path


def field(value: str) -> ExtractedField:
    return ExtractedField(value=value, confidence=0.99)


def generate(folder: Path, people: int) -> PacketInput:
    scan = io.BytesIO()
    Image.new("RGB", (600, 600), (230, 230, 220)).save(scan, "JPEG", quality=80)
    docs: list[PacketDocument] = []

    def add(path: Path, media: str, doc_type: str, fields: dict, pages: int = 0, **extra):
        docs.append(PacketDocument(sha256=hashlib.sha256(path.read_bytes()).hexdigest(), source_name=path.name,
                                   original_path=path, media_type=media, doc_type=doc_type, pages=pages,
                                   fields={k: field(v) for k, v in fields.items()}, **extra))

    for doc_type in ("business_license", "qualification_certificate", "safety_production_license",
                     "social_insurance_record"):
        add(certificate_pdf(folder / f"{doc_type}.pdf", doc_type, scan.getvalue()), PDF, doc_type,
            {"company_name": COMPANY})
    roster = [RosterEntry(name="技术负责人", id_number=id_number(0), role="technical_lead")]
    for n in range(1, people):
        role, _ = ROLES[n % len(ROLES)]
        roster.append(RosterEntry(name=f"人员{n:03d}", id_number=id_number(n), role=role,
                                  specialty="建筑工程" if role == "registered_constructor" else None))
    cert_of = dict(ROLES) | {"technical_lead": "title_certificate"}
    for n, entry in enumerate(roster):
        ids = {"name": entry.name, "id_number": entry.id_number}
        add(scan_jpeg(folder / f"id-{n}.jpg", f"居民身份证 {entry.name}"), "image/jpeg", "id_card", ids)
        doc_type = cert_of[entry.role]
        add(certificate_pdf(folder / f"cert-{n}.pdf", f"{doc_type} {entry.name}", scan.getvalue()), PDF, doc_type,
            ids | {"company_name": COMPANY})
    for p in range(3):
        for doc_type in ("bid_award_notice", "project_contract", "completion_acceptance"):
            add(certificate_pdf(folder / f"p{p}-{doc_type}.pdf", f"工程{p}", scan.getvalue()), PDF, doc_type,
                {"project_name": f"华府小区{p}#楼"})
    spec = ApplicationSpec(company_name=COMPANY, uscc="91110108MA01EXA75A", application_type="upgrade",
                           qualifications=["建筑工程施工总承包二级"], filing_date=date(2026, 12, 1), roster=roster)
    return PacketInput(spec=spec, documents=docs)


def plain_merge(packet: PacketInput, out: Path) -> int:
    """What one would do by hand: append every PDF, convert every image with Pillow."""
    writer = PdfWriter()
    for doc in packet.documents:
        if doc.media_type == PDF:
            writer.append(str(doc.original_path))
        else:
            buffer = io.BytesIO()
            with Image.open(doc.original_path) as image:
                image.save(buffer, "PDF", resolution=image.info.get("dpi", (72, 72))[0])
            writer.append(PdfReader(buffer))
    with out.open("wb") as handle:
        writer.write(handle)
    return len(writer.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="write the inputs and outputs here instead of a temp folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        (root / "in").mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        packet = generate(root / "in", args.people)
        print(f"generated {len(packet.documents)} documents in {time.perf_counter() - t0:.2f} s")
        cjk_font(cjk_font_file())  # font parsing is a once-per-process cost; keep it out of both timings

        t0 = time.perf_counter()
        merged_pages = plain_merge(packet, root / "plain.pdf")
        plain = time.perf_counter() - t0

        options = BuildOptions(watermark="仅供建筑业企业资质申报使用")
        t0 = time.perf_counter()
        result = build_packet(packet, root / "out", options=options)
        build = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        # A second build under tracemalloc (it slows Python down, so it is not the timed one).
        tracemalloc.start()
        build_packet(packet, root / "out2", options=options)
        _, python_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        print(f"plain pypdf merge : {merged_pages} pages in {plain:.2f} s ({merged_pages / plain:.0f} pages/s)")
        print(f"dossier build     : {result.pages} pages in {build:.2f} s ({result.pages / build:.0f} pages/s), "
              f"packet {(root / 'out' / 'packet.pdf').stat().st_size / 1e6:.1f} MB")
        print(f"ratio build/merge : {build / plain:.2f}x (goal < 3x)")
        print(f"peak RSS (process): {rss:.0f} MB; peak Python allocations during build: "
              f"{python_peak / 1e6:.0f} MB (goal < 500 MB)")


if __name__ == "__main__":
    main()
