"""Whether a company still meets each level it holds: the ledger's per-level view.

For each qualification on the company's newest 资质证书, the people the standard counts there
(the 技术负责人 at every level; the head counts where the regime still assesses them, under
2014+2016 a category's lowest level), counted among the company's roster people insured with it
in the month its newest 社保缴费明细 reaches: ``met`` (满足), ``short`` (不满足) or ``unknown``
(无法判断: no statement, no roster, a figure or the qualification the standards do not know), with
the figures. ``dossier.ledger.personnel`` computes it, and raises HEADCOUNT_BELOW_STANDARD from
these very lines, so the view and the alerts never disagree. 净资产 and 业绩 are a filing's
questions (``dossier assess``): the ledger does not judge them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from dossier.standards.loader import OWN_FILE_ZH
from dossier.standards.schema import CONFIDENCE_ZH, JUDGEMENT_ZH, Confidence, Judgement, overall

# What the view judges, said beside it (the page, the command)
STANDING_SCOPE_ZH = ("按最新社保缴费明细核对技术负责人及资质标准仍考核的人员数量；"
                     "净资产与业绩请在申报项目中对照资质标准（dossier assess）")


class Departed(BaseModel):
    """Someone counted in a role who is not insured with the company in the newest month."""

    model_config = ConfigDict(extra="forbid")

    name: str | None
    id_number: str | None = None
    last_month: str | None = None  # last insured month with the company; None: never insured here


class StandingLine(BaseModel):
    """One count a level asks: the 技术负责人, or a role (and its specialties' share)."""

    model_config = ConfigDict(extra="forbid")

    key: str  # technical_lead, registered_constructor, registered_constructor:建筑工程 …
    role: str
    specialties: list[str] = Field(default_factory=list)  # of the count; empty: the role as a whole
    title: str  # Chinese: 注册建造师（建筑工程、机电工程专业）
    status: Judgement
    required: int | None  # None: the standard gives no figure
    found: int | None  # None: not counted (no statement, no roster)
    reason: str  # Chinese, with the figures: 注册建造师 2/3，差 1 人（张三已离职或停保）
    confidence: Confidence
    # the standard's 技术负责人 (alerted once one has left), not a head count of the role
    lead: bool = Field(default=False, exclude=True)
    # who is not insured in the newest month (for the alerts; names only in ``reason``)
    departed: list[Departed] = Field(default_factory=list, exclude=True)

    @property
    def status_zh(self) -> str:
        return JUDGEMENT_ZH[self.status]


class LevelStanding(BaseModel):
    """One qualification a company holds and whether it still meets it."""

    model_config = ConfigDict(extra="forbid")

    company: str | None
    uscc: str | None
    qualification: str  # as its 资质证书 lists it
    status: Judgement
    regime: str
    standard_file: str | None = None  # the company's own standard file the figures come from
    newest_month: str | None = None  # the month the newest 社保缴费明细 reaches; None: none in the archive
    lines: list[StandingLine] = Field(default_factory=list)
    reason: str  # Chinese: the lines not met, in figures, or why nothing can be said

    @property
    def status_zh(self) -> str:
        return JUDGEMENT_ZH[self.status]

    @property
    def basis_zh(self) -> str:
        """The standard the figures come from, as a message says it: the company's own file, if any."""
        return f"{OWN_FILE_ZH} {self.standard_file}，" if self.standard_file else ""

    def contract(self) -> dict[str, Any]:
        """The JSON of ``dossier ledger --json`` and the API: the model and the Chinese words."""
        return {**self.model_dump(mode="json"), "status_zh": self.status_zh,
                "lines": [{**line.model_dump(mode="json"), "status_zh": line.status_zh,
                           "confidence_zh": CONFIDENCE_ZH[line.confidence]} for line in self.lines]}


def level_status(lines: list[StandingLine]) -> Judgement:
    """A level is short when any count is, unknown when any is (or nothing was counted)."""
    return overall(line.status for line in lines) if lines else "unknown"
