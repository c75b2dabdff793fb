"""Soft delete, restore and purge of an application, and browser login sessions, on SQLite and
PostgreSQL (the ``db`` fixture of conftest.py): the rows a deletion hides all come back, a purge
removes them through the database's own cascades."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from dossier.config import load_settings
from dossier.errors import ApplicationNotFound, LifecycleError
from dossier.store import repo
from dossier.store.login_sessions import end_session, session_user, start_session
from dossier.store.schema import (
    ApplicationDocument,
    AuditEvent,
    Discrepancy,
    LoginSession,
    Packet,
    Review,
    utcnow,
)
from dossier.store.users import add_user, revoke_user
from dossier.workflow.lifecycle import delete_application, purge_application, restore_application


def _seed(db, home) -> None:
    """An application with one document, one reviewed finding and one packet built under ``home``."""
    with db.session() as session:
        app = repo.get_or_create_application(session, "华建升级2026")
        doc, _ = repo.record_document(session, sha256="c" * 64, size=3, media_type="application/pdf", name="a.pdf")
        repo.link_document(session, app, doc, path="综合资料/a.pdf")
        finding = Discrepancy(application_id=app.id, code="AGE_LIMIT", severity="blocking", message="超龄",
                              subject="x", evidence=[], fingerprint="f" * 64, status="accepted")
        finding.reviews.append(Review(user_name="王审核", action="accept", comment="已核实"))
        session.add(finding)
        folder = home / "packets" / str(app.id) / "1"
        folder.mkdir(parents=True)
        session.add(Packet(application_id=app.id, path=str(folder), sha256="d" * 64))


def _counts(db) -> tuple[int, int, int, int]:
    with db.session() as session:
        return tuple(session.scalar(select(func.count()).select_from(t))
                     for t in (ApplicationDocument, Discrepancy, Review, Packet))


def test_delete_restore_and_purge(db, tmp_path):
    settings = load_settings(home=tmp_path, database_url=None, broker_url=None)
    _seed(db, tmp_path)
    seeded = _counts(db)
    assert seeded == (1, 1, 1, 1)
    delete_application(db, "华建升级2026", actor="管理员")
    with db.session() as session, pytest.raises(ApplicationNotFound, match="deleted|no application"):
        repo.get_application(session, "华建升级2026")
    with db.session() as session, pytest.raises(ApplicationNotFound):
        repo.get_or_create_application(session, "华建升级2026")  # no ingest into a deleted one
    assert _counts(db) == seeded
    restore_application(db, "华建升级2026", actor="管理员")
    with db.session() as session:
        assert repo.get_application(session, "华建升级2026").deleted_at is None
    assert _counts(db) == seeded

    with pytest.raises(ApplicationNotFound):  # only a deleted application is purged
        purge_application(db, settings, "华建升级2026", confirm="华建升级2026", actor="管理员")
    delete_application(db, "华建升级2026", actor="管理员")
    with pytest.raises(LifecycleError):
        purge_application(db, settings, "华建升级2026", confirm="华建升级", actor="管理员")
    purge_application(db, settings, "华建升级2026", confirm="华建升级2026", actor="管理员")
    assert _counts(db) == (0, 0, 0, 0)
    assert not (tmp_path / "packets").exists() or not any((tmp_path / "packets").iterdir())
    with db.session() as session:
        assert repo.find_document(session, "c" * 64) is not None  # the original stays archived
        actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == ["application.deleted", "application.restored", "application.deleted", "application.purged"]


def test_a_login_session_ends_at_logout_at_expiry_and_with_its_user(db):
    with db.session() as session:
        user, _ = add_user(session, "王敏", "reviewer")
        first = start_session(session, user, hours=12)
        second = start_session(session, user, hours=12)
    with db.session() as session:
        assert session_user(session, first).name == "王敏"
        assert end_session(session, first).name == "王敏"
    with db.session() as session:
        assert session_user(session, first) is None and end_session(session, first) is None
        assert session_user(session, second) is not None  # another browser stays signed in
        session.execute(update(LoginSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    with db.session() as session:
        assert session_user(session, second) is None
        third = start_session(session, user, hours=12)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(LoginSession)) == 1  # ended ones forgotten
        revoke_user(session, "王敏")
    with db.session() as session:
        assert session_user(session, third) is None
        assert session_user(session, "not a session id") is None
