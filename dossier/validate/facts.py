"""What validation knows about each document: its extracted fields plus facts about its file.

``DocumentFacts`` is the input boundary of validation. ``collect_file_facts`` computes the
file-level facts (PDF metadata and revision history, EXIF, per-page perceptual hashes) from the
stored original; it runs once per file at intake, so validation itself never opens a file.
Imaging libraries are imported inside the collectors: code that only validates stored facts
should not pay for them.
"""

from __future__ import annotations

import hashlib
import io
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from dossier.errors import CorruptFile, EncryptedFile, ImageTooLarge
from dossier.model import ExtractedDocument, ExtractedField
from dossier.extract.qr import qr_fields as parse_qr_payload
from dossier.pdfium import PDFIUM

if TYPE_CHECKING:
    from PIL.Image import Image

QrFields = dict[str, str | list[str]]
PDF_MEDIA_TYPE = "application/pdf"
_RENDER_SCALE = 1.0  # 72 dpi: plenty for a 64-bit perceptual hash, and fast
TILE_GRID = 4  # PageHash.tiles: 4 x 4 cells
_HASH_SIDE = 768  # pixels: every cell of the grid still has 190 x 190 to hash


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PageHash(_Facts):
    """Perceptual hashes (imagehash hex strings) of one page's image.

    ``source`` says what was hashed: ``scan`` — pixels a scanner or camera made (an image file, or
    the largest image of a PDF page without a text layer); ``render`` — a page with a text layer,
    rendered. Rendered pages of one issuer's template hash alike whoever they name, so only scans
    are compared for near-identity by default (``integrity.near_duplicate_sources``).
    """

    page: int  # 1-based page of the file
    phash: str
    dhash: str
    source: Literal["scan", "render"] = "scan"
    # A dhash per cell of a TILE_GRID x TILE_GRID grid, row by row. Documents of one template
    # (ID cards, certificates) look alike as a whole, a few bits apart, whoever they name; a copy
    # of one scan is alike in every cell, while a different name or photo changes its cells a lot.
    tiles: list[str] = Field(default_factory=list)


class FileFacts(_Facts):
    """Facts about one stored file, independent of what its text says."""

    sha256: str
    media_type: str
    source_name: str
    size: int
    producer: str | None = None  # PDF /Producer, or an image's EXIF Software
    creator: str | None = None  # PDF /Creator
    created: datetime | None = None  # PDF /CreationDate, or EXIF DateTimeOriginal (naive UTC)
    modified: datetime | None = None  # PDF /ModDate, or EXIF DateTime (naive UTC)
    eof_count: int = 0  # %%EOF markers
    startxref_count: int = 0
    linearized: bool = False
    incremental_updates: int = 0  # revisions appended after the first (linearization excluded)
    signature_count: int = 0  # signature dictionaries (each /ByteRange)
    page_hashes: list[PageHash] = Field(default_factory=list)
    # Pages whose text layer lies over a page-sized image: what is read is the layer, what a
    # person sees is the image, so the two must be compared (DocumentFacts.text_agreement).
    text_over_image_pages: list[int] = Field(default_factory=list)

    @property
    def signed(self) -> bool:
        return self.signature_count > 0


