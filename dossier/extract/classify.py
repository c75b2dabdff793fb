"""Which document type a page shows, and how a file's pages split into logical documents.

Evidence is what a person looks at: the title (large or near the top), and the labels printed on
the page. Scores are turned into a confidence with a softmax against an "unknown" option, so a
page with a title and its usual labels is near 1 and a page with two weak keywords is not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import median

from dossier.extract.glyphs import simplified_text
from dossier.extract.layout import Line, same_row
from dossier.extract.normalize.text import one_off
from dossier.extract.spec import DocSpec

TITLE_WEIGHT = 3.0  # a title printed large or in the top third of the page
TITLE_ELSEWHERE_WEIGHT = 1.2  # the same words in running text ("根据本劳动合同..."), or misread
MISREAD_TITLE_MIN = 5  # a shorter title one character off is too many other words
KEYWORD_WEIGHT = 0.5
KEYWORD_CAP = 8  # keywords beyond this add nothing: long contracts mention everything
TITLE_EXTRA_CHARS = 16  # a title line may also hold a place and a remark: 深圳市…明细(单位)
SENTENCE_MARKS = set("，。；、《》“”")  # running text, never a title line
UNKNOWN_SCORE = 1.5  # the score "none of these" competes with
MIN_CONFIDENCE = 0.5  # below this a page is reported as unknown


@dataclass(frozen=True)
class PageClass:
    page: int
    doc_type: str | None
    confidence: float
    has_title: bool
    continues: bool  # the page carries a mark of being a later page of its type
    guess: str | None = None  # the best type even when too weak to name (an untitled inner page)


@dataclass(frozen=True)
class _Row:
    text: str
    first: Line


def _spaced_rows(lines: list[Line]) -> list[_Row]:
    """Titles letter-spaced across a page come apart into a box per character or two (营 业 执 照,
    职　称　证　书): the boxes of each row, joined left to right, are read as one line too."""
    out, seen = [], set()
    for line in lines:
        if line.index in seen or len(line.compact) > 3:
            continue
        row = sorted((o for o in lines if same_row(line, o)), key=lambda o: o.bbox[0])
        seen.update(o.index for o in row)
        if len(row) > 1:
            out.append(_Row("".join(o.compact for o in row), row[0]))
    return out


def _title_like(line: Line, page_height: float, median_height: float) -> bool:
    return line.bbox[1] < page_height * 0.38 or line.height >= 1.3 * median_height


def classify_page(page: int, lines: list[Line], page_height: float, specs: dict[str, DocSpec]) -> PageClass:
    """Score every spec against one page's lines."""
    if not lines:
        return PageClass(page, None, 0.0, False, False)
    # Titles and labels are vocabulary, never a name: matched with every traditional glyph the
    # engine read simplified (专業技术资格证书), where the fields keep a single one as read (龚家駿).
    compact = [ln.compact for ln in lines]
    text = simplified_text("".join(compact))
    med = median(ln.height for ln in lines) or 1.0
    rows = [_Row(simplified_text(row.text), row.first)
            for row in (*(_Row(ln.compact, ln) for ln in lines), *_spaced_rows(lines))]
    scores: dict[str, float] = {}
    titled: dict[str, bool] = {}
    for doc_type, spec in specs.items():
        if any(word in text for word in spec.classify.exclude):
            continue
        title_score = 0.0
        for row in rows:
            found = spec.classify.title_in(row.text)
            if not found and any(len(title) >= MISREAD_TITLE_MIN and one_off(row.text, title) for title in spec.classify.titles):
                # a title alone on its line, one character misread (屈民身份证 on a fax): some evidence
                title_score = max(title_score, TITLE_ELSEWHERE_WEIGHT)
            elif found:
                # a title is a short line of its own, placed or sized like one; 《劳动合同法》
                # inside a sentence is not a title
                short = (len(row.text) <= found + TITLE_EXTRA_CHARS
                         and not SENTENCE_MARKS.intersection(row.text))
                weight = TITLE_WEIGHT if short and _title_like(row.first, page_height, med) else TITLE_ELSEWHERE_WEIGHT
                title_score = max(title_score, weight)
        hits = sum(1 for kw in set(spec.classify.keywords) if kw in text) + spec.classify.forms_in(compact)
        score = title_score + KEYWORD_WEIGHT * min(hits, KEYWORD_CAP)
        if score > 0:
            scores[doc_type] = score
            titled[doc_type] = title_score >= TITLE_WEIGHT
    if not scores:
        return PageClass(page, None, 0.0, False, False)
    best = max(scores, key=lambda k: (scores[k], k))
    denom = math.exp(UNKNOWN_SCORE) + sum(math.exp(s) for s in scores.values())
    confidence = math.exp(scores[best]) / denom
    continues = any(word in text for word in specs[best].classify.continues)
    if confidence < MIN_CONFIDENCE:
        return PageClass(page, None, confidence, False, False, guess=best)
    return PageClass(page, best, confidence, titled[best], continues)


@dataclass
class PageGroup:
    """A run of pages forming one logical document."""

    doc_type: str | None
    pages: list[int]
    confidence: float


def split_documents(classes: list[PageClass], max_pages: dict[str, int] | None = None) -> list[PageGroup]:
    """Group consecutive pages into logical documents.

    Only a page showing a title starts a new document: a different type's title, or the same
    type's title again without a continuation mark (two certificates in one file). A page with no
    title continues the current document whatever its keywords suggest (page 2 of a contract
    mentions 法定代表人 without being a licence), unless the current document already has all the
    pages its type can have (``max_pages``: an ID card's two sides) and the page reads as another
    type (a certificate's inner page, its title on the cover left out). Unrecognised pages before
    a recognised one are the same document's (an ID card's untitled front before its back).
    """
    limits = max_pages or {}
    groups: list[PageGroup] = []
    for pc in classes:
        current = groups[-1] if groups else None
        full = (current is not None and current.doc_type in limits and len(current.pages) >= limits[current.doc_type]
                and (pc.doc_type or pc.guess) not in (None, current.doc_type))
        if full and pc.doc_type is None:
            # the best type's weak evidence still beats the full document's own type
            pc = PageClass(pc.page, pc.guess, pc.confidence, pc.has_title, pc.continues)
        starts = current is None or full or (pc.has_title and (pc.doc_type != current.doc_type or not pc.continues))
        if not starts:
            current.pages.append(pc.page)
            if current.doc_type is None and pc.doc_type is not None:
                # an unrecognised first page followed by a recognisable one: one document
                current.doc_type, current.confidence = pc.doc_type, pc.confidence
            continue
        if current is not None and current.doc_type is None and pc.doc_type is not None:
            # pages nothing recognised, then a titled page: the untitled side of the same document
            # (an ID card's front, whose labels a fax or a photocopy left unreadable, then its back)
            current.doc_type, current.confidence = pc.doc_type, pc.confidence
            current.pages.append(pc.page)
            continue
        groups.append(PageGroup(pc.doc_type, [pc.page], pc.confidence))
    return groups
