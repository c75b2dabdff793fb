"""The ledger's rules as data: certificate kinds, renewal lead times, personnel thresholds.

``load_rules()`` reads the ``rules.yaml`` shipped with the package (or a file of the same shape);
``renewal_status`` is the one place the status of a certificate on a day is decided.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dossier.yamlfile import read_package_yaml, read_yaml

# "unknown": the kind has an expiry but none could be read (a person must look at the document).
Status = Literal["ok", "start now", "late", "lapsed", "unknown"]
STATUS_ZH: dict[str, str] = {"ok": "正常", "start now": "立即启动", "late": "已过申报期",
                             "lapsed": "已过期", "unknown": "有效期未识别"}
# Most urgent first.
STATUS_ORDER: dict[str, int] = {"lapsed": 0, "late": 1, "start now": 2, "unknown": 3, "ok": 4}


class _Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Duration(_Rules):
    """A lead time: calendar months or days (not both)."""

    months: int = Field(0, ge=0)
    days: int = Field(0, ge=0)

    @model_validator(mode="after")
    def _one_unit(self) -> Duration:
        if self.months and self.days:
            raise ValueError("时长只能写 months（月）或 days（天）之一")
        return self

    def before(self, day: date) -> date:
        """``day`` minus this duration; a month end that does not exist clamps (31 May -> 28 Feb)."""
        if self.months:
            total = day.year * 12 + day.month - 1 - self.months
            year, month = divmod(total, 12)
            month += 1
            return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
        return day - timedelta(days=self.days)

    def zh(self) -> str:
        if self.months:
            return f"{self.months} 个月"
        return f"{self.days} 天"


class Kind(_Rules):
    """One kind of ledger entry, e.g. a company's qualification certificate."""

    name_zh: str
    doc_type: str
    holder: Literal["company", "person"]
    expires: list[str] = Field(default_factory=list)  # first field with a value wins
    usage_days: int | None = None  # no expiry read: issued + this many days
    issued: list[str] = Field(default_factory=list)
    number: list[str] = Field(default_factory=list)
    distinct_by: list[str] = Field(default_factory=list)  # more than one per holder, keyed so
    file_before: Duration = Duration()
    alert_before: Duration = Duration()
    remind_days: list[int] | None = None  # reminder thresholds; None: ``reminders.remind_days``

    def deadline(self, valid_until: date) -> date:
        """The last day the renewal can be filed."""
        return self.file_before.before(valid_until)

    def alert_from(self, valid_until: date) -> date:
        """The first day the renewal must be under way."""
        return self.alert_before.before(valid_until)


class PersonnelRules(_Rules):
    window_months: int = Field(12, ge=1)
    company_threshold: int = Field(3, ge=1)
    person_threshold: int = Field(2, ge=1)


class ReminderRules(_Rules):
    remind_days: list[int] = Field(default_factory=lambda: [180, 90, 30, 7])


class PlanRules(_Rules):
    margin: Duration = Duration(days=30)  # file this long before the last filing day
    ready_before: Duration = Duration(days=7)  # every document in hand this long before filing


class LedgerRules(_Rules):
    kinds: dict[str, Kind]
    personnel: PersonnelRules = PersonnelRules()
    reminders: ReminderRules = ReminderRules()
    plan: PlanRules = PlanRules()

    def remind_days(self, kind: str) -> list[int]:
        """The reminder thresholds (days before the last filing day) of ``kind``."""
        own = self.kinds[kind].remind_days
        return self.reminders.remind_days if own is None else own

    def kinds_for(self, doc_type: str | None) -> list[tuple[str, Kind]]:
        return [(code, kind) for code, kind in self.kinds.items() if kind.doc_type == doc_type]


def renewal_status(valid_until: date, deadline: date, alert_from: date, as_of: date) -> Status:
    """The status on ``as_of`` of a certificate whose last valid day is ``valid_until``."""
    if as_of > valid_until:
        return "lapsed"
    if as_of > deadline:
        return "late"
    if as_of >= alert_from:
        return "start now"
    return "ok"


def load_rules(path: Path | None = None) -> LedgerRules:
    """The rules in ``path``, or the ones shipped with the package; ConfigError (naming the file
    and the line) when malformed."""
    if path is None:
        return _shipped()
    return read_yaml(path).validate(LedgerRules)


@lru_cache(maxsize=1)
def _shipped() -> LedgerRules:
    return read_package_yaml("dossier.ledger", "rules.yaml").validate(LedgerRules)
