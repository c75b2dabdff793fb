"""The review UI and REST API (``dossier serve``): FastAPI, Jinja2 pages, a little JavaScript.

Layout::

    app.py        create_app(settings) -> FastAPI: state, error pages, offline /docs, 405 with Allow
    context.py    what every request reads: settings, database, archive, templates, jobs
    auth.py       token login (cookie after the login form, or a bearer header), roles
    headers.py    security headers      access_log.py  the masked access log
    openapi.py    the OpenAPI document as the API answers (Problem bodies, 400s); errors in Chinese
    params.py     parameter types (YYYY-MM-DD dates, bounded ids and page numbers)
    hints.py      an error's command-line way out said as the web UI offers it
    jobs.py       uploaded files processed off the request thread, then the application re-checked
    uploads.py    receiving one uploaded file: size limit, safe name, content sniffing
    images.py     page images and evidence crops, cached as derived artefacts
    record_rows.py  where a 社保 row stands on its page, for its crop
    views.py      read models shared by the pages and the API (lists mask ID numbers)
    queue.py      an application's review queue: filters, choices, pages
    audit_words.py  audit actions, objects and details in Chinese
    schemas.py    request and response models of the API (what /docs shows)
    routes/       one module per thing served: session, overview (start and company pages),
                  applications, queue, progress, documents, discrepancies, packets, audit, ledger,
                  renewal, channels, assess; each with its API router and page router
    templates/    Chinese server-rendered pages
    static/       CSS and JS (no CDN): app.js forms and uploads, keys.js the keyboard, pager.js

Every page and endpoint but the login form and the static assets requires a user; viewers read,
reviewers also review, correct and upload, admins also build packets and delete.
"""

from importlib import import_module

__all__ = ["create_app"]


def __getattr__(name: str):
    if name == "create_app":
        return import_module(f"{__name__}.app").create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
