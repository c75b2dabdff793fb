"""OCR throughput of the pages stage against the raw engine, in one run.

Prints pages/min of the ingest pipeline (intake + pages + extraction, one OCR process and the
default pool) and of the raw PP-OCR engine called in a loop on the same page images, their ratio;
pages/min on text-layer PDFs and its ratio to the OCR path; a second ingest of the same files
into a fresh database (every page from the OCR cache); and the peak RSS of `dossier ingest` run as
a user runs it (its own process tree, default pool), apart from the engine this process loads.
Then the scale-out rows of ``workers_scaling.py`` (Celery, 1 and 2 workers, a throwaway
redis-server) and the engine configurations side by side from ``ocr_engines.py`` (pages/min,
character accuracy, IDs and dates exact, peak RSS), so that one run prints every figure.

    python benchmarks/ocr_throughput.py [--apps sample-clean] [--limit N] [--celery-pages 16] [--no-engines]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dossier.config import load_settings  # noqa: E402
from dossier.extract.ocr.engine import get_engine  # noqa: E402
from dossier.extract.ocr.page import ocr_source  # noqa: E402
from dossier.intake.sniff import sniff  # noqa: E402
from dossier.store.archive import hash_file  # noqa: E402
from dossier.store.db import init_db  # noqa: E402
from dossier.workers.fanout import pending_pages, rebuild  # noqa: E402
from dossier.workers.local import ingest_and_process  # noqa: E402
from fixtures import load_truth  # noqa: E402
from tree_rss import TreeRss  # noqa: E402 - benchmarks/ is on the path when run as a script

SCAN_FORMS = {"scan_image", "scan_pdf", "tiff"}


def fixture_files(apps: list[str], forms: set[str], limit: int | None) -> list[Path]:
    files = []
    for app in apps:
        folder = ROOT / "fixtures" / app
        files += [folder / rel for rel, entry in load_truth(folder)["files"].items() if entry["form"] in forms]
    return files[:limit] if limit else files


def ingest_run(files: list[Path], home: Path, processes: int, db_name: str = "dossier.db") -> tuple[float, int]:
    settings = load_settings(home=home, ocr_processes=processes, database_url=f"sqlite:///{home / db_name}")
    db = init_db(settings)
    try:
        t0 = time.perf_counter()
        ingest_and_process(files, "bench", settings, db=db)
        elapsed = time.perf_counter() - t0
        from dossier.store import repo

        with db.session() as session:
            pages = sum(row.pages or 0 for row in repo.document_status(session, "bench"))
    finally:
        db.dispose()
    return elapsed, pages


def cli_ingest(files: list[Path], home: Path) -> tuple[float, int, int]:
    """``dossier ingest`` as a user runs it (its own process, the default OCR pool): seconds,
    pages, and the peak RSS of its process tree, which no engine of this process inflates."""
    env = {k: v for k, v in os.environ.items() if k not in ("DOSSIER_DATABASE_URL", "DOSSIER_BROKER_URL")}
    env["DOSSIER_HOME"] = str(home)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "dossier.cli", "ingest", *map(str, files), "-a", "bench"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rss = TreeRss(proc.pid).start()
    if proc.wait() != 0:
        raise SystemExit(f"dossier ingest failed with exit status {proc.returncode}")
    peak, elapsed = rss.stop(), time.perf_counter() - t0
    db = init_db(load_settings(home=home, database_url=f"sqlite:///{home / 'dossier.db'}"))
    try:
        from dossier.store import repo

        with db.session() as session:
            pages = sum(row.pages or 0 for row in repo.document_status(session, "bench"))
    finally:
        db.dispose()
    return elapsed, pages, peak


def page_sources(files: list[Path], settings) -> list:
    """The page images the pipeline would OCR in ``files``, in order."""
    sources = []
    for f in files:
        pages = pending_pages(f, sha256=hash_file(f)[0], media_type=sniff(f), settings=settings)
        sources += [rebuild(f, number, spec) for number, spec in sorted(pages.items())]
    return sources


def raw_run(files: list[Path], home: Path) -> tuple[float, int]:
    """The raw engine in a loop over exactly the page images the pipeline OCRs."""
    settings = load_settings(home=home)
    engine = get_engine(settings.ocr_engine, settings)
    sources = page_sources(files, settings)
    ocr_source(engine, sources[0], settings.ocr_max_side)  # load the models outside the timing
    t0 = time.perf_counter()
    for source in sources:
        ocr_source(engine, source, settings.ocr_max_side)
    return time.perf_counter() - t0, len(sources)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", default="sample-clean")
    parser.add_argument("--limit", type=int, default=None, help="at most N scan files")
    parser.add_argument("--celery-pages", type=int, default=16, help="pages of the Celery rows (0: none)")
    parser.add_argument("--no-engines", action="store_true", help="leave out the engine configurations")
    args = parser.parse_args()
    apps = args.apps.split(",")
    scans = fixture_files(apps, SCAN_FORMS, args.limit)
    texts = fixture_files(apps, {"text_pdf"}, None)
    work = Path(tempfile.mkdtemp(prefix="dossier-ocrbench-"))
    try:
        raw_s, raw_pages = raw_run(scans, work / "raw")
        one_s, one_pages = ingest_run(scans, work / "one", 1)
        pool_s, pool_pages, peak_rss = cli_ingest(scans, work / "pool")
        cached_s, _ = ingest_run(scans, work / "pool", 2, db_name="second.db")
        text_s, text_pages = ingest_run(texts, work / "text", 1)
        per_min = lambda pages, s: 60 * pages / s if s else float("inf")  # noqa: E731
        raw_rate, one_rate = per_min(raw_pages, raw_s), per_min(one_pages, one_s)
        print(f"scan pages: {raw_pages} from {len(scans)} files; text-layer pages: {text_pages} from {len(texts)} files")
        print(f"raw PP-OCR engine, 1 process, loop     : {raw_rate:8.1f} pages/min ({raw_s:.1f} s)")
        print(f"dossier ingest, 1 OCR process          : {one_rate:8.1f} pages/min ({one_s:.1f} s)")
        print(f"  pipeline overhead over raw OCR       : {100 * (raw_rate / one_rate - 1):+.1f}% (goal <= 3%)")
        print(f"dossier ingest CLI, default OCR pool   : {per_min(pool_pages, pool_s):8.1f} pages/min ({pool_s:.1f} s)"
              f" = {per_min(pool_pages, pool_s) / raw_rate:.2f}x raw (goal >= 1.9x)")
        print(f"dossier ingest, text-layer PDFs        : {per_min(text_pages, text_s):8.1f} pages/min ({text_s:.2f} s)"
              f" = {per_min(text_pages, text_s) / one_rate:.0f}x the OCR path (goal >= 150x)")
        print(f"second ingest, same files, fresh db    : {cached_s:.2f} s = 1/{pool_s / cached_s:.0f} of the first (goal < 1/50)")
        print(f"peak RSS of dossier ingest (tree, pool): {peak_rss / 2**20:.0f} MiB (goal < 1400 MiB)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.celery_pages:
        from workers_scaling import scaling  # noqa: PLC0415 - benchmarks/ is on the path

        one, two, overhead = scaling(args.celery_pages)
        print(f"{f'Celery, 1 worker ({args.celery_pages} pages)':39s}: {one:8.1f} pages/min")
        print(f"Celery, 2 workers                      : {two:8.1f} pages/min = {two / one:.2f}x 1 worker "
              f"(goal >= 1.85x); queue {overhead:.1f} ms/task")
    if not args.no_engines:
        print()
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "ocr_engines.py")], check=True)


if __name__ == "__main__":
    main()
