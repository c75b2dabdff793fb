"""``dossier verify``: is every original still there, byte for byte, and do database and files agree?

Checks, each finding one :class:`Problem`:

* every document row has its original in the archive (``missing_original``), the original still
  hashes to its digest and has the recorded size (``altered_original``) and is read-only
  (``writable_original``: nothing changed it yet, but nothing stops a tool from doing so);
* every file in the archive is an original some row refers to (``stray_original``: what a crash
  between archiving and recording leaves; ``unexpected_file``: anything that is not a digest-named
  blob in its fan-out folder);
* no temporary file is left behind by an interrupted write (``leftover_temp``, in the archive and
  among derived artefacts). A temporary file younger than ``TEMP_GRACE_SECONDS`` belongs to a
  write still going on and is not reported.

Nothing is changed: the report says what is wrong and what to do; a person decides.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy import select

from dossier.config import Settings
from dossier.errors import StoreError
from dossier.store.archive import Archive, hash_file
from dossier.store.db import Database
from dossier.store.fsutil import TEMP_PREFIX
from dossier.store.schema import Document

TEMP_GRACE_SECONDS = 600.0
Severity = Literal["error", "warning"]

_MESSAGES = {
    "missing_original": "原件缺失：数据库有记录，存档中没有该文件",
    "altered_original": "原件已被改动：内容与记录的 SHA-256 不一致",
    "writable_original": "原件不是只读文件（内容未变，但可能被改动）",
    "stray_original": "存档中有文件但数据库没有对应记录（可能是接收中断留下的）",
    "unexpected_file": "存档目录中有不属于存档的文件",
    "leftover_temp": "中断写入留下的临时文件，可以删除",
}
_SEVERITY: dict[str, Severity] = {
    "missing_original": "error", "altered_original": "error", "writable_original": "warning",
    "stray_original": "warning", "unexpected_file": "warning", "leftover_temp": "warning",
}


@dataclass(frozen=True)
class Problem:
    kind: str  # one of the keys of _MESSAGES
    path: str  # the file concerned (or where it should be)
    sha256: str | None = None
    detail: str = ""  # English, e.g. the digest actually found

    @property
    def severity(self) -> Severity:
        return _SEVERITY[self.kind]

    @property
    def message(self) -> str:
        """What is wrong, in Chinese."""
        return _MESSAGES[self.kind]

    def as_dict(self) -> dict:
        return {**asdict(self), "severity": self.severity, "message": self.message}


@dataclass
class VerifyReport:
    documents: int = 0  # rows checked
    originals_ok: int = 0  # of which the original is present and intact
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {"ok": self.ok, "documents": self.documents, "originals_ok": self.originals_ok,
                "problems": [p.as_dict() for p in self.problems]}


def _files(root: Path) -> Iterator[Path]:
    """Every regular file under ``root`` (symbolic links reported as files, never followed)."""
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            yield Path(folder) / name


def _is_temp(path: Path) -> bool:
    return path.name.startswith(TEMP_PREFIX)


def _old_enough(path: Path, now: float) -> bool:
    try:
        return now - path.lstat().st_mtime >= TEMP_GRACE_SECONDS
    except FileNotFoundError:  # finished (renamed into place) while we looked
        return False


def verify_store(settings: Settings, db: Database) -> VerifyReport:
    """Check the archive of ``settings`` against the database ``db``; see the module docstring."""
    archive = Archive.from_settings(settings)
    report = VerifyReport()
    with db.session() as session:
        rows = session.execute(select(Document.sha256, Document.size).order_by(Document.sha256)).all()
    known = {sha256 for sha256, _ in rows}
    for sha256, size in rows:
        report.documents += 1
        problem = _check_original(archive, sha256, size)
        if problem is None:
            report.originals_ok += 1
        else:
            report.problems.append(problem)
            if problem.kind == "writable_original":
                report.originals_ok += 1
    now = time.time()
    for path in _files(archive.root):
        if _is_temp(path):
            if _old_enough(path, now):
                report.problems.append(Problem("leftover_temp", str(path)))
            continue
        if path.name in known and path.parent.name == path.name[:2] and path.parent.parent == archive.root:
            continue
        report.problems.append(_stray(archive, path))
    report.problems.extend(Problem("leftover_temp", str(path)) for path in _files(settings.derived_dir)
                           if _is_temp(path) and _old_enough(path, now))
    return report


def _check_original(archive: Archive, sha256: str, size: int) -> Problem | None:
    path = archive.path_for(sha256)
    try:
        st = path.lstat()
    except FileNotFoundError:
        return Problem("missing_original", str(path), sha256)
    if not stat.S_ISREG(st.st_mode):
        return Problem("altered_original", str(path), sha256, "not a regular file")
    try:
        found, found_size = hash_file(path)
    except OSError as exc:
        return Problem("altered_original", str(path), sha256, f"cannot be read: {exc}")
    if found != sha256 or found_size != size:
        return Problem("altered_original", str(path), sha256,
                       f"content hashes to {found} ({found_size} bytes, {size} recorded)")
    if st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return Problem("writable_original", str(path), sha256, f"mode {stat.filemode(st.st_mode)}")
    return None


def _stray(archive: Archive, path: Path) -> Problem:
    """A file in the archive no row refers to: a digest-named blob, or something else."""
    name = path.name
    try:
        expected = archive.path_for(name)
    except StoreError:  # not a digest
        return Problem("unexpected_file", str(path))
    if expected != path or path.is_symlink():
        return Problem("unexpected_file", str(path), None, f"belongs at {expected}")
    try:
        found, _ = hash_file(path)
    except OSError as exc:
        return Problem("stray_original", str(path), name, f"cannot be read: {exc}")
    detail = "content matches its name" if found == name else f"content hashes to {found}"
    return Problem("stray_original", str(path), name, detail)
