"""Scale-out throughput: OCR pages/min with 1 and with 2 Celery worker processes, and the queue's
own cost per task.

    .venv/bin/python benchmarks/workers_scaling.py [--pages 8] [--broker redis://...]

One image-only PDF of ``--pages`` scan pages (the first ``fixtures/sample-*`` scans when
present, else generated 200-dpi A4 pages of Chinese text with ID numbers) is ingested into a
fresh home and enqueued; its pages fan out to the workers. Each worker is one process with one
OCR thread (``DOSSIER_OCR_THREADS=1``, concurrency 1), started and warmed up (engine loaded)
before the clock starts; the clock stops when the document is ``processed``. Queue overhead: a
batch of ``process_document`` tasks on an already processed document (a database read each),
sent through the broker and drained by the single worker, timed until Redis holds no message.
Starts its own ``redis-server`` unless ``--broker`` is given. Prints numbers only.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
from PIL import Image, ImageDraw, ImageFont

from dossier.fonts import cjk_font_file  # noqa: E402
from dossier.config import Settings, load_settings
from dossier.intake.ingest import ingest_paths
from dossier.store import repo
from dossier.store.db import Database, init_db
from dossier.workers.queue import enqueue_documents
from dossier.workers.routing import DEFAULT_QUEUE, OCR_QUEUE

ROOT = Path(__file__).resolve().parent.parent
A4_PX = (1654, 2339)  # 200 dpi
WORDS = ("建筑工程施工总承包 二级 资质证书 企业名称 北京华建建设工程有限公司 注册资本 统一社会信用代码 "
         "有效期至 法定代表人 技术负责人 安全生产许可证 社会保险 缴费月份 养老保险 劳动合同 项目经理").split()
# Fewer than a worker process runs before it is recycled (MAX_TASKS_PER_CHILD), which costs
# seconds and would dominate the figure.
OVERHEAD_TASKS = 50


def generated_page(seed: int) -> Image.Image:
    rng = random.Random(seed)
    font = ImageFont.truetype(str(cjk_font_file()), 30)
    image = Image.new("RGB", A4_PX, (246, 244, 238))
    draw = ImageDraw.Draw(image)
    for i in range(30):
        text = (f"公民身份号码 110105194912{seed:02d}{i:02d}2X" if i % 6 == 3
                else " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5))))
        draw.text((120, 150 + i * 68), text, fill=(25, 25, 30), font=font)
    return image


def scan_pages(count: int, offset: int) -> list[Image.Image]:
    """``count`` page images: fixture scans if there are enough, else generated ones."""
    scans = sorted(p for p in ROOT.glob("fixtures/sample-*/**/*")
                   if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".tif", ".tiff"))
    if len(scans) >= offset + count:
        return [Image.open(p).convert("RGB") for p in scans[offset:offset + count]]
    return [generated_page(offset + i) for i in range(count)]


def write_pdf(path: Path, pages: list[Image.Image]) -> Path:
    buffers = []
    for page in pages:
        out = io.BytesIO()
        page.save(out, "JPEG", quality=85)
        buffers.append(Image.open(out))
    buffers[0].save(path, "PDF", resolution=200.0, save_all=True, append_images=buffers[1:])
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_workers(settings: Settings, count: int, log: Path) -> list[subprocess.Popen]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")}
    env.update(DOSSIER_HOME=str(settings.home), DOSSIER_BROKER_URL=settings.broker_url or "",
               DOSSIER_OCR_THREADS="1", PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    if settings.database_url:
        env["DOSSIER_DATABASE_URL"] = settings.database_url
    code = ("from dossier.config import load_settings\nfrom dossier.workers.queue import run_worker\n"
            "run_worker(load_settings(), concurrency=1, loglevel='WARNING')")
    with open(log, "ab") as out:
        return [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True) for _ in range(count)]


def stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def process(settings: Settings, db: Database, pdf: Path, application: str) -> tuple[str, float]:
    """Ingest and enqueue one file; wait until it is processed; its sha256 and the seconds taken."""
    (result,) = ingest_paths([pdf], application, settings, db=db)
    started = time.perf_counter()
    enqueue_documents([result.sha256], settings)
    while True:
        with db.session() as session:
            (status,) = repo.document_status(session, application)
        if status.status in ("processed", "failed"):
            return result.sha256, time.perf_counter() - started
        time.sleep(0.05)


def drained(client: redis.Redis) -> bool:
    # kombu's Redis transport: queued messages are lists named after the queues; taken but not
    # yet acknowledged ones sit in the "unacked" hash until the task has finished.
    return client.llen(DEFAULT_QUEUE) + client.llen(OCR_QUEUE) + client.hlen("unacked") == 0


def measure(broker: str, workers: int, pages: int, folder: Path) -> tuple[float, float]:
    """Pages/min of ``workers`` worker processes, and the queue overhead (ms/task) they show."""
    settings = load_settings(home=folder / f"home-{workers}", broker_url=broker, ocr_threads=1)
    redis.Redis.from_url(broker).flushdb()
    db = init_db(settings)
    procs = start_workers(settings, workers, folder / f"workers-{workers}.log")
    try:
        warm = write_pdf(folder / f"warm-{workers}.pdf", scan_pages(workers, 100 + 10 * workers))
        process(settings, db, warm, "warm-up")  # every worker loads its engine before the clock runs
        pdf = write_pdf(folder / f"bench-{workers}.pdf", scan_pages(pages, 0))
        sha256, seconds = process(settings, db, pdf, "bench")
        overhead = queue_overhead(settings, sha256, broker)
    finally:
        stop(procs)
        db.dispose()
    return pages * 60.0 / seconds, overhead


def queue_overhead(settings: Settings, sha256: str, broker: str) -> float:
    """Milliseconds per task of send + deliver + run a near no-op + acknowledge."""
    client = redis.Redis.from_url(broker)
    started = time.perf_counter()
    enqueue_documents([sha256] * OVERHEAD_TASKS, settings)
    while not drained(client):
        time.sleep(0.01)
    return (time.perf_counter() - started) * 1000 / OVERHEAD_TASKS


def scaling(pages: int, broker: str | None = None) -> tuple[float, float, float]:
    """Pages/min with 1 and with 2 workers, and the queue overhead (ms/task); on ``broker``, or
    on a throwaway ``redis-server`` when it is None."""
    with tempfile.TemporaryDirectory(prefix="dossier-bench-") as tmp:
        folder = Path(tmp)
        server = None
        if broker is None:
            port = free_port()
            server = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no",
                                       "--dir", tmp], stdout=subprocess.DEVNULL)
            broker = f"redis://127.0.0.1:{port}/0"
            time.sleep(0.5)
        try:
            one, overhead = measure(broker, 1, pages, folder)
            two, _ = measure(broker, 2, pages, folder)
        finally:
            if server is not None:
                server.kill()
    return one, two, overhead


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--broker", help="redis:// URL (default: a throwaway redis-server)")
    args = parser.parse_args()
    one, two, overhead = scaling(args.pages, args.broker)
    print(f"pages {args.pages}")
    print("ocr_threads_per_worker 1")
    print(f"pages_per_min_1_worker {one:.1f}")
    print(f"pages_per_min_2_workers {two:.1f}")
    print(f"speedup {two / one:.2f}")
    print(f"queue_overhead_ms_per_task {overhead:.1f}")


if __name__ == "__main__":
    main()
