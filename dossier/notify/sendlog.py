"""The send log: each (entry, threshold, channel) sent once, and what happened to it.

The order of writes is what makes "exactly once" hold across crashes:

1. ``claim``: rows go to ``attempting`` (attempts + 1) and the transaction commits, *then* the
   message is sent;
2. ``finish``: ``sent`` (or ``failed`` with the reason) is committed after the send.

A crash between 1 and 2 leaves ``attempting``: the next run cannot know whether the message
arrived, so it sends it once more, saying it may be a repeat (``repeat``); a second crash at the
same point is not resent again but reported failed, for a person to look at. A row claimed by a
process that is still sending is ``attempting`` too: runs are daily, so a concurrent run (cron and
Celery beat both configured) is told apart by ``updated_at`` being recent (``IN_FLIGHT``); a run
started within that time of a crash leaves the crashed message to the next run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dossier.notify.digest import DueItem
from dossier.store.schema import Reminder, utcnow

IN_FLIGHT = timedelta(minutes=30)  # an attempting row younger than this belongs to a running send
UNSURE_TWICE = "发送后两次中断，无法确认是否送达；不再自动重发，请人工核实"


@dataclass
class Claim:
    """What one digest may send: the items claimed, and whether any may have gone out before."""

    items: list[DueItem]
    repeat: bool
    abandoned: list[DueItem]  # crashed twice after sending: reported, not resent


def sent_or_busy(session: Session, channel: str, items: Iterable[DueItem], *,
                 now: datetime | None = None) -> set[tuple[str, str]]:
    """The (key, threshold) of ``items`` that need no sending on ``channel``."""
    now = now or utcnow()
    wanted = {(i.key, i.threshold) for i in items}
    return {(row.entry_key, row.threshold) for row in _rows(session, channel, wanted) if _settled(row, now)}


def _settled(row: Reminder, now: datetime) -> bool:
    """Nothing to send for ``row``: sent, being sent by a running process, or given up on (and
    reported once) after two crashes."""
    if row.status == "attempting":
        return now - row.updated_at < IN_FLIGHT
    return row.status == "sent" or row.error == UNSURE_TWICE


def claim(session: Session, channel: str, items: list[DueItem], as_of: date, *,
          now: datetime | None = None) -> Claim:
    """Mark ``items`` as being sent on ``channel`` (see the module docstring); commit before sending."""
    now = now or utcnow()
    # FOR UPDATE: a second run claiming the same rows (PostgreSQL) waits, then finds them taken;
    # SQLite's write transaction (BEGIN IMMEDIATE) serialises the two already
    rows = {(r.entry_key, r.threshold): r
            for r in _rows(session, channel, {(i.key, i.threshold) for i in items}, lock=True)}
    claimed, abandoned, repeat = [], [], False
    for item in items:
        row = rows.get((item.key, item.threshold))
        if row is None:
            row = Reminder(entry_key=item.key, threshold=item.threshold, channel=channel, company=item.company,
                           line=item.line, as_of=as_of.isoformat(), status="attempting", attempts=1, repeat=False,
                           created_at=now, updated_at=now)
            try:
                with session.begin_nested():  # another run claimed it a moment ago: it is theirs
                    session.add(row)
            except IntegrityError:
                continue
            claimed.append(item)
            continue
        if _settled(row, now):
            continue
        if row.status == "attempting":  # a run crashed after claiming: the message may have gone
            if row.repeat:
                row.status, row.error = "failed", UNSURE_TWICE
                abandoned.append(item)
                continue
            row.repeat = repeat = True
        row.status, row.attempts, row.line, row.as_of, row.updated_at = "attempting", row.attempts + 1, item.line, \
            as_of.isoformat(), now
        claimed.append(item)
    session.flush()
    return Claim(claimed, repeat, abandoned)


def finish(session: Session, channel: str, items: list[DueItem], *, error: str | None, attempts: int,
           now: datetime | None = None) -> None:
    """Record the outcome of one digest: ``sent``, or ``failed`` with ``error`` (no secrets in it)."""
    now = now or utcnow()
    rows = _rows(session, channel, {(i.key, i.threshold) for i in items})
    for row in rows:
        row.attempts += max(0, attempts - 1)  # claim counted the first try
        row.updated_at = now
        if error is None:
            row.status, row.error, row.sent_at = "sent", None, now
        else:
            row.status, row.error = "failed", error


def recent(session: Session, *, company: str | None = None, limit: int = 200) -> list[Reminder]:
    """The newest log rows (of companies whose name contains ``company``), newest first."""
    query = select(Reminder).order_by(Reminder.updated_at.desc(), Reminder.id.desc()).limit(limit)
    if company:
        query = query.where(Reminder.company.contains(company))
    return list(session.scalars(query))


def _rows(session: Session, channel: str, wanted: set[tuple[str, str]], *, lock: bool = False) -> list[Reminder]:
    keys = sorted({key for key, _ in wanted})
    found = []
    for start in range(0, len(keys), 500):
        query = select(Reminder).where(Reminder.channel == channel, Reminder.entry_key.in_(keys[start:start + 500]))
        found += session.scalars(query.with_for_update() if lock else query)
    return [row for row in found if (row.entry_key, row.threshold) in wanted]
