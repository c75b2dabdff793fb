"""The embedded executor keeps every pool process busy: single-page scans are OCR'd in one batch."""

from __future__ import annotations

from PIL import Image, ImageDraw

from dossier.config import load_settings
from dossier.extract.ocr import InlineOcr
from dossier.intake.ingest import ingest_paths
from dossier.store import repo
from dossier.store.archive import Archive
from dossier.store.db import init_db
from dossier.workers import fanout
from dossier.workers.local import _read_all_pages
from dossier.workers.stages import process_document

from test_pages import MarkerEngine


class BatchRecorder:
    """A two-process pool stand-in that records how many pages each call handed it."""

    processes = 2

    def __init__(self, settings):
        self.inline = InlineOcr(settings, engine=MarkerEngine())
        self.engine_name, self.engine_version = self.inline.engine_name, self.inline.engine_version
        self.batches: list[int] = []

    def run(self, sources):
        self.batches.append(len(sources))
        yield from self.inline.run(sources)


def test_single_page_scans_are_read_in_one_batch_and_never_again(tmp_path):
    folder = tmp_path / "app"
    folder.mkdir()
    for i in range(3):
        image = Image.new("RGB", (800, 1100), "white")
        ImageDraw.Draw(image).rectangle((50, 50 + 100 * i, 300, 120 + 100 * i), fill="black")
        image.save(folder / f"身份证{i}.png")
    settings = load_settings(home=tmp_path / "home")
    db = init_db(settings)
    try:
        shas = [r.sha256 for r in ingest_paths([folder], "app", settings, db=db)]
        archive = Archive.from_settings(settings)
        pool = BatchRecorder(settings)
        settled = _read_all_pages(shas, settings, db=db, archive=archive, pool=pool)
        assert settled == set(shas) and pool.batches == [3]
        for sha in shas:  # every page is settled: the final step asks the pool for nothing
            process_document(sha, db=db, archive=archive, settings=settings,
                             ocr=fanout.SettledOcr(settings, sha, fallback=pool))
        assert sum(pool.batches) == 3
        with db.session() as session:
            rows = repo.document_status(session, "app")
        assert [(r.status, r.pages, r.reason) for r in rows] == [("processed", 1, None)] * 3
    finally:
        db.dispose()


def test_a_pdf_with_a_text_layer_is_not_listed_twice(tmp_path):
    from reportlab.pdfgen import canvas

    folder = tmp_path / "app"
    folder.mkdir()
    typed = canvas.Canvas(str(folder / "合同.pdf"))
    typed.drawString(72, 720, "Contract 2026")
    typed.save()
    image = Image.new("RGB", (800, 1100), "white")
    ImageDraw.Draw(image).rectangle((50, 50, 300, 120), fill="black")
    image.save(folder / "scan.pdf")  # an image-only PDF: a scan
    settings = load_settings(home=tmp_path / "home")
    db = init_db(settings)
    try:
        results = {r.source.name: r.sha256 for r in ingest_paths([folder], "app", settings, db=db)}
        pool = BatchRecorder(settings)
        settled = _read_all_pages(list(results.values()), settings, db=db,
                                  archive=Archive.from_settings(settings), pool=pool)
        assert settled == {results["scan.pdf"]} and pool.batches == [1]
    finally:
        db.dispose()
