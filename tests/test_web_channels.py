"""The 通知渠道 API and page for admins: add, edit, disable, delete, send a test message to a
real local robot; refused for reviewers and viewers and for another origin; secrets never in a
response, the audit trail or the log."""

from __future__ import annotations

import json
import logging
from urllib.parse import quote

import pytest
from sqlalchemy import select

from dossier.config import Settings
from dossier.notify.channels import NotifySettings
from dossier.store.db import init_db
from dossier.store.schema import AuditEvent
from dossier.store.users import add_user
from dossier.web import create_app
from dossier.web.auth import COOKIE_NAME
from tests.notify_support import KEY, SECRET, TOKEN, RobotServer
from tests.web_support import TestClient, bearer

API = "/api/notify/channels"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    robots = {"wecom": RobotServer("wecom"), "dingtalk": RobotServer("dingtalk", secret=SECRET)}
    home = tmp_path_factory.mktemp("web-channels") / "home"
    settings = Settings(home=home, database_url=None, broker_url=None,
                        notify=NotifySettings(attempts=1, channels=[
                            {"name": "配置群", "kind": "wecom", "url": robots["wecom"].url}]))
    db = init_db(settings)
    with db.session() as session:
        tokens = {role: add_user(session, f"{role}-user", role)[1] for role in ("admin", "reviewer", "viewer")}
    with TestClient(create_app(settings, db=db)) as client:
        client.robots, client.db, client.tokens = robots, db, tokens
        client.as_role = {role: bearer(t) for role, t in tokens.items()}
        yield client
    for robot in robots.values():
        robot.close()
    db.dispose()


def _url(name: str, tail: str = "") -> str:
    return f"{API}/{quote(name)}{tail}"


def test_an_admin_adds_edits_disables_and_deletes_a_channel_and_never_sees_a_secret(site, caplog):
    caplog.set_level(logging.DEBUG)
    admin, ding = site.as_role["admin"], site.robots["dingtalk"]
    created = site.post(API, json={"name": "钉钉群", "kind": "dingtalk", "url": ding.url, "secret": SECRET},
                        headers=admin)
    assert created.status_code == 201, created.text
    assert (created.json()["source"], created.json()["signed"], created.json()["enabled"]) == ("db", True, True)
    assert site.post(API, json={"name": "钉钉群", "kind": "wecom", "url": ding.url}, headers=admin).status_code == 409
    clash = site.post(API, json={"name": "配置群", "kind": "wecom", "url": ding.url}, headers=admin)
    assert clash.status_code == 409 and "配置群" in clash.json()["reason_zh"]
    edited = site.put(_url("钉钉群"), json={"companies": ["楚天"], "secret": None}, headers=admin)
    assert edited.status_code == 200 and edited.json()["companies"] == ["楚天"] and edited.json()["signed"]
    # the secret kept through the edit still signs: the local robot checks the signature
    assert site.post(_url("钉钉群", "/test"), headers=admin).status_code == 200
    assert ding.accepted() and not [r for r in ding.received if r.problems]
    assert site.put(_url("钉钉群"), json={"enabled": False}, headers=admin).json()["enabled"] is False
    listed = site.get(API, headers=admin).json()
    assert [(c["name"], c["source"], c["enabled"]) for c in listed] == [("配置群", "toml", True),
                                                                       ("钉钉群", "db", False)]
    assert site.put(_url("配置群"), json={"enabled": False}, headers=admin).status_code == 404  # dossier.toml's
    page = site.get("/notify/channels", headers=admin)
    assert page.status_code == 200 and "在 dossier.toml 中配置" in page.text and "已停用" in page.text
    assert site.delete(_url("钉钉群"), headers=admin).status_code == 204
    assert [c["name"] for c in site.get(API, headers=admin).json()] == ["配置群"]
    with site.db.session() as session:
        trail = json.dumps([(e.action, e.object, e.details) for e in session.scalars(select(AuditEvent))],
                           ensure_ascii=False)
    for action in ("create", "update", "delete", "test"):
        assert f"notify_channel.{action}" in trail
    assert '"secrets_changed": ["secret", "url"]' in trail and '"changed": ["companies"]' in trail
    for secret in (SECRET, TOKEN, KEY):
        for text in (trail, caplog.text, json.dumps(listed, ensure_ascii=False), created.text, edited.text, page.text):
            assert secret not in text


def test_a_bad_url_or_kind_is_a_400_in_chinese_without_the_secret(site):
    admin = site.as_role["admin"]
    for body, words in (({"name": "坏", "kind": "wecom", "url": f"ftp://h/send?key={KEY}"}, "https://"),
                        ({"name": "坏", "kind": "sms", "url": f"https://h/send?key={KEY}"}, "kind 应为")):
        response = site.post(API, json=body, headers=admin)
        assert response.status_code == 400 and words in response.json()["reason_zh"]
        assert KEY not in response.text
    created = site.post(API, json={"name": "开关", "kind": "wecom", "url": site.robots["wecom"].url,
                                   "enabled": "false"}, headers=admin)
    assert created.status_code == 400 and "enabled" in created.json()["reason_zh"]


def test_reviewers_viewers_and_other_origins_are_refused(site):
    body = {"name": "越权", "kind": "wecom", "url": site.robots["wecom"].url}
    for role in ("reviewer", "viewer"):
        auth = site.as_role[role]
        assert site.get(API, headers=auth).status_code == 403
        assert site.post(API, json=body, headers=auth).status_code == 403
        assert site.put(_url("配置群"), json={}, headers=auth).status_code == 403
        assert site.delete(_url("配置群"), headers=auth).status_code == 403
        assert site.post(_url("配置群", "/test"), headers=auth).status_code == 403
        assert site.get("/notify/channels", headers=auth).status_code == 403
    assert site.post(API, json=body).status_code == 401
    # a signed-in browser's write from another site is refused like every other cookie write
    with TestClient(site.app) as browser:
        signed_in = browser.post("/login", data={"token": site.tokens["admin"], "next": "/"}, follow_redirects=False)
        assert signed_in.status_code == 303 and browser.cookies[COOKIE_NAME]
        refused = browser.post(API, json=body, headers={"Origin": "http://evil.example"})
        assert refused.status_code == 403 and "跨站" in refused.json()["reason_zh"]
        assert browser.post(API, json=body, headers={"Origin": "http://testserver"}).status_code == 201
        assert browser.delete(_url("越权"), headers={"Origin": "http://testserver"}).status_code == 204


def test_the_test_message_reports_success_and_the_robots_error_in_chinese(site):
    admin, wecom = site.as_role["admin"], site.robots["wecom"]
    before = len(wecom.accepted())
    sent = site.post(_url("配置群", "/test"), headers=admin)
    assert sent.status_code == 200 and sent.json()["sent"] is True
    assert len(wecom.accepted()) == before + 1 and "测试消息" in wecom.texts()[-1]
    wecom.fail_next = 1
    failed = site.post(_url("配置群", "/test"), headers=admin)
    assert failed.status_code == 502 and "配置群" in failed.json()["reason_zh"] and "310000" in failed.json()["reason_zh"]
    assert KEY not in failed.text
    assert site.post(_url("没有", "/test"), headers=admin).status_code == 404
    with site.db.session() as session:
        tests = [e.details for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "notify_channel.test"))]
    assert [d["sent"] for d in tests][-2:] == [True, False]
