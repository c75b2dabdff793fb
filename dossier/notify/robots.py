"""Group robots (企业微信, 钉钉, 飞书) and plain webhooks: the documented JSON bodies, the signing,
one HTTPS POST, and the answer checked.

- 企业微信: ``{"msgtype": "markdown", "markdown": {"content": …}}`` (at most 4096 bytes); the key is
  in the URL; answers ``{"errcode": 0, "errmsg": "ok"}``.
- 钉钉: ``{"msgtype": "markdown", "markdown": {"title", "text"}}``; with 加签, ``timestamp`` (ms)
  and ``sign`` = base64(HMAC-SHA256(key=secret, msg="{timestamp}\\n{secret}")) as query
  parameters; answers ``{"errcode": 0, …}``.
- 飞书: an interactive card with one markdown element; with 签名校验, ``timestamp`` (s) and
  ``sign`` = base64(HMAC-SHA256(key="{timestamp}\\n{secret}", msg="")) in the body; answers
  ``{"code": 0, …}`` (older robots: ``{"StatusCode": 0}``).
- webhook: the ``dossier remind --json`` object plus ``title`` and ``text``; with a secret, the
  header ``X-Dossier-Signature: sha256=<hex HMAC-SHA256(secret, "{timestamp}." + body)>`` and
  ``X-Dossier-Timestamp``; any 2xx answer is success.

A robot answers HTTP 200 also when it refuses a message; only ``errcode``/``code`` 0 is success.
No library covers these four fully, hence these few lines on the standard library.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, NoReturn
from urllib.parse import quote_plus

from dossier.errors import NotifyError
from dossier.notify.channels import RobotChannel
from dossier.notify.message import Message, clip_utf8

WECOM_MAX_BYTES = 4096
DINGTALK_MAX_BYTES = 18000  # the documented 20000 leaves room for the JSON around it
FEISHU_MAX_BYTES = 28000  # a card may be 30 KB
CLIPPED = "\n\n…（内容过长，其余请在证照台账中查看）"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉 加签: base64(HMAC-SHA256(key=secret, msg="{timestamp_ms}\\n{secret}"))."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """飞书 签名校验: base64(HMAC-SHA256(key="{timestamp_s}\\n{secret}", msg=b""))."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_sign(secret: str, timestamp_s: int, body: bytes) -> str:
    """A plain webhook's signature header value: ``sha256=<hex>`` over ``"{timestamp}." + body``."""
    return "sha256=" + hmac.new(secret.encode(), f"{timestamp_s}.".encode() + body, hashlib.sha256).hexdigest()


def request_for(channel: RobotChannel, message: Message, now: float) -> tuple[str, bytes, dict[str, str]]:
    """The URL, body and headers of ``message`` for ``channel`` at time ``now`` (seconds)."""
    url = channel.url.get_secret_value()
    secret = channel.secret.get_secret_value() if channel.secret else None
    headers = {"Content-Type": "application/json; charset=utf-8"}
    body: dict[str, Any]
    if channel.kind == "wecom":
        body = {"msgtype": "markdown", "markdown": {"content": clip_utf8(message.markdown, WECOM_MAX_BYTES, CLIPPED)}}
    elif channel.kind == "dingtalk":
        body = {"msgtype": "markdown",
                "markdown": {"title": message.title, "text": clip_utf8(message.markdown, DINGTALK_MAX_BYTES, CLIPPED)}}
        if secret:
            stamp = int(now * 1000)
            url += ("&" if "?" in url else "?") + f"timestamp={stamp}&sign={quote_plus(dingtalk_sign(secret, stamp))}"
    elif channel.kind == "feishu":
        body = {"msg_type": "interactive", "card": {
            "header": {"title": {"tag": "plain_text", "content": message.title}},
            "elements": [{"tag": "markdown", "content": clip_utf8(message.markdown, FEISHU_MAX_BYTES, CLIPPED)}]}}
        if secret:
            stamp = int(now)
            body = {"timestamp": str(stamp), "sign": feishu_sign(secret, stamp), **body}
    else:
        body = {**message.data, "title": message.title, "text": message.text}
    data = json.dumps(body, ensure_ascii=False).encode()
    if channel.kind == "webhook" and secret:
        stamp = int(now)
        headers["X-Dossier-Timestamp"] = str(stamp)
        headers["X-Dossier-Signature"] = webhook_sign(secret, stamp, data)
    return url, data, headers


def send_robot(channel: RobotChannel, message: Message, *, clock: Callable[[], float] = time.time) -> None:
    """POST ``message`` to ``channel``; NotifyError (naming the channel, holding no secret) unless
    the robot accepted it."""
    url, data, headers = request_for(channel, message, clock())
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=channel.timeout) as response:
            status, raw = response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        _fail(channel, f"HTTP {exc.code}", f"服务器返回 HTTP {exc.code}")
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        _fail(channel, f"cannot reach the server: {reason}", f"无法连接服务器（{reason}）")
    if channel.kind == "webhook":
        return  # any 2xx (urlopen raised HTTPError for the rest)
    try:
        answer = json.loads(raw.decode("utf-8", errors="replace"))
    except json.JSONDecodeError:
        _fail(channel, f"HTTP {status}, not JSON", f"服务器应答不是 JSON（HTTP {status}）")
    code = _error_code(answer)
    if code != 0:
        text = answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage") or ""
        _fail(channel, f"refused: code {code} {text}", f"机器人拒收（错误码 {code}：{text}）")


def _error_code(answer: Any) -> Any:
    """``errcode`` (企业微信, 钉钉) or ``code`` / ``StatusCode`` (飞书); a missing one is a failure."""
    if not isinstance(answer, dict):
        return "?"
    for key in ("errcode", "code", "StatusCode"):
        if key in answer:
            return answer[key]
    return "?"


def _fail(channel: RobotChannel, message: str, reason_zh: str) -> NoReturn:
    raise NotifyError(channel.scrub(message), path=channel.label, reason_zh=channel.scrub(reason_zh))
