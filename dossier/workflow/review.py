"""Review: a person's decision on a finding, and corrections of extracted values.

Every decision is stored with who, when, the comment and the old and new value, and written to
the audit trail. A correction never overwrites what was read: it is stored beside it and applied
when the fields are loaded (``dossier.store.findings``). A correction, like any change of facts,
re-runs validation for every application holding the document, so a finding it resolves
disappears at once, and one it does not resolve comes back open.
"""

from __future__ import annotations

from sqlalchemy import select

from dossier.config import Settings
from dossier.errors import ReviewError
from dossier.extract.normalize import NORMALISERS
from dossier.extract.spec import load_specs
from dossier.model import Evidence, ReviewAction, ReviewedDiscrepancy
from dossier.store import findings as stored
from dossier.store import repo
from dossier.store.db import Database
from dossier.store.schema import Application, Document, Extraction
from dossier.validate.messages import field_label
from dossier.workflow.check import check_application, load_findings

ACTIONS: tuple[ReviewAction, ...] = ("accept", "correct", "waive", "reopen")


def review(db: Database, settings: Settings, discrepancy_id: int, action: ReviewAction, *, user: str,
           comment: str | None = None, new_value: str | None = None,
           evidence_index: int = 0) -> list[ReviewedDiscrepancy]:
    """Take ``action`` on finding ``discrepancy_id``; returns the application's findings after it.

    ``accept``: the values are right as read (the finding no longer blocks). ``waive``: let it pass
    for a reason, which ``comment`` must give. ``correct``: ``new_value`` replaces the value of
    ``evidence[evidence_index]``, then validation runs again. ``reopen``: back to open.
    A blocking finding is closed only by a correction or with a written reason (see
    :func:`require_reason`), whichever way the decision arrives (web, API, CLI).
    Raises ReviewError (Chinese reason) for a decision that cannot be taken as given.
    """
    if action not in ACTIONS:
        raise ReviewError(f"unknown review action {action!r}", reason_zh=f"未知的审核操作：{action}")
    comment = (comment or "").strip() or None
    holders: list[str] = []
    with db.session() as session:
        row = stored.get_finding(session, discrepancy_id)
        require_reason(action, row.severity, comment)
        app_name = session.get(Application, row.application_id).name
        details = {"code": row.code, "subject": row.subject, "comment": comment, "application": app_name}
        if action == "correct":
            if not 0 <= evidence_index < len(row.evidence):
                raise ReviewError(f"discrepancy {row.id} has no evidence {evidence_index}",
                                  reason_zh="要更正的证据不存在")
            evidence = Evidence(**row.evidence[evidence_index])
            value, previous = _correct(session, evidence, new_value, user=user, comment=comment)
            stored.add_review(session, row, user=user, action=action, comment=comment,
                              old_value=previous, new_value=value)
            details |= {"field": evidence.field, "document": evidence.sha256, "old": previous, "new": value}
            holders = [app.name for app in repo.applications_of(session, evidence.sha256)]
        else:
            stored.add_review(session, row, user=user, action=action, comment=comment)
        repo.audit(session, user, f"review.{action}", f"discrepancy:{row.id}", details)
    # A decision changes no fact; a correction does, for every application holding the document.
    for name in holders:
        if name != app_name:
            check_application(db, settings, name, actor=user)
    if holders:
        return check_application(db, settings, app_name, actor=user).findings
    return load_findings(db, app_name)


def require_reason(action: ReviewAction, severity: str, comment: str | None) -> None:
    """ReviewError unless a decision that closes a finding without changing a fact says why:
    every waiver, and an accept of a blocking finding (it lets a formal packet be bound, so the
    packet's report must be able to name the reason)."""
    if comment is not None:
        return
    if action == "waive":
        raise ReviewError("a waiver needs a comment", reason_zh="豁免必须填写理由")
    if action == "accept" and severity == "blocking":
        raise ReviewError("accepting a blocking finding needs a comment",
                          reason_zh="接受阻断性问题必须填写理由（或更正数值）")


def correct_field(db: Database, settings: Settings, sha256: str, first_page: int, field: str,
                  value: str, *, user: str, comment: str | None = None) -> None:
    """Correct ``field`` of the logical document starting on ``first_page`` of file ``sha256``
    (a value edited on the document page), then re-validate every application holding it."""
    with db.session() as session:
        evidence = Evidence(sha256=sha256, field=field, value="", page=first_page)
        _correct(session, evidence, value, user=user, comment=(comment or "").strip() or None)
        holders = [app.name for app in repo.applications_of(session, sha256)]
    for name in holders:
        check_application(db, settings, name, actor=user)


def _correct(session, evidence: Evidence, new_value: str | None, *, user: str,
             comment: str | None) -> tuple[str | list[str], str | list[str] | None]:
    """Store the correction ``evidence`` points at; returns (new value, value before)."""
    if new_value is None or not new_value.strip():
        raise ReviewError("a correction needs the new value", reason_zh="更正必须填写新的值")
    document = session.scalar(select(Document).where(Document.sha256 == evidence.sha256))
    if document is None:
        raise ReviewError(f"evidence {evidence.field} is not from a stored document",
                          reason_zh="这项证据不是来自已存档的文件（例如来自申报人员名单 application.yaml），请直接修改该文件")
    extraction = _extraction_at(document, evidence.page)
    if extraction is None or "[" in evidence.field or "." in evidence.field:
        raise ReviewError(f"evidence {evidence.field} of {evidence.sha256} is no extracted field",
                          reason_zh=f"「{evidence.field}」不是可更正的识别字段")
    value = normalise_correction(extraction.doc_type, evidence.field, new_value)
    current = stored.current_value(session, extraction, evidence.field)
    stored.add_correction(session, document_id=document.id, first_page=extraction.first_page,
                          name=evidence.field, value=value, previous=current, user=user, comment=comment)
    repo.audit(session, user, "field.correct", f"document:{document.sha256}",
               {"first_page": extraction.first_page, "field": evidence.field, "old": current, "new": value,
                "comment": comment})
    return value, current


def _extraction_at(document: Document, page: int) -> Extraction | None:
    """The logical document of ``document`` that covers file page ``page``."""
    found = None
    for ex in document.extractions:  # ordered by first_page
        if ex.first_page <= page and (ex.page_count == 0 or page < ex.first_page + ex.page_count):
            found = ex
    return found


def normalise_correction(doc_type: str | None, field: str, text: str) -> str | list[str]:
    """A person's value in the contract's form, by the field's own normaliser (a date typed as
    2024年3月1日 is stored as 2024-03-01). ReviewError when it does not parse."""
    spec = load_specs().get(doc_type or "")
    fspec = spec.fields.get(field) if spec else None
    if fspec is None:
        return text.strip()
    normalised = NORMALISERS[fspec.normaliser](text.strip())
    if normalised is None or normalised.value is None:
        raise ReviewError(f"{text!r} does not parse as {field}",
                          reason_zh=f"「{text.strip()}」不是有效的{field_label(doc_type, field)}")
    value = normalised.value
    if isinstance(value, tuple):
        value = value[0] if fspec.part == "start" else value[-1] if fspec.part == "end" else list(value)
    return value

