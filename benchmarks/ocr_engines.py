"""OCR engine configurations side by side: speed, accuracy and memory, in one run.

Each configuration (inference runtime x threads, and the detector's image side) runs in a fresh
process through dossier's own engine class, on the same pages:

* dense synthetic A4 scans with known text (``ocr_raw``'s pages: 40 lines, ID numbers, dates),
  which give the character accuracy and how many ID numbers and dates came back exactly;
* the scan pages of a sample application in ``fixtures/`` (real layouts), which give the share
  of text lines read exactly as the first configuration (the default) reads them.

The paddleocr row runs in ``.venv-paddle`` (``make paddle``) and is left out without it.

Printed per configuration: pages/min over both sets (steady state: models load and one page is
read before the clock starts), character accuracy, IDs and dates exact, lines as the default
reads them, and the process's peak RSS (models, page images and the engine's working memory).

    .venv/bin/python benchmarks/ocr_engines.py [--synthetic 8] [--fixture-pages 8] [--app sample-clean]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# the optional paddleocr engine lives in an environment of its own (make paddle)
PADDLE_PYTHON = ROOT / ".venv-paddle" / "bin" / "python"
# (label, settings overrides, interpreter: None for this one); the first is the default every
# other is compared with
CONFIGS: list[tuple[str, dict, Path | None]] = [
    ("onnxruntime, 1 thread (default)", {}, None),
    ("onnxruntime, 2 threads", {"ocr_threads": 2}, None),
    ("openvino, 1 thread", {"ocr_backend": "openvino"}, None),
    ("openvino, 2 threads", {"ocr_backend": "openvino", "ocr_threads": 2}, None),
    ("onnxruntime, detector side 1600", {"ocr_max_side": 1600}, None),
    ("onnxruntime, recognition 6 lines at once", {"ocr_rec_batch": 6}, None),
    ("onnxruntime, detection in 832-row bands", {"ocr_detect_rows": 832}, None),
    ("paddleocr (PP-OCRv4 mobile), 1 thread", {"ocr_engine": "paddleocr"}, PADDLE_PYTHON),
]
DATE = re.compile(r"20\d\d年\d{1,2}月\d{1,2}日")
ID = re.compile(r"\d{17}[\dX]")


def synthetic_pages(count: int, folder: Path) -> list[tuple[Path, list[str]]]:
    """``count`` synthetic 200-dpi scans as PNG files in ``folder``, with the lines printed on
    each (the same every time: the generator is seeded)."""
    from ocr_raw import page_lines, scan  # noqa: PLC0415 - benchmarks/ is on the path as a script

    rng = random.Random(1)
    pages = []
    for n in range(count):
        lines = page_lines(rng, n)
        path = folder / f"synthetic-{n:02d}.png"
        scan(lines, n).save(path, dpi=(200, 200))
        pages.append((path, lines))
    return pages


def fixture_sources(app: str, count: int, settings) -> list:
    """The first ``count`` page images the pipeline would OCR in ``fixtures/<app>``."""
    from ocr_throughput import SCAN_FORMS, fixture_files, page_sources  # noqa: PLC0415

    return page_sources(fixture_files([app], SCAN_FORMS, None), settings)[:count]


def child(overrides: dict, synthetic: Path, fixture_pages: int, app: str) -> dict:
    """One configuration, in this (fresh) process, on the synthetic pages in the folder
    ``synthetic``: timings, texts and peak RSS as a dict."""
    from dossier.config import load_settings
    from dossier.extract.ocr.engine import get_engine
    from dossier.extract.ocr.runner import run_one
    from dossier.extract.pages.images import ImageFrame

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(home=Path(tmp) / "home", **overrides)
        synthetic_sources = [ImageFrame(str(path), 1, settings.max_image_pixels)
                             for path in sorted(synthetic.glob("*.png"))]
        real_sources = fixture_sources(app, fixture_pages, settings)
        engine = get_engine(settings.ocr_engine, settings)
        run_one(engine, synthetic_sources[0], settings.ocr_max_side)  # models load, first run
        texts: dict[str, list[list[str]]] = {"synthetic": [], "fixtures": []}
        started = time.perf_counter()
        for name, sources in (("synthetic", synthetic_sources), ("fixtures", real_sources)):
            for source in sources:
                # as the pipeline's workers run a page (the heap handed back after it, too)
                page = run_one(engine, source, settings.ocr_max_side)
                if isinstance(page, Exception):
                    raise page
                texts[name].append([line.text for line in page.lines])
        seconds = time.perf_counter() - started
    status = Path("/proc/self/status").read_text()
    peak = int(status.split("VmHWM:")[1].split()[0]) * 1024
    return {"seconds": seconds, "pages": len(synthetic_sources) + len(real_sources), "peak": peak, "texts": texts}


def score(result: dict, default: dict, truth: list[list[str]]) -> dict:
    """Accuracy of one configuration's texts against the truth and the default's reading."""
    from dossier.validate.people import edit_distance

    chars = errors = 0
    exact = {ID: [0, 0], DATE: [0, 0]}  # pattern: [read exactly, printed]
    for lines, printed_lines in zip(result["texts"]["synthetic"], truth):
        read, printed = "".join("".join(lines).split()), "".join("".join(printed_lines).split())
        chars += len(printed)
        errors += edit_distance(printed, read)
        for pattern, tally in exact.items():
            wanted = pattern.findall(printed)
            tally[0] += sum(w in read for w in wanted)
            tally[1] += len(wanted)
    same = total = 0
    for lines, reference in zip(result["texts"]["fixtures"], default["texts"]["fixtures"]):
        total += len(reference)
        same += sum((Counter(lines) & Counter(reference)).values())
    return {"accuracy": 1 - errors / max(chars, 1), "ids": tuple(exact[ID]), "dates": tuple(exact[DATE]),
            "same": (same, total)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=8, help="synthetic pages with known text")
    parser.add_argument("--fixture-pages", type=int, default=8, help="scan pages of the sample application")
    parser.add_argument("--app", default="sample-clean")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--pages-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child(json.loads(args.child), args.pages_dir, args.fixture_pages, args.app),
                         ensure_ascii=False))
        return
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        truth = [lines for _, lines in synthetic_pages(args.synthetic, Path(tmp))]
        for label, overrides, python in CONFIGS:
            if python is not None and not python.is_file():
                print(f"{label:42s} not run: no {python.relative_to(ROOT)} (make paddle)")
                continue
            command = [str(python or sys.executable), __file__, "--child", json.dumps(overrides), "--pages-dir", tmp,
                       "--fixture-pages", str(args.fixture_pages), "--app", args.app]
            run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
            if run.returncode != 0:
                last = (run.stderr.strip().splitlines() or ["no output"])[-1]
                print(f"{label:42s} not run: {last}")
                continue
            results.append((label, json.loads(run.stdout.strip().splitlines()[-1])))
    if not results:
        raise SystemExit("no configuration ran")
    default = results[0][1]
    base_rate = 60 * default["pages"] / default["seconds"]
    print(f"{'configuration':42s} {'pages/min':>9s} {'x default':>9s} {'chars':>8s} {'IDs':>7s} {'dates':>7s} "
          f"{'lines as default':>16s} {'peak RSS':>9s}")
    for label, result in results:
        s = score(result, default, truth)
        rate = 60 * result["pages"] / result["seconds"]
        print(f"{label:42s} {rate:9.1f} {rate / base_rate:9.2f} {100 * s['accuracy']:7.2f}% "
              f"{s['ids'][0]:>3d}/{s['ids'][1]:<3d} {s['dates'][0]:>3d}/{s['dates'][1]:<3d} "
              f"{s['same'][0]:>7d}/{s['same'][1]:<8d} {result['peak'] / 2**20:6.0f} MiB")


if __name__ == "__main__":
    main()
