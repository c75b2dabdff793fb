"""When a ledger entry is reminded of: the thresholds it crosses on its way to expiry.

An entry's milestones are the days it crosses each of its kind's ``remind_days`` (N days before
its last filing day, ``rules.yaml``) and each change of status the ledger computes (start now,
late, lapsed: ``dossier.ledger.rules.renewal_status``). On a day, the milestone due is the latest
one crossed; a run that finds several crossed at once (the first run, a run after a pause)
reminds of the most urgent only, so one certificate is one line of a digest, never three.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from dossier.ledger.ledger import LedgerEntry
from dossier.ledger.rules import LedgerRules

# Status changes, least urgent first; a status change outranks a day threshold on the same day.
STATUS_MILESTONES = ("start now", "late", "lapsed")
THRESHOLD_ZH = {"start now": "进入应启动续期期", "late": "已过最迟申报日", "lapsed": "已过期", "personnel": "人员变动",
                "supervision": "动态监管"}


@dataclass(frozen=True)
class Milestone:
    day: date  # the first day it applies
    code: str  # "days:90", "start now", "late", "lapsed"

    @property
    def rank(self) -> tuple:
        """Order among milestones: by day, then a status change before a day threshold's day,
        then the nearer day threshold."""
        if self.code in STATUS_MILESTONES:
            return (self.day, 1, STATUS_MILESTONES.index(self.code))
        return (self.day, 0, -int(self.code.split(":")[1]))

    @property
    def zh(self) -> str:
        return threshold_zh(self.code)


def threshold_zh(code: str) -> str:
    """A threshold code of the send log in Chinese (``days:30`` -> 距最迟申报日 30 天)."""
    if code in THRESHOLD_ZH:
        return THRESHOLD_ZH[code]
    return f"距最迟申报日 {code.split(':')[-1]} 天"


def milestones(entry: LedgerEntry, rules: LedgerRules) -> list[Milestone]:
    """Every milestone of ``entry``, in order; none for an entry without an expiry."""
    if entry.valid_until is None or entry.deadline is None or entry.alert_from is None:
        return []
    found = [Milestone(entry.deadline - timedelta(days=n), f"days:{n}") for n in rules.remind_days(entry.kind)]
    found += [Milestone(entry.alert_from, "start now"), Milestone(entry.deadline + timedelta(days=1), "late"),
              Milestone(entry.valid_until + timedelta(days=1), "lapsed")]
    return sorted(found, key=lambda m: m.rank)


def due(entry: LedgerEntry, rules: LedgerRules, as_of: date) -> Milestone | None:
    """The milestone ``entry`` is to be reminded of on ``as_of`` (the latest crossed), if any."""
    crossed = [m for m in milestones(entry, rules) if m.day <= as_of]
    return crossed[-1] if crossed else None


def entry_key(entry: LedgerEntry) -> str:
    """A stable name of one certificate term: kind, holder, distinct value and last valid day.

    A renewed certificate (a later ``valid_until``) is a new term and is reminded of afresh; the
    same certificate scanned again (another file, same facts) is not.
    """
    holder = (entry.uscc or entry.company) if entry.holder == "company" else (entry.id_number or entry.name)
    raw = "|".join(str(part or "") for part in (entry.kind, holder, entry.detail, entry.valid_until))
    return hashlib.sha256(raw.encode()).hexdigest()[:40]
