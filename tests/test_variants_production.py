"""The variant fixtures' production paths (fixtures/variants/production): each is deterministic
for a seed and leaves the marks it promises (skew, perspective, 1 bit, a red seal over dark
text, an invisible tesseract text layer, extractable CJK text from Chromium and LibreOffice)."""

from __future__ import annotations

import importlib.util
import io
import random
import re
import unicodedata
from pathlib import Path

import cv2
import numpy as np
import pdfplumber
import pikepdf
import pypdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from fixtures.variants import production as P
from tests.conftest import need

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
DPI = 200
A4_PX = (1654, 2339)  # A4 at 200 dpi
LINES = [
    "统一社会信用代码 91420106MAEMKANM50",
    "名称 湖北楚天建设工程有限公司",
    "法定代表人 张青山",
    "注册资本 伍仟万元整",
    "成立日期 2012年03月15日",
    "住所 武汉市洪山区珞瑜路门牌123号",
    "经营范围 房屋建筑工程施工总承包；钢结构工程",
    "登记机关 武汉市市场监督管理局",
]
# Chromium's ToUnicode for Noto CJK maps these to radicals, some of which NFKC does not fold.
RADICAL_SUPPLEMENT = {"⻘": "青", "⻓": "长", "⻔": "门", "⺠": "民"}


def _font(size: int) -> ImageFont.FreeTypeFont:
    need(WQY.is_file(), f"CJK font {WQY} (apt-get install fonts-wqy-zenhei)")
    return ImageFont.truetype(str(WQY), size)


