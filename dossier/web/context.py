"""What every request handler reads: one ``WebContext`` per app, kept in ``app.state``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import HTMLResponse

from dossier.config import Settings
from dossier.errors import DossierError
from dossier.model import DISCREPANCY_STATUS_ZH, DOC_TYPE_NAMES_ZH, DOCUMENT_STATUS_ZH
from dossier.privacy import mask_id, mask_text
from dossier.store.archive import Archive
from dossier.store.db import Database
from dossier.validate.messages import field_label
from dossier.web.jobs import Jobs

SEVERITY_ZH = {"blocking": "阻断", "warning": "警告", "info": "提示"}
APPLICATION_TYPES_ZH = {"new": "首次申请", "upgrade": "升级", "addition": "增项", "renewal": "延续", "change": "变更"}
_TRAILING_ASIDE = re.compile(r"（[^（）]*）$")
ACTION_ZH = {"accept": "接受", "correct": "更正", "waive": "豁免", "reopen": "重新打开"}
# Messages a page may show after a redirect (``?flash=KEY``): a fixed set, so a link cannot put
# arbitrary words on one of our pages.
FLASH = {
    "accepted": "已接受。", "waived": "已豁免。", "reopened": "已重新打开。",
    "resolved": "已更正：重新核验后该问题已消除。",
    "still_open": "已更正，但重新核验后问题仍然存在，请查看。",
    "corrected": "已保存更正，已重新核验。",
    "queue_done": "该申报项目已没有待处理的问题。", "waived_many": "所选警告已批量豁免。",
    "built": "材料已装订，可下载。", "test_sent": "测试消息已发送。", "channel_saved": "通知渠道已保存。", "deleted": "已删除。",
    "restored": "已恢复：文件、问题、审核记录与装订记录均已回到本项目。", "logged_out": "已退出登录。",
}


class NotFound(DossierError):
    """Something named in the URL does not exist (404)."""

    reason_zh = "找不到该对象"


class Conflict(DossierError):
    """The thing to create exists already (409)."""

    reason_zh = "已存在"


@dataclass
class WebContext:
    settings: Settings
    db: Database
    archive: Archive
    templates: Jinja2Templates
    jobs: Jobs


def get_ctx(request: Request) -> WebContext:
    return request.app.state.ctx


Ctx = Annotated[WebContext, Depends(get_ctx)]


def _local_time(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "—"


@lru_cache(maxsize=1)
def code_names() -> dict[str, str]:
    """Each discrepancy code -> what its rule checks, in Chinese (a filter's choices, a finding's
    kind): the rule's description without its closing aside, short enough for a menu."""
    from dossier.validate.engine import registered_rules

    names: dict[str, str] = {}
    # a rule of one code says best what that code is; rules that also emit it (an empty statement
    # read as LOW_CONFIDENCE) describe something narrower
    for rule in sorted(registered_rules(), key=lambda r: len(r.codes)):
        for code in rule.codes:
            names.setdefault(code, _TRAILING_ASIDE.sub("", rule.zh))
    return names


def _checklist_title(name: str | None) -> str:
    from dossier.assemble.checklist import checklist_titles

    return checklist_titles().get(name, name) if name else "按申报类型自动选择"


def make_templates() -> Jinja2Templates:
    """The page templates (package data, so they install with the package) and their filters."""
    env = Environment(loader=PackageLoader("dossier.web", "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    env.filters.update({
        "mask": lambda text: mask_text(str(text)) if text is not None else "",
        "mask_id": mask_id,
        "when": _local_time,
        "doc_name": lambda t: DOC_TYPE_NAMES_ZH.get(t or "", t or "未分类文件"),
        "severity_zh": lambda s: SEVERITY_ZH.get(s, s),
        "status_zh": lambda s: DISCREPANCY_STATUS_ZH.get(s, s),
        "document_status_zh": lambda s: DOCUMENT_STATUS_ZH.get(s, s),
        "action_zh": lambda a: ACTION_ZH.get(a, a),
        "app_type_zh": lambda t: APPLICATION_TYPES_ZH.get(t or "", t or "—"),
        "checklist_title": _checklist_title,
        "code_zh": lambda code: code_names().get(code, code),
        "field_zh": lambda name, doc_type=None: field_label(doc_type, name),
    })
    return Jinja2Templates(env=env)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page, with the signed-in user (if any) and the flash message of the query string."""
    ctx = get_ctx(request)
    context.setdefault("user", getattr(request.state, "user", None))
    context.setdefault("flash", FLASH.get(request.query_params.get("flash", "")))
    return ctx.templates.TemplateResponse(request, template, context, status_code=status_code)
