"""Channels stored by admins (``dossier.notify.channel_store``): validated by dossier.toml's models,
secrets write-only and never audited, used by ``dossier remind`` beside dossier.toml's, a name in
both refused; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import logging
from datetime import date

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from dossier.cli import app
from dossier.config import Settings
from dossier.errors import ConfigError
from dossier.notify.channel_store import (
    ChannelExists,
    active_channels,
    create_channel,
    delete_channel,
    list_channels,
    update_channel,
)
from dossier.notify.channels import NotifySettings
from dossier.notify.remind import run_reminders
from dossier.store.db import Database
from dossier.store.schema import AuditEvent, NotifyChannel
from tests.notify_support import KEY, SECRET, TOKEN, RobotServer, demo_database


@pytest.fixture
def robot():
    server = RobotServer("wecom")
    yield server
    server.close()


def _audit(db) -> str:
    with db.session() as session:
        return json.dumps([(e.action, e.object, e.details) for e in session.scalars(select(AuditEvent))],
                          ensure_ascii=False)


def test_create_edit_disable_delete_keep_secrets_out_of_views_and_audit(db, caplog):
    caplog.set_level(logging.DEBUG)
    toml = NotifySettings()
    url = f"https://oapi.dingtalk.com/robot/send?access_token={TOKEN}"
    with db.session() as session:
        create_channel(session, toml, {"name": "钉钉群", "kind": "dingtalk", "url": url, "secret": SECRET}, "admin")
    with db.session() as session:
        # a secret left out (or empty, as the web form sends it) keeps the stored one
        view = update_channel(session, "钉钉群", {"companies": ["楚天"], "secret": ""}, "admin")
        assert view.channel.secret.get_secret_value() == SECRET and view.channel.companies == ["楚天"]
        update_channel(session, "钉钉群", {"secret": "SECnew-999"}, "admin")
        update_channel(session, "钉钉群", {"enabled": False}, "admin")
    with db.session() as session:
        [view] = list_channels(session, toml)
        assert (view.source, view.enabled) == ("db", False)
        assert active_channels(session, toml) == []
        shown = json.dumps(view.public(), ensure_ascii=False, default=str)
        row = session.scalar(select(NotifyChannel))
        assert row.secrets == {"url": url, "secret": "SECnew-999"} and "url" not in row.settings
    events = json.loads(_audit(db))
    assert [(a, d.get("changed"), d.get("secrets_changed")) for a, _, d in events] == [
        ("notify_channel.create", [], ["secret", "url"]),
        ("notify_channel.update", ["companies"], []),
        ("notify_channel.update", [], ["secret"]),
        ("notify_channel.update", ["enabled"], [])]
    with db.session() as session:
        delete_channel(session, "钉钉群", "admin")
    with db.session() as session:
        assert list_channels(session, toml) == []
    trail = _audit(db) + shown + caplog.text
    assert "notify_channel.delete" in trail
    for secret in (TOKEN, SECRET, "SECnew-999", url):
        assert secret not in trail


def test_a_bad_url_or_kind_is_refused_in_chinese_without_echoing_the_secret(db):
    with db.session() as session:
        for data, words in (({"name": "x", "kind": "wecom", "url": f"ftp://h/send?key={KEY}"}, "https://"),
                            ({"name": "x", "kind": "sms", "url": f"https://h/send?key={KEY}"}, "kind 应为"),
                            ({"name": "x", "kind": "email", "smtp_url": f"http://u:{KEY}@h"}, "smtp_url")):
            with pytest.raises(ConfigError) as caught:
                create_channel(session, NotifySettings(), data, "admin")
            assert words in caught.value.reason_zh and "通知渠道设置有误" in caught.value.reason_zh
            assert KEY not in caught.value.reason_zh + str(caught.value)
        assert session.scalar(select(NotifyChannel)) is None


def test_a_name_in_dossier_toml_and_in_the_database_is_an_error_naming_it(db, robot, tmp_path):
    toml = NotifySettings(channels=[{"name": "资质群", "kind": "wecom", "url": robot.url}])
    with db.session() as session:
        with pytest.raises(ChannelExists, match="资质群"):
            create_channel(session, toml, {"name": "资质群", "kind": "wecom", "url": robot.url}, "admin")
        create_channel(session, NotifySettings(), {"name": "资质群", "kind": "wecom", "url": robot.url}, "admin")
    settings = Settings(home=tmp_path / "home", notify=toml)
    with pytest.raises(ConfigError) as caught:
        run_reminders(db, settings, as_of=date(2026, 12, 1))
    assert "「资质群」" in caught.value.reason_zh and "dossier.toml" in caught.value.reason_zh


def test_dossier_remind_sends_on_a_stored_channel_to_a_local_robot(home, robot, monkeypatch, tmp_path):
    db = Database.from_url(f"sqlite:///{home / 'dossier.db'}")
    db.upgrade()
    demo_database(db)
    with db.session() as session:
        create_channel(session, NotifySettings(), {"name": "网页渠道", "kind": "wecom", "url": robot.url}, "admin")
        create_channel(session, NotifySettings(), {"name": "停用渠道", "kind": "wecom", "url": robot.url,
                                                   "enabled": False}, "admin")
    db.dispose()
    config = tmp_path / "dossier.toml"
    config.write_text("[notify]\nattempts = 1\n", encoding="utf-8")  # no channel in dossier.toml
    monkeypatch.setenv("DOSSIER_CONFIG", str(config))
    result = CliRunner().invoke(app, ["remind", "--as-of", "2026-12-01", "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert {(o["channel"], o["status"]) for o in lines} == {("网页渠道", "sent")}
    assert len(robot.accepted()) == len(lines) and not [r for r in robot.received if r.problems]
    assert "证照到期提醒" in robot.texts()[0] and KEY not in result.output
