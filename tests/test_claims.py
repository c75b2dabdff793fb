"""Claims: of two processes handed one document, one reads it; the other waits, and a reader that
died is taken over (``dossier.workers.claims``, ``dossier.store.repo.claim_document``).

The claim itself runs on SQLite and PostgreSQL (DOSSIER_TEST_DATABASE_URL); the waiting and the
recovery from a killed reader run with the embedded default (SQLite, the ``dossier`` command).
Nothing is shortened: a stale claim is made by dating it back, and the kill -9 test measures
what a user waits for under the default heartbeat.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from conftest import ROOT
from dossier.config import Settings
from dossier.errors import StoreError, UnsupportedFileType
from dossier.extract.ocr import InlineOcr
from dossier.intake.ingest import ingest_paths
from dossier.store import repo, schema
from dossier.store.archive import Archive
from dossier.store.db import Database, init_db
from dossier.workers import stages
from dossier.workers.claims import HEARTBEAT_SECONDS, POLL_SECONDS, STALE_AFTER_SECONDS, Claims
from dossier.workers.local import ingest_and_process, reprocess

from test_hostile_concurrency import typed_pdf

SHA = "c" * 64
RACERS = 6


def _record(db: Database, sha: str = SHA) -> int:
    with db.session() as s:
        app = repo.get_or_create_application(s, "华建")
        doc, _ = repo.record_document(s, sha256=sha, size=1, media_type="application/pdf", name="x.pdf")
        repo.link_document(s, app, doc, path=f"{sha[:4]}.pdf")
        return doc.id


def _row(db: Database, doc_id: int) -> schema.Document:
    with db.session() as s:
        return s.get(schema.Document, doc_id)


def _claim(db: Database, doc_id: int, by: str) -> bool:
    with db.session() as s:
        return repo.claim_document(s, doc_id, by=by, stale_after=STALE_AFTER_SECONDS)


def _age(db: Database, doc_id: int, seconds: float) -> None:
    """Date a claim's last heartbeat back by ``seconds`` (its holder fell silent then)."""
    with db.session() as s:
        claimed_at = s.get(schema.Document, doc_id).claimed_at
        s.execute(update(schema.Document).where(schema.Document.id == doc_id)
                  .values(claimed_at=claimed_at - timedelta(seconds=seconds)))


# --- the claim in the database ------------------------------------------------------------------


def test_one_claim_holds_a_document_until_its_holder_settles_it(db):
    doc_id = _record(db)
    assert _claim(db, doc_id, "a")
    assert not _claim(db, doc_id, "b")
    row = _row(db, doc_id)
    assert (row.status, row.claimed_by) == ("processing", "a") and row.claimed_at is not None
    with db.session() as s:
        assert repo.refresh_claims(s, [doc_id], by="b") == 0
        assert repo.refresh_claims(s, [doc_id], by="a") == 1
        assert not repo.settle_claim(s, doc_id, by="b", status="processed")
    with db.session() as s:
        assert repo.settle_claim(s, doc_id, by="a", status="processed")
    row = _row(db, doc_id)
    assert (row.status, row.claimed_by, row.claimed_at) == ("processed", None, None)
    assert not _claim(db, doc_id, "b")  # finished: nobody takes it again


def test_a_claim_settles_failed_with_its_reason_and_releases_back_or_to_the_queue(db):
    doc_id = _record(db)
    assert _claim(db, doc_id, "a")
    with db.session() as s:
        assert repo.release_claim(s, doc_id, by="a")
    assert (_row(db, doc_id).status, _row(db, doc_id).claimed_by) == ("received", None)
    assert _claim(db, doc_id, "b")
    with db.session() as s:
        assert repo.release_claim(s, doc_id, by="b", to_queue=True)  # pages wait in the task queue
    assert (_row(db, doc_id).status, _row(db, doc_id).claimed_by) == ("processing", None)
    assert _claim(db, doc_id, "c")  # the task that finishes it claims it at once
    failure = UnsupportedFileType("ELF", path="x.pdf", reason_zh="不支持的文件类型")
    with db.session() as s:
        with pytest.raises(StoreError):
            repo.settle_claim(s, doc_id, by="c", status="failed")  # failed needs its error
        assert repo.settle_claim(s, doc_id, by="c", status="failed", failure=failure)
    row = _row(db, doc_id)
    assert (row.status, row.failure_code, row.failure_reason) == ("failed", "UnsupportedFileType", "不支持的文件类型")


