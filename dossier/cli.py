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
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dossier.config import Settings, load_settings
from dossier.errors import DossierError, ExitCode, InputFileError
from dossier.model import DISCREPANCY_STATUS_ZH, DOCUMENT_STATUS_ZH
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
        console.print(f"[red]错误：{escape(exc.user_message)}[/red]")  # a message may hold [brackets]
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
    for warning in results.warnings:  # application.yaml: unknown keys, left out
        # with --json on stderr: stdout stays one JSON object per file
        (console if as_json else out).print(f"[yellow]警告：{escape(warning)}[/yellow]")
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

    with _database() as (_, db):
        with db.session() as session:
            rows = repo.document_status(session, application)
    if as_json:
        out.print(json.dumps([row.__dict__ for row in rows], ensure_ascii=False, indent=1))
        return
    table = Table(title=f"申报项目 {application}")
    for col in ("文件", "状态", "类型", "页数", "原因"):
        table.add_column(col)
    for row in rows:
        table.add_row(row.path, DOCUMENT_STATUS_ZH.get(row.status, row.status),
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


def _me() -> str:
    """Who runs the command: the system user (the CLI has no login)."""
    import getpass

    return getpass.getuser()


@app.command()
def delete(application: Annotated[str, typer.Argument(help="申报项目名称")]) -> None:
    """删除申报项目：隐藏，可用 dossier restore 恢复（文件、问题、审核、装订记录均保留）。Soft delete."""
    from dossier.workflow.lifecycle import delete_application

    with _database() as (_, db):
        delete_application(db, application, actor=_me())
    out.print(f"已删除申报项目 {application}（可用 dossier restore {application} 恢复）")


@app.command()
def restore(application: Annotated[str, typer.Argument(help="已删除的申报项目名称")]) -> None:
    """恢复已删除的申报项目及其全部文件、问题、审核与装订记录。Restore a deleted application."""
    from dossier.workflow.lifecycle import restore_application

    with _database() as (_, db):
        restore_application(db, application, actor=_me())
    out.print(f"已恢复申报项目 {application}")


@app.command()
def purge(
    application: Annotated[str, typer.Argument(help="已删除的申报项目名称")],
    confirm: Annotated[str, typer.Option("--confirm", help="再次输入申报项目名称以确认（不可恢复）")],
) -> None:
    """彻底删除已删除的申报项目（数据库记录与网页装订的文件夹；原件仍在存档中）。Purge for good."""
    from dossier.workflow.lifecycle import purge_application

    with _database() as (settings, db):
        purge_application(db, settings, application, confirm=confirm, actor=_me())
    out.print(f"已彻底删除申报项目 {application}")


SEVERITY_ZH = {"blocking": "[red]阻断[/red]", "warning": "[yellow]警告[/yellow]", "info": "提示"}


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
        table.add_row(str(d.id), SEVERITY_ZH[d.severity], d.code, DISCREPANCY_STATUS_ZH.get(d.status, d.status),
                      mask_text(d.message))
    out.print(table)
    counts = {s: sum(d.severity == s for d in result.findings) for s in ("blocking", "warning", "info")}
    out.print(f"共 {len(result.findings)} 项：阻断 {counts['blocking']}（待处理 {len(result.open_blocking)}），"
              f"警告 {counts['warning']}，提示 {counts['info']}")
    if result.pending:
        out.print(f"[yellow]注意：{len(result.pending)} 个文件尚未识别完成，核验结果可能不完整[/yellow]")


ASSESS_STATUS = {"met": "[green]满足[/green]", "short": "[red]不满足[/red]", "unknown": "[yellow]无法判断[/yellow]"}
# Below this many columns the six-column table of `dossier assess` squeezes its texts to a
# character or two a line: it prints a block per requirement instead.
ASSESS_TABLE_WIDTH = 120


@app.command()
def assess(
    application: Annotated[str, typer.Argument(help="申报项目名称")],
    target: Annotated[Optional[str], typer.Option("--target", help="目标资质，如“建筑工程施工总承包一级”；默认为申报的第一项资质")] = None,
    regime: Annotated[Optional[str], typer.Option("--regime", help="资质标准规则，如 2014+2016（默认）、2022-draft")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出（公开接口）")] = False,
    xlsx: Annotated[Optional[Path], typer.Option("--xlsx", help="另存为 Excel 文件（每项要求一行）")] = None,
    standard: Annotated[Optional[list[Path]], typer.Option("--standard", help="企业自己的资质标准文件（替换同类别同规则的内置标准）")] = None,
) -> None:
    """对照资质标准逐项评估：净资产、技术负责人、人员、业绩。Assess an application against a level's standard."""
    from dossier.assess.sheet import write_assessment
    from dossier.standards.schema import CONFIDENCE_ZH
    from dossier.workflow.assess import assess_application

    with _database() as (settings, db):
        result = assess_application(db, settings, application, target=target, regime=regime, standards_files=standard)
        if xlsx is not None:
            write_assessment(result, xlsx)
    if as_json:
        out.print(json.dumps(result.contract(), ensure_ascii=False, indent=1))
        return
    own = f"；企业自定标准文件 {result.standard_file}" if result.standard_file else ""
    title = f"{application}：{result.target} 资质标准对照（{result.regime_title}{own}）"
    rows = [(line.title, ASSESS_STATUS[line.status], escape(line.required), escape(mask_text(line.found)),
             escape(mask_text(result.evidence_text(line))), CONFIDENCE_ZH[line.confidence]) for line in result.requirements]
    if out.width >= ASSESS_TABLE_WIDTH:
        table = Table(title=escape(title))
        table.add_column("要求", overflow="fold", max_width=20)  # a 业绩 class's title is 40 columns
        table.add_column("状态", no_wrap=True)
        for col in ("标准要求", "申报材料情况", "依据"):
            table.add_column(col, overflow="fold", min_width=16)
        table.add_column("数值可信度", no_wrap=True)
        for row in rows:
            table.add_row(*row)
        out.print(table)
    else:
        # narrower than a table of six columns can be read (80 when piped): one block per
        # requirement, each text a paragraph wrapped under its label
        out.print(escape(title), soft_wrap=False)
        for name, status, required, found, evidence, confidence in rows:
            out.print(f"\n[bold]{escape(name)}[/bold]：{status}（数值可信度：{confidence}）", soft_wrap=False)
            block = Table.grid(padding=(0, 1))
            block.add_column(no_wrap=True)
            block.add_column(overflow="fold")
            # one piece of evidence a line: a wrapped run of them hides where one ends
            for label, text in (("标准要求", required), ("申报材料情况", found), ("依据", evidence.replace("；", "\n"))):
                block.add_row(f"  {label}", text or "—")
            out.print(block)
        out.print()
    out.print(f"结论：{ASSESS_STATUS[result.verdict]}" + (f"；已保存 {xlsx}" if xlsx else ""))


@app.command()
def reprocess(application: Annotated[str, typer.Argument(help="申报项目名称")]) -> None:
    """重新识别申报项目的全部文件（页面文字取自缓存，不重复 OCR），例如升级后。Re-read every document."""
    from dossier.workers.local import reprocess as run

    with _database() as (settings, db):
        with _progress() as progress:
            progress.add_task("重新识别中", total=None)
            shas = run(application, settings, db=db)
    out.print(f"申报项目 {application}：已重新识别 {len(shas)} 个文件；请运行 dossier check {application}")


@app.command()
def review(
    discrepancy: Annotated[int, typer.Argument(help="问题编号（见 dossier check）")],
    action: Annotated[str, typer.Argument(help="accept（确认无误）| correct（更正）| waive（豁免）| reopen（重新打开）")],
    comment: Annotated[Optional[str], typer.Option("--comment", "-m", help="理由；豁免和接受阻断性问题时必填")] = None,
    value: Annotated[Optional[str], typer.Option("--value", help="更正后的值（correct）")] = None,
    evidence: Annotated[int, typer.Option("--evidence", help="更正第几项证据（从 0 开始）")] = 0,
    user: Annotated[Optional[str], typer.Option("--user", help="审核人；默认为当前系统用户")] = None,
) -> None:
    """审核一项问题：确认、更正、豁免或重新打开；更正后自动重新核验。Review a discrepancy."""
    from dossier.workflow.review import review as take

    with _database() as (settings, db):
        after = take(db, settings, discrepancy, action, user=user or _me(), comment=comment,
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
    passwords: Annotated[Optional[list[str]], typer.Option("--password", help=_PASSWORD_HELP)] = None,
) -> None:
    """装订申报材料：封面、总目录、分册、书签、页码、水印、清单与核验报告。Bind the filing packet."""
    from pydantic import SecretStr

    from dossier.assemble import BuildOptions
    from dossier.workflow.build import build_application

    options = BuildOptions(watermark=watermark, passwords=[SecretStr(p) for p in passwords or []],
                           **({"page_number_format": page_format} if page_format else {}))
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
    beat: Annotated[bool, typer.Option("--beat", help="同时运行定时任务（每天发送到期提醒）；整个集群只需一个")] = False,
) -> None:
    """启动 Celery 工作进程（需要 DOSSIER_BROKER_URL）。Start a worker for the scale-out mode."""
    from dossier.workers.queue import run_worker

    settings = _settings()
    if not settings.broker_url:
        console.print("[red]错误：未设置 DOSSIER_BROKER_URL（例如 redis://localhost:6379/0）[/red]")
        raise typer.Exit(int(ExitCode.bad_args))
    with _errors_to_exit():
        run_worker(settings, [q for q in queues.split(",") if q], concurrency, beat=beat)


@app.command()
def requeue(
    older_than: Annotated[Optional[float], typer.Option(
        "--older-than", help="秒；改为按时间：重新排队所有在此时长内无进展、无人处理的文件")] = None,
) -> None:
    """重新排队任务已丢失的文件（Redis 重启、工作进程终止之后）。Re-enqueue documents whose tasks were lost."""
    from dossier.store.db import init_db
    from dossier.workers.queue import requeue_lost, requeue_stale

    settings = _settings()
    if not settings.broker_url:
        console.print("[red]错误：未设置 DOSSIER_BROKER_URL；单机模式下没有任务队列[/red]")
        raise typer.Exit(int(ExitCode.bad_args))
    with _errors_to_exit():
        init_db(settings).dispose()
        done = (requeue_lost(settings) if older_than is None
                else requeue_stale(settings, older_than=older_than))
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
    from dossier.store.users import add_user

    with _database() as (_, db):
        with db.session() as session:
            user, token = add_user(session, name, role)
    console.print(f"已添加用户 {user.name}（{user.role_zh}）。令牌只显示这一次，请妥善转交：")
    out.print(token)


@user_app.command("list")
def user_list() -> None:
    """列出用户（不显示令牌）。List users."""
    from dossier.store.users import list_users

    with _database() as (_, db):
        with db.session() as session:
            users = list_users(session)
    for user in users:
        out.print(f"{user.name}\t{user.role}\t{'有效' if user.active else '已吊销'}")


@user_app.command("revoke")
def user_revoke(name: Annotated[str, typer.Argument(help="用户名")]) -> None:
    """吊销用户的令牌（立即失效）。Revoke a user's token."""
    from dossier.store.users import revoke_user

    with _database() as (_, db):
        with db.session() as session:
            revoke_user(session, name)
    out.print(f"已吊销用户 {name}")


@user_app.command("token")
def user_token(name: Annotated[str, typer.Argument(help="用户名")]) -> None:
    """为用户生成新令牌（旧令牌立即失效），只显示这一次。Issue a new token."""
    from dossier.store.users import renew_token

    with _database() as (_, db):
        with db.session() as session:
            token = renew_token(session, name)
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
    # our access log masks ID numbers in paths; uvicorn's own would print them whole
    logging.getLogger("dossier.web.access").setLevel(logging.INFO)
    uvicorn.run(web, host=host, port=port, log_level="warning", access_log=False)


@app.command()
def verify(
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出")] = False,
) -> None:
    """核对存档：原件齐全且未被改动，数据库与文件一致。Check originals against the database."""
    from dossier.store.verify import verify_store

    with _database() as (settings, db):
        report = verify_store(settings, db)
    if as_json:
        out.print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        if report.problems:
            table = Table(title=f"存档核对：{settings.home}")
            for col in ("问题", "级别", "文件", "SHA-256", "说明"):
                table.add_column(col)
            for p in report.problems:
                table.add_row(p.message, "错误" if p.severity == "error" else "警告", p.path,
                              (p.sha256 or "")[:12], p.detail)
            out.print(table)
        out.print(f"共 {report.documents} 个文件记录：原件完好 {report.originals_ok}，发现问题 {len(report.problems)}")
    if not report.ok:
        raise typer.Exit(int(ExitCode.store))


# --- the archive as a ledger: search, expiry, personnel changes, export/import (dossier.ledger) ---


def _iso_date(value: Optional[str], option: str):
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"日期格式应为 YYYY-MM-DD：{value}", param_hint=option) from None


