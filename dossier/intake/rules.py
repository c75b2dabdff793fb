"""Which files intake ignores: one implementation for ``dossier ingest`` and the watcher.

Editors, office suites, browsers and Windows leave temporary, partial and metadata files next to
real scans; taking them would archive half-written downloads and lock files as "documents".
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

SPEC_FILE = "application.yaml"

_IGNORED_PATTERNS = (
    "~$*",  # Microsoft Office owner/lock file
    ".~lock*",  # LibreOffice lock file
    "*.part",  # Firefox, wget, rsync partial downloads
    "*.crdownload",  # Chrome partial download
    "*.tmp",
    "thumbs.db",
    "desktop.ini",
)


def is_ignored_name(name: str) -> bool:
    """True for one file or folder name that intake never takes (case-insensitive)."""
    if name.startswith(".") or name == SPEC_FILE:
        return True
    lowered = name.lower()
    return any(fnmatch.fnmatchcase(lowered, pattern) for pattern in _IGNORED_PATTERNS)


def is_ignored(path: Path, root: Path) -> bool:
    """True when ``path`` (inside ``root``) or any folder between them is ignored.

    Dot-folders count, which covers the watcher's own ``.done`` and ``.quarantine``. So do
    symbolic links: a linked application folder would lead the watcher out of the inbox (and
    make it move files it does not own into ``.done``).
    """
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return is_ignored_name(path.name)
    if any(is_ignored_name(part) for part in parts):
        return True
    current = root
    for part in parts:
        current = current / part
        if current.is_symlink():
            return True
    return False


def walk(root: Path) -> list[Path]:
    """The files under ``root`` (any depth) that intake takes, in a stable order.

    Symbolic links are not followed: a link in an inbox must not pull in files from elsewhere.
    """
    found: list[Path] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(folder.iterdir())
        except FileNotFoundError:  # removed while we walked
            continue
        for entry in entries:
            if is_ignored_name(entry.name) or entry.is_symlink():
                continue
            if entry.is_dir():
                stack.append(entry)
            elif entry.is_file():
                found.append(entry)
    return sorted(found)
