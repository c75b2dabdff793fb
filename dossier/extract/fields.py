"""The field engine: reads a document spec and finds each field's value among the lines.

For each field, every printed occurrence of one of its labels yields candidates in the spec's
``where`` order (after the label on the same line, the next cell to the right, the line below);
the first candidate that matches the field's pattern and normalises wins. Fields without a label
on the page may fall back to the first or last unclaimed pattern match (an issue date printed
under the seal, an ID number on a card). Values claimed by one field are not reused by another.

Scans bend these rules, so geometry decides, not reading order: a label letter-spaced into two
boxes (住 | 所) is one label; a wrapped value or a list printed one item per line continues under
its first line even with a second column beside it; a line under a label that is the value of the
label left of it on its own row is not taken; curved seal text on a label's row is skipped.
Confidence is the OCR's times the normaliser's times how the value was found: a label with a
character lost under a seal, or no label at all (more doubt when several texts had the form, most
when the field's label is printed but nothing readable beside it), costs confidence, so such
values reach a person (``LOW_CONFIDENCE``) instead of passing as read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from dataclasses import dataclass

from dossier.extract.completeness import (
    INCOMPLETE_NOTES,
    holds_ideograph,
    is_whole,
    misread_words,
    opening_doubt,
    places_named,
    without_stray,
)
from dossier.extract.id_terms import term_end, term_start
from dossier.extract.layout import (
    PARAGRAPH_WIDTH,
    SEPARATORS,
    WRAP_GAP,
    Frame,
    LabelHit,
    Line,
    below,
    find_labels,
    in_rows,
    join_split_labels,
    join_wrapped_labels,
    page_frames,
    paragraph_gap,
    right_of,
    same_row,
    strip_separators,
    union,
    wrap_gap,
)
from dossier.extract.measure import shared_height
from dossier.extract.normalize import NORMALISERS
from dossier.extract.normalize.dates import END_LOST, iso_day
from dossier.extract.normalize.result import DOUBTFUL, GUESSED, TOLERATED
from dossier.extract.ocr.marks import MARK_TEXT
from dossier.extract.places import area_parents, place_slips
from dossier.extract.spec import DocSpec, FieldSpec, label_vocabulary, pattern_library, printed_labels
from dossier.model import ExtractedField
from dossier.validate.identifiers import id_info, id_problem

UNPARSED_CONFIDENCE = 0.0
# a label's English translation printed after it (姓名 Name, 注册编号 Registration No.): a run of
# Latin words with a lower-case letter (codes and IDs are digits and capitals: JZ, D2732…); a fax
# may read a colon into a word (Na:ne)
_ENGLISH = r"[A-Za-z][A-Za-z.'&()\-/:：]*[a-z][A-Za-z.'&()\-/:：]*"
_TRANSLATION = re.compile(r"^[/／]?" + _ENGLISH)
# a label we have no spec for: ideographs and a colon, or ideographs and their English alone on the
# line (使月名效期 Vasid for se urtit: 使用有效期 misread, no value)
_UNKNOWN_LABEL = re.compile(r"^[\u4e00-\u9fff]{1,8}(?:[:：]|" + _ENGLISH + "$)")
# a remark in brackets after a label (（盖章）, （万元）, （㎡）), after a colon too; OCR may double a
# bracket: 发证机关（(盖章). One character in brackets is a remark unless it is a province's, which
# opens a code: （鄂）JZ安许证字…
_REMARKS = re.compile(r"^[:：]?[（(]+(?:[^（()）]{2,10}|(?!" + pattern_library()["province"] + r")[^（()）])[)）]+")
LIST_NORMALISERS = {"list", "qualification_list", "specialty_list"}
CHECKSUMMED = {"id_number", "uscc"}
CLOSED_LISTS = {"gender", "ethnicity"}  # normalisers whose values are a closed list of words
WRAPPING_KINDS = ("company", "authority")  # names long enough to wrap in a cell or under a seal
LIST_BELOW = 5.0  # line heights under its label a list printed one item a row may start  # a reading that passes its check character is no misreading
ALIGN = 1.5  # ... and its left edge within this many line heights of the value's
INDENT = 1.0  # a paragraph's first line set in by this many line heights at least: its next starts left of it
RIGHT_FAR = 8.0  # line heights right of a label beyond which a box on its row is another column's
VALUE_COLUMN_ROWS = 2  # ... unless this many other labelled rows have their values starting where it does
# a value's box under its label may overlap the label's by this share of its height: 2003年8月18日
# (17 points tall) reached 6 into 取得资格时间 above it in a photo, and was taken for the value of
# 工作单位 on its row
UNDER_OVERLAP = 0.5
SEAL_HEIGHT = 1.8  # a box this many times taller than its row is curved seal text, not a value
# ... and so is a box whose ideographs are squeezed below this share of its height each (a piece
# of a seal's curved rim read across: 中心 in 14 points by 21). Only a short piece: the rim curves
# away from any straight row, and a long line's box is tall by the slant of a photo (成都钱塘鼎盛建筑
# 工程有限公司, 14 ideographs in 76 x 14 pixels, was taken for seal text and lost)
SEAL_SQUEEZE = 0.45
SEAL_PIECE = 6  # ideographs
_SENTENCE_MARK = re.compile(r"[，。；：,;:]")  # a seal curves a name: it holds no sentence's marks
# the boxes of one value on its row (a spaced date 1977 年 8 月 13 日, a name letter-spaced across
# its cell) are at most this many line heights apart, their centres level within RUN_LEVEL line
# heights; farther, or a box of another line (a second column's value a little lower), is not it
RUN_GAP = 2.0
RUN_LEVEL = 0.3
# confidence factors for values found the doubtful way
# no label: the only text of the field's pattern in the document. Its role is a guess (a date is
# the issue date because nothing else is), so it is no confident value; only an identifier whose
# checksum holds (uniquely the document's code) keeps FALLBACK_CHECKED
FALLBACK_UNIQUE = 0.85
FALLBACK_CHECKED = 0.95
FALLBACK_CHOSEN = 0.8  # no label: chosen as the first or last of several
FALLBACK_LABEL_UNREAD = 0.5  # the label is printed but nothing beside it was read
TRUNCATED_LABEL = TOLERATED  # found through a label missing a character (under a seal)
TRUNCATED_NOTE = "标签不完整或有误识（疑被印章遮挡或字迹模糊），按近似标签定位"
_LATIN_TAIL = re.compile(r"(?<=[\u4e00-\u9fff])" + _ENGLISH + "$")
MISREAD_LABEL_MIN = 4  # a shorter label one character off is too many other words
SPREAD_VALUE_GAP = 1.0  # a spread label's last character stands this many text heights from its value
FALLBACK_NOTE = "无标签，按格式定位"
CUT = 0.85  # the field's pattern took part of the text beside the label: the rest may belong to it
CUT_NOTE = "取值后仍有文字“{rest}”，可能未取全"
# a wrapped value whose further lines made it no whole value ends at its last whole reading: a
# faxed certificate's address ran on into the garbled label under it and that label's value
# (…创新大厦13层28号书编D361342748行效惠个2031.09.06). The lines left off might have been its own.
TAIL_LEFT = 0.85
TAIL_LEFT_NOTE = "其后几行与之连读不成完整值，已舍去，请核对是否取全"
INCOMPLETE = GUESSED  # a name that is not whole (no legal form, unit word; odd length)
AMBIGUOUS = 0.85  # the label is printed more than once with different whole values beside it
AMBIGUOUS_NOTE = "多处标注的取值不一致：{others}"


@dataclass(frozen=True)
class TruncatedHit(LabelHit):
    """A label read with one character missing (see ``FieldEngine._truncated_labels``)."""


def _item_role(text: str, hits: list[LabelHit]) -> int:
    """Where an item starts after its role: ``建设单位：武汉…`` -> 5; 0 when no role opens it."""
    m = _UNKNOWN_LABEL.match(text)
    if m:
        return m.end()
    for h in hits:
        if h.start == 0 and text[h.end:h.end + 1] in (":", "："):
            return h.end + 1
    return 0


def _read_twice(left: Line, right: Line, left_text: str) -> int:
    """How many leading characters of ``right`` the engine read in ``left`` too: two boxes of one
    row that overlap (注册资本8 | 8000万元人民币) hold the glyphs in the overlap twice. Counted when
    they lie within the overlap and ``left`` ends with them."""
    overlap_end = left.bbox[2] + 0.25 * max(right.height, 1.0)
    k = 0
    while k < len(right.compact) and right.sub_bbox(k, k + 1)[2] <= overlap_end:
        k += 1
    while k and not left_text.endswith(right.compact[:k]):
        k -= 1
    return k


def _skip_remark(text: str, start: int) -> int:
    """Skip what is printed right after a label and is no value: a bracketed remark (发证机关
    （盖章）, 甲方（用人单位）) and the label's English translation (聘用企业 Employer)."""
    for pattern in (_REMARKS, _TRANSLATION, _REMARKS):
        m = pattern.match(text[start:])
        if m is not None and (pattern is not _TRANSLATION or m.end() >= 3):
            start += m.end()
    return start


def _labels_end(text: str, hits: list[LabelHit]) -> int:
    """Where the run of labels that opens ``text`` ends: each label right after the one before
    (乙方（劳动者）姓名), past their remarks. A label named inside the value after them (颁发单位：
    浙江省…高级职称评审委员会 names 职称) is not part of the run."""
    end = 0
    for hit in sorted(hits, key=lambda h: h.start):
        after = _skip_remark(text, end)
        if hit.start > after + (text[after:hit.start] in (":", "：")):
            break
        end = max(end, hit.end)
    return _skip_remark(text, end)


# a bracketed remark, or one left open where the next label cut it: （以下简称甲方） is read as
# （以下简称 before the label 甲方
_REMARK_TAIL = re.compile(r"[（(][^（()）]*(?:[)）]|$)")


