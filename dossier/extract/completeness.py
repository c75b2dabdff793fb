"""Whether a value is whole: the test a value that could be cut short must pass before it is
trusted.

A company name ends in its legal form or unit word, an authority in its unit word, an address in
its house number, room or village group, a person's name has 2-4 ideographs (or a middle dot). The endings are data (``specs/_kinds.yaml``). The field
engine uses the test twice: to keep reading a value that is not yet whole (the next box on its
row, the line it wraps onto), and to lower the confidence of one that stays cut.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, RootModel

from dossier.extract.places import opens_with_division, place_slips
from dossier.yamlfile import read_package_yaml

Kind = Literal["company", "authority", "person", "address"]
INCOMPLETE_NOTES = {
    "company": "名称不完整（未以组织形式或单位字样结尾），疑被截断",
    "authority": "机关名称不完整（未以机关或单位字样结尾），疑被截断",
    "person": "姓名长度异常，疑有字缺失或多出",
    "address": "地址不完整（未以门牌、房号等结尾），疑被截断",
}
_TRAILING_BRACKETS = re.compile(r"(?:（[^（）]*）)+$")
_CJK = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]")


class _Kind(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ends: list[str] = []
    words: list[str] = []
    min_chars: int = 0
    max_chars: int = 0
    lookalikes: dict[str, str] = {}  # a character read -> the rarer one it may stand for
    levels: dict[str, str] = {}  # a place word -> the unit word of an office at its level
    places: bool = False  # the value names divisions (颍州区, 成都市): one read a character off is a slip
    opens: Literal["surname", "place", "office"] | None = None  # what the value's first characters must be


class _Kinds(RootModel[dict[Kind, _Kind]]):
    pass


@lru_cache(maxsize=1)
def _kinds() -> dict[str, _Kind]:
    return read_package_yaml("dossier.extract", "specs/_kinds.yaml").validate(_Kinds).root


def holds_ideograph(value: str) -> bool:
    """Whether ``value`` holds a Chinese character: a name, an authority or an address does
    (2022.05.27-2042.05.27 beside 签发机关 is another field's value)."""
    return _CJK.search(value) is not None


def is_whole(kind: Kind, value: str) -> bool:
    """Whether ``value`` (normalised) looks whole for its ``kind``."""
    spec = _kinds()[kind]
    if kind == "person":
        if "·" in value:
            return len(value) >= 3
        count = len(_CJK.findall(value))
        return spec.min_chars <= count <= spec.max_chars and count == len(value)
    core = _TRAILING_BRACKETS.sub("", value)
    # a legal form or unit word alone (有限公司, not 有限 + 公司) names no one: two characters at
    # least before the longest ending it has
    end = next((e for e in sorted(spec.ends, key=len, reverse=True) if core.endswith(e)), None)
    return end is not None and len(core) - len(end) >= 2


def _lost_unit(spec: _Kind, kind: Kind, value: str) -> tuple[str, str] | None:
    """(the office's name as read, with its unit word) when ``value`` ends in a standard office
    name whose unit word was lost (江苏省人力资源和社会保障 + 厅): the unit of the level the last
    place word before it names. None when the value is whole or no level tells."""
    if not spec.levels or is_whole(kind, value):
        return None
    for word in spec.words:
        stem = word[:-1]
        if len(stem) < 3 or not value.endswith(stem):
            continue
        place = value[:-len(stem)]
        # the place word ending last, the longer on a tie (自治区, not its 区)
        marks = [(place.rfind(mark) + len(mark), len(mark), unit) for mark, unit in spec.levels.items() if mark in place]
        if marks and (unit := max(marks)[2]) and stem + unit in spec.words:
            return stem, stem + unit
    return None


OPENING_NOTES = {
    "surname": "姓名不以常见姓氏开头，疑首字误识或多出",
    "place": "地址不以省、市、县名开头，疑开头有字缺失",
    "office": "机关名称不以地名或国家机关名称开头，疑开头有字缺失",
}
# national bodies name the country or no place: 中华人民共和国住房和城乡建设部, 国家市场监督管理总局
_NATIONAL = ("中华人民共和国", "中国", "国家", "全国")


@lru_cache(maxsize=1)
def _surnames() -> tuple[frozenset[str], frozenset[str]]:
    """(single-character surnames, compound ones) from ``data/surnames.txt``."""
    text = resources.files("dossier.extract").joinpath("data/surnames.txt").read_text(encoding="utf-8")
    tokens = [t for line in text.splitlines() if not line.startswith("#") for t in line.split()]
    return frozenset(t for t in tokens if len(t) == 1), frozenset(t for t in tokens if len(t) == 2)


def opening_doubt(kind: Kind, value: str) -> str | None:
    """A note when ``value`` does not open as values of ``kind`` do, else None: a person's name
    opens with a surname (手韵 is 于韵 read amiss; a name with a middle dot is exempt), an address
    with a division (镇李家湾村… lost the province, city and county before it), an office with
    its place, the country, 国家/全国 or a standard office's name (人力资源和社会保障部: 设教育协会
    lost 浙江省建 under a seal). A shape test cannot show any of them: all read as whole."""
    spec = _kinds()[kind]
    opens = spec.opens
    if opens == "surname":
        single, compound = _surnames()
        known = "·" in value or value[:1] in single or value[:2] in compound
    elif opens == "place":
        known = opens_with_division(value)
    elif opens == "office":
        known = opens_with_division(value) or value.startswith(_NATIONAL) or value.startswith(tuple(spec.words))
    else:
        return None
    return None if known else OPENING_NOTES[opens]


STRAY_KINDS = ("company", "authority")  # names whose both ends are fixed by their form
STRAY_NOTE = "名称{where}的“{chars}”不属于名称，疑为印章或水印的笔画误入，已去除"


def without_stray(kind: Kind, value: str) -> tuple[str, str] | None:
    """``(value, note)`` with one stray character dropped at an end, when the name as read is
    not whole or opens amiss and without it is whole and opens well: a seal's ring or an overlay
    leaves a character beside a name (成都市公安局武侯区分局入, 陕西省住房和城乡建设厅X,
    友浙江省人力资源和社会保障厅, 四四川省…). None when the value needs no such repair or one
    character is not enough."""
    if kind not in STRAY_KINDS or (is_whole(kind, value) and opening_doubt(kind, value) is None):
        return None
    for start, end in ((0, 1), (1, 0), (1, 1)):
        trimmed = value[start:len(value) - end]
        if len(trimmed) >= 4 and is_whole(kind, trimmed) and opening_doubt(kind, trimmed) is None:
            dropped = [("开头", value[:start]), ("末尾", value[len(value) - end:])]
            where, chars = zip(*((w, c) for w, c in dropped if c))
            return trimmed, STRAY_NOTE.format(where="、".join(where), chars="”“".join(chars))
    return None


def places_named(kind: Kind) -> bool:
    """Whether values of ``kind`` name divisions (an address, an office) whose slips are found."""
    return _kinds()[kind].places


def misread_words(kind: Kind, value: str) -> list[tuple[str, str]]:
    """(what was read, the standard word) for each place in ``value`` one character off a word of
    its kind, replaced (市场盗督管理局 for 市场监督管理局), dropped inside it (建业协会 for
    建筑业协会) or added inside it (住房和城成乡建设厅): an OCR slip that the value's shape cannot
    show. A place where a standard word is printed as it is (住房和城乡建设厅) is no slip of another
    (…建设部). For names, also each character the engine reads for a rarer look-alike (赞 for 赟);
    for addresses and offices, each division named a character off (颖州区 for 颍州区, see
    :mod:`dossier.extract.places`)."""
    spec = _kinds()[kind]
    # a common character read for a rarer look-alike (赞 for 赟) leaves no trace in the shape
    lookalikes = [(ch, rare) for ch, rare in spec.lookalikes.items() if ch in value]
    if spec.places:
        lookalikes += place_slips(value)
    lost = _lost_unit(spec, kind, value)
    if lost is not None:
        return [*lookalikes, lost]
    words = spec.words
    exact = [(m.start(), m.end()) for word in words for m in re.finditer(re.escape(word), value)]
    found = []
    for word in words:
        dropped = {word[:i] + word[i + 1:] for i in range(1, len(word) - 1)}
        for start in range(len(value) - len(word) + 2):
            for size in (len(word), len(word) - 1, len(word) + 1):
                piece = value[start:start + size]
                if len(piece) != size or any(a < start + size and start < b for a, b in exact):
                    continue
                if ((size == len(word) and sum(x != y for x, y in zip(piece, word)) == 1) or piece in dropped
                        or (size == len(word) + 1 and piece[0] == word[0] and piece[-1] == word[-1]
                            and any(piece[:i] + piece[i + 1:] == word for i in range(1, size - 1)))):
                    found.append((piece, word))
                    break
            else:
                continue
            break
    return [*lookalikes, *found]
