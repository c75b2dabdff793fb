"""Signs that a document is not what it claims: reused images, edits, QR codes that disagree."""

from __future__ import annotations

import re
from pathlib import Path
from dataclasses import dataclass

from dossier.model import Evidence
from dossier.validate.engine import Finding, ValidationContext, rule
from dossier.validate.evidence import field_evidence
from dossier.validate.facts import DocumentFacts
from dossier.validate.messages import field_label, join
from dossier.validate.people import normalise_company, normalise_name

# --- duplicate images -----------------------------------------------------------------------


@dataclass(frozen=True)
class _PageImage:
    doc: DocumentFacts
    page: int
    identity: tuple[str, str]  # (doc_type, subject): what the image claims to show
    phash: int | None  # None: no hash, or one of a kind not compared for near-identity
    dhash: int | None
    tiles: tuple[int, ...] = ()

    def same_as(self, other: _PageImage, limit: int, tile_limit: int) -> int | None:
        """Hamming distance (the larger of phash and dhash) when within ``limit`` and every tile
        within ``tile_limit`` (when both pages have tiles); 0 for the very same page of the very
        same file; None when the images differ."""
        if (self.doc.sha256, self.page) == (other.doc.sha256, other.page):
            return 0
        if None in (self.phash, self.dhash, other.phash, other.dhash):
            return None
        distance = max((self.phash ^ other.phash).bit_count(), (self.dhash ^ other.dhash).bit_count())  # type: ignore[operator]
        if distance > limit:
            return None
        if self.tiles and len(self.tiles) == len(other.tiles):
            if max((a ^ b).bit_count() for a, b in zip(self.tiles, other.tiles)) > tile_limit:
                return None
        return distance

    def evidence(self) -> Evidence:
        return Evidence(sha256=self.doc.sha256, field="page_image.phash",
                        value=f"{self.phash:016x}" if self.phash is not None else "", page=self.page)


def _page_images(ctx: ValidationContext) -> list[_PageImage]:
    params = ctx.params.integrity
    images = []
    for doc_type in params.duplicate_doc_types:
        for doc in ctx.docs(doc_type):
            hashes = ({h.page: h for h in doc.file.page_hashes if h.source in params.near_duplicate_sources}
                      if doc.file else {})
            identity = (doc_type, ctx.subject_of(doc), _filed_under(ctx, doc))
            for page in doc.file_pages() or [doc.document.first_page]:
                h = hashes.get(page)
                images.append(_PageImage(doc, page, identity, int(h.phash, 16) if h else None,
                                         int(h.dhash, 16) if h else None,
                                         tuple(int(t, 16) for t in h.tiles) if h else ()))
    return images


def _filed_under(ctx: ValidationContext, doc: DocumentFacts) -> str | None:
    """The roster person whose name is a folder of the document's path (人员资料/张伟/身份证.jpg):
    a copy of one person's card filed in another person's folder claims that other person, even
    though its text names the first."""
    folders = Path(doc.document.file).parts[:-1]
    names = {entry.name for entry in ctx.spec.roster}
    return next((part for part in reversed(folders) if part in names), None)


@rule("DUPLICATE_IMAGE", severity="warning",
      zh="相同或几乎相同的图像被用作不同人员或不同材料",
      en="The same or a near-identical image stands for different people or documents")
def duplicate_image(ctx: ValidationContext):
    limit = ctx.params.integrity.near_duplicate_distance
    tile_limit = ctx.params.integrity.near_duplicate_tile_distance
    images = _page_images(ctx)
    # Keep the closest page pair per pair of documents: one finding per pair, not per page.
    best: dict[tuple, tuple[int, _PageImage, _PageImage]] = {}
    for i, a in enumerate(images):
        for b in images[i + 1:]:
            if a.identity == b.identity:
                continue  # the same document scanned twice claims nothing new
            distance = a.same_as(b, limit, tile_limit)
            pair = (id(a.doc), id(b.doc))
            if distance is not None and (pair not in best or distance < best[pair][0]):
                best[pair] = (distance, a, b)
    for distance, a, b in best.values():
        how = "完全相同" if distance == 0 else f"几乎相同（差异 {distance} 位）"
        yield Finding("DUPLICATE_IMAGE",
                      f"{_where(ctx, a)}与{_where(ctx, b)}的图像{how}，请核实是否套用了其他材料",
                      _suspect(ctx, a, b), [a.evidence(), b.evidence()])


def _suspect(ctx: ValidationContext, a: _PageImage, b: _PageImage) -> str:
    """The file the finding is about: the one filed under someone its content does not name
    (the borrowed copy), else the smaller hash (a stable choice)."""
    for image in (a, b):
        person = ctx.person_of(image.doc)
        filed = _filed_under(ctx, image.doc)
        if filed is not None and person is not None and person.name != filed:
            return image.doc.sha256
    return min(a.doc.sha256, b.doc.sha256)


def _where(ctx: ValidationContext, image: _PageImage) -> str:
    """张伟的居民身份证（人员资料/李娜/身份证.jpg 第 1 页）: who it names, and where it was filed."""
    return f"{ctx.owner(image.doc)}（{image.doc.document.file} 第 {image.page} 页）"


# --- tamper signs ---------------------------------------------------------------------------


