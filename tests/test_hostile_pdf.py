"""The PDF reading chain on hostile input: repair into a derived copy, passwords, render-only,
specific reasons, originals (signed ones included) never modified."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageDraw
from pydantic import SecretStr
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from sqlalchemy import select
from typer.testing import CliRunner

from dossier.cli import app
from dossier.config import Settings, load_settings
from dossier.errors import CorruptFile, EncryptedFile
from dossier.extract.ocr import InlineOcr
from dossier.extract.pages import pdf_open, read_file
from dossier.extract.pages.pdf import page_image
from dossier.intake import sniff
from dossier.intake.ingest import ingest_paths
from dossier.model import TextSource
from dossier.store import schema
from dossier.store.archive import Archive
from dossier.store.db import init_db
from dossier.workers.stages import process_document

from engine_doubles import EngineDouble, where_the_ink_is

PASSWORD = "Zq7-口令-9xK"  # unlikely to appear anywhere by chance


class InkEngine(EngineDouble):
    """Reports one line when the page image has any dark pixels (a rendered page reached OCR)."""

    name = "ink"

    def read(self, image):
        return "营业执照 ink" if where_the_ink_is(image) else None

@pytest.fixture
def settings(tmp_path) -> Settings:
    return load_settings(home=tmp_path / "home")


def _read(path: Path, settings: Settings, engine: InkEngine | None = None):
    engine = engine or InkEngine()
    return read_file(path, sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                     media_type=sniff.sniff(path), settings=settings, ocr=InlineOcr(settings, engine))


def _with_passwords(settings: Settings, *passwords: str) -> Settings:
    return settings.model_copy(update={"pdf_passwords": [SecretStr(p) for p in passwords]})


def typed_pdf(text: str = "Business licence 91350100M000100Y43") -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.drawString(72, 720, text)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def scanned_pdf() -> bytes:
    """One page that is only an image (dark block on white): needs rendering and OCR."""
    image = Image.new("RGB", (600, 800), "white")
    ImageDraw.Draw(image).rectangle((50, 50, 300, 200), fill="black")
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def xref_loop(data: bytes) -> bytes:
    """``data`` plus an incremental update whose /Prev points at itself: pdfminer recurses
    forever (RecursionError), qpdf notices the loop and rebuilds the cross-reference table."""
    root = re.search(rb"/Root (\d+) 0 R", data).group(1)
    size = re.search(rb"/Size (\d+)", data).group(1)
    offset = len(data) + 1
    update = (b"\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size " + size + b" /Root " + root
              + b" 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (offset, offset))
    return data + update


def encrypted(data: bytes, user: str, owner: str = "owner-secret") -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner=owner, user=user))
    return out.getvalue()


def signed(data: bytes) -> bytes:
    """``data`` with a signature field whose /ByteRange covers the file (structure of a signed PDF;
    the signature value is a placeholder)."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        sig = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Sig, Filter=pikepdf.Name("/Adobe.PPKLite"),
            SubFilter=pikepdf.Name("/adbe.pkcs7.detached"), ByteRange=pikepdf.Array([0, 0, 0, 0]),
            Contents=pikepdf.String(b"\0" * 64)))
        field = pdf.make_indirect(pikepdf.Dictionary(
            FT=pikepdf.Name.Sig, T=pikepdf.String("Signature1"), V=sig, Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Widget, Rect=pikepdf.Array([0, 0, 0, 0]), P=pdf.pages[0].obj))
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([field]))
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([field]), SigFlags=3)
        pdf.save(out)
    return out.getvalue()


def _repaired(settings: Settings, data: bytes) -> Path:
    sha = hashlib.sha256(data).hexdigest()
    return settings.derived_dir / sha[:2] / sha / "pdf" / "repaired.pdf"


# --- repair ----------------------------------------------------------------------------------

def test_xref_loop_is_repaired_into_a_derived_copy(tmp_path, settings):
    data = xref_loop(typed_pdf())
    path = tmp_path / "loop.pdf"
    path.write_bytes(data)
    text = _read(path, settings)
    assert "Business licence" in text.pages[0].text and text.pages[0].source == TextSource.text_layer
    assert pdf_open.REPAIRED_NOTE in text.pages[0].warnings
    assert path.read_bytes() == data  # the original is untouched
    copy = _repaired(settings, data)
    assert copy.is_file() and copy.read_bytes() != data
    with pikepdf.open(copy) as pdf:
        assert len(pdf.pages) == 1
    before = copy.stat().st_mtime_ns
    _read(path, settings)  # the copy is made once and reused
    assert copy.stat().st_mtime_ns == before


