"""The pages each logical document contributes, as pikepdf pages ready to be copied.

A PDF's pages are taken as they are (an owner-password-only PDF opens with the empty password, a
protected one with the passwords the build was given; the packet is written unencrypted); images and .docx originals are first made into PDF pages
(``images.py``). A file holding several logical documents is opened once and contributes only
each document's own page range.
"""

from __future__ import annotations

import io
from contextlib import ExitStack
from pathlib import Path

import pikepdf

from dossier.assemble.images import docx_pdf, image_pdf
from dossier.assemble.inputs import PacketDocument
from dossier.errors import CorruptFile, EncryptedFile, InputFileError, UnsupportedFileType

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class Sources:
    """Opens originals (each once) and keeps them open until the packet is written: pikepdf
    copies page content lazily, at save time."""

    def __init__(self, stack: ExitStack, font: str, passwords: tuple[str, ...] = ()):
        self._stack = stack
        self._font = font
        self._passwords = ("", *passwords)  # the ones given to read the files (never stored)
        self._pdfs: dict[tuple[Path, str], pikepdf.Pdf] = {}

    def pages(self, doc: PacketDocument) -> list[pikepdf.Page]:
        """The pages of ``doc`` (``first_page .. first_page + pages - 1`` of its file)."""
        media = doc.media_type
        if media == PDF:
            source, first = self._open(doc.original_path, "pdf"), doc.first_page
        elif media.startswith("image/"):
            # Only this document's frames are drawn, so its pages start at 1.
            source = self._made(doc.original_path, f"image:{doc.first_page}:{doc.pages}",
                                lambda: image_pdf(doc.original_path, doc.first_page, doc.pages))
            first = 1
        elif media == DOCX:
            # A .docx has no pages of its own (extraction reads it as one page): bind it whole.
            source = self._made(doc.original_path, "docx",
                                lambda: pikepdf.open(io.BytesIO(docx_pdf(doc.original_path, self._font))))
            return list(source.pages)
        else:
            raise UnsupportedFileType(f"cannot bind media type {media}", path=doc.original_path)
        total = len(source.pages)
        last = total if doc.pages == 0 or media != PDF else doc.first_page + doc.pages - 1
        if first > total or (media == PDF and last > total):
            raise InputFileError(f"pages {doc.first_page}-{last} not in a {total}-page file", path=doc.original_path,
                                 reason_zh=f"第 {doc.first_page} 至 {last} 页超出文件页数（共 {total} 页）")
        return list(source.pages)[first - 1:last]

    def _open(self, path: Path, kind: str) -> pikepdf.Pdf:
        key = (path, kind)
        if key not in self._pdfs:
            self._pdfs[key] = self._stack.enter_context(self._unlocked(path))
        return self._pdfs[key]

    def _unlocked(self, path: Path) -> pikepdf.Pdf:
        for password in self._passwords:
            try:
                return pikepdf.open(path, password=password)
            except pikepdf.PasswordError as exc:
                refused = exc
            except pikepdf.PdfError as exc:
                raise CorruptFile(f"unreadable PDF: {exc}", path=path) from exc
        raise EncryptedFile(f"PDF needs a password: {refused}", path=path,
                            reason_zh="加密文件，需要密码（装订时请用 --password 提供读取时所用的密码）") from refused

    def _made(self, path: Path, kind: str, make) -> pikepdf.Pdf:
        """A PDF made from a non-PDF original, once per (file, page range)."""
        key = (path, kind)
        if key not in self._pdfs:
            self._pdfs[key] = self._stack.enter_context(make())
        return self._pdfs[key]
