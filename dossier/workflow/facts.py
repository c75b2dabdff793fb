"""An application as the later stages see it, loaded from the store.

One loader serves ``dossier check`` and ``dossier build`` (and the web app), so both judge the
same documents: the extractions with reviewers' corrections applied, the file facts of every
original (cached as a derived artefact, computed from the archive on first use), and the files
that could not be read, as documents whose only content is the reason (validation reports them
as UNREADABLE).

The database is read in one short transaction and the originals are opened after it ends:
computing file facts of a new file takes time, and on SQLite every transaction holds the write
lock (see ``dossier.store.db``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from difflib import SequenceMatcher

from pydantic import ValidationError

from dossier.assemble.inputs import PacketDocument, PacketInput
from dossier.config import Settings
from dossier.errors import ConfigError, DossierError
from dossier.model import ApplicationSpec, ExtractedDocument
from dossier.privacy import mask_text
from dossier.store import repo
from dossier.store.archive import Archive
from dossier.store.db import Database
from dossier.store.derived import derived_path, read_json, write_json
from dossier.validate.facts import DocumentFacts, FileFacts, collect_file_facts

log = logging.getLogger(__name__)

# Bump when FileFacts or how it is collected changes: older cached facts are then recomputed.
FILE_FACTS_VERSION = "4"


@dataclass(frozen=True)
class StoredFile:
    """One file of the application as the store knows it."""

    path: str  # within the application
    sha256: str
    source_name: str
    media_type: str | None
    status: str
    reason: str | None
    failure_code: str | None


@dataclass(frozen=True)
class LoadedApplication:
    """What check and build read: the spec, every logical document, and what is not done yet."""

    name: str
    spec: ApplicationSpec
    facts: list[DocumentFacts]  # processed documents, plus one per failed file
    packet_documents: list[PacketDocument]  # the processed documents, bindable
    pending: list[StoredFile]  # files not processed yet (received or processing)

    def packet_input(self) -> PacketInput:
        """The packet builder's input (the findings are added by the caller)."""
        return PacketInput(spec=self.spec, documents=self.packet_documents)


def load_application(db: Database, settings: Settings, name: str) -> LoadedApplication:
    """Load application ``name``; ApplicationNotFound when there is none, ConfigError when it has
    no valid ``application.yaml``."""
    with db.session() as session:
        app = repo.get_application(session, name)
        spec = _spec(name, app.spec)
        files = [StoredFile(s.path, s.sha256, s.source_name, s.media_type, s.status, s.reason, s.failure_code)
                 for s in repo.document_status(session, name)]
        extracted = repo.load_extractions(session, name)
    archive = Archive.from_settings(settings)
    by_sha = {f.sha256: f for f in files}
    file_facts = {f.sha256: cached_file_facts(settings, archive, f.sha256, f.media_type, f.source_name)
                  for f in files if f.status == "processed"}
    agreement = _text_agreement(settings, archive, by_sha, file_facts)
    facts = [DocumentFacts(document=doc, file=file_facts.get(doc.sha256), text_agreement=agreement.get(doc.sha256, {}))
             for doc in extracted]
    facts += [DocumentFacts(document=ExtractedDocument(file=f.path, sha256=f.sha256, doc_type=None,
                                                       errors=[f.reason or "无法读取的文件"]),
                            failure_code=f.failure_code)
              for f in files if f.status == "failed"]
    packet_documents = [
        PacketDocument.from_extracted(doc, original_path=archive.path_for(doc.sha256),
                                      media_type=by_sha[doc.sha256].media_type or "",
                                      source_name=by_sha[doc.sha256].source_name)
        for doc in extracted]
    pending = [f for f in files if f.status in ("received", "processing")]
    return LoadedApplication(name, spec, facts, packet_documents, pending)


