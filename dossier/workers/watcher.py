"""The inbox watcher: files dropped into ``<inbox>/<application>/`` are taken in once complete.

Layout: one subfolder per application (its name is the application's name; an
``application.yaml`` in it defines the application). Files may sit at any depth inside it.

A file is taken only when it is stable: no file-system event for ``stable_seconds``, its size and
mtime unchanged over that time, and (for Windows writers that hold a file locked while copying)
it can be opened. Scanners, copy tools and Samba write files in pieces, so a file that merely
exists may be half written. Events come from watchdog (inotify etc., or polling with
``polling=True`` for network shares where events do not arrive); a rescan every
``rescan_seconds`` catches whatever events were missed.

After the ``on_file`` callback has archived and recorded the file, the source is moved to
``<app>/.done/``; input that could not be used goes to ``<app>/.quarantine/`` with
``<name>.reason.txt``. A source is never deleted, and never moved before it is safely stored:
when the callback fails the file stays where it is and is retried once it changes (or when the
watcher restarts), so a bug in processing cannot loop on one file.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from dossier.config import Settings
from dossier.errors import ConfigError
from dossier.intake.ingest import IntakeResult, ingest_file, sync_application
from dossier.intake.names import SourceName, relative_name
from dossier.intake.rules import SPEC_FILE, is_ignored, walk
from dossier.privacy import MaskingFilter
from dossier.store.archive import Archive
from dossier.store.db import init_db

log = logging.getLogger(__name__)
# its lines name inbox files, whose names may hold an ID number: masked here, whatever handler
# (the console's, a test's, a service manager's) ends up writing them
log.addFilter(MaskingFilter())

DONE_DIR = ".done"
QUARANTINE_DIR = ".quarantine"
REASON_SUFFIX = ".reason.txt"
_NAME_MAX = 255  # bytes in one file name on the usual file systems

OnFile = Callable[[Path, str, SourceName], IntakeResult]
"""``on_file(path, application, name) -> IntakeResult``: store and record one stable file.

``name`` is the file's path inside the application folder. Called in the watcher's thread, one
file at a time. Return ``new``/``duplicate`` once the original is archived and recorded (the
source then moves to ``.done``), ``quarantined`` for input that cannot be used (recorded as
failed; the source moves to ``.quarantine``), ``error`` to leave the source in place. An exception
also leaves the source in place.
"""

Signature = tuple[int, int]  # (size, mtime_ns)
# Events that do not mean the file changed; our own reads would otherwise keep resetting the clock.
_QUIET_EVENTS = {"opened", "closed_no_write"}


@dataclass
class _Candidate:
    signature: Signature
    since: float  # monotonic time since which the signature has not changed
    last_event: float  # monotonic time of the latest file-system event


def _signature(path: Path) -> Signature | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_size, st.st_mtime_ns


def _can_open(path: Path) -> bool:
    # On Windows a file being copied in is locked; elsewhere this is a cheap no-op check.
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError:
        return False
    return True


def _fit(stem: str, tail: str) -> str:
    """``stem + tail``, the stem shortened so the name fits the file system's limit."""
    while stem and len(os.fsencode(stem + tail)) > _NAME_MAX:
        stem = stem[:-1]
    return stem + tail


def _free_path(target: Path, reserve: str = "") -> Path:
    """``target``, or ``target`` with " (2)", " (3)" ... when taken; room left for ``reserve``."""
    suffix = target.suffix if len(target.suffix) <= 16 else ""
    stem = target.name[: len(target.name) - len(suffix)] if suffix else target.name
    n = 1
    while True:
        tail = suffix if n == 1 else f" ({n}){suffix}"
        name = _fit(stem, tail + reserve)[: -len(reserve) or None]
        candidate = target.with_name(name)
        reason_file = candidate.with_name(name + reserve)
        if not candidate.exists() and not (reserve and reason_file.exists()):
            return candidate
        n += 1


class _Events(FileSystemEventHandler):
    """Hands paths from watchdog's thread to the watcher's thread."""

    def __init__(self, inbox_queue: queue.SimpleQueue[str]):
        self.queue = inbox_queue

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in _QUIET_EVENTS:
            return
        for path in (event.src_path, getattr(event, "dest_path", "")):
            if path:
                self.queue.put(os.fsdecode(path))


