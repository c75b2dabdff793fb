"""Binding: the plan's documents, with cover, 目录 and dividers, into one deterministic PDF.

Page numbers are known before anything is drawn: the body's page counts come from the sources,
the 目录's length from its fixed geometry. Then the front pages and the stamps are drawn with
those numbers, the pages are copied into a new PDF (qpdf via pikepdf: fast, and it copies page
content without re-encoding it), and bookmarks, page labels, the 目录's links and the metadata
are added. The file is written with a content-derived /ID and a creation date taken from the
inputs, so the same inputs give the same bytes.
"""

from __future__ import annotations

import io
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem

from dossier.assemble.layout import Cover, Divider, TocLink, TocRow, render_front, section_ordinal, toc_pages_needed
from dossier.assemble.selection import Placement, Plan
from dossier.assemble.sources import Sources
from dossier.assemble.stamps import PageFrame, StampSet, render_stamps

PRODUCER = "dossier"


@dataclass(frozen=True)
class BoundDocument:
    """Where a placed document ended up: packet pages ``first .. last`` (1-based)."""

    placement: Placement
    section: str
    group: str | None
    number: int  # 序号 in the 目录
    first: int
    last: int


@dataclass(frozen=True)
class PacketLayout:
    pages: int
    divider_pages: list[int]  # per section, 1-based
    toc_rows: list[TocRow]
    documents: list[BoundDocument]


@dataclass(frozen=True)
class PacketMeta:
    title: str
    author: str
    subject: str
    keywords: str
    on: date


def bind(plan: Plan, cover: Cover, meta: PacketMeta, stamps: StampSet, font: str, out: Path,
         passwords: tuple[str, ...] = ()) -> PacketLayout:
    """Write the packet for ``plan`` to ``out``; where each document landed. ``passwords`` open
    protected originals."""
    with ExitStack() as stack:
        sources = Sources(stack, font, passwords)
        bodies = [[(p, sources.pages(p.doc)) for p in s.placements()] for s in plan.sections]
        layout, dividers = _number(plan, bodies)
        front_bytes, links = render_front(cover, layout.toc_rows, dividers, font)
        front = stack.enter_context(pikepdf.open(io.BytesIO(front_bytes)))
        pdf = stack.enter_context(pikepdf.new())
        toc_pages = toc_pages_needed(len(layout.toc_rows))
        pdf.pages.extend(front.pages[:1 + toc_pages])
        for index, body in enumerate(bodies):
            pdf.pages.append(front.pages[1 + toc_pages + index])
            for _, pages in body:
                pdf.pages.extend(pages)
        if len(pdf.pages) != layout.pages:  # a bug, not an input problem: never write such a packet
            raise RuntimeError(f"bound {len(pdf.pages)} pages, numbered {layout.pages}")
        _stamp(pdf, stamps, font, stack)
        _links(pdf, links, first_toc_page=1)
        _outline(pdf, plan, layout)
        _page_labels(pdf, toc_pages)
        _metadata(pdf, meta)
        # deterministic_id: /ID from a hash of the content instead of time and randomness.
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 compress_streams=True)
    return layout


def _number(plan: Plan, bodies) -> tuple[PacketLayout, list[Divider]]:
    """Every page number: cover 1, then the 目录, then per section a divider and its documents."""
    rows_count = len(plan.sections) + sum(len(b) for b in bodies)
    page = 1 + toc_pages_needed(rows_count) + 1  # the first divider
    rows: list[TocRow] = []
    bound: list[BoundDocument] = []
    dividers: list[Divider] = []
    number = 0
    for index, (section, body) in enumerate(zip(plan.sections, bodies), start=1):
        divider_page = page
        rows.append(TocRow("section", section_ordinal(index), section.title, "", divider_page))
        page += 1
        groups = {id(p): g.title for g in section.groups for p in g.placements}
        for placement, pages in body:
            number += 1
            person = placement.person.name if placement.person else ""
            rows.append(TocRow("document", str(number), placement.label, person, page))
            bound.append(BoundDocument(placement, section.title, groups[id(placement)], number, page, page + len(pages) - 1))
            page += len(pages)
        titles = tuple(g.title for g in section.groups if g.title)
        dividers.append(Divider(index, section.title, divider_page, page - 1, titles))
    return PacketLayout(page - 1, [d.first_page for d in dividers], rows, bound), dividers


