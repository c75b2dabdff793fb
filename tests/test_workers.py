"""The scale-out mode end to end: real Redis, real Celery worker processes, real OCR.

A throwaway ``redis-server`` is started per session (or ``DOSSIER_TEST_REDIS_URL`` is used and
flushed); workers are subprocesses with their own DOSSIER_* environment, and the test waits by
polling document statuses in the database. With ``DOSSIER_TEST_DATABASE_URL`` (a PostgreSQL
server) the database tests also run on PostgreSQL, each in a database of its own created and
dropped here. Inputs are generated: a two-page text-layer PDF, a two-page image-only PDF and a
PNG scan (three pages of real OCR), with Chinese text and an ID number.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import psycopg
import pytest
import redis
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from conftest import ROOT, cjk_ttf, need
from dossier.config import Settings, load_settings
from dossier.errors import DossierError
from dossier.intake.ingest import ingest_paths
from dossier.store import repo
from dossier.store.archive import Archive
from dossier.store.db import Database, init_db
from dossier.store.schema import AuditEvent, Document, Extraction, Field, Page, TextLine
from dossier.store.schema import Discrepancy as DiscrepancyRow
from dossier.workers import inflight, recovery, stages
from dossier.workers.celery_app import create_app
from dossier.workers.queue import enqueue_documents, requeue_stale
from dossier.workers.routing import (CHECK_APPLICATION, DEFAULT_QUEUE, FINISH_DOCUMENT, OCR_PAGE, OCR_QUEUE,
                                     PROCESS_DOCUMENT)
from dossier.workflow.build import build_application
from dossier.workflow.check import check_application
from fixtures import SAMPLE_STANDARD

pytestmark = [pytest.mark.service, pytest.mark.ocr]

ID_NUMBER = "11010519491231002X"
APP = "华建升级"
WAIT_SECONDS = 150  # for a handful of pages on 2 busy cores, worker start-up included
OCR_PAGES = 3


# --- services -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A ``redis-server`` without persistence (like most deployments): a restart empties it."""

    def __init__(self, folder: Path):
        self.port = _free_port()
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> Iterator[str]:
    external = os.environ.get("DOSSIER_TEST_REDIS_URL")
    if external:
        yield external
        return
    need(shutil.which("redis-server") is not None, "redis-server (or DOSSIER_TEST_REDIS_URL)")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server.url
    server.kill()


@pytest.fixture
def broker(redis_url) -> str:
    redis.Redis.from_url(redis_url).flushdb()  # no message from an earlier test
    return redis_url


@pytest.fixture(scope="session")
def pg_admin_url() -> str | None:
    return os.environ.get("DOSSIER_TEST_DATABASE_URL")


def _create_pg_database(admin_url: str) -> tuple[str, str]:
    """A new, empty database on the server of ``admin_url``: its name and URL."""
    name = f"dossier_test_{uuid.uuid4().hex[:12]}"
    _pg_admin(admin_url, f'CREATE DATABASE "{name}"')
    return name, make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _pg_admin(admin_url: str, sql: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, pg_admin_url) -> Iterator[str | None]:
    """None (SQLite in the home) or a fresh PostgreSQL database, dropped afterwards."""
    if request.param == "sqlite":
        yield None
        return
    need(bool(pg_admin_url), "PostgreSQL (DOSSIER_TEST_DATABASE_URL)")
    name, url = _create_pg_database(pg_admin_url)
    yield url
    _pg_admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- inputs ---------------------------------------------------------------------------------


def _scan(lines: list[str], seed: int) -> Image.Image:
    font = ImageFont.truetype(str(cjk_ttf()), 34)
    image = Image.new("RGB", (1100, 700), (246, 244, 238))
    draw = ImageDraw.Draw(image)
    for i, text in enumerate(lines):
        draw.text((70, 60 + i * 110), text, fill=(25, 25, 30), font=font)
    noise = np.random.default_rng(seed).normal(0, 6, (700, 1100, 1))
    pixels = np.clip(np.asarray(image, dtype=np.float32) + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels).filter(ImageFilter.GaussianBlur(0.6))


ID_FRONT = ["中华人民共和国居民身份证", "姓名 张伟", "性别 男   民族 汉", "住址 北京市朝阳区建国路88号",
            f"公民身份号码 {ID_NUMBER}"]
