"""Originals that are not PDF, turned into PDF pages: images (one A4 page per frame) and .docx.

Images keep their true size (pixels / DPI) on an A4 page whenever they fit — the binding
convention is that originals are not scaled; only an image larger than the page (or of unknown
DPI) is fitted, aspect ratio kept. Image pages are written directly with pikepdf: a JPEG's own
bytes become the page image (no re-encoding) unless an EXIF orientation has to be applied first;
other images are embedded losslessly.

There is no office suite to lay out a .docx, so its paragraphs and tables are typeset with
reportlab; the result reads like the original, it does not look like Word's rendering.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

import pikepdf
from PIL import Image, ImageOps
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from dossier.errors import CorruptFile

POINTS_PER_INCH = 72.0
MIN_TRUSTED_DPI = 50  # below this a DPI tag is a placeholder (72 from an editor, 1 from a camera)
TRUE_SIZE_TOLERANCE = 1.01  # a 200-dpi A4 scan is 0.02 % larger than A4: still "fits"
_EXIF_ORIENTATION = 0x0112


def image_size_points(image: Image.Image) -> tuple[float, float] | None:
    """The image's printed size in points from its DPI; None when the DPI is unknown."""
    dpi = image.info.get("dpi")
    if not dpi or min(float(d) for d in dpi) < MIN_TRUSTED_DPI:
        return None
    return image.width / float(dpi[0]) * POINTS_PER_INCH, image.height / float(dpi[1]) * POINTS_PER_INCH


def placement(image_size: tuple[float, float] | None, pixels: tuple[int, int]) -> tuple[tuple[float, float], tuple[float, float, float, float]]:
    """The A4 page (portrait unless only landscape holds the image at true size, or a fitted
    image is wider than tall) and the (x, y, w, h) to draw the image at."""
    if image_size is not None:
        for page in (A4, landscape(A4)):
            if _fits(image_size, page):
                return page, _centred(page, *image_size)
    width, height = image_size or pixels
    page = landscape(A4) if width > height else A4
    scale = min(page[0] / width, page[1] / height)  # fitted: aspect ratio kept, never stretched
    return page, _centred(page, width * scale, height * scale)


def _fits(size: tuple[float, float], page: tuple[float, float]) -> bool:
    return size[0] <= page[0] * TRUE_SIZE_TOLERANCE and size[1] <= page[1] * TRUE_SIZE_TOLERANCE


def _centred(page: tuple[float, float], width: float, height: float) -> tuple[float, float, float, float]:
    return (page[0] - width) / 2, (page[1] - height) / 2, width, height


def image_pdf(path: Path, first_page: int, pages: int) -> pikepdf.Pdf:
    """A new PDF with frames ``first_page .. first_page + pages - 1`` of the image at ``path``
    (``pages == 0``: to the last frame), one A4 page each. The caller closes it."""
    pdf = pikepdf.new()
    try:
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1)
            last = frames if pages == 0 else min(frames, first_page + pages - 1)
            for index in range(first_page - 1, last):
                image.seek(index)
                _add_frame(pdf, image, path if frames == 1 else None)
    except (OSError, SyntaxError, ValueError) as exc:  # Pillow's ways of saying "cannot decode"
        pdf.close()
        raise CorruptFile(f"cannot read image: {exc}", path=path) from exc
    return pdf


def _add_frame(pdf: pikepdf.Pdf, frame: Image.Image, path: Path | None) -> None:
    size = image_size_points(frame)
    upright = frame
    if frame.getexif().get(_EXIF_ORIENTATION, 1) != 1:
        upright = ImageOps.exif_transpose(frame)
        if size and upright.size != frame.size:
            size = (size[1], size[0])
    (page_w, page_h), (x, y, w, h) = placement(size, upright.size)
    if upright is frame and path is not None and frame.format == "JPEG":
        xobject = _jpeg_xobject(pdf, path.read_bytes(), frame)
    else:
        xobject = _raw_xobject(pdf, _flatten(upright))
    page = pdf.add_blank_page(page_size=(page_w, page_h))
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobject))
    page.obj.Contents = pdf.make_stream(f"q {w:.4f} 0 0 {h:.4f} {x:.4f} {y:.4f} cm /Im0 Do Q".encode())


_COLOR_SPACES = {"L": pikepdf.Name.DeviceGray, "RGB": pikepdf.Name.DeviceRGB, "CMYK": pikepdf.Name.DeviceCMYK}


def _jpeg_xobject(pdf: pikepdf.Pdf, data: bytes, image: Image.Image) -> pikepdf.Stream:
    """The JPEG's own bytes as a DCTDecode image: no re-encoding, no quality lost."""
    mode = "RGB" if image.mode == "YCbCr" else image.mode
    stream = pikepdf.Stream(pdf, data, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                            Width=image.width, Height=image.height, BitsPerComponent=8,
                            ColorSpace=_COLOR_SPACES[mode], Filter=pikepdf.Name.DCTDecode)
    if mode == "CMYK" and "adobe" in image.info:  # Adobe writes CMYK JPEGs inverted
        stream.Decode = pikepdf.Array([1, 0] * 4)
    return stream


def _raw_xobject(pdf: pikepdf.Pdf, image: Image.Image) -> pikepdf.Stream:
    """Pixels, Flate-compressed (lossless: PNG and TIFF originals stay exact)."""
    stream = pikepdf.Stream(pdf, zlib.compress(image.tobytes(), 6), Type=pikepdf.Name.XObject,
                            Subtype=pikepdf.Name.Image, Width=image.width, Height=image.height,
                            BitsPerComponent=8, ColorSpace=_COLOR_SPACES[image.mode],
                            Filter=pikepdf.Name.FlateDecode)
    return stream


def _flatten(image: Image.Image) -> Image.Image:
    """A mode a PDF image takes as is: transparency goes onto white paper."""
    if image.mode in _COLOR_SPACES:
        return image
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, "white")
        paper.paste(rgba, mask=rgba.getchannel("A"))
        return paper
    if image.mode in ("1", "I;16", "I", "F"):
        return image.convert("L")
    return image.convert("RGB")


def docx_pdf(path: Path, font: str) -> bytes:
    """The paragraphs and tables of the .docx at ``path``, in body order, typeset on A4."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise CorruptFile(f"cannot read .docx: {exc}", path=path) from exc
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=body, fontSize=15, leading=22, alignment=1, spaceAfter=6)
    cell = ParagraphStyle("cell", parent=body, fontSize=9.5, leading=13)
    buffer = io.BytesIO()
    template = SimpleDocTemplate(buffer, pagesize=A4, invariant=1, leftMargin=64, rightMargin=64,
                                 topMargin=64, bottomMargin=64)
    flow = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = DocxParagraph(child, document)
            style_name = (paragraph.style.name if paragraph.style is not None else "") or ""
            text = escape(paragraph.text)
            flow.append(Paragraph(text, heading if style_name.startswith(("Heading", "Title")) else body)
                        if text.strip() else Spacer(1, 8))
        elif tag == "tbl":
            rows = [[Paragraph(escape(c.text), cell) for c in row.cells] for row in DocxTable(child, document).rows]
            if rows:
                widths = [template.width / max(len(r) for r in rows)] * max(len(r) for r in rows)
                rows = [r + [""] * (len(widths) - len(r)) for r in rows]
                table = Table(rows, colWidths=widths, repeatRows=0)
                table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"),
                                           ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
                flow += [table, Spacer(1, 8)]
    template.build(flow or [Spacer(1, 1)])  # an empty .docx still gives one (blank) page
    return buffer.getvalue()
