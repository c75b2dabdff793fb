"""``dossier export`` / ``dossier import``: an archive (or one application of it) as a folder.

```
DIR/manifest.json                 format, version, what was exported, every file's sha256 and size
DIR/originals/<ab>/<sha256>       each original, byte for byte (the archive's own layout)
DIR/documents/<sha256>.json       its record, pages and lines, extractions (fields, table rows),
                                  reviewers' field corrections
DIR/applications/<n>.json         an application: record, its files and their paths, findings
                                  with their reviews, packets built
DIR/audit.json                    the audit events about what was exported
DIR/reminders.json                the reminders sent (whole-archive exports only)
```

Rows are written column by column from the ORM models (surrogate ids and the foreign keys that
nesting replaces left out), so a column added to the schema is exported without touching this
module. Users (and their token hashes) are not exported; packets' files live outside the archive
and only their records travel.

Import refuses a folder whose files do not match the manifest, and a database that already holds
documents or applications; it then stores every original (verified again by the archive) and
inserts everything in one transaction. The full-text index follows by itself (migration 0003).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session, selectinload

from dossier.errors import DossierError, ExitCode, IntegrityError
from dossier.store import repo
from dossier.store.archive import Archive, hash_file
from dossier.store.db import Database
from dossier.store.fsutil import atomic_write
from dossier.store.schema import (
    Application,
    ApplicationDocument,
    AuditEvent,
    Base,
    Discrepancy,
    Document,
    Extraction,
    FieldCorrection,
    Packet,
    Page,
    Record,
    Reminder,
    Review,
    TextLine,
    UTCDateTime,
)
from dossier.store.schema import Field as FieldRow

FORMAT = "dossier-export"
VERSION = 1
MANIFEST = "manifest.json"
REMINDERS = "reminders.json"


class TransferError(DossierError):
    exit_code = ExitCode.bad_args
    reason_zh = "导出/导入失败"


@dataclass(frozen=True)
class TransferReport:
    folder: Path
    applications: list[str]
    documents: int
    bytes: int


# --- rows as JSON -------------------------------------------------------------------------------


def _row(obj: Base, *skip: str) -> dict[str, Any]:
    """Every column of ``obj`` but ``id`` and ``skip``; timestamps as ISO 8601 text."""
    out = {}
    for col in inspect(type(obj)).columns:
        if col.key == "id" or col.key in skip:
            continue
        value = getattr(obj, col.key)
        out[col.key] = value.isoformat() if isinstance(value, datetime) else value
    return out


def _make(model: type[Base], data: dict[str, Any], **links: Any) -> Base:
    """A new ``model`` row from ``_row`` output (unknown keys are an error, not silently lost)."""
    columns = {col.key: col for col in inspect(model).columns}
    values = {}
    for key, value in data.items():
        col = columns.get(key)
        if col is None or key == "id":
            raise TransferError(f"{model.__tablename__} has no column {key!r}",
                                reason_zh=f"导出数据与本版本不兼容：{model.__tablename__}.{key}")
        if isinstance(col.type, UTCDateTime) and isinstance(value, str):
            value = datetime.fromisoformat(value)
        values[key] = value
    return model(**values, **links)


def _document_json(doc: Document, corrections: list[FieldCorrection]) -> dict[str, Any]:
    return {
        "document": _row(doc),
        "pages": [{**_row(page, "document_id"), "lines": [_row(line, "page_id") for line in page.lines]}
                  for page in doc.pages],
        "extractions": [{**_row(ex, "document_id"),
                         "fields": [_row(f, "extraction_id") for f in ex.fields],
                         "records": [_row(r, "extraction_id") for r in ex.records]}
                        for ex in doc.extractions],
        "corrections": [_row(c, "document_id") for c in corrections],
    }


def _application_json(app: Application, session: Session) -> dict[str, Any]:
    links = session.execute(select(ApplicationDocument, Document.sha256)
                            .join(Document, Document.id == ApplicationDocument.document_id)
                            .where(ApplicationDocument.application_id == app.id)
                            .order_by(ApplicationDocument.path)).all()
    discrepancies = session.scalars(select(Discrepancy).where(Discrepancy.application_id == app.id)
                                    .options(selectinload(Discrepancy.reviews)).order_by(Discrepancy.id))
    packets = session.scalars(select(Packet).where(Packet.application_id == app.id).order_by(Packet.id))
    return {
        "application": _row(app),
        "documents": [{"sha256": sha256, **_row(link, "application_id", "document_id")} for link, sha256 in links],
        "discrepancies": [{**_row(d, "application_id"), "reviews": [_row(r, "discrepancy_id") for r in d.reviews]}
                          for d in discrepancies],
        "packets": [_row(p, "application_id") for p in packets],
    }


# --- export -------------------------------------------------------------------------------------


def _write_json(path: Path, data: Any) -> tuple[str, int]:
    payload = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda out: out.write(payload))
    return hash_file(path)


def _copy_original(archive: Archive, sha256: str, target: Path) -> int:
    target.parent.mkdir(parents=True, exist_ok=True)

    def copy(out) -> None:
        with archive.open(sha256) as src:
            while chunk := src.read(1 << 20):
                out.write(chunk)

    atomic_write(target, copy)
    copied, size = hash_file(target)
    if copied != sha256:  # the stored blob no longer matches its name: say so, do not export it
        target.unlink()
        raise IntegrityError(f"stored original {sha256} does not match its digest", path=archive.path_for(sha256))
    return size


def export_archive(db: Database, archive: Archive, folder: Path, *,
                   applications: list[str] | None = None) -> TransferReport:
    """Write the applications named (all of them, and every document, when None) to ``folder``.

    ``folder`` must be new or empty. The manifest is written last: a folder without one is an
    export that did not finish.
    """
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise TransferError(f"export folder {folder} is not empty", path=folder,
                            reason_zh="导出目录不是空目录，请指定新目录")
    folder.mkdir(parents=True, exist_ok=True)
    files: list[dict[str, Any]] = []
    with db.session() as session:
        if applications is None:
            apps = list(session.scalars(select(Application).order_by(Application.name)))
            doc_ids = list(session.scalars(select(Document.id).order_by(Document.id)))
        else:
            apps = [repo.get_application(session, name) for name in applications]
            doc_ids = sorted(set(session.scalars(select(ApplicationDocument.document_id).where(
                ApplicationDocument.application_id.in_([a.id for a in apps])))))
        for n, app in enumerate(apps, 1):
            rel = f"applications/{n:04d}.json"
            sha, size = _write_json(folder / rel, _application_json(app, session))
            files.append({"path": rel, "sha256": sha, "size": size, "application": app.name})
        shas: list[str] = []
        total = 0
        for doc_id in doc_ids:
            doc = session.scalar(select(Document).where(Document.id == doc_id).options(
                selectinload(Document.pages).selectinload(Page.lines),
                selectinload(Document.extractions).selectinload(Extraction.fields),
                selectinload(Document.extractions).selectinload(Extraction.records)))
            corrections = list(session.scalars(select(FieldCorrection).where(FieldCorrection.document_id == doc_id)
                                               .order_by(FieldCorrection.at, FieldCorrection.id)))
            rel = f"documents/{doc.sha256}.json"
            sha, size = _write_json(folder / rel, _document_json(doc, corrections))
            files.append({"path": rel, "sha256": sha, "size": size})
            rel = f"originals/{doc.sha256[:2]}/{doc.sha256}"
            size = _copy_original(archive, doc.sha256, folder / rel)
            files.append({"path": rel, "sha256": doc.sha256, "size": size})
            shas.append(doc.sha256)
            total += size
            session.expunge_all()  # keep memory flat over a large archive
        events = select(AuditEvent).order_by(AuditEvent.at, AuditEvent.id)
        if applications is not None:
            objects = [f"application:{name}" for name in applications] + [f"document:{s}" for s in shas]
            events = events.where(AuditEvent.object.in_(objects))
        sha, size = _write_json(folder / "audit.json", [_row(e) for e in session.scalars(events)])
        files.append({"path": "audit.json", "sha256": sha, "size": size})
        if applications is None:
            # the whole archive moves with its reminder log, or a restored installation would send
            # every reminder already sent once more
            sent = select(Reminder).order_by(Reminder.id)
            sha, size = _write_json(folder / REMINDERS, [_row(r) for r in session.scalars(sent)])
            files.append({"path": REMINDERS, "sha256": sha, "size": size})
        revision = session.scalar(text("SELECT version_num FROM alembic_version"))
    manifest = {"format": FORMAT, "version": VERSION, "schema_revision": revision,
                "exported_at": datetime.now(UTC).isoformat(), "scope": "all" if applications is None else "applications",
                "applications": [a.name for a in apps], "documents": len(shas), "files": files}
    _write_json(folder / MANIFEST, manifest)
    return TransferReport(folder=folder, applications=[a.name for a in apps], documents=len(shas), bytes=total)


# --- import -------------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of an export folder, after checking every file it lists against it."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise TransferError("no manifest.json: not an export folder, or an unfinished export",
                            path=folder, reason_zh="缺少 manifest.json：不是导出目录或导出未完成") from exc
    except (OSError, ValueError) as exc:
        raise TransferError(f"unreadable manifest: {exc}", path=folder,
                            reason_zh=f"manifest.json 无法读取：{exc}") from exc
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise TransferError(f"unsupported export format {manifest.get('format')} {manifest.get('version')}",
                            path=folder, reason_zh="不支持的导出格式或版本")
    bad = []
    for entry in manifest["files"]:
        path = folder / entry["path"]
        if Path(entry["path"]).is_absolute() or ".." in Path(entry["path"]).parts:
            bad.append(f"{entry['path']}（路径不安全）")
            continue
        try:
            sha256, size = hash_file(path)
        except FileNotFoundError:
            bad.append(f"{entry['path']}（缺失）")
            continue
        if (sha256, size) != (entry["sha256"], entry["size"]):
            bad.append(f"{entry['path']}（校验值不符）")
    if bad:
        raise IntegrityError(f"{len(bad)} file(s) do not match the manifest: {bad[:5]}", path=folder,
                             reason_zh="导出文件校验失败：" + "；".join(bad[:10]) + ("…" if len(bad) > 10 else ""))
    return manifest


def _load(folder: Path, rel: str) -> Any:
    return json.loads((folder / rel).read_text(encoding="utf-8"))


def import_archive(db: Database, archive: Archive, folder: Path, *, actor: str = "import") -> TransferReport:
    """Restore an export into an empty archive; IntegrityError when a file does not match."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    with db.session() as session:
        if session.scalar(select(func.count()).select_from(Document)) or \
                session.scalar(select(func.count()).select_from(Application)):
            raise TransferError("the archive is not empty", reason_zh="目标档案库不是空的：导入只能恢复到空档案库")
    originals = {e["sha256"]: folder / e["path"] for e in manifest["files"] if e["path"].startswith("originals/")}
    documents = [e["path"] for e in manifest["files"] if e["path"].startswith("documents/")]
    total = 0
    for sha256, path in originals.items():
        stored, size = archive.put(path)  # verifies again while copying
        if stored != sha256:
            raise IntegrityError(f"{path} changed during import", path=path, reason_zh="导入时文件发生变化")
        total += size
    with db.session() as session:
        by_sha: dict[str, Document] = {}
        corrections: list[tuple[Document, list[dict[str, Any]]]] = []
        for rel in documents:
            data = _load(folder, rel)
            sha256 = data["document"]["sha256"]
            if sha256 not in originals:
                raise IntegrityError(f"{rel}: its original is not in the export", path=folder,
                                     reason_zh=f"缺少原件：{sha256}")
            doc = _make(Document, data["document"])
            doc.pages = [_make(Page, {k: v for k, v in page.items() if k != "lines"},
                               lines=[_make(TextLine, line) for line in page["lines"]])
                         for page in data["pages"]]
            doc.extractions = [
                _make(Extraction, {k: v for k, v in ex.items() if k not in ("fields", "records")},
                      fields=[_make(FieldRow, f) for f in ex["fields"]],
                      records=[_make(Record, r) for r in ex["records"]])
                for ex in data["extractions"]]
            session.add(doc)
            by_sha[sha256] = doc
            corrections.append((doc, data["corrections"]))
        session.flush()
        for doc, rows in corrections:
            session.add_all(_make(FieldCorrection, c, document_id=doc.id) for c in rows)
        names = []
        for entry in (e for e in manifest["files"] if e["path"].startswith("applications/")):
            data = _load(folder, entry["path"])
            app = _make(Application, data["application"])
            session.add(app)
            session.flush()
            for link in data["documents"]:
                link = dict(link)
                doc = by_sha.get(link.pop("sha256"))
                if doc is None:
                    raise IntegrityError(f"{entry['path']}: a linked document is not in the export",
                                         path=folder, reason_zh="导出数据不完整：申报项目引用的文件缺失")
                session.add(_make(ApplicationDocument, link, application_id=app.id, document_id=doc.id))
            for d in data["discrepancies"]:
                reviews = d.get("reviews", [])
                row = _make(Discrepancy, {k: v for k, v in d.items() if k != "reviews"}, application_id=app.id)
                row.reviews = [_make(Review, r) for r in reviews]
                session.add(row)
            session.add_all(_make(Packet, p, application_id=app.id) for p in data["packets"])
            names.append(app.name)
        session.add_all(_make(AuditEvent, e) for e in _load(folder, "audit.json"))
        if any(e["path"] == REMINDERS for e in manifest["files"]):
            session.add_all(_make(Reminder, r) for r in _load(folder, REMINDERS))
        repo.audit(session, actor, "archive.imported", f"import:{os.fspath(folder)}",
                   {"exported_at": manifest.get("exported_at"), "applications": names,
                    "documents": len(by_sha), "bytes": total})
    return TransferReport(folder=folder, applications=names, documents=len(by_sha), bytes=total)
