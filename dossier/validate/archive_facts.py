"""What the rest of the archive tells about an application: its people elsewhere, its history.

Validation never reads the store; whoever runs it over a stored application may hand it an
``ArchiveFacts`` (``dossier.workflow.archive_facts`` collects one): the ``Appearance`` of each
roster person at other companies (SOCIAL_INSURANCE_ELSEWHERE compares them with the filing
window), and the applicant's 资质证书 filed under its other applications, so that what it held
on a project's dates is known beyond the certificate in this filing (QUALIFICATION_NOT_HELD,
SCOPE_EXCEEDED).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from dossier.model import Evidence
from dossier.validate.facts import DocumentFacts

AppearanceKind = Literal["roster", "certificate", "statement"]
KIND_ZH = {"roster": "申报人员名单", "certificate": "证书或劳动合同", "statement": "社保缴费证明"}


@dataclass(frozen=True)
class Appearance:
    """One person named by another company's application roster, certificate or statement."""

    id_number: str  # upper-case
    name: str | None
    company: str  # the other unit: the application's company, the 聘用企业 / 工作单位 / 甲方, the payer
    kind: AppearanceKind
    application: str  # the archived application it was filed under
    evidence: Evidence
    months: tuple[str, ...] = ()  # statement: the months insured (YYYY-MM)
    day: date | None = None  # roster: that filing's date; certificate: its issue or signing date


@dataclass(frozen=True)
class ArchiveFacts:
    appearances: tuple[Appearance, ...] = ()
    certificates: tuple[DocumentFacts, ...] = ()  # the applicant's 资质证书 under its other applications