def test_repaired_scan_is_rendered_from_the_copy(tmp_path, settings):
    path = tmp_path / "loop-scan.pdf"
    path.write_bytes(xref_loop(scanned_pdf()))
    engine = InkEngine()
    text = _read(path, settings, engine)
    assert engine.calls == 1 and text.pages[0].lines[0].text == "营业执照 ink"
    assert not text.errors


def test_render_only_when_no_text_layer_can_be_parsed(tmp_path, settings, monkeypatch):
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf())

    def unparsable(path, password):
        raise pdf_open._Unopened(ValueError("pdfminer gave up"), encryption=False)

    monkeypatch.setattr(pdf_open, "_plumber", unparsable)
    engine = InkEngine()
    text = _read(path, settings, engine)
    assert engine.calls == 1 and text.pages[0].source == TextSource.ocr
    assert pdf_open.NO_TEXT_LAYER_NOTE in text.pages[0].warnings


@pytest.mark.parametrize("data, reason", [
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj << /Kids [", pdf_open.TRUNCATED_ZH),
    (b"%PDF-1.3\nnothing but words here\n%%EOF\n", pdf_open.DAMAGED_ZH),
])
def test_unreadable_pdf_gets_a_specific_reason(tmp_path, settings, data, reason):
    path = tmp_path / "bad.pdf"
    path.write_bytes(data)
    with pytest.raises(CorruptFile) as info:
        _read(path, settings)
    assert info.value.reason_zh == reason and info.value.path == str(path)


def test_half_copied_pdf_is_truncated_not_just_corrupt(tmp_path, settings):
    data = typed_pdf()
    path = tmp_path / "half.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFile) as info:
        _read(path, settings)
    assert info.value.reason_zh == pdf_open.TRUNCATED_ZH


def test_a_copy_cut_short_is_refused_even_when_its_pages_could_be_read(tmp_path, settings):
    # Everything up to the last trailer is there (every page readable after repair), only the
    # end is missing: still half a file, which must not become a document.
    data = typed_pdf()
    path = tmp_path / "almost.pdf"
    path.write_bytes(data[:data.rindex(b"%%EOF")])
    with pytest.raises(CorruptFile) as info:
        _read(path, settings)
    assert info.value.reason_zh == pdf_open.TRUNCATED_ZH


# --- passwords -------------------------------------------------------------------------------

def test_password_needed_gives_the_reason_and_a_password_opens_it(tmp_path, settings):
    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted(typed_pdf(), user=PASSWORD))
    with pytest.raises(EncryptedFile) as info:
        _read(path, settings)
    assert info.value.reason_zh == "加密文件，需要密码"
    with pytest.raises(EncryptedFile) as info:
        _read(path, _with_passwords(settings, "wrong"))
    assert info.value.reason_zh == pdf_open.WRONG_PASSWORD_ZH
    assert PASSWORD not in str(info.value) and PASSWORD not in info.value.user_message
    text = _read(path, _with_passwords(settings, "wrong", PASSWORD))
    assert "Business licence" in text.pages[0].text
    assert not (settings.derived_dir).exists()  # read in place: no decrypted copy was written


def test_password_protected_scan_renders_with_the_password(tmp_path, settings):
    path = tmp_path / "locked-scan.pdf"
    path.write_bytes(encrypted(scanned_pdf(), user=PASSWORD))
    with_password = _with_passwords(settings, PASSWORD)
    engine = InkEngine()
    text = _read(path, with_password, engine)
    assert engine.calls == 1 and text.pages[0].lines[0].text == "营业执照 ink" and not text.errors
    image = page_image(path, 1, with_password)
    assert PASSWORD not in repr(image)  # page sources are logged; the password is not in them
    pixels, _ = image.load()
    assert pixels.shape[2] == 3


def test_owner_password_only_opens_without_a_password(tmp_path, settings):
    path = tmp_path / "owner-only.pdf"
    path.write_bytes(encrypted(typed_pdf(), user=""))
    assert "Business licence" in _read(path, settings).pages[0].text


def _db_and_logs_text(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file() and "originals" not in p.parts)


