"""``build_packet``: checklist selection, the gate, then every output of ``dossier build``.

Outputs are written to temporary names and renamed at the end, so a failed build never leaves
a half-written packet that looks finished.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from dossier.assemble.checklist import Checklist, checklist_for
from dossier.assemble.fonts import cjk_font
from dossier.fonts import cjk_font_file
from dossier.assemble.gate import blockers, check_gate, merge_findings
from dossier.assemble.index_docx import write_index_docx
from dossier.assemble.inputs import BuildOptions, PacketInput, ReviewedDiscrepancy
from dossier.assemble.layout import COVER_TITLE, Cover
from dossier.assemble.manifest import write_manifest
from dossier.assemble.packet import PacketMeta, bind
from dossier.assemble.report import APPLICATION_TYPES_ZH, ReportContext, write_report
from dossier.assemble.selection import select
from dossier.assemble.stamps import StampSet

OUTPUTS = ("packet.pdf", "index.docx", "report.html", "manifest.json")


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    packet_sha256: str
    pages: int
    draft: bool
    findings: list[ReviewedDiscrepancy]  # everything the report lists, reviewed or not
    open_blocking: list[ReviewedDiscrepancy]  # non-empty only for a draft

    @property
    def files(self) -> dict[str, Path]:
        return {name: self.out_dir / name for name in OUTPUTS}


def build_packet(packet: PacketInput, out_dir: str | Path, *, checklist: Checklist | None = None,
                 options: BuildOptions | None = None) -> BuildResult:
    """Bind ``packet`` into ``out_dir``: packet.pdf, index.docx, report.html, manifest.json.

    ``checklist`` defaults to the built-in one for the application (``checklist_for``). Raises
    GateRefused (listing them) when blocking findings are open or checklist items are missing,
    unless ``options.draft``: then every page is stamped 草稿. Also raises ChecklistError (no
    checklist fits), FontMissing, and InputFileError subclasses for originals that cannot be read.
    """
    options = options or BuildOptions()
    checklist = checklist or checklist_for(packet.spec)
    plan = select(packet, checklist)
    findings = merge_findings(packet.discrepancies, plan.findings)
    check_gate(findings, draft=options.draft)
    font = cjk_font(cjk_font_file(options.font_path))
    spec = packet.spec
    type_zh = APPLICATION_TYPES_ZH.get(spec.application_type, spec.application_type)
    qualifications = tuple(spec.qualifications)
    watermark = checklist.watermark if options.watermark is None else (options.watermark or None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    temp = {name: out / f".{name}.part" for name in OUTPUTS}

    try:
        layout = bind(
            plan,
            Cover(spec.company_name, type_zh, qualifications, checklist.title, packet.packet_date),
            PacketMeta(title=f"{COVER_TITLE}（{spec.company_name}）", author=spec.company_name,
                       subject=f"{type_zh}：{'、'.join(qualifications)}", keywords=checklist.name,
                       on=packet.packet_date),
            StampSet(options.page_number_format, watermark, options.draft),
            font, temp["packet.pdf"], tuple(p.get_secret_value() for p in options.passwords))
        write_index_docx(layout.toc_rows, title=checklist.title, company=spec.company_name,
                         on=packet.packet_date, out=temp["index.docx"])
        digests = {name: _sha256(temp[name]) for name in ("packet.pdf", "index.docx")}
        checklist_label = f"{checklist.name}（{checklist.title}）"
        write_report(ReportContext(packet, checklist_label, findings, plan.unplaced, layout,
                                   digests["packet.pdf"], options.draft), temp["report.html"])
        digests["report.html"] = _sha256(temp["report.html"])
        write_manifest(packet=packet, checklist=checklist.name, layout=layout, findings=findings,
                       unplaced=plan.unplaced, outputs=digests, draft=options.draft, out=temp["manifest.json"])
        for name in OUTPUTS:
            os.replace(temp[name], out / name)
    finally:
        for path in temp.values():
            path.unlink(missing_ok=True)
    return BuildResult(out, digests["packet.pdf"], layout.pages, options.draft, findings, blockers(findings))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
