"""Ingest: archive each file's original, record it and file it under an application.

Order of work for one file: hash and store the original (``Archive.put``), identify it by content,
then one short database transaction records the document, links it to the application and writes
the audit event. The original is stored first and whatever it is: an unreadable file is kept and
recorded as failed with the reason (nothing a user hands in is lost). A crash between the two
steps leaves only a blob that the next attempt finds and verifies.

Pages are not read here; that is the next stage (``dossier.extract.pages``), fed with the
``document_id`` and ``sha256`` this stage returns.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from dossier.config import Settings
from dossier.errors import FileNotStable, InputFileError
from dossier.intake.names import SourceName, relative_name
from dossier.intake.rules import SPEC_FILE, is_ignored_name, walk
from dossier.intake.sniff import sniff
from dossier.intake.spec import SpecFile, load_spec
from dossier.store import repo
from dossier.store.archive import Archive
from dossier.store.db import Database, init_db

IntakeStatus = Literal["new", "duplicate", "quarantined", "error"]


class IntakeResult(BaseModel):
    """What happened to one file.

    ``new``: archived and filed under the application. ``duplicate``: the application already had
    these exact bytes. ``quarantined``: archived and recorded as failed (``reason`` says why).
    ``error``: nothing was stored (the file could not be read or changed while being read); the
    source is left where it is for a later attempt.
    """

    source: Path
    application: str
    status: IntakeStatus
    sha256: str | None = None
    document_id: int | None = None
    media_type: str | None = None
    reason: str | None = None  # Chinese, for the user
    detail: str | None = None  # English, for logs

    @property
    def message(self) -> str:
        """One line for the user, in Chinese."""
        name = SourceName.of(self.source.name).display
        if self.status == "new":
            return f"已接收：{name}"
        if self.status == "duplicate":
            return f"已存在（重复文件）：{name}"
        if self.status == "quarantined":
            return f"已隔离：{name}（{self.reason}）"
        return f"未能接收，稍后重试：{name}（{self.reason}）"


class IntakeResults(list[IntakeResult]):
    """The results of one ``ingest_paths`` call, one per file taken, plus ``warnings``: Chinese
    lines for the user about the ``application.yaml`` files read on the way (unknown keys left
    out)."""

    def __init__(self, results: Iterable[IntakeResult] = (), warnings: Iterable[str] = ()):
        super().__init__(results)
        self.warnings = list(warnings)


def sync_application(folder: Path, name: str, db: Database) -> SpecFile | None:
    """Create or update application ``name`` from ``folder`` and its ``application.yaml``.

    Returns the parsed file (spec and warnings), or None when the folder has no
    ``application.yaml`` (the application is then created without one). A malformed file is a
    ConfigError naming it.
    """
    spec_path = folder / SPEC_FILE
    parsed = load_spec(spec_path) if spec_path.is_file() else None
    with db.session() as session:
        repo.get_or_create_application(session, name, folder=SourceName.of(folder).display,
                                       spec=parsed.spec if parsed else None)
    return parsed


def ingest_file(path: Path, application: str, db: Database, archive: Archive, *,
                name: SourceName | None = None, actor: str = "intake") -> IntakeResult:
    """Archive and record one file under ``application``; ``name``: its path in the application."""
    path = Path(path)
    name = name or SourceName.of(path.name)
    result = IntakeResult(source=path, application=application, status="error")
    try:
        sha256, size = archive.put(path)
    except FileNotStable as exc:
        return result.model_copy(update={"reason": exc.reason_zh, "detail": str(exc)})
    except OSError as exc:
        return result.model_copy(update={"reason": f"无法读取文件：{exc.strerror or exc}",
                                         "detail": str(exc)})

    failure: InputFileError | None = None
    media_type: str | None = None
    try:
        media_type = sniff(archive.path_for(sha256), name=name.display)
    except InputFileError as exc:
        failure = exc

    with db.session() as session:
        app = repo.get_or_create_application(session, application)
        doc, created = repo.record_document(
            session, sha256=sha256, size=size, media_type=media_type, name=name.display,
            name_hex=name.raw_hex, failure=failure)
        linked = repo.link_document(session, app, doc, path=name.display, path_hex=name.raw_hex)
        if created:
            repo.audit(session, actor, "document.received", f"document:{sha256}",
                       {"name": name.display, "size": size, "media_type": media_type,
                        "status": doc.status, "reason": doc.failure_reason})
        if linked:
            repo.audit(session, actor, "document.linked", f"application:{application}",
                       {"sha256": sha256, "path": name.display})
        status: IntakeStatus = ("duplicate" if not linked
                                else "quarantined" if doc.status == "failed" else "new")
        return result.model_copy(update={
            "status": status, "sha256": sha256, "document_id": doc.id,
            "media_type": doc.media_type, "reason": doc.failure_reason,
            "detail": doc.failure_detail})


def _plan(paths: Iterable[str | os.PathLike]) -> list[tuple[Path, Path | None]]:
    """Each file to ingest, with the folder its recorded name is relative to (None: base name)."""
    plan: list[tuple[Path, Path | None]] = []
    for given in paths:
        # Lexical normalisation: a "../" in an argument is resolved here, once, and never
        # reaches a recorded name.
        path = Path(os.path.abspath(given))
        if path.is_dir():
            plan.extend((file, path) for file in walk(path))
        elif path.is_file():
            if not is_ignored_name(path.name):
                plan.append((path, None))
        else:
            raise InputFileError("no such file or folder", path=given, reason_zh="文件或文件夹不存在")
    return plan


def ingest_paths(paths: Iterable[str | os.PathLike], application: str, settings: Settings, *,
                 db: Database | None = None, actor: str = "intake") -> IntakeResults:
    """Add files and folders (any depth) to ``application``; one result per file taken.

    A folder holding ``application.yaml`` defines the application (created or updated from it;
    its unknown keys are left out and listed in the results' ``warnings``).
    Temporary, partial and hidden files are skipped (``dossier.intake.rules``). A missing path
    is an InputFileError before anything is stored; a malformed ``application.yaml`` a ConfigError.
    ``db`` lets a long-running caller reuse its connection; by default the database named by
    ``settings`` is opened (and migrated) for this call.
    """
    paths = list(paths)
    plan = _plan(paths)
    own_db = db is None
    db = init_db(settings) if db is None else db
    try:
        archive = Archive.from_settings(settings)
        warnings: list[str] = []
        for given in paths:
            folder = Path(os.path.abspath(given))
            if folder.name == SPEC_FILE and folder.is_file():  # the spec file itself was named
                folder = folder.parent
            if folder.is_dir() and (folder / SPEC_FILE).is_file():
                warnings += sync_application(folder, application, db).warnings
        return IntakeResults((ingest_file(file, application, db, archive, name=relative_name(file, root),
                                          actor=actor)
                              for file, root in plan), warnings)
    finally:
        if own_db:
            db.dispose()