def _text_agreement(settings: Settings, archive: Archive, files: dict[str, StoredFile],
                    file_facts: dict[str, FileFacts | None]) -> dict[str, dict[int, float]]:
    """sha256 -> {page: share of the text layer that OCR of the page confirms (``agreement``)}, for
    the pages whose text layer lies over a page-sized image (a scan with a text layer: the text
    a reader trusts could say something the image does not). OCR results are cached like any
    other page's, so this costs OCR once per such page."""
    wanted = {sha: facts.text_over_image_pages for sha, facts in file_facts.items()
              if facts is not None and facts.text_over_image_pages}
    if not wanted:
        return {}
    from dossier.extract.ocr import ocr_pages
    from dossier.extract.ocr.runner import InlineOcr
    from dossier.extract.pages import page_source
    from dossier.extract.pages.pdf import text_layers

    runner = InlineOcr(settings)
    result: dict[str, dict[int, float]] = {}
    for sha, pages in wanted.items():
        path, media_type = archive.path_for(sha), files[sha].media_type or ""
        try:
            # the layer from the file: a scan's hidden layer was read by OCR, so it is not stored
            layers = text_layers(path, pages, sha256=sha, settings=settings)
            sources = [page_source(path, media_type, number, settings) for number in pages if number in layers]
        except DossierError as exc:
            log.warning("text layer of %s not compared: %s", mask_text(files[sha].source_name), exc)
            continue
        for number, page in ocr_pages(sha, sources, runner, settings).items():
            if isinstance(page, DossierError):
                continue
            ratio = agreement(layers[number], [line.text for line in page.lines])
            if ratio is not None:
                result.setdefault(sha, {})[number] = ratio
    return result


def agreement(layer: list[str], seen: list[str]) -> float | None:
    """The share of the text layer (by characters) that OCR of the page image confirms.

    A layer line is confirmed by the OCR line holding most of it in order (at least
    ``_LINE_MATCH`` of its letters, digits and CJK characters) with exactly the same digits:
    digits (amounts, dates, ID numbers) are what an edit changes and what OCR reads reliably on
    a legible scan, so one changed digit is enough to leave a line unconfirmed. None when the
    layer has too few characters to judge.
    """
    wanted = [kept for line in layer if (kept := _letters(line))]
    total = sum(len(line) for line in wanted)
    if total < _MIN_AGREEMENT_CHARS:
        return None
    candidates = [kept for line in seen if (kept := _letters(line))]
    confirmed = sum(len(line) for line in wanted if any(_confirms(line, other) for other in candidates))
    return round(confirmed / total, 3)


def _letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def _confirms(line: str, other: str) -> bool:
    blocks = SequenceMatcher(None, line, other, autojunk=False).get_matching_blocks()
    if sum(b.size for b in blocks) < _LINE_MATCH * len(line):
        return False
    # the digits of ``other`` aligned with ``line``'s: the stretch of it the match spans
    first, last = blocks[0], [b for b in blocks if b.size][-1]
    span = other[first.b:last.b + last.size]
    return [ch for ch in line if ch.isdigit()] == [ch for ch in span if ch.isdigit()]


_LINE_MATCH = 0.9
_MIN_AGREEMENT_CHARS = 10


def _spec(name: str, stored: dict | None) -> ApplicationSpec:
    if not stored:
        raise ConfigError(f"application {name!r} has no application.yaml",
                          reason_zh=f"申报项目「{name}」缺少 application.yaml（企业名称、统一社会信用代码、申报类型、申报日期、人员名单）")
    try:
        return ApplicationSpec.model_validate(stored)
    except ValidationError as exc:
        raise ConfigError(f"application {name!r}: invalid stored spec: {exc}",
                          reason_zh=f"申报项目「{name}」的 application.yaml 无效") from exc


def cached_file_facts(settings: Settings, archive: Archive, sha256: str, media_type: str | None,
                      source_name: str) -> FileFacts | None:
    """The file facts of original ``sha256``, from the derived cache or computed from the file.

    None when the original cannot be read for them (its text was read, so the document stands;
    the tamper and duplicate-image rules just have nothing to compare for it).
    """
    cache = derived_path(settings, sha256, "facts", f"file-v{FILE_FACTS_VERSION}.json")
    cached = read_json(cache)
    if cached is not None:
        try:
            return FileFacts.model_validate(cached)
        except ValidationError:
            log.warning("recomputing unreadable cached file facts of %s", sha256)
    try:
        facts = collect_file_facts(archive.path_for(sha256), media_type or "")
    except DossierError as exc:
        log.warning("no file facts for %s: %s", mask_text(source_name), exc)
        return None
    facts = facts.model_copy(update={"source_name": source_name})
    write_json(cache, facts.model_dump(mode="json"))
    return facts

