"""The ``dossier`` command.

The one place that turns package errors into exit codes and Chinese messages: library code
raises ``DossierError`` subclasses, the commands here catch them at the edge.
"""

from __future__ import annotations

import json
import logging
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dossier.config import Settings, load_settings
from dossier.errors import DossierError, ExitCode, InputFileError
from dossier.privacy import install_log_masking, mask_id, mask_text

app = typer.Typer(help="dossier：资质申报材料的识别、核验与装订。", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)
console = Console(stderr=True)
out = Console(highlight=False, soft_wrap=True)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="详细日志 / debug logging")] = False) -> None:
    """Set up logging (ID numbers are masked in every log line)."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(message)s",
                        handlers=[RichHandler(console=console, show_path=False)], force=True)
    install_log_masking()


@contextmanager
def _errors_to_exit():
    """Turn a DossierError into its Chinese message and exit code."""
    try:
        yield
    except DossierError as exc:
        console.print(f"[red]错误：{exc.user_message}[/red]")
        logging.getLogger("dossier").debug("%s", exc)
        raise typer.Exit(int(exc.exit_code)) from exc


def _settings() -> Settings:
    with _errors_to_exit():
        return load_settings()


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=True, disable=not console.is_terminal)


def _ocr_pool(settings: Settings):
    from dossier.extract.ocr.pool import OcrPool

    return OcrPool(settings)


_PASSWORD_HELP = "加密 PDF 的打开密码（可多次给出）；只在本进程内使用，不保存、不记录"


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="文件或文件夹（任意层级）")],
    application: Annotated[Optional[str], typer.Option("--application", "-a",
                                                       help="申报项目名称；默认取唯一文件夹的名称")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="每个文件输出一行 JSON")] = False,
    passwords: Annotated[Optional[list[str]], typer.Option("--password", help=_PASSWORD_HELP)] = None,
) -> None:
    """接收文件到申报项目：存档原件、识别页面、提取字段。Add files or folders to an application."""
    from dossier.store.db import init_db
    from dossier.workers.local import ingest_and_process

    settings = _with_passwords(_settings(), passwords)
    if application is None:
        folders = [p for p in paths if p.is_dir()]
        if len(folders) != 1 or len(paths) != 1:
            console.print("[red]错误：请用 --application 指定申报项目名称[/red]")
            raise typer.Exit(int(ExitCode.bad_args))
        application = folders[0].resolve().name
    with _errors_to_exit():
        db = init_db(settings)
        try:
            with _progress() as progress:
                task = progress.add_task("识别中", total=None)

                def advance(result) -> None:
                    progress.update(task, description=f"识别 {result.source.name}", advance=1)

                results = ingest_and_process(paths, application, settings, db=db, progress=advance)
                if passwords:
                    _retry_with_passwords(results, settings, db)
            _report_ingest(results, application, db, as_json)
        finally:
            db.dispose()


def _with_passwords(settings: Settings, passwords: list[str] | None) -> Settings:
    """``settings`` carrying the PDF passwords given on the command line (memory only).

    A password never leaves this process, so with passwords the files are read here even when a
    broker is configured (workers elsewhere would not have them).
    """
    if not passwords:
        return settings
    from pydantic import SecretStr

    return settings.model_copy(update={"pdf_passwords": [SecretStr(p) for p in passwords],
                                       "broker_url": None})


def _retry_with_passwords(results, settings: Settings, db) -> None:
    """Files handed in again with passwords: read those that earlier failed for want of one."""
    from dossier.intake.unlock import reopen_encrypted
    from dossier.store.archive import Archive
    from dossier.workers.stages import process_document

    again = reopen_encrypted(db, [r.sha256 for r in results if r.status == "duplicate" and r.sha256])
    if again:
        with _ocr_pool(settings) as pool:
            for sha256 in again:
                process_document(sha256, db=db, archive=Archive.from_settings(settings), settings=settings,
                                 ocr=pool)


def _report_ingest(results, application: str, db, as_json: bool) -> None:
    from dossier.store import repo

    with db.session() as session:
        rows = {row.sha256: row for row in repo.document_status(session, application)}
    if as_json:
        for r in results:
            row = rows.get(r.sha256 or "")
            out.print(json.dumps({"file": str(r.source), "sha256": r.sha256, "intake": r.status,
                                  "status": row.status if row else None,
                                  "doc_type": row.doc_type if row else None,
                                  "reason": row.reason if row else r.reason}, ensure_ascii=False))
        return
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
        if r.status in ("duplicate", "error"):
            out.print(r.message)
    final = [rows[sha] for sha in {r.sha256 for r in results if r.sha256} if sha in rows]
    failed = sorted((row for row in final if row.status == "failed"), key=lambda row: row.path)
    for row in failed:
        out.print(f"[red]无法处理：{row.path}（{row.reason}）[/red]")
    out.print(f"申报项目 {application}：本次 {len(results)} 个文件，新增 {counts.get('new', 0) + counts.get('quarantined', 0)}，"
              f"重复 {counts.get('duplicate', 0)}，未接收 {counts.get('error', 0)}；"
              f"已识别 {sum(row.status == 'processed' for row in final)}，无法处理 {len(failed)}")


@app.command()
def watch(
    inbox: Annotated[Path, typer.Argument(help="收件箱：每个子文件夹是一个申报项目")],
    polling: Annotated[bool, typer.Option("--polling", help="轮询（网络共享盘）")] = False,
    oneshot: Annotated[bool, typer.Option("--oneshot", help="处理现有文件后退出")] = False,
) -> None:
    """监视收件箱，文件写完后自动接收并识别。Watch an inbox folder."""
    from dossier.intake.ingest import ingest_file
    from dossier.store import repo
    from dossier.store.archive import Archive
    from dossier.store.db import init_db
    from dossier.workers.queue import enqueue_documents
    from dossier.workers.stages import process_document
    from dossier.workers.watcher import watch as run_watch

    settings = _settings()
    with _errors_to_exit():
        db = init_db(settings)
        archive = Archive.from_settings(settings)
        with _ocr_pool(settings) as pool:
            def on_file(path, application, name):
                result = ingest_file(path, application, db, archive, name=name)
                if result.status == "new" and settings.broker_url:
                    enqueue_documents([result.sha256], settings)
                elif result.status == "new" and process_document(
                        result.sha256, db=db, archive=archive, settings=settings, ocr=pool) == "failed":
                    # unreadable content found while processing: the source goes to quarantine too
                    with db.session() as session:
                        doc = repo.find_document(session, result.sha256)
                        result = result.model_copy(update={"status": "quarantined", "reason": doc.failure_reason,
                                                           "detail": doc.failure_detail})
                out.print(result.message)
                return result

            try:
                run_watch(inbox, settings, polling=polling, oneshot=oneshot, on_file=on_file)
            except KeyboardInterrupt:
                out.print("已停止监视")
            finally:
                db.dispose()


@app.command()
def status(
    application: Annotated[str, typer.Argument(help="申报项目名称")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出")] = False,
) -> None:
    """申报项目中每个文件的处理进度。Progress per document of an application."""
    from dossier.model import DOC_TYPE_NAMES_ZH
    from dossier.store import repo
    from dossier.store.db import init_db

    settings = _settings()
    with _errors_to_exit():
        db = init_db(settings)
        try:
            with db.session() as session:
                rows = repo.document_status(session, application)
        finally:
            db.dispose()
    if as_json:
        out.print(json.dumps([row.__dict__ for row in rows], ensure_ascii=False, indent=1))
        return
    table = Table(title=f"申报项目 {application}")
    for col in ("文件", "状态", "类型", "页数", "原因"):
        table.add_column(col)
    labels = {"received": "已接收", "processing": "处理中", "processed": "已识别", "failed": "失败"}
    for row in rows:
        table.add_row(row.path, labels.get(row.status, row.status),
                      DOC_TYPE_NAMES_ZH.get(row.doc_type or "", "—"), str(row.pages or "—"), row.reason or "")
    out.print(table)
    done = sum(r.status == "processed" for r in rows)
    failed = sum(r.status == "failed" for r in rows)
    out.print(f"共 {len(rows)} 个文件：已识别 {done}，失败 {failed}，待处理 {len(rows) - done - failed}")


@contextmanager
def _database():
    """Settings and an open database for one command; DossierErrors become exit codes."""
    from dossier.store.db import init_db

    settings = _settings()
    with _errors_to_exit():
        db = init_db(settings)
        try:
            yield settings, db
        finally:
            db.dispose()


SEVERITY_ZH = {"blocking": "[red]阻断[/red]", "warning": "[yellow]警告[/yellow]", "info": "提示"}
STATUS_ZH = {"open": "待处理", "accepted": "已确认", "corrected": "已更正", "waived": "已豁免"}


@app.command()
def check(
    application: Annotated[str, typer.Argument(help="申报项目名称")],
    checklist: Annotated[Optional[str], typer.Option("--checklist", "-c",
                                                     help="清单名称或文件；默认按申报类型和资质选择内置清单")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出（公开接口）")] = False,
) -> None:
    """核验申报项目：证件号码、日期、人员、单位、金额、重复与篡改迹象。Validate an application."""
    from dossier.workflow.check import check_application

    with _database() as (settings, db):
        result = check_application(db, settings, application, checklist=checklist, actor="cli")
    if as_json:
        out.print(json.dumps([{**d.contract(), "status": d.status} for d in result.findings],
                             ensure_ascii=False, indent=1))
        return
    table = Table(title=f"申报项目 {application} 核验结果（清单：{result.checklist or '无，按申请类型默认参数'}）")
    for col in ("编号", "严重程度", "代码", "状态"):
        table.add_column(col, no_wrap=True)
    table.add_column("说明", overflow="fold")
    for d in result.findings:
        table.add_row(str(d.id), SEVERITY_ZH[d.severity], d.code, STATUS_ZH.get(d.status, d.status),
                      mask_text(d.message))
    out.print(table)
    counts = {s: sum(d.severity == s for d in result.findings) for s in ("blocking", "warning", "info")}
    out.print(f"共 {len(result.findings)} 项：阻断 {counts['blocking']}（待处理 {len(result.open_blocking)}），"
              f"警告 {counts['warning']}，提示 {counts['info']}")
    if result.pending:
        out.print(f"[yellow]注意：{len(result.pending)} 个文件尚未识别完成，核验结果可能不完整[/yellow]")


@app.command()
def review(
    discrepancy: Annotated[int, typer.Argument(help="问题编号（见 dossier check）")],
    action: Annotated[str, typer.Argument(help="accept（确认无误）| correct（更正）| waive（豁免）| reopen（重新打开）")],
    comment: Annotated[Optional[str], typer.Option("--comment", "-m", help="理由；豁免时必填")] = None,
    value: Annotated[Optional[str], typer.Option("--value", help="更正后的值（correct）")] = None,
    evidence: Annotated[int, typer.Option("--evidence", help="更正第几项证据（从 0 开始）")] = 0,
    user: Annotated[Optional[str], typer.Option("--user", help="审核人；默认为当前系统用户")] = None,
) -> None:
    """审核一项问题：确认、更正、豁免或重新打开；更正后自动重新核验。Review a discrepancy."""
    import getpass

    from dossier.workflow.review import review as take

    with _database() as (settings, db):
        after = take(db, settings, discrepancy, action, user=user or getpass.getuser(), comment=comment,
                     new_value=value, evidence_index=evidence)
    blocking = sum(d.severity == "blocking" and d.status == "open" for d in after)
    out.print(f"已记录。该申报项目现有 {len(after)} 项问题，其中待处理的阻断性问题 {blocking} 项")


@app.command()
def build(
    application: Annotated[str, typer.Argument(help="申报项目名称")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="输出文件夹")],
    checklist: Annotated[Optional[str], typer.Option("--checklist", "-c",
                                                     help="清单名称或文件；默认按申报类型和资质选择内置清单")] = None,
    draft: Annotated[bool, typer.Option("--draft", help="存在未处理问题时仍装订草稿（每页标注“草稿”）")] = False,
    watermark: Annotated[Optional[str], typer.Option("--watermark", help="水印文字；空字符串表示不加；默认按清单")] = None,
    page_format: Annotated[Optional[str], typer.Option("--page-format", help="页码格式，如“第 {page} 页 共 {total} 页”")] = None,
) -> None:
    """装订申报材料：封面、总目录、分册、书签、页码、水印、清单与核验报告。Bind the filing packet."""
    from dossier.assemble import BuildOptions
    from dossier.workflow.build import build_application

    options = BuildOptions(watermark=watermark, **({"page_number_format": page_format} if page_format else {}))
    with _database() as (settings, db):
        result = build_application(db, settings, application, out_dir, checklist=checklist, draft=draft,
                                   options=options)
    kind = "草稿" if result.draft else "正式"
    out.print(f"已装订{kind}材料：{result.out_dir / 'packet.pdf'}（{result.pages} 页，SHA-256 {result.packet_sha256}）")
    for name, path in result.files.items():
        if name != "packet.pdf":
            out.print(f"  {path}")
    if result.open_blocking:
        out.print(f"[yellow]草稿中仍有 {len(result.open_blocking)} 项待处理的阻断性问题，见 report.html[/yellow]")


@app.command()
def checklists() -> None:
    """内置清单名称，每行一个。The built-in checklist names, one per line."""
    from dossier.assemble import list_checklists

    for name in list_checklists():
        out.print(name)


@app.command()
def worker(
    queues: Annotated[str, typer.Option("--queues", "-Q", help="队列：ocr,default")] = "ocr,default",
    concurrency: Annotated[Optional[int], typer.Option("--concurrency", "-c", help="进程数（默认 DOSSIER_OCR_PROCESSES）")] = None,
) -> None:
    """启动 Celery 工作进程（需要 DOSSIER_BROKER_URL）。Start a worker for the scale-out mode."""
    from dossier.workers.queue import run_worker

    settings = _settings()
    if not settings.broker_url:
        console.print("[red]错误：未设置 DOSSIER_BROKER_URL（例如 redis://localhost:6379/0）[/red]")
        raise typer.Exit(int(ExitCode.bad_args))
    with _errors_to_exit():
        run_worker(settings, [q for q in queues.split(",") if q], concurrency)


@app.command()
def requeue(
    older_than: Annotated[Optional[float], typer.Option("--older-than", help="秒；默认两倍可见性超时")] = None,
) -> None:
    """重新排队长时间未完成的文件（Redis 重启后）。Re-enqueue documents stuck in the queue."""
    from dossier.workers.queue import requeue_stale

    settings = _settings()
    with _errors_to_exit():
        done = requeue_stale(settings, older_than=older_than)
    out.print(f"已重新排队 {len(done)} 个文件")


@app.command()
def ocr(
    file: Annotated[Path, typer.Argument(help="PDF、图片或 docx")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出")] = True,
) -> None:
    """一个文件的逐页文字与位置（提取的输入）。Pages with lines: text, confidence, box."""
    from dossier.extract.pages import ocr_file_json

    settings = _settings()
    with _errors_to_exit():
        result = ocr_file_json(file, settings)
    if as_json:
        out.print(json.dumps(result, ensure_ascii=False))
    else:
        for page in result["pages"]:
            out.print(f"--- 第 {page['number']} 页（{page['source']}）")
            for line in page["lines"]:
                out.print(line["text"])


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="要识别的文件")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines 输出（公开格式）")] = False,
    passwords: Annotated[Optional[list[str]], typer.Option("--password", help=_PASSWORD_HELP)] = None,
) -> None:
    """分类并提取字段，无需数据库。Classify and extract each file (JSON Lines with --json)."""
    from dossier.intake.sniff import sniff
    from dossier.store.archive import hash_file
    from dossier.workers.stages import analyse_file

    settings = _with_passwords(_settings(), passwords)
    failures = 0
    with _ocr_pool(settings) as pool:
        for file in files:
            sha256 = None
            try:
                sha256, _ = hash_file(file)
                _, documents = analyse_file(file, sha256=sha256, media_type=sniff(file), name=str(file),
                                            settings=settings, ocr=pool)
            except (InputFileError, OSError) as exc:
                failures += 1
                reason = exc.user_message if isinstance(exc, DossierError) else f"{file}：无法读取（{exc}）"
                documents = None
                if as_json:
                    out.print(json.dumps({"file": str(file), "sha256": sha256, "doc_type": None,
                                          "doc_type_confidence": 0.0, "pages": 0, "fields": {}, "records": [],
                                          "errors": [reason]}, ensure_ascii=False))
                else:
                    console.print(f"[red]{reason}[/red]")
            if documents is None:
                continue
            for doc in documents:
                if as_json:
                    out.print(json.dumps(doc.contract(), ensure_ascii=False))
                else:
                    _print_document(doc)
    if files and failures == len(files):
        raise typer.Exit(int(ExitCode.input_file))


def _print_document(doc) -> None:
    from dossier.model import DOC_TYPE_NAMES_ZH

    table = Table(title=f"{doc.file}（第 {doc.first_page} 页起，{doc.pages} 页）："
                        f"{DOC_TYPE_NAMES_ZH.get(doc.doc_type or '', '未识别类型')} {doc.doc_type_confidence:.2f}")
    for col in ("字段", "值", "置信度", "页", "建议"):
        table.add_column(col)
    for name, f in doc.fields.items():
        value = f.value if not isinstance(f.value, list) else "、".join(f.value)
        if name == "id_number" and isinstance(value, str):
            value = mask_id(value)
        table.add_row(name, str(value) if value is not None else "—", f"{f.confidence:.2f}", str(f.page),
                      mask_id(f.suggestion) if f.suggestion else "")
    out.print(table)
    if doc.records:
        out.print(f"  表格记录 {len(doc.records)} 条")


# --- the web app and its users ------------------------------------------------------------------

user_app = typer.Typer(help="网页与 API 的用户和令牌。Users of the web app and their login tokens.",
                       no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="用户名（审计记录中显示）")],
    role: Annotated[str, typer.Option("--role", "-r", help="reviewer（审核）| admin（另可装订、删除）| viewer（只读）")] = "reviewer",
) -> None:
    """添加用户并打印其令牌（只显示这一次）。Add a user; prints the token once."""
    from dossier.store.db import init_db
    from dossier.store.users import add_user

    settings = _settings()
    with _errors_to_exit():
        db = init_db(settings)
        try:
            with db.session() as session:
                user, token = add_user(session, name, role)
        finally:
            db.dispose()
    console.print(f"已添加用户 {user.name}（{user.role_zh}）。令牌只显示这一次，请妥善转交：")
    out.print(token)


@user_app.command("list")
def user_list() -> None:
    """列出用户（不显示令牌）。List users."""
    from dossier.store.db import init_db
    from dossier.store.users import list_users

    settings = _settings()
    with _errors_to_exit():
        db = init_db(settings)
        try:
            with db.session() as session:
                users = list_users(session)
        finally:
            db.dispose()
    for user in users:
        out.print(f"{user.name}\t{user.role}\t{'有效' if user.active else '已吊销'}")


@user_app.command("revoke")
def user_revoke(name: Annotated[str, typer.Argument(help="用户名")]) -> None:
    """吊销用户的令牌（立即失效）。Revoke a user's token."""
    from dossier.store.db import init_db
    from dossier.store.users import revoke_user

    settings = _settings()
    with _errors_to_exit():
        db = init_db(settings)
        try:
            with db.session() as session:
                revoke_user(session, name)
        finally:
            db.dispose()
    out.print(f"已吊销用户 {name}")


@user_app.command("token")
def user_token(name: Annotated[str, typer.Argument(help="用户名")]) -> None:
    """为用户生成新令牌（旧令牌立即失效），只显示这一次。Issue a new token."""
    from dossier.store.db import init_db
    from dossier.store.users import renew_token

    settings = _settings()
    with _errors_to_exit():
        db = init_db(settings)
        try:
            with db.session() as session:
                token = renew_token(session, name)
        finally:
            db.dispose()
    out.print(token)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", help="端口")] = 8000,
) -> None:
    """启动网页审核界面与 REST API（/docs）。Serve the review UI and the REST API."""
    import uvicorn

    from dossier.web import create_app

    settings = _settings()
    with _errors_to_exit():
        web = create_app(settings)
    console.print(f"dossier 网页界面：http://{host}:{port}/ （API 文档 /docs；用户令牌由 dossier user add 生成）")
    uvicorn.run(web, host=host, port=port, log_level="warning")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