ID_BACK = ["中华人民共和国居民身份证", "签发机关 北京市公安局朝阳分局", "有效期限 2015.03.01-2035.03.01"]
LICENSE = [["营业执照", "统一社会信用代码 91110108MA01EXA75A", "名称 北京华建建设工程有限公司",
            "类型 有限责任公司", "法定代表人 张伟", "注册资本 伍仟万元整", "成立日期 2012年05月18日"],
           ["经营范围 房屋建筑工程施工总承包；市政公用工程施工总承包", "登记机关 北京市海淀区市场监督管理局"]]


def _text_pdf(path: Path, pages: list[list[str]]) -> None:
    pdfmetrics.registerFont(TTFont("TestCJK", str(cjk_ttf()), subfontIndex=0))
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for lines in pages:
        pdf.setFont("TestCJK", 14)
        for i, text in enumerate(lines):
            pdf.drawString(72, A4[1] - 90 - 28 * i, text)
        pdf.showPage()
    pdf.save()


def _image_pdf(path: Path, images: list[Image.Image]) -> None:
    pdf = canvas.Canvas(str(path), pagesize=(396, 252), invariant=1)  # 1100 x 700 px at 200 dpi
    for image in images:
        pdf.drawImage(ImageReader(image), 0, 0, width=396, height=252)
        pdf.showPage()
    pdf.save()


@pytest.fixture(scope="session")
def application(tmp_path_factory) -> Path:
    """An application folder: text-layer PDF (2 pages), image-only PDF (2 pages), PNG (1 page)."""
    folder = tmp_path_factory.mktemp("inputs") / APP
    folder.mkdir()
    _text_pdf(folder / "营业执照.pdf", LICENSE)
    _image_pdf(folder / "身份证扫描.pdf", [_scan(ID_FRONT, 1), _scan(ID_BACK, 2)])
    _scan(ID_FRONT, 3).save(folder / "身份证.png", dpi=(200, 200))
    # A real application.yaml, so check and build run on what the workers stored.
    shutil.copy(ROOT / "fixtures" / "sample-clean" / "application.yaml", folder / "application.yaml")
    shutil.copy(SAMPLE_STANDARD, folder.parent / SAMPLE_STANDARD.name)  # named by it, beside the folder
    return folder


FILES = 3
PAGES = 5


# --- workers --------------------------------------------------------------------------------


def _settings(home: Path, broker: str | None, database_url: str | None, **overrides) -> Settings:
    return load_settings(home=home, broker_url=broker, database_url=database_url, ocr_threads=1, **overrides)


