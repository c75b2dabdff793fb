"""PDF files: the text layer where a page has a usable one, otherwise render the page and OCR it.

The decision is per page, so a PDF of typed pages with a few scanned ones (common: a contract
with a scanned signature page) reads each page the right way. A text layer is "usable" when it
has enough real characters: ``(cid:NN)`` placeholders (fonts without a Unicode map), U+FFFD and
private-use code points are junk that only OCR can read, and so is mojibake: Chinese GBK bytes
drawn with a WinAnsi font come out as Latin-1 letters (``¹ØÓÚ``), which Chinese filings never
contain in quantity. A page whose text layer cannot be parsed at all is OCR'd too, and so is a
page whose text is a small stamp over a page-sized image (e.g. "Scanned by ..." footers).

Geometry is the page as displayed: pdfplumber and pdfium both apply the page's ``/Rotate``, so an
OCR'd page's ``rotation`` is what was needed on top of that (a scan placed sideways).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import numpy as np
import pdfplumber
import pikepdf
import pypdfium2
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

from dossier.config import Settings
from dossier.errors import CorruptFile, DossierError, EncryptedFile, InputFileError
from dossier.extract.ocr import OcrRunner, ocr_pages
from dossier.extract.pages.lines import Word, group_lines
from dossier.extract.pages.outcomes import add_outcomes
from dossier.model import FileText, PageText, TextSource

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 3  # fewer real characters: no usable text layer
MIN_GOOD_SHARE = 0.8  # share of real characters among all non-space characters
MOJIBAKE_SHARE = 0.3  # more Latin-1 letters (U+0080-U+00FF) than this share: GBK read as WinAnsi
SCAN_IMAGE_AREA = 0.5  # an image covering this share of the page makes it a scan ...
SCAN_MAX_TEXT_CHARS = 30  # ... unless the text layer holds more than a stamp (e.g. a scanner's OCR)
POINTS_PER_INCH = 72.0


def _is_real_char(text: str) -> bool:
    if not text or text.isspace() or text.startswith("(cid:") or text == "\ufffd":
        return False
    return not all(0xE000 <= ord(ch) <= 0xF8FF for ch in text)


@dataclass(frozen=True)
class PdfPageImage:
    """One PDF page rendered with pdfium, in whichever process OCRs it."""

    path: str
    number: int
    dpi: float

    def load(self) -> tuple[np.ndarray, float]:
        try:
            document = pypdfium2.PdfDocument(self.path)
        except pypdfium2.PdfiumError as exc:
            raise CorruptFile(f"pdfium cannot open the file: {exc}", path=self.path) from exc
        try:
            bitmap = document[self.number - 1].render(scale=self.dpi / POINTS_PER_INCH)
            return np.asarray(bitmap.to_pil().convert("RGB")), self.dpi
        except pypdfium2.PdfiumError as exc:
            raise CorruptFile(f"pdfium cannot render page {self.number}: {exc}", path=self.path) from exc
        finally:
            document.close()


def _raise_encryption_error(path: Path, exc: Exception) -> NoReturn:
    """EncryptedFile when a password is really needed, else CorruptFile (pdfminer cannot decrypt).

    pdfminer also fails on files that open with an empty password but have a damaged or unusual
    encryption dictionary; telling the user to supply a password would be wrong there. qpdf
    (through pikepdf) is the judge: it opens everything that needs no password.
    """
    try:
        pikepdf.open(path).close()
    except pikepdf.PasswordError:
        raise EncryptedFile(f"the PDF needs a password to open ({type(exc).__name__})", path=path) from exc
    except pikepdf.PdfError:
        pass  # qpdf cannot read it either: damaged, reported below
    raise CorruptFile(f"the PDF's encryption cannot be read without repair ({type(exc).__name__}: {exc})",
                      path=path, reason_zh="PDF 加密信息损坏或不受支持，无法读取") from exc


def _open_pdf(path: Path) -> pdfplumber.PDF:
    """Open leniently; an empty user password opens, any other password is EncryptedFile.

    This is where a repair step (re-save with pikepdf/qpdf, then open the repaired copy) slots in.
    """
    try:
        pdf = pdfplumber.open(path, password="")
    except PdfminerException as wrapped:
        # pdfplumber wraps whatever pdfminer raised while opening; decide on the original.
        exc = wrapped.args[0] if wrapped.args and isinstance(wrapped.args[0], Exception) else wrapped
        if isinstance(exc, (PDFPasswordIncorrect, PDFEncryptionError)):
            _raise_encryption_error(path, exc)
        raise CorruptFile(f"the PDF structure cannot be read: {exc!r}", path=path) from exc
    try:
        pdf.pages  # noqa: B018 - parses the page tree now, so a broken file fails here
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError,
            RecursionError) as exc:
        pdf.close()
        raise CorruptFile(f"the PDF structure cannot be read: {exc!r}", path=path) from exc
    return pdf


def render_dpi(width: float, height: float, settings: Settings) -> float:
    """The resolution to render a ``width`` x ``height`` points page at for OCR."""
    # Rendering beyond what OCR will see is wasted: large-format pages render at lower dpi so the
    # longer side is at most ocr_max_side pixels (which also bounds memory per page).
    longest = max(float(width), float(height), 1.0)
    return min(float(settings.render_dpi), settings.ocr_max_side * POINTS_PER_INCH / longest)


def page_image(path: Path, number: int, settings: Settings) -> PdfPageImage:
    """Page ``number`` as an image source rendered as OCR would render it (e.g. for QR codes)."""
    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as exc:
        raise CorruptFile(f"pdfium cannot open the file: {exc}", path=path) from exc
    try:
        if not 1 <= number <= len(document):
            raise InputFileError(f"page {number} does not exist ({len(document)} pages)", path=path)
        width, height = document[number - 1].get_size()
    finally:
        document.close()
    return PdfPageImage(str(path), number, render_dpi(width, height, settings))


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


def _has_marks(page: pdfplumber.page.Page) -> bool:
    """Whether anything visible is on the page (junk text, images, vector drawing)."""
    return bool(page.chars or page.images or page.curves or page.rects or page.lines)


def read_pdf(path: Path, *, sha256: str, media_type: str, settings: Settings, ocr: OcrRunner) -> FileText:
    """Read every page: text layer where usable, OCR otherwise, blank pages as empty pages."""
    name = str(path)
    result = FileText(sha256=sha256, media_type=media_type)
    outcomes: dict[int, PageText | DossierError] = {}
    to_ocr: list[PdfPageImage] = []
    with _open_pdf(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            image = PdfPageImage(name, number, render_dpi(page.width, page.height, settings))
            try:
                text_page = _text_layer(page, number)
                if text_page is not None:
                    outcomes[number] = text_page
                elif _has_marks(page):
                    to_ocr.append(image)
                else:
                    outcomes[number] = PageText(number=number, width=round(float(page.width), 2),
                                                height=round(float(page.height), 2),
                                                source=TextSource.text_layer, warnings=["blank page"])
            except Exception as exc:  # pdfminer raises many kinds (and pdfplumber wraps some)
                # One unparsable content stream costs that page's text layer, not the file: OCR it.
                log.warning("%s page %d: text layer unreadable (%r), using OCR", name, number, exc)
                to_ocr.append(image)
            finally:
                page.close()
    outcomes.update(ocr_pages(sha256, to_ocr, ocr, settings))
    return add_outcomes(result, outcomes)
