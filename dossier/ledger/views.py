"""The ledger as JSON: one shape for ``dossier ledger/expiring --json`` and the REST API.

ID numbers are masked unless the caller shows them on purpose (``show_ids``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from dossier.ledger.ledger import LedgerEntry
from dossier.ledger.personnel import PersonnelAlert
from dossier.ledger.rules import STATUS_ZH, Status
from dossier.ledger.standing import LevelStanding


def entry_json(entry: LedgerEntry, status: Status, *, show_ids: bool = False) -> dict[str, Any]:
    """An entry with its status (code and Chinese) on the day asked about."""
    shown = entry if show_ids else entry.masked()
    return {**shown.model_dump(mode="json"), "status": status, "status_zh": STATUS_ZH[status]}


def ledger_json(entries: Iterable[LedgerEntry], alerts: Iterable[PersonnelAlert], *, as_of: date,
                show_ids: bool = False, standing: Iterable[LevelStanding] = ()) -> dict[str, Any]:
    """The whole ledger on ``as_of`` with the personnel alerts and, per company, whether it still
    meets each level it holds (``standing``, by the newest 社保 statement: no ID numbers)."""
    return {"as_of": as_of.isoformat(),
            "entries": [entry_json(e, e.status(as_of), show_ids=show_ids) for e in entries],
            "alerts": [(a if show_ids else a.masked()).model_dump(mode="json") for a in alerts],
            "standing": [level.contract() for level in standing]}


def expiring_json(pairs: Iterable[tuple[LedgerEntry, Status]], *, show_ids: bool = False) -> list[dict[str, Any]]:
    """The expiry list (``dossier.ledger.ledger.expiring``), most urgent first."""
    return [entry_json(entry, status, show_ids=show_ids) for entry, status in pairs]