def _page(lines: list[str] = LINES, size: tuple[int, int] = A4_PX) -> Image.Image:
    """A clean licence-like page at 200 dpi: a title, label-value lines and a rule."""
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    draw.text((size[0] // 2, 260), "营业执照", font=_font(80), fill="black", anchor="mm")
    draw.line((200, 360, size[0] - 200, 360), fill="black", width=4)
    body = _font(34)
    for i, line in enumerate(lines):
        draw.text((200, 440 + i * 90), line, font=body, fill="black")
    return img


def _same(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and a.mode == b.mode and a.tobytes() == b.tobytes()


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(RADICAL_SUPPLEMENT.get(c, c) for c in text if not c.isspace())


# --- scan, phone photo, fax, turns ---------------------------------------------------------

def test_scan_is_seeded_skewed_and_keeps_size():
    page = _page()
    a = P.scan(page, random.Random(11), dpi=DPI)
    assert _same(a, P.scan(page, random.Random(11), dpi=DPI))
    assert not _same(a, P.scan(page, random.Random(12), dpi=DPI))
    assert a.size == page.size and a.mode == "RGB"
    # The 4-px rule under the title: its centre row at the left and right ends differs by the skew.
    grey = np.asarray(a.convert("L"), dtype=np.float32)

    def row_at(x: int) -> float:
        band = grey[300:420, x - 5:x + 5].mean(axis=1)
        return 300 + float(np.argmin(band))

    drop = abs(row_at(260) - row_at(A4_PX[0] - 260))
    run = A4_PX[0] - 520
    angle = np.degrees(np.arctan2(drop, run))
    assert 0.1 <= angle <= 1.7, angle


def _frame_quad(photo: Image.Image) -> np.ndarray:
    """The four corners of the magenta frame printed around the test sheet, as found in a photo."""
    hsv = cv2.cvtColor(np.asarray(photo), cv2.COLOR_RGB2HSV)
    mask = cv2.inRange(hsv, (140, 100, 60), (165, 255, 255))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    hull = cv2.convexHull(max(contours, key=cv2.contourArea))
    quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    assert len(quad) == 4, len(quad)
    return quad.reshape(4, 2).astype(np.float32)


def test_phone_photo_is_seeded_framed_and_in_perspective():
    page = _page()
    ImageDraw.Draw(page).rectangle((0, 0, page.width - 1, page.height - 1), outline=(230, 0, 230), width=40)
    for seed in (1, 2, 3):
        photo = P.phone_photo(page, random.Random(seed), frame_px=1024)
        assert photo.size == (768, 1024)  # 3:4, turned like the sheet
        if seed == 1:
            assert _same(photo, P.phone_photo(page, random.Random(1), frame_px=1024))
        quad = _frame_quad(photo)
        x0, y0 = quad.min(axis=0)
        x1, y1 = quad.max(axis=0)
        assert x0 > 5 and y0 > 5 and x1 < 763 and y1 < 1019  # the desk shows all round the sheet
        box = np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], dtype=np.float32)
        off = max(min(np.hypot(*(corner - q)) for q in quad) for corner in box)
        assert off > 0.02 * (x1 - x0), (seed, off)  # not an axis-aligned rectangle
    landscape = P.phone_photo(page.transpose(Image.Transpose.ROTATE_90), random.Random(4), frame_px=1024)
    assert landscape.size == (1024, 768)


def test_jpeg_bytes_are_deterministic():
    img = _page(LINES[:2], (600, 400))
    assert P.jpeg_bytes(img, 80) == P.jpeg_bytes(img, 80)
    assert P.jpeg_bytes(img, 80, random.Random(3)) == P.jpeg_bytes(img, 80, random.Random(3))
    assert Image.open(io.BytesIO(P.jpeg_bytes(img, 80, dpi=150))).info["dpi"] == (150, 150)


def test_fax_is_one_bit_with_a_header_line():
    page = _page()
    a = P.fax(page, random.Random(5), page_no=2, page_count=3)
    assert _same(a, P.fax(page, random.Random(5), page_no=2, page_count=3))
    assert a.size == page.size and a.mode == "RGB"
    arr = np.asarray(a)
    assert set(np.unique(arr)) <= {0, 255}
    assert (arr[:, :, 0] == arr[:, :, 1]).all() and (arr[:, :, 1] == arr[:, :, 2]).all()
    assert (arr[:40, :, 0] == 0).sum() > 200  # the sending machine's header over the top margin
    # 98 lines per inch stretched to square pixels: rows repeat in pairs (or nearly).
    rows = arr[:, :, 0]
    same_as_previous = (rows[1:] == rows[:-1]).all(axis=1).mean()
    assert same_as_previous > 0.45


def test_rotate_turns_clockwise_by_quarter_turns():
    page = Image.new("RGB", (30, 20), "white")
    page.putpixel((0, 0), (255, 0, 0))
    turned = P.rotate(page, 90)
    assert turned.size == (20, 30) and turned.getpixel((19, 0)) == (255, 0, 0)
    assert P.rotate(page, 180).getpixel((29, 19)) == (255, 0, 0)
    assert P.rotate(page, 270).getpixel((0, 29)) == (255, 0, 0)
    assert _same(P.rotate(page, 0), page)
    with pytest.raises(ValueError):
        P.rotate(page, 45)


def test_seal_is_red_seeded_and_multiplies_over_text():
    _font(10)
    page = Image.new("RGB", (600, 600), "white")
    ImageDraw.Draw(page).rectangle((150, 290, 450, 310), fill=(0, 0, 0))  # a printed value
    a = P.stamp_seal(page, (300, 300), 180, "湖北楚天建设工程有限公司", random.Random(9), WQY)
    assert _same(a, P.stamp_seal(page, (300, 300), 180, "湖北楚天建设工程有限公司", random.Random(9), WQY))
    arr = np.asarray(a).astype(int)
    r, g, b = arr[:, :, 0], arr[:, :, 1], arr[:, :, 2]
    red = (r > 150) & (g < 150) & (b < 150) & (r - g > 60)
    assert red[120:480, 120:480].sum() > 5000  # ring, star and lettering
    assert red[:100].sum() == 0 and (arr[:100] == 255).all()  # nothing outside the seal changes
    assert arr[292:308, 160:440].max(axis=2).mean() < 40  # the black value under it stays black
    clipped = P.stamp_seal(page, (590, 590), 120, "某某公司", random.Random(1), WQY, label="", serial="")
    assert clipped.size == page.size


# --- containers ------------------------------------------------------------------------

def test_image_pdf_is_deterministic_and_sized_by_dpi():
    colour = _page(LINES[:2], (850, 1100))
    ImageDraw.Draw(colour).ellipse((500, 700, 700, 900), outline=(220, 30, 40), width=8)
    pages = [colour, _page(LINES[2:4], (1100, 850))]
    data = P.image_pdf(pages, 100)
    assert data == P.image_pdf(pages, 100)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages] == [(612, 792), (792, 612)]
    assert all(not p.extract_text().strip() for p in reader.pages)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        spaces = [p.Resources.XObject.Im0.ColorSpace for p in pdf.pages]
    assert spaces == [pikepdf.Name.DeviceRGB, pikepdf.Name.DeviceGray]  # no colour, saved grey


def test_multipage_tiff_is_deterministic():
    pages = [_page(LINES[:2], (600, 800)), _page(LINES[2:4], (600, 800))]
    data = P.multipage_tiff(pages, 150)
    assert data == P.multipage_tiff(pages, 150)
    with Image.open(io.BytesIO(data)) as tiff:
        assert tiff.n_frames == 2
        assert tuple(round(v) for v in tiff.info["dpi"]) == (150, 150)
    assert P.multipage_tiff(pages, 150, compression="group4") == P.multipage_tiff(pages, 150, compression="group4")


@pytest.fixture(scope="module")
def sandwich() -> bytes:
    need(P.sandwich_available(), "tesseract with chi_sim (apt-get install tesseract-ocr-chi-sim)")
    scanned = P.scan(_page(), random.Random(21), dpi=DPI)
    first = P.sandwich_pdf([scanned], DPI)
    assert first == P.sandwich_pdf([scanned], DPI), "sandwich_pdf is not deterministic"
    return first


def _content_ops(page: pikepdf.Page) -> list[tuple[str, list]]:
    return [(str(op), list(operands)) for operands, op in pikepdf.parse_content_stream(page)]


