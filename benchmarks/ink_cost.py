"""What the second reading under coloured ink costs, against the first reading, in one run.

For page 1 of every scan (images, and PDFs without a text layer) of the given application folders:
the first reading (orientation included) is timed, then the ink stage (the decision where ink
crosses print, and the second reading where it does). Prints the pages read, on how many the
second reading ran and on how many it changed the lines read, and its time as a share of the first reading's.

    python benchmarks/ink_cost.py --apps DIR[,DIR...] [--limit N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402

from dossier.config import load_settings  # noqa: E402
from dossier.errors import InputFileError  # noqa: E402
from dossier.extract.ocr import ink  # noqa: E402
from dossier.extract.ocr.engine import get_engine  # noqa: E402
from dossier.extract.measure import text_height  # noqa: E402
from dossier.extract.ocr.orientation import recognize_upright, rotate  # noqa: E402
from dossier.extract.ocr.page import downscale  # noqa: E402
from dossier.extract.pages import page_source  # noqa: E402
from dossier.intake import sniff  # noqa: E402


def scans(folders: list[Path]) -> list[tuple[Path, str]]:
    """Every image, and every PDF whose first page has no text layer, with its media type."""
    out = []
    for path in sorted(p for folder in folders for p in folder.rglob("*") if p.is_file()):
        try:
            media = sniff.sniff(path)
        except InputFileError:
            continue  # application.yaml and the like
        if media == sniff.PDF:
            with pdfplumber.open(path) as pdf:
                if pdf.pages and pdf.pages[0].chars:
                    continue
        elif not media.startswith("image/"):
            continue
        out.append((path, media))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--apps", required=True, help="application folders, comma-separated")
    parser.add_argument("--limit", type=int, default=0, help="at most this many pages")
    args = parser.parse_args()
    settings = load_settings()
    engine = get_engine(settings.ocr_engine, settings)
    files = scans([Path(p) for p in args.apps.split(",")])
    if args.limit:
        files = files[:args.limit]
    first = second = 0.0
    read = ran = changed = 0
    for path, media in files:
        image, _ = page_source(path, media, 1, settings).load()
        small, _ = downscale(image, settings.ocr_max_side)
        start = time.perf_counter()
        rotation, lines = recognize_upright(engine, small)
        upright = rotate(small, rotation)
        first += time.perf_counter() - start
        start = time.perf_counter()
        merged = ink.read_under_ink(engine, upright, lines)
        second += time.perf_counter() - start
        changed += merged != lines
        read += 1
        height = text_height(lines, at_least=1)  # (untimed) whether it read again
        ran += height is not None and ink.ink_region(upright, lines, height) is not None
    print(f"pages read: {read}; second reading under ink on {ran} ({100 * ran / max(read, 1):.0f}%), "
          f"which changed the lines of {changed}")
    print(f"first reading {first:.1f} s; ink stage {second:.1f} s = +{100 * second / max(first, 1e-9):.1f}% "
          f"(ratio {second / max(first, 1e-9):.3f})")


if __name__ == "__main__":
    main()
