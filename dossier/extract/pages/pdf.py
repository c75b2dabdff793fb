"""PDF files: the text layer where a page has a usable one, otherwise render the page and OCR it.

The decision is per page, so a PDF of typed pages with a few scanned ones (common: a contract
with a scanned signature page) reads each page the right way. A text layer is "usable" when it
has enough real characters: ``(cid:NN)`` placeholders (fonts without a Unicode map), U+FFFD and
private-use code points are junk that only OCR can read, and so is mojibake: Chinese GBK bytes
drawn with a WinAnsi font come out as Latin-1 letters (``¹ØÓÚ``), which Chinese filings never
contain in quantity. A page whose text layer cannot be parsed at all is OCR'd too, and so is a
page whose text is a small stamp over a page-sized image (e.g. "Scanned by ..." footers), and a
scan whose text layer another program made: scanner software writes its OCR engine's reading as
invisible text (render mode 3) or beneath the page image, errors included; such a page is read
from its image like any scan, and the layer is kept (``PageText.layer_lines``) for comparison.

How a file is opened whatever its state (passwords, repair by qpdf into a derived copy, render
only when no text layer can be parsed, the specific reason when nothing works) is
``dossier.extract.pages.pdf_open``.

Geometry is the page as displayed: pdfplumber and pdfium both apply the page's ``/Rotate``, so an
OCR'd page's ``rotation`` is what was needed on top of that (a scan placed sideways).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2

from dossier.config import Settings
from dossier.errors import CorruptFile, DossierError, InputFileError
from dossier.extract.ocr import OcrRunner, ocr_pages
from dossier.extract.pages.lines import Word, group_lines
from dossier.extract.pages.outcomes import add_outcomes
from dossier.extract.pages.pdf_open import BAD_PAGE_ZH, open_pdf, render_source
from dossier.extract.pages.progress import PageCount, PageProgress
from dossier.model import FileText, PageText, TextSource
from dossier.pdfium import PDFIUM

log = logging.getLogger(__name__)
# pdfminer (under pdfplumber) warns of every odd font dictionary it meets (Could not get FontBBox
# …), in every process that reads a PDF: nothing a user can act on, and it buries what they can
logging.getLogger("pdfminer").setLevel(logging.ERROR)

MIN_TEXT_CHARS = 3  # fewer real characters: no usable text layer
MIN_GOOD_SHARE = 0.8  # share of real characters among all non-space characters
MOJIBAKE_SHARE = 0.3  # more Latin-1 letters (U+0080-U+00FF) than this share: GBK read as WinAnsi
SCAN_IMAGE_AREA = 0.5  # an image covering this share of the page makes it a scan ...
SCAN_MAX_TEXT_CHARS = 30  # ... unless the text layer holds more than a stamp (e.g. a scanner's OCR)
POINTS_PER_INCH = 72.0
HIDDEN_SHARE = 0.8  # this share of a page's text objects invisible: an OCR layer, not typeset text


def _is_real_char(text: str) -> bool:
    if not text or text.isspace() or text.startswith("(cid:") or text == "\ufffd":
        return False
    return not all(0xE000 <= ord(ch) <= 0xF8FF for ch in text)


@dataclass(frozen=True)
class PdfPageImage:
    """One PDF page rendered with pdfium, in whichever process OCRs it."""

    path: str  # the file as the user knows it (errors name it)
    number: int
    dpi: float
    password: str = field(default="", repr=False)  # in memory only, never in a log line
    render_from: str | None = None  # the repaired copy pdfium reads instead of ``path``

    def load(self) -> tuple[np.ndarray, float]:
        with PDFIUM:
            try:
                document = pypdfium2.PdfDocument(self.render_from or self.path, password=self.password or None)
            except pypdfium2.PdfiumError as exc:
                raise CorruptFile(f"pdfium cannot open the file: {exc}", path=self.path) from exc
            try:
                bitmap = document[self.number - 1].render(scale=self.dpi / POINTS_PER_INCH)
                return np.asarray(bitmap.to_pil().convert("RGB")), self.dpi
            except pypdfium2.PdfiumError as exc:
                raise CorruptFile(f"pdfium cannot render page {self.number}: {exc}", path=self.path) from exc
            finally:
                document.close()


def render_dpi(width: float, height: float, settings: Settings) -> float:
    """The resolution to render a ``width`` x ``height`` points page at for OCR."""
    # Rendering beyond what OCR will see is wasted: large-format pages render at lower dpi so the
    # longer side is at most ocr_max_side pixels (which also bounds memory per page).
    longest = max(float(width), float(height), 1.0)
    return min(float(settings.render_dpi), settings.ocr_max_side * POINTS_PER_INCH / longest)


def page_image(path: Path, number: int, settings: Settings) -> PdfPageImage:
    """Page ``number`` as an image source rendered as OCR would render it (e.g. for QR codes)."""
    source, password = render_source(path, settings)
    with PDFIUM:
        try:
            document = pypdfium2.PdfDocument(str(source), password=password or None)
        except pypdfium2.PdfiumError as exc:
            raise CorruptFile(f"pdfium cannot open the file: {exc}", path=path) from exc
        try:
            if not 1 <= number <= len(document):
                raise InputFileError(f"page {number} does not exist ({len(document)} pages)", path=path)
            width, height = document[number - 1].get_size()
        finally:
            document.close()
    return PdfPageImage(str(path), number, render_dpi(width, height, settings), password,
                        None if source == path else str(source))


def _text_layer(page: pdfplumber.page.Page, number: int) -> PageText | None:
    """The page from its text layer, or None when the layer is missing, junk or covers a scan."""
    chars = [c["text"] for c in page.chars if not c["text"].isspace()]
    real = [c for c in chars if _is_real_char(c)]
    good = len(real)
    if good < MIN_TEXT_CHARS or good < MIN_GOOD_SHARE * len(chars):
        return None
    if sum(all(0x80 <= ord(ch) <= 0xFF for ch in c) for c in real) > MOJIBAKE_SHARE * good:
        return None
    if good <= SCAN_MAX_TEXT_CHARS:
        page_area = float(page.width) * float(page.height) or 1.0
        covered = max((float(im["width"]) * float(im["height"]) for im in page.images), default=0.0)
        if covered >= SCAN_IMAGE_AREA * page_area:
            return None
    words = [Word(w["text"], float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"]))
             for w in page.extract_words(keep_blank_chars=False, use_text_flow=False)]
    return PageText(number=number, width=round(float(page.width), 2), height=round(float(page.height), 2),
                    source=TextSource.text_layer, lines=group_lines(words))


def _page_image_cover(page: pdfplumber.page.Page) -> float:
    """The share of the page the largest image covers."""
    page_area = float(page.width) * float(page.height) or 1.0
    return max((float(im["width"]) * float(im["height"]) for im in page.images), default=0.0) / page_area


def hidden_layer(path: Path, number: int, password: str = "") -> bool:
    """Whether page ``number``'s text is a scanner's OCR layer: mostly invisible (render mode 3),
    or all drawn before (beneath) a page-sized image, so that no reader of the page sees it."""
    import pypdfium2.raw as pdfium_c

    with PDFIUM:
        return _hidden_layer(pdfium_c, path, number, password)


def _hidden_layer(pdfium_c, path: Path, number: int, password: str) -> bool:
    document = pypdfium2.PdfDocument(str(path), password=password or None)
    try:
        page = document[number - 1]
        width, height = page.get_size()
        texts = invisible = visible_on_top = 0
        covered = False
        for obj in page.get_objects(max_depth=3):
            if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                left, bottom, right, top = obj.get_bounds()
                covered = covered or (right - left) * (top - bottom) >= SCAN_IMAGE_AREA * width * height
            elif obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
                texts += 1
                if pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw) == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE:
                    invisible += 1
                elif covered:
                    visible_on_top += 1
        return texts > 0 and (invisible >= HIDDEN_SHARE * texts or (covered and visible_on_top == 0))
    except pypdfium2.PdfiumError:
        return False
    finally:
        document.close()


def draws_text(page) -> bool:
    """Whether a pypdf page draws text: its content stream shows strings (Tj/TJ) inside a text
    object. A cheap test, without parsing the text (a tenth of a second a page with pdfminer);
    an unreadable content stream counts as text, so callers take the careful path."""
    try:
        contents = page.get_contents()
        data = contents.get_data() if contents is not None else b""
    except Exception:  # noqa: BLE001 - pypdf's many errors on broken streams
        return True
    return b"BT" in data and (b"Tj" in data or b"TJ" in data)


def is_scan_only(path: Path) -> bool:
    """Whether no page of the PDF at ``path`` draws text (every page will be OCR'd); False when
    the file cannot be opened this way (its reading is left to ``read_pdf``)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(path, strict=False)
        return not reader.is_encrypted and not any(draws_text(page) for page in reader.pages)
    except Exception:  # noqa: BLE001 - a damaged file: read_pdf will say what is wrong with it
        return False


def _has_marks(page: pdfplumber.page.Page) -> bool:
    """Whether anything visible is on the page (junk text, images, vector drawing)."""
    return bool(page.chars or page.images or page.curves or page.rects or page.lines)


def _page_sizes(path: Path, password: str) -> list[tuple[float, float] | None]:
    """Every page's displayed size in points from pdfium (when there is no parsable text layer);
    None for a page pdfium counts but cannot load."""
    with PDFIUM:
        return _sizes(pypdfium2.PdfDocument(str(path), password=password or None))


def _sizes(document) -> list[tuple[float, float] | None]:
    sizes: list[tuple[float, float] | None] = []
    try:
        for index in range(len(document)):
            try:
                sizes.append(document[index].get_size())
            except pypdfium2.PdfiumError:
                sizes.append(None)
        return sizes
    finally:
        document.close()


def text_layers(path: Path, numbers: list[int], *, sha256: str, settings: Settings) -> dict[int, list[str]]:
    """The text layer's lines of pages ``numbers`` whatever reads them for extraction (a scan's
    hidden layer included); pages without a usable layer are left out."""
    out: dict[int, list[str]] = {}
    with open_pdf(path, sha256=sha256, settings=settings) as opened:
        if opened.plumber is None:
            return out
        for number in numbers:
            if 1 <= number <= len(opened.plumber.pages):
                page = opened.plumber.pages[number - 1]
                try:
                    text_page = _text_layer(page, number)
                finally:
                    page.close()
                if text_page is not None:
                    out[number] = [line.text for line in text_page.lines]
    return out


def read_pdf(path: Path, *, sha256: str, media_type: str, settings: Settings, ocr: OcrRunner,
             progress: PageProgress | None = None) -> FileText:
    """Read every page: text layer where usable, OCR otherwise, blank pages as empty pages;
    ``progress`` hears of each page read (text layer pages first, then the OCR'd ones).

    How the file is opened (passwords, repair into a derived copy, render-only) is
    ``dossier.extract.pages.pdf_open``; errors name ``path`` even when a copy was read.
    """
    result = FileText(sha256=sha256, media_type=media_type)
    outcomes: dict[int, PageText | DossierError] = {}
    to_ocr: list[PdfPageImage] = []
    layers: dict[int, PageText] = {}  # hidden text layers of scans, read by OCR instead
    with open_pdf(path, sha256=sha256, settings=settings) as opened:
        name, password = str(path), opened.password
        copy = None if opened.path == path else str(opened.path)
        if opened.plumber is None:
            sizes = _page_sizes(opened.path, password)
            count = PageCount(progress, len(sizes))
            for number, size in enumerate(sizes, start=1):
                if size is None:
                    outcomes[number] = CorruptFile(f"pdfium cannot load page {number}", path=path,
                                                   reason_zh=BAD_PAGE_ZH)
                    count.add()
                else:
                    to_ocr.append(PdfPageImage(name, number, render_dpi(*size, settings), password, copy))
        else:
            count = PageCount(progress, len(opened.plumber.pages))
            for number, page in enumerate(opened.plumber.pages, start=1):
                image = PdfPageImage(name, number, render_dpi(page.width, page.height, settings), password, copy)
                try:
                    text_page = _text_layer(page, number)
                    if (text_page is not None and _page_image_cover(page) >= SCAN_IMAGE_AREA
                            and hidden_layer(opened.path, number, password)):
                        layers[number] = text_page
                        to_ocr.append(image)
                    elif text_page is not None:
                        outcomes[number] = text_page
                    elif _has_marks(page):
                        to_ocr.append(image)
                    else:
                        outcomes[number] = PageText(number=number, width=round(float(page.width), 2),
                                                    height=round(float(page.height), 2),
                                                    source=TextSource.text_layer, warnings=["blank page"])
                except Exception as exc:  # pdfminer raises many kinds (and pdfplumber wraps some)
                    # One unparsable content stream costs that page's text layer, not the file: OCR it.
                    log.warning("%s page %d: text layer unreadable (%r), using OCR", path, number, exc)
                    to_ocr.append(image)
                finally:
                    page.close()
                if number in outcomes:  # read from its text layer; the others count as OCR reads them
                    count.add()
        notes = opened.notes
    outcomes.update(ocr_pages(sha256, to_ocr, ocr, settings, on_page=count.add))
    for number, layer in layers.items():
        if not isinstance(outcomes.get(number), PageText):
            # our OCR failed on the image: the other program's reading is all there is
            layer.warnings.append("image unreadable: the hidden text layer of the scanning software was used")
            outcomes[number] = layer
    for outcome in outcomes.values():
        if isinstance(outcome, PageText):
            outcome.warnings.extend(note for note in notes if note not in outcome.warnings)
    return add_outcomes(result, outcomes)
