"""Originals, stored content-addressed and never modified.

A file's bytes live at ``<archive_dir>/<first two hex digits>/<sha256>`` (the full digest as the
name, so ``sha256sum`` on the folder checks itself). The original name and extension are not part
of the path; the database keeps the name as received. Blobs are written atomically and made
read-only; an existing blob is verified, never rewritten.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import BinaryIO

from dossier.config import Settings
from dossier.errors import FileNotStable, IntegrityError, StoreError
from dossier.store.fsutil import atomic_write

CHUNK_SIZE = 1 << 20
READ_ONLY = 0o444
_SHA256 = re.compile(r"[0-9a-f]{64}")


def hash_stream(stream: BinaryIO) -> tuple[str, int]:
    """SHA-256 hex digest and byte count of a stream, read in chunks (files may be large)."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK_SIZE):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def hash_file(path: Path) -> tuple[str, int]:
    """SHA-256 hex digest and size of the file at ``path``."""
    with open(path, "rb") as stream:
        return hash_stream(stream)


class Archive:
    """The content-addressed store of originals rooted at one folder."""

    def __init__(self, root: Path):
        self.root = Path(root)

    @classmethod
    def from_settings(cls, settings: Settings) -> Archive:
        return cls(settings.archive_dir)

    def path_for(self, sha256: str) -> Path:
        """Where the blob for ``sha256`` lives (whether or not it exists yet)."""
        # The digest is the only thing that becomes a path, so check it is one.
        if not _SHA256.fullmatch(sha256):
            raise StoreError(f"not a lower-case SHA-256 hex digest: {sha256!r}",
                             reason_zh="无效的文件摘要")
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put(self, path: Path) -> tuple[str, int]:
        """Store the file at ``path``; return its SHA-256 and size. Idempotent.

        An existing blob with the same digest is verified and left alone; a blob that no longer
        matches its digest raises IntegrityError (tampering or disk damage must be looked at, not
        papered over). If the source changes while it is being copied, FileNotStable is raised
        and nothing is stored.
        """
        path = Path(path)
        sha256, size = hash_file(path)
        target = self.path_for(sha256)
        if target.exists():
            if not self.verify(sha256):
                raise IntegrityError(f"stored blob {sha256} does not match its digest", path=target)
            return sha256, size

        def copy(out: BinaryIO) -> None:
            # Hash what is actually written: the source may have changed since the first pass.
            digest = hashlib.sha256()
            with open(path, "rb") as src:
                while chunk := src.read(CHUNK_SIZE):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != sha256:
                raise FileNotStable("file changed while it was being archived", path=path)

        atomic_write(target, copy, mode=READ_ONLY)
        return sha256, size

    def open(self, sha256: str) -> BinaryIO:
        """Open the blob for reading; StoreError naming the digest when it is missing."""
        try:
            return open(self.path_for(sha256), "rb")
        except FileNotFoundError as exc:
            raise StoreError(f"original {sha256} is not in the archive", path=self.root,
                             reason_zh=f"原件缺失：{sha256}") from exc

    def verify(self, sha256: str) -> bool:
        """True when the blob exists and its content still hashes to ``sha256``."""
        try:
            with open(self.path_for(sha256), "rb") as stream:
                return hash_stream(stream)[0] == sha256
        except FileNotFoundError:
            return False
