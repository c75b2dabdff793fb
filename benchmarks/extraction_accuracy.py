"""Extraction accuracy against the fixture truth, per document type and per form.

Prints, per doc type and per form (text_pdf, scan_image, scan_pdf, tiff, docx, multi_pdf, and the
second family's html_pdf, lo_pdf, sandwich_pdf, photo, fax): doc-type accuracy, field exact-match
rate, ID/USCC exact match, records match, the share of wrong values that carried a low-confidence
flag (or a repair suggestion), and the wrong values given with confidence >= 0.9 and no
suggestion (``conf!``: the goal is 0), and the share of right values given below the threshold
(``ok<thr``: what doubt costs the reviewer). A 社保 row found by its ID number with its name read
wrong (or by its name with its ID wrong) counts as one wrong value, confident unless the row's own
``confidence`` for it is below the threshold. Also the time of classification + extraction as a share of
the pages stage (OCR) time.

    python benchmarks/extraction_accuracy.py [--apps sample-clean,...] [--forms text_pdf,docx]
        [--home DIR] [--show-misses] [--show-doubted]
    python benchmarks/extraction_accuracy.py --set tune|measure [--set-dir DIR]   # fixtures/variants

``--apps`` takes fixture names (fixtures/NAME) or application folders; ``--set`` builds the second
fixture family's tuning or measure set (``python -m fixtures.variants``) into ``--set-dir``
(default: a folder under the system's temporary directory, kept) unless it is there, and reads
every application in it.

``--home`` (or ``$DOSSIER_BENCH_HOME``) keeps the OCR cache between runs, so a re-run after a
change to classification or extraction costs seconds instead of minutes of OCR; without it a
fresh temporary folder is used and every scan is OCR'd again.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dossier.config import load_settings  # noqa: E402
from dossier.extract.document import extract_documents  # noqa: E402
from dossier.extract.ocr.pool import OcrPool  # noqa: E402
from dossier.extract.pages import read_file  # noqa: E402
from dossier.intake.sniff import sniff  # noqa: E402
from dossier.store.archive import hash_file  # noqa: E402
from dossier.workers.stages import qr_reader  # noqa: E402
from fixtures import load_truth  # noqa: E402
from fixtures.compare import canonical  # noqa: E402
from fixtures.variants import set_folders  # noqa: E402

IDENTIFIER_FIELDS = {"id_number", "uscc"}


class Tally:
    def __init__(self):
        self.docs = self.docs_ok = 0
        self.fields = self.fields_ok = 0
        self.ids = self.ids_ok = 0
        self.records = self.records_ok = 0
        self.wrong = self.wrong_flagged = 0
        self.confident_wrong = 0  # wrong, non-null, confidence >= threshold, no suggestion
        self.doubted_right = 0  # right, yet below the threshold: a person checks it for nothing
        self.silent_wrong_ids: list[str] = []

    def row(self, name: str) -> str:
        def pct(a, b):
            return f"{100 * a / b:6.1f}%" if b else "     —"
        return (f"{name:28s} {self.docs:4d} {pct(self.docs_ok, self.docs)} {self.fields:5d} {pct(self.fields_ok, self.fields)}"
                f" {self.ids:4d} {pct(self.ids_ok, self.ids)} {self.records:4d} {pct(self.records_ok, self.records)}"
                f" {self.wrong:4d} {pct(self.wrong_flagged, self.wrong)} {self.confident_wrong:5d}"
                f" {pct(self.doubted_right, self.fields_ok)}")


def compare(truth_doc: dict, got, tallies: list[Tally], threshold: float, where: str,
            doubted: list[str]) -> list[str]:
    """The misses of one document (also counted into ``tallies``); right values given below
    ``threshold`` go to ``doubted``."""
    misses = []
    for t in tallies:
        t.docs += 1
        t.docs_ok += got is not None and got.doc_type == truth_doc["doc_type"]
    if got is None or got.doc_type != truth_doc["doc_type"]:
        misses.append(f"{where}: doc_type {got.doc_type if got else None} != {truth_doc['doc_type']}")
    for name, printed in truth_doc.get("fields", {}).items():
        expected = canonical(truth_doc["doc_type"], name, printed)
        field = got.fields.get(name) if got is not None else None
        value = field.value if field else None
        ok = value == expected
        flagged = field is not None and (field.confidence < threshold or field.suggestion is not None)
        for t in tallies:
            t.fields += 1
            t.fields_ok += ok
            if name in IDENTIFIER_FIELDS:
                t.ids += 1
                t.ids_ok += ok
            t.doubted_right += ok and flagged
            if not ok:
                t.wrong += 1
                t.wrong_flagged += flagged
                t.confident_wrong += value is not None and not flagged
                if name in IDENTIFIER_FIELDS and not flagged and value is not None:
                    t.silent_wrong_ids.append(f"{where}:{name}")
        if ok and flagged:
            doubted.append(f"{where}: {name} = {value!r} at {field.confidence:.2f}: {'; '.join(field.notes)}")
        if not ok:
            misses.append(f"{where}: {name} = {value!r} (want {expected!r})"
                          f"{' [flagged]' if flagged else ''}")
    expected_records = truth_doc.get("records") or []
    if expected_records:
        rows = got.records if got else []
        got_records = {(r.get("id_number"), r.get("name")): r for r in rows}
        for rec in expected_records:
            mine = got_records.get((rec["id_number"], rec["name"]))
            ok = mine is not None and mine["months"] == rec["months"]
            for t in tallies:
                t.records += 1
                t.records_ok += ok
            if not ok:
                sure = (mine.get("confidence") or {}).get("months", 1.0) if mine is not None else 1.0
                misses.append(f"{where}: record {rec['name']} {'missing' if mine is None else 'months differ'}"
                              + (f" at {sure:.2f} [flagged]" if sure < threshold else "")
                              + _row_misreading(rec, rows, tallies, threshold))
    return misses


def _row_misreading(rec: dict, rows: list[dict], tallies: list[Tally], threshold: float) -> str:
    """The row printed for ``rec`` found by its ID number (or else its name) but read with the
    other wrong: counted as a wrong value, confident (conf!) when the row gives it at or above
    ``threshold``; the note for the miss, or "" when no such row is found."""
    for key, other in (("id_number", "name"), ("name", "id_number")):
        row = next((r for r in rows if r.get(key) == rec[key] and r.get(other) != rec[other]), None)
        if row is None:
            continue
        sure = (row.get("confidence") or {}).get(other, 1.0)
        for t in tallies:
            t.wrong += 1
            t.wrong_flagged += sure < threshold
            t.confident_wrong += sure >= threshold
        return f": {other} = {row.get(other)!r} at {sure:.2f}{' [flagged]' if sure < threshold else ''}"
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", default="sample-upgrade,sample-renewal,sample-clean",
                        help="fixture names (fixtures/NAME) or application folders, comma list")
    parser.add_argument("--set", choices=("tune", "measure"), help="the second fixture family's set instead")
    parser.add_argument("--set-dir", help="where that set is (built there when missing)")
    parser.add_argument("--forms", default="", help="only these forms (comma list)")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--show-doubted", action="store_true", help="list right values given below the threshold")
    parser.add_argument("--home", default=os.environ.get("DOSSIER_BENCH_HOME"),
                        help="data folder kept between runs (its OCR cache); default: a new temporary one")
    args = parser.parse_args()
    forms = set(filter(None, args.forms.split(",")))
    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="dossier-bench-"))
    home.mkdir(parents=True, exist_ok=True)
    settings = load_settings(home=home)
    by_type: dict[str, Tally] = defaultdict(Tally)
    by_form: dict[str, Tally] = defaultdict(Tally)
    total = Tally()
    misses: list[str] = []
    doubted: list[str] = []
    pages_time = extract_time = 0.0
    pages = 0
    folders = set_folders(args.set, args.set_dir) if args.set else [
        Path(app) if "/" in app else ROOT / "fixtures" / app for app in args.apps.split(",")]
    with OcrPool(settings) as pool:
        for folder in folders:
            app = folder.name
            truth = load_truth(folder)
            for rel, entry in truth["files"].items():
                if forms and entry["form"] not in forms:
                    continue
                path = folder / rel
                sha, _ = hash_file(path)
                media = sniff(path)
                t0 = time.perf_counter()
                text = read_file(path, sha256=sha, media_type=media, settings=settings, ocr=pool)
                t1 = time.perf_counter()
                docs = extract_documents(text, rel, qr_reader=qr_reader(path, media, settings, rel))
                t2 = time.perf_counter()
                pages_time += t1 - t0
                extract_time += t2 - t1
                pages += len(text.pages)
                by_first_page = {d.first_page: d for d in docs}
                for truth_doc in entry["documents"]:
                    got = by_first_page.get(truth_doc["pages"][0])
                    misses += compare(truth_doc, got, [by_type[truth_doc["doc_type"]], by_form[entry["form"]], total],
                                      settings.low_confidence, f"{app}/{rel}", doubted)
    header = (f"{'':28s} {'docs':>4s} {'type%':>7s} {'flds':>5s} {'exact%':>7s} {'ids':>4s} {'id%':>7s} {'recs':>4s}"
              f" {'rec%':>7s} {'wrng':>4s} {'flag%':>7s} {'conf!':>5s} {'ok<thr':>7s}")
    print("per document type\n" + header)
    for name in sorted(by_type):
        print(by_type[name].row(name))
    print("\nper form\n" + header)
    for name in sorted(by_form):
        print(by_form[name].row(name))
    print("\n" + total.row("TOTAL"))
    print(f"\nwrong values given with confidence >= {settings.low_confidence} (conf!): {total.confident_wrong}")
    print(f"IDs/USCCs wrong without a low-confidence flag: {len(total.silent_wrong_ids)} {total.silent_wrong_ids}")
    print(f"pages: {pages}; pages stage {pages_time:.1f} s; classify+extract {extract_time:.2f} s "
          f"= {100 * extract_time / max(pages_time, 1e-9):.1f}% of the pages stage")
    if args.show_misses:
        print("\n".join(misses))
    if args.show_doubted:
        print("\nright values below the threshold:\n" + "\n".join(doubted))


if __name__ == "__main__":
    main()
