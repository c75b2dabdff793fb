"""The ledger's alerts: what a person must act on, one model for every code, so the command, the
reminders and the web app show them alike."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from dossier.privacy import mask_id


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
    changes: int = 0
    message: str  # Chinese
    evidence: list[str] = Field(default_factory=list)  # sha256 of the statements (of a project's documents)

    def masked(self) -> PersonnelAlert:
        """This alert with its ID number masked (for lists and screens)."""
        return self.model_copy(update={"id_number": mask_id(self.id_number) if self.id_number else None})
