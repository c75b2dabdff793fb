"""``dossier assess`` on a stored application: the one loader for the command and the web app.

The assessment is "against the archive": the application's documents, plus the company's 业绩
and 审计报告 filed under its other applications.
"""

from __future__ import annotations

from pathlib import Path

from dossier.assess.requirements import Assessment, assess
from dossier.config import Settings
from dossier.store.db import Database
from dossier.validate.params import params_for
from dossier.workflow.archive_facts import company_records
from dossier.workflow.facts import load_application


def assess_application(db: Database, settings: Settings, name: str, *, target: str | None = None,
                       regime: str | None = None, standards_files: list[Path] | None = None) -> Assessment:
    """Application ``name``'s documents against ``target`` under ``regime`` (see
    ``dossier.assess.requirements.assess``), with a company's own standard files when given."""
    loaded = load_application(db, settings, name)
    with db.session() as session:
        records = company_records(session, name, loaded.spec)
    own = {doc.sha256 for doc in loaded.facts}
    params = params_for(loaded.spec, {"standards_files": [str(p) for p in standards_files or []]})
    return assess(loaded.spec, loaded.facts + [doc for doc in records if doc.sha256 not in own], target=target,
                  regime=regime, params=params)