def _leftover(rest: str) -> str:
    """Text after a pattern's match that may belong to the value: not bracketed remarks
    (（以下简称甲方）, （盖章）), and not what a clause separator ends it at (…有限公司，法定代表人…)."""
    rest = re.split(r"[，,。；;：:]", _REMARK_TAIL.sub("", rest), maxsplit=1)[0]
    return rest.strip("、 ") if re.search(r"[\u3400-\u9fff]", rest) else ""


# what a label may print after it that asks for a signature, not a value: 签章, （盖章）, 签字
_SIGN_HERE = re.compile(r"^[（(]?(?:签章|盖章|签字|签名|印章|公章)[)）]?[:：]?$")
# a role's cell in a table of parties: 建设单位, 施工总承包单位, 监理方, 发包人
# (a signature line's underscore read after the colon, 设计单位（公章）_, is still the role)
_ROLE = re.compile(r"^[\u4e00-\u9fff]{1,10}(?:单位|方|人)(?:[（(][^（()）]{1,6}[)）])?[:：]?[_＿]*$")
ROLE_GAP = 12.0  # signature blocks of one list stand at most this many line heights apart
_PARTY = re.compile(r"^[\u4e00-\u9fff]{1,6}单位")  # a role that names a unit (项目负责人 names a person)
# a role a person signs in (项目负责人, 法定代表人, 委托代理人): what is beside it is a signature,
# however well it reads (易建设), never a party
_PERSON_ROLE = re.compile(r"(?:负责人|代表人|代理人)(?:[（(][^（()）]{1,6}[)）])?[:：]?[_＿]*$")
UNREAD_PARTY_NOTE = "签章栏中“{roles}”的单位名称未能读出（疑被印章遮挡），名单可能不全"
ROLELESS_NOTE = "签章栏中“{units}”的单位类别未能读出（疑被印章遮挡），已按位置列入名单"
ROLE_ITEM_GAP = 2.0  # a block's unit stands at most this many line heights under its role (1.6 seen)
_ROLE_VALUE = re.compile(r"^[\u4e00-\u9fff]{1,10}单位[:：](.{4,})$")
# cells of such a row that are no party: a seal's remark, a date (in figures or in words:
# 二〇二三年五月十八日 under a signature line, or its end lost under the seal: 二〇二五年十二月二十),
# a signature line
_NOT_AN_ITEM = re.compile(r"^(?:[（(][^（()）]*[)）]|\d[\d年月日.\-/]*|[〇零一二三四五六七八九十]{2,4}年(?:[〇零一二三四五六七八九十]{1,3}月"
                          r"(?:[〇零一二三四五六七八九十]{1,3}日?)?)?|(?:签章|盖章|签字|签名|日期)[:：]?)$")


_CLAUSE_ENDS = "，。；：:,;"
_CLAUSE_MARK = re.compile(r"[，。；,;]")
# marks no line of print opens with (行首禁则; Unicode line breaking forbids a break before them
# too): one read at the start of a wrapped value's next line is a speck (4单元 / .2501室)
_NO_LINE_START = ".,:;!?·。，、：；！？"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FUTURE_NOTE = "日期晚于今天，疑为误识"
UNCLOSED_NOTE = "括号未闭合，疑被截断"
GLUED_NOTE = "编号与其前后未能识别的字符相连，疑被截断：{text}"
POOR_PAGE_SHARE = 0.25  # this share of a page's lines read below 0.9: the engine struggled with it
POOR_PAGE = 0.85  # ... and its confident lines are no longer to be trusted as such
POOR_PAGE_NOTE = "本页识别质量较差（传真、翻拍或模糊），请核对"
LABEL_ROWS = 2  # rows of labels side by side that make a page's labels stand over their values


def _poor_pages(lines: list[Line]) -> set[int]:
    """Pages on which the OCR engine read a fair share of lines with doubt (a fax, a blurred phone
    photo): its confidence for the other lines there is not worth much either (it read 马蟹 for
    马堃 at 0.99 on such a page). So are pages that went through a fax, known by the transmission
    header at their top: a fax halves the resolution and thresholds to black and white (it read
    四川行城 for 四川石城 at 0.93 on one)."""
    by_page: dict[int, list[Line]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).append(line)
    return {page for page, page_lines in by_page.items() if _doubted(page_lines) or _faxed(page_lines)}


def _doubted(page_lines: list[Line]) -> bool:
    confs = [ln.confidence for ln in page_lines if len(ln.compact) >= 2]
    return len(confs) >= 5 and sum(c < 0.9 for c in confs) >= POOR_PAGE_SHARE * len(confs)


# A fax machine's header line (TTI): a time and then the page counter (MAY-08-2026 02:55 PM FROM:…
# P.1), or the counter on its own (10/02/2026 16:15 +86 28 8835… | P.001/001), or zero-padded
# after the end of the number read into its box (…81494178 | 3 P.001/001; P.00101, its slash lost)
_FAX_COUNTER = re.compile(r"^P\.?\d{1,3}/\d{1,3}$|\d{1,2}:\d{2}.*P\.\d{1,3}(?:/\d{1,3})?$|P\.0\d{2}/?0?\d{2}$")
FAX_HEADER_LINES = 3  # the counter stands among a page's topmost lines, or its bottommost: a
# landscape page faxed on its side and turned upright puts the sender's header at an edge


def _faxed(page_lines: list[Line]) -> bool:
    ordered = sorted(page_lines, key=lambda ln: ln.bbox[1])
    edges = ordered[:FAX_HEADER_LINES] + ordered[-FAX_HEADER_LINES:]
    return any(_FAX_COUNTER.search(ln.compact) for ln in edges)


def _labels_above(lines: list[Line], hits_by_line) -> dict[int, bool]:
    """Per page, whether its labels stand over their values in rows of labels (姓名 | 资格名称,
    each value on the line below) rather than beside them in columns (姓名 | 喻志刚, the next
    label below): counted from labels standing alone, whose neighbour to the right, or below,
    is another label (a table's header row, three labels or more, does not count). In the first
    layout the box right of a label is never its value."""
    def alone(line: Line) -> bool:
        hits = hits_by_line.get(line.index, [])
        return (len(hits) == 1 and not hits[0].fragment and hits[0].start == 0
                and not line.compact[_skip_remark(line.compact, hits[0].end):].strip(":："))

    votes: dict[int, int] = {}
    lone = [line for line in lines if alone(line)]
    for line in lone:
        h = max(line.height, 1.0)
        right = right_of(line, line.bbox[2], lines)
        # two lone labels on a row: a row of a two-column form; three or more head a table
        in_row = sum(1 for other in lone if same_row(line, other))
        if right and alone(right[0]) and in_row == 2:
            votes[line.page] = votes.get(line.page, 0) + 1
        # OCR boxes of a label and the value under it may overlap a little
        under = [o for o in lines if o.page == line.page and o is not line and o.cy > line.cy
                 and -0.3 * h <= o.bbox[1] - line.bbox[3] <= 2 * h and abs(o.bbox[0] - line.bbox[0]) <= ALIGN * h]
        if under and alone(min(under, key=lambda o: o.bbox[1])):
            votes[line.page] = votes.get(line.page, 0) - 1
    # one pair of labels side by side is a signature block (甲方（盖章）： | 乙方（签字）：), not a layout
    return {page: count >= LABEL_ROWS for page, count in votes.items()}


def _takes(fspec: FieldSpec, text: str) -> bool:
    """Whether ``text`` could be a value of ``fspec`` (its pattern matches, its normaliser reads
    it, a name of its kind is whole): what tells a label from a word that happens to be one."""
    if fspec.regex is not None:
        m = fspec.regex.search(text)
        if m is None:
            return False
        text = m.group(next((g for g in fspec.regex.groupindex if m.group(g) is not None), 0))
    value = NORMALISERS[fspec.normaliser](text)
    return value is not None and value.value not in (None, "", []) and _whole(fspec, value.value)


def _wrapped_bottom(hit: LabelHit, lines: list[Line], hits_by_line) -> float | None:
    """Where a label wrapped inside its cell ends: the bottom of the rest of it under its line
    (统一社会信用代 / 码); None for a label on one line."""
    line = hit.line
    rest = [o.bbox[3] for o in lines if o.page == line.page and o.cy > line.bbox[3]
            and o.bbox[1] - line.bbox[3] <= line.height
            and any(h.fragment and h.label == hit.label for h in hits_by_line.get(o.index, []))]
    return max(rest, default=None)


def _bracketed(text: str, position: int) -> bool:
    """Whether ``position`` lies inside a bracket opened before it in ``text`` and closed after it.
    A bracket the line leaves open is a value wrapped onto the next line (有限责任公司（非自然人投资
    或控股的法 | 人独资）): a text layer that joined two columns sets the next label after it."""
    depth = 0
    for ch in text[:position]:
        depth += ch in "（("
        depth -= ch in ")）" and depth > 0
    return depth > 0 and any(ch in ")）" for ch in text[position:])


_PAIRS = (("（(", "）)"), ("〔【[", "〕】]"))


def _balanced(text: str) -> bool:
    """Whether every kind of bracket in ``text`` closes as often as it opens."""
    return all(sum(text.count(c) for c in opens) == sum(text.count(c) for c in closes) for opens, closes in _PAIRS)


def _repaired(value: str, slips: list[tuple[str, str]], notes: list[str]) -> str:
    """``value`` with each slip (what was read, the word it stands for) put right, to propose,
    never to apply; a note for each is added to ``notes``."""
    for piece, word in slips:
        value = value.replace(piece, word)
        notes.append(f"“{piece}”疑为“{word}”的误识")
    return value


