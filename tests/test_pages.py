"""The pages stage with engine doubles: format handling, per-page decisions, safety, the cache.

The doubles are real engine plugins (the engine contract in dossier.extract.ocr.engine), so the
code under test is the production path; the models themselves are exercised in test_ocr.py.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from pathlib import Path

import docx
import numpy as np
import pikepdf
import pytest
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from conftest import cjk_ttf
from dossier.config import load_settings
from dossier.errors import CorruptFile, EncryptedFile, ImageTooLarge, ImageTooSmall, InputFileError
from dossier.extract.ocr import InlineOcr, register_engine
from dossier.extract.ocr import engine as engine_module
from dossier.extract.pages import page_source, read_file
from dossier.extract.pages.images import decode
from dossier.extract.pages.pdf import _text_layer, text_layers
from dossier.intake import sniff
from dossier.model import TextSource

from engine_doubles import EngineDouble, where_the_ink_is

ID_NUMBER = "11010519491231002X"


class MarkerEngine(EngineDouble):
    """Counts calls and reports where the image's dark marker block is (which way is up)."""

    name = "marker"

    def read(self, image):
        where = where_the_ink_is(image)
        return f"marker {where}" if where else None

@pytest.fixture
def settings(tmp_path):
    return load_settings(home=tmp_path / "home")


@pytest.fixture
def engine():
    return MarkerEngine()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read(path: Path, settings, engine):
    return read_file(path, sha256=sha(path), media_type=sniff.sniff(path), settings=settings,
                     ocr=InlineOcr(settings, engine))


def marker_image(size=(600, 800), mode="RGB") -> Image.Image:
    """A white page with a dark block at its top-left: upright when the block is top-left."""
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).rectangle((20, 20, 120, 80), fill="black")
    return image.convert(mode)


def cjk_font() -> str:
    if "TestCJK" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("TestCJK", str(cjk_ttf()), subfontIndex=0))
    return "TestCJK"


def make_pdf(path: Path, pages: list[str | Image.Image]) -> Path:
    """One page per item: a string is typeset as a text layer, an image is drawn as a full-page scan."""
    font = cjk_font()
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for item in pages:
        if isinstance(item, str):
            pdf.setFont(font, 12)
            for i, text in enumerate(item.splitlines()):
                pdf.drawString(72, A4[1] - 72 - 20 * i, text)
        else:
            pdf.drawImage(ImageReader(item), 0, 0, width=A4[0], height=A4[1])
        pdf.showPage()
    pdf.save()
    return path


# --- PDF ------------------------------------------------------------------------------------

def test_text_layer_page_needs_no_ocr(tmp_path, settings, engine):
    path = make_pdf(tmp_path / "typed.pdf", [f"居民身份证\n姓名 张伟          公民身份号码 {ID_NUMBER}"])
    text = read(path, settings, engine)
    assert engine.calls == 0
    assert text.status == "success"
    (page,) = text.pages
    assert page.source == TextSource.text_layer
    assert (page.width, page.height) == (round(A4[0], 2), round(A4[1], 2))
    texts = [ln.text for ln in page.lines]
    # A wide gap splits a row into separate lines (label + value pairs), in reading order.
    assert texts == ["居民身份证", "姓名 张伟", f"公民身份号码 {ID_NUMBER}"]
    x0, top, x1, bottom = page.lines[0].bbox
    assert x0 == pytest.approx(72, abs=1) and top == pytest.approx(72 - 12 * 0.9, abs=3) and x1 > x0


def test_mixed_pdf_is_decided_per_page(tmp_path, settings, engine):
    path = make_pdf(tmp_path / "mixed.pdf", ["劳动合同 第一页", marker_image((1240, 1754)), ""])
    text = read(path, settings, engine)
    assert [p.source for p in text.pages] == [TextSource.text_layer, TextSource.ocr, TextSource.text_layer]
    assert engine.calls == 1  # only the scanned page; the blank page is neither rendered nor OCR'd
    assert text.pages[1].lines[0].text == "marker top-left"
    # Rendered at render_dpi (200): the engine saw A4 at 200 dpi, the page is reported in points.
    assert engine.shapes[0][:2] == (round(A4[1] * 200 / 72), round(A4[0] * 200 / 72))
    assert text.pages[1].width == pytest.approx(A4[0], abs=0.5)
    assert text.pages[2].lines == [] and text.pages[2].warnings == ["blank page"]


def test_junk_text_layer_is_ocrd(tmp_path):
    class Page:  # what pdfplumber reports for a font without a Unicode map
        chars = [{"text": "(cid:1234)"}] * 40 + [{"text": "1"}]
        images = []
        width, height = A4

    assert _text_layer(Page(), 1) is None


