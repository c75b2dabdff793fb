"""The access log: one line per request (method, path, status, milliseconds, user) on the
``dossier.web.access`` logger, with ID numbers masked (an upload's path may name one)."""

from __future__ import annotations

import logging
import time
from urllib.parse import unquote

from fastapi import FastAPI, Request

from dossier.privacy import mask_text

log = logging.getLogger("dossier.web.access")


def access_line(method: str, path: str, query: str, status: int, millis: float, user: str | None) -> str:
    """One access log line; ID numbers in the path and the (decoded) query are masked."""
    target = path + (f"?{unquote(query)}" if query else "")
    return f"{method} {mask_text(target)} {status} {millis:.0f}ms user={user or '-'}"


def install_access_log(app: FastAPI) -> None:
    """Log every request of ``app`` (the signed-in user as the auth dependency found it)."""

    @app.middleware("http")
    async def access_log(request: Request, call_next):
        started = time.perf_counter()
        response = await call_next(request)
        user = getattr(request.state, "user", None)
        log.info("%s", access_line(request.method, request.url.path, request.url.query, response.status_code,
                                   (time.perf_counter() - started) * 1000, user.name if user else None))
        return response
