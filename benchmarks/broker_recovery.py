"""How long a broker restart and a dead worker cost, under the default timeouts.

    .venv/bin/python benchmarks/broker_recovery.py [--app sample-renewal] [--kill-after 25] [--pg URL]

The scenario of the README's failure section, on one machine: a ``redis-server`` without
persistence, two workers of one OCR process each, ``fixtures/<app>`` ingested and enqueued.
Baseline run: nothing goes wrong. Disturbed run, in a fresh home: ``--kill-after`` seconds after
the enqueue, one worker is killed with SIGKILL (pool included) and Redis is restarted empty; the
other worker has to notice and send again what was lost. Prints the seconds each run took, the
seconds from the restart to the last document processed, the ratio to the baseline, how many
documents the workers sent again, and the pages in the OCR cache at the end (all of them read).
``--pg`` (a PostgreSQL URL whose user may create databases) runs both on a fresh database
there; the default is SQLite in the home. Prints numbers only.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dossier.config import Settings, load_settings  # noqa: E402
from dossier.intake.ingest import ingest_paths  # noqa: E402
from dossier.store import repo  # noqa: E402
from dossier.store.db import Database, init_db  # noqa: E402
from dossier.workers.celery_app import create_app  # noqa: E402
from dossier.workers.queue import enqueue_documents  # noqa: E402
from workers_scaling import free_port, start_workers, stop  # noqa: E402 - benchmarks/ is on the path

TIMEOUT = 3600


class Redis:
    """A restartable ``redis-server`` without persistence on a free port."""

    def __init__(self, folder: Path):
        self.port, self.folder, self.process = free_port(), folder, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
                                        stdout=subprocess.DEVNULL)
        time.sleep(0.5)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


def fresh_database(pg: str | None) -> tuple[str | None, str | None]:
    """A new PostgreSQL database on the server of ``pg`` (its name and URL), or SQLite (None)."""
    if not pg:
        return None, None
    name = f"dossier_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, make_url(pg).set(database=name).render_as_string(hide_password=False)


def drop_database(pg: str | None, name: str | None) -> None:
    if pg and name:
        with psycopg.connect(pg, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_workers(settings: Settings, count: int) -> None:
    app = create_app(settings, producer=True)
    deadline = time.monotonic() + 120
    while len(app.control.ping(timeout=1.0) or []) < count:
        if time.monotonic() > deadline:
            raise SystemExit("workers did not start")


def unfinished(db: Database, application: str) -> int:
    with db.session() as session:
        return sum(s.status not in ("processed", "failed") for s in repo.document_status(session, application))


def run(folder: Path, app_dir: Path, pg: str | None, kill_after: float | None) -> dict[str, float]:
    """One run in a fresh home; seconds from enqueue to done (and from the restart, if any)."""
    home = folder / ("disturbed" if kill_after else "baseline")
    redis_server = Redis(home.parent)
    redis_server.start()
    name, url = fresh_database(pg)
    settings = load_settings(home=home, broker_url=redis_server.url, database_url=url, ocr_threads=1)
    db = init_db(settings)
    workers = start_workers(settings, 2, home.parent / f"{home.name}-workers.log")
    try:
        wait_workers(settings, 2)
        results = ingest_paths([app_dir], app_dir.name, settings)
        started = time.monotonic()
        enqueue_documents([r.sha256 for r in results if r.status == "new"], settings)
        restarted = None
        while unfinished(db, app_dir.name):
            now = time.monotonic()
            if kill_after is not None and restarted is None and now - started >= kill_after:
                stop(workers[:1])
                redis_server.kill()
                redis_server.start()
                restarted = time.monotonic()
            if now - started > TIMEOUT:
                raise SystemExit(f"not done after {TIMEOUT} s")
            time.sleep(0.2)
        done = time.monotonic()
        pages = sum(1 for _ in settings.derived_dir.glob("*/*/ocr/*/*.json"))
        log = (home.parent / f"{home.name}-workers.log").read_text(errors="replace")
        requeued = sum(int(n) for n in re.findall(r"requeued (\d+) lost document", log))
        return {"documents": len(results), "seconds": done - started, "ocr_pages": pages,
                "requeued": requeued, "after_restart": done - restarted if restarted is not None else 0.0}
    finally:
        stop([w for w in workers if w.poll() is None])
        db.dispose()
        redis_server.kill()
        drop_database(pg, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", default="sample-renewal", help="a folder of fixtures/")
    parser.add_argument("--kill-after", type=float, default=25.0, help="seconds after the enqueue")
    parser.add_argument("--pg", help="PostgreSQL URL (default: SQLite)")
    args = parser.parse_args()
    app_dir = ROOT / "fixtures" / args.app
    with tempfile.TemporaryDirectory(prefix="dossier-recovery-") as tmp:
        baseline = run(Path(tmp), app_dir, args.pg, None)
        disturbed = run(Path(tmp), app_dir, args.pg, args.kill_after)
    print(f"database {'postgresql' if args.pg else 'sqlite'}")
    print(f"documents {baseline['documents']}")
    print(f"baseline_seconds {baseline['seconds']:.1f}")
    print(f"disturbed_seconds {disturbed['seconds']:.1f}")
    print(f"killed_and_restarted_at_seconds {args.kill_after:.1f}")
    print(f"restart_to_all_processed_seconds {disturbed['after_restart']:.1f}")
    print(f"disturbed_vs_baseline {disturbed['seconds'] / baseline['seconds']:.2f}")
    print(f"documents_requeued_by_workers {disturbed['requeued']}")
    print(f"ocr_pages_baseline {baseline['ocr_pages']}")
    print(f"ocr_pages_disturbed {disturbed['ocr_pages']}")


if __name__ == "__main__":
    main()
