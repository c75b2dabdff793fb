"""A short test message on one channel, through the real sender, so an admin sees at once whether
a channel reaches its group or mailbox (the web UI's 发送测试消息)."""

from __future__ import annotations

from dossier.notify.channels import EmailChannel, RobotChannel
from dossier.notify.message import Message
from dossier.notify.remind import Postman


def probe_message(channel: EmailChannel | RobotChannel, actor: str) -> Message:
    """The test message: says which channel and who sent it; no entries."""
    title = f"dossier 测试消息：{channel.name}"
    body = f"这是 dossier 发送的测试消息（由 {actor} 发送），收到即说明通知渠道「{channel.name}」配置正确。"
    data = {"channel": channel.name, "kind": channel.kind, "company": "", "entries": [], "status": "test"}
    return Message(title=title, markdown=f"**{title}**\n\n{body}", text=f"{title}\n\n{body}\n", data=data)


def send_probe(postman: Postman, channel: EmailChannel | RobotChannel, actor: str) -> None:
    """Send the test message once (no retry, no send log); NotifyError with the Chinese reason."""
    postman.send(channel, probe_message(channel, actor))