@contextmanager
def _writing_files():
    """An OSError while writing an output file becomes a Chinese message and an exit code."""
    with _errors_to_exit():
        try:
            yield
        except OSError as exc:
            raise DossierError(f"cannot write: {exc}", reason_zh=f"无法写入文件：{exc}") from exc


@app.command()
def search(
    text: Annotated[Optional[str], typer.Argument(help="全文：页面上的文字（任意长度，两字姓名亦可）")] = None,
    person: Annotated[Optional[str], typer.Option("--person", "-p", help="姓名（完全一致）")] = None,
    id_number: Annotated[Optional[str], typer.Option("--id", help="身份证号")] = None,
    company: Annotated[Optional[str], typer.Option("--company", "-c", help="企业名称的一部分，或统一社会信用代码")] = None,
    number: Annotated[Optional[str], typer.Option("--cert", help="证书/注册/许可证编号的一部分")] = None,
    doc_type: Annotated[Optional[str], typer.Option("--type", "-t", help="文件类型：代码或中文名（营业执照、社保 …）")] = None,
    date_from: Annotated[Optional[str], typer.Option("--from", help="日期不早于 YYYY-MM-DD")] = None,
    date_to: Annotated[Optional[str], typer.Option("--to", help="日期不晚于 YYYY-MM-DD")] = None,
    date_field: Annotated[Optional[str], typer.Option("--date-field", help="按哪个日期字段（默认：发证、有效期等任一）")] = None,
    application: Annotated[Optional[str], typer.Option("--application", "-a", help="只查此申报项目")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="最多显示条数")] = 50,
    show_ids: Annotated[bool, typer.Option("--show-ids", help="显示完整身份证号（默认打码）")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出")] = False,
) -> None:
    """检索档案：人员、身份证号、企业、证书编号、类型、日期、全文。Search the archive."""
    from dossier.ledger.search import SearchQuery, masked
    from dossier.ledger.search import search as run_search
    from dossier.model import DOC_TYPE_NAMES_ZH

    query = SearchQuery(text=text, person=person, id_number=id_number, company=company, number=number,
                        doc_type=doc_type, date_from=_iso_date(date_from, "--from"), date_to=_iso_date(date_to, "--to"),
                        date_field=date_field, application=application, limit=limit)
    with _database() as (_, db), db.session() as session:
        result = run_search(session, query)
    hits = result.hits if show_ids else [masked(h) for h in result.hits]
    if as_json:
        out.print(json.dumps({"hits": [h.model_dump(mode="json") for h in hits], "truncated": result.truncated},
                             ensure_ascii=False, indent=1))
        return
    table = Table(title="档案检索")
    for col in ("类型", "文件", "申报项目", "姓名", "身份证号", "企业", "编号", "有效期至", "命中"):
        table.add_column(col, overflow="fold")
    for h in hits:
        found = "；".join(f"第{line.page}页：{line.text}" for line in h.lines) or "、".join(h.matched)
        table.add_row(DOC_TYPE_NAMES_ZH.get(h.doc_type or "", "未识别"), f"{h.file}（第{h.first_page}页起）",
                      "、".join(h.applications), h.name or "", h.id_number or "", h.company or "", h.number or "",
                      h.valid_until or "", found)
    out.print(table)
    out.print(f"共 {len(hits)} 条" + ("（结果过多，仅显示部分，请缩小条件）" if result.truncated else ""))


