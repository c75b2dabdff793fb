"""Opening a PDF whatever state it is in: the reading chain of the pages stage.

1. pdfplumber (pdfminer, lenient) reads the original, with the empty user password and then each
   password the user supplied (``settings.pdf_passwords``, from ``--password``).
2. When that fails, qpdf (through pikepdf) opens the original, reconstructing a damaged
   cross-reference table or encryption dictionary, and saves a repaired copy without encryption
   among the derived artefacts (``<derived>/<sha[:2]>/<sha>/pdf/repaired.pdf``); pdfplumber reads
   that copy. A copy made once is reused (it is derived from the original's bytes alone).
3. When no text layer can be parsed at all but pdfium opens the file (the original or the repaired
   copy), every page is rendered and OCR'd.
4. Only then is the file refused, with the most specific reason found: a password is needed
   (加密文件，需要密码), the password given is wrong, the file was cut short, or it is damaged
   beyond repair.

The original is never modified, whatever it is. That matters most for signed PDFs: a signature
covers the exact bytes, so a repaired copy is only ever read from, never filed or shown as the
original. Passwords live in memory only: they are not written to the database, to logs, to error
messages or to file names. A repaired copy of a password-protected file is saved decrypted (the
tools that failed on the original must read it), like the text the database keeps of it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from dossier.config import Settings
from dossier.errors import CorruptFile, EncryptedFile
from dossier.pdfium import PDFIUM
from dossier.store.archive import hash_file
from dossier.store.derived import derived_path
from dossier.store.fsutil import atomic_write

log = logging.getLogger(__name__)

REPAIRED_NOTE = "read from a copy repaired by qpdf (the original is kept unchanged)"
NO_TEXT_LAYER_NOTE = "the PDF structure cannot be parsed for text; the page was rendered and OCR'd"
_TAIL_SIZE = 2048  # where a complete PDF has its %%EOF marker

TRUNCATED_ZH = "PDF 文件不完整（被截断），无法修复，请重新获取原件"
DAMAGED_ZH = "PDF 文件已损坏，自动修复后仍无法读取"
BAD_ENCRYPTION_ZH = "PDF 加密信息损坏或不受支持，无法读取"
WRONG_PASSWORD_ZH = "加密文件，需要密码：提供的密码不正确"
NO_PAGES_ZH = "PDF 文件中没有可读取的页面"
BAD_PAGE_ZH = "PDF 页面已损坏，无法读取"


class NoPages(ValueError):
    """The page tree parsed, but holds no page (an empty or mis-built document)."""


@dataclass
class OpenedPdf:
    """A PDF ready to read: its text layer (if parsable) and the file its pages render from."""

    plumber: pdfplumber.PDF | None  # None: no text layer can be parsed, OCR every page
    path: Path  # the file to render pages from: the original or the repaired copy
    page_count: int
    password: str = field(default="", repr=False)  # what opens ``path`` ("" for none)
    notes: list[str] = field(default_factory=list)  # warnings for every page


class _Unopened(Exception):
    """pdfplumber could not open a file; ``encryption`` when it failed at decrypting."""

    def __init__(self, cause: BaseException, *, encryption: bool):
        super().__init__(repr(cause))
        self.cause = cause
        self.encryption = encryption


def _passwords(settings: Settings) -> list[str]:
    """The empty user password first, then what the user supplied (each once)."""
    found = [""]
    for secret in settings.pdf_passwords:
        value = secret.get_secret_value()
        if value not in found:
            found.append(value)
    return found


def _plumber(path: Path, password: str) -> pdfplumber.PDF:
    """Open with pdfplumber and parse the page tree now, so a broken file fails here."""
    try:
        pdf = pdfplumber.open(path, password=password)
    except PdfminerException as wrapped:
        # pdfplumber wraps whatever pdfminer raised while opening; decide on the original.
        cause = wrapped.args[0] if wrapped.args and isinstance(wrapped.args[0], Exception) else wrapped
        raise _Unopened(cause, encryption=isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError))) from None
    except Exception as exc:  # pdfminer raises many kinds (syntax, recursion, type errors ...)
        raise _Unopened(exc, encryption=False) from None
    try:
        if not pdf.pages:
            raise NoPages("the page tree holds no page")
    except Exception as exc:
        _close(pdf)
        raise _Unopened(exc, encryption=False) from None
    return pdf


def _close(pdf: pdfplumber.PDF) -> None:
    """Close without raising: closing re-reads the page tree, which fails again on a broken one."""
    with suppress(Exception):
        pdf.close()
    with suppress(Exception):  # the file handle pdfplumber opened, should close() have stopped early
        pdf.stream.close()


def _plumber_any(path: Path, passwords: list[str]) -> tuple[pdfplumber.PDF, str]:
    """The first password that opens ``path`` with pdfplumber; the last failure otherwise."""
    failure: _Unopened | None = None
    for password in passwords:
        try:
            return _plumber(path, password), password
        except _Unopened as exc:
            failure = exc
            if not exc.encryption:  # a structural failure does not depend on the password
                break
    assert failure is not None
    raise failure


def _pdfium_pages(path: Path, password: str) -> int:
    """How many pages pdfium finds in ``path`` (0 when it cannot open it)."""
    with PDFIUM:
        try:
            document = pypdfium2.PdfDocument(str(path), password=password or None)
        except pypdfium2.PdfiumError:
            return 0
        try:
            return len(document)
        finally:
            document.close()


def _qpdf(path: Path, passwords: list[str]) -> pikepdf.Pdf | None:
    """Open with qpdf (damage is repaired on the way); None when qpdf cannot read it at all.

    Raises EncryptedFile when a password is needed and none of ``passwords`` opens the file.
    """
    for password in passwords:
        try:
            return pikepdf.open(path, password=password)
        except pikepdf.PasswordError:
            continue
        except (pikepdf.PdfError, RecursionError, ValueError, OSError) as exc:
            log.info("%s: qpdf cannot repair it: %s", path, exc)
            return None
    if len(passwords) > 1:
        raise EncryptedFile("the PDF needs a password to open; none of the passwords given opens it",
                            path=path, reason_zh=WRONG_PASSWORD_ZH)
    raise EncryptedFile("the PDF needs a password to open", path=path)


def _repaired_copy(path: Path, sha256: str, settings: Settings, passwords: list[str]) -> Path | None:
    """The repaired, unencrypted copy of ``path`` (made now unless made before), or None."""
    copy = derived_path(settings, sha256, "pdf", "repaired.pdf")
    if copy.is_file():
        return copy
    qpdf = _qpdf(path, passwords)
    if qpdf is None:
        return None
    try:
        # Streams are copied as they are (no decoding, so no decompression bomb goes off here);
        # omitting ``encryption`` writes the copy without encryption.
        atomic_write(copy, lambda out: qpdf.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none))
    except (pikepdf.PdfError, RecursionError, ValueError) as exc:
        log.info("%s: qpdf cannot write a repaired copy: %s", path, exc)
        return None
    finally:
        qpdf.close()
    log.info("%s: repaired by qpdf into %s", path, copy)
    return copy


def looks_truncated(path: Path) -> bool:
    """True when the file ends without the ``%%EOF`` marker: it was cut short (half copied)."""
    with open(path, "rb") as stream:
        stream.seek(0, 2)
        size = stream.tell()
        stream.seek(max(0, size - _TAIL_SIZE))
        tail = stream.read()
    return b"%%EOF" not in tail


def _refuse(path: Path, failure: _Unopened) -> CorruptFile:
    """The most specific reason a file that nothing could read is refused."""
    if isinstance(failure.cause, NoPages):
        return CorruptFile("the PDF has no page that can be read", path=path, reason_zh=NO_PAGES_ZH)
    if looks_truncated(path):
        return CorruptFile(f"the PDF is cut short (no %%EOF) and cannot be repaired: {failure}",
                           path=path, reason_zh=TRUNCATED_ZH)
    return CorruptFile(f"the PDF structure cannot be read, even after repair: {failure}",
                       path=path, reason_zh=DAMAGED_ZH)


@contextmanager
def open_pdf(path: Path, *, sha256: str, settings: Settings) -> Iterator[OpenedPdf]:
    """The PDF at ``path`` (content ``sha256``) opened by the chain in the module docstring.

    Raises EncryptedFile (a password is needed or the one given is wrong) or CorruptFile (nothing
    in the chain can read it), naming ``path``.
    """
    opened = _open(path, sha256, settings)
    try:
        yield opened
    finally:
        if opened.plumber is not None:
            _close(opened.plumber)


def _open(path: Path, sha256: str, settings: Settings) -> OpenedPdf:
    if looks_truncated(path):
        # A PDF ends with %%EOF. Without it the file was cut short (a copy still running, a
        # download that stopped): whatever part of it could be read is not the document.
        raise CorruptFile("the PDF is cut short (no %%EOF at its end)", path=path, reason_zh=TRUNCATED_ZH)
    passwords = _passwords(settings)
    try:
        pdf, password = _plumber_any(path, passwords)
        return OpenedPdf(pdf, path, len(pdf.pages), password)
    except _Unopened as exc:
        failure = exc
    log.info("%s: pdfplumber cannot open it (%s); trying qpdf", path, failure)
    copy = _repaired_copy(path, sha256, settings, passwords)
    if copy is not None:
        try:
            pdf = _plumber(copy, "")
            return OpenedPdf(pdf, copy, len(pdf.pages), "", [REPAIRED_NOTE])
        except _Unopened as exc:
            failure = exc
        pages = _pdfium_pages(copy, "")
        if pages:
            return OpenedPdf(None, copy, pages, "", [REPAIRED_NOTE, NO_TEXT_LAYER_NOTE])
    if failure.encryption:
        # qpdf could not read it either, and pdfminer could not decrypt it
        raise CorruptFile(f"the PDF's encryption cannot be read ({failure})", path=path,
                          reason_zh=BAD_ENCRYPTION_ZH) from failure.cause
    for password in passwords:
        pages = _pdfium_pages(path, password)
        if pages:
            return OpenedPdf(None, path, pages, password, [NO_TEXT_LAYER_NOTE])
    raise _refuse(path, failure) from failure.cause


def render_source(path: Path, settings: Settings) -> tuple[Path, str]:
    """The file and password pdfium should render ``path``'s pages from (for QR codes etc.).

    The original when pdfium opens it; otherwise the repaired copy when one was made.
    """
    for password in _passwords(settings):
        if _pdfium_pages(path, password):
            return path, password
    copy = derived_path(settings, hash_file(path)[0], "pdf", "repaired.pdf")
    return (copy, "") if copy.is_file() else (path, "")
