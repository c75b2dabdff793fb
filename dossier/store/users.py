"""People who may use the web app and the REST API, and their login tokens.

A token is 32 random bytes (``secrets.token_urlsafe``) shown to its owner once, when the user is
added or the token is renewed; the database keeps only its SHA-256. A salted slow hash would add
nothing here: the token carries 256 bits of entropy, so nobody can guess it from its hash, and a
plain digest lets a login be one indexed lookup. Revoking a user deactivates the row and forgets
the hash (the name stays, so the audit trail still names who did what).

Roles, each including the one before: ``viewer`` reads, ``reviewer`` also reviews, corrects and
uploads, ``admin`` also builds packets and deletes.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dossier.errors import DossierError, ExitCode
from dossier.names import hidden_reason_zh
from dossier.store.schema import USER_ROLES, User

ROLE_RANK = {"viewer": 0, "reviewer": 1, "admin": 2}
assert set(ROLE_RANK) == set(USER_ROLES)
ROLE_NAMES_ZH = {"viewer": "只读", "reviewer": "审核员", "admin": "管理员"}
TOKEN_BYTES = 32
# A token as we hand it out: URL-safe base64 of TOKEN_BYTES bytes (43 characters). Anything else
# is refused before it is hashed, so a header full of junk costs nothing.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,128}")
_NAME_MAX = 64


class UserError(DossierError):
    """A user cannot be added, found or changed as asked."""

    exit_code = ExitCode.bad_args
    reason_zh = "用户操作无效"


@dataclass(frozen=True)
class UserInfo:
    """A user as the web app and the CLI see it (never the token or its hash)."""

    id: int
    name: str
    role: str
    active: bool
    created_at: datetime | None = None

    def may(self, role: str) -> bool:
        """Whether this user has ``role`` or a higher one."""
        return self.active and ROLE_RANK[self.role] >= ROLE_RANK[role]

    @property
    def role_zh(self) -> str:
        return ROLE_NAMES_ZH.get(self.role, self.role)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def user_info(user: User) -> UserInfo:
    """The public view of a user row."""
    return UserInfo(user.id, user.name, user.role, user.active, user.created_at)


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > _NAME_MAX or any(ch.isspace() and ch != " " or ord(ch) < 32 for ch in name):
        raise UserError(f"invalid user name {name!r}",
                        reason_zh=f"用户名无效：须为 1–{_NAME_MAX} 个字符，不含控制字符")
    hidden = hidden_reason_zh(name, "用户名")
    if hidden:
        raise UserError(f"user name {name!r} holds invisible format characters", reason_zh=hidden)
    return name


def _check_role(role: str) -> str:
    if role not in ROLE_RANK:
        raise UserError(f"unknown role {role!r}", reason_zh=f"未知角色：{role}（可用：{'、'.join(ROLE_RANK)}）")
    return role


def add_user(session: Session, name: str, role: str) -> tuple[UserInfo, str]:
    """Create user ``name`` with ``role``; return it and its token (shown once, stored hashed).

    A revoked user of that name is reactivated with the new role and a new token.
    """
    name, role = _check_name(name), _check_role(role)
    user = session.scalar(select(User).where(User.name == name))
    if user is not None and user.active:
        raise UserError(f"user {name!r} exists", reason_zh=f"用户已存在：{name}（可用 dossier user token 重新生成令牌）")
    token = new_token()
    if user is None:
        user = User(name=name, role=role, token_hash=hash_token(token), active=True)
        session.add(user)
    else:
        user.role, user.token_hash, user.active = role, hash_token(token), True
    session.flush()
    return user_info(user), token


def renew_token(session: Session, name: str) -> str:
    """A new token for active user ``name``; the old one stops working at once."""
    user = _active(session, name)
    token = new_token()
    user.token_hash = hash_token(token)
    return token


def revoke_user(session: Session, name: str) -> UserInfo:
    """Deactivate ``name``: their token stops working; the name stays for the audit trail."""
    user = _active(session, name)
    user.active = False
    user.token_hash = None
    return user_info(user)


def list_users(session: Session) -> list[UserInfo]:
    return [user_info(u) for u in session.scalars(select(User).order_by(User.name))]


def authenticate(session: Session, token: str | None) -> UserInfo | None:
    """The active user holding ``token``, or None."""
    if not token or not TOKEN_SHAPE.fullmatch(token):
        return None
    user = session.scalar(select(User).where(User.token_hash == hash_token(token)))
    if user is None or not user.active:
        return None
    return user_info(user)


def _active(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None or not user.active:
        raise UserError(f"no active user {name!r}", reason_zh=f"找不到有效用户：{name}")
    return user
