"""collect_file_facts on small PDFs and images made at test time."""

import io
from datetime import datetime

import pikepdf
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from dossier.errors import CorruptFile
from dossier.validate import DocumentFacts, collect_file_facts

from validate_builders import clean_application


def certificate_image(name_box: str = "black", seed_shift: int = 0) -> Image.Image:
    """A certificate-like picture: frame, photo block, text bars; the name bar can be changed."""
    img = Image.new("RGB", (600, 420), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((10, 10, 589, 409), outline="darkred", width=8)
    draw.rectangle((40 + seed_shift, 60, 180 + seed_shift, 240), fill="steelblue")
    for row in range(6):
        draw.rectangle((220, 70 + row * 45, 540 - row * 30, 90 + row * 45), fill="gray")
    draw.rectangle((220, 340, 330, 360), fill=name_box)
    return img


def write_image_pdf(path, img: Image.Image):
    pdf = canvas.Canvas(str(path), pagesize=(600, 420))
    pdf.drawImage(ImageReader(img), 0, 0, 600, 420)
    pdf.showPage()
    pdf.save()


def write_text_pdf(path, pages: int = 1):
    pdf = canvas.Canvas(str(path))
    for number in range(pages):
        pdf.drawString(72, 720 - 100 * number, f"page {number + 1}")
        pdf.showPage()
    pdf.save()


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def test_plain_pdf_facts(tmp_path):
    path = tmp_path / "plain.pdf"
    write_text_pdf(path, pages=2)
    facts = collect_file_facts(path, "application/pdf")
    assert facts.source_name == "plain.pdf" and facts.size == path.stat().st_size
    assert "ReportLab" in facts.producer
    assert facts.eof_count == 1 and facts.incremental_updates == 0 and not facts.signed
    assert [(h.page, h.source) for h in facts.page_hashes] == [(1, "render"), (2, "render")]
    assert facts.page_hashes[0].dhash != facts.page_hashes[1].dhash


def test_image_only_pdf_hashes_the_embedded_scan(tmp_path):
    import imagehash

    img = certificate_image()
    path = tmp_path / "scan.pdf"
    write_image_pdf(path, img)
    facts = collect_file_facts(path, "application/pdf")
    assert facts.page_hashes[0].source == "scan"
    assert distance(facts.page_hashes[0].phash, str(imagehash.phash(img))) <= 2


def test_photoshop_producer_and_late_modification(tmp_path):
    path = tmp_path / "edited.pdf"
    write_text_pdf(path)
    writer = PdfWriter(clone_from=str(path))
    writer.add_metadata({"/Producer": "Adobe Photoshop CS6 (Windows)",
                         "/CreationDate": "D:20260101090000+08'00'", "/ModDate": "D:20260315090000+08'00'"})
    writer.write(path)
    facts = collect_file_facts(path, "application/pdf")
    assert facts.producer == "Adobe Photoshop CS6 (Windows)"
    assert facts.created == datetime(2026, 1, 1, 1, 0) and facts.modified == datetime(2026, 3, 15, 1, 0)


def test_incremental_update_is_counted(tmp_path):
    path = tmp_path / "appended.pdf"
    write_text_pdf(path)
    writer = PdfWriter(str(path), incremental=True)
    writer.add_metadata({"/Title": "改过"})
    with open(path, "wb") as out:
        writer.write(out)
    facts = collect_file_facts(path, "application/pdf")
    assert facts.eof_count == 2 and facts.incremental_updates == 1
    assert PdfReader(str(path)).metadata["/Title"] == "改过"


def test_incremental_update_with_pikepdf_too(tmp_path):
    path = tmp_path / "pike.pdf"
    write_text_pdf(path)
    original = path.read_bytes()
    with pikepdf.open(path) as pdf:  # a second revision: the full rewrite appended to the original
        buffer = io.BytesIO()
        pdf.docinfo["/Producer"] = "GIMP 2.10"
        pdf.save(buffer)
    path.write_bytes(original + b"\n" + buffer.getvalue().split(b"\n", 1)[1])
    facts = collect_file_facts(path, "application/pdf")
    assert facts.incremental_updates >= 1


def test_collected_facts_feed_the_tamper_rule(tmp_path):
    path = tmp_path / "edited.pdf"
    write_text_pdf(path)
    writer = PdfWriter(clone_from=str(path))
    writer.add_metadata({"/Producer": "Adobe Photoshop"})
    writer.write(path)
    facts = collect_file_facts(path, "application/pdf")
    app = clean_application()
    lic = app.find("business_license")
    app = app.swap(lic, DocumentFacts(document=lic.document.model_copy(update={"sha256": facts.sha256}),
                                      file=facts))
    assert app.codes() == ["TAMPER_SIGNS"]


def test_near_identical_images_share_a_close_hash(tmp_path):
    original, edited, other = tmp_path / "a.png", tmp_path / "b.jpg", tmp_path / "c.png"
    certificate_image().save(original)
    certificate_image(name_box="dimgray").save(edited, quality=80)  # the name edited, recompressed
    img = certificate_image(seed_shift=360).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    img.save(other)
    a, b, c = (collect_file_facts(p, "image/png" if p.suffix == ".png" else "image/jpeg").page_hashes[0]
               for p in (original, edited, other))
    assert distance(a.phash, b.phash) <= 3 and distance(a.dhash, b.dhash) <= 3
    assert distance(a.phash, c.phash) > 10


def test_image_exif_software_and_frames(tmp_path):
    path = tmp_path / "scan.tiff"
    exif = Image.Exif()
    exif[0x0131] = "Adobe Photoshop 25.0"
    exif[0x0132] = "2026:03:01 10:00:00"
    frames = [certificate_image(), certificate_image(seed_shift=300)]
    frames[0].save(path, save_all=True, append_images=frames[1:], exif=exif)
    facts = collect_file_facts(path, "image/tiff")
    assert facts.producer == "Adobe Photoshop 25.0" and facts.modified == datetime(2026, 3, 1, 10, 0)
    assert [h.page for h in facts.page_hashes] == [1, 2]


def test_unreadable_input_raises_with_the_file_named(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4 this is not a pdf")
    with pytest.raises(CorruptFile) as raised:
        collect_file_facts(path, "application/pdf")
    assert raised.value.path == str(path)
    image = tmp_path / "broken.png"
    image.write_bytes(b"\x89PNG nothing")
    with pytest.raises(CorruptFile):
        collect_file_facts(image, "image/png")


def test_other_media_types_get_identity_facts_only(tmp_path):
    path = tmp_path / "list.docx"
    path.write_bytes(b"PK\x03\x04 not really")
    facts = collect_file_facts(path, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert facts.page_hashes == [] and len(facts.sha256) == 64