def _tamper_reasons(ctx: ValidationContext, doc: DocumentFacts) -> list[tuple[str, Evidence]]:
    params, facts, sha = ctx.params.integrity, doc.file, doc.sha256
    reasons: list[tuple[str, Evidence]] = []
    if facts is not None:
        for name in ("producer", "creator"):
            tool = getattr(facts, name)
            if tool and any(editor.lower() in tool.lower() for editor in params.image_editors):
                reasons.append((f"由图像编辑软件生成（{tool}）", Evidence(sha256=sha, field=f"file.{name}", value=tool)))
        if facts.created and facts.modified:
            days = (facts.modified - facts.created).days
            if days > params.edit_after_creation_days:
                reasons.append((f"创建 {facts.created:%Y-%m-%d} 后 {days} 天又被修改",
                                Evidence(sha256=sha, field="file.modified", value=facts.modified.isoformat())))
        # A signature is appended as an incremental update; anything beyond one per signature
        # was written after the document was made.
        extra = facts.incremental_updates - facts.signature_count
        if extra > 0:
            reasons.append((f"含 {extra} 次未签名的增量修改",
                            Evidence(sha256=sha, field="file.incremental_updates", value=str(facts.incremental_updates))))
    for page, ratio in sorted(doc.text_agreement.items()):
        if ratio < params.text_agreement_min:
            reasons.append((f"第 {page} 页文字层与图像识别结果仅 {ratio:.0%} 一致",
                            Evidence(sha256=sha, field="page.text_agreement", value=f"{ratio:.2f}", page=page)))
    return reasons


@rule("TAMPER_SIGNS", severity="warning",
      zh="疑似修改痕迹：图像编辑软件生成、创建后长期再修改、增量修改、文字层与图像不符",
      en="Tamper signs: image-editor producer, modified long after creation, incremental updates, "
         "text layer disagreeing with OCR")
def tamper_signs(ctx: ValidationContext):
    by_file: dict[str, list[tuple[str, Evidence]]] = {}
    names: dict[str, str] = {}
    for doc in ctx.documents:
        reasons = by_file.setdefault(doc.sha256, [])
        # File-level signs belong to the file, once; page agreement belongs to each document.
        own = _tamper_reasons(ctx, doc)
        reasons += [r for r in own if r not in reasons]
        names[doc.sha256] = doc.file.source_name if doc.file else doc.document.file
    for sha, reasons in by_file.items():
        if reasons:
            yield Finding("TAMPER_SIGNS",
                          f"文件「{names[sha]}」存在疑似修改痕迹：{join(r for r, _ in reasons)}。请核对原件",
                          sha, [ev for _, ev in reasons])


# --- QR codes -------------------------------------------------------------------------------

_DATE = re.compile(r"^\s*(\d{4})\D+(\d{1,2})\D+(\d{1,2})\D*$")
_LIST_ITEM = re.compile(r"[,，、/;；]")
_WIDE_PARENS = str.maketrans("（）", "()")


def _comparable(value: str | list[str], as_list: bool = False) -> object:
    """A value reduced to what a QR payload and a printed field must share: dates as dates
    (2026年12月1日 = 2026-12-01), lists as sets (``as_list``: even a one-item string), text
    without spaces, dots or case."""
    if isinstance(value, str) and (m := _DATE.match(value)):
        return tuple(int(part) for part in m.groups())
    if as_list or isinstance(value, list) or _LIST_ITEM.search(value):
        items = value if isinstance(value, list) else _LIST_ITEM.split(value)
        return frozenset(_comparable(item) for item in items if item.strip())
    return normalise_name(normalise_company(value)).upper()


@rule("QR_MISMATCH", severity="blocking",
      zh="电子证书二维码内容与证面信息不一致",
      en="An electronic certificate's QR payload disagrees with its printed fields")
def qr_mismatch(ctx: ValidationContext):
    for doc_type, keys in sorted(ctx.params.fields.qr_compare.items()):
        for doc in ctx.docs(doc_type):
            qr = doc.qr()
            diffs = []
            for key in keys:
                printed, encoded = doc.field(key), qr.get(key)
                if printed is None or printed.value in (None, "", []) or encoded in (None, "", []):
                    continue  # compare only what both sides state
                if printed.confidence < ctx.params.low_confidence:
                    continue  # a doubtful reading of the print is LOW_CONFIDENCE's, not a forged code
                as_list = isinstance(printed.value, list) or isinstance(encoded, list)
                if _comparable(printed.value, as_list) != _comparable(encoded, as_list):  # type: ignore[arg-type]
                    shown = join(encoded) if isinstance(encoded, list) else encoded
                    diffs.append((key, shown))
            if diffs:
                listing = join(f"{field_label(doc_type, k)}（证面「{doc.text(k)}」，二维码「{v}」）" for k, v in diffs)
                evidence = []
                for key, shown in diffs:
                    evidence.append(field_evidence(doc, key))
                    evidence.append(field_evidence(doc, "qr_payload", value=shown).model_copy(update={"field": f"qr.{key}"}))
                yield Finding("QR_MISMATCH", f"{ctx.owner(doc)}的二维码内容与证面不一致：{listing}",
                              ctx.subject_of(doc), evidence)
