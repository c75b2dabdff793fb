"""The gate: no clean packet while a blocking finding is open.

The findings a build sees are the reviewed discrepancies it was given plus what the checklist
found missing; the two are matched by fingerprint, so a missing item already stored and waived
by a reviewer stays waived here. Only ``open`` blocking findings stop a build; a draft build goes
ahead and is stamped 草稿 on every page.
"""

from __future__ import annotations

from dossier.assemble.inputs import ReviewedDiscrepancy
from dossier.errors import GateRefused
from dossier.model import Discrepancy
from dossier.privacy import mask_text
from dossier.validate.engine import fingerprint, sort_key


def merge_findings(reviewed: list[ReviewedDiscrepancy], found: list[Discrepancy]) -> list[ReviewedDiscrepancy]:
    """``reviewed`` plus the ``found`` ones it does not already hold (as open), sorted."""
    merged = {fingerprint(d): d for d in reviewed}
    for d in found:
        merged.setdefault(fingerprint(d), ReviewedDiscrepancy(**d.model_dump()))
    return sorted(merged.values(), key=sort_key)


def blockers(findings: list[ReviewedDiscrepancy]) -> list[ReviewedDiscrepancy]:
    """The findings that keep the gate shut: blocking and still open."""
    return [d for d in findings if d.severity == "blocking" and d.status == "open"]


def check_gate(findings: list[ReviewedDiscrepancy], *, draft: bool) -> None:
    """Raise GateRefused listing the open blocking findings, unless this is a draft."""
    shut = blockers(findings)
    if not shut or draft:
        return
    lines = "\n".join(f"- [{d.code}] {mask_text(d.message)}" for d in shut)
    raise GateRefused(f"{len(shut)} open blocking finding(s); build refused",
                      reason_zh=f"存在 {len(shut)} 项未处理的阻断性问题或缺失材料，拒绝装订（可用 --draft 装订草稿）：\n{lines}")