def _env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")}
    env.update(DOSSIER_HOME=str(settings.home), DOSSIER_BROKER_URL=settings.broker_url or "",
               DOSSIER_OCR_THREADS="1", DOSSIER_PAGE_TIMEOUT=str(settings.page_timeout),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    if settings.database_url:
        env["DOSSIER_DATABASE_URL"] = settings.database_url
    return env


class Worker:
    """One ``dossier worker`` (or ``celery -A ... worker``) subprocess in its own process group."""

    def __init__(self, settings: Settings, log: Path, *, celery_cli: bool = False, queues: str = "ocr,default"):
        if celery_cli:
            command = [sys.executable, "-m", "celery", "-A", "dossier.workers.celery_app", "worker",
                       "-Q", "ocr,default", "-c", "1", "--without-mingle", "--without-gossip",
                       "-n", f"test-{uuid.uuid4().hex[:6]}@%h"]
        else:
            command = [sys.executable, "-c",
                       "from dossier.config import load_settings\n"
                       "from dossier.workers.queue import run_worker\n"
                       f"run_worker(load_settings(), {queues.split(',')!r}, concurrency=1)"]
        self.log = log
        with open(log, "ab") as out:
            self.process = subprocess.Popen(command, env=_env(settings), cwd=log.parent, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while " ready." not in self.log.read_text(errors="replace"):
            assert self.process.poll() is None, f"worker exited:\n{self.tail()}"
            assert time.monotonic() < deadline, f"worker not ready:\n{self.tail()}"
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes (a machine dying, for the broker)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    """Workers started by a test, killed at its end whatever happened."""
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.kill()


def _statuses(db: Database) -> dict[str, str]:
    with db.session() as session:
        return {s.path: s.status for s in repo.document_status(session, APP)}


def _wait_done(db: Database, workers: list[Worker], timeout: float = WAIT_SECONDS) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    while True:
        statuses = _statuses(db)
        if statuses and all(s in ("processed", "failed") for s in statuses.values()):
            return statuses
        if time.monotonic() > deadline:
            logs = "\n---\n".join(w.tail() for w in workers)
            pytest.fail(f"documents not processed in {timeout}s: {statuses}\n{logs}")
        time.sleep(0.3)


def _ingest(settings: Settings, folder: Path) -> list[str]:
    results = ingest_paths([folder], APP, settings)
    assert [r.status for r in results] == ["new"] * FILES
    return [r.sha256 for r in results]


def _counts(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {table.__tablename__: session.scalar(select(func.count()).select_from(table))
                for table in (Document, Page, TextLine, Extraction, Field)}


def _extractions(db: Database) -> list[dict]:
    with db.session() as session:
        return [doc.model_dump(mode="json") for doc in repo.load_extractions(session, APP)]


def _checked_and_bound(db: Database, settings: Settings, out: Path) -> tuple[list[dict], str]:
    """The findings (the ``dossier check --json`` contract) and the draft packet's SHA-256."""
    findings = check_application(db, settings, APP).findings
    packet = build_application(db, settings, APP, out, draft=True)
    return [d.contract() for d in findings], packet.packet_sha256


def _ocr_entries(settings: Settings) -> int:
    return sum(1 for _ in (settings.derived_dir).glob("*/*/ocr/*/*.json"))


@pytest.fixture(scope="session")
def embedded(tmp_path_factory, application) -> tuple[list[dict], dict[str, int], tuple[list[dict], str]]:
    """The application processed in this process (the embedded mode): extractions, counts, and
    the findings and draft packet made from them."""
    home = tmp_path_factory.mktemp("embedded")
    settings = _settings(home, None, None)
    db = init_db(settings)
    try:
        for sha256 in _ingest(settings, application):
            stages.process_document(sha256, db=db, archive=Archive.from_settings(settings), settings=settings)
        assert set(_statuses(db).values()) == {"processed"}
        return _extractions(db), _counts(db), _checked_and_bound(db, settings, home / "packet")
    finally:
        db.dispose()


# --- tests ----------------------------------------------------------------------------------


def test_celery_gives_the_embedded_result_and_a_repeat_changes_nothing(
        tmp_path, broker, database_url, application, embedded, workers):
    settings = _settings(tmp_path / "home", broker, database_url)
    db = init_db(settings)
    try:
        shas = _ingest(settings, application)
        workers.append(Worker(settings, tmp_path / "worker.log"))
        assert enqueue_documents(shas, settings) == FILES
        assert set(_wait_done(db, workers).values()) == {"processed"}
        expected_extractions, expected_counts, (expected_findings, expected_packet) = embedded
        assert _extractions(db) == expected_extractions
        assert _counts(db) == expected_counts
        # the same findings, and a byte-identical packet, from what the workers stored
        findings, packet = _checked_and_bound(db, settings, tmp_path / "packet")
        assert findings == expected_findings and expected_findings
        assert packet == expected_packet
        assert expected_counts["pages"] == PAGES
        assert _ocr_entries(settings) == OCR_PAGES  # each page read once, by a page task
        with db.session() as session:
            texts = session.scalars(select(TextLine.text)).all()
        assert any(ID_NUMBER in "".join(t.split()) for t in texts)

        # Idempotent: enqueueing everything again leaves the same state.
        enqueue_documents(shas, settings)
        time.sleep(4)
        assert _counts(db) == expected_counts and _extractions(db) == expected_extractions
    finally:
        db.dispose()


def test_a_repeated_message_does_not_send_the_pages_again(tmp_path, broker, application, workers):
    """A producer that sends its documents twice: the second message finds the pages out
    already (a worker of the default queue alone, so none is read meanwhile) and sends none."""
    settings = _settings(tmp_path / "home", broker, None)
    db = init_db(settings)
    try:
        shas = _ingest(settings, application)
        workers.append(Worker(settings, tmp_path / "worker.log", queues="default"))
        enqueue_documents(shas, settings)
        enqueue_documents(shas, settings)
        client = redis.Redis.from_url(broker)
        deadline = time.monotonic() + WAIT_SECONDS
        while client.llen(DEFAULT_QUEUE) or "in flight" not in workers[0].log.read_text(errors="replace"):
            assert time.monotonic() < deadline, workers[0].tail()
            time.sleep(0.2)
        time.sleep(1)  # the last message's task returns
        assert client.llen(OCR_QUEUE) == OCR_PAGES
    finally:
        db.dispose()


def _ocr_tasks(worker: Worker) -> tuple[set[str], set[str]]:
    """IDs of the ``ocr_page`` tasks ``worker`` received, and of those it finished."""
    received, succeeded = set(), set()
    for line in worker.log.read_text(errors="replace").splitlines():
        if match := re.search(r"dossier\.ocr_page\[([0-9a-f-]+)\] (received|succeeded)", line):
            (received if match[2] == "received" else succeeded).add(match[1])
    return received, succeeded


def _wait_mid_ocr(workers: list[Worker]) -> Worker:
    """Wait until a worker has read one page and taken the next one; that worker."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        for worker in workers:
            received, succeeded = _ocr_tasks(worker)
            if succeeded and received - succeeded:
                time.sleep(0.3)  # into the reading of that page
                return worker
        assert time.monotonic() < deadline, "\n---\n".join(w.tail() for w in workers)
        time.sleep(0.05)


def test_worker_killed_during_ocr_loses_and_duplicates_nothing(
        tmp_path, broker, database_url, application, embedded, workers):
    # Under the default visibility timeout (17 minutes): the page the dead worker held is sent
    # again by the recovery sweep once nothing else of its document is in flight.
    settings = _settings(tmp_path / "home", broker, database_url)
    db = init_db(settings)
    try:
        shas = _ingest(settings, application)
        first = Worker(settings, tmp_path / "worker-1.log")
        workers.append(first)
        enqueue_documents(shas, settings)
        _wait_mid_ocr([first]).kill()
        assert "processing" in _statuses(db).values()

        second = Worker(settings, tmp_path / "worker-2.log")
        workers.append(second)
        assert set(_wait_done(db, workers).values()) == {"processed"}
        assert "requeued" in second.log.read_text(errors="replace")
        assert _ocr_entries(settings) == OCR_PAGES
        assert _counts(db) == embedded[1]
        assert _extractions(db) == embedded[0]
    finally:
        db.dispose()


def test_pages_that_fail_in_their_tasks_do_not_hold_the_document_up(
        tmp_path, broker, application, workers):
    # A time limit no page can meet: every page task stops with a timeout (inside the engine or
    # while it loads) and must still settle its page, or the document would wait for ever.
    settings = _settings(tmp_path / "home", broker, None, page_timeout=0.2)
    db = init_db(settings)
    try:
        shas = _ingest(settings, application)
        workers.append(Worker(settings, tmp_path / "worker.log"))
        enqueue_documents(shas, settings)
        assert set(_wait_done(db, workers).values()) == {"processed"}
        # A page may still beat the limit once its process has the engine loaded.
        read = _ocr_entries(settings)
        assert sum(1 for _ in settings.derived_dir.glob("*/*/ocr-failed/*/*.json")) >= OCR_PAGES - read >= 1
        assert _counts(db)["pages"] == PAGES - OCR_PAGES + read  # failed pages are left out
    finally:
        db.dispose()


RECOVERY_SECONDS = 120  # the promise: everything processed 2 minutes after a restart


def test_a_dead_worker_and_a_redis_restart_cost_a_minute_not_half_an_hour(
        tmp_path, pg_admin_url, application, embedded, workers):
    """Two workers on PostgreSQL; one is killed mid-OCR and Redis restarts empty, down for 3 s.
    Under the default timeouts, the other worker notices the empty broker and sends what was
    lost; every document is processed once, and the findings and packet are the embedded ones."""
    need(shutil.which("redis-server") is not None, "redis-server")
    need(bool(pg_admin_url), "PostgreSQL (DOSSIER_TEST_DATABASE_URL)")
    name, url = _create_pg_database(pg_admin_url)
    server = RedisServer(tmp_path)
    server.start()
    db = None
    try:
        settings = _settings(tmp_path / "home", server.url, url)
        db = init_db(settings)
        shas = _ingest(settings, application)
        pair = [Worker(settings, tmp_path / f"worker-{n}.log") for n in (1, 2)]
        workers.extend(pair)
        for worker in pair:
            worker.wait_ready()
        enqueue_documents(shas, settings)
        victim = _wait_mid_ocr(pair)
        victim.kill()
        server.kill()  # every queued message and every message a worker held is gone
        time.sleep(3)  # tasks finishing now must wait for the broker, not drop their successors
        server.start()
        restarted = time.monotonic()

        assert set(_wait_done(db, workers, timeout=RECOVERY_SECONDS).values()) == {"processed"}
        print(f"processed {time.monotonic() - restarted:.1f} s after the restart")
        survivor = next(w for w in pair if w is not victim).log.read_text(errors="replace")
        assert "broker has lost its state" in survivor
        assert "Reject" not in survivor and "rejected" not in survivor.lower()
        assert _ocr_entries(settings) == OCR_PAGES
        assert _counts(db) == embedded[1]  # no page, line or field stored twice
        assert _extractions(db) == embedded[0]
        assert _checked_and_bound(db, settings, tmp_path / "packet") == embedded[2]
    finally:
        if db is not None:
            db.dispose()
        for worker in workers:
            worker.kill()
        server.kill()
        _pg_admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_requeue_after_a_redis_restart_sends_what_was_lost_once(tmp_path, application, embedded, workers):
    """`dossier requeue` with no worker running: every queued message was lost in the restart;
    it says how many it sent, and run again at once, 0."""
    from typer.testing import CliRunner

    from dossier.cli import app

    need(shutil.which("redis-server") is not None, "redis-server")
    server = RedisServer(tmp_path)
    server.start()
    try:
        settings = _settings(tmp_path / "home", server.url, None)
        db = init_db(settings)
        enqueue_documents(_ingest(settings, application), settings)
        server.kill()
        server.start()
        time.sleep(recovery.LOST_AFTER_SECONDS)  # what a producer committed a moment ago is its own
        env = {"DOSSIER_HOME": str(settings.home), "DOSSIER_BROKER_URL": server.url}
        runs = [CliRunner().invoke(cli_app, ["requeue"], env=env) for cli_app in (app, app)]
        assert [r.exit_code for r in runs] == [0, 0], [r.output for r in runs]
        assert [r.output.strip().splitlines()[-1] for r in runs] == [f"已重新排队 {FILES} 个文件", "已重新排队 0 个文件"]
        assert inflight.queued_documents(create_app(settings)) == set(_statuses_by_sha(db))

        workers.append(Worker(settings, tmp_path / "worker.log"))
        assert set(_wait_done(db, workers).values()) == {"processed"}
        assert _counts(db) == embedded[1]
        db.dispose()
    finally:
        server.kill()


def _statuses_by_sha(db: Database) -> dict[str, str]:
    with db.session() as session:
        return dict(session.execute(select(Document.sha256, Document.status)).all())


def test_requeue_without_a_broker_says_so_in_chinese(tmp_path, application):
    from typer.testing import CliRunner

    from dossier.cli import app

    settings = _settings(tmp_path / "home", "redis://127.0.0.1:1/0", None)  # nothing listens there
    _ingest(settings, application)
    time.sleep(recovery.LOST_AFTER_SECONDS)
    env = {"DOSSIER_HOME": str(settings.home), "DOSSIER_BROKER_URL": settings.broker_url}
    for args in (["requeue"], ["requeue", "--older-than", "0"]):
        result = CliRunner().invoke(app, args, env=env)
        assert result.exit_code != 0 and "任务队列不可用" in result.output, (args, result.output)


def test_the_broker_and_live_workers_tell_which_documents_are_in_flight(tmp_path, broker, workers):
    """A message waiting in any priority step of a queue names its document; a message of
    another task, or one no worker holds, names none."""
    settings = _settings(tmp_path / "home", broker, None)
    app = create_app(settings)
    app.send_task(PROCESS_DOCUMENT, args=["a" * 64])
    app.send_task(OCR_PAGE, args=["b" * 64, 1, {"kind": "pdf_page", "dpi": 200}, [1]], priority=9)
    app.send_task(FINISH_DOCUMENT, args=["c" * 64], queue="ocr", priority=4)
    app.send_task(CHECK_APPLICATION, args=["d" * 64])
    redis.Redis.from_url(broker).lpush(DEFAULT_QUEUE, b"not json", b'{"headers": {"task": "dossier.ocr_page"}}')
    assert inflight.queued_documents(app) == {"a" * 64, "b" * 64, "c" * 64}
    assert inflight.running_documents(app, timeout=0.5) == set()  # no worker is running


def test_a_task_waits_for_the_broker_while_a_producer_gives_up(tmp_path):
    """What a task sends while Redis restarts arrives once Redis is back (Celery's own retry of
    the task could not be published either, and would drop it); a producer says at once."""
    import threading

    need(shutil.which("redis-server") is not None, "redis-server")
    server = RedisServer(tmp_path)
    server.start()
    try:
        settings = _settings(tmp_path / "home", server.url, None)
        worker_app, producer_app = create_app(settings), create_app(settings, producer=True)
        worker_app.send_task(FINISH_DOCUMENT, args=["a" * 64])  # connected before the outage
        server.kill()
        with pytest.raises(DossierError) as refused:
            enqueue_documents(["b" * 64], settings)
        assert "任务队列不可用" in refused.value.reason_zh and "恢复后将自动处理" in refused.value.reason_zh
        threading.Timer(3.0, server.start).start()
        worker_app.send_task(FINISH_DOCUMENT, args=["c" * 64])
        assert inflight.queued_documents(worker_app) == {"c" * 64}  # the restart lost the first
    finally:
        time.sleep(3.5)  # the timer's restart, whatever happened
        server.kill()


def test_requeue_leaves_recent_documents_alone(tmp_path, application):
    settings = _settings(tmp_path / "home", "redis://127.0.0.1:1/0", None)  # never contacted
    _ingest(settings, application)
    assert requeue_stale(settings, older_than=3600) == []


def test_tasks_retry_while_the_database_refuses_connections(
        tmp_path, broker, pg_admin_url, application, embedded, workers):
    need(bool(pg_admin_url), "PostgreSQL (DOSSIER_TEST_DATABASE_URL)")
    name, url = _create_pg_database(pg_admin_url)
    try:
        settings = _settings(tmp_path / "home", broker, url)
        db = init_db(settings)
        shas = _ingest(settings, application)
        db.dispose()
        worker = Worker(settings, tmp_path / "worker.log")
        workers.append(worker)
        worker.wait_ready()
        _pg_admin(pg_admin_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        _pg_admin(pg_admin_url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                f"WHERE datname = '{name}' AND pid <> pg_backend_pid()")
        enqueue_documents(shas, settings)
        deadline = time.monotonic() + 60
        while "OperationalError" not in worker.log.read_text(errors="replace"):
            assert time.monotonic() < deadline, worker.tail()
            time.sleep(0.2)
        time.sleep(3)
        _pg_admin(pg_admin_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

        db = Database.from_url(url)
        assert set(_wait_done(db, workers).values()) == {"processed"}
        assert "retry" in worker.log.read_text(errors="replace").lower()
        assert _counts(db) == embedded[1]
        assert _extractions(db) == embedded[0]
        db.dispose()
    finally:
        _pg_admin(pg_admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_ingest_with_a_broker_enqueues_instead_of_reading(tmp_path, application, broker):
    """`dossier ingest` with DOSSIER_BROKER_URL set archives and records, then leaves the reading
    to workers: nothing is OCR'd here and one message per document waits on the default queue."""
    from typer.testing import CliRunner

    from dossier.cli import app

    home = tmp_path / "home"
    result = CliRunner().invoke(app, ["ingest", str(application), "-a", APP],
                                env={"DOSSIER_HOME": str(home), "DOSSIER_BROKER_URL": broker})
    assert result.exit_code == 0, result.output
    settings = _settings(home, broker, None)
    db = init_db(settings)
    try:
        assert set(_statuses(db).values()) == {"received"}
        assert len(_statuses(db)) == FILES
    finally:
        db.dispose()
    assert _ocr_entries(settings) == 0
    assert redis.Redis.from_url(broker).llen(DEFAULT_QUEUE) == FILES


def test_a_worker_checks_an_application_once_its_last_document_is_done(tmp_path, broker, application, workers):
    folder = tmp_path / APP
    shutil.copytree(application, folder)
    shutil.copy(SAMPLE_STANDARD, tmp_path / SAMPLE_STANDARD.name)  # application.yaml names it beside the folder
    settings = _settings(tmp_path / "home", broker, None)
    db = init_db(settings)
    try:
        shas = [r.sha256 for r in ingest_paths([folder], APP, settings) if r.status == "new"]
        workers.append(Worker(settings, tmp_path / "worker.log"))
        enqueue_documents(shas, settings)
        _wait_done(db, workers)
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            with db.session() as session:
                checked = session.scalars(select(AuditEvent).where(AuditEvent.action == "check")).all()
                found = session.scalar(select(func.count()).select_from(DiscrepancyRow))
            if checked:
                break
            assert time.monotonic() < deadline, workers[0].tail()
            time.sleep(0.3)
        # Checked once, by the worker, after the last document: the roster's people have no documents.
        assert [(e.actor, e.object) for e in checked] == [("worker", f"application:{APP}")]
        assert found and checked[0].details["pending"] == 0
    finally:
        db.dispose()
