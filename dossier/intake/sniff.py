"""What a file is, from its content (magic bytes), never from its extension.

A scan renamed to the wrong extension is common; an executable or script renamed ``.pdf`` is the
case that must not get further than the quarantine.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from dossier.errors import CorruptFile, EmptyFile, EncryptedFile, UnsupportedFileType

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


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A password-protected .docx/.xlsx is not a zip but an OLE2 container holding this stream.
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
# Strict OOXML (ISO/IEC 29500 Strict) names its parts with these namespaces; python-docx reads
# only the transitional ones every Word version saves by default.
_STRICT_OOXML = b"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"


def _refuse_known(path: Path, head: bytes, name: str | Path) -> None:
    """Raise a specific reason for content we recognise but cannot read (HEIC, encrypted Office)."""
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        raise UnsupportedFileType("content is a HEIF/HEIC photo", path=name,
                                  reason_zh="不支持的文件类型：HEIC/HEIF 照片（手机默认格式），请转换为 JPEG 后再提交")
    if head.startswith(_OLE2) and _ENCRYPTED_PACKAGE in _read_prefix(path, 1 << 20):
        raise EncryptedFile("a password-protected Office document (OLE2 EncryptedPackage)", path=name,
                            reason_zh="加密文件，需要密码：受密码保护的 Word/Excel 文档，请解除密码后另存为 .docx 或 PDF")


def _read_member(archive: zipfile.ZipFile, member: str) -> bytes:
    """A small part of a zip, or nothing when it is missing or damaged (the page reader then
    reports the damage with its own reason)."""
    try:
        return archive.read(member)
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError, RuntimeError, EOFError, NotImplementedError,
            ValueError):
        return b""


def _read_prefix(path: Path, size: int) -> bytes:
    with open(path, "rb") as stream:
        return stream.read(size)


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
            rels = _read_member(archive, "_rels/.rels") if "word/document.xml" in names else b""
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorruptFile(f"damaged zip container: {exc}", path=name,
                          reason_zh="文件已损坏（ZIP 结构无效）") from exc
    if "word/document.xml" in names:
        if _STRICT_OOXML in rels:
            raise UnsupportedFileType("a Strict OOXML Word document (ISO/IEC 29500 Strict)", path=name,
                                      reason_zh="不支持的文件类型：Strict Open XML 格式的 Word 文档，"
                                                "请在 Word 中另存为普通 .docx 或 PDF")
        return DOCX
    raise UnsupportedFileType("a zip archive that is not a Word (.docx) document", path=name,
                              reason_zh="不支持的文件类型：ZIP 压缩包（不是 Word 文档），请解压后再提交")


def sniff(path: Path, *, name: str | Path | None = None) -> str:
    """The media type of the file at ``path``, one of ``MEDIA_TYPES``.

    ``name`` is the file named in errors (e.g. the name as received, when ``path`` is the
    archived copy); it defaults to ``path``.

    Raises EmptyFile for a 0-byte file, UnsupportedFileType for anything else we cannot read
    (naming what it appears to be), EncryptedFile for a password-protected Office document,
    CorruptFile for a damaged zip container.
    """
    path = Path(path)
    name = path if name is None else name
    with open(path, "rb") as stream:
        head = stream.read(_HEAD_SIZE)
    if not head:
        raise EmptyFile("the file is empty (0 bytes)", path=name)
    _refuse_known(path, head, name)
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
