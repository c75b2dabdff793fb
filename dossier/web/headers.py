"""Security headers on every response of the web app.

The pages load only our own script and style sheet (``/static``): no inline script, no inline
style attribute (positions are set by ``app.js`` from data attributes), so the policy needs no
``unsafe-inline``. A response that brings its own policy (the Swagger UI page, whose inline
script is allowed by its hash) keeps it. Dynamic responses carry ID numbers and are never stored
by a browser or proxy; the files under ``/static`` and responses that set their own
``Cache-Control`` (page images) keep theirs.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import FastAPI, Request

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
FIXED = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def csp_for_inline_scripts(html: str) -> str:
    """The policy for a page whose inline scripts are fixed text: each allowed by its SHA-256."""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
                      for s in _INLINE_SCRIPT.findall(html))
    return CSP.replace("script-src 'self'", f"script-src 'self' {hashes}").replace(
        "style-src 'self'", "style-src 'self' 'unsafe-inline'")  # Swagger UI sets styles inline


def install_security_headers(app: FastAPI) -> None:
    """Add the headers above to every response of ``app``."""

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        for name, value in FIXED.items():
            response.headers[name] = value
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
