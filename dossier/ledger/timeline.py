"""A timeline of expiries as a self-contained SVG string, for the ledger page (server-rendered).

One row per dated entry, soonest first: a bar from the left edge to the expiry, coloured by
phase (ok, start now from ``alert_from``, late from ``deadline``), a marker on the expiry day, a
vertical line for the day of the view. Entries ending past the right edge run off it with an
arrow. Colour is never the only signal: each row's label ends with its status in words, and a
``<title>`` on each row gives the dates (shown as a tooltip, read by screen readers).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from xml.sax.saxutils import escape, quoteattr

from dossier.ledger.ledger import LedgerEntry
from dossier.ledger.rules import STATUS_ZH

COLOURS = {"ok": "#4c9a6a", "start now": "#e0a526", "late": "#d2632b", "lapsed": "#b3261e"}
FONT = "'WenQuanYi Zen Hei','Noto Sans CJK SC','Microsoft YaHei',sans-serif"
LABEL_WIDTH = 330
ROW_HEIGHT = 22
AXIS_HEIGHT = 34
MARGIN = 12


def _months_between(start: date, end: date) -> list[date]:
    """First days of the months after ``start`` up to ``end``."""
    firsts = []
    year, month = start.year, start.month
    while True:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        first = date(year, month, 1)
        if first > end:
            return firsts
        firsts.append(first)


def render_timeline(entries: Iterable[LedgerEntry], *, as_of: date, horizon_days: int = 730,
                    width: int = 960, title: str = "证照到期时间线", today_label: str = "今天") -> str:
    """The SVG of ``entries`` that have an expiry, seen on ``as_of``, up to ``horizon_days`` ahead."""
    rows = sorted((e for e in entries if e.valid_until is not None),
                  key=lambda e: (e.valid_until, e.company or "", e.name or ""))
    start = min([as_of - timedelta(days=30), *(e.valid_until - timedelta(days=30) for e in rows)])
    start = max(start, as_of - timedelta(days=365))  # long-lapsed entries pin to the left edge
    end = as_of + timedelta(days=horizon_days)
    if rows and max(e.valid_until for e in rows) < end:
        end = max(max(e.valid_until for e in rows) + timedelta(days=30), as_of + timedelta(days=90))
    span = max((end - start).days, 1)
    plot_left, plot_right = LABEL_WIDTH, width - MARGIN
    height = AXIS_HEIGHT + max(len(rows), 1) * ROW_HEIGHT + MARGIN

    def x(day: date) -> float:
        day = min(max(day, start), end)
        return round(plot_left + (plot_right - plot_left) * (day - start).days / span, 1)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label={quoteattr(title)} '
           f'font-family="{FONT}" font-size="12">',
           f"<title>{escape(title)}</title>"]
    step = 1 if span <= 200 else 3 if span <= 800 else 6
    for first in _months_between(start, end):
        if (first.month - 1) % step:
            continue
        label = f"{first.year}-{first.month:02d}" if step > 1 or first.month == 1 else f"{first.month}月"
        out.append(f'<line x1="{x(first)}" y1="{AXIS_HEIGHT - 6}" x2="{x(first)}" y2="{height - MARGIN}" '
                   f'stroke="#e4e4e4"/>')
        out.append(f'<text x="{x(first)}" y="{AXIS_HEIGHT - 10}" text-anchor="middle" fill="#555">'
                   f"{escape(label)}</text>")
    if not rows:
        out.append(f'<text x="{plot_left}" y="{AXIS_HEIGHT + 15}" fill="#555">无到期记录</text>')
    for i, entry in enumerate(rows):
        top = AXIS_HEIGHT + i * ROW_HEIGHT
        mid = top + ROW_HEIGHT / 2
        status = entry.status(as_of)
        who = entry.holder_zh + (f"（{entry.detail}）" if entry.detail else "")
        label = f"{who} · {entry.kind_zh}"
        tip = (f"{label}：有效期至 {entry.valid_until}，最迟申报 {entry.deadline}，"
               f"{entry.alert_from} 起应启动；{STATUS_ZH[status]}")
        out.append(f"<g><title>{escape(tip)}</title>")
        out.append(f'<text x="{MARGIN}" y="{mid + 4}" fill="#222">{escape(_clip(label, 19))}'
                   f'<tspan fill="{COLOURS[status]}"> {escape(STATUS_ZH[status])}</tspan></text>')
        phases = [("ok", start, entry.alert_from), ("start now", entry.alert_from, entry.deadline),
                  ("late", entry.deadline, entry.valid_until)]
        for phase, a, b in phases:
            if a is None or b is None or x(b) <= x(a):
                continue
            out.append(f'<rect x="{x(a)}" y="{top + 6}" width="{round(x(b) - x(a), 1)}" '
                       f'height="{ROW_HEIGHT - 12}" fill="{COLOURS[phase]}" opacity="0.55"/>')
        if entry.valid_until > end:
            out.append(f'<path d="M{plot_right - 6},{top + 5} L{plot_right},{mid} L{plot_right - 6},'
                       f'{top + ROW_HEIGHT - 5} Z" fill="{COLOURS[status]}"/>')
        else:
            out.append(f'<circle cx="{x(entry.valid_until)}" cy="{mid}" r="4" fill="{COLOURS[status]}"/>')
        out.append("</g>")
    today = x(as_of)
    out.append(f'<line x1="{today}" y1="{AXIS_HEIGHT - 4}" x2="{today}" y2="{height - MARGIN}" '
               f'stroke="#1a4f8b" stroke-width="1.5" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{today}" y="{MARGIN}" text-anchor="middle" fill="#1a4f8b">'
               f"{escape(today_label)} {as_of.isoformat()}</text>")
    out.append("</svg>")
    return "\n".join(out)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
