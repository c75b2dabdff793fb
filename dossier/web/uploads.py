"""Receiving one uploaded file: the size limit, a safe name, then intake as from the watched inbox.

The body is streamed to a temporary file under ``$DOSSIER_HOME/uploads`` and counted as it
arrives, so a file over ``settings.upload_max_bytes`` is refused without being held whole. The
name the browser sent is only ever recorded, never used as a path: it is checked (no ``..``, no
control or reserved characters, at most a few folders deep) and kept as the document's path in
the application, e.g. ``人员资料/张伟/身份证.jpg``. What the file is, is decided by its content
(``dossier.intake.sniff``), not its extension: anything else is archived, recorded as failed with
the Chinese reason and shown as such, exactly like a file dropped into the inbox.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from dossier.errors import ConfigError, InputFileError, UnsafeFileName
from dossier.intake.ingest import IntakeResult, ingest_file
from dossier.intake.names import SourceName
from dossier.intake.rules import SPEC_FILE, is_ignored_name
from dossier.intake.spec import load_spec
from dossier.privacy import mask_values
from dossier.store import repo
from dossier.store.users import UserInfo
from dossier.web.auth import Forbidden

MAX_DEPTH = 6  # folders + file
_NAME_BYTES = 255
_RESERVED = set('<>:"|?*')
CHUNK = 1 << 20


class UploadTooLarge(InputFileError):
    reason_zh = "文件过大"


def safe_name(raw: str) -> str:
    """The upload's path within the application, ``/``-separated; UnsafeFileName when it cannot
    be one (traversal, control characters, empty, too deep)."""
    parts = []
    for part in re.split(r"[/\\]+", raw or ""):
        part = unicodedata.normalize("NFC", part).strip()
        if part in ("", "."):
            continue
        if part == "..":
            raise UnsafeFileName(f"path traversal in upload name {raw!r}",
                                 reason_zh="文件名不安全：不能包含“..”")
        if any(ord(ch) < 32 or ord(ch) == 127 or ch in _RESERVED for ch in part):
            raise UnsafeFileName(f"control or reserved character in {raw!r}",
                                 reason_zh="文件名不安全：含有控制字符或 < > : \" | ? *")
        if len(part.encode("utf-8")) > _NAME_BYTES:
            raise UnsafeFileName(f"name part too long in {raw!r}", reason_zh="文件名过长")
        parts.append(part)
    if not parts:
        raise UnsafeFileName("empty upload name", reason_zh="缺少文件名")
    if len(parts) > MAX_DEPTH:
        raise UnsafeFileName(f"too many folders in {raw!r}", reason_zh=f"文件夹层级过深（最多 {MAX_DEPTH} 层）")
    return "/".join(parts)


async def _spool(chunks: AsyncIterator[bytes], folder: Path, limit: int, name: str) -> Path:
    """Write the body to a new temporary file in ``folder``; UploadTooLarge past ``limit`` bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix="upload-", suffix=".part", dir=folder)
    size = 0
    try:
        with os.fdopen(handle, "wb") as out:
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise too_large(name, limit)
                out.write(chunk)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Path(temp)


def too_large(name: str, limit: int) -> UploadTooLarge:
    return UploadTooLarge(f"upload over {limit} bytes", path=name,
                          reason_zh=f"文件过大（上限 {limit / (1 << 20):.0f} MB）")


async def receive(ctx, application: str, raw_name: str, chunks: AsyncIterator[bytes], *,
                  declared_size: int | None, user: UserInfo) -> IntakeResult | None:
    """Take one uploaded file into ``application``; None when it was the application's spec.

    Raises UnsafeFileName, UploadTooLarge, ConfigError (a malformed ``application.yaml``),
    InputFileError for a temporary or hidden file name, ApplicationNotFound, and Forbidden when
    someone other than an admin would replace the spec: it names the company and the roster every
    check runs against (setting the first one is part of creating an application, which a
    reviewer may do).
    """
    name = safe_name(raw_name)
    limit = ctx.settings.upload_max_bytes
    base = name.rsplit("/", 1)[-1]
    with ctx.db.session() as session:
        app = repo.get_application(session, application)  # no upload creates an application by accident
        if base == SPEC_FILE and app.spec is not None and not user.may("admin"):
            raise Forbidden(f"权限不足：替换 {SPEC_FILE}（企业信息与人员名单）需要管理员权限（当前为{user.role_zh}）")
    actor = user.name
    if declared_size is not None and declared_size > limit:
        raise too_large(name, limit)
    if base != SPEC_FILE and any(is_ignored_name(part) for part in name.split("/")):
        raise InputFileError(f"ignored name {name!r}", path=name,
                             reason_zh="已忽略：临时文件、锁文件或隐藏文件")
    temp = await _spool(chunks, ctx.settings.home / "uploads", limit, name)
    try:
        if base == SPEC_FILE:
            await run_in_threadpool(_update_spec, ctx, application, temp, actor)
            return None
        result = await run_in_threadpool(ingest_file, temp, application, ctx.db, ctx.archive,
                                         name=SourceName.of(name), actor=actor)
    finally:
        temp.unlink(missing_ok=True)
    result = result.model_copy(update={"source": Path(name)})
    if result.status == "new":
        ctx.jobs.process(application, [result.sha256], actor=actor)
    elif result.status == "quarantined":
        # nothing to read, but the queue must say so (NOT_A_DOCUMENT, UNREADABLE) without a re-check by hand
        ctx.jobs.check(application, actor=actor)
    return result


def _update_spec(ctx, application: str, path: Path, actor: str) -> None:
    try:
        spec = load_spec(path, own_standards=False).spec
    except ConfigError as exc:
        raise ConfigError(exc.message, path=SPEC_FILE, reason_zh=exc.reason_zh) from exc
    with ctx.db.session() as session:
        before = repo.get_application(session, application).spec
        after = repo.get_or_create_application(session, application, spec=spec).spec
        # the audit trail is a list anyone signed in may read: the roster's ID numbers are masked
        repo.audit(session, actor, "application.spec", f"application:{application}",
                   {"company_name": spec.company_name, "application_type": spec.application_type,
                    "old": mask_values(before), "new": mask_values(after)})
    ctx.jobs.check(application, actor=actor)
