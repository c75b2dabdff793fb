"""File names as received, kept faithfully even when they are not valid UTF-8.

On Linux a name is bytes. Names made on Chinese Windows and carried over by old zip tools or
Samba shares are often GBK, which Python hands over as surrogate escapes that no database can
store. We keep a display form that is always valid text (UTF-8 if the bytes are UTF-8, else GB
18030 if they decode as that, else UTF-8 with replacement characters) and, whenever the bytes are
not UTF-8, the exact bytes in hex. Names are only ever stored and shown, never used to build a path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePath


@dataclass(frozen=True)
class SourceName:
    display: str  # always valid text
    raw_hex: str | None  # the exact bytes, when they are not valid UTF-8

    @classmethod
    def of(cls, name: str | bytes | PurePath) -> SourceName:
        """The stored form of a file name or relative path (separators become ``/``)."""
        raw = os.fsencode(name)
        if os.sep != "/":
            raw = raw.replace(os.fsencode(os.sep), b"/")
        try:
            return cls(raw.decode("utf-8"), None)
        except UnicodeDecodeError:
            pass
        try:
            display = raw.decode("gb18030")
        except UnicodeDecodeError:
            display = raw.decode("utf-8", errors="replace")
        return cls(display, raw.hex())


def relative_name(path: Path, root: Path | None) -> SourceName:
    """The name to record for ``path``: relative to ``root`` when inside it, else the base name."""
    if root is not None:
        try:
            return SourceName.of(path.relative_to(root))
        except ValueError:
            pass
    return SourceName.of(path.name)