def _ledger_table(title: str, pairs, show_ids: bool) -> Table:
    from dossier.ledger.rules import STATUS_ZH as LEDGER_STATUS_ZH

    colours = {"lapsed": "red", "late": "red", "start now": "yellow", "unknown": "magenta"}
    table = Table(title=title)
    for col in ("状态", "类型", "持有人", "身份证号", "编号", "有效期至", "最迟申报", "应启动", "文件"):
        table.add_column(col, overflow="fold")
    for entry, status in pairs:
        entry = entry if show_ids else entry.masked()
        label = LEDGER_STATUS_ZH[status]
        who = entry.holder_zh + (f"（{entry.detail}）" if entry.detail else "")
        if entry.holder == "person" and entry.company:
            who += f" @ {entry.company}"
        until = str(entry.valid_until) if entry.valid_until else ("长期" if entry.long_term else "—")
        table.add_row(f"[{colours[status]}]{label}[/]" if status in colours else label, entry.kind_zh, who,
                      entry.id_number or "", entry.number or "", until, str(entry.deadline or ""),
                      str(entry.alert_from or ""), entry.file)
    return table


@app.command()
def ledger(
    company: Annotated[Optional[str], typer.Option("--company", "-c", help="企业名称的一部分，或统一社会信用代码")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="按此日期判断状态（默认今天）")] = None,
    svg: Annotated[Optional[Path], typer.Option("--svg", help="另存到期时间线（SVG）")] = None,
    show_ids: Annotated[bool, typer.Option("--show-ids", help="显示完整身份证号（默认打码）")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出")] = False,
) -> None:
    """证照台账：资质、安许证、营业执照、人员证书的有效期，及人员变动、动态监管提醒。The certificate ledger."""
    from datetime import date

    from dossier.ledger.personnel import load_ledger_review
    from dossier.ledger.standing import STANDING_SCOPE_ZH
    from dossier.ledger.timeline import render_timeline
    from dossier.ledger.views import ledger_json

    day = _iso_date(as_of, "--as-of") or date.today()
    with _database() as (_, db), db.session() as session:
        entries, alerts, standing = load_ledger_review(session, company=company)
    if svg is not None:
        with _writing_files():
            svg.write_text(render_timeline(entries, as_of=day), encoding="utf-8")
    if as_json:
        out.print(json.dumps(ledger_json(entries, alerts, as_of=day, show_ids=show_ids, standing=standing),
                             ensure_ascii=False, indent=1))
        return
    out.print(_ledger_table(f"证照台账（{day}）", [(e, e.status(day)) for e in entries], show_ids))
    if standing:
        out.print(f"资质标准符合情况（{STANDING_SCOPE_ZH}）：")
        for level in standing:
            out.print(f"  {escape(level.company or '?')} {escape(level.qualification)}："
                      f"{ASSESS_STATUS[level.status]}（{escape(mask_text(level.reason))}）")
    for alert in alerts:
        out.print(f"[red]人员变动：{alert.message}[/red]" if alert.code == "PERSON_LEFT" else f"[yellow]{alert.message}[/yellow]")
    projects = sum(alert.about_project for alert in alerts)
    out.print(f"共 {len(entries)} 项证照，人员变动提醒 {len(alerts) - projects} 条，动态监管提醒 {projects} 条")


