"""Stored findings, their reviews, and field corrections.

A finding's identity is its fingerprint (``dossier.validate.engine.fingerprint``): code, subject
and the evidence values. Re-running validation updates the rows it finds again, adds new ones,
and marks the rest inactive, so a decision a person took (accepted, waived …) stays attached to
the same facts and the trail of every decision survives the finding itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from dossier.errors import ReviewError
from dossier.model import Discrepancy, Evidence, ExtractedDocument, ExtractedField, ReviewedDiscrepancy, ReviewNote
from dossier.store.schema import Discrepancy as DiscrepancyRow
from dossier.store.schema import Application, Extraction, FieldCorrection, Review

# What each review action leaves the finding as.
STATUS_AFTER = {"accept": "accepted", "correct": "corrected", "waive": "waived", "reopen": "open"}


def sync_findings(session: Session, application_id: int, found: Iterable[tuple[str, Discrepancy]]) -> None:
    """Store ``found`` (fingerprint, discrepancy) as the application's active findings.

    A finding seen before keeps its row, status and reviews (its message, severity and evidence
    are refreshed: boxes may move when a page is re-read); one no longer found becomes inactive.

    Two checks of one application at once (a worker's and the web app's) take turns: a write to
    the application's row first (a row lock on PostgreSQL, the write lock on SQLite) makes the
    second wait until the first has committed, and then read its rows instead of inserting the
    same fingerprints again.
    """
    session.execute(update(Application).where(Application.id == application_id)
                    .values(updated_at=Application.updated_at).execution_options(synchronize_session=False))
    rows = {row.fingerprint: row for row in session.scalars(
        select(DiscrepancyRow).where(DiscrepancyRow.application_id == application_id))}
    seen = set()
    for fp, d in found:
        seen.add(fp)
        evidence = [e.model_dump(mode="json") for e in d.evidence]
        row = rows.get(fp)
        if row is None:
            session.add(DiscrepancyRow(application_id=application_id, code=d.code, severity=d.severity,
                                       message=d.message, subject=d.subject, evidence=evidence,
                                       fingerprint=fp, active=True))
            continue
        row.severity, row.message, row.subject, row.evidence, row.active = (
            d.severity, d.message, d.subject, evidence, True)
        if row.status == "corrected":  # found again with the same facts: the correction did not fix it
            row.status = "open"
    for fp, row in rows.items():
        if fp not in seen and row.active:
            row.active = False


def load_findings(session: Session, application_id: int, *, include_inactive: bool = False) -> list[ReviewedDiscrepancy]:
    """The application's findings with their review state (active ones unless asked otherwise)."""
    query = (select(DiscrepancyRow).where(DiscrepancyRow.application_id == application_id)
             .options(selectinload(DiscrepancyRow.reviews)).order_by(DiscrepancyRow.id))
    if not include_inactive:
        query = query.where(DiscrepancyRow.active.is_(True))
    return [as_reviewed(row) for row in session.scalars(query)]


def as_reviewed(row: DiscrepancyRow) -> ReviewedDiscrepancy:
    """The model of a stored finding."""
    return ReviewedDiscrepancy(
        id=row.id, code=row.code, severity=row.severity, message=row.message, subject=row.subject,
        evidence=[Evidence(**e) for e in row.evidence], status=row.status,
        reviews=[ReviewNote(user=r.user_name, action=r.action, comment=r.comment,
                            new_value=None if r.new_value is None else str(r.new_value), at=r.at)
                 for r in row.reviews])


def get_finding(session: Session, finding_id: int) -> DiscrepancyRow:
    """The stored finding ``finding_id``; ReviewError when there is none."""
    row = session.get(DiscrepancyRow, finding_id)
    if row is None:
        raise ReviewError(f"no discrepancy {finding_id}", reason_zh=f"找不到编号为 {finding_id} 的问题")
    return row


def add_review(session: Session, row: DiscrepancyRow, *, user: str, action: str, comment: str | None,
               old_value: Any = None, new_value: Any = None) -> None:
    """Record a decision on ``row`` and set its status accordingly."""
    row.status = STATUS_AFTER[action]
    row.reviews.append(Review(user_name=user, action=action, comment=comment,
                              old_value=old_value, new_value=new_value))


# --- field corrections --------------------------------------------------------------------------


def add_correction(session: Session, *, document_id: int, first_page: int, name: str, value: Any,
                   previous: Any, user: str, comment: str | None) -> None:
    """Record a corrected value for one field of one logical document (newest wins)."""
    session.add(FieldCorrection(document_id=document_id, first_page=first_page, name=name, value=value,
                                previous=previous, user_name=user, comment=comment))


def latest_corrections(session: Session, document_ids: Iterable[int]) -> dict[tuple[int, int, str], FieldCorrection]:
    """The newest correction per (document id, first page, field name) of ``document_ids``."""
    ids = sorted(set(document_ids))
    latest: dict[tuple[int, int, str], FieldCorrection] = {}
    if not ids:
        return latest
    rows = session.scalars(select(FieldCorrection).where(FieldCorrection.document_id.in_(ids))
                           .order_by(FieldCorrection.at, FieldCorrection.id))
    for row in rows:
        latest[(row.document_id, row.first_page, row.name)] = row
    return latest


def apply_corrections(document: ExtractedDocument, document_id: int,
                      corrections: dict[tuple[int, int, str], FieldCorrection]) -> ExtractedDocument:
    """``document`` with its corrected fields: the person's value, confidence 1, the read value
    kept in ``raw`` and a note naming who corrected it."""
    for (doc_id, first_page, name), row in corrections.items():
        if doc_id != document_id or first_page != document.first_page:
            continue
        read = document.fields.get(name)
        note = f"corrected by {row.user_name}"
        if read is None:
            document.fields[name] = ExtractedField(value=row.value, confidence=1.0, page=first_page, notes=[note])
        else:
            document.fields[name] = read.model_copy(update={
                "value": row.value, "confidence": 1.0, "suggestion": None, "notes": [*read.notes, note]})
    return document


def current_value(session: Session, extraction: Extraction, name: str) -> Any:
    """The value of field ``name`` of ``extraction`` as readers see it: the newest correction,
    else the value as read (None when neither exists)."""
    corrected = latest_corrections(session, [extraction.document_id]).get(
        (extraction.document_id, extraction.first_page, name))
    if corrected is not None:
        return corrected.value
    return next((f.value for f in extraction.fields if f.name == name), None)
