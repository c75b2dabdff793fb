"""China's administrative divisions (GB/T 2260): the names addresses and offices are built from.

A province, city or county name one character off a real one (颖州区 for 颍州区, 金木区 for 金水区,
成者都市 for 成都市) is an OCR slip no shape test shows: the value ends where it should and reads
well. The division list settles it, but only where it can: the real name must lie under the
province or city the value names before it (阜阳市 … 颍州区), or, for a slip that opens the value,
be the only division it can be. A name the list does not hold is never a slip by itself (new
districts are created every year); only a near miss of a real one under its own parent is.

The list (``data/divisions.csv``: code, name) is the 2020 division table shipped in the ``cpca``
package (MIT licence), trimmed to the six-digit codes and names.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

SUFFIXES = frozenset("省市区县旗盟州")  # the last character of every division name used here
MIN_SLIP = 3  # a name read with a slip is at least this long: two characters give no evidence
MAX_NAME = 16  # the longest division name looked for (双江拉祜族佤族布朗族傣族自治县: 15)
_WILD = "\0"
# words whose last character is a division's suffix but name no division: 曲江社区 is a
# neighbourhood of 曲江, not 曲江区 read with a character too many
NOT_DIVISIONS = ("社区", "小区", "园区", "景区", "校区", "厂区", "片区", "街区", "辖区", "营区", "院区", "高新区", "开发区",
                 "经开区", "保税区", "自贸区")


@dataclass(frozen=True)
class _Divisions:
    codes: dict[str, tuple[str, ...]]  # name -> its codes (鼓楼区 is a district of four cities)
    replaced: dict[str, tuple[str, ...]]  # name with one character (not its suffix) wild -> names
    dropped: dict[str, tuple[str, ...]]  # name with one inner character dropped -> names


@lru_cache(maxsize=1)
def _divisions() -> _Divisions:
    codes: dict[str, list[str]] = defaultdict(list)
    text = resources.files("dossier.extract").joinpath("data/divisions.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
        codes[row["name"]].append(row["adcode"])
    replaced: dict[str, set[str]] = defaultdict(set)
    dropped: dict[str, set[str]] = defaultdict(set)
    for name in codes:
        if len(name) < MIN_SLIP or name[-1] not in SUFFIXES:
            continue
        for i in range(len(name) - 1):
            replaced[name[:i] + _WILD + name[i + 1:]].add(name)
        for i in range(1, len(name) - 1):
            if len(name) - 1 >= MIN_SLIP:
                dropped[name[:i] + name[i + 1:]].add(name)
    return _Divisions({k: tuple(v) for k, v in codes.items()}, {k: tuple(sorted(v)) for k, v in replaced.items()},
                      {k: tuple(sorted(v)) for k, v in dropped.items()})


def _near(piece: str) -> set[str]:
    """Division names one character off ``piece``: one replaced (its suffix kept), one dropped
    inside it, or one added inside it."""
    data = _divisions()
    out: set[str] = set()
    for i in range(len(piece) - 1):
        out.update(data.replaced.get(piece[:i] + _WILD + piece[i + 1:], ()))
    out.update(data.dropped.get(piece, ()))
    for i in range(1, len(piece) - 1):
        shorter = piece[:i] + piece[i + 1:]
        if len(shorter) >= MIN_SLIP and shorter in data.codes:
            out.add(shorter)
    return out


def _level(code: str) -> int:
    """The digits of ``code`` its children share: 2 for a province, 4 for a city, 6 for a county."""
    return 2 if code.endswith("0000") else 4 if code.endswith("00") else 6


def _depth(code: str, parents: list[str]) -> int:
    """How closely division ``code`` lies under one of ``parents``: 4 under a city, 2 under a
    province only, 0 under none."""
    return max((level for parent in parents if (level := _level(parent)) < 6
                and code[:level] == parent[:level] and code != parent), default=0)


def _deepest(parents: list[str]) -> int:
    """The level of the closest parent named (4: a city, 2: a province only, 0: none)."""
    return max((level for parent in parents if (level := _level(parent)) < 6), default=0)


def _exact(value: str, j: int, parents: list[str]) -> str | None:
    """The longest division name ending at ``value[j]``: a province or city, or a county under the
    closest parent already named (or any, with none named); elsewhere a county's name is the end
    of a longer one read a character off (一西区 is 桥西区 in 石家庄市, not 攀枝花's 西区; 一宝山区
    is 元宝山区 in 赤峰市)."""
    codes = _divisions().codes
    # under the city when one is named (岚县 is 吕梁's: in 忻州市, 一岚县 is 岢岚县 read amiss)
    deepest = _deepest(parents)
    for s in range(max(0, j - MAX_NAME + 1), j):
        name = value[s:j + 1]
        if name in codes and (not parents or any(code.endswith("00") or _depth(code, parents) >= deepest
                                                 for code in codes[name])):
            return name
    return None


# what the short form of a province's or city's name drops (四川 for 四川省, 广西 for 广西壮族自治区)
_FORMAL = re.compile(r"(?:(?:壮族|回族|维吾尔)?自治区|特别行政区|省|市|地区|盟)$")
# a company's address may name the country first: 中国（四川）自由贸易试验区成都高新区…
_COUNTRY = re.compile(r"^(?:中华人民共和国|中国)[（(]?")


@lru_cache(maxsize=1)
def _openings() -> frozenset[str]:
    """Every division name, and the short forms provinces and cities go by."""
    codes = _divisions().codes
    short = {_FORMAL.sub("", name) for name, cs in codes.items() if any(_level(c) < 6 for c in cs)}
    return frozenset(codes) | {name for name in short if len(name) >= 2}


def opens_with_division(value: str) -> bool:
    """Whether ``value`` (an address) opens with a division's name or a province's or city's
    short name, after the country if it names one."""
    value = _COUNTRY.sub("", value)
    names = _openings()
    return any(value[:k] in names for k in range(2, min(MAX_NAME, len(value)) + 1))


def area_parents(code: str) -> list[str]:
    """The province and city of the division ``code`` (an ID number's first six digits): the
    places a card's address and police office most likely name."""
    return [code[:2] + "0000", code[:4] + "00"] if len(code) == 6 and code.isdigit() else []


def place_slips(value: str, context: list[str] | None = None) -> list[tuple[str, str]]:
    """(what was read, the real name) for each division name in ``value`` one character off the
    name the division list settles (see the module docstring); ``context``: codes of places the
    document names elsewhere (:func:`area_parents` of its ID number), as if named before."""
    data = _divisions()
    ends = [j for j, ch in enumerate(value) if ch in SUFFIXES]
    exact: list[tuple[int, int]] = []
    parents: list[str] = list(context or [])  # codes of the names read so far, left to right
    found: list[tuple[str, str]] = []
    for j in ends:
        longest = _exact(value, j, parents)
        if longest is not None:
            exact.append((j + 1 - len(longest), j + 1))
            parents.extend(data.codes[longest])
            continue
        best: tuple[int, int, str, str] | None = None  # (depth, size, piece, name)
        deepest = _deepest(parents)
        for size in range(MIN_SLIP, min(MAX_NAME, j + 1) + 1):
            start = j + 1 - size
            piece = value[start:j + 1]
            if any(a < j + 1 and start < b for a, b in exact) or piece.endswith(NOT_DIVISIONS):
                break  # the piece reaches into a name read exactly, or is a word of its own
            near = _near(piece)
            # the names under the closest parent named: a city's district, not the province's others;
            # and none when a city is named and the name lies only under another of its province
            # (高新区 in 成都市 is a development zone, not 南充's 高坪区 read amiss)
            depths = {name: max(_depth(code, parents) for code in data.codes[name]) for name in near}
            closest = max(depths.values(), default=0)
            fits = {name for name, depth in depths.items() if depth == closest > 0} if closest >= deepest else set()
            if not fits and start == 0 and len(near) == 1:
                fits = near
            if len(fits) == 1 and (best is None or (closest, size) > best[:2]):
                best = (closest, size, piece, next(iter(fits)))
        if best is not None:
            _, size, piece, name = best
            found.append((piece, name))
            exact.append((j + 1 - size, j + 1))
            parents.extend(data.codes[name])
    return found
