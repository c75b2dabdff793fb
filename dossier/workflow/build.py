"""``dossier build``: check the stored application afresh, then bind what was checked.

The build always validates first (facts may have changed since the last check), binds exactly
the documents that check saw, with their stored review state, and records the packet (its path
and SHA-256) and every refusal in the audit trail.
"""

from __future__ import annotations

from pathlib import Path

from dossier.assemble import BuildOptions, BuildResult, build_packet
from dossier.assemble.checklist import checklist_for
from dossier.config import Settings
from dossier.errors import GateRefused
from dossier.fonts import cjk_font_file
from dossier.model import DOCUMENT_STATUS_ZH
from dossier.privacy import mask_text
from dossier.store import repo
from dossier.store.db import Database
from dossier.store.schema import Packet
from dossier.workflow.check import run_check


def build_application(db: Database, settings: Settings, name: str, out_dir: str | Path, *,
                      checklist: str | Path | None = None, draft: bool = False, user: str = "cli",
                      options: BuildOptions | None = None) -> BuildResult:
    """Validate application ``name`` and bind its packet into ``out_dir``.

    Raises GateRefused (listing the reasons) when blocking findings are open, checklist items are
    missing or files are still being processed, unless ``draft``; ChecklistError when no
    checklist applies and none is named.
    """
    loaded, checked, chosen = run_check(db, settings, name, checklist=checklist, actor=user)
    options = options or BuildOptions()
    options = options.model_copy(update={
        "draft": draft, "passwords": [*options.passwords, *settings.pdf_passwords],
        "font_path": cjk_font_file(options.font_path or settings.font_path, settings.cache_dir)})
    if chosen is None:
        chosen = checklist_for(loaded.spec)  # raises the ChecklistError that names the way out
    try:
        if checked.pending and not draft:
            lines = "\n".join(f"- {mask_text(f.path)}（{DOCUMENT_STATUS_ZH.get(f.status, f.status)}）" for f in checked.pending)
            raise GateRefused(f"{len(checked.pending)} file(s) not processed yet; build refused",
                              reason_zh=f"{len(checked.pending)} 个文件尚未识别完成，拒绝装订（可稍后重试或用 --draft 装订草稿）：\n{lines}")
        packet = loaded.packet_input().model_copy(update={"discrepancies": checked.findings})
        result = build_packet(packet, out_dir, checklist=chosen, options=options)
    except GateRefused as refused:
        with db.session() as session:
            repo.audit(session, user, "build.refused", f"application:{name}",
                       {"checklist": chosen.name, "reasons": refused.findings})
        raise
    with db.session() as session:
        app = repo.get_application(session, name)
        session.add(Packet(application_id=app.id, path=str(Path(out_dir).resolve()), sha256=result.packet_sha256,
                           checklist=chosen.name, draft=draft))
        repo.audit(session, user, "build", f"application:{name}",
                   {"checklist": chosen.name, "draft": draft, "pages": result.pages,
                    "packet_sha256": result.packet_sha256, "open_blocking": len(result.open_blocking)})
    return result