@app.command()
def expiring(
    within: Annotated[int, typer.Option("--within", min=0, help="列出多少天内到期的证照（已逾期或需启动的总会列出）")] = 180,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="按此日期判断（默认今天）")] = None,
    company: Annotated[Optional[str], typer.Option("--company", "-c", help="企业名称的一部分，或统一社会信用代码")] = None,
    xlsx: Annotated[Optional[Path], typer.Option("--xlsx", help="另存为 Excel 文件")] = None,
    csv_file: Annotated[Optional[Path], typer.Option("--csv", help="另存为 CSV 文件（UTF-8）")] = None,
    show_ids: Annotated[bool, typer.Option("--show-ids", help="显示完整身份证号（默认打码，文件中亦然）")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出")] = False,
) -> None:
    """即将到期的证照及提前申报期限，状态：正常 / 立即启动 / 已过申报期 / 已过期。Expiring certificates."""
    from datetime import date

    from dossier.ledger.ledger import expiring as select_expiring
    from dossier.ledger.ledger import load_ledger
    from dossier.ledger.sheets import expiry_rows, write_csv, write_xlsx
    from dossier.ledger.views import expiring_json

    day = _iso_date(as_of, "--as-of") or date.today()
    with _database() as (_, db), db.session() as session:
        pairs = select_expiring(load_ledger(session, company=company), as_of=day, within_days=within)
    rows = expiry_rows(pairs, as_of=day, show_ids=show_ids)
    with _writing_files():
        if csv_file is not None:
            write_csv(csv_file, rows)
        if xlsx is not None:
            write_xlsx(xlsx, rows, [status for _, status in pairs], title=f"到期台账 {day}")
    if as_json:
        out.print(json.dumps(expiring_json(pairs, show_ids=show_ids), ensure_ascii=False, indent=1))
        return
    out.print(_ledger_table(f"{within} 天内到期（{day}）", pairs, show_ids))
    urgent = sum(s in ("lapsed", "late", "start now") for _, s in pairs)
    out.print(f"共 {len(pairs)} 项，其中需立即处理 {urgent} 项")


