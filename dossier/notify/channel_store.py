"""Reminder channels kept in the database (table ``notify_channels``), edited by admins in the web
UI and by the API, and the one list ``dossier remind`` sends on: ``dossier.toml``'s channels plus
the enabled stored ones.

Every stored channel is validated by the same models as ``dossier.toml`` (``parse_channel``), its
secret settings kept apart from the rest. A secret is write-only: an edit that leaves it out
keeps the stored one. Each change is audited with the names of the settings it changed, never
their values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dossier.errors import ConfigError
from dossier.notify.channels import CHANNEL_MODELS, EmailChannel, NotifySettings, RobotChannel, parse_channel, secret_fields
from dossier.store.repo import audit
from dossier.store.schema import NotifyChannel

AnyChannel = EmailChannel | RobotChannel


class ChannelNotFound(ConfigError):
    """No stored channel by that name (404 in the web app)."""

    reason_zh = "找不到该通知渠道"


class ChannelExists(ConfigError):
    """The name is taken, in the database or in dossier.toml (409 in the web app)."""

    reason_zh = "通知渠道名称已存在"


@dataclass(frozen=True)
class ChannelView:
    """A channel as listed for an admin: where it comes from and whether it is on; no secret."""

    channel: AnyChannel
    source: str  # "toml" (read-only here) or "db"
    enabled: bool = True
    updated_by: str | None = None
    updated_at: datetime | None = None

    def public(self) -> dict[str, Any]:
        """``Channel.public`` plus the source and state; the secret fields by name only."""
        return {**self.channel.public(), "source": self.source, "enabled": self.enabled,
                "updated_by": self.updated_by, "updated_at": self.updated_at,
                "secret_fields": list(secret_fields(self.channel.kind)),
                "settings": self.channel.model_dump(mode="json", exclude=set(secret_fields(self.channel.kind)))}


def _channel(row: NotifyChannel) -> AnyChannel:
    return parse_channel({**row.settings, **row.secrets, "name": row.name, "kind": row.kind})


def _row(session: Session, name: str) -> NotifyChannel:
    row = session.scalar(select(NotifyChannel).where(NotifyChannel.name == name))
    if row is None:
        raise ChannelNotFound(f"no stored channel {name!r}", reason_zh=f"找不到通知渠道「{name}」（或它在 dossier.toml 中配置，只读）")
    return row


def list_channels(session: Session, notify: NotifySettings) -> list[ChannelView]:
    """dossier.toml's channels, then the stored ones (enabled or not), each by name."""
    views = [ChannelView(c, "toml") for c in notify.channels]
    rows = session.scalars(select(NotifyChannel).order_by(NotifyChannel.name))
    return views + [ChannelView(_channel(r), "db", r.enabled, r.updated_by, r.updated_at) for r in rows]


def find_channel(session: Session, notify: NotifySettings, name: str) -> ChannelView:
    """One channel of :func:`list_channels` by name; ChannelNotFound otherwise."""
    for view in list_channels(session, notify):
        if view.channel.name == name:
            return view
    raise ChannelNotFound(f"no channel {name!r}", reason_zh=f"找不到通知渠道「{name}」")


def active_channels(session: Session, notify: NotifySettings) -> list[AnyChannel]:
    """What ``dossier remind`` sends on: dossier.toml's channels and the enabled stored ones. A name
    in both is a ConfigError naming it: the send log tells channels apart by name only."""
    stored = [_channel(r) for r in session.scalars(
        select(NotifyChannel).where(NotifyChannel.enabled.is_(True)).order_by(NotifyChannel.name))]
    clash = sorted({c.name for c in notify.channels} & {c.name for c in stored})
    if clash:
        names = "、".join(clash)
        raise ConfigError(f"channel names both in dossier.toml and the database: {clash}",
                          reason_zh=f"通知渠道名称重复：「{names}」既在 dossier.toml 中配置，又在网页中添加；"
                                    "请删除或改名其中一个")
    return [*notify.channels, *stored]


