"""Crash-safe file writing shared by the archive and the derived-artefact cache.

The recipe: write to a temporary file in the destination folder (so the rename stays on one
filesystem and is atomic), fsync the file, rename it into place, fsync the folder (so the rename
itself survives a power cut). A reader therefore sees either no file or the complete file.
Temporary names start with ``.tmp-``; whatever a crash leaves behind is never at a final path.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

TEMP_PREFIX = ".tmp-"


def fsync_dir(folder: Path) -> None:
    """Make a rename or creation inside ``folder`` durable."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # platforms (Windows) that cannot open a folder; rename is durable there
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, write: Callable[[BinaryIO], None], *, mode: int = 0o644) -> None:
    """Create ``path`` atomically with what ``write`` puts into the open temporary file.

    ``mode`` (e.g. ``0o444``) is applied before the rename, so the final path never exists with
    other permissions (the temporary file starts as ``0o600``). On any error the temporary file is
    removed and the error re-raised.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