@app.command()
def remind(
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="按此日期判断哪些提醒到期（默认今天）")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只列出将发送的提醒，不发送、不记录")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="每条消息输出一行 JSON")] = False,
) -> None:
    """发送到期提醒：每个渠道每个企业每天一份汇总，每项（证照、阈值、渠道）只发一次。Send due reminders."""
    from datetime import date

    from dossier.notify.digest import URGENCY_ZH
    from dossier.notify.remind import run_reminders

    day = _iso_date(as_of, "--as-of") or date.today()
    with _database() as (settings, db):
        outcomes = run_reminders(db, settings, as_of=day, dry_run=dry_run, actor="cli")
    status_zh = {"sent": "已发送", "failed": "[red]发送失败[/red]", "dry-run": "预览（未发送）"}
    for outcome in outcomes:
        if as_json:
            out.print(json.dumps(outcome.json(), ensure_ascii=False))
            continue
        counts = "，".join(f"{URGENCY_ZH[u]} {n}" for u in URGENCY_ZH
                          if (n := sum(i.urgency == u for i in outcome.items)))
        out.print(f"{status_zh[outcome.status]}：{escape(outcome.channel)} → {escape(outcome.company)}"
                  f"（{len(outcome.items)} 项：{counts}）" + ("，可能重复" if outcome.repeat else ""))
        if outcome.error:
            out.print(f"  [red]{escape(outcome.error)}[/red]")
    if not as_json:
        out.print(f"{day}：共 {len(outcomes)} 条消息" + ("" if outcomes else "（没有到期的提醒）"))
    if any(o.status == "failed" for o in outcomes):
        raise typer.Exit(int(ExitCode.notify))


