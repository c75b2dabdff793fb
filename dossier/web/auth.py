"""Who is asking: a token from ``dossier user add`` sent as a bearer header, or the login session
whose id the login form put in a cookie (``dossier.store.login_sessions``: it expires and ends
at logout; the token itself never goes into a cookie); and what they may do (``viewer`` <
``reviewer`` < ``admin``).

The cookie is HttpOnly and SameSite=Strict; in addition a state-changing request authenticated by
the cookie, and the login and logout forms, must come from our own origin (its Origin or Referer
header names this host), so a page elsewhere cannot make a browser act or sign in. A bearer
header is never sent by a browser on its own, so API clients need no such check.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from dossier.store.login_sessions import session_user
from dossier.store.users import ROLE_NAMES_ZH, UserInfo, authenticate

COOKIE_NAME = "dossier_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer = HTTPBearer(auto_error=False, scheme_name="token",
                    description="`dossier user add NAME --role reviewer` 打印的令牌")
cookie = APIKeyCookie(name=COOKIE_NAME, auto_error=False, scheme_name="cookie",
                      description="登录页设置的 Cookie（会话编号，退出登录或到期后失效）")


class NotAuthenticated(Exception):
    """No token, or one that belongs to no active user (401, or the login page for a browser)."""

    def __init__(self, reason_zh: str = "请先登录"):
        super().__init__(reason_zh)
        self.reason_zh = reason_zh


class Forbidden(Exception):
    """A signed-in user without the role an action needs (403)."""

    def __init__(self, reason_zh: str):
        super().__init__(reason_zh)
        self.reason_zh = reason_zh


def same_origin(request: Request) -> bool:
    """True when the request's Origin (or, failing that, Referer) is this host; browsers send one
    of them with every cross-site form post or fetch, so a missing pair is a non-browser client."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if claimed is None:
        return True
    return urlsplit(claimed).netloc == request.headers.get("host", request.url.netloc)


def current_user(request: Request,
                 credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)] = None,
                 session_id: Annotated[str | None, Security(cookie)] = None) -> UserInfo:
    """The signed-in user; NotAuthenticated or Forbidden otherwise."""
    if credentials is None and not session_id:
        raise NotAuthenticated()
    with request.app.state.ctx.db.session() as session:
        if credentials is not None:
            user = authenticate(session, credentials.credentials)
        else:
            user = session_user(session, session_id)
    if user is None:
        raise NotAuthenticated("令牌无效或已被吊销，请重新登录" if credentials is not None
                               else "登录已过期或已退出，请重新登录")
    if credentials is None and request.method not in SAFE_METHODS and not same_origin(request):
        raise Forbidden("拒绝跨站请求")
    request.state.user = user
    return user


def require(role: str):
    """A dependency: the signed-in user, who must have ``role`` or a higher one."""
    def dependency(user: Annotated[UserInfo, Depends(current_user)]) -> UserInfo:
        if not user.may(role):
            raise Forbidden(f"权限不足：此操作需要{ROLE_NAMES_ZH[role]}权限（当前为{user.role_zh}）")
        return user

    dependency.__name__ = f"require_{role}"
    return dependency


Viewer = Annotated[UserInfo, Depends(require("viewer"))]
Reviewer = Annotated[UserInfo, Depends(require("reviewer"))]
Admin = Annotated[UserInfo, Depends(require("admin"))]


def safe_next(target: str | None) -> str:
    """A local path to go to after login; anything else (another host, a scheme) becomes ``/``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target
