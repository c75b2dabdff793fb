"""Giving a PDF password after the fact: documents refused for want of one are read again.

A document that failed with ``EncryptedFile`` stays failed on a plain re-run (processing is
idempotent). When the user hands in the same file again together with passwords
(``dossier ingest FILE --password ...``), those documents go back to ``received`` so the pages
stage tries them once more with the passwords now in the settings. The password itself is never
recorded: the audit event only says that the document was reopened and why.
"""

from __future__ import annotations

from collections.abc import Iterable

from dossier.errors import EncryptedFile
from dossier.intake.sniff import PDF
from dossier.store import repo
from dossier.store.db import Database


def reopen_encrypted(db: Database, sha256s: Iterable[str], *, actor: str = "intake") -> list[str]:
    """Put the documents among ``sha256s`` that failed only for a missing or wrong PDF password
    back to ``received``; returns their digests, in the order given, each once."""
    reopened: list[str] = []
    with db.session() as session:
        for sha256 in dict.fromkeys(sha256s):
            doc = repo.find_document(session, sha256)
            if (doc is None or doc.status != "failed" or doc.media_type != PDF
                    or doc.failure_code != EncryptedFile.__name__):
                continue  # (an encrypted Office file cannot be opened with a password here)
            repo.set_status(session, doc.id, "received")
            repo.audit(session, actor, "document.reopened", f"document:{sha256}",
                       {"why": "PDF password supplied"})
            reopened.append(sha256)
    return reopened
