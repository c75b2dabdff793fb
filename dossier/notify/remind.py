"""``dossier remind``: what is due on a day, one digest per channel and company, each sent once.

One job top to bottom: the ledger and its personnel alerts (``dossier.ledger``), the items due on
the day (``digest.due_items``), per channel the items its send log does not hold yet, per company
one digest: claim in the log, send (rate-limited, retried with backoff), record. The clock, the
sleep and the senders are injected through :class:`Postman`, so tests run real local servers
without waiting real minutes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from dossier.config import Settings
from dossier.errors import ConfigError, NotifyError
from dossier.ledger.personnel import load_ledger_with_alerts
from dossier.ledger.rules import LedgerRules, load_rules
from dossier.notify import sendlog
from dossier.notify.channel_store import active_channels
from dossier.notify.channels import EmailChannel, NotifySettings
from dossier.notify.digest import DueItem, compose, due_items, group_by_company
from dossier.notify.mail import send_email
from dossier.notify.message import Message
from dossier.notify.ratelimit import RateLimiter
from dossier.notify.robots import send_robot
from dossier.store.db import Database
from dossier.store.repo import audit
from dossier.store.schema import utcnow

log = logging.getLogger(__name__)


class NoChannels(ConfigError):
    """Neither dossier.toml nor the web UI names a channel: nothing to send on."""

    reason_zh = "未配置通知渠道：请在 dossier.toml 中添加 [[notify.channels]]，或由管理员在网页「通知渠道」中添加"


@dataclass
class Postman:
    """Sends a message on a channel: waits for the channel's rate limit, tries ``attempts`` times
    with a doubling backoff. ``clock`` is monotonic seconds; ``wall`` is epoch seconds (signing)."""

    notify: NotifySettings
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    wall: Callable[[], float] = time.time
    _limits: dict[str, RateLimiter] = field(default_factory=dict)

    def deliver(self, channel, message: Message) -> tuple[str | None, int]:
        """Send with retries; (the last error in Chinese or None, the number of tries)."""
        limiter = self._limits.setdefault(channel.name, RateLimiter.for_kind(channel.kind, clock=self.clock,
                                                                              sleep=self.sleep))
        error = None
        for attempt in range(1, self.notify.attempts + 1):
            if attempt > 1:
                self.sleep(self.notify.backoff_seconds * 2 ** (attempt - 2))
            limiter.acquire()
            try:
                self.send(channel, message)
                return None, attempt
            except NotifyError as exc:
                error = exc.user_message
                log.warning("reminder to %s failed (try %d of %d): %s", channel.name, attempt,
                            self.notify.attempts, exc)
        return error, self.notify.attempts

    def send(self, channel, message: Message) -> None:
        """One try, no retry (NotifyError when it did not go through)."""
        if isinstance(channel, EmailChannel):
            send_email(channel, message)
        else:
            send_robot(channel, message, clock=self.wall)


@dataclass
class Outcome:
    """One digest and what became of it: a line of ``dossier remind --json``."""

    channel: str
    kind: str
    company: str
    items: list[DueItem]
    status: Literal["sent", "failed", "dry-run"]
    as_of: date
    error: str | None = None
    repeat: bool = False  # may have been delivered before (a crash between send and record)
    attempts: int = 0

    def json(self) -> dict[str, Any]:
        return {"channel": self.channel, "kind": self.kind, "company": self.company,
                "entries": [i.data for i in self.items], "status": self.status, "as_of": self.as_of.isoformat(),
                "repeat": self.repeat, "attempts": self.attempts, "error": self.error}


def run_reminders(db: Database, settings: Settings, *, as_of: date, dry_run: bool = False,
                  postman: Postman | None = None, rules: LedgerRules | None = None,
                  now: Callable[[], datetime] = utcnow, actor: str = "remind") -> list[Outcome]:
    """Send (or with ``dry_run`` only compose) every reminder due on ``as_of``, on dossier.toml's
    channels and the enabled ones stored by admins (``channel_store.active_channels``)."""
    notify = settings.notify
    with db.session() as session:
        channels = active_channels(session, notify)
    if not channels:
        raise NoChannels("no notification channels")
    rules = rules or load_rules()
    postman = postman or Postman(notify)
    with db.session() as session:
        entries, alerts = load_ledger_with_alerts(session, rules)
    items = due_items(entries, alerts, rules, as_of)
    outcomes: list[Outcome] = []
    for channel in channels:
        mine = [i for i in items if channel.serves(i.company, i.uscc)]
        with db.session() as session:
            done = sendlog.sent_or_busy(session, channel.name, mine, now=now())
        pending = [i for i in mine if (i.key, i.threshold) not in done]
        for company, group in group_by_company(pending).items():
            if dry_run:
                outcomes.append(Outcome(channel.name, channel.kind, company, group, "dry-run", as_of))
                continue
            outcomes += _send_digest(db, postman, channel, company, group, as_of, now, actor)
    return outcomes


def _send_digest(db: Database, postman: Postman, channel, company: str, group: list[DueItem], as_of: date,
                 now: Callable[[], datetime], actor: str) -> list[Outcome]:
    with db.session() as session:  # committed before anything is sent
        claim = sendlog.claim(session, channel.name, group, as_of, now=now())
    outcomes = [Outcome(channel.name, channel.kind, company, claim.abandoned, "failed", as_of,
                        error=sendlog.UNSURE_TWICE, repeat=True)] if claim.abandoned else []
    if not claim.items:
        return outcomes
    outcome = Outcome(channel.name, channel.kind, company, claim.items, "sent", as_of, repeat=claim.repeat)
    message = compose(company, claim.items, as_of, repeat=claim.repeat, data=outcome.json())
    error, tries = postman.deliver(channel, message)
    outcome.status, outcome.error, outcome.attempts = ("failed" if error else "sent"), error, tries
    with db.session() as session:
        sendlog.finish(session, channel.name, claim.items, error=error, attempts=tries, now=now())
        # the audit trail names the channel, never its address or secrets
        audit(session, actor, "remind", f"channel:{channel.name}",
              {"company": company, "as_of": as_of.isoformat(), "status": outcome.status, "entries": len(claim.items),
               "repeat": claim.repeat, "error": error})
    return outcomes + [outcome]
