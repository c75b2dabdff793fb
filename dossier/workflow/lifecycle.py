"""Deleting, restoring and purging an application.

Deleting hides an application and keeps every row of it (documents' links, findings, reviews,
packet records, packet folders), so restoring brings all of it back. Only a purge, of an
application already deleted and after the person typed its name, removes the rows and the
packet folders the web app built under the data folder (a folder given to ``dossier build --out``
belongs to whoever chose it and is left alone). Originals stay in the archive throughout: other
applications may hold them. Each step is audited.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from dossier.config import Settings
from dossier.errors import LifecycleError
from dossier.store import repo
from dossier.store.db import Database
from dossier.store.schema import Application, Discrepancy, Packet, utcnow


def _counts(session, app) -> dict[str, int]:
    """What a deletion hides, for the audit trail."""
    return {"documents": len(app.links),
            "findings": session.scalar(select(func.count()).where(Discrepancy.application_id == app.id)),
            "packets": session.scalar(select(func.count()).where(Packet.application_id == app.id))}


@dataclass
class DeletedApplication:
    """A deleted application as an admin chooses one to restore: when, by whom, what it holds."""

    name: str
    company_name: str | None
    deleted_at: datetime
    deleted_by: str | None
    documents: int
    findings: int
    packets: int


def deleted_applications(db: Database) -> list[DeletedApplication]:
    """The deleted applications, the latest deleted first."""
    with db.session() as session:
        apps = session.scalars(select(Application).where(Application.deleted_at.is_not(None))
                               .order_by(Application.deleted_at.desc(), Application.name)).all()
        return [DeletedApplication(name=app.name, company_name=(app.spec or {}).get("company_name"), deleted_at=app.deleted_at,
                        deleted_by=app.deleted_by, **_counts(session, app)) for app in apps]


def delete_application(db: Database, name: str, *, actor: str) -> None:
    """Hide application ``name`` (restorable)."""
    with db.session() as session:
        app = repo.get_application(session, name)
        app.deleted_at, app.deleted_by = utcnow(), actor
        repo.audit(session, actor, "application.deleted", f"application:{name}", _counts(session, app))


def restore_application(db: Database, name: str, *, actor: str) -> None:
    """Bring deleted application ``name`` back with everything it held."""
    with db.session() as session:
        app = repo.get_application(session, name, deleted=True)
        deleted = {"deleted_at": app.deleted_at.isoformat(), "deleted_by": app.deleted_by}
        app.deleted_at = app.deleted_by = None
        repo.audit(session, actor, "application.restored", f"application:{name}", deleted | _counts(session, app))


def purge_application(db: Database, settings: Settings, name: str, *, confirm: str, actor: str) -> None:
    """Remove deleted application ``name`` for good; ``confirm`` must repeat its name exactly."""
    if confirm != name:
        raise LifecycleError(f"purge of {name!r} not confirmed",
                             reason_zh=f"彻底删除须输入申报项目名称「{name}」以确认，输入不一致，未执行")
    with db.session() as session:
        app = repo.get_application(session, name, deleted=True)
        built_here = settings.home / "packets" / str(app.id)  # where the web app binds (routes.packets)
        repo.audit(session, actor, "application.purged", f"application:{name}",
                   _counts(session, app) | {"deleted_by": app.deleted_by})
        session.delete(app)
    shutil.rmtree(built_here, ignore_errors=True)