def test_sandwich_pdf_has_an_invisible_tesseract_layer_over_a_full_page_image(sandwich):
    with pikepdf.open(io.BytesIO(sandwich)) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        w, h = float(page.mediabox[2]), float(page.mediabox[3])
        assert abs(w - A4_PX[0] * 72 / DPI) < 1 and abs(h - A4_PX[1] * 72 / DPI) < 1
        ops = _content_ops(page)
        cms = [[float(v) for v in operands] for op, operands in ops if op == "cm"]
        assert any(abs(m[0] - w) < 1 and abs(m[3] - h) < 1 for m in cms)  # the image fills the page
        assert any(op == "Do" for op, _ in ops)
        modes = {int(operands[0]) for op, operands in ops if op == "Tr"}
        assert modes == {3}  # every text object is invisible
        assert sum(op in ("TJ", "Tj") for op, _ in ops) > 20
        assert b"D:20260101000000" in sandwich and str(pdf.docinfo["/Producer"]).startswith("Tesseract")


def test_sandwich_text_is_tesseracts_reading_not_the_truth(sandwich):
    with pdfplumber.open(io.BytesIO(sandwich)) as pdf:
        chars = pdf.pages[0].chars
    assert len(chars) > 100 and {c["fontname"] for c in chars} == {"GlyphLessFont"}
    layer = "".join(pypdf.PdfReader(io.BytesIO(sandwich)).pages[0].extract_text().split())
    truth = "营业执照" + "".join(LINES).replace(" ", "")
    assert "营业执照" in layer and "91420106" in layer  # it read the page ...
    assert layer != truth  # ... with its own mistakes (at least the full-width ；)


# --- printers ---------------------------------------------------------------------------

CONTRACT_HTML = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>合同</title><style>
@page {{ size: A4; margin: 20mm }}
@font-face {{ font-family: "Doc CJK"; src: url("{font}"); }}
body {{ font-family: "Doc CJK"; font-size: 12pt }}
</style></head><body><h1>建设工程施工合同</h1><p>{text}</p></body></html>"""
SAMPLE = "发包人青山金言长门建设工程有限公司人民币壹佰万元整统一用月日子女力"


def _pdf_text(data: bytes) -> tuple[str, set[str]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        return page.extract_text(), {c["fontname"] for c in page.chars}


@pytest.mark.service
def test_chromium_pdf_is_deterministic_with_extractable_cjk():
    need(P.chromium_available(), "Chromium at /usr/bin/chromium")
    _font(10)
    html = CONTRACT_HTML.format(font=WQY.name, text=SAMPLE)
    data = P.chromium_pdf(html, WQY.parent, font_dirs=[WQY.parent])
    assert data == P.chromium_pdf(html, WQY.parent, font_dirs=[WQY.parent])
    text, fonts = _pdf_text(data)
    assert _plain(text) == "建设工程施工合同" + SAMPLE
    assert any("WenQuanYi" in f for f in fonts)
    assert re.search(rb"/CreationDate \(D:20260101000000", data)


def _noto_sans_sc() -> Path:
    spec = importlib.util.find_spec("pylopdf_fonts_zh_cn")
    path = Path(spec.origin).parent / "NotoSansSC-Regular.otf" if spec and spec.origin else None
    need(path is not None and path.is_file(), "Noto Sans SC (pip install pylopdf-fonts-zh-cn)")
    return path


@pytest.mark.service
def test_chromium_pdf_keeps_skias_radical_mapping_for_noto():
    """Printed with Noto Sans SC, Chromium's ToUnicode sends 工 to ⼯ (Kangxi) and 青 to ⻘ (CJK
    radicals supplement, which NFKC leaves alone): the reader must cope, so nothing undoes it."""
    need(P.chromium_available(), "Chromium at /usr/bin/chromium")
    font = _noto_sans_sc()
    html = CONTRACT_HTML.format(font=font.name, text=SAMPLE)
    text, fonts = _pdf_text(P.chromium_pdf(html, font.parent, font_dirs=[font.parent]))
    assert {"NotoSansSC-Regular"} == {f.split("+")[-1] for f in fonts}
    assert "\u2f2f" in text and "\u2ed8" in text  # ⼯ and ⻘
    assert _plain(text) == "建设工程施工合同" + SAMPLE


def _docx(text: str, font: str) -> bytes:
    import docx
    from docx.oxml.ns import qn

    document = docx.Document()
    run = document.add_paragraph().add_run(text)
    run.font.name = font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_libreoffice_pdf_is_deterministic_with_extractable_cjk():
    need(P.libreoffice_available(), "LibreOffice (apt-get install libreoffice-writer)")
    _font(10)
    source = _docx("建设工程施工合同" + SAMPLE, "WenQuanYi Zen Hei")
    data = P.libreoffice_pdf(source, [WQY.parent])
    assert data == P.libreoffice_pdf(source, [WQY.parent])
    text, fonts = _pdf_text(data)
    assert _plain(text) == "建设工程施工合同" + SAMPLE
    assert any("WenQuanYi" in f for f in fonts)