def test_stamp_over_full_page_scan_is_ocrd(tmp_path, settings, engine):
    path = tmp_path / "stamped.pdf"
    font = cjk_font()
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawImage(ImageReader(marker_image((1240, 1754))), 0, 0, width=A4[0], height=A4[1])
    pdf.setFont(font, 8)
    pdf.drawString(20, 20, "Scanned by CamScanner")
    pdf.save()
    text = read(path, settings, engine)
    assert text.pages[0].source == TextSource.ocr and engine.calls == 1


def test_pdf_with_empty_user_password_opens(tmp_path, settings, engine):
    plain = make_pdf(tmp_path / "plain.pdf", ["营业执照 统一社会信用代码"])
    locked = tmp_path / "owner-only.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="secret", user=""))
    text = read(locked, settings, engine)
    assert "营业执照" in text.pages[0].text


def test_pdf_needing_a_password_is_refused(tmp_path, settings, engine):
    plain = make_pdf(tmp_path / "plain.pdf", ["营业执照"])
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="secret", user="user"))
    with pytest.raises(EncryptedFile) as info:
        read(locked, settings, engine)
    assert info.value.path == str(locked)


def test_truncated_pdf_is_corrupt(tmp_path, settings, engine):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n")
    with pytest.raises(CorruptFile):
        read(path, settings, engine)


# --- images ---------------------------------------------------------------------------------

@pytest.mark.parametrize("orientation, stored", [(6, Image.Transpose.ROTATE_90), (3, Image.Transpose.ROTATE_180),
                                                 (8, Image.Transpose.ROTATE_270)])
def test_exif_orientation_is_applied(tmp_path, settings, engine, orientation, stored):
    path = tmp_path / f"photo-{orientation}.jpg"
    exif = Image.Exif()
    exif[0x0112] = orientation  # the camera stored the pixels turned; the tag says how to undo it
    marker_image().transpose(stored).save(path, exif=exif, dpi=(300, 300))
    (page,) = read(path, settings, engine).pages
    assert page.lines[0].text == "marker top-left"
    assert page.rotation == 0  # the EXIF turn is not a detected rotation
    assert (page.width, page.height) == (pytest.approx(600 * 72 / 300), pytest.approx(800 * 72 / 300))


def test_multipage_tiff_gives_every_frame(tmp_path, settings, engine):
    path = tmp_path / "scan.tif"
    frames = [marker_image(), marker_image().transpose(Image.Transpose.ROTATE_180), marker_image((400, 300))]
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(150, 150), compression="tiff_lzw")
    text = read(path, settings, engine)
    assert [p.number for p in text.pages] == [1, 2, 3]
    assert engine.calls == 3
    assert text.pages[2].width == pytest.approx(400 * 72 / 150)


def test_missing_or_implausible_dpi_means_200(tmp_path, settings, engine):
    path = tmp_path / "nodpi.png"
    marker_image((1654, 2339)).save(path, dpi=(72, 72))
    (page,) = read(path, settings, engine).pages
    assert (page.width, page.height) == (pytest.approx(595.44), pytest.approx(842.04))


