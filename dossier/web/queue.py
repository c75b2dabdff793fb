"""An application's review queue as one screen: its filters, their choices, one page of findings.

The application page and ``GET /api/applications/{name}/queue`` both serve a ``QueueView``. A
person is chosen by name (their roster name, else the masked ID number), never by the full
number, so no URL, history entry or access-log line carries it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from pydantic import BaseModel, Field

from dossier.model import ApplicationSpec
from dossier.privacy import mask_id
from dossier.web.views import FindingView

PAGE_SIZE = 200
_ID = re.compile(r"\d{17}[\dX]")


class QueueFilter(BaseModel):
    """What the queue shows; every filter given must hold."""

    severity: str | None = Field(None, description="blocking | warning | info")
    code: str | None = Field(None, description="问题类型代码，如 AGE_LIMIT")
    person: str | None = Field(None, description="人员：名单上的姓名，或打码的身份证号")
    document: str | None = Field(None, description="文件的 SHA-256")
    status: str | None = Field(None, description="open（待处理）| done（已处理）| accepted | corrected | waived")
    page: int = Field(1, ge=1, le=1_000_000)

    def query(self) -> dict[str, str]:
        """The filters as query parameters (without the page): for links to other pages."""
        return {k: str(v) for k, v in self.model_dump(exclude={"page"}).items() if v}

    def suffix(self) -> str:
        """``?severity=…`` carrying the filters to a finding's page and back, or nothing: j/k on a
        finding opened from a filtered queue walk that queue, not the whole one."""
        query = self.query()
        return "?" + urlencode(query) if query else ""


@dataclass
class Choice:
    value: str
    label: str


@dataclass
class QueueView:
    filters: QueueFilter
    items: list[FindingView]  # this page's findings, in queue order
    total: int  # findings matching the filters
    open_total: int  # open findings of the application, whatever the filters
    page: int
    pages: int
    codes: list[Choice] = field(default_factory=list)
    people: list[Choice] = field(default_factory=list)
    documents: list[Choice] = field(default_factory=list)
    page_size: int = PAGE_SIZE

    @property
    def first_index(self) -> int:
        """How many findings come before this page (numbering runs on across pages)."""
        return (self.page - 1) * self.page_size


def person_key(subject: str, names: dict[str, str]) -> str | None:
    """How a finding's subject is chosen as a person: roster name, else masked ID; None for a
    subject that is no person (a company, a document)."""
    if not _ID.fullmatch(subject):
        return None
    return names.get(subject) or mask_id(subject)


def _documents_of(view: FindingView) -> dict[str, str]:
    """sha256 -> masked path of the documents a finding cites or is about."""
    cited = {e.sha256: e.path or e.sha256[:12] for e in view.evidence if e.document}
    if re.fullmatch(r"[0-9a-f]{64}", view.finding.subject):
        cited.setdefault(view.finding.subject, view.subject_label)
    return cited


def _matches(view: FindingView, f: QueueFilter, names: dict[str, str]) -> bool:
    status = view.status
    return ((not f.severity or view.severity == f.severity)
            and (not f.code or view.code == f.code)
            and (not f.person or person_key(view.finding.subject, names) == f.person)
            and (not f.document or f.document in _documents_of(view))
            and (not f.status or status == f.status or (f.status == "done" and status != "open")))


def _names(spec: ApplicationSpec | None) -> dict[str, str]:
    return {p.id_number: p.name for p in spec.roster} if spec else {}


def matching(views: list[FindingView], spec: ApplicationSpec | None, filters: QueueFilter) -> list[FindingView]:
    """The findings of ``views`` (the whole queue, in order) that ``filters`` keep, every page."""
    names = _names(spec)
    return [v for v in views if _matches(v, filters, names)]


def queue_view(views: list[FindingView], spec: ApplicationSpec | None, filters: QueueFilter,
               code_names: dict[str, str]) -> QueueView:
    """One page of ``views`` (the whole queue, in order) under ``filters``, with every filter's
    choices taken from the whole queue."""
    names = _names(spec)
    chosen = matching(views, spec, filters)
    size = PAGE_SIZE
    pages = max(1, math.ceil(len(chosen) / size))
    page = min(filters.page, pages)
    codes = sorted({v.code for v in views})
    people = sorted({k for v in views if (k := person_key(v.finding.subject, names))})
    documents: dict[str, str] = {}
    for v in views:
        documents.update(_documents_of(v))
    return QueueView(
        filters=filters, items=chosen[(page - 1) * size:page * size], total=len(chosen),
        open_total=sum(v.status == "open" for v in views), page=page, pages=pages,
        codes=[Choice(c, code_names.get(c, c)) for c in codes], people=[Choice(p, p) for p in people],
        documents=sorted((Choice(sha, path) for sha, path in documents.items()), key=lambda c: c.label),
        page_size=size)
