"""The review UI and REST API (``dossier serve``): FastAPI, Jinja2 pages, a little JavaScript.

Layout::

    app.py        create_app(settings) -> FastAPI: state, error pages, offline /docs
    context.py    what every request reads: settings, database, archive, templates, jobs
    auth.py       token login (cookie after the login form, or a bearer header), roles
    jobs.py       uploaded files processed off the request thread, then the application re-checked
    uploads.py    receiving one uploaded file: size limit, safe name, content sniffing
    images.py     page images and evidence crops, cached as derived artefacts
    views.py      read models shared by the pages and the API (lists mask ID numbers)
    schemas.py    request and response models of the API (what /docs shows)
    routes/       one module per thing served: session, applications, documents,
                  discrepancies, packets, audit; each with its API router and page router
    templates/    Chinese server-rendered pages       static/   CSS and JS (no CDN)

Every page and endpoint but the login form and the static assets requires a user; viewers read,
reviewers also review, correct and upload, admins also build packets and delete.
"""

from importlib import import_module

__all__ = ["create_app"]


def __getattr__(name: str):
    if name == "create_app":
        return import_module(f"{__name__}.app").create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