@app.command("plan-renewal")
def plan_renewal(
    company: Annotated[str, typer.Argument(help="企业名称的一部分，或统一社会信用代码")],
    qualification: Annotated[Optional[str], typer.Option("--qualification", "-q",
                                                         help="要延续的资质，如 建筑工程施工总承包二级（默认取最近申报项目的资质）")] = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out", "-o", help="写出 application.yaml、任务清单.xlsx、plan.json 的文件夹")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="按此日期计划（默认今天）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出（身份证号已遮蔽）")] = False,
) -> None:
    """资质延续计划：申报骨架、清单逐项对照档案（已有 / 缺失 / 有效期不足）及完成期限。Plan a renewal."""
    from datetime import date

    from dossier.ledger.renewal import TASK_HEADER, plan_renewal as make_plan, task_rows, write_plan

    day = _iso_date(as_of, "--as-of") or date.today()
    with _database() as (_, db), db.session() as session:
        plan = make_plan(session, company, qualification=qualification, as_of=day)
    written = []
    if out_dir is not None:
        with _writing_files():
            written = write_plan(plan, out_dir)
    if as_json:
        out.print(json.dumps(plan.masked().model_dump(mode="json"), ensure_ascii=False, indent=1))
        return
    out.print(f"{escape(plan.company)}：{plan.qualification} 延续（清单 {plan.checklist}）")
    out.print(f"资质证书有效期至 {plan.valid_until or '—'}，最迟申报日 {plan.deadline or '—'}；"
              f"计划申报日 {plan.filing_date}，材料备齐 {plan.ready_by}")
    for warning in plan.warnings:
        out.print(f"[red]{escape(warning)}[/red]")
    table = Table(title=f"延续任务（{day}）")
    for col in TASK_HEADER:
        table.add_column(col, overflow="fold")
    colours = {"missing": "red", "expiring": "yellow"}
    for task, row in zip(plan.tasks, task_rows(plan)):
        cells = ["" if v is None else str(v) for v in row]
        if task.status in colours:
            cells[3] = f"[{colours[task.status]}]{cells[3]}[/]"
        table.add_row(*(escape(c) if i != 3 else c for i, c in enumerate(cells)))
    out.print(table)
    counts = {s: sum(t.status == s for t in plan.tasks) for s in ("present", "missing", "expiring")}
    out.print(f"共 {len(plan.tasks)} 项：已有 {counts['present']}，缺失 {counts['missing']}，有效期不足 {counts['expiring']}")
    for path in written:
        out.print(f"已写出 {path}")


