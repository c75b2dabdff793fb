"""Reminder channels against real local servers: e-mail over SMTP (plain, STARTTLS, smtps),
企业微信 / 钉钉 / 飞书 robots and a plain webhook that verify the signature and the body; rate
limits kept by waiting (a fake clock, no real minutes); secrets kept out of every error."""

from __future__ import annotations

import email
import email.policy
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from dossier.config import load_settings
from dossier.errors import ConfigError, NotifyError
from dossier.notify.channels import Channel, NotifySettings
from dossier.notify.mail import send_email
from dossier.notify.message import Message, clip_utf8
from dossier.notify.ratelimit import RateLimiter
from dossier.notify.remind import Postman
from dossier.notify.robots import send_robot
from tests.notify_support import KEY, SECRET, TOKEN, FakeClock, RobotServer, SmtpServer, self_signed

MESSAGE = Message(title="证照到期提醒：湖北楚天建设工程有限公司（2026-12-01）",
                  markdown="**已过期（1 项）**\n- 建造师电子证书打印件：范波（420106********6078）",
                  text="【已过期（1 项）】\n  · 建造师电子证书打印件：范波（420106********6078）\n",
                  data={"channel": "x", "kind": "webhook", "company": "湖北楚天建设工程有限公司", "entries": [],
                        "status": "sent"})
CHANNEL = TypeAdapter(Channel)


def channel(**fields) -> Channel:
    return CHANNEL.validate_python({"name": "测试渠道", **fields})


@pytest.fixture
def robot(request):
    kind, secret = request.param
    server = RobotServer(kind, secret=secret)
    yield server
    server.close()


# --- robots ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("robot", [("wecom", None), ("dingtalk", SECRET), ("dingtalk", None), ("feishu", SECRET),
                                   ("feishu", None), ("webhook", SECRET), ("webhook", None)],
                         indirect=True, ids=lambda p: f"{p[0]}-{'signed' if p[1] else 'plain'}")
def test_each_robot_accepts_a_correctly_signed_message_of_its_documented_shape(robot):
    ch = channel(kind=robot.kind, url=robot.url, secret=robot.secret)
    send_robot(ch, MESSAGE)
    [got] = robot.received
    assert got.problems == []
    assert "范波（420106********6078）" in robot.texts()[0]


@pytest.mark.parametrize("robot", [("dingtalk", SECRET), ("feishu", SECRET), ("webhook", SECRET)], indirect=True,
                         ids=lambda p: p[0])
def test_a_wrong_secret_is_refused_and_the_error_names_the_channel_without_secrets(robot):
    wrong = "SECwrong-9876543210"
    ch = channel(kind=robot.kind, url=robot.url, secret=wrong)
    if robot.kind == "webhook":
        robot.http_status = 401  # a webhook says no with its status
    with pytest.raises(NotifyError) as caught:
        send_robot(ch, MESSAGE)
    assert robot.received[0].problems  # the server saw a bad signature
    text = f"{caught.value} {caught.value.user_message}"
    assert "测试渠道" in caught.value.user_message
    for secret in (wrong, TOKEN, KEY, SECRET):
        assert secret not in text


@pytest.mark.parametrize("robot", [("wecom", None)], indirect=True, ids=["wecom"])
def test_an_http_200_with_a_nonzero_errcode_is_a_failure(robot):
    robot.fail_next = 1
    with pytest.raises(NotifyError) as caught:
        send_robot(channel(kind="wecom", url=robot.url), MESSAGE)
    assert "310000" in caught.value.user_message and KEY not in caught.value.user_message
    send_robot(channel(kind="wecom", url=robot.url), MESSAGE)  # the next one goes through
    assert len(robot.accepted()) == 2  # both were well-formed; the first was refused by choice


@pytest.mark.parametrize("robot", [("wecom", None)], indirect=True, ids=["wecom"])
def test_a_long_digest_is_cut_to_the_robots_limit_on_a_character_boundary(robot):
    long = Message(title="t", markdown="- 建筑业企业资质证书：湖北楚天建设工程有限公司\n" * 400, text="", data={})
    send_robot(channel(kind="wecom", url=robot.url), long)
    [content] = robot.texts()
    assert len(content.encode()) <= 4096 and content.endswith("其余请在证照台账中查看）")