def crafted_png(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` with almost no data behind it."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + chunk(b"IEND", b""))


def test_decompression_bomb_is_refused_before_decoding(tmp_path, settings, engine):
    path = tmp_path / "bomb.png"
    path.write_bytes(crafted_png(40000, 40000))
    with pytest.raises(ImageTooLarge) as info:
        read(path, settings, engine)
    assert info.value.path == str(path) and engine.calls == 0


def test_our_pixel_limit_applies(tmp_path, engine):
    settings = load_settings(home=tmp_path / "home", max_image_pixels=100_000)
    path = tmp_path / "big.png"
    marker_image((600, 800)).save(path)
    with pytest.raises(ImageTooLarge, match="max_image_pixels"):
        read(path, settings, engine)
    assert engine.calls == 0


def test_tiny_image_is_refused(tmp_path, settings, engine):
    path = tmp_path / "icon.png"
    Image.new("RGB", (12, 40), "white").save(path)
    with pytest.raises(ImageTooSmall):
        read(path, settings, engine)


@pytest.mark.parametrize("mode", ["CMYK", "P", "1", "L", "RGBA", "I;16", "LA"])
def test_any_pixel_mode_becomes_rgb(mode):
    image = marker_image(mode="RGBA" if mode in ("RGBA", "LA") else "RGB")
    if mode in ("RGBA", "LA"):
        image.putalpha(Image.new("L", image.size, 0).point(lambda _: 0))  # fully transparent paper ...
        ImageDraw.Draw(image).rectangle((20, 20, 120, 80), fill=(0, 0, 0, 255))  # ... with opaque ink
        image = image.convert(mode)
    elif mode == "I;16":
        image = Image.fromarray(np.asarray(image.convert("L"), dtype=np.uint16) * 257)
        assert image.mode.startswith("I;16")
    else:
        image = image.convert(mode)
    pixels, dpi = decode(image, "x")
    assert pixels.dtype == np.uint8 and pixels.shape == (800, 600, 3) and dpi == 200
    assert pixels[50, 50].max() < 60 and pixels[400, 300].min() > 200  # ink dark, paper white


def test_white_ink_on_transparent_background_stays_visible():
    image = Image.new("RGBA", (600, 800), (255, 255, 255, 0))
    ImageDraw.Draw(image).rectangle((20, 20, 120, 80), fill=(255, 255, 255, 255))
    pixels, _ = decode(image, "x")
    assert pixels[50, 50].min() > 200 and pixels[400, 300].max() < 60  # ink light, background dark


def test_truncated_image_is_corrupt_not_an_empty_result(tmp_path, settings, engine):
    path = tmp_path / "cut.jpg"
    marker_image().save(path, quality=95)
    path.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(CorruptFile):
        read(path, settings, engine)


# --- docx -----------------------------------------------------------------------------------

def test_docx_paragraphs_tables_and_images_in_order(tmp_path, settings, engine):
    path = tmp_path / "roster.docx"
    document = docx.Document()
    document.add_paragraph("技术负责人名单")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["姓名", "身份证号", "职称"]):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["张伟", ID_NUMBER, "高级工程师"]):
        cell.text = text
    merged = document.add_table(rows=1, cols=2)
    merged.rows[0].cells[0].merge(merged.rows[0].cells[1]).text = "合并单元格"
    document.add_paragraph("以上人员均为本单位正式职工。")
    picture = tmp_path / "stamp.png"
    marker_image().save(picture)
    document.add_picture(str(picture))
    document.save(path)

    text = read(path, settings, engine)
    first, scan = text.pages
    assert first.source == TextSource.docx and scan.source == TextSource.ocr and scan.number == 2
    assert [ln.text for ln in first.lines] == ["技术负责人名单", "姓名", "身份证号", "职称", "张伟", ID_NUMBER,
                                              "高级工程师", "合并单元格", "以上人员均为本单位正式职工。"]
    tops = [ln.bbox[1] for ln in first.lines]
    assert tops == sorted(tops)
    name_cell, id_cell = first.lines[4], first.lines[5]  # a row's cells: same y, left to right
    assert name_cell.bbox[1] == id_cell.bbox[1] and name_cell.bbox[2] <= id_cell.bbox[0]
    assert engine.calls == 1 and scan.lines[0].text == "marker top-left"


# --- cache ----------------------------------------------------------------------------------

def test_second_read_does_no_ocr(tmp_path, settings, engine):
    path = tmp_path / "scan.png"
    marker_image().save(path)
    first = read(path, settings, engine)
    assert engine.calls == 1
    again = read(path, settings, engine)
    assert engine.calls == 1
    assert again == first


def test_cache_hit_never_constructs_the_engine(tmp_path, monkeypatch):
    register_engine(MarkerEngine)
    settings = load_settings(home=tmp_path / "home", ocr_engine=MarkerEngine.name)
    path = tmp_path / "scan.png"
    marker_image().save(path)
    digest = sha(path)
    first = read_file(path, sha256=digest, media_type=sniff.PNG, settings=settings)  # fills the cache

    def refuse(self, settings=None):
        raise AssertionError("an engine was constructed on a cache hit")

    monkeypatch.setattr(engine_module, "_ENGINES", {})  # forget the engine built above
    monkeypatch.setattr(MarkerEngine, "__init__", refuse)
    again = read_file(path, sha256=digest, media_type=sniff.PNG, settings=settings)
    assert again == first and again.pages[0].lines[0].text == "marker top-left"


# --- page images for other readers (QR codes) -----------------------------------------------

def test_page_source_gives_the_image_ocr_would_read(tmp_path, settings):
    pdf_path = make_pdf(tmp_path / "mixed.pdf", ["第一页", marker_image((1240, 1754))])
    image, dpi = page_source(pdf_path, sniff.PDF, 2, settings).load()
    assert dpi == 200 and image.shape == (round(A4[1] * 200 / 72), round(A4[0] * 200 / 72), 3)

    tiff = tmp_path / "two.tif"
    marker_image().save(tiff, save_all=True, append_images=[marker_image((300, 400))])
    assert page_source(tiff, sniff.TIFF, 2, settings).load()[0].shape == (400, 300, 3)

    document = docx.Document()
    picture = tmp_path / "p.png"
    marker_image((320, 240)).save(picture)
    document.add_picture(str(picture))
    docx_path = tmp_path / "d.docx"
    document.save(docx_path)
    assert page_source(docx_path, sniff.DOCX, 2, settings).load()[0].shape == (240, 320, 3)
    with pytest.raises(InputFileError):
        page_source(docx_path, sniff.DOCX, 1, settings)
    with pytest.raises(InputFileError):
        page_source(pdf_path, sniff.PDF, 3, settings)


def _scan_under_text(path: Path, layer: list[str], *, mode: int, text_first: bool = False) -> Path:
    """A page-sized scan with text drawn in render ``mode`` (3 = invisible) over it, or beneath it."""
    font = cjk_font()
    pdf = canvas.Canvas(str(path), pagesize=A4)

    def text() -> None:
        obj = pdf.beginText()
        obj.setTextRenderMode(mode)
        obj.setFont(font, 12)
        for i, line in enumerate(layer):
            obj.setTextOrigin(72, A4[1] - 100 - 30 * i)
            obj.textLine(line)
        pdf.drawText(obj)

    if text_first:
        text()
    pdf.drawImage(ImageReader(marker_image()), 0, 0, width=A4[0], height=A4[1])
    if not text_first:
        text()
    pdf.showPage()
    pdf.save()
    return path


LAYER = ["单位名称：武汉长江建设集囝有限公司", "统一社会信用代码：91420106MAEMKANM50", "另一行扫描软件识别的文字"]


@pytest.mark.parametrize("mode, text_first", [(3, False), (0, True)], ids=["invisible", "beneath-the-image"])
def test_a_scanners_hidden_text_layer_is_not_read_the_image_is(tmp_path, settings, engine, mode, text_first):
    # Scanner software writes its own OCR (with its errors: 集囝) as invisible text, or beneath
    # the image; what the page shows is the image, so our OCR reads it. The layer stays
    # available to compare the two (TAMPER_SIGNS).
    path = _scan_under_text(tmp_path / "sandwich.pdf", LAYER, mode=mode, text_first=text_first)
    text = read(path, settings, engine)
    (page,) = text.pages
    assert page.source == TextSource.ocr and engine.calls == 1
    assert [ln.text for ln in page.lines] == ["marker top-left"]
    assert text_layers(path, [1], sha256=sha(path), settings=settings) == {1: LAYER}


def test_visible_text_over_a_background_image_is_the_text_layer(tmp_path, settings, engine):
    path = _scan_under_text(tmp_path / "letterhead.pdf", LAYER, mode=0)
    (page,) = read(path, settings, engine).pages
    assert page.source == TextSource.text_layer and engine.calls == 0


def test_docx_content_controls_and_text_boxes_are_read_in_place(tmp_path, settings, engine):
    # Templates made elsewhere hold their values in form fields (w:sdt) and floating text boxes
    # (DrawingML with a VML fallback copy): both are read, a text box once.
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    path = tmp_path / "form.docx"
    document = docx.Document()
    document.add_paragraph("劳动合同书")
    body = document.element.body
    body.insert(len(body) - 1, parse_xml(
        f'<w:sdt {w}><w:sdtContent><w:p><w:r><w:t>甲方：武汉长江建设集团有限公司</w:t></w:r></w:p>'
        f'</w:sdtContent></w:sdt>'))
    box = '<w:txbxContent><w:p><w:r><w:t>乙方：周建国</w:t></w:r></w:p></w:txbxContent>'
    body.insert(len(body) - 1, parse_xml(
        f'<w:p {w} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        f'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        f'xmlns:v="urn:schemas-microsoft-com:vml"><w:r><mc:AlternateContent>'
        f'<mc:Choice Requires="wps"><w:drawing><wps:txbx>{box}</wps:txbx></w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict><v:textbox>{box}</v:textbox></w:pict></mc:Fallback>'
        f'</mc:AlternateContent></w:r></w:p>'))
    document.save(path)
    (page,) = read(path, settings, engine).pages
    assert [ln.text for ln in page.lines] == ["劳动合同书", "甲方：武汉长江建设集团有限公司", "乙方：周建国"]


def test_every_pdfium_document_is_opened_under_the_process_lock(tmp_path, settings, engine, monkeypatch):
    # PDFium is not thread-safe, not even across documents: the web app renders page images in
    # request threads while an upload is read in another, and two threads in PDFium crashed it
    import pypdfium2

    from dossier.extract.pages.pdf import hidden_layer, page_image, text_layers
    from dossier.pdfium import PDFIUM

    opened = []
    real = pypdfium2.PdfDocument

    def guarded(*args, **kwargs):
        opened.append(PDFIUM._is_owned())
        return real(*args, **kwargs)

    monkeypatch.setattr(pypdfium2, "PdfDocument", guarded)
    scan = make_pdf(tmp_path / "scan.pdf", [marker_image()])
    layered = _scan_under_text(tmp_path / "sandwich.pdf", LAYER, mode=3)
    read(scan, settings, engine)
    read(layered, settings, engine)
    page_image(scan, 1, settings).load()
    hidden_layer(layered, 1)
    text_layers(layered, [1], sha256=sha(layered), settings=settings)
    assert opened and all(opened)
