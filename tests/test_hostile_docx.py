"""Word files that are not what they seem: damaged, password-protected, Strict OOXML.

Each gets a reason a person can act on, at intake (sniffing) or in the pages stage.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import docx
import pytest

from dossier.config import load_settings
from dossier.errors import CorruptFile, EncryptedFile, UnsupportedFileType
from dossier.extract.ocr import InlineOcr
from dossier.extract.pages import read_file
from dossier.intake.sniff import sniff


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("营业执照")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _read(path: Path, tmp_path: Path):
    settings = load_settings(home=tmp_path / "home")
    return read_file(path, sha256=hashlib.sha256(path.read_bytes()).hexdigest(), media_type=sniff(path),
                     settings=settings, ocr=InlineOcr(settings))


def test_damaged_part_inside_a_docx_names_word(tmp_path):
    data = bytearray(_docx_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 5] ^= 0xFF  # corrupt the compressed document part: bad CRC or bad deflate
    path = tmp_path / "合同.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptFile) as caught:
        _read(path, tmp_path)
    assert caught.value.reason_zh.startswith("Word 文档已损坏")


def test_password_protected_office_file_is_encrypted_not_legacy(tmp_path):
    path = tmp_path / "加密.docx"  # what Word writes for a protected .docx: an OLE2 container
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "EncryptedPackage".encode("utf-16-le")
                     + b"\0" * 100)
    with pytest.raises(EncryptedFile) as caught:
        sniff(path)
    assert caught.value.reason_zh.startswith("加密文件，需要密码")


def test_legacy_doc_is_still_named_as_such(tmp_path):
    path = tmp_path / "旧版.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "WordDocument".encode("utf-16-le"))
    with pytest.raises(UnsupportedFileType) as caught:
        sniff(path)
    assert "旧版 Office" in caught.value.reason_zh


def test_strict_ooxml_is_refused_with_the_fix(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", '<Relationships><Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/'
                                  'officeDocument/relationships/officeDocument" Target="word/document.xml"/>'
                                  "</Relationships>")
        z.writestr("word/document.xml", "<w:document/>")
    path = tmp_path / "strict.docx"
    path.write_bytes(out.getvalue())
    with pytest.raises(UnsupportedFileType) as caught:
        sniff(path)
    assert "Strict Open XML" in caught.value.reason_zh


def test_heic_photo_is_named(tmp_path):
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\0" * 64)
    with pytest.raises(UnsupportedFileType) as caught:
        sniff(path)
    assert "HEIC" in caught.value.reason_zh


def test_zip_directory_pointing_before_the_file_start_is_corrupt_not_a_crash(tmp_path):
    # Found by benchmarks/fuzz.py: the end-of-directory record claims the central directory
    # starts later than it does, so zipfile seeks to a negative offset; on a real file that is
    # OSError(EINVAL), which escaped as a crash.
    import struct

    data = bytearray(_docx_bytes())
    end = data.rfind(b"PK\x05\x06")
    (offset,) = struct.unpack("<I", data[end + 16:end + 20])
    data[end + 16:end + 20] = struct.pack("<I", offset + 3000)
    path = tmp_path / "偏移.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptFile) as caught:
        _read(path, tmp_path)
    assert caught.value.reason_zh.startswith("Word 文档已损坏")
