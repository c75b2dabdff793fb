"""Where reminders go: the ``[[notify.channels]]`` of ``dossier.toml``, validated once.

```toml
[[notify.channels]]
name = "资质组邮件"
kind = "email"
smtp_url = "smtp://user:pass@smtp.example.com:587"   # smtp:// (STARTTLS when offered) or smtps://
sender = "dossier@example.com"
to = ["zizhi@example.com"]

[[notify.channels]]
name = "钉钉群"
kind = "dingtalk"                                    # wecom | dingtalk | feishu | webhook
url = "https://oapi.dingtalk.com/robot/send?access_token=…"
secret = "SEC…"                                      # 加签 (dingtalk, feishu, webhook)
companies = ["楚天"]                                  # optional: only these companies (name part or USCC)
```

Everything secret (the SMTP password, the robot's key or token in its URL, the signing secret) is
a ``SecretStr``: it prints as ``**********`` in a repr, a log line or a validation error, and
:meth:`Channel.scrub` takes it out of any text (a server's error message) before it is logged,
stored in the send log or shown.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, TypeAdapter, ValidationError, field_validator

from dossier.errors import ConfigError

ChannelKind = Literal["email", "wecom", "dingtalk", "feishu", "webhook"]
KIND_ZH = {"email": "邮件", "wecom": "企业微信群机器人", "dingtalk": "钉钉群机器人", "feishu": "飞书群机器人",
           "webhook": "Webhook"}
MASK = "***"  # what a secret becomes in any text shown or stored


class _Channel(BaseModel):
    # a value that fails validation is not echoed in the error: it may be a URL holding a key
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    name: str = Field(min_length=1, max_length=100)
    companies: list[str] = Field(default_factory=list)  # empty: every company
    timeout: float = Field(10.0, gt=0, description="seconds per request")

    def secrets(self) -> list[str]:
        """The secret strings of this channel, longest first (for :meth:`scrub`)."""
        found: list[str] = []
        for value in self.__dict__.values():
            if isinstance(value, SecretStr):
                raw = value.get_secret_value()
                found.append(raw)
                found += _url_secrets(raw)
        return sorted({s for s in found if len(s) >= 3}, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        """``text`` with every secret of this channel replaced by ``***``."""
        for secret in self.secrets():
            text = text.replace(secret, MASK)
        return text

    @property
    def label(self) -> str:
        """How errors name the channel: ``通知渠道「钉钉群」``."""
        return f"通知渠道「{self.name}」"

    def public(self) -> dict[str, Any]:
        """What an admin may see of the channel: no password, key, token or secret, only where
        it goes (the server's host name, or the e-mail addresses)."""
        shown: dict[str, Any] = {"name": self.name, "kind": self.kind, "kind_zh": KIND_ZH[self.kind],
                                 "companies": list(self.companies)}
        if isinstance(self, EmailChannel):
            shown.update(server=urlsplit(self.smtp_url.get_secret_value()).hostname, sender=self.sender,
                         to=list(self.to), signed=False)
        else:
            shown.update(server=urlsplit(self.url.get_secret_value()).hostname, signed=self.secret is not None)
        return shown

    def serves(self, company: str | None, uscc: str | None) -> bool:
        """Whether reminders about ``company`` go to this channel."""
        if not self.companies:
            return True
        return any(c in (company or "") or c == uscc for c in self.companies)


class EmailChannel(_Channel):
    kind: Literal["email"]
    smtp_url: SecretStr  # smtp://user:pass@host:587 or smtps://user:pass@host:465
    sender: str
    to: list[str] = Field(min_length=1)
    ca_file: Path | None = None  # a private CA's certificate, for a relay with its own certificate

    @field_validator("smtp_url")
    @classmethod
    def _smtp_scheme(cls, value: SecretStr) -> SecretStr:
        parts = urlsplit(value.get_secret_value())
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("smtp_url 应为 smtp://用户:密码@主机:端口 或 smtps://…")
        return value


class RobotChannel(_Channel):
    """A group robot (企业微信, 钉钉, 飞书) or a plain webhook: one HTTPS URL, maybe a signing secret."""

    kind: Literal["wecom", "dingtalk", "feishu", "webhook"]
    url: SecretStr  # the robot's key or access token is in it
    secret: SecretStr | None = None

    @field_validator("url")
    @classmethod
    def _http_scheme(cls, value: SecretStr) -> SecretStr:
        if urlsplit(value.get_secret_value()).scheme not in ("http", "https"):
            raise ValueError("url 应以 https:// 开头")
        return value


Channel = Annotated[EmailChannel | RobotChannel, Field(discriminator="kind")]
CHANNEL_MODELS: dict[str, type[_Channel]] = {"email": EmailChannel, **dict.fromkeys(
    ("wecom", "dingtalk", "feishu", "webhook"), RobotChannel)}
_CHANNEL = TypeAdapter(Channel)


def secret_fields(kind: str) -> tuple[str, ...]:
    """The settings of a ``kind`` of channel that are secret (``SecretStr``): never shown back."""
    model = CHANNEL_MODELS[kind]
    return tuple(name for name, info in model.model_fields.items()
                 if info.annotation is SecretStr or SecretStr in get_args(info.annotation))


def parse_channel(data: dict[str, Any]) -> EmailChannel | RobotChannel:
    """A channel from its settings (as a web admin or the API gives them), validated by the same
    models as ``dossier.toml``; ConfigError with a Chinese reason that holds no secret."""
    try:
        return _CHANNEL.validate_python(data)
    except ValidationError as exc:
        # loc[0] is the kind's model; an unknown kind has no loc at all
        problems = "；".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or 'kind'}：{_error_zh(e)}"
                             for e in exc.errors(include_input=False, include_url=False))
        # a message may quote a value (the kind); a secret value is taken out all the same
        for value in _secret_values(data):
            problems = problems.replace(value, MASK)
        raise ConfigError(f"invalid channel: {problems}", reason_zh=f"通知渠道设置有误：{problems}") from None


