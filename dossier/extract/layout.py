"""Geometry and label matching over text lines.

Lines come from a text layer, OCR or docx alike (``dossier.model.TextLine``, points, top-left
origin). Matching happens on a *compact* form of each line (whitespace removed, full-width colon
folded) because OCR and typesetting both scatter spaces inside labels (姓 名, 有 效 期); every
compact index maps back to the original text so a value keeps an approximate box of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from statistics import median

from dossier.extract.glyphs import simplified_text
from dossier.extract.measure import char_weight, is_overlay, text_height
from dossier.model import BBox, TextLine

SEPARATORS = set(":：|/、,，;；()（）[]【】<>《》")
_CLOSING = {"(": ")）", "（": ")）", "[": "]】", "【": "]】", "《": "》", "<": ">"}


SPACE_WEIGHT = 0.55  # a space's width relative to an ideograph, unless the line shows it wider


@dataclass
class Line:
    """A text line with its compact form and the map from compact to original indices."""

    index: int
    page: int
    source: TextLine
    compact: str = field(init=False)
    _map: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        chars, positions = [], []
        for i, ch in enumerate(self.source.text):
            if ch.isspace():
                continue
            chars.append(ch)
            positions.append(i)
        self.compact = "".join(chars)
        self._map = positions

    @property
    def bbox(self) -> BBox:
        return self.source.bbox

    @property
    def confidence(self) -> float:
        return self.source.confidence

    def span_confidence(self, start: int, end: int) -> float:
        """How sure the reader is of compact characters ``[start, end)``: the line's confidence,
        or lower, the weakest letter, digit or ideograph among them (punctuation is normalised
        away and does not count)."""
        chars = self.source.char_confidences
        if chars is None:
            return self.confidence
        text = self.source.text
        weakest = [chars[i] for i in self._map[start:end] if text[i].isalnum()]
        return min([self.confidence, *weakest])

    @cached_property
    def _offsets(self) -> list[float]:
        """Cumulative display width before each original character. A space is as wide as the
        line leaves it, at least: a label letter-spaced 住 所 on a text layer spends a glyph's
        width or more on each gap, and the value after it starts that much further right."""
        text = self.source.text
        spaces = sum(1 for ch in text if ch.isspace())
        glyphs = sum(char_weight(ch) for ch in text if not ch.isspace())
        x0, y0, x1, y1 = self.bbox
        em = max(y1 - y0, 1.0)  # a glyph about as wide as the line is tall
        space = max(SPACE_WEIGHT, ((x1 - x0) / em - glyphs) / spaces) if spaces else SPACE_WEIGHT
        acc, out = 0.0, []
        for ch in text:
            out.append(acc)
            acc += space if ch.isspace() else char_weight(ch)
        out.append(acc)
        return out

    def sub_bbox(self, start: int, end: int) -> BBox:
        """Approximate box of compact characters ``[start, end)``."""
        if not self.compact or start >= end:
            return self.bbox
        x0, y0, x1, y1 = self.bbox
        offsets = self._offsets
        total = offsets[-1] or 1.0
        a = offsets[self._map[start]]
        b = offsets[self._map[end - 1] + 1]
        width = x1 - x0
        return (x0 + width * a / total, y0, x0 + width * b / total, y1)

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]

    @property
    def cy(self) -> float:
        return (self.bbox[1] + self.bbox[3]) / 2


def make_lines(pages: list[tuple[int, list[TextLine]]]) -> list[Line]:
    """Number the lines of several pages in reading order (page, then top-down, left-right).

    An overlay read on its slant ("仅供…资质申报使用，他用无效" written across a copy in grey, whose
    colour gives no second reading to separate it) is left out: it is no value, and its box,
    spanning the lines it crosses, made it the next line of the address it passed."""
    out: list[Line] = []
    for page, lines in pages:
        height = text_height(lines)
        if height is not None:
            lines = [ln for ln in lines if not is_overlay(ln, height)]
        ordered = sorted(lines, key=lambda ln: (round(ln.bbox[1] / 4), ln.bbox[0]))
        for tl in ordered:
            if tl.text.strip():
                out.append(Line(len(out), page, tl))
    return out


@dataclass(frozen=True)
class LabelHit:
    line: Line
    label: str
    start: int  # compact index of the label
    end: int  # compact index just past the label
    left: float | None = None  # left edge of a label split over several boxes (住 | 所)
    fragment: bool = False  # an early piece of a split label: not a value, not a label to read

    def x_span(self) -> tuple[float, float]:
        """Horizontal extent of the printed label."""
        x0, _, x1, _ = self.line.sub_bbox(self.start, self.end)
        return (x0 if self.left is None else min(x0, self.left)), x1


_FOLD_BRACKETS = str.maketrans("()", "（）")


def find_labels(line: Line, labels: list[str], vocabulary: tuple[str, ...]) -> list[LabelHit]:
    """Occurrences of ``labels`` in ``line``, longest first, non-overlapping.

    An occurrence is rejected when a longer vocabulary label covers it (名称 inside 工程名称,
    有效期 inside 注册专业有效期): the printed label is the longer one.
    """
    text = line.compact
    # brackets matched whatever their width: OCR mixes them (职业（工种) for 职业（工种）); a label
    # is vocabulary, matched with a traditional glyph the engine read simplified (性別 for 性别)
    # where a value keeps it as read
    simple = simplified_text(text)
    plain = simple if len(simple) == len(text) else text
    folded = plain.translate(_FOLD_BRACKETS)
    hits: list[LabelHit] = []
    taken = [False] * len(text)
    for label in sorted({lb.replace(" ", "") for lb in labels}, key=len, reverse=True):
        wanted = label.translate(_FOLD_BRACKETS)
        start = folded.find(wanted)
        while start >= 0:
            end = start + len(label)
            # (a title covers a label as read simplified too: 专业 in 专業技术资格证书)
            if not any(taken[start:end]) and not _covered(plain, start, end, vocabulary):
                hits.append(LabelHit(line, label, start, end))
                for i in range(start, end):
                    taken[i] = True
            start = folded.find(wanted, start + 1)
    return [h for h in sorted(hits, key=lambda h: h.start) if _stands_alone(line, h, hits)]


def _stands_alone(line: Line, hit: LabelHit, hits: list[LabelHit]) -> bool:
    """A label inside a run of text is a word of a value, not a label: 职业 in
    武汉市建筑业职业技能鉴定中心. A label counts when it opens the line, when the line opens with a
    label (label-value pairs run together: 性别男民族汉), or when a space, punctuation, a colon or
    a figure sets it apart."""
    if hit.start == 0 or any(h.start == 0 for h in hits):
        return True
    text = line.compact
    after = text[hit.end:hit.end + 1]
    if not text[hit.start - 1].isalnum() or after in (":", "：") or after.isascii() and after.isdigit():
        return True  # after punctuation (1．签约合同价), before a colon or a figure (最大跨度30米)
    original = line._map[hit.start]
    return original > 0 and line.source.text[original - 1].isspace()


SPLIT_LABEL_GAP = 6.0  # letter-spaced labels (住    所): pieces at most this many line heights apart (a
# two-character label spread to the width of a seven-character one)


def join_split_labels(lines: list[Line], labels: list[str], hits_by_line: dict[int, list[LabelHit]]) -> None:
    """Find labels printed letter-spaced and read as separate boxes (``住`` | ``所``, or ``住`` |
    ``所 广东省…``) and record them in ``hits_by_line``: the label's hit goes on the box holding its
    last character (where its value starts), earlier pieces get ``fragment`` hits."""
    wanted = sorted({lb.replace(" ", "") for lb in labels if len(lb.replace(" ", "")) >= 2}, key=len, reverse=True)
    for first in lines:
        if hits_by_line.get(first.index) or not first.compact:
            continue
        for label in wanted:
            if not (label.startswith(first.compact) and len(first.compact) < len(label)):
                continue
            pieces = _label_pieces(first, label, lines, hits_by_line)
            if pieces is None:
                continue
            *early, last = pieces
            rest = len(label) - sum(len(p.compact) for p in early)
            for piece in early:
                hits_by_line[piece.index] = [LabelHit(piece, label, 0, len(piece.compact), fragment=True)]
            kept = [h for h in hits_by_line.get(last.index, []) if h.start >= rest]
            hits_by_line[last.index] = [LabelHit(last, label, 0, rest, left=first.bbox[0]), *kept]
            break


WRAPPED_LABEL_MIN = 4  # a label this long may be split by a paragraph's wrap (居民身 / 份证号码…)


PARAGRAPH_WIDTH = 20.0  # a line this many line heights wide is running text, which wraps anywhere
WRAP_GAP = 0.8  # a wrapped line starts within this many line heights under the previous one
FULL_LINE_GAP = 1.5  # ... or this many under a line that runs to the right margin
SPREAD_GAP = 5.0  # characters of a label spread 分散对齐 across its cell stand this far apart at most
LEADING_SLACK = 1.2  # ... or this share of the page's usual gap between lines, if that is more


@dataclass(frozen=True)
class Frame:
    """What a page's text looks like as a whole: the right margin its running text wraps at, and
    the usual gap between a line and the next one under it (the leading, less the line's height)."""

    margin: float
    gap: float


def page_frames(lines: list[Line]) -> dict[int, Frame]:
    """The :class:`Frame` of each page ``lines`` come from."""
    out: dict[int, Frame] = {}
    for page in {ln.page for ln in lines}:
        mine = sorted((ln for ln in lines if ln.page == page), key=lambda ln: ln.bbox[1])
        gaps = []
        for i, line in enumerate(mine):
            nxt = next((o for o in mine[i + 1:] if o.bbox[1] >= line.bbox[3]
                        and o.bbox[0] < line.bbox[2] and line.bbox[0] < o.bbox[2]), None)
            if nxt is not None:
                gaps.append(nxt.bbox[1] - line.bbox[3])
        # where running text wraps: its lines' usual right edge, not the furthest one (a notice's
        # right-aligned signature line stands past its body, whose lines then never reached it)
        running = [ln.bbox[2] for ln in mine if ln.bbox[2] - ln.bbox[0] > PARAGRAPH_WIDTH * max(ln.height, 1.0)]
        out[page] = Frame(median(running) if running else max(ln.bbox[2] for ln in mine), median(gaps) if gaps else 0.0)
    return out


def wrap_gap(line: Line, frame: Frame) -> float:
    """How far under ``line`` (in its heights) the next line of its paragraph may start: a line
    that runs to the page's right margin wraps for certain, whatever the leading (a document set
    at 1.5 or double spacing leaves more than a line's height between its lines, a notice printed
    by LibreOffice at double spacing more than one and a half)."""
    h = max(line.height, 1.0)
    if line.bbox[2] < frame.margin - 1.5 * h:
        return WRAP_GAP
    return paragraph_gap(line, frame)


def paragraph_gap(line: Line, frame: Frame) -> float:
    """How far under ``line`` (in its heights) the next line of its paragraph may start when it
    is known to go on: the page's own leading, a line and a half at least."""
    return max(FULL_LINE_GAP, LEADING_SLACK * frame.gap / max(line.height, 1.0))


def join_wrapped_labels(lines: list[Line], labels: list[str], hits_by_line: dict[int, list[LabelHit]],
                        frames: dict[int, Frame]) -> None:
    """Find labels that a wrap split and record them in ``hits_by_line``. Running text
    (…性别男，居民身 / 份证号码3201…): the label's hit at the start of the line its value follows
    on, a ``fragment`` hit on the piece ending the line before (which ends the value before it).
    A label cell too narrow for it (职业技能等 三级/高级工 / 级): the hit on the first line, the
    rest alone under it a fragment. The second line must be close under the first, at its edge."""
    wanted = sorted({lb.replace(" ", "") for lb in labels if len(lb.replace(" ", "")) >= WRAPPED_LABEL_MIN},
                    key=len, reverse=True)
    for first in lines:
        h = max(first.height, 1.0)
        gap = wrap_gap(first, frames[first.page])
        under = [o for o in lines if o.page == first.page and o.cy > first.bbox[3]
                 and o.bbox[1] - first.bbox[3] <= gap * h and abs(o.bbox[0] - first.bbox[0]) <= 3.0 * h]
        if not under:
            continue
        nxt = min(under, key=lambda o: o.bbox[1])
        if any(hit.start == 0 for hit in hits_by_line.get(nxt.index, [])):
            continue

        def in_cell(label: str) -> bool:
            # the rest under the label's first part, at its left edge or centred under it
            x0, _, x1, _ = first.sub_bbox(0, len(label) - len(nxt.compact))
            return (abs(nxt.bbox[0] - first.bbox[0]) <= 0.6 * h
                    or abs((nxt.bbox[0] + nxt.bbox[2]) / 2 - (x0 + x1) / 2) <= 0.6 * h)

        # a label wrapped inside its cell: 职业技能等 | 三级/高级工 over 级, its value beside its
        # first line (the shorter label 职业 it starts with is part of it); 统一社会信用代 | 9132…
        # over a centred 码; a label set 分散对齐 leaves its rest in a box per character
        # (职 业 （ 工 抹灰工 over 种 | ）)
        pieces = _row_pieces(nxt, lines)
        cell, taken = None, [nxt]
        for count in range(len(pieces), 0, -1):
            rest = "".join(o.compact for o in pieces[:count])
            cell = next((lb for lb in wanted if rest != lb and lb.endswith(rest)
                         and first.compact.startswith(lb[:len(lb) - len(rest)])
                         and not first.compact.startswith(lb) and in_cell(lb)), None)
            if cell is not None:
                taken = pieces[:count]
                break
        if cell is not None:
            k = len(cell) - sum(len(o.compact) for o in taken)
            kept = [hit for hit in hits_by_line.get(first.index, []) if hit.start >= k]
            hits_by_line[first.index] = [LabelHit(first, cell, 0, k), *kept]
            for piece in taken:
                hits_by_line[piece.index] = [LabelHit(piece, cell, 0, len(piece.compact), fragment=True)]
            continue
        for label in wanted:
            k = next((k for k in range(len(label) - 1, 0, -1)
                      if first.compact.endswith(label[:k]) and nxt.compact.startswith(label[k:])), None)
            if k is None:
                continue
            rest = len(label) - k
            kept = [hit for hit in hits_by_line.get(nxt.index, []) if hit.start >= rest]
            hits_by_line[nxt.index] = [LabelHit(nxt, label, 0, rest), *kept]
            end = len(first.compact)
            kept = [hit for hit in hits_by_line.get(first.index, []) if hit.end <= end - k]
            hits_by_line[first.index] = [*kept, LabelHit(first, label, end - k, end, fragment=True)]
            break


def _row_pieces(start: Line, lines: list[Line]) -> list[Line]:
    """``start`` and the short boxes right of it on its row, left to right, each within a few
    line heights of the one before: the characters of a label spread across its cell."""
    h = max(start.height, 1.0)
    row = sorted((o for o in lines if o is not start and same_row(start, o) and o.bbox[0] > start.bbox[0]),
                 key=lambda o: o.bbox[0])
    out = [start]
    for box in row:
        if len(box.compact) > 2 or box.bbox[0] - out[-1].bbox[2] > SPREAD_GAP * h:
            break
        out.append(box)
    return out


def _label_pieces(first: Line, label: str, lines: list[Line], hits_by_line) -> list[Line] | None:
    """The boxes, left to right on ``first``'s row, that together spell ``label`` (the last box may
    go on with the value); None when they do not."""
    pieces, got = [first], first.compact
    while len(got) < len(label):
        prev = pieces[-1]
        slack = max(4.0, 0.6 * prev.height)
        reach = SPLIT_LABEL_GAP * max(prev.height, 1.0)
        nxt = [ln for ln in right_of(prev, prev.bbox[2], lines)
               if ln.bbox[0] - prev.bbox[2] <= reach and ln.bbox[0] > prev.bbox[0] + slack]
        if not nxt:
            return None
        piece = nxt[0]
        need = label[len(got):]
        if piece.compact.startswith(need):
            pieces.append(piece)
            return pieces
        if not need.startswith(piece.compact) or any(h.start == 0 for h in hits_by_line.get(piece.index, [])):
            return None
        pieces.append(piece)
        got += piece.compact
    return None


def _covered(text: str, start: int, end: int, vocabulary: tuple[str, ...]) -> bool:
    label_len = end - start
    for other in vocabulary:
        if len(other) <= label_len:
            break
        lo = max(0, end - len(other))
        hi = min(start, len(text) - len(other))
        for s in range(lo, hi + 1):
            if text.startswith(other, s) and s <= start and s + len(other) >= end:
                return True
    return False


def strip_separators(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim colons, brackets and similar from both ends of ``text[start:end]``; an opening bracket
    closed later in the span is part of the value (（鄂）JZ安许证字…)."""
    while start < end and text[start] in SEPARATORS:
        close = _CLOSING.get(text[start])
        if close and any(ch in close for ch in text[start + 1:end]):
            break
        start += 1
    while end > start and text[end - 1] in ":：|、,，;；":
        end -= 1
    return start, end


def same_row(a: Line, b: Line) -> bool:
    """True when ``b``'s vertical centre lies within ``a``'s line box (a table row)."""
    return a.page == b.page and a.bbox[1] - 0.2 * a.height <= b.cy <= a.bbox[3] + 0.2 * a.height


def right_of(anchor: Line, x: float, lines: list[Line]) -> list[Line]:
    """Lines on the same row as ``anchor`` starting at or right of ``x``, nearest first."""
    # OCR boxes of a label and its value often overlap by a few points
    slack = max(4.0, 0.6 * anchor.height)
    row = sorted((ln for ln in lines if ln is not anchor and same_row(anchor, ln) and ln.bbox[0] >= x - slack),
                 key=lambda ln: ln.bbox[0])
    # a value wrapped onto two lines beside its label (类型 | 股份有限公司（非上市、自然人投资或 /
    # 控股）) has its lines start at about one x: the upper one is where it begins, whichever
    # box the engine drew a point further left
    out: list[Line] = []
    while row:
        column = [ln for ln in row if ln.bbox[0] - row[0].bbox[0] <= slack]
        out += sorted(column, key=lambda ln: ln.bbox[1])
        row = [ln for ln in row if all(ln is not c for c in column)]
    return out


def below(anchor: Line, x0: float, x1: float, lines: list[Line], max_gap_lines: float = 3.0) -> list[Line]:
    """Lines under ``anchor`` overlapping ``[x0, x1]`` horizontally, within a few line heights."""
    limit = anchor.bbox[3] + max_gap_lines * max(anchor.height, 6.0)
    # a value under its label may reach up into the label's box by half a line (a photo's boxes),
    # or further when it is set larger than a caption-sized label, its middle below the label
    out = [ln for ln in lines if ln.page == anchor.page
           and (ln.bbox[1] >= anchor.bbox[3] - 0.5 * anchor.height or ln.cy >= anchor.bbox[3] or _boxed_with(anchor, ln))
           and ln.bbox[1] <= limit and ln.bbox[0] < x1 + 0.5 * (x1 - x0 + 1) and ln.bbox[2] > x0]
    # row by row, each left to right: a seal that split a line swells one piece's box, and by its
    # top alone 设教育协会 came before the 浙江省建 it continues
    return [ln for row in in_rows(out) for ln in row]


def in_rows(boxes: list[Line]) -> list[list[Line]]:
    """``boxes`` in rows, top to bottom, each row left to right. A row's boxes stand side by side
    (a little apart in height: a photo's slant, a seal's swelling); one under another is the next
    row, however much their boxes overlap (the label 证书编号 under a long address that reached
    into it, taken first of its row for starting further left)."""
    out: list[list[Line]] = []
    for ln in sorted(boxes, key=lambda ln: ln.bbox[1]):
        if out and same_row(out[-1][0], ln) and not any(_stacked(o, ln) for o in out[-1]):
            out[-1].append(ln)
        else:
            out.append([ln])
    return [sorted(row, key=lambda ln: ln.bbox[0]) for row in out]


def _boxed_with(caption: Line, line: Line) -> bool:
    """Whether ``line``'s box holds ``caption`` in its top left and reaches well below it: the
    detector boxed a small caption with the value printed under it, and read only the value
    (工程名称 inside 桂溪安置房项目3#、13#楼及地下车库工程's box in a phone photo)."""
    h = caption.height
    return (line is not caption and line.bbox[0] <= caption.bbox[0] + 0.5 * h and line.bbox[2] >= caption.bbox[2]
            and line.bbox[1] <= caption.bbox[1] + 0.5 * h and line.bbox[3] >= caption.bbox[3] + 0.5 * h)


def _stacked(a: Line, b: Line) -> bool:
    """Whether two boxes share more than a sliver of their width: one stands over the other."""
    shared = min(a.bbox[2], b.bbox[2]) - max(a.bbox[0], b.bbox[0])
    return shared > 0.25 * min(a.bbox[2] - a.bbox[0], b.bbox[2] - b.bbox[0])


def union(a: BBox, b: BBox) -> BBox:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