def test_processing_is_reached_only_by_a_claim(db):
    doc_id = _record(db)
    with db.session() as s, pytest.raises(StoreError):
        repo.set_status(s, doc_id, "processing")
    assert _claim(db, doc_id, "a")
    with db.session() as s:
        repo.set_status(s, doc_id, "received")  # an explicit move drops the claim
    assert _row(db, doc_id).claimed_by is None


def test_a_stale_claim_is_taken_over_and_its_old_holder_cannot_settle(db):
    doc_id = _record(db)
    assert _claim(db, doc_id, "dead")
    _age(db, doc_id, STALE_AFTER_SECONDS - 10)
    assert not _claim(db, doc_id, "b")  # silent for less than the bound: still held
    _age(db, doc_id, 15)
    assert _claim(db, doc_id, "b")
    assert _row(db, doc_id).claimed_by == "b"
    with db.session() as s:
        assert not repo.settle_claim(s, doc_id, by="dead", status="processed")
        assert repo.refresh_claims(s, [doc_id], by="dead") == 0
    with db.session() as s:
        assert repo.settle_claim(s, doc_id, by="b", status="processed")


def test_reopening_leaves_a_live_claim_alone(db):
    live, stale, done = _record(db, "1" * 64), _record(db, "2" * 64), _record(db, "3" * 64)
    assert _claim(db, live, "a") and _claim(db, stale, "dead") and _claim(db, done, "a")
    _age(db, stale, STALE_AFTER_SECONDS + 5)
    with db.session() as s:
        assert repo.settle_claim(s, done, by="a", status="processed")
    with db.session() as s:
        assert [repo.reopen_document(s, i, stale_after=STALE_AFTER_SECONDS) for i in (live, stale, done)] == [
            False, True, True]
    assert [_row(db, i).status for i in (live, stale, done)] == ["processing", "received", "received"]