@app.command("export")
def export_archive(
    targets: Annotated[list[str], typer.Argument(metavar="[APP...] DIR", help="申报项目名称（可多个）及导出目录")],
    all_apps: Annotated[bool, typer.Option("--all", help="导出整个档案库")] = False,
) -> None:
    """导出申报项目或整个档案库：原件、识别数据（JSON）、校验清单。Export to a folder."""
    from dossier.ledger.transfer import export_archive as run_export
    from dossier.store.archive import Archive

    if all_apps == (len(targets) > 1) or not targets:
        console.print("[red]错误：用法 dossier export APP... DIR 或 dossier export --all DIR[/red]")
        raise typer.Exit(int(ExitCode.bad_args))
    with _database() as (settings, db):
        report = run_export(db, Archive.from_settings(settings), Path(targets[-1]),
                            applications=None if all_apps else targets[:-1])
    out.print(f"已导出 {len(report.applications)} 个申报项目、{report.documents} 个文件"
              f"（原件 {report.bytes / 1e6:.1f} MB）到 {report.folder}")


@app.command("import")
def import_archive(
    folder: Annotated[Path, typer.Argument(help="dossier export 生成的目录")],
) -> None:
    """把导出目录恢复到空档案库（先核对全部校验值）。Restore an export into an empty archive."""
    from dossier.ledger.transfer import import_archive as run_import
    from dossier.store.archive import Archive

    with _database() as (settings, db):
        report = run_import(db, Archive.from_settings(settings), folder)
    out.print(f"已导入 {len(report.applications)} 个申报项目、{report.documents} 个文件（校验全部通过）")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
