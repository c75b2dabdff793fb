"""Security headers on every response, a server-side browser session that logout ends (separate
from the API token), Origin checks on login and logout, and the masked access log."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import update

from dossier.store.schema import LoginSession, utcnow
from dossier.web.auth import COOKIE_NAME
from tests.web_support import auth, make_site, module_site, serve


site, _ = module_site("web-security", check=False)


@pytest.fixture()
def client(site):
    with serve(site) as c:
        yield c


def sign_in(client, token: str) -> str:
    """Log in by the form; the session id the cookie now holds."""
    response = client.post("/login", data={"token": token, "next": "/"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return client.cookies[COOKIE_NAME]


def assert_secure_headers(response, *, dynamic: bool = True) -> None:
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    if dynamic:
        assert response.headers["cache-control"] == "no-store"


def test_every_kind_of_response_carries_the_security_headers(client, site):
    bearer = auth(site, "viewer")
    assert_secure_headers(client.get("/login"))
    assert_secure_headers(client.get("/api/applications"))  # 401
    assert_secure_headers(client.get("/api/applications", headers=bearer))
    assert_secure_headers(client.get("/api/applications/nope", headers=bearer))  # 404
    sign_in(client, site.tokens["viewer"])
    page = client.get("/applications/sample-upgrade")
    assert page.status_code == 200 and "style=" not in page.text and "<script>" not in page.text
    assert_secure_headers(page)
    static = client.get("/static/app.js")
    assert_secure_headers(static, dynamic=False)
    assert "no-store" not in static.headers.get("cache-control", "")
    docs = client.get("/docs")  # Swagger UI: its one inline script allowed by hash, not by 'unsafe-inline'
    assert "script-src 'self' 'sha256-" in docs.headers["content-security-policy"]


def test_the_login_cookie_is_a_session_that_logout_ends_and_the_token_still_works(client, site):
    session_id = sign_in(client, site.tokens["reviewer"])
    assert session_id != site.tokens["reviewer"]
    assert client.get("/api/me").json()["name"] == "reviewer-user"
    assert client.post("/logout", follow_redirects=False).status_code == 303
    client.cookies.set(COOKIE_NAME, session_id)  # a copy of the old cookie
    refused = client.get("/api/me")
    assert refused.status_code == 401 and "重新登录" in refused.json()["reason_zh"]
    page = client.get("/applications/sample-upgrade", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    client.cookies.clear()
    bearer = auth(site, "reviewer")
    assert client.get("/api/me", headers=bearer).json()["name"] == "reviewer-user"
    client.cookies.set(COOKIE_NAME, site.tokens["reviewer"])  # the token is no cookie
    assert client.get("/api/me").status_code == 401


def test_a_session_expires_after_the_configured_hours(client, site):
    assert site.settings.session_hours == 12
    sign_in(client, site.tokens["viewer"])
    max_age = next(part for part in client.post("/login", data={"token": site.tokens["viewer"]},
                                                follow_redirects=False).headers["set-cookie"].split(";")
                   if "max-age" in part.lower())
    assert max_age.strip().lower() == f"max-age={12 * 3600}"
    assert client.get("/api/me").status_code == 200
    with site.db.session() as session:
        session.execute(update(LoginSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert client.get("/api/me").status_code == 401


def test_login_and_logout_refuse_another_origin(client, site):
    evil = {"Origin": "http://evil.example"}
    login = client.post("/login", data={"token": site.tokens["admin"]}, headers=evil, follow_redirects=False)
    assert login.status_code == 403 and COOKIE_NAME not in login.cookies
    sign_in(client, site.tokens["admin"])
    assert client.post("/logout", headers=evil, follow_redirects=False).status_code == 403
    assert client.get("/api/me").status_code == 200  # still signed in
    ours = client.post("/logout", headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert ours.status_code == 303


def test_the_access_log_names_method_path_status_time_and_user_with_id_numbers_masked(client, site, caplog):
    bearer = auth(site, "viewer")
    with caplog.at_level(logging.INFO, logger="dossier.web.access"):
        client.get("/api/applications/身份证_420111199507017199", headers=bearer)
        client.get("/api/me")
    lines = [r.getMessage() for r in caplog.records if r.name == "dossier.web.access"]
    assert lines[0].startswith("GET /api/applications/身份证_420111********7199 404 ")
    assert lines[0].endswith("user=viewer-user") and "ms " in lines[0]
    assert lines[1].startswith("GET /api/me 401") and lines[1].endswith("user=-")
    assert "420111199507017199" not in caplog.text
