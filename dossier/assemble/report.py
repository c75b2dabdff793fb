"""report.html: the discrepancies, their reviews and waivers (who, when, why), missing items.

The report travels further than the packet's own pages (to agencies, to managers), so every ID
number in it is masked; the packet itself carries what the filing needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from dossier.assemble.closures import closed_by_person
from dossier.assemble.inputs import PacketInput, ReviewedDiscrepancy, ReviewNote
from dossier.model import DISCREPANCY_STATUS_ZH
from dossier.assemble.packet import PacketLayout
from dossier.assemble.selection import Unplaced
from dossier.privacy import mask_text
from dossier.validate.messages import doc_name

APPLICATION_TYPES_ZH = {"new": "首次申请（新办）", "upgrade": "升级", "addition": "增项", "renewal": "延续",
                        "change": "变更"}
SEVERITY_ZH = {"blocking": "阻断", "warning": "警告", "info": "提示"}
ACTION_ZH = {"accept": "确认", "correct": "更正", "waive": "豁免", "reopen": "重新打开"}
MISSING_CODES = ("MISSING_DOCUMENT", "HEADCOUNT_SHORT")


@dataclass(frozen=True)
class ReportContext:
    packet: PacketInput
    checklist_label: str
    findings: list[ReviewedDiscrepancy]
    unplaced: list[Unplaced]
    layout: PacketLayout
    packet_sha256: str
    draft: bool


def write_report(context: ReportContext, out: Path) -> None:
    """Render ``report.html`` for one build to ``out``."""
    env = Environment(loader=PackageLoader("dossier.assemble", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), keep_trailing_newline=True)
    out.write_text(env.get_template("report.html.j2").render(**_values(context)), encoding="utf-8")


def _values(c: ReportContext) -> dict:
    spec = c.packet.spec
    rows = [_finding(d) for d in c.findings]
    return {
        "title": "资质申报材料核验报告",
        "draft": c.draft,
        "company": spec.company_name,
        "application_type": APPLICATION_TYPES_ZH.get(spec.application_type, spec.application_type),
        "qualifications": "、".join(spec.qualifications),
        "filing_date": spec.filing_date.isoformat(),
        "checklist": c.checklist_label,
        "built_on": c.packet.packet_date.isoformat(),
        "pages": c.layout.pages,
        "packet_sha256": c.packet_sha256,
        "counts": {
            "open_blocking": sum(d.severity == "blocking" and d.status == "open" for d in c.findings),
            "resolved_blocking": sum(d.severity == "blocking" and d.status != "open" for d in c.findings),
            "warning": sum(d.severity == "warning" for d in c.findings),
            "info": sum(d.severity == "info" for d in c.findings),
        },
        "closed": [c.as_dict() | {"action_zh": ACTION_ZH.get(c.action, c.action),
                                  "at_text": c.at[:16].replace("T", " ") if c.at else ""}
                   for c in closed_by_person(c.findings)],
        "missing": [r for r, d in zip(rows, c.findings) if d.code in MISSING_CODES],
        "findings": [r for r, d in zip(rows, c.findings) if d.code not in MISSING_CODES],
        "unplaced": [{"source": u.doc.source_name, "doc_type": doc_name(u.doc.doc_type), "reason": u.reason}
                     for u in c.unplaced],
        "bound": [{"number": b.number, "title": b.placement.label,
                   "person": b.placement.person.name if b.placement.person else "",
                   "pages": f"{b.first}–{b.last}" if b.last > b.first else str(b.first),
                   "source": b.placement.doc.source_name} for b in c.layout.documents],
    }


def _finding(d: ReviewedDiscrepancy) -> dict:
    return {
        "code": d.code,
        "severity": SEVERITY_ZH.get(d.severity, d.severity),
        "severity_code": d.severity,
        "message": mask_text(d.message),
        "subject": mask_text(d.subject),
        "evidence": [mask_text(f"{e.field}：{e.value}" + (f"（第 {e.page} 页）" if e.sha256 != "application.yaml" else ""))
                     for e in d.evidence],
        "status": DISCREPANCY_STATUS_ZH.get(d.status, d.status),
        "reviews": [_review(r) for r in d.reviews],
    }


def _review(r: ReviewNote) -> str:
    when = f" {r.at:%Y-%m-%d %H:%M}" if r.at else ""
    change = f"，更正为「{r.new_value}」" if r.new_value else ""
    why = f"：{r.comment}" if r.comment else "（未填写理由）"
    return mask_text(f"{r.user}{when} {ACTION_ZH.get(r.action, r.action)}{change}{why}")
