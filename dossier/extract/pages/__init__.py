"""The pages stage: any supported file in, its text as lines with boxes out (``FileText``).

``read_file`` is the single entry point. Per format: PDF pages use their text layer when usable,
otherwise they are rendered and OCR'd (decided page by page); images (every frame a page) are
OCR'd; .docx gives its paragraphs and tables as page 1 and its images as further pages. OCR goes
through a runner (in-process or a worker pool) behind a cache keyed by file hash, page and
engine version, so a re-run does no OCR and no rendering.

Failures: a file that cannot be read at all raises an ``InputFileError`` subclass (the caller
quarantines it with the reason); a page that fails is an entry in ``FileText.errors`` and the
result is partial.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from dossier.config import Settings
from dossier.errors import EmptyFile, UnsupportedFileType
from dossier.extract.ocr import ImageSource, InlineOcr, OcrRunner
from dossier.extract.pages import docx, images, pdf
from dossier.extract.pages.progress import PageProgress
from dossier.intake import sniff
from dossier.model import FileText

_READERS = {
    sniff.PDF: pdf.read_pdf,
    sniff.DOCX: docx.read_docx,
    **{media: images.read_image for media in (sniff.JPEG, sniff.PNG, sniff.TIFF, sniff.BMP, sniff.WEBP,
                                              sniff.GIF)},
}


def read_file(path: str | Path, *, sha256: str, media_type: str, settings: Settings,
              ocr: OcrRunner | None = None, progress: PageProgress | None = None) -> FileText:
    """The text of every page of ``path`` (content ``sha256``, type ``media_type`` as sniffed).

    ``ocr`` runs OCR where needed; default: in this process with ``settings.ocr_engine``.
    ``progress(pages_read, pages_in_file)`` is called after each page is read (see
    :mod:`dossier.extract.pages.progress`).
    Raises an ``InputFileError`` subclass when the file cannot be read at all, and
    ``OcrModelMissing`` when OCR is needed but the engine's models are not installed.
    """
    path = Path(path)
    reader = _READERS.get(media_type)
    if reader is None:
        raise UnsupportedFileType(f"no page reader for media type {media_type!r}", path=path)
    if path.stat().st_size == 0:
        raise EmptyFile("the file is empty (0 bytes)", path=path)
    return reader(path, sha256=sha256, media_type=media_type, settings=settings,
                  ocr=ocr or InlineOcr(settings), progress=progress)


def page_source(path: str | Path, media_type: str, number: int, settings: Settings) -> ImageSource:
    """Page ``number`` of ``path`` as an image source, the image OCR reads (e.g. for QR codes).

    Raises an ``InputFileError`` when the page does not exist or has no image (page 1 of a .docx).
    """
    path = Path(path)
    if media_type == sniff.PDF:
        return pdf.page_image(path, number, settings)
    if media_type == sniff.DOCX:
        return docx.page_image(path, number, settings)
    if _READERS.get(media_type) is images.read_image:
        return images.ImageFrame(str(path), number, settings.max_image_pixels)
    raise UnsupportedFileType(f"no page reader for media type {media_type!r}", path=path)


def ocr_file_json(path: str | Path, settings: Settings, ocr: OcrRunner | None = None) -> dict:
    """``dossier ocr FILE --json``: the pages of one file with their lines (no database needed)."""
    path = Path(path)
    with open(path, "rb") as stream:
        sha256 = hashlib.file_digest(stream, "sha256").hexdigest()
    media_type = sniff.sniff(path)
    text = read_file(path, sha256=sha256, media_type=media_type, settings=settings, ocr=ocr)
    return {
        "file": str(path),
        "sha256": sha256,
        "media_type": media_type,
        "status": text.status,
        "pages": [
            {"number": p.number, "width": p.width, "height": p.height, "source": p.source.value,
             "rotation": p.rotation, "warnings": p.warnings,
             "lines": [{"text": ln.text, "confidence": round(ln.confidence, 4),
                        "bbox": [round(v, 2) for v in ln.bbox]} for ln in p.lines]}
            for p in text.pages
        ],
        "errors": text.errors,
    }


__all__ = ["ocr_file_json", "page_source", "read_file"]
