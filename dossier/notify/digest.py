"""What is due on a day, and the one digest per channel and company that says it.

A digest groups its lines by urgency (已过期, 已过申报期, 立即启动, 提前提醒, 人员变动, 动态监管), most urgent
first; ID numbers are masked (``dossier.privacy``), as on every screen that is not the filing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dossier.ledger.ledger import LedgerEntry
from dossier.ledger.personnel import PersonnelAlert
from dossier.ledger.rules import LedgerRules
from dossier.ledger.views import entry_json
from dossier.notify.message import Message
from dossier.notify.thresholds import due, entry_key, threshold_zh
from dossier.privacy import mask_id, mask_text

URGENCY_ZH = {"lapsed": "已过期", "late": "已过申报期", "start now": "立即启动续期", "upcoming": "提前提醒",
              "personnel": "人员变动", "supervision": "动态监管"}
URGENCY_ORDER = tuple(URGENCY_ZH)
UNKNOWN_COMPANY = "（未识别企业）"
REPEAT_NOTE = "（系统曾在发送后中断，本提醒可能重复）"


@dataclass(frozen=True)
class DueItem:
    """One line of a digest: an entry at a threshold, or a personnel alert."""

    key: str  # entry_key, or the alert's own key
    threshold: str  # "days:30", "start now", "late", "lapsed", "personnel"
    threshold_zh: str
    urgency: str  # a key of URGENCY_ZH
    company: str
    uscc: str | None
    line: str  # Chinese, ID numbers masked
    data: dict[str, Any] = field(default_factory=dict)  # for --json and the API, masked


def due_items(entries: Iterable[LedgerEntry], alerts: Iterable[PersonnelAlert], rules: LedgerRules,
              as_of: date) -> list[DueItem]:
    """Everything to remind of on ``as_of`` (before the send log says what was sent already)."""
    items = []
    for entry in entries:
        milestone = due(entry, rules, as_of)
        if milestone is None:
            continue
        status = entry.status(as_of)
        urgency = status if status in ("lapsed", "late", "start now") else "upcoming"
        items.append(DueItem(
            key=entry_key(entry), threshold=milestone.code, threshold_zh=milestone.zh, urgency=urgency,
            company=entry.company or UNKNOWN_COMPANY, uscc=entry.uscc, line=_entry_line(entry, as_of),
            data={**entry_json(entry, status), "threshold": milestone.code, "threshold_zh": milestone.zh}))
    for alert in alerts:
        masked = alert.masked()
        # one reminder per alert and newest statement: a later statement that still shows the
        # change reminds again; a project's alert once per project
        key = alert.key
        # a project's alert (动态监管) is no personnel change: a digest lists it apart
        kind = "supervision" if alert.about_project else "personnel"
        items.append(DueItem(
            key=key[:200], threshold=kind, threshold_zh=threshold_zh(kind), urgency=kind,
            company=alert.company or UNKNOWN_COMPANY, uscc=alert.uscc, line=mask_text(alert.message),
            data={**masked.model_dump(mode="json"), "kind": kind, "threshold": kind, "threshold_zh": threshold_zh(kind)}))
    return items


def _entry_line(entry: LedgerEntry, as_of: date) -> str:
    who = entry.holder_zh
    if entry.holder == "person" and entry.id_number:
        who += f"（{mask_id(entry.id_number)}）"
    head = entry.kind_zh + (f"（{entry.detail}）" if entry.detail else "")
    parts = [f"{head}：{who}" + (f" {entry.number}" if entry.number else "")]
    parts.append(f"有效期至 {entry.valid_until}")
    if entry.valid_until < as_of:
        parts.append(f"已过期 {(as_of - entry.valid_until).days} 天")
    elif entry.deadline < as_of:
        parts.append(f"最迟申报日 {entry.deadline} 已过，距到期 {(entry.valid_until - as_of).days} 天")
    else:
        parts.append(f"最迟申报日 {entry.deadline}（还有 {(entry.deadline - as_of).days} 天）")
    return mask_text("，".join(parts))


def group_by_company(items: Iterable[DueItem]) -> dict[str, list[DueItem]]:
    """Items per company, companies in name order, items most urgent first."""
    groups: dict[str, list[DueItem]] = {}
    for item in items:
        groups.setdefault(item.company, []).append(item)
    return {company: sorted(groups[company], key=lambda i: (URGENCY_ORDER.index(i.urgency), i.line))
            for company in sorted(groups)}


def compose(company: str, items: list[DueItem], as_of: date, *, repeat: bool = False,
            data: dict[str, Any] | None = None) -> Message:
    """The digest of ``items`` (one company's) on ``as_of``; ``repeat``: it may have been sent before."""
    title = f"证照到期提醒：{company}（{as_of}）"
    md = [f"**{title}**" + (f"\n{REPEAT_NOTE}" if repeat else "")]
    text = [title + (f"\n{REPEAT_NOTE}" if repeat else "")]
    for urgency in URGENCY_ORDER:
        lines = [i.line for i in items if i.urgency == urgency]
        if not lines:
            continue
        md.append(f"**{URGENCY_ZH[urgency]}（{len(lines)} 项）**\n" + "\n".join(f"- {line}" for line in lines))
        text.append(f"【{URGENCY_ZH[urgency]}（{len(lines)} 项）】\n" + "\n".join(f"  · {line}" for line in lines))
    footer = "详见 dossier 证照台账；续期准备：dossier plan-renewal 企业名称 --qualification 资质名称"
    md.append(f"> {footer}")
    text.append(footer)
    return Message(title=title, markdown="\n\n".join(md), text="\n\n".join(text) + "\n", data=data or {})