def test_an_unreachable_robot_is_a_failure_naming_the_channel_without_its_key():
    from tests.web_support import free_port

    url = f"http://127.0.0.1:{free_port()}/cgi-bin/webhook/send?key={KEY}"
    with pytest.raises(NotifyError) as caught:
        send_robot(channel(kind="wecom", url=url, timeout=2), MESSAGE)
    assert "无法连接" in caught.value.user_message and KEY not in str(caught.value)


# --- e-mail ----------------------------------------------------------------------------------------


def _mail_url(scheme: str, server: SmtpServer, password: str = "p@ss:w0rd/") -> str:
    return f"{scheme}://dossier:{quote(password, safe='')}@127.0.0.1:{server.port}"


def _delivered(server: SmtpServer):
    [(sender, rcpts, raw)] = server.messages
    return sender, rcpts, email.message_from_bytes(raw, policy=email.policy.default)


@pytest.mark.parametrize("tls", [None, "starttls", "implicit"])
def test_email_goes_through_a_real_smtp_exchange_with_login(tls, tmp_path):
    certs = self_signed(tmp_path) if tls else None
    server = SmtpServer(tls=tls, certs=certs)
    try:
        ch = channel(kind="email", smtp_url=_mail_url("smtps" if tls == "implicit" else "smtp", server),
                     sender="dossier@example.com", to=["zizhi@example.com", "boss@example.com"],
                     ca_file=str(certs[0]) if certs else None)
        send_email(ch, MESSAGE)
        sender, rcpts, mail = _delivered(server)
    finally:
        server.close()
    assert server.logins == [("dossier", True)]  # the URL-encoded password arrived decoded
    assert sender == "dossier@example.com" and rcpts == ["zizhi@example.com", "boss@example.com"]
    assert mail["Subject"] == MESSAGE.title
    assert "范波（420106********6078）" in mail.get_content()


def test_a_wrong_smtp_password_fails_without_showing_it(tmp_path):
    server = SmtpServer()
    try:
        ch = channel(kind="email", smtp_url=_mail_url("smtp", server, "wrong-pass-777"), sender="d@example.com",
                     to=["z@example.com"])
        with pytest.raises(NotifyError) as caught:
            send_email(ch, MESSAGE)
    finally:
        server.close()
    assert server.messages == [] and set(server.logins) == {("dossier", False)}  # smtplib tries PLAIN, then LOGIN
    assert "测试渠道" in caught.value.user_message
    assert "wrong-pass-777" not in f"{caught.value} {caught.value.user_message}"


# --- rate limits -------------------------------------------------------------------------------------


def _windows_hold(times: list[float], count: int, period: float) -> bool:
    return all(sum(start <= t < start + period for t in times) <= count for start in times)


@pytest.mark.parametrize("kind, sends, windows", [("wecom", 45, [(20, 60.0)]), ("dingtalk", 41, [(20, 60.0)]),
                                                  ("feishu", 230, [(100, 60.0), (5, 1.0)])])
