"""The audit trail in words: each action, the object it acted on and the details' keys in Chinese.

The events keep their codes (``review.waive``, ``document:<sha256>``): they are the record, read by
the CLI and exports too. Only what the web pages show is worded here; an action or key that has
no wording yet is shown as stored rather than hidden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from dossier.assemble.checklist import checklist_titles
from dossier.model import DOCUMENT_STATUS_ZH

ACTION_ZH = {
    "user.login": "登录", "user.logout": "退出登录",
    "application.created": "新建申报项目", "application.spec": "更新申报信息（application.yaml）",
    "application.deleted": "删除申报项目", "application.restored": "恢复申报项目",
    "application.purged": "彻底删除申报项目",
    "document.received": "收到文件", "document.linked": "文件加入申报项目",
    "document.unlinked": "从申报项目移除文件", "document.reopened": "用密码重新打开加密文件",
    "check": "核验", "field.correct": "更正字段",
    "review.accept": "接受问题", "review.correct": "更正问题中的值", "review.waive": "豁免问题",
    "review.reopen": "重新打开问题",
    "build": "装订材料", "build.refused": "拒绝装订", "packet.built": "装订完成",
    "notify_channel.create": "添加通知渠道", "notify_channel.update": "修改通知渠道",
    "notify_channel.delete": "删除通知渠道", "notify_channel.test": "发送测试消息", "remind": "发送到期提醒",
    "archive.imported": "导入档案",
}
DETAIL_ZH = {
    "session_hours": "会话时长（小时）", "company_name": "企业", "application_type": "申报类型",
    "name": "文件名", "path": "路径", "size": "大小（字节）", "media_type": "文件类型", "status": "状态",
    "reason": "原因", "findings": "问题数", "checklist": "清单", "pending": "待识别文件", "draft": "草稿",
    "pages": "页数", "packet": "装订编号", "packet_sha256": "装订文件校验码", "open_blocking": "未处理阻断问题",
    "reasons": "拒绝原因", "documents": "文件数", "packets": "装订记录数", "field": "字段", "first_page": "起始页",
    "kind": "渠道类型", "applications": "申报项目", "bytes": "字节数", "exported_at": "导出时间",
    "deleted_at": "删除时间", "deleted_by": "删除人",
}
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class AuditObject:
    """What an event acted on, as a person reads it, and where that is shown (None: nowhere)."""

    label: str
    href: str | None


def action_zh(action: str) -> str:
    return ACTION_ZH.get(action, action)


def detail_zh(key: str) -> str:
    return DETAIL_ZH.get(key, key)


def detail_value(key: str, value: Any) -> str:
    """A detail's value as shown: yes/no in words, a document's status in Chinese, lists joined."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "status" and isinstance(value, str):
        return DOCUMENT_STATUS_ZH.get(value, value)
    if key == "checklist" and isinstance(value, str):
        return checklist_titles().get(value, value)
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)


def short(value: str) -> str:
    """A SHA-256 cut to its first 12 characters (enough to tell two files apart on a page)."""
    return _SHA256.sub(lambda m: m.group(0)[:12] + "…", value)


def audit_object(obj: str, documents: dict[str, str]) -> AuditObject:
    """``application:华建`` -> 申报项目「华建」 and its page; ``document:<sha256>`` -> the file's
    name in ``documents`` (sha256 -> masked name); ``discrepancy:12`` -> 问题 #12."""
    kind, _, key = obj.partition(":")
    if kind == "application":
        return AuditObject(f"申报项目「{key}」", f"/applications/{quote(key, safe='')}")
    if kind == "document":
        return AuditObject(f"文件「{documents.get(key, short(key))}」", f"/documents/{key}")
    if kind == "discrepancy":
        return AuditObject(f"问题 #{key}", f"/discrepancies/{key}")
    if kind == "user":
        return AuditObject(f"用户「{key}」", None)
    if kind in ("notify_channel", "channel"):
        return AuditObject(f"通知渠道「{key}」", None)
    if kind == "import":
        return AuditObject(f"导入自 {key}", None)
    return AuditObject(obj, None)