class InboxWatcher:
    """The watcher's state; ``watch()`` is the way to run it."""

    def __init__(self, inbox: Path, stable_seconds: float, on_file: OnFile,
                 sync_application: Callable[[Path, str], object]):
        self.inbox = inbox
        self.stable = stable_seconds
        self.on_file = on_file
        self.sync_application = sync_application
        self.events: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._candidates: dict[Path, _Candidate] = {}
        self._failed: dict[Path, Signature] = {}  # not retried until the file changes
        self._spec_seen: dict[Path, Signature | None] = {}  # application.yaml last synced
        self._warned: set[Path] = set()  # files dropped into the inbox itself

    # --- finding files --------------------------------------------------------------------

    def _app_dir(self, path: Path) -> Path | None:
        """The application folder ``path`` is in; None for files directly in the inbox."""
        try:
            parts = path.relative_to(self.inbox).parts
        except ValueError:
            return None
        if len(parts) < 2 or is_ignored(self.inbox / parts[0], self.inbox):
            return None
        return self.inbox / parts[0]

    def observe(self, path: Path, *, event: bool) -> None:
        """Note a file seen by an event (``event=True``) or by a scan."""
        now = time.monotonic()
        signature = _signature(path)
        if signature is None:
            self._candidates.pop(path, None)
            return
        if self._failed.get(path) == signature:
            return
        self._failed.pop(path, None)
        candidate = self._candidates.get(path)
        if candidate is None:
            # An mtime already older than stable_seconds counts as time already waited.
            age = min(max(time.time() - signature[1] / 1e9, 0.0), self.stable)
            candidate = _Candidate(signature, now - age, float("-inf"))
            self._candidates[path] = candidate
        if event:
            candidate.last_event = now

    def scan(self) -> None:
        """Look at every application folder (catches events that were missed)."""
        try:
            entries = sorted(p for p in self.inbox.iterdir() if not is_ignored(p, self.inbox))
        except FileNotFoundError:
            return
        for loose in (p for p in entries if p.is_file() and p not in self._warned):
            log.warning("%s is not in an application folder (<inbox>/<application>/); "
                        "left alone", loose)
            self._warned.add(loose)
        for folder in (p for p in entries if p.is_dir()):
            self.sync_spec(folder)
            for path in walk(folder):
                if path not in self._candidates:
                    self.observe(path, event=False)

    def drain_events(self) -> None:
        while True:
            try:
                path = Path(self.events.get_nowait())
            except queue.Empty:
                return
            app_dir = self._app_dir(path)
            if app_dir is None:
                continue
            if path == app_dir / SPEC_FILE:
                self.sync_spec(app_dir)
            elif is_ignored(path, self.inbox) or path.is_symlink():  # incl. our .done, .quarantine
                continue
            elif path.is_dir():  # a folder moved in brings files without events of their own
                for file in walk(path):
                    self.observe(file, event=True)
            else:
                self.observe(path, event=True)

    def sync_spec(self, app_dir: Path) -> None:
        """Create or update the application from its ``application.yaml`` when that changed."""
        spec_sig = _signature(app_dir / SPEC_FILE)
        if app_dir in self._spec_seen and self._spec_seen[app_dir] == spec_sig:
            return
        self._spec_seen[app_dir] = spec_sig
        try:
            self.sync_application(app_dir, SourceName.of(app_dir.name).display)
        except ConfigError as exc:  # files are still taken; the spec is applied once fixed
            log.error("%s", exc.user_message)
        except Exception:  # e.g. the database is unreachable: try again next time
            log.exception("cannot update application %s", app_dir.name)
            del self._spec_seen[app_dir]

    # --- taking files ---------------------------------------------------------------------

    def _ready(self, path: Path, candidate: _Candidate, now: float) -> bool:
        signature = _signature(path)
        if signature is None:
            self._candidates.pop(path, None)
            return False
        if signature != candidate.signature:
            candidate.signature, candidate.since = signature, now
            return False
        return (now - candidate.since >= self.stable and now - candidate.last_event >= self.stable
                and _can_open(path))

    def take_stable(self) -> None:
        """Hand every file that has become stable to ``on_file`` and file the source away."""
        now = time.monotonic()
        for path, candidate in sorted(self._candidates.items()):
            if self._ready(path, candidate, now):
                del self._candidates[path]
                self._take(path, candidate.signature)

    def _take(self, path: Path, signature: Signature) -> None:
        app_dir = self._app_dir(path)
        if app_dir is None:
            return
        self.sync_spec(app_dir)
        application = SourceName.of(app_dir.name).display
        try:
            result = self.on_file(path, application, relative_name(path, app_dir))
        except Exception:
            log.exception("processing %s failed; the file stays in the inbox", path)
            self._failed[path] = signature
            return
        if _signature(path) != signature:
            # Changed after it was archived: the stored copy is not this file any more, so leave
            # it to be taken again as what it now is.
            log.warning("%s changed while it was being stored; it will be taken again", path)
            return
        if result.status in ("new", "duplicate"):
            self._move(path, app_dir, DONE_DIR)
            log.info("%s", result.message)
        elif result.status == "quarantined":
            target = self._move(path, app_dir, QUARANTINE_DIR, reserve=REASON_SUFFIX)
            if target is not None:
                self._write_reason(target, result)
            log.warning("%s", result.message)
        else:
            log.warning("%s", result.message)
            self._failed[path] = signature

    @staticmethod
    def _write_reason(target: Path, result: IntakeResult) -> None:
        text = f"{result.reason}\n{result.detail}\nsha256: {result.sha256}\n"
        try:
            target.with_name(target.name + REASON_SUFFIX).write_text(text, encoding="utf-8")
        except OSError as exc:  # the file is safe in quarantine and its reason is in the database
            log.error("cannot write the reason for %s: %s", target, exc)

    def _move(self, path: Path, app_dir: Path, into: str, reserve: str = "") -> Path | None:
        target = _free_path(app_dir / into / path.relative_to(app_dir), reserve)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(path, target)
        except OSError as exc:
            log.error("cannot move %s to %s: %s", path, target, exc)
            self._failed[path] = _signature(path) or (0, 0)
            return None
        return target

    @property
    def pending(self) -> bool:
        return bool(self._candidates)


