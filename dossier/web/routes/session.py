"""Signing in and out (the login form starts a server-side session and puts its id in the cookie;
logout revokes it), and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from dossier.store import repo
from dossier.store.login_sessions import end_session, start_session
from dossier.store.users import authenticate
from dossier.web.auth import COOKIE_NAME, Forbidden, Viewer, safe_next, same_origin
from dossier.web.context import Ctx, render
from dossier.web.schemas import Me, Problem

api = APIRouter(prefix="/api", tags=["session"], responses={401: {"model": Problem}})
pages = APIRouter(include_in_schema=False)


@api.get("/me", response_model=Me, summary="当前用户")
def me(user: Viewer) -> Me:
    return Me(name=user.name, role=user.role)


@pages.get("/login")
def login_form(request: Request, next: str = "/"):
    return render(request, "login.html", next=safe_next(next), error=None)


@pages.post("/login")
def login(request: Request, ctx: Ctx, token: Annotated[str, Form()], next: Annotated[str, Form()] = "/"):
    _refuse_cross_site(request)
    hours = ctx.settings.session_hours
    with ctx.db.session() as session:
        user = authenticate(session, token.strip())
        if user is not None:
            session_id = start_session(session, user, hours=hours)
            repo.audit(session, user.name, "user.login", f"user:{user.name}", {"session_hours": hours})
    if user is None:
        return render(request, "login.html", 401, next=safe_next(next), error="令牌无效或已被吊销")
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(COOKIE_NAME, session_id, max_age=int(hours * 3600), httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")
    return response


@pages.post("/logout")
def logout(request: Request, ctx: Ctx):
    _refuse_cross_site(request)
    with ctx.db.session() as session:
        user = end_session(session, request.cookies.get(COOKIE_NAME))
        if user is not None:
            repo.audit(session, user.name, "user.logout", f"user:{user.name}", {})
    response = RedirectResponse("/login?flash=logged_out", status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


def _refuse_cross_site(request: Request) -> None:
    """Another site may neither sign a browser in (login CSRF) nor out."""
    if not same_origin(request):
        raise Forbidden("拒绝跨站请求")