def test_a_rate_limit_queues_every_message_and_never_exceeds_its_windows(kind, sends, windows):
    clock = FakeClock()
    limiter = RateLimiter.for_kind(kind, clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(sends):
        limiter.acquire()
        times.append(clock())
    assert len(times) == sends  # none dropped
    for count, period in windows:
        assert _windows_hold(times, count, period)
    slowest = max((sends - 1) // count * period for count, period in windows)
    assert clock() - 1000.0 >= slowest  # it waited as long as the limit requires, in fake time


@pytest.mark.parametrize("robot", [("wecom", None)], indirect=True, ids=["wecom"])
def test_twenty_five_messages_to_one_robot_all_arrive_the_last_five_a_minute_later(robot):
    clock = FakeClock()
    postman = Postman(NotifySettings(), clock=clock, sleep=clock.sleep)
    ch = channel(kind="wecom", url=robot.url)
    for _ in range(25):
        assert postman.deliver(ch, MESSAGE) == (None, 1)
    assert len(robot.accepted()) == 25
    assert sum(clock.slept) == pytest.approx(60.0)


@pytest.mark.parametrize("robot", [("dingtalk", SECRET)], indirect=True, ids=["dingtalk"])
def test_a_failed_send_is_retried_with_a_doubling_backoff(robot):
    clock = FakeClock()
    postman = Postman(NotifySettings(attempts=3, backoff_seconds=2), clock=clock, sleep=clock.sleep)
    robot.fail_next = 2
    assert postman.deliver(channel(kind="dingtalk", url=robot.url, secret=SECRET), MESSAGE) == (None, 3)
    assert clock.slept == [2, 4]
    robot.fail_next = 3
    error, tries = postman.deliver(channel(kind="dingtalk", url=robot.url, secret=SECRET), MESSAGE)
    assert tries == 3 and "310000" in error and TOKEN not in error and SECRET not in error


# --- configuration -----------------------------------------------------------------------------------


def test_channels_are_read_from_dossier_toml_and_their_secrets_never_print(tmp_path, monkeypatch, home):
    config = tmp_path / "dossier.toml"
    config.write_text(f'''
[dossier]
ocr_processes = 1

[[notify.channels]]
name = "资质组邮件"
kind = "email"
smtp_url = "smtp://user:pa55word@smtp.example.com:587"
sender = "dossier@example.com"
to = ["zizhi@example.com"]

[[notify.channels]]
name = "钉钉群"
kind = "dingtalk"
url = "https://oapi.dingtalk.com/robot/send?access_token={TOKEN}"
secret = "{SECRET}"
companies = ["楚天"]
''', encoding="utf-8")
    monkeypatch.setenv("DOSSIER_CONFIG", str(config))
    settings = load_settings()
    mail, ding = settings.notify.channels
    assert (mail.kind, ding.kind, settings.ocr_processes) == ("email", "dingtalk", 1)
    assert ding.serves("湖北楚天建设工程有限公司", None) and not ding.serves("武汉江城建筑有限公司", None)
    shown = repr(settings) + str(settings.model_dump())
    for secret in ("pa55word", TOKEN, SECRET):
        assert secret not in shown
    assert ding.scrub(f"POST {ding.url.get_secret_value()} failed, sign {SECRET}") == \
        "POST *** failed, sign ***"
    assert mail.scrub("535 auth failed for user:pa55word") == "535 auth failed for user:***"


def test_a_bad_channel_is_a_config_error_that_does_not_echo_the_url(tmp_path, monkeypatch, home):
    config = tmp_path / "dossier.toml"
    config.write_text(f'[[notify.channels]]\nname = "群"\nkind = "wecom"\nurl = "ftp://x/send?key={KEY}"\n',
                      encoding="utf-8")
    monkeypatch.setenv("DOSSIER_CONFIG", str(config))
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "https://" in caught.value.user_message and KEY not in caught.value.user_message
    with pytest.raises(ValidationError):
        NotifySettings(channels=[channel(kind="wecom", url="https://a/?key=1"),
                                 channel(kind="feishu", url="https://b/")])  # two named 测试渠道


# --- properties of the small parsers -------------------------------------------------------------------


@given(st.text(max_size=300), st.integers(min_value=40, max_value=400))
def test_clipping_keeps_whole_characters_within_the_limit(text, limit):
    clipped = clip_utf8(text, limit, "…")
    if len(text.encode()) <= limit:
        assert clipped == text
    else:
        assert len(clipped.encode()) <= limit and clipped.endswith("…")
        assert text.startswith(clipped[:-1])  # a prefix: no character cut in half


# upper-case letters and digits: never a part of the fixed text around them below
_secret = st.text(alphabet="ABCDEFGHJKMNPQRSTUVWXYZ0123456789", min_size=6, max_size=30)


@given(_secret, _secret, _secret)
def test_a_scrubbed_text_holds_no_secret_of_the_channel(password, token, secret):
    url = f"https://user:{password}@robot.example.com/send?access_token={token}&x=1"
    ch = channel(kind="dingtalk", url=url, secret=secret)
    scrubbed = ch.scrub(f"failed {url} with {secret}, {token} and {password}")
    assert scrubbed.startswith("failed *** with ***")
    for value in (password, token, secret):
        assert value not in scrubbed
