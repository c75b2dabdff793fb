"""Derived artefacts (rendered pages, OCR results): kept apart from originals, rebuildable.

Everything here can be deleted and recomputed from the archive, so a missing or unreadable file
is a cache miss, not an error. Layout: ``<derived_dir>/<sha[:2]>/<sha>/<parts...>``; callers put
the engine and its version into ``parts`` so a new engine never reads an old engine's output.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from dossier.config import Settings
from dossier.errors import StoreError
from dossier.store.archive import Archive
from dossier.store.fsutil import atomic_write

log = logging.getLogger(__name__)


def derived_path(settings: Settings, sha256: str, *parts: str) -> Path:
    """The path of a derived artefact of the original ``sha256``, e.g. ``(sha, "ocr", "p1.json")``.

    Each part must be one plain name: no separators, no ``..``, so a caller's value (an engine
    name, a page number) can never point outside the artefact's folder.
    """
    for part in parts:
        if not part or part in (".", "..") or "/" in part or "\\" in part or "\0" in part:
            raise StoreError(f"unsafe derived path component {part!r}", reason_zh="派生文件路径不安全")
    # Reuse the archive's digest check and fan-out so both stores are laid out alike.
    blob = Archive(settings.derived_dir).path_for(sha256)
    return blob.joinpath(*parts)


def write_bytes(path: Path, data: bytes) -> None:
    """Atomically write ``data`` to ``path`` (readers never see half a file)."""
    atomic_write(path, lambda out: out.write(data))


def write_json(path: Path, data: Any) -> None:
    """Atomically write ``data`` as UTF-8 JSON (Chinese kept readable, not ``\\u`` escaped)."""
    write_bytes(path, json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def read_json(path: Path) -> Any | None:
    """The JSON stored at ``path``, or None when it is missing or unreadable (a cache miss)."""
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable derived file %s: %s", path, exc)
        return None