def watch(inbox: Path, settings: Settings, *, polling: bool = False, oneshot: bool = False,
          on_file: OnFile | None = None, stop: threading.Event | None = None) -> None:
    """Watch ``inbox`` and take in what is dropped there, until ``stop`` is set (or Ctrl-C).

    ``oneshot`` takes what is in the inbox now (waiting for files still being written) and
    returns. ``on_file`` defaults to intake only (archive, record, file under the application).
    """
    inbox = Path(os.path.abspath(inbox))
    inbox.mkdir(parents=True, exist_ok=True)
    stop = stop or threading.Event()
    db = init_db(settings)
    archive = Archive.from_settings(settings)

    def intake_only(path: Path, application: str, name: SourceName) -> IntakeResult:
        return ingest_file(path, application, db, archive, name=name)

    watcher = InboxWatcher(inbox, settings.stable_seconds, on_file or intake_only,
                           lambda folder, application: sync_application(folder, application, db))
    tick = max(0.05, min(0.5, settings.stable_seconds / 4))
    try:
        watcher.scan()
        if oneshot:
            while watcher.pending and not stop.is_set():
                watcher.take_stable()
                stop.wait(tick)
            return
        # Polling re-reads the whole tree each round, so not more often than once a second.
        observer = PollingObserver(timeout=max(1.0, tick)) if polling else Observer()
        observer.schedule(_Events(watcher.events), str(inbox), recursive=True)
        observer.start()
        try:
            next_scan = time.monotonic() + settings.rescan_seconds
            while not stop.is_set():
                watcher.drain_events()
                if time.monotonic() >= next_scan:
                    watcher.scan()
                    next_scan = time.monotonic() + settings.rescan_seconds
                watcher.take_stable()
                stop.wait(tick)
        finally:
            observer.stop()
            observer.join()
    finally:
        db.dispose()