def _seal_text(box: Line, row: Line) -> bool:
    """Whether ``box`` on ``row``'s row is a seal's curved text rather than text of the row: far
    taller than the row, or its ideographs squeezed narrower than any font sets them. A seal
    curves a name: a box of figures (2023/12/6至2028/12/5) that a seal's edge swelled is the row's,
    and so is a sentence (经验收，…质量等级：合格。), whose box a photo's slant made tall."""
    ideographs = sum(1 for c in box.compact if "\u4e00" <= c <= "\u9fff")
    if _SENTENCE_MARK.search(box.compact):
        return False
    return ((box.height > SEAL_HEIGHT * max(row.height, 1.0) and 2 * ideographs >= len(box.compact))
            or (2 <= ideographs <= SEAL_PIECE and box.bbox[2] - box.bbox[0] < SEAL_SQUEEZE * ideographs * box.height))


def _left_on_row(line: Line, lines: list[Line]) -> list[Line]:
    """The boxes on ``line``'s row that end where it starts or before (a photo's boxes of a label
    and its value overlap by a few points)."""
    return [o for o in lines if o is not line and same_row(line, o) and o.bbox[0] < line.bbox[0]
            and o.bbox[2] <= line.bbox[0] + max(2.0, 0.3 * line.height)]


def _whole(fspec: FieldSpec, value) -> bool:
    """Whether a normalised value (every item of a list) is whole: its brackets closed (股份有限
    公司（非上市、自然人投资或 was cut at a wrap), and whole for the field's kind."""
    items = value if isinstance(value, (list, tuple)) else [value]
    # either end may be cut: （非上市、自然人投资或 lost its close, 控股） its opening
    if any(isinstance(item, str) and not _balanced(item) for item in items):
        return False
    return fspec.kind is None or all(is_whole(fspec.kind, item) for item in items)


@dataclass(frozen=True)
class Candidate:
    line: Line
    start: int  # compact span of the value within the line
    end: int
    text: str
    extra: tuple[Line, ...] = ()  # continuation lines of a wrapped value
    extra_text: tuple[str, ...] = ()  # their text, when not the whole line (list item roles dropped)
    factor: float = 1.0  # doubt from how the value was found (a truncated label, no label)
    note: str | None = None  # ... and the reviewer's note saying so
    unit: str = ""  # the unit the label prints for a bare figure: 合同金额（万元）

    @property
    def bbox(self):
        box = self.line.sub_bbox(self.start, self.end)
        for ln in self.extra:
            box = union(box, ln.bbox)
        return box

    @property
    def confidence(self) -> float:
        spans = [self.line.span_confidence(self.start, self.end)]
        for i, ln in enumerate(self.extra):
            text = self.extra_text[i] if i < len(self.extra_text) else ln.compact
            at = ln.compact.find(text)
            spans.append(ln.span_confidence(at, at + len(text)) if at >= 0 else ln.confidence)
        return self.factor * min(spans)


FROM_ID = 0.85  # a value the ID number encodes, not one read: a person confirms it against the card
ENCODED = FROM_ID  # a value another field's number encodes (``encoded_in``), not one read
AT_ODDS = GUESSED  # a value and the number that encodes it disagree: one of them was misread
_FROM_NUMBER = "未识别到印刷值，按身份证号（GB 11643）推得"
FROM_ID_NOTES = {"gender": _FROM_NUMBER, "birth_date": _FROM_NUMBER,
                 "term_start": "未识别到印刷值，按有效期截止日与持证人年龄（居民身份证法第五条）推得",
                 "term_end": "未识别到印刷值，按有效期起始日与持证人年龄（居民身份证法第五条）推得"}
ROW_SHARED = 0.8  # a value beside its label that lies on another label's row as well
ROW_SHARED_NOTE = "值位于两个标签的行之间（表格倾斜），归属存疑"
CUT_LABEL_MIN = 2  # characters of a label's start that end a value (发证 of 发证日期); one may be a name's


def _reads_whole(fspec: FieldSpec, text: str) -> bool:
    """Whether ``text`` normalises to a whole value of ``fspec``'s kind."""
    read = NORMALISERS[fspec.normaliser](text) if text else None
    return read is not None and bool(read.value) and _whole(fspec, read.value)