def test_cli_password_reads_a_quarantined_pdf_and_is_never_stored(tmp_path, home, monkeypatch):
    monkeypatch.setenv("DOSSIER_OCR_PROCESSES", "1")
    path = tmp_path / "加密营业执照.pdf"
    path.write_bytes(encrypted(typed_pdf(), user=PASSWORD))
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", str(path), "-a", "app", "--json"])
    [line] = [json.loads(x) for x in first.output.splitlines() if x.startswith("{")]
    assert line["status"] == "failed" and line["reason"] == "加密文件，需要密码"
    again = runner.invoke(app, ["ingest", str(path), "-a", "app", "--json", "--password", PASSWORD])
    [line] = [json.loads(x) for x in again.output.splitlines() if x.startswith("{")]
    assert again.exit_code == 0 and line["status"] == "processed" and line["reason"] is None
    extract = runner.invoke(app, ["extract", str(path), "--json", "--password", PASSWORD])
    [doc] = [json.loads(x) for x in extract.output.splitlines() if x.startswith("{")]
    assert extract.exit_code == 0 and doc["pages"] == 1 and not doc["errors"]
    secret = PASSWORD.encode()
    assert secret not in _db_and_logs_text(home)
    assert PASSWORD not in first.output + again.output + extract.output
    db = init_db(Settings(home=home))
    with db.session() as s:
        actions = [e.action for e in s.scalars(select(schema.AuditEvent))]
    db.dispose()
    assert "document.reopened" in actions


# --- originals are never modified --------------------------------------------------------------

@pytest.mark.parametrize("damaged", [False, True])
def test_signed_pdf_original_is_kept_byte_for_byte(tmp_path, settings, damaged):
    data = signed(typed_pdf())
    if damaged:  # an incremental update that breaks pdfminer: read through a repaired copy
        data = xref_loop(data)
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "signed.pdf").write_bytes(data)
    [result] = ingest_paths([folder], "app", settings)
    db = init_db(settings)
    archive = Archive.from_settings(settings)
    try:
        status = process_document(result.sha256, db=db, archive=archive, settings=settings,
                                  ocr=InlineOcr(settings, InkEngine()))
    finally:
        db.dispose()
    assert status == "processed"
    blob = archive.path_for(result.sha256)
    assert blob.read_bytes() == data and (blob.stat().st_mode & 0o222) == 0
    assert _repaired(settings, data).is_file() == damaged


# --- found by benchmarks/fuzz.py --------------------------------------------------------------

def _page_box(data: bytes, box) -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for holder in (pdf.pages[0].obj, pdf.Root.Pages):
            if "/MediaBox" in holder:
                del holder.MediaBox
        if box is not None:
            pdf.pages[0].obj.MediaBox = box
        pdf.save(out)
    return out.getvalue()


@pytest.mark.parametrize("box", [pikepdf.Array([0, pikepdf.Name("/x"), 612, 792]), None],
                         ids=["non-number MediaBox", "no MediaBox at all"])
def test_page_tree_that_breaks_pdfplumber_twice_is_no_crash(tmp_path, settings, box):
    # pdfplumber raised while parsing the pages, and again from close(): the second exception
    # escaped the reading chain (a crash instead of a repair, render or reason).
    path = tmp_path / "box.pdf"
    path.write_bytes(_page_box(scanned_pdf(), box))
    engine = InkEngine()
    text = _read(path, settings, engine)
    assert len(text.pages) == 1 and engine.calls == 1 and text.pages[0].lines
    assert {pdf_open.REPAIRED_NOTE, pdf_open.NO_TEXT_LAYER_NOTE} & set(text.pages[0].warnings)


def _handmade(objects: list[bytes]) -> bytes:
    """A PDF from raw object bodies (1 0 obj is the catalog), with a correct xref table."""
    out, offsets = b"%PDF-1.7\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


@pytest.mark.parametrize("kids, count", [(b"[3 0 R]", 1), (b"[]", 0)], ids=["page not a dictionary", "no pages"])
def test_pdf_without_a_readable_page_is_quarantined_not_processed_empty(tmp_path, settings, kids, count):
    # pdfium counted a page it then could not load (a crash in the render-only path), and
    # pdfplumber's "0 pages" was taken as a successfully read, empty document.
    path = tmp_path / "pageless.pdf"
    path.write_bytes(_handmade([b"<< /Type /Catalog /Pages 2 0 R >>",
                                b"<< /Type /Pages /Kids %s /Count %d >>" % (kids, count), b"42"]))
    with pytest.raises(CorruptFile) as info:
        _read(path, settings)
    assert info.value.reason_zh in (pdf_open.NO_PAGES_ZH, pdf_open.BAD_PAGE_ZH)