def _stamp(pdf: pikepdf.Pdf, stamps: StampSet, font: str, stack: ExitStack) -> None:
    frames, boxes = [], []
    for page in pdf.pages:
        box = [float(v) for v in page.cropbox]  # the visible box (the media box when no crop)
        boxes.append(box)
        frames.append(PageFrame(box[2] - box[0], box[3] - box[1], int(page.obj.get("/Rotate", 0)) % 360))
    overlay = stack.enter_context(pikepdf.open(io.BytesIO(render_stamps(frames, stamps, font))))
    for index, (page, stamp, box) in enumerate(zip(pdf.pages, overlay.pages, boxes)):
        _overlay(pdf, page, stamp, pikepdf.Rectangle(*box), index)


def _overlay(pdf: pikepdf.Pdf, page: pikepdf.Page, stamp: pikepdf.Page, rect: pikepdf.Rectangle, index: int) -> None:
    """Draw ``stamp`` over ``page`` as a form XObject, leaving the page's own streams untouched.

    Not ``Page.add_overlay``: it names the resource randomly (the bytes would differ from build to
    build) and coalesces the page's content streams (slow, and it rewrites the original's). The
    name is unique per packet page because source pages may share one /Resources dictionary.
    """
    formx = pdf.copy_foreign(stamp.as_form_xobject())
    name = page.add_resource(formx, Name.XObject, Name(f"/DossierStamp{index}"))
    # The stamps are drawn already turned for the page's /Rotate (stamps.py): qpdf must not
    # invert the rotation a second time.
    placement = page.calc_form_xobject_placement(formx, name, rect, invert_transformations=False,
                                                 allow_shrink=True, allow_expand=True)
    page.contents_add(b"q\n", prepend=True)  # isolate the original's graphics state from ours
    page.contents_add(b"Q\n" + placement)


def _links(pdf: pikepdf.Pdf, links: list[TocLink], first_toc_page: int) -> None:
    """Each 目录 row is a GoTo link to the page where its entry starts."""
    for link in links:
        page = pdf.pages[first_toc_page + link.toc_page]
        annotation = pdf.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Link, Rect=Array(list(link.rect)), Border=Array([0, 0, 0]),
            Dest=Array([pdf.pages[link.target - 1].obj, Name.Fit])))
        if "/Annots" not in page.obj:
            page.obj.Annots = pdf.make_indirect(Array())
        page.obj.Annots.append(annotation)


def _outline(pdf: pikepdf.Pdf, plan: Plan, layout: PacketLayout) -> None:
    """Bookmarks: cover, 目录, then section -> person / project -> document."""
    by_placement = {id(b.placement): b for b in layout.documents}
    with pdf.open_outline() as outline:
        outline.root.append(OutlineItem("封面", 0))
        outline.root.append(OutlineItem("总目录", 1))
        for section, divider_page in zip(plan.sections, layout.divider_pages):
            node = OutlineItem(section.title, divider_page - 1)
            for group in section.groups:
                parent = node
                if group.title and group.placements:
                    first = by_placement[id(group.placements[0])].first
                    parent = OutlineItem(group.title, first - 1)
                    node.children.append(parent)
                for placement in group.placements:
                    bound = by_placement[id(placement)]
                    parent.children.append(OutlineItem(f"{bound.number}. {placement.label}", bound.first - 1))
            outline.root.append(node)
    pdf.Root.PageMode = Name.UseOutlines


def _page_labels(pdf: pikepdf.Pdf, toc_pages: int) -> None:
    """封面, 目录1 …, then plain numbers equal to the stamped page numbers."""
    body_start = 1 + toc_pages
    pdf.Root.PageLabels = Dictionary(Nums=Array([
        0, Dictionary(P=pikepdf.String("封面")),
        1, Dictionary(S=Name.D, P=pikepdf.String("目录"), St=1),
        body_start, Dictionary(S=Name.D, St=body_start + 1),
    ]))


def _metadata(pdf: pikepdf.Pdf, meta: PacketMeta) -> None:
    stamp = f"D:{meta.on:%Y%m%d}000000+08'00'"  # from the inputs, never the clock
    pdf.docinfo = pdf.make_indirect(Dictionary(
        Title=pikepdf.String(meta.title), Author=pikepdf.String(meta.author),
        Subject=pikepdf.String(meta.subject), Keywords=pikepdf.String(meta.keywords),
        Creator=pikepdf.String(PRODUCER), Producer=pikepdf.String(PRODUCER),
        CreationDate=pikepdf.String(stamp), ModDate=pikepdf.String(stamp)))
    pdf.Root.Lang = pikepdf.String("zh-CN")
    pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
