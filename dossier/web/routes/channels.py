"""Reminder channels for admins: the 通知渠道 page and its API.

- ``GET /api/notify/channels``: dossier.toml's channels (read-only) and the stored ones, never a
  secret: a secret setting is listed by name only.
- ``POST /api/notify/channels``, ``PUT``/``DELETE /api/notify/channels/{name}``: add, edit
  (``{"enabled": false}`` disables), delete a stored channel. Settings as in dossier.toml; a secret
  left out or empty keeps the stored one.
- ``POST /api/notify/channels/{name}/test``: a short test message through the real sender.
- ``/notify/channels``: the page (linked from the ledger).

Writes need an admin; a browser's cookie-authenticated write must come from this origin (the
same check as every other write, in ``dossier.web.auth``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Request
from pydantic import BaseModel

from dossier.errors import NotifyError
from dossier.notify.channel_store import (
    ChannelView,
    create_channel,
    delete_channel,
    find_channel,
    list_channels,
    update_channel,
)
from dossier.notify.channels import KIND_ZH
from dossier.notify.probe import send_probe
from dossier.notify.remind import Postman
from dossier.store.repo import audit
from dossier.store.users import UserInfo
from dossier.web.auth import Admin
from dossier.web.context import Ctx, render
from dossier.web.routes.applications import ERRORS
from dossier.web.schemas import Problem

api = APIRouter(prefix="/api/notify", tags=["notify"],
                responses={**ERRORS, 400: {"model": Problem}, 404: {"model": Problem}, 409: {"model": Problem}})
pages = APIRouter(include_in_schema=False)

NameP = Annotated[str, Path(min_length=1, max_length=100, description="渠道名称")]
SETTINGS_EXAMPLE = {"name": "资质群", "kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
                    "companies": [], "enabled": True}
SettingsB = Annotated[dict[str, Any], Body(
    description="与 dossier.toml 的 [[notify.channels]] 相同的设置，另可有 enabled；修改时留空的密钥保持不变",
    examples=[SETTINGS_EXAMPLE])]


class ChannelOut(BaseModel):
    """A reminder channel as an admin sees it: where it goes, never a secret."""

    name: str
    kind: str
    kind_zh: str
    companies: list[str]
    server: str | None
    signed: bool
    sender: str | None = None
    to: list[str] = []
    source: str  # "toml": configured in dossier.toml, read-only here; "db": edited here
    enabled: bool
    updated_by: str | None = None
    updated_at: datetime | None = None
    secret_fields: list[str]  # the names of the write-only settings
    settings: dict[str, Any]  # the settings that are not secret (to fill the edit form)


class ProbeResult(BaseModel):
    """The test message went out (a failure is a 502 Problem with the Chinese reason)."""

    channel: str
    sent: bool
    message_zh: str


def _out(view: ChannelView) -> ChannelOut:
    return ChannelOut.model_validate(view.public())


def _views(ctx) -> list[ChannelView]:
    with ctx.db.session() as session:
        return list_channels(session, ctx.settings.notify)


@api.get("/channels", response_model=list[ChannelOut], summary="提醒渠道（dossier.toml 中的只读，网页中添加的可编辑；不含密码与密钥；仅管理员）")
def get_channels(ctx: Ctx, user: Admin):
    return [_out(v) for v in _views(ctx)]


@api.post("/channels", response_model=ChannelOut, status_code=201, summary="添加提醒渠道（仅管理员）")
def post_channel(ctx: Ctx, user: Admin, data: SettingsB):
    with ctx.db.session() as session:
        return _out(create_channel(session, ctx.settings.notify, data, user.name))


@api.put("/channels/{name}", response_model=ChannelOut, summary="修改、停用或启用提醒渠道（留空的密钥保持不变；仅管理员）")
def put_channel(ctx: Ctx, user: Admin, name: NameP, data: SettingsB):
    with ctx.db.session() as session:
        return _out(update_channel(session, name, data, user.name))


@api.delete("/channels/{name}", status_code=204, summary="删除提醒渠道（发送记录保留；仅管理员）")
def remove_channel(ctx: Ctx, user: Admin, name: NameP):
    with ctx.db.session() as session:
        delete_channel(session, name, user.name)


@api.post("/channels/{name}/test", response_model=ProbeResult, summary="向渠道发送一条测试消息（失败时返回 502 与原因；仅管理员）",
          responses={502: {"model": Problem, "description": "渠道的服务器拒绝或无法连接"}})
def send_test_message(ctx: Ctx, user: Admin, name: NameP):
    with ctx.db.session() as session:
        view = find_channel(session, ctx.settings.notify, name)
    _probe(ctx, view, user)
    return ProbeResult(channel=name, sent=True, message_zh=f"测试消息已发送到通知渠道「{name}」")


def _probe(ctx, view: ChannelView, user: UserInfo) -> None:
    """Send, and audit the try either way (an admin's action that reaches outside)."""
    error = None
    try:
        send_probe(Postman(ctx.settings.notify), view.channel, user.name)
    except NotifyError as exc:
        error = exc.user_message
        raise
    finally:
        with ctx.db.session() as session:
            audit(session, user.name, "notify_channel.test", f"notify_channel:{view.channel.name}",
                  {"kind": view.channel.kind, "sent": error is None, "error": error})


@pages.get("/notify/channels")
def channels_page(request: Request, ctx: Ctx, user: Admin):
    return render(request, "notify_channels.html", channels=[_out(v) for v in _views(ctx)], kinds=KIND_ZH)
