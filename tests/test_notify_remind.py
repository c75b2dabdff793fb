"""``dossier remind`` on the demo company (``fixtures/sample-upgrade`` as its truth reads): one
digest per channel and company on each due day, each (entry, threshold, channel) once across
runs and across a crash between send and record, failures retried on the next run, no secret in
the send log or the audit trail."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from typer.testing import CliRunner

from dossier.cli import app
from dossier.config import Settings
from dossier.errors import ExitCode
from dossier.ledger.ledger import LedgerEntry
from dossier.ledger.rules import load_rules
from dossier.notify.channels import NotifySettings
from dossier.notify.remind import Postman, run_reminders
from dossier.notify.sendlog import UNSURE_TWICE
from dossier.notify.thresholds import due, milestones
from dossier.store.db import Database
from dossier.store.schema import AuditEvent, Reminder
from tests.notify_support import KEY, SECRET, TOKEN, FakeClock, RobotServer, SmtpServer, demo_database

COMPANY = "湖北楚天建设工程有限公司"
QUALIFICATION = "建筑业企业资质证书"  # D369532596, valid until 2029-03-11: last filing day 2028-12-11
# The qualification certificate's milestones and the heading of the digest it appears under.
QUALIFICATION_DAYS = [
    (date(2028, 6, 14), "提前提醒", "距最迟申报日 180 天"),
    (date(2028, 9, 11), "立即启动续期", "进入应启动续期期"),  # 6 months before expiry
    (date(2028, 9, 12), "立即启动续期", "距最迟申报日 90 天"),
    (date(2028, 11, 11), "立即启动续期", "距最迟申报日 30 天"),
    (date(2028, 12, 4), "立即启动续期", "距最迟申报日 7 天"),
    (date(2028, 12, 12), "已过申报期", "已过最迟申报日"),
    (date(2029, 3, 12), "已过期", "已过期"),
]
T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


class Crash(BaseException):
    """The process dies: not an Exception, so nothing on the way catches it."""


class CrashAfterSend(Postman):
    def send(self, channel, message):
        super().send(channel, message)
        raise Crash()


@pytest.fixture
def robots():
    servers = {"wecom": RobotServer("wecom"), "dingtalk": RobotServer("dingtalk", secret=SECRET)}
    yield servers
    for server in servers.values():
        server.close()


@pytest.fixture
def demo(db, tmp_path, robots):
    demo_database(db)
    notify = NotifySettings(channels=[
        {"name": "资质群", "kind": "wecom", "url": robots["wecom"].url},
        {"name": "钉钉群", "kind": "dingtalk", "url": robots["dingtalk"].url, "secret": SECRET}])
    return db, Settings(home=tmp_path / "home", notify=notify)


def _run(demo, day: date, *, at: datetime | None = None, postman_cls=Postman, **kwargs):
    db, settings = demo
    clock = FakeClock()
    postman = postman_cls(settings.notify, clock=clock, sleep=clock.sleep, wall=lambda: 1_800_000_000.0)
    return run_reminders(db, settings, as_of=day, postman=postman, now=lambda: at or T0, **kwargs)


def _log(db: Database) -> list[Reminder]:
    with db.session() as session:
        return list(session.scalars(select(Reminder).order_by(Reminder.id)))


def test_each_qualification_threshold_brings_one_digest_per_channel_under_its_urgency(demo, robots):
    for day, heading, threshold in QUALIFICATION_DAYS:
        before = {kind: len(server.accepted()) for kind, server in robots.items()}
        quiet = _run(demo, day - timedelta(days=1))
        assert not any(QUALIFICATION in i.line for o in quiet for i in o.items), f"{day}: reminded a day early"
        outcomes = _run(demo, day)
        mine = [o for o in outcomes if o.company == COMPANY]
        assert sorted(o.channel for o in mine) == ["资质群", "钉钉群"] and {o.status for o in mine} == {"sent"}
        [item] = [i for i in mine[0].items if QUALIFICATION in i.line]
        assert item.threshold_zh == threshold
        for kind, server in robots.items():
            # one digest per company and channel a day: the day before, today
            assert len(server.accepted()) - before[kind] == len(quiet) // 2 + len(outcomes) // 2
            text = [t for t in server.texts() if f"证照到期提醒：{COMPANY}" in t][-1]
            section = text.split(f"**{heading}（")[1].split("\n\n")[0]
            assert "D369532596" in section, f"{day}: not under {heading}"
            assert "420102197710043231" not in "".join(server.texts())  # ID numbers masked
    assert _run(demo, QUALIFICATION_DAYS[-1][0]) == []  # nothing twice


def test_a_second_run_sends_nothing_and_a_dry_run_records_nothing(demo, robots):
    day = date(2026, 12, 1)
    preview = _run(demo, day, dry_run=True)
    assert {o.status for o in preview} == {"dry-run"} and _log(demo[0]) == []
    assert robots["wecom"].received == []
    first = _run(demo, day)
    assert [(o.channel, o.company, o.status) for o in first] == [(o.channel, o.company, "sent") for o in preview]
    assert [len(o.items) for o in first] == [len(o.items) for o in preview]
    assert _run(demo, day) == [] and _run(demo, day + timedelta(days=1)) == []
    assert len(robots["wecom"].accepted()) == len(robots["dingtalk"].accepted()) == len(first) // 2
    rows = _log(demo[0])
    assert {r.status for r in rows} == {"sent"} and all(r.attempts == 1 for r in rows)


def test_a_crash_between_send_and_record_resends_once_and_says_so(demo, robots):
    day = date(2026, 12, 1)
    with pytest.raises(Crash):
        _run(demo, day, postman_cls=CrashAfterSend)
    assert len(robots["wecom"].accepted()) == 1  # it went out, but was not recorded
    assert {r.status for r in _log(demo[0]) if r.channel == "资质群"} == {"attempting"}
    assert _run(demo, day, at=T0 + timedelta(minutes=5)) != []  # still in flight for wecom: only dingtalk
    assert len(robots["wecom"].accepted()) == 1
    again = _run(demo, day, at=T0 + timedelta(hours=1))
    [resent] = [o for o in again if o.channel == "资质群"]
    assert resent.status == "sent" and resent.repeat and resent.json()["repeat"] is True
    assert len(robots["wecom"].accepted()) == 2 and "可能重复" in robots["wecom"].texts()[-1]
    assert _run(demo, day, at=T0 + timedelta(hours=2)) == []  # and never again
    rows = [r for r in _log(demo[0]) if r.channel == "资质群"]
    assert {(r.status, r.repeat, r.attempts) for r in rows} == {("sent", True, 2)}


def test_two_crashes_of_one_message_are_reported_not_resent_a_second_time(demo, robots):
    day = date(2026, 12, 1)
    for hours in (0, 1):
        with pytest.raises(Crash):
            _run(demo, day, at=T0 + timedelta(hours=hours), postman_cls=CrashAfterSend)
    assert len(robots["wecom"].accepted()) == 2  # the first send and its one repeat
    third = _run(demo, day, at=T0 + timedelta(hours=2))
    wecom = [o for o in third if o.channel == "资质群"]
    assert [(o.status, o.error) for o in wecom] == [("failed", UNSURE_TWICE)]
    assert len(robots["wecom"].accepted()) == 2
    assert _run(demo, day, at=T0 + timedelta(hours=3)) == []  # reported once


def test_a_failed_send_is_reported_retried_next_run_and_no_secret_is_stored(demo, robots):
    day = date(2026, 12, 1)
    robots["dingtalk"].fail_next = 3  # every try of this run
    first = _run(demo, day)
    failed = [o for o in first if o.status == "failed"]
    assert [o.channel for o in failed] == ["钉钉群"] and failed[0].attempts == 3
    assert "310000" in failed[0].error
    second = _run(demo, day + timedelta(days=1))
    assert [(o.channel, o.status) for o in second] == [("钉钉群", "sent")]
    rows = [r for r in _log(demo[0]) if r.channel == "钉钉群"]
    assert {(r.status, r.attempts) for r in rows} == {("sent", 4)}
    with demo[0].session() as session:
        stored = json.dumps([e.details for e in session.scalars(select(AuditEvent))], ensure_ascii=False)
    stored += "".join(f"{r.error}{r.line}" for r in _log(demo[0]))
    assert "310000" in stored
    for secret in (SECRET, TOKEN, KEY, "420102197710043231"):
        assert secret not in stored


def test_dossier_remind_on_the_demo_data_sends_one_digest_per_channel_then_nothing(home, tmp_path, robots, monkeypatch):
    at_home = Database.from_url(f"sqlite:///{home / 'dossier.db'}")
    at_home.upgrade()
    demo_database(at_home)
    at_home.dispose()
    smtp = SmtpServer()
    config = tmp_path / "dossier.toml"
    config.write_text(f'''
[notify]
attempts = 1

[[notify.channels]]
name = "资质组邮件"
kind = "email"
smtp_url = "smtp://dossier:{"p%40ss%3Aw0rd%2F"}@127.0.0.1:{smtp.port}"
sender = "dossier@example.com"
to = ["zizhi@example.com"]

[[notify.channels]]
name = "资质群"
kind = "wecom"
url = "{robots["wecom"].url}"
''', encoding="utf-8")
    monkeypatch.setenv("DOSSIER_CONFIG", str(config))
    runner = CliRunner()
    try:
        lines = []
        for day in ("2026-12-01", "2027-01-20", "2027-01-21"):
            result = runner.invoke(app, ["remind", "--as-of", day, "--json"])
            assert result.exit_code == 0, result.output
            lines.append([json.loads(line) for line in result.stdout.splitlines()])
            again = runner.invoke(app, ["remind", "--as-of", day, "--json"])
            assert again.exit_code == 0 and again.stdout.strip() == ""
        mails = len(smtp.messages)
    finally:
        smtp.close()
    first, second, third = lines
    for day_lines in lines:
        per_channel = {}
        for line in day_lines:
            assert set(line) >= {"channel", "kind", "company", "entries", "status"} and line["status"] == "sent"
            per_channel.setdefault(line["channel"], []).append(line["company"])
        assert per_channel.get("资质组邮件") == per_channel.get("资质群")  # the same digests on both
        for companies in per_channel.values():
            assert len(companies) == len(set(companies))  # one per company
    assert [line["entries"][0]["threshold"] for line in first if line["channel"] == "资质群"] == ["lapsed"]
    # 黄卫东's printout (until 2027-02-19) crosses 30 days on 2027-01-20; nothing new on the 21st
    assert [e["name"] for line in second for e in line["entries"] if line["channel"] == "资质群"] == ["黄卫东"]
    assert third == []
    assert mails == len(robots["wecom"].accepted()) == len(first) // 2 + len(second) // 2
    # a failure gives a non-zero exit status and names the channel
    robots["wecom"].fail_next = 10
    failed = runner.invoke(app, ["remind", "--as-of", "2027-02-20"])
    assert failed.exit_code == int(ExitCode.notify) and "资质群" in failed.stdout and KEY not in failed.stdout


def test_with_a_broker_celery_beat_runs_the_same_remind_daily(tmp_path, robots):
    from dossier.workers.celery_app import create_app
    from dossier.workers.routing import REMIND

    home = tmp_path / "home"
    db = Database.from_url(f"sqlite:///{home / 'dossier.db'}")
    db.upgrade()
    demo_database(db)
    db.dispose()
    notify = NotifySettings(channels=[{"name": "资质群", "kind": "wecom", "url": robots["wecom"].url}],
                            remind_at="07:30")
    settings = Settings(home=home, database_url=None, broker_url="redis://127.0.0.1:1/0", notify=notify)
    celery = create_app(settings)
    [entry] = celery.conf.beat_schedule.values()
    assert entry["task"] == REMIND and celery.conf.timezone == "Asia/Shanghai"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {30})
    celery.loader.import_default_modules()
    first = celery.tasks[REMIND].apply(kwargs={"as_of": "2026-12-01"}).get()
    again = celery.tasks[REMIND].apply(kwargs={"as_of": "2026-12-01"}).get()
    assert (first["sent"], first["failed"], again["sent"]) == (1, [], 0)
    assert len(robots["wecom"].accepted()) == 1
    # without a channel in dossier.toml beat still runs daily (an admin may add one in the web UI);
    # with none anywhere the run sends nothing and says why
    bare = create_app(settings.model_copy(update={"notify": NotifySettings()}))
    assert [e["task"] for e in bare.conf.beat_schedule.values()] == [REMIND]
    bare.loader.import_default_modules()
    idle = bare.tasks[REMIND].apply(kwargs={"as_of": "2026-12-01"}).get()
    assert (idle["sent"], idle["failed"]) == (0, []) and "未配置通知渠道" in idle["skipped"]


def test_two_runs_at_once_send_each_digest_once(demo, robots):
    import threading

    day, barrier, results, errors = date(2026, 12, 1), threading.Barrier(2), [], []

    def run():
        try:
            barrier.wait()
            results.append(_run(demo, day))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sent = [o for outcomes in results for o in outcomes]
    assert sorted(o.channel for o in sent) == ["资质群", "钉钉群"] and {o.status for o in sent} == {"sent"}
    assert len(robots["wecom"].accepted()) == len(robots["dingtalk"].accepted()) == 1


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
       st.sampled_from(sorted(load_rules().kinds)))
def test_an_entry_crosses_its_milestones_in_order_and_each_is_due_on_its_own_day(valid_until, kind_code):
    rules = load_rules()
    kind = rules.kinds[kind_code]
    if not kind.expires:
        return
    entry = LedgerEntry(kind=kind_code, kind_zh=kind.name_zh, holder=kind.holder, valid_until=valid_until,
                        deadline=kind.deadline(valid_until), alert_from=kind.alert_from(valid_until), sha256="0" * 64,
                        file="x.pdf")
    stones = milestones(entry, rules)
    assert [m.code for m in stones][-1] == "lapsed" and len(stones) == len(rules.remind_days(kind_code)) + 3
    seen = []
    for stone in stones:
        now = due(entry, rules, stone.day)
        # on its day it is due, or a more urgent one of the same day is; the day before, neither
        assert now.day == stone.day and now.rank >= stone.rank
        assert due(entry, rules, stone.day - timedelta(days=1)) != now
        seen.append(now.rank)
    assert seen == sorted(seen)
    assert due(entry, rules, stones[0].day - timedelta(days=1)) is None
