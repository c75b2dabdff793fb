"""Signing in and out (the login form sets the cookie), and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from dossier.store import repo
from dossier.store.users import authenticate
from dossier.web.auth import COOKIE_MAX_AGE, COOKIE_NAME, Viewer, safe_next
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
    token = token.strip()
    with ctx.db.session() as session:
        user = authenticate(session, token)
        if user is not None:
            repo.audit(session, user.name, "user.login", f"user:{user.name}", {})
    if user is None:
        return render(request, "login.html", 401, next=safe_next(next), error="令牌无效或已被吊销")
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(COOKIE_NAME, token, max_age=COOKIE_MAX_AGE, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")
    return response


@pages.post("/logout")
def logout():
    response = RedirectResponse("/login?flash=logged_out", status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/")
    return response
