"""``create_app``: the FastAPI application of ``dossier serve``.

Errors become one JSON shape for the API (``schemas.Problem``: ``reason_zh`` for people) and a
Chinese error page for the browser; a browser without a valid login is sent to the login form.
The OpenAPI description and its Swagger UI (``/docs``, assets from the ``fastapi-offline``
package, so nothing is fetched from a CDN) are behind the login like everything else.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

import fastapi_offline
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from dossier.config import Settings, load_settings
from dossier.errors import (
    ApplicationNotFound,
    ConfigError,
    DossierError,
    GateRefused,
    InputFileError,
    LifecycleError,
    NotifyError,
    PlanError,
    ReviewError,
)
from dossier.ledger.search import SearchError
from dossier.notify.channel_store import ChannelExists, ChannelNotFound
from dossier.store.archive import Archive
from dossier.store.db import Database, init_db
from dossier.web.access_log import install_access_log
from dossier.web.auth import Forbidden, NotAuthenticated, require
from dossier.web.context import Conflict, NotFound, WebContext, make_templates, render
from dossier.web.headers import csp_for_inline_scripts, install_security_headers
from dossier.web.hints import for_the_web
from dossier.web.jobs import Jobs
from dossier.web.openapi import describe, reason
from dossier.web.routes import (
    applications,
    assess,
    audit,
    channels,
    discrepancies,
    documents,
    ledger,
    overview,
    packets,
    progress,
    queue,
    renewal,
    session,
)
from dossier.web.uploads import UploadTooLarge

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
DOCS_ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
TITLE = "dossier 资质申报材料审核"
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _status_for(exc: DossierError) -> int:
    if isinstance(exc, (ApplicationNotFound, NotFound, ChannelNotFound)):
        return 404
    if isinstance(exc, PlanError):
        return 404 if exc.reason_zh.startswith("档案中没有企业") else 400
    if isinstance(exc, ReviewError) and exc.reason_zh.startswith("找不到"):
        return 404
    if isinstance(exc, (GateRefused, Conflict, ChannelExists)):
        return 409
    if isinstance(exc, NotifyError):
        return 502  # the channel's server refused or could not be reached
    if isinstance(exc, UploadTooLarge):
        return 413
    if isinstance(exc, (ReviewError, ConfigError, InputFileError, SearchError, LifecycleError)):
        return 400
    return 500


def _wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path in ("/openapi.json",):
        return False
    return "text/html" in request.headers.get("accept", "") or request.method == "GET"


def create_app(settings: Settings | None = None, *, db: Database | None = None) -> FastAPI:
    """The app over ``settings`` (read from the environment when not given) and its database
    (opened and migrated when not given; then also disposed of at shutdown)."""
    settings = settings or load_settings()
    own_db = db is None
    db = db or init_db(settings)
    ctx = WebContext(settings=settings, db=db, archive=Archive.from_settings(settings),
                     templates=make_templates(), jobs=Jobs(settings, db))

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        ctx.jobs.close()
        if own_db:
            db.dispose()

    app = FastAPI(title=TITLE, version="1", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan,
                  description="资质申报材料的识别、核验与装订。每个接口都需要令牌："
                              "`Authorization: Bearer <令牌>`（令牌由 `dossier user add` 生成），"
                              "或登录页设置的会话 Cookie（退出登录或到期后失效）。")
    app.state.ctx = ctx
    app.mount("/static/docs", StaticFiles(directory=DOCS_ASSETS), name="docs-static")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (session, overview, applications, assess, queue, progress, documents, discrepancies, packets, audit,
                   ledger, renewal, channels):
        app.include_router(module.api)
        app.include_router(module.pages)
    _install_docs(app)
    _install_errors(app)
    install_security_headers(app)
    install_access_log(app)  # outermost: it sees the final status of every request
    return app


def _install_docs(app: FastAPI) -> None:
    viewer = [Depends(require("viewer"))]

    @app.get("/openapi.json", include_in_schema=False, dependencies=viewer)
    def openapi_json():
        return JSONResponse(describe(app))

    @app.get("/docs", include_in_schema=False, dependencies=viewer)
    def swagger_ui():
        page = get_swagger_ui_html(openapi_url="/openapi.json", title=f"{TITLE} — API",
                                   swagger_js_url="/static/docs/swagger-ui-bundle.js",
                                   swagger_css_url="/static/docs/swagger-ui.css",
                                   swagger_favicon_url="/static/favicon.svg")
        page.headers["Content-Security-Policy"] = csp_for_inline_scripts(page.body.decode())
        return page


def _problem(status: int, reason_zh: str, detail: str, headers: dict | None = None,
             findings: list[str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail, "reason_zh": reason_zh, "findings": findings or []},
                        status_code=status, headers=headers)


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, exc: NotAuthenticated):
        if _wants_html(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        return _problem(401, exc.reason_zh, "not authenticated", {"WWW-Authenticate": "Bearer"})

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden):
        if _wants_html(request):
            return render(request, "error.html", 403, title="权限不足", message=exc.reason_zh)
        return _problem(403, exc.reason_zh, "forbidden")

    @app.exception_handler(DossierError)
    async def dossier_error(request: Request, exc: DossierError):
        status = _status_for(exc)
        if status == 500:
            log.error("request failed: %s", exc)
        findings = exc.findings if isinstance(exc, GateRefused) else None
        message = for_the_web(exc.user_message)
        if _wants_html(request):
            return render(request, "error.html", status, title="出错了", message=message)
        return _problem(status, message, str(exc), findings=findings)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        # 400, as openapi.describe says: a bad parameter is a bad request like any other
        return _problem(400, reason(list(exc.errors())), "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        reason_zh = {404: "页面不存在", 405: "不支持该操作"}.get(exc.status_code, str(exc.detail))
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(app, request.url.path))
        if _wants_html(request):
            page = render(request, "error.html", exc.status_code, title=reason_zh, message=reason_zh)
            page.headers.update(headers)
            return page
        return _problem(exc.status_code, reason_zh, str(exc.detail), headers)


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method some route answers at ``path``: a page and an API operation may share a path,
    while Starlette's own ``Allow`` names only the first route that matched it. Asked of the
    routes themselves, since FastAPI keeps included routers as routes of their own."""
    def answers(method: str) -> bool:
        scope = {"type": "http", "path": path, "method": method, "root_path": "", "headers": []}
        return any(route.matches(scope)[0] == Match.FULL for route in app.routes)

    return [m for m in HTTP_METHODS if answers(m)]