def test_threads_racing_for_one_claim_give_one_winner(database_url, db):
    """Each thread with its own engine (as separate processes have), started at one barrier."""
    engines = [Database.from_url(database_url) for _ in range(RACERS)]
    try:
        for round_ in range(10):
            doc_id = _record(db, f"{round_:064x}")
            barrier = threading.Barrier(RACERS)
            won: list[str] = []

            def race(n: int, barrier: threading.Barrier, doc_id: int, won: list[str]) -> None:
                barrier.wait()
                if _claim(engines[n], doc_id, f"racer-{n}"):
                    won.append(f"racer-{n}")

            threads = [threading.Thread(target=race, args=(n, barrier, doc_id, won)) for n in range(RACERS)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            assert len(won) == 1, won
            assert _row(db, doc_id).claimed_by == won[0]
    finally:
        for engine in engines:
            engine.dispose()


_RACER = """
import sys, time
from pathlib import Path
from dossier.store import repo
from dossier.store.db import Database
from dossier.workers.claims import STALE_AFTER_SECONDS

url, name, folder, ids = sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[4:]
db = Database.from_url(url)
with db.session():  # connected before the start
    pass
print("ready", flush=True)
for doc_id in ids:
    while not (folder / doc_id).exists():
        time.sleep(0.001)
    with db.session() as session:
        won = repo.claim_document(session, int(doc_id), by=name, stale_after=STALE_AFTER_SECONDS)
    print(doc_id, int(won), flush=True)
db.dispose()
"""


def test_processes_racing_for_one_claim_give_one_winner(database_url, db, tmp_path):
    ids = [str(_record(db, f"{n + 100:064x}")) for n in range(5)]
    procs = [subprocess.Popen([sys.executable, "-c", _RACER, database_url, f"p{n}", str(tmp_path), *ids],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True) for n in range(RACERS)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    for doc_id in ids:  # a start signal per round, seen by all processes within a millisecond
        (tmp_path / doc_id).touch()
        time.sleep(0.5)
    outcomes: dict[str, list[str]] = {doc_id: [] for doc_id in ids}
    for n, p in enumerate(procs):
        out, _ = p.communicate(timeout=120)
        assert p.returncode == 0
        for line in out.splitlines():
            doc_id, won = line.split()
            if won == "1":
                outcomes[doc_id].append(f"p{n}")
    assert all(len(winners) == 1 for winners in outcomes.values()), outcomes
    assert [_row(db, int(doc_id)).claimed_by for doc_id in ids] == [outcomes[doc_id][0] for doc_id in ids]


# --- the stage: the loser reads nothing and waits -----------------------------------------------


@pytest.fixture
def settings(home) -> Settings:
    return Settings(home=home)


def _ingested(tmp_path: Path, settings: Settings, pages: int = 2) -> tuple[Path, str]:
    path = tmp_path / "app" / "营业执照.pdf"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(typed_pdf("licence", pages=pages))
    [result] = ingest_paths([path], "app", settings)  # recorded, not read: ``received``
    return path, result.sha256


@pytest.fixture
def readings(monkeypatch) -> list[str]:
    """The SHA-256 of every file the pages stage reads, in this process."""
    seen: list[str] = []
    real = stages.analyse_file

    def counting(path, *, sha256, **kwargs):
        seen.append(sha256)
        return real(path, sha256=sha256, **kwargs)

    monkeypatch.setattr(stages, "analyse_file", counting)
    return seen


def _status(db: Database, sha: str) -> str:
    with db.session() as s:
        return repo.find_document(s, sha).status


def _in_thread(fn, *args, **kwargs) -> tuple[threading.Thread, list]:
    out: list = []
    thread = threading.Thread(target=lambda: out.append(fn(*args, **kwargs)), daemon=True)
    thread.start()
    return thread, out


def test_the_loser_of_a_claim_reads_nothing_and_waits_for_the_winner(tmp_path, settings, readings):
    _, sha = _ingested(tmp_path, settings)
    db = init_db(settings)
    archive = Archive.from_settings(settings)
    try:
        with Claims(db) as holder:
            assert holder.acquire(sha).held
            # A Celery task does not wait: it leaves the document to its holder.
            assert stages.process_document(sha, db=db, archive=archive, settings=settings, wait=False) == "processing"
            waiter, result = _in_thread(stages.process_document, sha, db=db, archive=archive, settings=settings)
            time.sleep(3 * POLL_SECONDS)
            assert waiter.is_alive() and readings == []
            assert stages.process_document(sha, db=db, archive=archive, settings=settings, ocr=InlineOcr(settings),
                                           claims=holder) == "processed"
        waiter.join(30)
        assert result == ["processed"] and readings == [sha]  # read once, by the holder
    finally:
        db.dispose()


def test_ingest_reads_a_known_file_nobody_has_started_reading(tmp_path, settings, readings):
    """The failure seen in CI: the second ``dossier ingest`` of a file returned while the first
    had recorded it but not yet started reading it (``received``)."""
    path, sha = _ingested(tmp_path, settings)
    db = init_db(settings)
    try:
        [result] = ingest_and_process([path], "app", settings, db=db)
        assert result.status == "duplicate"
        assert _status(db, sha) == "processed" and readings == [sha]
    finally:
        db.dispose()


def test_ingest_waits_while_another_live_process_reads_the_file(tmp_path, settings, readings):
    path, sha = _ingested(tmp_path, settings)
    db = init_db(settings)
    archive = Archive.from_settings(settings)
    try:
        with Claims(db) as holder:
            assert holder.acquire(sha).held
            ingest, _ = _in_thread(ingest_and_process, [path], "other", settings, db=db)
            time.sleep(HEARTBEAT_SECONDS + 2 * POLL_SECONDS)  # a heartbeat keeps the claim live
            assert ingest.is_alive() and readings == []
            stages.process_document(sha, db=db, archive=archive, settings=settings, ocr=InlineOcr(settings),
                                    claims=holder)
        ingest.join(30)
        assert not ingest.is_alive() and _status(db, sha) == "processed" and readings == [sha]
    finally:
        db.dispose()


def test_a_reader_whose_claim_was_taken_over_discards_its_reading(tmp_path, settings, readings):
    _, sha = _ingested(tmp_path, settings)
    db = init_db(settings)
    archive = Archive.from_settings(settings)
    try:
        with Claims(db) as slow:
            doc_id = slow.acquire(sha).document_id
            _age(db, doc_id, STALE_AFTER_SECONDS + 5)  # it fell silent (suspended, say) ...
            assert stages.process_document(sha, db=db, archive=archive, settings=settings) == "processed"
            # ... and its result is refused when it comes back
            assert not slow.settle(sha, "processed", write=lambda session, _: pytest.fail("written"))
        with db.session() as s:
            assert len(s.scalars(select(schema.Page).where(schema.Page.document_id == doc_id)).all()) == 2
    finally:
        db.dispose()


def test_reprocess_reads_again_but_waits_for_a_live_reading(tmp_path, settings, readings):
    _, sha = _ingested(tmp_path, settings)
    other = tmp_path / "app" / "合同.pdf"
    other.write_bytes(typed_pdf("contract"))
    [second] = ingest_paths([other], "app", settings)
    db = init_db(settings)
    archive = Archive.from_settings(settings)
    try:
        assert ingest_and_process([tmp_path / "app"], "app", settings, db=db)
        assert sorted(readings) == sorted([sha, second.sha256])
        with Claims(db) as holder:
            assert holder.acquire(sha).held is False  # processed: nothing to claim
            with db.session() as s:
                repo.reopen_document(s, repo.find_document(s, sha).id, stale_after=STALE_AFTER_SECONDS)
            assert holder.acquire(sha).held
            run, result = _in_thread(reprocess, "app", settings, db=db)
            time.sleep(3 * POLL_SECONDS)
            assert run.is_alive() and readings.count(second.sha256) == 2 and readings.count(sha) == 1
            stages.process_document(sha, db=db, archive=archive, settings=settings, claims=holder)
        run.join(30)
        assert sorted(result[0]) == sorted([sha, second.sha256]) and readings.count(sha) == 2
        assert _status(db, sha) == _status(db, second.sha256) == "processed"
    finally:
        db.dispose()


# --- a reader killed with SIGKILL ---------------------------------------------------------------


def _dossier(args: list[str], home: Path) -> subprocess.Popen:
    environment = {**os.environ, "DOSSIER_HOME": str(home), "DOSSIER_OCR_PROCESSES": "1"}
    environment.pop("DOSSIER_DATABASE_URL", None)
    environment.pop("DOSSIER_BROKER_URL", None)
    return subprocess.Popen([sys.executable, "-m", "dossier.cli", *args], cwd=ROOT, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_killed_reader_holds_its_document_up_only_until_its_claim_is_stale(tmp_path, home, settings):
    """Measures what a user waits for under the defaults when the reader dies: the second
    ``dossier ingest`` takes the document over STALE_AFTER_SECONDS (less up to one heartbeat)
    after the reader's last heartbeat, reads it and returns it processed."""
    path = tmp_path / "营业执照.pdf"
    path.write_bytes(typed_pdf("licence", pages=60))  # read for long enough to be killed at it
    db = init_db(settings)
    try:
        first = _dossier(["ingest", str(path), "-a", "app", "--json"], home)
        deadline = time.monotonic() + 60
        while True:
            with db.session() as s:
                doc = s.scalar(select(schema.Document))
                if doc is not None and doc.status == "processing" and doc.claimed_by:
                    break
            assert first.poll() is None and time.monotonic() < deadline, first.communicate()
            time.sleep(0.05)
        dead = doc.claimed_by
        first.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        first.communicate()

        second = _dossier(["ingest", str(path), "-a", "app", "--json"], home)
        taken_over = None
        while second.poll() is None:
            if taken_over is None:
                with db.session() as s:
                    if s.scalar(select(schema.Document.claimed_by)) not in (dead, None):
                        taken_over = time.monotonic() - killed
            assert time.monotonic() - killed < STALE_AFTER_SECONDS + 120
            time.sleep(0.2)
        returned = time.monotonic() - killed
        out, err = second.communicate()
        assert second.returncode == 0, err
        [line] = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        assert line["status"] == "processed"
        # The claim was taken over once stale: not before (less a heartbeat and a poll) ...
        assert taken_over is not None and taken_over >= STALE_AFTER_SECONDS - HEARTBEAT_SECONDS - POLL_SECONDS
        # ... and soon after (a poll, plus the second process's start on a busy machine).
        assert taken_over <= STALE_AFTER_SECONDS + 10
        print(f"\nreader killed; its claim was taken over after {taken_over:.1f} s and the next ingest "
              f"returned after {returned:.1f} s (claim stale after {STALE_AFTER_SECONDS:.0f} s without "
              f"a heartbeat, every {HEARTBEAT_SECONDS:.0f} s)")
        with db.session() as s:
            doc = s.scalar(select(schema.Document))
            assert (doc.status, doc.page_count, doc.claimed_by) == ("processed", 60, None)
            assert len(s.scalars(select(schema.Page)).all()) == 60
    finally:
        db.dispose()
