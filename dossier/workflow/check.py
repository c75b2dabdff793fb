"""``dossier check``: validate a stored application and keep its findings.

The findings are validation's rules run with the checklist's parameters plus what the checklist
itself finds missing (the same selection the packet build makes), so ``check`` and ``build``
report the same things under the same fingerprints, and a decision taken on one holds for the
other.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from dossier.assemble.checklist import Checklist, checklist_for, load_checklist
from dossier.assemble.selection import select
from dossier.config import Settings
from dossier.errors import ChecklistError
from dossier.model import ApplicationSpec, Discrepancy, ReviewedDiscrepancy
from dossier.store import findings as stored
from dossier.store import repo
from dossier.store.db import Database
from dossier.validate.engine import fingerprint, sort_key, validate_application
from dossier.validate.archive_facts import ArchiveFacts
from dossier.validate.params import params_for
from dossier.workflow.archive_facts import archive_facts
from dossier.workflow.facts import LoadedApplication, StoredFile, load_application

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    """The active findings of an application (sorted, blocking first) and how complete the run was."""

    findings: list[ReviewedDiscrepancy]
    checklist: str | None  # the checklist whose parameters and items were applied
    pending: list[StoredFile]  # files not processed yet: their findings are still to come

    @property
    def open_blocking(self) -> list[ReviewedDiscrepancy]:
        return [d for d in self.findings if d.severity == "blocking" and d.status == "open"]


def resolve_checklist(spec: ApplicationSpec, checklist: str | Path | None) -> Checklist | None:
    """The checklist named (a built-in name or a file), else the built-in one for ``spec``.

    None when nothing is named and no built-in checklist serves the application (a 变更, say):
    validation then runs on the defaults of its application type. A named checklist that cannot
    be loaded is an error.
    """
    if checklist is not None:
        return load_checklist(checklist)
    try:
        return checklist_for(spec)
    except ChecklistError as exc:
        log.info("no checklist applies: %s", exc)
        return None


def find_discrepancies(loaded: LoadedApplication, checklist: Checklist | None,
                       archive: ArchiveFacts | None = None) -> list[Discrepancy]:
    """Every finding of ``loaded`` under ``checklist``, without repeats, sorted; ``archive``: what
    the rest of the archive tells about it (``archive_facts``), for the checks across applications."""
    params = params_for(loaded.spec, checklist.overrides() if checklist else None)
    found = validate_application(loaded.spec, loaded.facts, params, archive)
    if checklist is not None:
        found += select(loaded.packet_input(), checklist).findings
    unique = {fingerprint(d): d for d in found}
    return sorted(unique.values(), key=sort_key)


def check_application(db: Database, settings: Settings, name: str, *, checklist: str | Path | None = None,
                      actor: str = "system") -> CheckResult:
    """Validate application ``name``, store its findings (reviews kept by fingerprint) and return
    the active ones."""
    return run_check(db, settings, name, checklist=checklist, actor=actor)[1]


def run_check(db: Database, settings: Settings, name: str, *, checklist: str | Path | None,
              actor: str) -> tuple[LoadedApplication, CheckResult, Checklist | None]:
    """``check_application``, also handing back what it loaded and the checklist it applied (the
    build binds exactly what was checked)."""
    loaded = load_application(db, settings, name)
    chosen = resolve_checklist(loaded.spec, checklist)
    with db.session() as session:
        archive = archive_facts(session, name, loaded.spec)
    found = find_discrepancies(loaded, chosen, archive)
    with db.session() as session:
        app = repo.get_application(session, name)
        stored.sync_findings(session, app.id, [(fingerprint(d), d) for d in found])
        repo.audit(session, actor, "check", f"application:{name}",
                   {"findings": len(found), "checklist": chosen.name if chosen else None,
                    "pending": len(loaded.pending)})
        result = stored.load_findings(session, app.id)
    return loaded, CheckResult(sorted(result, key=sort_key), chosen.name if chosen else None, loaded.pending), chosen


def load_findings(db: Database, name: str) -> list[ReviewedDiscrepancy]:
    """The stored active findings of ``name`` (as the last check left them), sorted."""
    with db.session() as session:
        app = repo.get_application(session, name)
        return sorted(stored.load_findings(session, app.id), key=sort_key)
