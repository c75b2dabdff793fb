"""The way out an error names, said as the web UI offers it.

The library words its errors for the command line, where most of them are met (``可用 --draft
装订草稿``); in the browser the same way out is a checkbox or a menu, and a reader who never saw a
terminal cannot act on an option's name. Each hint the library gives is mapped here, so the
library keeps one message and the web never shows command-line wording.
"""

from __future__ import annotations

WEB_HINTS = {
    "可稍后重试或用 --draft 装订草稿": "可稍后重试，或勾选“草稿”装订草稿",
    "可用 --draft 装订草稿": "可勾选“草稿”装订草稿",
    "请用 --checklist 指定清单文件": "请在“清单”中选择一份清单",
    "请先恢复（dossier restore）再添加文件": "请先由管理员恢复该项目，再添加文件",
    "（已删除，可用 dossier restore 恢复）": "（已删除，管理员可在首页“已删除的申报项目”中恢复）",
    "请用 --qualification 指定，如": "请指定要延续的资质，如",
    "装订时请用 --password 提供读取时所用的密码": "请管理员在服务器配置（pdf_passwords）中提供读取时所用的密码",
    "（可用 dossier user token 重新生成令牌）": "",
}


def for_the_web(message: str) -> str:
    """``message`` with each command-line hint replaced by the web UI's way to the same end."""
    for cli, web in WEB_HINTS.items():
        message = message.replace(cli, web)
    return message