class DocumentFacts(_Facts):
    """One logical document as validation sees it.

    ``text_agreement`` maps a file page to the share of its text-layer words that OCR of the
    rendered page confirms (0..1); pages without a text layer are absent. ``qr_fields`` is the
    parsed QR payload when the caller has it; ``qr()`` otherwise parses the document's
    ``qr_payload`` field (with extraction's parser: one parser for the whole package).
    """

    document: ExtractedDocument
    file: FileFacts | None = None
    failure_code: str | None = None  # why the file could not be read at all (an error class name)
    text_agreement: dict[int, float] = Field(default_factory=dict)
    qr_fields: QrFields | None = None

    @property
    def doc_type(self) -> str | None:
        return self.document.doc_type

    @property
    def sha256(self) -> str:
        return self.document.sha256

    def qr(self) -> QrFields:
        """The QR payload keyed by field name (empty when the document carries none)."""
        if self.qr_fields is not None:
            return self.qr_fields
        payload = self.document.fields.get("qr_payload")
        return parse_qr_payload(payload.value) if payload and isinstance(payload.value, str) else {}

    def field(self, name: str) -> ExtractedField | None:
        return self.document.fields.get(name)

    def text(self, name: str) -> str | None:
        """The field's value as one non-empty string (lists joined by "、"), else None."""
        found = self.document.fields.get(name)
        if found is None or found.value is None:
            return None
        value = "、".join(found.value) if isinstance(found.value, list) else found.value
        return value.strip() or None

    def file_pages(self) -> list[int]:
        """The file pages this document covers (all remaining pages when the count is unknown)."""
        first = self.document.first_page
        if self.document.pages > 0:
            return list(range(first, first + self.document.pages))
        return sorted(h.page for h in (self.file.page_hashes if self.file else []) if h.page >= first)


# --- collecting file facts -------------------------------------------------------------------


def collect_file_facts(path: str | Path, media_type: str) -> FileFacts:
    """Compute ``FileFacts`` for the original file at ``path``.

    PDFs: metadata, revision markers, signatures, and a hash per page (its largest embedded
    image, or the rendered page when it has none). Images: EXIF software and dates, a hash per
    frame. Other media types (e.g. .docx) get the identity facts only.
    Raises CorruptFile, EncryptedFile or ImageTooLarge naming the file.
    """
    path = Path(path)
    data = path.read_bytes()
    base = dict(sha256=hashlib.sha256(data).hexdigest(), media_type=media_type,
                source_name=path.name, size=len(data))
    if media_type == PDF_MEDIA_TYPE:
        return FileFacts(**base, **_pdf_facts(data, path))
    if media_type.startswith("image/"):
        return FileFacts(**base, **_image_facts(data, path))
    return FileFacts(**base)


def _pdf_facts(data: bytes, path: Path) -> dict:
    from pypdf import PdfReader

    from dossier.extract.pages.pdf import draws_text
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise EncryptedFile("PDF is encrypted", path=path)
        meta = reader.metadata
        pages = list(reader.pages)
        texts = [draws_text(page) for page in pages]
    except (PdfReadError, ValueError, KeyError) as exc:  # pypdf's ways of saying "broken"
        raise CorruptFile(f"unreadable PDF: {exc}", path=path) from exc
    eof_count = data.count(b"%%EOF")
    startxref_count = len(re.findall(rb"startxref", data))
    # A linearized file carries a first-page trailer of its own: one marker more, no edit.
    linearized = b"/Linearized" in data[:2048]
    revisions = max(eof_count, startxref_count)
    return dict(
        producer=_meta_text(meta, "/Producer"),
        creator=_meta_text(meta, "/Creator"),
        created=_meta_date(meta, "creation_date"),
        modified=_meta_date(meta, "modification_date"),
        eof_count=eof_count,
        startxref_count=startxref_count,
        linearized=linearized,
        incremental_updates=max(0, revisions - 1 - int(linearized)),
        # Every signature dictionary has a /ByteRange; counting bytes avoids walking AcroForms.
        signature_count=len(re.findall(rb"/ByteRange\s*\[", data)),
        page_hashes=_pdf_page_hashes(pages, texts, data),
        text_over_image_pages=[n for n, (page, text) in enumerate(zip(pages, texts), start=1)
                               if text and _page_sized_image(page)],
    )