def _error_zh(error: dict[str, Any]) -> str:
    if error["type"] == "union_tag_invalid" or (error["type"] == "union_tag_not_found"):
        return f"kind 应为 {' | '.join(KIND_ZH)} 之一"
    if error["type"] == "missing":
        return "必填"
    if error["type"] == "extra_forbidden":
        return "该类渠道没有此项设置"
    return str(error["msg"]).removeprefix("Value error, ")


def _secret_values(data: dict[str, Any]) -> list[str]:
    kind = data.get("kind")
    names = secret_fields(kind) if kind in CHANNEL_MODELS else ("url", "smtp_url", "secret")
    found = [str(data[n]) for n in names if data.get(n)]
    found += [s for v in found for s in _url_secrets(v)]
    return sorted({s for s in found if len(s) >= 3}, key=len, reverse=True)


class NotifySettings(BaseModel):
    """The ``[notify]`` table: channels, and how often a failed send is tried within one run."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    channels: list[Channel] = Field(default_factory=list)
    attempts: int = Field(3, ge=1, le=10, description="tries per message within one run")
    backoff_seconds: float = Field(2.0, ge=0, description="wait before the 2nd try; doubles each time")
    remind_at: str = Field("08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$",
                           description="when Celery beat runs the daily remind (HH:MM, in ``timezone``)")
    timezone: str = Field("Asia/Shanghai", description="the zone of ``remind_at`` and of the day reminded about")

    @field_validator("channels")
    @classmethod
    def _unique_names(cls, value: list) -> list:
        names = [c.name for c in value]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"通知渠道名称重复：{'、'.join(twice)}（发送记录按名称区分渠道）")
        return value


def _url_secrets(value: str) -> list[str]:
    """The password and query values of ``value`` if it is a URL, as written and decoded (a server
    or library may echo either on its own)."""
    parts = urlsplit(value)
    if not parts.scheme:
        return []
    found = [parts.password] if parts.password else []
    found += [v for v in re.findall(r"=([^&]*)", parts.query) if v]
    return found + [unquote(v) for v in found]
