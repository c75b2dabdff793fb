"""Which qualifications the applicant held on a day, from its 资质证书 in the application.

A certificate holds each qualification it lists from its issue date to its valid_until, both
days included. A certificate's issue date is that of the copy in hand: a 资质证书 is reissued on
renewal and on every change, so a day before the earliest certificate at hand proves nothing
(``before``), while a day after one certificate expired and before the next was issued is a
lapse (``lapsed``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from dossier.model import Evidence
from dossier.standards.loader import Standards
from dossier.validate.evidence import field_evidence
from dossier.validate.facts import DocumentFacts
from dossier.validate.project_facts import day_of

HeldStatus = Literal["held", "other_category", "lapsed", "before", "no_certificate"]
CERTIFICATE = "qualification_certificate"


@dataclass(frozen=True)
class Holding:
    """One qualification listed on one certificate."""

    name: str  # as printed: 建筑工程施工总承包三级
    category: str | None  # the standards' category, when a standard of the regime names it
    level: str | None
    issued: date | None
    until: date | None
    doc: DocumentFacts

    def covers(self, day: date) -> bool:
        # an unread date is no evidence of a lapse: only a read one can exclude the day
        return (self.issued is None or self.issued <= day) and (self.until is None or day <= self.until)

    def of(self, category: str) -> bool:
        return (self.category or self.name).startswith(category)

    def evidence(self) -> list[Evidence]:
        return [field_evidence(self.doc, "qualifications", self.name), field_evidence(self.doc, "issue_date"),
                field_evidence(self.doc, "valid_until")]


@dataclass(frozen=True)
class HeldOn:
    """The answer for one (category, day): the status and the certificates behind it."""

    status: HeldStatus
    holdings: list[Holding]  # held: those of the category; other_category: the others; lapsed: the expired


def holdings(documents: list[DocumentFacts], standards: Standards, regime: str) -> list[Holding]:
    """Every qualification listed on every 资质证书 of ``documents``."""
    found = []
    for doc in documents:
        if doc.doc_type != CERTIFICATE:
            continue
        listed = doc.field("qualifications")
        names = listed.value if listed and isinstance(listed.value, list) else [doc.text("qualifications") or ""]
        for name in filter(None, names):
            parsed = standards.parse_qualification(name, regime)
            found.append(Holding(name=name, category=parsed[0].category if parsed else None,
                                 level=parsed[1].level if parsed else None,
                                 issued=day_of(doc.text("issue_date")), until=day_of(doc.text("valid_until")), doc=doc))
    return found


def held_on(all_holdings: list[Holding], category: str, day: date) -> HeldOn:
    """Whether a qualification of ``category`` was held on ``day`` (see the module docstring)."""
    if not all_holdings:
        return HeldOn("no_certificate", [])
    covering = [h for h in all_holdings if h.covers(day)]
    if covering:
        mine = [h for h in covering if h.of(category)]
        return HeldOn("held", mine) if mine else HeldOn("other_category", covering)
    expired = [h for h in all_holdings if h.until is not None and h.until < day]
    if expired:
        return HeldOn("lapsed", expired)
    return HeldOn("before", [])
