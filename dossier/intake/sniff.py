"""What a file is, from its content (magic bytes), never from its extension.

A scan renamed to the wrong extension is common; an executable or script renamed ``.pdf`` is the
case that must not get further than the quarantine.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from dossier.errors import CorruptFile, EmptyFile, UnsupportedFileType

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
BMP = "image/bmp"
WEBP = "image/webp"
GIF = "image/gif"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

MEDIA_TYPES = (PDF, JPEG, PNG, TIFF, BMP, WEBP, GIF, DOCX)

_HEAD_SIZE = 1024  # readers accept a PDF header anywhere in the first KiB
_BMP_DIB_SIZES = {12, 40, 52, 56, 64, 108, 124}  # the known BITMAPINFOHEADER variants

# Things people (or malware) rename to .pdf; named in the reason so a person knows what it was.
_KNOWN_UNSUPPORTED = (
    (b"\x7fELF", "an ELF executable", "可执行程序（ELF）"),
    (b"MZ", "a Windows executable", "Windows 可执行程序"),
    (b"#!", "a script", "脚本文件"),
    (b"Rar!", "a RAR archive", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "7z 压缩包"),
    (b"\xd0\xcf\x11\xe0", "a legacy Office file (.doc/.xls)",
     "旧版 Office 文件（.doc/.xls），请另存为 .docx 或 PDF"),
)


def _image_type(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):  # classic and BigTIFF
        return TIFF
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:2] == b"BM" and int.from_bytes(head[14:18], "little") in _BMP_DIB_SIZES:
        return BMP
    return None


def _docx_type(path: Path, name: str | Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorruptFile(f"damaged zip container: {exc}", path=name,
                          reason_zh="文件已损坏（ZIP 结构无效）") from exc
    if "word/document.xml" in names:
        return DOCX
    raise UnsupportedFileType("a zip archive that is not a Word (.docx) document", path=name,
                              reason_zh="不支持的文件类型：ZIP 压缩包（不是 Word 文档），请解压后再提交")


def sniff(path: Path, *, name: str | Path | None = None) -> str:
    """The media type of the file at ``path``, one of ``MEDIA_TYPES``.

    ``name`` is the file named in errors (e.g. the name as received, when ``path`` is the
    archived copy); it defaults to ``path``.

    Raises EmptyFile for a 0-byte file, UnsupportedFileType for anything else we cannot read
    (naming what it appears to be), CorruptFile for a damaged zip container.
    """
    path = Path(path)
    name = path if name is None else name
    with open(path, "rb") as stream:
        head = stream.read(_HEAD_SIZE)
    if not head:
        raise EmptyFile("the file is empty (0 bytes)", path=name)
    # Executables first: their bytes may well contain "%PDF-" somewhere in the first KiB.
    for magic, what, what_zh in _KNOWN_UNSUPPORTED:
        if head.startswith(magic):
            raise UnsupportedFileType(f"content is {what}, not a scan or document", path=name,
                                      reason_zh=f"不支持的文件类型：{what_zh}")
    if b"%PDF-" in head:
        return PDF
    image = _image_type(head)
    if image:
        return image
    if head.startswith(b"PK\x03\x04"):
        return _docx_type(path, name)
    raise UnsupportedFileType("content is not PDF, an image (JPEG/PNG/TIFF/BMP/WebP/GIF) or .docx",
                              path=name,
                              reason_zh="不支持的文件类型：内容不是 PDF、图片或 Word（.docx）文档")