def create_channel(session: Session, notify: NotifySettings, data: dict[str, Any], actor: str) -> ChannelView:
    """Store a new channel from ``data`` (its settings, ``enabled`` optional)."""
    data = dict(data)
    enabled = _enabled(data.pop("enabled", True))
    channel = parse_channel(_given(data, data.get("kind")))
    taken = channel.name in {c.name for c in notify.channels} or session.scalar(
        select(NotifyChannel.id).where(NotifyChannel.name == channel.name)) is not None
    if taken:
        raise ChannelExists(f"channel {channel.name!r} exists", reason_zh=f"通知渠道「{channel.name}」已存在")
    settings, secrets = _split(channel)
    row = NotifyChannel(name=channel.name, kind=channel.kind, settings=settings, secrets=secrets, enabled=enabled,
                        created_by=actor, updated_by=actor)
    session.add(row)
    session.flush()
    audit(session, actor, "notify_channel.create", f"notify_channel:{channel.name}",
          {"kind": channel.kind, "enabled": enabled, "changed": sorted(settings),
           "secrets_changed": sorted(secrets)})
    return ChannelView(channel, "db", enabled, actor, row.updated_at)


def update_channel(session: Session, name: str, data: dict[str, Any], actor: str) -> ChannelView:
    """Change a stored channel: the settings given replace the stored ones; a secret left out (or
    empty) keeps its stored value; a setting the (new) kind does not have is dropped."""
    row = _row(session, name)
    data = dict(data)
    enabled = _enabled(data.pop("enabled", row.enabled))
    if data.get("name", name) != name:
        raise ConfigError("a channel is not renamed", reason_zh="通知渠道不能改名（发送记录按名称区分渠道）：请新建一个")
    kind = data.get("kind") or row.kind
    keep = set(CHANNEL_MODELS[kind].model_fields) if kind in CHANNEL_MODELS else set()
    merged = {k: v for k, v in {**row.settings, **row.secrets}.items() if k in keep}
    channel = parse_channel({**merged, **_given(data, kind), "name": name, "kind": kind})
    settings, secrets = _split(channel)
    changed = sorted(k for k in {*settings, *row.settings} if settings.get(k) != row.settings.get(k))
    changed += ["kind"] if kind != row.kind else []
    changed += ["enabled"] if enabled != row.enabled else []
    secrets_changed = sorted(k for k in {*secrets, *row.secrets} if secrets.get(k) != row.secrets.get(k))
    row.kind, row.settings, row.secrets, row.enabled, row.updated_by = kind, settings, secrets, enabled, actor
    session.flush()
    audit(session, actor, "notify_channel.update", f"notify_channel:{name}",
          {"kind": kind, "changed": sorted(set(changed)), "secrets_changed": secrets_changed})
    return ChannelView(channel, "db", enabled, actor, row.updated_at)


def delete_channel(session: Session, name: str, actor: str) -> None:
    """Remove a stored channel (its send log stays: it records what was sent)."""
    row = _row(session, name)
    audit(session, actor, "notify_channel.delete", f"notify_channel:{name}", {"kind": row.kind})
    session.delete(row)


def _enabled(value: Any) -> bool:
    # not bool(value): the string "false" would switch a channel on
    if not isinstance(value, bool):
        raise ConfigError(f"enabled must be true or false, not {type(value).__name__}",
                          reason_zh="通知渠道设置有误：enabled 应为 true 或 false")
    return value


def _given(data: dict[str, Any], kind: Any) -> dict[str, Any]:
    """The settings ``data`` gives: null or "" means "not given" (for a secret: keep the stored
    one), and an empty list of a setting ``kind`` lacks is the web form's unused field."""
    own = set(CHANNEL_MODELS[kind].model_fields) if kind in CHANNEL_MODELS else set()
    return {k: v for k, v in data.items() if v is not None and v != "" and not (v == [] and k not in own)}


def _split(channel: AnyChannel) -> tuple[dict[str, Any], dict[str, Any]]:
    """The channel's own settings (not name or kind) as JSON: (not secret, secret)."""
    hidden = set(secret_fields(channel.kind))
    plain = channel.model_dump(mode="json", exclude={"name", "kind", *hidden}, exclude_defaults=True)
    secret = {k: getattr(channel, k).get_secret_value() for k in hidden if getattr(channel, k) is not None}
    return plain, secret
