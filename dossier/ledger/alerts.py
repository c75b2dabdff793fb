"""The ledger's alerts: what a person must act on, one model for every code, so the command, the
reminders and the web app show them alike."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from dossier.privacy import mask_id

# What each code is called where a person reads alerts (the ledger page): a word or two, the
# message beside it says the rest.
ALERT_ZH = {"PERSON_LEFT": "离职或停保", "FREQUENT_CHANGES": "变动频繁", "HEADCOUNT_BELOW_STANDARD": "人员低于资质标准",
            "QUALIFICATION_NOT_HELD": "无相应有效资质", "SCOPE_EXCEEDED": "超出资质承包范围"}


class PersonnelAlert(BaseModel):
    """A change a person must act on (or at least look at): in personnel, or, for the 动态监管 codes
    (``dossier.ledger.supervision``), a project undertaken without the qualification it needed."""

    model_config = ConfigDict(extra="forbid")

    code: Literal["PERSON_LEFT", "FREQUENT_CHANGES", "HEADCOUNT_BELOW_STANDARD", "QUALIFICATION_NOT_HELD",
                  "SCOPE_EXCEEDED"]
    company: str | None
    uscc: str | None
    name: str | None = None  # None: about the company as a whole
    id_number: str | None = None
    roles: list[str] = Field(default_factory=list)  # why the person counts: roster roles, "constructor"
    last_month: str | None = None  # the person's last insured month with the company
    # the last month of the newest statement; of a project, the month it was first undertaken
    newest_month: str
    project: str | None = None  # the 业绩 project an alert of the 动态监管 codes is about
    # HEADCOUNT_BELOW_STANDARD: the qualification held whose standard is no longer met, and the
    # specialties of the count that fell short (empty: the role as a whole)
    qualification: str | None = None
    specialties: list[str] = Field(default_factory=list)
    changes: int = 0
    message: str  # Chinese
    evidence: list[str] = Field(default_factory=list)  # sha256 of the statements (of a project's documents)

    @property
    def key(self) -> str:
        """What makes this alert itself, for reminding it once per newest statement: the code, the
        company, who or which project, the month; and for a head count the level held, the role and
        the specialties (two roles, or one role at two levels held, short in one month are two
        alerts, each reminded)."""
        parts = [self.code, self.uscc or self.company, self.id_number or self.name or self.project, self.newest_month]
        if self.code == "HEADCOUNT_BELOW_STANDARD":
            parts += [self.qualification, ",".join(self.roles), ",".join(self.specialties)]
        return "|".join(str(p or "") for p in parts)

    @property
    def about_project(self) -> bool:
        """Whether this is a 动态监管 alert on a project rather than a change in personnel: lists
        show the two apart."""
        return self.project is not None

    def masked(self) -> PersonnelAlert:
        """This alert with its ID number masked (for lists and screens)."""
        return self.model_copy(update={"id_number": mask_id(self.id_number) if self.id_number else None})
