"""Long fuzzing runs (hypothesis with many examples): what the suite checks briefly, for hours.

Targets (``--target``, default all):

* ``normalisers``, ``identifiers``, ``checklist``, ``sniff``, ``names``: the properties of
  ``tests/test_hostile_fuzz.py`` (reused from there unchanged) with ``--examples`` examples each;
* ``pdf``: mutated PDFs (seeds: generated typed, scanned, encrypted and repaired PDFs, plus the
  small PDFs of ``fixtures/bad`` and the shared corpus) through the whole pages stage with a
  no-op OCR engine; each example must give pages or an ``InputFileError``, within ``--timeout``
  seconds and under ``--memory`` MiB of address space;
* ``image``, ``docx``: mutated JPEG/PNG/TIFF/GIF and Word files the same way.

Failures are shrunk by hypothesis, printed, and the offending input saved under ``--out``.

    python benchmarks/fuzz.py [--target pdf] [--examples 5000] [--timeout 30] [--out /tmp/dossier-fuzz]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import resource
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import test_hostile_fuzz as props  # noqa: E402
from dossier.config import load_settings  # noqa: E402
from dossier.errors import InputFileError  # noqa: E402
from dossier.extract.ocr import InlineOcr  # noqa: E402
from dossier.extract.pages import read_file  # noqa: E402
from dossier.intake.sniff import sniff  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
MAX_SEED_BYTES = 64 * 1024
TOKENS = [b"obj", b"endobj", b"stream", b"endstream", b"<<", b">>", b"[", b"]", b"/Length 99999999",
          b"/Filter /FlateDecode", b"xref", b"trailer", b"startxref", b"%%EOF", b"0 0 R", b"/Type /Pages",
          b"/Kids [1 0 R]", b"/Encrypt 9 0 R", b"\xff\xd9", b"\xff\xda", b"IEND", b"IDAT", b"\x00" * 16,
          b"\xff" * 16, b"9" * 20, b"-1", b"(" * 64, b"[" * 512]


class Hang(Exception):
    pass


class NullEngine:
    name = "fuzz-null"
    version = "1"

    @classmethod
    def version_for(cls, settings) -> str:
        return cls.version

    def __init__(self, settings=None) -> None:
        pass

    def recognize(self, image: np.ndarray):
        return []


# --- seeds ---------------------------------------------------------------------------------------

def _generated_pdfs() -> list[bytes]:
    import test_hostile_pdf as pdfs
    typed, scanned = pdfs.typed_pdf(), pdfs.scanned_pdf()
    return [typed, scanned, pdfs.xref_loop(typed), pdfs.encrypted(typed, user=""), pdfs.signed(typed)]


def _generated_images() -> list[bytes]:
    from PIL import Image, ImageDraw
    image = Image.new("RGB", (64, 48), "white")
    ImageDraw.Draw(image).rectangle((4, 4, 30, 20), fill="black")
    seeds = []
    for fmt, options in (("JPEG", {"quality": 80}), ("PNG", {}), ("TIFF", {"compression": "tiff_lzw"}),
                         ("GIF", {}), ("JPEG", {"progressive": True})):
        out = io.BytesIO()
        image.save(out, fmt, **options)
        seeds.append(out.getvalue())
    return seeds


def _generated_docx() -> list[bytes]:
    import docx
    from PIL import Image
    document = docx.Document()
    document.add_paragraph("营业执照 统一社会信用代码 91350100M000100Y43")
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text = "姓名"
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(picture, "PNG")
    picture.seek(0)
    document.add_picture(picture)
    out = io.BytesIO()
    document.save(out)
    return [out.getvalue()]


def _files(kind: str) -> list[bytes]:
    suffixes = {"pdf": (".pdf",), "image": (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".gif"),
                "docx": (".docx",)}[kind]
    found = []
    for folder in (ROOT / "fixtures" / "bad", CORPUS):
        if folder.is_dir():
            found += [p.read_bytes() for p in sorted(folder.rglob("*"))
                      if p.suffix.lower() in suffixes and 0 < p.stat().st_size <= MAX_SEED_BYTES]
    return found


@st.composite
def mutated(draw, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "cut", "insert", "duplicate", "delete", "token"]))
        if op == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "cut":
            del data[at:]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        elif op == "duplicate":
            end = min(len(data), at + draw(st.integers(1, 4096)))
            data[at:at] = data[at:end] * draw(st.integers(1, 8))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 512))]
        else:
            data[at:at] = draw(st.sampled_from(TOKENS))
    return bytes(data)


# --- the property for whole files ----------------------------------------------------------------

def check_file(data: bytes, suffix: str, timeout: float, out: Path) -> None:
    """sniff + pages stage: FileText or InputFileError, within ``timeout`` seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        settings = load_settings(home=Path(tmp) / "home")
        signal.alarm(max(1, int(timeout)))
        try:
            read_file(path, sha256=hashlib.sha256(data).hexdigest(), media_type=sniff(path),
                      settings=settings, ocr=InlineOcr(settings, NullEngine()))
        except InputFileError:
            pass
        except BaseException:
            _save(out, data, suffix, traceback.format_exc())
            raise
        finally:
            signal.alarm(0)


