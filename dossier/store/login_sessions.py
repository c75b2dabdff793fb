"""Browser sign-ins: a random session id in the login cookie, its SHA-256 in ``login_sessions``.

A session is not the user's API token: it ends at logout (revoked in the database, so a copied
cookie stops working too) or when it expires, and signing in never puts the token in a cookie.
A session of a user revoked since (``dossier user revoke``) stops working at once.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from dossier.store.schema import LoginSession, User, utcnow
from dossier.store.users import TOKEN_SHAPE, UserInfo, hash_token, user_info

SESSION_BYTES = 32


def start_session(session: Session, user: UserInfo, *, hours: float) -> str:
    """A new session for ``user`` lasting ``hours``; returns its id (for the cookie only).
    The user's sessions that ended (expired or logged out) are forgotten: the audit trail keeps
    the sign-ins and sign-outs."""
    raw = secrets.token_urlsafe(SESSION_BYTES)
    now = utcnow()
    session.execute(delete(LoginSession).where(
        LoginSession.user_id == user.id, or_(LoginSession.expires_at <= now, LoginSession.revoked_at.is_not(None))))
    session.add(LoginSession(id_hash=hash_token(raw), user_id=user.id, created_at=now,
                             expires_at=now + timedelta(hours=hours)))
    return raw


def session_user(session: Session, raw: str | None) -> UserInfo | None:
    """The active user of live session ``raw`` (not revoked, not expired), or None."""
    if not raw or not TOKEN_SHAPE.fullmatch(raw):
        return None
    row = session.execute(select(LoginSession, User).join(User, User.id == LoginSession.user_id)
                          .where(LoginSession.id_hash == hash_token(raw))).first()
    if row is None:
        return None
    login, user = row
    if login.revoked_at is not None or login.expires_at <= utcnow() or not user.active:
        return None
    return user_info(user)


def end_session(session: Session, raw: str | None) -> UserInfo | None:
    """Revoke session ``raw`` (logout); returns whose it was, None when it was not live."""
    user = session_user(session, raw)
    if user is not None:
        login = session.scalar(select(LoginSession).where(LoginSession.id_hash == hash_token(raw)))
        login.revoked_at = utcnow()
    return user