class FieldEngine:
    """Extracts the fields of one spec from one logical document's lines."""

    def __init__(self, spec: DocSpec):
        self.spec = spec
        self._labels_above: dict[int, bool] = {}  # per page, set by ``extract``
        self._poor_pages: set[int] = set()
        self._frames: dict[int, Frame] = {}
        self.vocabulary = label_vocabulary()
        self.printed_labels = printed_labels()
        self.all_labels = [lb for f in spec.fields.values() for lb in f.labels] + spec.other_labels
        self.label_fields: dict[str, list[FieldSpec]] = {}
        for f in spec.fields.values():
            for lb in f.labels:
                self.label_fields.setdefault(lb.replace(" ", ""), []).append(f)
        if spec.table:
            self.all_labels += [h for hs in spec.table.columns.values() for h in hs]

    def extract(self, lines: list[Line]) -> dict[str, ExtractedField]:
        # a mark found by its shape (● in a paid month's cell) is a table's, never a field's value
        lines = [ln for ln in lines if ln.source.text != MARK_TEXT]
        hits_by_line = {ln.index: find_labels(ln, self.all_labels, self.vocabulary) for ln in lines}
        join_split_labels(lines, self.all_labels, hits_by_line)
        self._frames = page_frames(lines)
        join_wrapped_labels(lines, self.all_labels, hits_by_line, self._frames)
        self._truncated_labels(lines, hits_by_line)
        self._labels_above = _labels_above(lines, hits_by_line)
        self._poor_pages = _poor_pages(lines)
        claimed: set[tuple] = set()  # (line, start, end, owner) compact spans of values taken
        out: dict[str, ExtractedField] = {}
        for name, fspec in self.spec.fields.items():
            found = self._by_label(fspec, lines, hits_by_line, claimed)
            if found is not None:
                out[name] = found
        # fallbacks only once every label has taken its value: a bare date is the issue date only
        # if it is not the validity printed beside 有效期, whatever the order of the spec; and
        # values of a closed list first: 民汉 is a card's ethnicity with its label cut, before it
        # is two ideographs alone, a name's form
        for name, fspec in sorted(self.spec.fields.items(), key=lambda item: item[1].normaliser not in CLOSED_LISTS):
            if name not in out and fspec.fallback and fspec.fallback_regex is not None:
                found = self._by_pattern(fspec, lines, hits_by_line, claimed, self._label_seen(fspec, hits_by_line))
                if found is not None:
                    out[name] = found
            elif name not in out and fspec.item_labels:
                found = self._by_roles(fspec, lines)
                if found is not None:
                    out[name] = found
        self._places_by_id_area(out)
        self._from_id_number(out)
        self._from_codes(out)
        return {name: out[name] for name in self.spec.fields if name in out}

    def _from_id_number(self, out: dict[str, ExtractedField]) -> None:
        """Fields the document's ID number encodes (``from_id``) that were not read, taken from a
        valid number: a value its issuer printed from that number, not one read, so in doubt. A
        card's term: one end read and the holder's age on its start give the other
        (:mod:`dossier.extract.id_terms`)."""
        ident = out.get("id_number")
        number = ident.value if ident is not None and isinstance(ident.value, str) else ""
        if not number or id_problem(number) is not None:
            return
        info = id_info(number)
        by_code = {fspec.from_id: name for name, fspec in self.spec.fields.items() if fspec.from_id}

        def read(code: str) -> ExtractedField | None:
            found = out.get(by_code.get(code, ""))
            return found if found is not None and found.value is not None else None

        def derived(code: str) -> tuple[str, ExtractedField] | None:
            if code in ("gender", "birth_date"):
                return (info.gender if code == "gender" else info.birth_date.isoformat()), ident
            other = read("term_end" if code == "term_start" else "term_start")
            day = iso_day(other.value) if other is not None else None
            if day is None:
                return None
            if code == "term_end":
                return term_end(info.birth_date, day), other
            start = term_start(info.birth_date, day)
            return (start.isoformat(), other) if start is not None else None

        for code, name in by_code.items():
            if read(code) is None and (found := derived(code)) is not None:
                value, source = found
                out[name] = ExtractedField(value=value, confidence=min(FROM_ID, source.confidence), page=source.page,
                                           notes=[FROM_ID_NOTES[code]])

    def _from_codes(self, out: dict[str, ExtractedField]) -> None:
        """Fields another field's number encodes (``encoded_in``): one not read is taken from the
        number, in doubt; one read that the number contradicts doubts both (either was misread)."""
        for name, fspec in self.spec.fields.items():
            encoding = fspec.encoded_in
            source = out.get(encoding.field) if encoding is not None else None
            coded = encoding.decode(source.value) if source is not None and isinstance(source.value, str) else None
            if coded is None:
                continue
            label = self.spec.fields[encoding.field].labels[0]
            read = out.get(name)
            if read is None or read.value is None:
                out[name] = ExtractedField(value=coded, confidence=min(ENCODED, source.confidence), page=source.page,
                                           bbox=source.bbox, notes=[f"未识别到印刷值，按{label}推得"])
            elif read.value != coded:
                notes = (f"与{label}所示的“{coded}”不一致", f"所示的“{coded}”与{fspec.labels[0]}“{read.value}”不一致")
                for field, note in zip((read, source), notes):
                    field.confidence = min(field.confidence, AT_ODDS)
                    field.notes.append(note)

    def _places_by_id_area(self, out: dict[str, ExtractedField]) -> None:
        """Doubt the places of a card's address and office read a character off one of the ID
        number's own area (吉酋市公安局 on a card of 433101…, 吉首市), which the value alone cannot
        settle (吉首市 or 吉安市)."""
        ident = out.get("id_number")
        context = area_parents(ident.value[:6]) if ident is not None and isinstance(ident.value, str) else []
        if not context:
            return
        for name, field in out.items():
            kind = self.spec.fields[name].kind
            if not (kind and places_named(kind) and isinstance(field.value, str)) or field.suggestion is not None:
                continue
            if slips := place_slips(field.value, context):
                field.confidence *= INCOMPLETE
                field.suggestion = _repaired(field.value, slips, field.notes)

    def _by_roles(self, fspec: FieldSpec, lines: list[Line]) -> ExtractedField | None:
        """A list of parties printed without its label, one per signature block (建设单位：…,
        监理单位：…): lines that open with a role and name a whole unit, in the largest run of
        at least two such lines close under each other (a form's 施工单位：… further up is a field
        of the form, not a signature). Units other fields took count too: the contractor signs."""
        runs: list[list[tuple[Line, int]]] = []
        for line in lines:
            m = _ROLE_VALUE.match(line.compact)
            if not (m and _whole(fspec, m.group(1))):
                continue
            last = runs[-1][-1][0] if runs else None
            if last is not None and last.page == line.page and line.bbox[1] - last.bbox[3] <= ROLE_GAP * max(line.height, 1.0):
                runs[-1].append((line, m.start(1)))
            else:
                runs.append([(line, m.start(1))])
        items = max(reversed(runs), key=len, default=[])
        if len(items) < 2:
            return None
        (first, start), *rest = items
        return self._evaluate(fspec, Candidate(first, start, len(first.compact), first.compact[start:],
                                               tuple(ln for ln, _ in rest), tuple(ln.compact[a:] for ln, a in rest),
                                               factor=FALLBACK_UNIQUE, note=FALLBACK_NOTE), set(), claim=False)

    def _truncated_labels(self, lines: list[Line], hits_by_line) -> None:
        """A line that is one of this spec's labels with one character lost (a seal stamped over
        发证机关 leaves 发证机) or, for a label of four characters or more, misread (项目负重人,
        参收结论 on a fax) counts as that label, with doubt, when exactly one label fits and the
        line is not a whole word of its own (居民身份证 is a title, not 居民身份证号 cut). Labels of
        one field count as one (发证机 fits 发证机关 and 发证机构 alike)."""
        owner = {lb.replace(" ", ""): name for name, f in self.spec.fields.items() for lb in f.labels}
        labels = {lb.replace(" ", "") for lb in self.all_labels}
        for line in lines:
            # a label's English translation after it (注号编号Regis:aticn No.) is no part of the test
            text = _LATIN_TAIL.sub("", line.compact).rstrip(":：")
            if len(text) == 1 and not hits_by_line.get(line.index):
                self._spread_half(line, text, lines, labels, owner, hits_by_line)
                continue
            if not hits_by_line.get(line.index) and len(text) >= CUT_LABEL_MIN and self._colon_beside(line, lines):
                # 发证 with ：南京市… in the next box: the start of each label it opens (发证机关,
                # 发证日期), one per field; the value tells which
                opened = {owner.get(lb, lb): lb for lb in sorted(labels) if lb.startswith(text) and lb != text}
                if opened:
                    hits_by_line[line.index] = [TruncatedHit(line, lb, 0, len(line.compact)) for lb in opened.values()]
                    continue
            if hits_by_line.get(line.index) or len(text) < 3 or text in self.vocabulary:
                continue  # a word we know in full (居民身份证, a card's name) is no label cut short
            fits = sorted(lb for lb in labels if (len(lb) == len(text) + 1
                                                  and any(lb[:i] + lb[i + 1:] == text for i in range(len(lb))))
                          or (len(lb) == len(text) >= MISREAD_LABEL_MIN and sum(a != b for a, b in zip(lb, text)) == 1))
            if fits and len({owner.get(lb, lb) for lb in fits}) == 1:
                hits_by_line[line.index] = [TruncatedHit(line, fits[0], 0, len(line.compact))]

    @staticmethod
    def _colon_beside(line: Line, lines: list[Line]) -> bool:
        """Whether the next box on ``line``'s row opens with a colon: ``line`` is a label whose
        value the engine boxed apart with its colon (发证 | ：南京市…)."""
        beside = right_of(line, line.bbox[2], lines)
        return bool(beside) and beside[0].compact[:1] in (":", "：")

    @staticmethod
    def _spread_half(line: Line, text: str, lines: list[Line], labels: set[str], owner: dict[str, str],
                     hits_by_line) -> None:
        """A lone character that is the second half of a two-character label spread over its
        cell (名　称 read as 称 alone, its first character lost to the scan), with the value's box
        close right of it on its row: counts as that label, with doubt, when only one label of
        the spec ends in it. A character that opens a label proves nothing: a value may too."""
        fits = {lb for lb in labels if len(lb) == 2 and lb[1] == text}
        if len({owner.get(lb, lb) for lb in fits}) != 1:
            return
        h = max(line.height, 1.0)
        beside = right_of(line, line.bbox[2], lines)
        if beside and beside[0].bbox[0] - line.bbox[2] <= SPREAD_VALUE_GAP * h and len(beside[0].compact) > 1:
            hits_by_line[line.index] = [TruncatedHit(line, min(fits), 0, len(line.compact))]

    @staticmethod
    def _label_seen(fspec: FieldSpec, hits_by_line) -> bool:
        wanted = {lb.replace(" ", "") for lb in fspec.labels}
        return any(h.label in wanted and not h.fragment for hits in hits_by_line.values() for h in hits)

    # -- candidates --------------------------------------------------------------------------

    def _by_label(self, fspec: FieldSpec, lines, hits_by_line, claimed) -> ExtractedField | None:
        """The value beside the first printed occurrence of one of the field's labels that gives
        one. Other occurrences are read too: a name, authority or ID number printed twice with
        different values beside it is doubtful, whichever is taken."""
        wanted = {lb.replace(" ", "") for lb in fspec.labels}
        hits = [h for line in lines for h in hits_by_line[line.index] if h.label in wanted and not h.fragment]
        # the more specific wording is read first, then reading order: with 职业（工种） printed, 职业
        # in a seal's 职业技能 comes after it (and 职业技能等级 inside an office's name before 等级,
        # which still gives the value when that gives none)
        printed = {h.label for h in hits}
        hits.sort(key=lambda h: sum(h.label != other and h.label in other for other in printed))
        unparsed: ExtractedField | None = None
        chosen: Candidate | None = None
        others: list = []
        whole_others: list[tuple[Candidate, object]] = []
        for hit in hits:
            line_hits = hits_by_line[hit.line.index]
            # of one label's candidates the first is its value, or the first whole one: a text
            # layer that joined a label to the running text of the cell before (…施工专业作业。 住 所)
            # offers that text's next line before the address beside the label
            picked: tuple[Candidate, object] | None = None
            for cand in self._candidates(fspec, hit, line_hits, lines, hits_by_line):
                result = self._evaluate(fspec, cand, claimed, claim=False)
                if result is not None and result.value is not None:
                    whole = not fspec.kind or _whole(fspec, result.value)
                    if picked is None or whole:
                        picked = (cand, result.value)
                    if whole:
                        break
                elif result is not None and unparsed is None:
                    unparsed = result
            if picked is not None:
                if chosen is None:
                    chosen = picked[0]
                elif fspec.kind or fspec.normaliser == "id_number":
                    others.append(picked[1])
                    whole_others.append(picked)
            if chosen is not None and not (fspec.kind or fspec.normaliser == "id_number"):
                break
        if chosen is None:
            return unparsed
        first = self._evaluate(fspec, chosen, claimed, claim=False)
        if fspec.kind and not _whole(fspec, first.value):
            # a title that opens with a label (参保单位职工社会保险缴费明细) gives no whole name;
            # a later occurrence that does is the value
            chosen = next((cand for cand, value in whole_others if _whole(fspec, value)), chosen)
        result = self._evaluate(fspec, chosen, claimed)
        differing = [v for v in others if v != result.value and _whole(fspec, v)]
        if differing and _whole(fspec, result.value):
            shown = "、".join(dict.fromkeys(v if isinstance(v, str) else "、".join(v) for v in differing))
            result.confidence = min(result.confidence, AMBIGUOUS)
            result.notes.append(AMBIGUOUS_NOTE.format(others=shown))
        return result

    def _candidates(self, fspec, hit: LabelHit, line_hits, lines, hits_by_line):
        line = hit.line
        factor, note = (TRUNCATED_LABEL, TRUNCATED_NOTE) if isinstance(hit, TruncatedHit) else (1.0, None)
        text = line.compact
        if (_bracketed(text, hit.start) and text[hit.end:hit.end + 1] not in (":", "：")
                and not (text[hit.start - 1] in "（(" and text[hit.end:hit.end + 1] in (")", "）"))):
            return  # a label named in a remark (（以下简称“乙方”）) introduces no value; （有效期：…） does
        if 0 < hit.start and text[hit.start - 1] in "（(" and text[hit.end:hit.end + 1] in (")", "）"):
            # a role in brackets after a name (西安龙湾实验学校（招标人）于…) names the text before it
            a, b = strip_separators(text, max((text.rfind(d, 0, hit.start - 1) for d in _CLAUSE_ENDS), default=-1) + 1,
                                    hit.start - 1)
            if a < b:
                yield Candidate(line, a, b, text[a:b], factor=factor, note=note)
            return
        start = _skip_remark(line.compact, hit.end)
        unit = "万元" if "万" in line.compact[hit.end:start] else ""
        nxt = self._value_end(fspec, line, start, line_hits)
        a, b = strip_separators(line.compact, start, nxt)
        ends_line = nxt == len(line.compact)
        if a < b and _SIGN_HERE.match(line.compact[a:b]):
            a = b  # 参加验收单位签章： asks for seals; its items follow in a table
        # right/below only make sense for a label that ends its line: a label followed by another
        # label on the same line (乙方（劳动者）姓名：…) has its value, if any, between them
        alone = a >= b and ends_line
        if fspec.item_labels and alone:
            table = self._role_table(line, lines, factor, note)
            if table is not None:
                yield table
        if alone:
            wrapped = self._paragraph_value(fspec, hit, lines, hits_by_line, factor, note)
            if wrapped is not None:
                yield wrapped
        for where in fspec.where:
            if where == "after" and a < b:
                yield self._value(fspec, line, a, b, ends_line, lines, hits_by_line, factor, note, unit=unit)
            elif where == "right" and alone and not self._labels_above.get(line.page, False):
                x = line.sub_bbox(hit.start, hit.end)[2]
                for other in self._beside(line, x, lines, _wrapped_bottom(hit, lines, hits_by_line)):
                    if (other.bbox[0] - x > RIGHT_FAR * max(line.height, 1.0) and self._value_under(hit, lines, hits_by_line)
                            and not self._value_column(other, lines, hits_by_line)):
                        break
                    if _seal_text(other, line):
                        continue  # curved seal text stamped across the row
                    if self._under_label(other, lines, hits_by_line):
                        continue  # the value of the label right above it (a column of labels over values)
                    shared = self._on_other_labels_row(other, line, lines, hits_by_line)
                    cand = self._leading_value(fspec, other, hits_by_line, lines, factor * (ROW_SHARED if shared else 1.0),
                                               ROW_SHARED_NOTE if shared else note, unit=unit)
                    if cand is not None:
                        yield cand
                        break
            elif where == "below" and alone:
                x0, x1 = hit.x_span()
                # a list under its label may start lower, its items spaced like the other column's rows
                reach = LIST_BELOW if fspec.normaliser in LIST_NORMALISERS and fspec.multi_line else 3.0
                for other in below(line, x0, x1, lines, reach):
                    if self._labelled_row(other, lines, hits_by_line, answered_below=True):
                        continue  # the value of the label left of it on its own row
                    cand = self._leading_value(fspec, other, hits_by_line, lines, factor, note,
                                               gap=other.bbox[1] - line.bbox[3], unit=unit)
                    if cand is not None:
                        yield cand
                    break

    def _value_end(self, fspec: FieldSpec, line: Line, start: int, line_hits: list[LabelHit]) -> int:
        """Where a value that starts at ``start`` on ``line`` ends: at the next label. A name may
        hold a label's word (南京市建筑业协会职称评审办公室 holds 职称): for a field of a kind, a
        label run into the text (no colon after it, no space or separator before it) ends the
        value only if what follows it is a value that label's field could take (性别 by 男, a
        gender) and not the end of a name of the value's kind (职称 before 评审办公室, 职业 before
        技能等级认定中心: an office's name goes on)."""
        text = line.compact
        ends = sorted((h for h in line_hits if h.start >= start), key=lambda h: h.start)
        if fspec.kind is None:
            return ends[0].start if ends else len(text)
        for n, hit in enumerate(ends):
            if hit.start == start or self._set_apart(line, hit) or hit.label not in self.label_fields:
                return hit.start  # other labels (经营范围) name no field to ask: they end it
            following = ends[n + 1].start if n + 1 < len(ends) else len(text)
            a, b = strip_separators(text, _skip_remark(text, hit.end), following)
            fields = self.label_fields[hit.label]
            if _reads_whole(fspec, text[a:b]) and all(f.kind != fspec.kind for f in fields):
                continue  # what follows is the end of a name of our kind (…协会 职业 技能等级认定中心)
            if a < b and any(_takes(other, text[a:b]) for other in fields):
                return hit.start
        return self._before_cut_label(fspec, text, start)

    def _before_cut_label(self, fspec: FieldSpec, text: str, start: int) -> int:
        """Where a value of a kind that runs to its line's end ends: before the first characters
        of another field's label the line ends in (发证日 of 发证日期, the rest of the row lost off
        a photo's edge), when the value is whole without them and not with them."""
        def whole(end: int) -> bool:
            a, b = strip_separators(text, start, end)
            return _reads_whole(fspec, text[a:b])

        cuts = {len(text) - k for label, fields in self.label_fields.items() if fspec not in fields
                for k in range(CUT_LABEL_MIN, len(label)) if text.endswith(label[:k])}
        cuts = sorted(c for c in cuts if c > start)
        if cuts and not whole(len(text)):
            return next((cut for cut in cuts if whole(cut)), len(text))
        return len(text)

    @staticmethod
    def _set_apart(line: Line, hit: LabelHit) -> bool:
        """Whether a label stands apart from the text before it: a space or a separator before
        it, or a colon after it."""
        text = line.compact
        if text[hit.end:hit.end + 1] in (":", "：") or text[hit.start - 1] in SEPARATORS:
            return True
        original = line._map[hit.start]
        return original > 0 and line.source.text[original - 1].isspace()

    def _paragraph_value(self, fspec: FieldSpec, hit: LabelHit, lines: list[Line], hits_by_line,
                         factor: float, note: str | None) -> Candidate | None:
        """The value of a label that ends a line of running text: it goes on at the start of the
        paragraph's next line (…居民身份证号 / 码430104…), where the label's own last characters may
        also have wrapped (码 completes 身份证号码)."""
        line = hit.line
        h = max(line.height, 1.0)
        under = [o for o in lines if o.page == line.page and o.cy > line.bbox[3] and o.bbox[1] - line.bbox[3] <= 1.5 * h
                 and o.bbox[0] < line.bbox[0] + 2 * h and line.bbox[2] - line.bbox[0] > PARAGRAPH_WIDTH * h]
        if not under:
            return None
        nxt = min(under, key=lambda o: o.bbox[1])
        start = 0
        labels = {lb.replace(" ", "") for lb in fspec.labels}
        for size in range(1, 4):  # the label's tail wrapped with its value
            if hit.label + nxt.compact[:size] in labels:
                start = size
        hits = [h2 for h2 in hits_by_line.get(nxt.index, []) if h2.start >= start]
        end = min((h2.start for h2 in hits), default=len(nxt.compact))
        a, b = strip_separators(nxt.compact, _skip_remark(nxt.compact, start), end)
        if a >= b:
            return None
        return Candidate(nxt, a, b, nxt.compact[a:b], factor=factor, note=note)

    def _role_table(self, line: Line, lines: list[Line], factor: float, note: str | None) -> Candidate | None:
        """The items of a list printed under its label as a table of roles: a row per item, the
        role's cell (建设单位, 监理单位 …) then the item's (the unit's name), then seals and dates; or
        signature blocks in columns, the unit's name under its role (建设单位（公章）： / 南京紫荆…).
        A header row (单位类别 | 单位名称 | 签章) may come first; a role with no unit (项目负责人：) is
        no item."""
        roles = [o for o in lines if o.page == line.page and o.bbox[1] > line.bbox[3] - 1 and _ROLE.match(o.compact)]
        # the table starts under its label and its rows follow each other closely
        items: list[Line] = []
        unread: list[str] = []  # parties whose unit nothing was read for (a seal over it)
        last = line
        for row in in_rows(roles):
            # the first row's distance is the label's to measure: a heading set larger stands further off
            h = max(row[0].height, 1.0 if items else line.height, 1.0)
            if row[0].bbox[1] - last.bbox[3] > (ROLE_GAP if items else LIST_BELOW) * h:
                break
            found = []
            for box in row:
                item = self._role_item(box, lines) if not _PERSON_ROLE.search(box.compact) else None
                if item is not None and all(item is not taken for taken in items + found):
                    found.append(item)
                elif party := _PARTY.match(box.compact):
                    unread.append(party.group(0))  # nothing read for it, or only another role's unit
            items += found
            last = max([*row, *found], key=lambda o: o.bbox[3])
        if len(items) < 2:
            return None
        if unread:  # the list is short of a party it names: no certain value
            factor, note = min(factor, INCOMPLETE), UNREAD_PARTY_NOTE.format(roles="、".join(unread))
        orphans = self._roleless_units(line, items, lines)
        if orphans:
            # a block whose role a seal hid still signs: its unit takes its place in reading order
            items = [box for row in in_rows([*items, *orphans]) for box in row]
            factor, note = min(factor, INCOMPLETE), note or ROLELESS_NOTE.format(units="、".join(o.compact for o in orphans))
        first, *rest = items
        return Candidate(first, 0, len(first.compact), first.compact, tuple(rest), tuple(o.compact for o in rest),
                         factor=factor, note=note)

    @staticmethod
    def _roleless_units(label: Line, items: list[Line], lines: list[Line]) -> list[Line]:
        """Lines of the signature blocks that name a whole unit alone but are no role's item: the
        block's role went unread (施工单位（公章）： under a seal), its unit under it did not.
        Only between the list's label and its last item, in the items' columns."""
        bottom = max(o.bbox[3] for o in items)
        columns = {round(o.bbox[0]) for o in items}
        return [o for o in lines if o.page == label.page and label.bbox[3] <= o.bbox[1] and o.bbox[3] <= bottom
                and all(o is not item for item in items) and is_whole("company", o.compact)
                and not _ROLE.match(o.compact) and not _ROLE_VALUE.match(o.compact)
                and any(abs(o.bbox[0] - x) <= ALIGN * max(o.height, 1.0) for x in columns)]

    @staticmethod
    def _role_item(role: Line, lines: list[Line]) -> Line | None:
        """The unit a role's cell names: the cell beside it, else the line right under it."""
        # a seal stamped beside the role (…公章) leaves a character of its ring on the row
        # a signature's strokes beside 项目负责人： (read -7--) name no unit: a unit's name holds ideographs
        beside = [o for o in right_of(role, role.bbox[2], lines)
                  if not _NOT_AN_ITEM.match(o.compact) and not _ROLE.match(o.compact) and not _seal_text(o, role)
                  and holds_ideograph(o.compact)]
        if beside:
            # of the nearest column, the box sharing most of the role's height: in a photographed
            # table each unit sits a little lower than its role, within reach of the role above
            slack = max(4.0, 0.6 * role.height)
            column = [o for o in beside if o.bbox[0] - beside[0].bbox[0] <= slack]
            return max(column, key=lambda o: shared_height(o.bbox, role.bbox))
        h = max(role.height, 1.0)
        under = [o for o in lines if o.page == role.page and o.cy > role.bbox[3] and o.bbox[1] - role.bbox[3] <= ROLE_ITEM_GAP * h
                 and abs(o.bbox[0] - role.bbox[0]) <= ALIGN * h]
        first = min(under, key=lambda o: o.bbox[1], default=None)
        if (first is None or _NOT_AN_ITEM.match(first.compact) or _ROLE.match(first.compact)
                or not holds_ideograph(first.compact)):
            return None
        return first

    @staticmethod
    def _beside(label: Line, x: float, lines: list[Line], bottom: float | None = None) -> list[Line]:
        """The boxes right of a label from ``x``, nearest first: those on its row, and before
        them the nearest box that starts over the row and reaches down into it, as a value of two
        lines centred on its label begins (有效期 beside 2025年1月28日至2030年1月 / 27日; 类型 beside
        有限责任公司（非自然人投资或控股 / 的法人独资）, the next cell's 注册资本 on the row itself).
        A label wrapped in its cell down to ``bottom`` has the rows of all its lines: its value
        is centred on the block (统一社会信用代 / 码 with 9151… between them)."""
        h = max(label.height, 1.0)
        slack = max(4.0, 0.6 * h)
        row = right_of(label, x, lines)
        if bottom is not None:
            row += sorted((o for o in lines if o.page == label.page and o is not label and o not in row
                           and o.bbox[0] >= x - slack and label.bbox[1] <= o.cy <= bottom), key=lambda o: o.bbox[0])
        over = [o for o in lines if o.page == label.page and o.bbox[0] >= x - slack
                and o.bbox[0] - x <= RIGHT_FAR * h and o.bbox[1] < label.bbox[1] < o.bbox[3] <= label.bbox[3]]
        first = min(over, key=lambda o: o.bbox[0], default=None)
        if first is None or (row and row[0].bbox[0] <= first.bbox[0] + slack):
            return row
        return [first, *(o for o in row if o is not first)]

    @staticmethod
    def _on_other_labels_row(box: Line, label: Line, lines: list[Line], hits_by_line) -> bool:
        """Whether ``box``, right of ``label``, lies on the row of another label of the same
        column too: a photographed table whose value column sits half a row off its labels puts
        each value between two labels' rows, and nearness no longer tells whose it is."""
        return any(o is not label and o.page == label.page and hits_by_line.get(o.index)
                   and not any(h.fragment for h in hits_by_line[o.index])
                   and min(o.bbox[2], label.bbox[2]) > max(o.bbox[0], label.bbox[0]) and same_row(o, box)
                   for o in lines)

    @staticmethod
    def _value_under(hit: LabelHit, lines: list[Line], hits_by_line) -> bool:
        """Whether a value stands right under ``hit``'s label (注册地址 / 湖南省…): a box aligned
        with it, no label, nothing beside it (a box with a box beside it is the next row of a
        table: 建筑面积 | 26,850.00平方米), unless it reaches up into the label's box (a caption
        over its value, whatever stands far off beside the value). Such a label's value is not a
        box far off on its row (a QR code's caption 扫码验证 across the page)."""
        x0, x1 = hit.x_span()
        h = max(hit.line.height, 1.0)
        return any(abs(o.bbox[0] - x0) <= ALIGN * h and not hits_by_line.get(o.index)
                   and (o.bbox[1] < hit.line.bbox[3] or not right_of(o, o.bbox[2], lines))
                   for o in below(hit.line, x0, x1, lines, 0.8))

    @staticmethod
    def _value_column(box: Line, lines: list[Line], hits_by_line) -> bool:
        """Whether ``box`` starts where the values of other labelled rows start: the value column
        of a two-column table (招标人 | …, 中标人 | …, 项目经理 | 祁昇), however far from its label."""
        h = max(box.height, 1.0)
        rows = [o for o in lines if o.page == box.page and o is not box and abs(o.bbox[0] - box.bbox[0]) <= 0.5 * h
                and any(ln is not o and same_row(o, ln) and ln.bbox[2] <= o.bbox[0]
                        and any(hit.start == 0 for hit in hits_by_line.get(ln.index, [])) for ln in lines)]
        return len(rows) >= VALUE_COLUMN_ROWS

    def _under_label(self, box: Line, lines: list[Line], hits_by_line) -> bool:
        """Whether a lone label stands right above ``box`` (left edges aligned, at most a line's
        height between; a photo's slant may make the two boxes overlap by up to half of it) with
        no value beside it: ``box`` is that label's value."""
        h = max(box.height, 1.0)
        above = [o for o in lines if o.page == box.page and o is not box and o.cy < box.cy
                 and -UNDER_OVERLAP * h <= box.bbox[1] - o.bbox[3] <= 1.0 * h and abs(o.bbox[0] - box.bbox[0]) <= ALIGN * h]
        if not above:
            return False
        nearest = max(above, key=lambda o: o.bbox[3])
        hits = hits_by_line.get(nearest.index, [])
        lone = bool(hits) and hits[0].start == 0 and not nearest.compact[_labels_end(nearest.compact, hits):].strip(":：")
        # a label with its value beside it (公民身份号码 | 5101…) is a pair of a table row: the box
        # under it belongs to the next row
        beside = [o for o in right_of(nearest, nearest.bbox[2], lines) if not hits_by_line.get(o.index)]
        return lone and not beside

    def _labelled_row(self, line: Line, lines: list[Line], hits_by_line, value: Line | None = None,
                      answered_below: bool = False) -> bool:
        """True when the nearest text left of ``line`` on its row is a label waiting for its value:
        ``line`` is then that label's value (成立日期 | 2012年05月18日), not the one under another
        label. A label with its value beside it (法人代表 尹明哲) is another column's pair, and a
        label on the row of ``value`` (the first line of the value ``line`` would continue) is the
        one label that value answers, centred on its two lines."""
        left = _left_on_row(line, lines)
        if not left:
            return False
        nearest = max(left, key=lambda o: o.bbox[2])
        if value is not None and same_row(nearest, value):
            # the value's own label, unless the value has another on its row: a photo's slant
            # made the box of 单位地址's value tall enough to reach 经济类型 on the next row
            own = max(_left_on_row(value, lines), key=lambda o: shared_height(o.bbox, value.bbox), default=None)
            if own is None or own is nearest:
                return False
        hits = hits_by_line.get(nearest.index, [])
        rest = nearest.compact[_labels_end(nearest.compact, hits):] if hits else nearest.compact
        # (经营范围 许可项目：建设工程施工… has its value: a sub-heading opens it, nothing waits, and
        # so does 许可项目：… read as a box of its own beside its label)
        unknown = _UNKNOWN_LABEL.match(rest)
        waiting = (bool(hits) and not rest.strip(":：")) or bool(unknown and not rest[unknown.end():].strip())
        if not (waiting and answered_below):
            return waiting
        # ``answered_below``: a label with its own value right under it (单位名称 over 四川嵩岳…,
        # a column of labels over values set a little higher; the boxes may overlap a little)
        # waits for nothing on its row
        h = max(nearest.height, 1.0)
        return not any(o.page == nearest.page and o.cy > nearest.cy and -0.5 * h <= o.bbox[1] - nearest.bbox[3] <= h
                       and abs(o.bbox[0] - nearest.bbox[0]) <= ALIGN * h and not hits_by_line.get(o.index)
                       and not _UNKNOWN_LABEL.match(o.compact) for o in lines)

    def _leading_value(self, fspec: FieldSpec, line: Line, hits_by_line, lines: list[Line],
                       factor: float = 1.0, note: str | None = None, gap: float | None = None,
                       unit: str = "") -> Candidate | None:
        """The text of ``line`` before its first label, if the line does not start with a label
        (one of ours, or an unknown ``标签：`` we have no spec for). A list printed one item per
        line with each item's role (建设单位：…) gives the text after the role."""
        hits = hits_by_line.get(line.index, [])
        if any(h.fragment for h in hits):
            return None  # a piece of a letter-spaced label
        start = 0
        if fspec.item_labels:
            start = _item_role(line.compact, hits)
            hits = [h for h in hits if h.start >= start]
        # the field's own label again inside the value (三、验收结论 / 工程质量符合…，验收结论：合格。)
        # restates it: the value goes on through it
        own = {lb.replace(" ", "") for lb in fspec.labels}
        end = min((h.start for h in hits if h.label not in own or h.start == 0), default=len(line.compact))
        ends_line = end == len(line.compact)
        start, end = strip_separators(line.compact, start, end)
        if start >= end or _UNKNOWN_LABEL.match(line.compact[start:end]):
            return None
        return self._value(fspec, line, start, end, ends_line, lines, hits_by_line, factor, note, gap, unit)

    def _value(self, fspec: FieldSpec, line: Line, start: int, end: int, ends_line: bool, lines: list[Line],
               hits_by_line, factor: float, note: str | None, gap: float | None = None,
               unit: str = "") -> Candidate:
        """The value that starts at ``line.compact[start:end]``: with the boxes that carry it on
        along its row when it runs to the line's end, and the lines it wraps onto (every line of a
        ``multi_line`` field; for a name that is not yet whole, lines until it is)."""
        run = self._row_run(line, lines, hits_by_line) if ends_line else []
        cand = Candidate(line, start, end, line.compact[start:end], tuple(ln for ln, _ in run),
                         tuple(t for _, t in run), factor=factor, note=note, unit=unit)

        def whole(more: tuple[str, ...]) -> bool:
            trial = Candidate(line, start, end, cand.text, (*cand.extra, *([line] * len(more))),
                              (*cand.extra_text, *more))
            result = self._evaluate(fspec, trial, set(), claim=False)
            return (result is not None and result.value is not None and _whole(fspec, result.value)
                    and not any(note in END_LOST for note in result.notes))

        x0 = line.sub_bbox(start, end)[0]
        # where the label before the value ends: a table's value cell, and the lines it wraps onto,
        # start between there and the value's estimated start
        opened = line.sub_bbox(0, start)[2] if start > 0 else None
        if not fspec.multi_line and whole(()):
            if fspec.kind in WRAPPING_KINDS:
                # a whole name may still wrap: 西安市建筑业协会 / 职业技能等级认定中心; the line right
                # under it continues it when it carries no figure, nothing stands left of it on its
                # row (the next row of a table), and the two make a whole name too
                more = self._continuation(fspec, line, x0, lines, hits_by_line, gap, lambda texts: True)
                if (more[0] and not re.search(r"\d", more[1][0]) and whole(more[1][:1])
                        and not any(same_row(more[0][0], o) and o.bbox[2] <= more[0][0].bbox[0] for o in lines)):
                    return Candidate(line, start, end, cand.text, (*cand.extra, more[0][0]),
                                     (*cand.extra_text, more[1][0]), factor=factor, note=note, unit=unit)
            return cand
        below_lines, below_texts = self._continuation(fspec, line, x0, lines, hits_by_line, gap,
                                                      None if fspec.multi_line else whole, opened)
        if fspec.multi_line and fspec.kind and below_texts and not whole(below_texts):
            kept = next((k for k in range(len(below_texts) - 1, -1, -1) if whole(below_texts[:k])), None)
            if kept is not None:
                below_lines, below_texts = below_lines[:kept], below_texts[:kept]
                factor, note = min(factor, TAIL_LEFT), note or TAIL_LEFT_NOTE
        above = self._lines_above(line, x0, lines, hits_by_line, len(below_lines)) \
            if fspec.multi_line and gap is None else []
        if above:
            # a label centred on its block (资质类别及等级 beside the second of three items): the
            # lines over the label's row open the value
            first, *rest = above
            return Candidate(first, 0, len(first.compact), first.compact,
                             (*rest, line, *cand.extra, *below_lines),
                             (*(o.compact for o in rest), cand.text, *cand.extra_text, *below_texts),
                             factor=factor, note=note, unit=unit)
        return Candidate(line, start, end, cand.text, (*cand.extra, *below_lines), (*cand.extra_text, *below_texts),
                         factor=factor, note=note, unit=unit)

    def _lines_above(self, line: Line, value_x0: float, lines: list[Line], hits_by_line, most: int) -> list[Line]:
        """Up to ``most`` lines right over a value on its label's row, top first: each close over
        the next, starting at the value's left edge, with no label in it or left of it on its row
        (a box with a box left of it is another row's value). As many as continue the value
        under its label at most, so the label stays in the block's middle."""
        out: list[Line] = []
        last = line
        while len(out) < most:
            h = max(last.height, 1.0)
            over = [o for o in lines if o.page == line.page and o is not last and o.cy < last.bbox[1]
                    and last.bbox[1] - o.bbox[3] <= WRAP_GAP * h and abs(o.bbox[0] - value_x0) <= ALIGN * h
                    and not hits_by_line.get(o.index) and not _UNKNOWN_LABEL.match(o.compact)
                    and not any(same_row(o, b) and b.bbox[0] < o.bbox[0] - 2.0 for b in lines if b is not o)]
            if not over:
                break
            last = max(over, key=lambda o: o.bbox[3])
            out.insert(0, last)
        return out

    def _row_run(self, first: Line, lines: list[Line], hits_by_line) -> list[tuple[Line, str]]:
        """The boxes that carry a value on to the right of ``first`` on its row, each with the
        text that belongs to the value: a spaced date read as 1977年 | 8月 | 13日, a name
        letter-spaced across its cell. Stops at a gap wider than ``RUN_GAP`` line heights (the
        next column), at seal text, and at a label (the part before it still belongs)."""
        out: list[tuple[Line, str]] = []
        last = first
        while True:
            reach = RUN_GAP * max(last.height, 1.0)
            level = RUN_LEVEL * max(last.height, 1.0)
            nxt = [o for o in right_of(last, last.bbox[2], lines)
                   if o is not first and all(o is not ln for ln, _ in out) and o.bbox[0] - last.bbox[2] <= reach
                   and o.bbox[2] > last.bbox[2] and abs(o.cy - last.cy) <= level]
            if not nxt:
                return out
            box = nxt[0]
            if _seal_text(box, first) or _UNKNOWN_LABEL.match(box.compact):
                return out
            hits = hits_by_line.get(box.index, [])
            if any(h.fragment for h in hits):
                return out
            cut = min((h.start for h in hits), default=len(box.compact))
            a, b = strip_separators(box.compact, _read_twice(last, box, out[-1][1] if out else last.compact), cut)
            if a < b:
                out.append((box, box.compact[a:b]))
            if cut < len(box.compact) or a >= b:
                return out
            last = box

    def _continuation(self, fspec: FieldSpec, line: Line, value_x0: float, lines: list[Line], hits_by_line,
                      first_gap: float | None = None, until: Callable[[tuple[str, ...]], bool] | None = None,
                      label_end: float | None = None) -> tuple[tuple[Line, ...], tuple[str, ...]]:
        """Lines under ``line``'s value that carry no label: a wrapped value, or the further items
        of a list printed one per line. Found by geometry, not reading order, so a second column
        printed beside the value (a licence's two columns) does not interrupt it.

        Every such line is taken, or, with ``until``, lines until ``until(texts so far)`` holds
        (a name read on until it is whole).
        A wrapped line starts close under the previous one; list items may be spaced like the
        rows of a table, as far apart as the first item is from its label (``first_gap``). Either
        starts at about the value's left edge (or the line's, when a label opens the line), or
        between the end of the label before the value (``label_end``) and the value's edge: that
        edge is an estimate when label and value came as one line (a text layer's table row)."""
        listed = fspec.normaliser in LIST_NORMALISERS
        out: list[Line] = []
        texts: list[str] = []
        last = line
        while True:
            h = max(last.height, 1.0)
            max_gap = WRAP_GAP * h
            if listed and first_gap is not None:
                max_gap = max(max_gap, first_gap + 0.5 * h)
            below_last = [
                o for o in lines
                if o.page == line.page and o is not last and o not in out and o.cy > last.bbox[3]
                and ((o.bbox[1] - last.bbox[3] <= max_gap
                      and (min(abs(o.bbox[0] - value_x0), abs(o.bbox[0] - line.bbox[0])) <= ALIGN * h
                           or (label_end is not None and label_end <= o.bbox[0] <= value_x0)))
                     or self._goes_on(line, last, o))
            ]
            if not below_last:
                break
            nxt = min(below_last, key=lambda o: o.bbox[1])
            # a label inside an item's bracketed remark (建筑工程（有效期：…）) does not end the list
            hits = [h for h in hits_by_line.get(nxt.index, []) if not _bracketed(nxt.compact, h.start)]
            start = _item_role(nxt.compact, hits) if fspec.item_labels else 0
            if start == 0 and (hits or _UNKNOWN_LABEL.match(nxt.compact)):
                break
            if any(h.start >= start for h in hits) or self._labelled_row(nxt, lines, hits_by_line, line):
                break
            out.append(nxt)
            texts.append(nxt.compact[start:].lstrip(_NO_LINE_START))
            last = nxt
            if until is not None and until(tuple(texts)):
                break
        return tuple(out), tuple(texts)

    def _goes_on(self, first: Line, last: Line, nxt: Line) -> bool:
        """Whether ``nxt`` carries on the paragraph ``first`` opened, under its line ``last``: at
        the paragraph's edge and its own leading, under a line that runs to the margin, or left of
        an indented first line (…（人民币 / 13,856,014.89元）: a figure too long for the rest of
        the line wraps whole)."""
        h = max(last.height, 1.0)
        frame = self._frames[first.page]
        dx = nxt.bbox[0] - first.bbox[0]
        if not (-2 * ALIGN * h <= dx <= ALIGN * h and nxt.bbox[1] - last.bbox[3] <= paragraph_gap(last, frame) * h):
            return False
        return wrap_gap(last, frame) > WRAP_GAP or dx <= -INDENT * h

    def _across_wrap(self, regex: re.Pattern[str], line: Line, lines: list[Line]) -> list[Candidate]:
        """Matches of ``regex`` that run from ``line`` onto the next line of its paragraph (the line
        right under it, starting at about its left edge): running text wraps anywhere, 河西新城
        安置房项目12#、20#楼及 / 地下车库工程施工招标."""
        h = max(line.height, 1.0)
        gap = wrap_gap(line, self._frames[line.page])
        # the next line starts at the paragraph's edge: under the first, or left of it when the
        # first is indented; one starting further right is another column's box (姓名 | 男)
        under = [o for o in lines if o.page == line.page and o.cy > line.bbox[3] and o.bbox[1] - line.bbox[3] <= gap * h
                 and -2 * ALIGN * h <= o.bbox[0] - line.bbox[0] <= ALIGN * h]
        if not under:
            return []
        nxt = min(under, key=lambda o: o.bbox[1])
        if line.bbox[2] < nxt.bbox[2] - h:
            # a line that stops short of the next one's end did not wrap: it ended (a label a fax
            # garbled, 合业名标, over the name under it)
            return []
        joined, cut = line.compact + nxt.compact, len(line.compact)
        out = []
        for m in regex.finditer(joined):
            if not m.start() < cut < m.end():
                continue  # the match lies on one of the lines: each line's own reading finds it
            group = next((g for g in regex.groupindex if m.group(g) is not None), 0)
            a, b = m.span(group)
            if b <= cut:  # the value ends on this line, the words that frame it wrapped (施工招 / 标)
                out.append(Candidate(line, a, b, joined[a:b]))
            elif a < cut:
                out.append(Candidate(line, a, cut, joined[a:cut], (nxt,), (joined[cut:b],)))
        return out

    def _by_pattern(self, fspec: FieldSpec, lines, hits_by_line, claimed, label_seen: bool) -> ExtractedField | None:
        """The first or last unclaimed text of the field's form, when no label gave a value. Doubt
        grows with the choice: the only such text, one of several, or one found while the field's
        own label is printed with nothing readable beside it (the value read is then some other
        text of the same form)."""
        matches = []
        regex = fspec.fallback_regex
        for line in lines:
            wrapped = self._across_wrap(regex, line, lines)
            for m in regex.finditer(line.compact):
                if any(h.start < m.end() and m.start() < h.end for h in hits_by_line[line.index]):
                    continue  # a label is not a value
                # the first named group that took part is the value (组织的(?P<v>…工程)施工招标)
                group = next((g for g in regex.groupindex if m.group(g) is not None), 0)
                own = Candidate(line, m.start(group), m.end(group), m.group(group))
                if fspec.multi_line and m.end(group) == len(line.compact):
                    # a block found by its form goes on like one found by its label: every line
                    # it wraps onto (a card's address over three lines), none from above it
                    own = self._value(fspec, line, own.start, own.end, True, lines, hits_by_line, 1.0, None, gap=0.0)
                    wrapped = [w for w in wrapped if w.start != own.start]
                # a match that runs on onto the next line goes before its part on this line,
                # unless that part is a whole name already (顾思远 over 男 is no name 顾思远男)
                longer = [w for w in wrapped if w.start == own.start]
                if longer and not (fspec.kind and is_whole(fspec.kind, own.text)):
                    matches += longer
                    wrapped = [w for w in wrapped if w.start != own.start]
                matches.append(own)
            matches += wrapped
        if fspec.fallback == "last":
            matches.reverse()
        found = []
        for cand in matches:
            result = self._evaluate(fspec, cand, claimed, claim=False)
            if result is not None and result.value is not None:
                found.append((cand, result))
        if not found:
            return None
        cand, _ = found[0]
        values = {tuple(r.value) if isinstance(r.value, list) else r.value for _, r in found}
        checked = fspec.normaliser in CHECKSUMMED and found[0][1].confidence >= 1.0
        unique = FALLBACK_CHECKED if checked else FALLBACK_UNIQUE
        factor = FALLBACK_LABEL_UNREAD if label_seen else unique if len(values) == 1 else FALLBACK_CHOSEN
        return self._evaluate(fspec, Candidate(cand.line, cand.start, cand.end, cand.text, cand.extra, cand.extra_text,
                                               factor=factor, note=FALLBACK_NOTE), claimed)

    # -- normalisation -----------------------------------------------------------------------

    def _evaluate(self, fspec: FieldSpec, cand: Candidate, claimed: set[tuple],
                  claim: bool = True) -> ExtractedField | None:
        """Normalise a candidate; None when it does not match or its text is another field's.

        ``claimed`` holds (line, start, end, owner) spans already taken (``claim``: add this one).
        Fields reading one part of a range (``part``) share their span with the other part of the
        same labels. Continuation lines join the first line's text, with a list separator between
        list items.
        """
        text, start, end = cand.text, cand.start, cand.end
        if not cand.extra and text.strip(":：") in self.printed_labels:
            return None  # a label (性别 beside a name the engine did not read) is no value
        if cand.extra:
            parts = cand.extra_text or tuple(ln.compact for ln in cand.extra)
            joiner = "、" if fspec.normaliser in LIST_NORMALISERS else ""
            text = joiner.join((text, *parts))
        if cand.unit and fspec.normaliser.startswith("amount") and not re.search("[元万圆]", text):
            text += cand.unit  # a bare figure under a label that prints its unit: 合同金额（万元）
        rest, glued = "", False
        if fspec.regex is not None and cand.extra and fspec.normaliser in LIST_NORMALISERS:
            # a list printed an item a line: each item is matched on its own (建筑工程（有效期：…）)
            items = [m.group(0) for part in (cand.text, *(cand.extra_text or ())) if (m := fspec.regex.search(part))]
            if not items:
                return None
            text = "、".join(items)
        elif fspec.regex is not None:
            m = fspec.regex.search(text)
            if m is None:
                return None
            # the first named group that took part in the match is the value (alternatives)
            group = next((g for g in fspec.regex.groupindex if m.group(g) is not None), 0)
            a, b = m.span(group)
            # a number runs on into characters the pattern does not take (豫建岗 read 缘建岗 before
            # 2023639556): its own prefix misread, or more of it; the part matched may be cut
            glued = fspec.normaliser == "code" and ((a > 0 and text[a - 1].isalnum())
                                                     or (b < len(text) and text[b].isalnum()))
            whole_text = text
            rest = text[b:]
            text = m.group(group)
            if b <= len(cand.text):  # the value lies on the first line: the boxes after it are not its
                start, end = cand.start + a, cand.start + b
                cand = Candidate(cand.line, start, end, text, factor=cand.factor, note=cand.note, unit=cand.unit)
            elif a >= len(cand.text):  # wholly on the lines wrapped onto: the first line's text is another's
                if _CLAUSE_MARK.search(cand.text):
                    # …unless that text is a clause: a label opening a sentence (2.承包人应按照…，…) is
                    # its subject, and the paragraph after it no value (…向工程所在地人民法院起诉)
                    return None
                start = end = cand.start + len(cand.text)
        # the two parts of a range read one span: fields of a part that share a label (合同期限)
        owner = frozenset(fspec.labels) if fspec.part else frozenset()
        spans = [*([(cand.line.index, start, end, owner)] if start < end else []),
                 *((ln.index, 0, len(ln.compact), owner) for ln in cand.extra)]
        # a list of parties names units other fields read too (the contractor signs the acceptance)
        if not fspec.item_labels and any(c[0] == span[0] and c[1] < span[2] and span[1] < c[2] and not (owner & c[3])
                                         for c in claimed for span in spans):
            return None
        normalised = NORMALISERS[fspec.normaliser](text)
        if fspec.kind and normalised is not None and isinstance(normalised.value, str) and not holds_ideograph(normalised.value):
            return None  # a name, authority or address holds ideographs: 2022.05.27-2042.05.27 is another field's
        if claim and normalised is not None and normalised.value is not None:
            claimed.update(spans)
        bbox = cand.line.sub_bbox(start, end) if not cand.extra else cand.bbox
        if normalised is None or normalised.value is None:
            return ExtractedField(value=None, raw=text, confidence=UNPARSED_CONFIDENCE, page=cand.line.page,
                                  bbox=bbox, notes=[f"无法解析：{text}"])
        value = normalised.value
        if (fspec.part == "end" and isinstance(value, (list, tuple)) and len(value) == 1
                and (fspec.both_ends or any(n in END_LOST for n in normalised.notes))):
            # the one date is the start: the end is printed but lost (至二〇二六年六, cut by a photo's edge)
            return ExtractedField(value=None, raw=text, confidence=UNPARSED_CONFIDENCE, page=cand.line.page,
                                  bbox=bbox, notes=[END_LOST[0]])
        if fspec.part is not None and isinstance(value, (list, tuple)):
            value = value[0] if fspec.part == "start" else value[-1]
            if value is None:  # the start of a term printed but unreadable
                return ExtractedField(value=None, raw=text, confidence=UNPARSED_CONFIDENCE, page=cand.line.page,
                                      bbox=bbox, notes=list(normalised.notes))
        if isinstance(value, tuple):
            value = list(value)
        notes = list(getattr(normalised, "notes", []) or [])
        suggestion = getattr(normalised, "suggestion", None)
        if cand.note:
            notes.append(cand.note)
        factor = 1.0
        if fspec.kind is None and not _whole(fspec, value):
            factor = INCOMPLETE
            notes.append(UNCLOSED_NOTE)
        if glued:
            factor = min(factor, INCOMPLETE)
            notes.append(GLUED_NOTE.format(text=whole_text))
        if fspec.past and isinstance(value, str) and _ISO_DATE.match(value) and value > date.today().isoformat():
            factor = DOUBTFUL
            notes.append(FUTURE_NOTE)
        if cand.line.page in self._poor_pages:
            factor = min(factor, POOR_PAGE)
            notes.append(POOR_PAGE_NOTE)
        if fspec.kind is not None:
            if isinstance(value, str) and (repair := without_stray(fspec.kind, value)):
                value = repair[0]
                factor = min(factor, TOLERATED)
                notes.append(repair[1])
            leftover = _leftover(rest)
            if leftover:
                factor = CUT
                notes.append(CUT_NOTE.format(rest=leftover))
            if not _whole(fspec, value):
                factor = min(factor, INCOMPLETE)
                notes.append(INCOMPLETE_NOTES[fspec.kind])
            if isinstance(value, str) and (doubt := opening_doubt(fspec.kind, value)):
                factor = min(factor, INCOMPLETE)
                notes.append(doubt)
            if isinstance(value, str) and (slips := misread_words(fspec.kind, value)):
                factor = min(factor, INCOMPLETE)
                suggestion = _repaired(value, slips, notes)
        return ExtractedField(
            value=value,
            raw=text,
            confidence=max(0.0, min(1.0, cand.confidence * normalised.confidence * factor)),
            page=cand.line.page,
            bbox=bbox,
            suggestion=suggestion,
            notes=notes,
        )