def _page_sized_image(page) -> bool:
    """Whether the page draws an image with the pixels of a scan of the whole page (100 dpi over
    half its area or more), read from the image dictionaries without decoding anything."""
    try:
        xobjects = page["/Resources"]["/XObject"]
        pixels = max((int(obj.get("/Width", 0)) * int(obj.get("/Height", 0))
                      for obj in (ref.get_object() for ref in xobjects.values())
                      if obj.get("/Subtype") == "/Image"), default=0)
        inches = float(page.mediabox.width) * float(page.mediabox.height) / 72 / 72
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    return pixels >= 0.5 * inches * 100 * 100


def _meta_text(meta, key: str) -> str | None:
    value = meta.get(key) if meta else None
    return (str(value).strip() or None) if value is not None else None


def _meta_date(meta, attribute: str) -> datetime | None:
    if not meta:
        return None
    try:
        return _naive_utc(getattr(meta, attribute))
    except (ValueError, TypeError):  # a malformed date string is no date, not a corrupt file
        return None


def _naive_utc(moment: datetime | None) -> datetime | None:
    """Make dates comparable: aware ones go to UTC, all lose their tzinfo."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _pdf_page_hashes(pages, texts: list[bool], data: bytes) -> list[PageHash]:
    """Hash each page as a person sees it. An image-only page (a scan) is hashed from its largest
    embedded image, at the scan's own resolution; a page with a text layer is rendered, because
    its largest image may be a background shared by every certificate of that issuer. The
    renderer is opened once per file, and only when needed."""
    rendered = None
    hashes = []
    with PDFIUM:
        try:
            for number, (page, text) in enumerate(zip(pages, texts), start=1):
                image = None if text else _largest_image(page)
                if image is not None:
                    hashes.append(_page_hash(number, image, "scan"))
                    continue
                if rendered is None:
                    import pypdfium2 as pdfium

                    rendered = pdfium.PdfDocument(data)
                hashes.append(_page_hash(number, rendered[number - 1].render(scale=_RENDER_SCALE).to_pil(), "render"))
        finally:
            if rendered is not None:
                rendered.close()
    return hashes


def _largest_image(page) -> Image | None:
    try:
        images = [item.image for item in page.images]
    except Exception:  # noqa: BLE001 - pypdf raises many types on exotic filters; render instead
        return None
    images = [img for img in images if img is not None]
    return max(images, key=lambda img: img.width * img.height) if images else None


def _image_facts(data: bytes, path: Path) -> dict:
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            exif = img.getexif()
            hashes = [_page_hash(number, frame.copy(), "scan")
                      for number, frame in enumerate(ImageSequence.Iterator(img), start=1)]
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(str(exc), path=path) from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise CorruptFile(f"unreadable image: {exc}", path=path) from exc
    software = exif.get(0x0131)  # Software
    return dict(
        producer=(str(software).strip() or None) if software else None,
        created=_exif_date(exif.get_ifd(0x8769).get(0x9003)),  # Exif IFD: DateTimeOriginal
        modified=_exif_date(exif.get(0x0132)),  # DateTime: last written
        page_hashes=hashes,
    )


def _exif_date(value) -> datetime | None:
    try:
        return datetime.strptime(str(value).strip(), "%Y:%m:%d %H:%M:%S") if value else None
    except ValueError:
        return None


def _page_hash(number: int, img: Image, source: Literal["scan", "render"]) -> PageHash:
    import imagehash

    # Every hash below shrinks its input to a few dozen pixels; shrinking once to a modest size
    # first (and in grey) keeps a 20-megapixel scan from being resampled 18 times.
    gray = img.convert("L")
    gray.thumbnail((_HASH_SIDE, _HASH_SIDE))
    img = gray
    width, height = gray.size
    tiles = [str(imagehash.dhash(gray.crop((col * width // TILE_GRID, row * height // TILE_GRID,
                                            (col + 1) * width // TILE_GRID, (row + 1) * height // TILE_GRID))))
             for row in range(TILE_GRID) for col in range(TILE_GRID)]
    return PageHash(page=number, phash=str(imagehash.phash(img)), dhash=str(imagehash.dhash(img)),
                    source=source, tiles=tiles)
