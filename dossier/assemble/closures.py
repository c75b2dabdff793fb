"""Blocking findings a person closed (accepted, waived or corrected): who, when and why.

A formal packet passes the gate only when no blocking finding is open, so every blocking finding
closed by a decision rather than by a check that no longer finds it is listed in the report and
the manifest; ID numbers in them are masked like the rest of those files.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from dossier.assemble.inputs import ReviewedDiscrepancy
from dossier.privacy import mask_text

CLOSING_ACTIONS = ("accept", "waive", "correct")


@dataclass(frozen=True)
class Closure:
    """The decision that closed one blocking finding."""

    code: str
    message: str
    subject: str
    status: str
    action: str
    user: str
    at: str | None  # ISO 8601, UTC
    comment: str | None
    new_value: str | None

    def as_dict(self) -> dict:
        return asdict(self)


def closed_by_person(findings: list[ReviewedDiscrepancy]) -> list[Closure]:
    """One Closure per blocking finding that is not open, from its latest closing decision."""
    closures = []
    for d in findings:
        if d.severity != "blocking" or d.status == "open":
            continue
        last = next((r for r in reversed(d.reviews) if r.action in CLOSING_ACTIONS), None)
        if last is None:
            continue
        closures.append(Closure(
            code=d.code, message=mask_text(d.message), subject=mask_text(d.subject), status=d.status,
            action=last.action, user=last.user, at=last.at.isoformat() if last.at else None,
            comment=mask_text(last.comment) if last.comment else None,
            new_value=mask_text(last.new_value) if last.new_value else None))
    return closures