def _save(out: Path, data: bytes, suffix: str, why: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(data).hexdigest()[:16]
    (out / f"{name}{suffix}").write_bytes(data)
    (out / f"{name}.txt").write_text(why, encoding="utf-8")


def _on_alarm(signum, frame):
    raise Hang("no result within the time limit")


# --- running ---------------------------------------------------------------------------------------

def _run(name: str, test, examples: int) -> dict:
    configured = settings(max_examples=examples, deadline=None, database=None, derandomize=False,
                          suppress_health_check=list(HealthCheck))(test)
    started = time.monotonic()
    try:
        configured()
        outcome = "ok"
    except Exception as exc:  # hypothesis re-raises the shrunk failure
        outcome = f"FAILED: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        traceback.print_exc()
    return {"target": name, "examples": examples, "seconds": round(time.monotonic() - started, 1),
            "outcome": outcome}


def targets(args) -> dict:
    out = Path(args.out)

    @given(name=st.sampled_from(sorted(props.NORMALISERS)), raw=props.ocr_text)
    def normalisers(name, raw):
        props.check_normaliser(name, raw)

    @given(text=st.one_of(props.ocr_text, st.text(max_size=30)))
    def identifiers(text):
        props.check_identifiers(text)

    @given(text=st.one_of(st.text(max_size=400), props.yaml_values.map(props.yaml.safe_dump),
                          props.mutated_checklists()))
    def checklist(text):
        props.check_checklist(text)

    tmp = Path(tempfile.mkdtemp(prefix="fuzz-sniff-"))

    @given(head=st.sampled_from(props._HEADS), tail=st.binary(max_size=2000))
    def sniffing(head, tail):
        props.check_sniff(tmp / "f.bin", head + tail)

    @given(raw=st.binary(min_size=1, max_size=255))
    def names(raw):
        props.check_name(raw)

    pdf_seeds = _generated_pdfs() + _files("pdf")
    image_seeds = _generated_images() + _files("image")

    @given(data=mutated(pdf_seeds))
    def pdf(data):
        check_file(data, ".pdf", args.timeout, out)

    @given(data=mutated(image_seeds))
    def image(data):
        check_file(data, ".img", args.timeout, out)

    docx_seeds = _generated_docx() + _files("docx")

    @given(data=mutated(docx_seeds))
    def word(data):
        check_file(data, ".docx", args.timeout, out)

    return {"normalisers": normalisers, "identifiers": identifiers, "checklist": checklist,
            "sniff": sniffing, "names": names, "pdf": pdf, "image": image, "docx": word}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", action="append", help="run only these (repeatable); default all")
    parser.add_argument("--examples", type=int, default=2000, help="examples per target")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per file (pdf, image)")
    parser.add_argument("--memory", type=int, default=3072, help="MiB of address space for this process")
    parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "dossier-fuzz"),
                        help="where failing inputs are saved")
    args = parser.parse_args()
    limit = args.memory * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))  # a memory bomb is a MemoryError here
    signal.signal(signal.SIGALRM, _on_alarm)
    available = targets(args)
    chosen = args.target or list(available)
    results = [_run(name, available[name], args.examples) for name in chosen]
    print(json.dumps(results, ensure_ascii=False, indent=1))
    sys.exit(0 if all(r["outcome"] == "ok" for r in results) else 1)


if __name__ == "__main__":
    main()
