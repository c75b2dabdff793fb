"""Document-type specs: what a document type prints and where its values sit.

Specs are data (``dossier/extract/specs/*.yaml``, one file per document type); the classifier and
the field engine only read them. Adding a document type is adding a file. A spec is checked when
loaded: an unknown normaliser name or a broken pattern is a ConfigError naming the file.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from dossier.errors import ConfigError
from dossier.extract.completeness import Kind
from dossier.extract.normalize import NORMALISERS
from dossier.extract.normalize.amounts import NUMERAL_LOOKALIKES
from dossier.extract.normalize.text import ETHNICITIES
from dossier.yamlfile import read_yaml

Where = Literal["after", "right", "below"]


class Encoding(BaseModel):
    """Where another field's value encodes this one: ``pattern`` (matched whole) captures the
    code in its first group, and ``values`` turns the code into this field's value."""

    model_config = ConfigDict(extra="forbid")

    field: str
    pattern: str
    values: dict[str, str]

    @field_validator("pattern")
    @classmethod
    def _one_group(cls, value: str) -> str:
        try:
            groups = re.compile(value).groups
        except re.error as exc:
            raise ValueError(f"正则表达式无效（{exc}）") from exc
        if groups != 1:
            raise ValueError("编码模式须恰有一个捕获组（所编码的值）")
        return value

    def decode(self, text: str) -> str | None:
        """The value ``text`` (the other field's) encodes; None when it encodes none."""
        m = re.fullmatch(self.pattern, text)
        return self.values.get(m.group(1)) if m else None


class FieldSpec(BaseModel):
    """How to find one field.

    ``labels``: printed label variants; spaces inside a printed label are tolerated.
    ``where``: where the value sits relative to the label, tried in order: ``after`` (same line,
    after the label and an optional colon), ``right`` (the next text on the same row: a table's
    next cell), ``below`` (the text under the label).
    ``pattern``: a regex that the value must contain; the match (group ``v`` if present, else the
    whole match) is what gets normalised, so one printed line can feed two fields.
    ``fallback``: when no label is found, take the ``first`` or ``last`` match of
    ``fallback_pattern`` (default: ``pattern``) anywhere in the document not already claimed by
    another field, with less confidence (the more matches to choose from, the less).
    ``part``: for range values (``2020年1月1日至长期``), take the ``start`` or ``end``.
    ``both_ends``: the document always prints both ends of that range (an ID card's term): one
    date alone is its start, and the end was lost (under a watermark, a seal), never that date.
    ``multi_line``: the value may wrap onto the lines under it (addresses), or a list may go on
    one item per line (注册专业 under each other).
    ``item_labels``: each item of such a list may open with its role, which is dropped
    (参与验收单位： / 建设单位：甲公司 / 施工单位：乙公司 -> [甲公司, 乙公司]).
    ``kind``: the value (each item of a list) must be a whole company name, authority or person
    name (``dossier.extract.completeness``): one that is not is read on past a wrap, and stays
    doubtful when it cannot be completed.
    ``past``: a date of something that has happened (issued, born, signed): one read ahead of
    today is a misreading (2041 for 2021) and is doubted.
    ``from_id``: what the document's own ID number encodes (GB 11643: ``gender``, ``birth_date``)
    and its issuer printed from it (a resident ID card), or, with the holder's age, one end of the
    card's term from the other (``term_start``, ``term_end``: 居民身份证法 第五条): when the
    printed value is not read, it is taken from a valid number, in doubt.
    ``encoded_in``: another field of the document whose number encodes this value (a constructor's
    registration number carries the level as its first figure): not read, it is taken from there
    in doubt; read and at odds with it, both are doubted.
    """

    model_config = ConfigDict(extra="forbid")

    labels: list[str] = Field(default_factory=list)
    where: list[Where] = Field(default_factory=lambda: ["after", "right", "below"])
    normaliser: str = "text"
    pattern: str | None = None
    fallback: Literal["first", "last"] | None = None
    fallback_pattern: str | None = None
    part: Literal["start", "end"] | None = None
    both_ends: bool = False
    required: bool = False
    multi_line: bool = False  # a value may wrap onto the following line(s) (addresses, scopes)
    item_labels: bool = False
    kind: Kind | None = None  # a value that must be whole: company, authority or person name
    past: bool = False  # a date that cannot lie ahead of the day it is read (issued, born, signed)
    from_id: Literal["gender", "birth_date", "term_start", "term_end"] | None = None
    encoded_in: Encoding | None = None

    @field_validator("pattern", "fallback_pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:  # pydantic passes on only a ValueError as a located error
                raise ValueError(f"正则表达式无效（{exc}）") from exc
        return value

    @property
    def regex(self) -> re.Pattern[str] | None:
        return re.compile(self.pattern) if self.pattern else None

    @property
    def fallback_regex(self) -> re.Pattern[str] | None:
        pattern = self.fallback_pattern or self.pattern
        return re.compile(pattern) if pattern else None


TITLE_GAP = "…"  # in a title: a few words of any wording between its parts (单位参保人员缴费明细表)
TITLE_GAP_CHARS = 4


class ClassifySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    titles: list[str]  # strong evidence when printed as a title; "…" stands for a few words
    keywords: list[str] = Field(default_factory=list)  # labels typical of the type
    exclude: list[str] = Field(default_factory=list)  # text that rules the type out
    continues: list[str] = Field(default_factory=list)  # marks a later page of the same document
    max_pages: int | None = None  # a document of the type never runs longer (an ID card: 2 sides)
    # whole lines printed in a form only the type prints (an ID card's dotted term): each such
    # line counts as a keyword, for a copy whose pale labels were lost and its black values kept
    forms: list[str] = Field(default_factory=list)

    _titles: list[re.Pattern] = PrivateAttr(default_factory=list)
    _forms: list[re.Pattern] = PrivateAttr(default_factory=list)

    def model_post_init(self, __context) -> None:
        gap = f".{{0,{TITLE_GAP_CHARS}}}?"
        self._titles = [re.compile(gap.join(re.escape(part) for part in title.split(TITLE_GAP)))
                        for title in self.titles]
        self._forms = [re.compile(form) for form in self.forms]

    def forms_in(self, lines: list[str]) -> int:
        """How many of the type's forms some whole line of ``lines`` (compact text) takes."""
        return sum(1 for form in self._forms if any(form.fullmatch(line) for line in lines))

    def title_in(self, text: str) -> int:
        """The length of the longest title printed in ``text``; 0 when there is none."""
        return max((len(m.group()) for m in (p.search(text) for p in self._titles) if m), default=0)


class TableSpec(BaseModel):
    """A person-by-month table (社保 statements): column headers and how months are printed."""

    model_config = ConfigDict(extra="forbid")

    columns: dict[str, list[str]]  # record key -> header label variants
    months_header: list[str] = Field(default_factory=list)  # a range column (2024.01-2024.06)
    # a column printing how many months a row's range pays (月数 4 beside 202609-202612): what the
    # range must come to, so a range cut short under a seal is known, and mended from its start
    month_count_header: list[str] = Field(default_factory=list)
    marks: list[str] = Field(default_factory=lambda: ["✓", "√", "●", "是", "Y", "V", "v", "1", "已缴"])


class DocSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc_type: str
    name_zh: str
    classify: ClassifySpec
    fields: dict[str, FieldSpec]
    table: TableSpec | None = None
    qr: bool = False  # electronic certificates carry a QR code worth decoding
    # labels the document prints for things no field reads (经营范围, 联系电话): they end the
    # value before them like any label
    other_labels: list[str] = Field(default_factory=list)


def _spec_dir() -> Path:
    return Path(str(resources.files("dossier.extract") / "specs"))


@lru_cache(maxsize=1)
def pattern_library() -> dict[str, str]:
    """Named regex fragments (``specs/_patterns.yaml``), referenced in specs as ``<<name>>``;
    ``<<ethnicity>>`` is one of the 56 names the normaliser knows (longest first),
    ``<<numeral_lookalike>>`` a glyph the amount normaliser reads as the numeral it looks like.
    Fragments may name other fragments."""
    library = dict(read_yaml(_spec_dir() / "_patterns.yaml").data)
    library.setdefault("ethnicity", "(?:" + "|".join(sorted(ETHNICITIES, key=len, reverse=True)) + ")族?")
    library.setdefault("numeral_lookalike", f"[{''.join(NUMERAL_LOOKALIKES)}]")
    return library


_REF = re.compile(r"<<(\w+)>>")


def _expand(pattern: str, path: Path) -> str:
    library = pattern_library()

    def sub(m: re.Match[str]) -> str:
        if m.group(1) not in library:
            raise ConfigError(f"unknown pattern <<{m.group(1)}>>", path=path,
                              reason_zh=f"未定义的模式 <<{m.group(1)}>>")
        return f"(?:{_expand(library[m.group(1)], path)})"

    return _REF.sub(sub, pattern)


@lru_cache(maxsize=1)
def label_library() -> dict[str, list[str]]:
    """Named lists of label variants (``specs/_labels.yaml``), referenced in a field's labels
    as ``<<name>>``."""
    return {name: list(labels) for name, labels in read_yaml(_spec_dir() / "_labels.yaml").data.items()}


def _expand_labels(labels: list, path: Path) -> list:
    out: list = []
    for label in labels:
        ref = _REF.fullmatch(label) if isinstance(label, str) else None
        if ref is None:
            out.append(label)
        elif ref.group(1) in label_library():
            out.extend(label_library()[ref.group(1)])
        else:
            raise ConfigError(f"unknown label list <<{ref.group(1)}>>", path=path,
                              reason_zh=f"未定义的标签列表 <<{ref.group(1)}>>")
    return list(dict.fromkeys(out))


def load_spec_file(path: Path) -> DocSpec:
    """Load and check one spec file; errors name the file, the line and the bad key."""
    document = read_yaml(path)
    fields = document.data.get("fields")
    for fdata in (fields.values() if isinstance(fields, dict) else ()):
        for key in ("pattern", "fallback_pattern"):
            if isinstance(fdata, dict) and isinstance(fdata.get(key), str):
                fdata[key] = _expand(fdata[key], path)
        if isinstance(fdata, dict) and isinstance(fdata.get("labels"), list):
            fdata["labels"] = _expand_labels(fdata["labels"], path)
    classify = document.data.get("classify")
    if isinstance(classify, dict) and isinstance(classify.get("forms"), list):
        classify["forms"] = [_expand(form, path) if isinstance(form, str) else form for form in classify["forms"]]
    spec = document.validate(DocSpec)
    for name, field in spec.fields.items():
        if field.encoded_in is not None and field.encoded_in.field not in spec.fields:
            line = document.line_of(("fields", name, "encoded_in"))
            raise ConfigError(f"line {line}: field {name}: encoded in unknown field {field.encoded_in.field!r}", path=path,
                              reason_zh=f"第 {line} 行：字段 {name} 所依据的字段 {field.encoded_in.field} 不存在")
        if field.normaliser not in NORMALISERS:
            line = document.line_of(("fields", name, "normaliser"))
            raise ConfigError(f"line {line}: field {name}: unknown normaliser {field.normaliser!r}", path=path,
                              reason_zh=f"第 {line} 行：字段 {name} 的规范化方法 {field.normaliser} 不存在")
    return spec


@lru_cache(maxsize=1)
def load_specs() -> dict[str, DocSpec]:
    """All built-in specs by doc_type."""
    specs = [load_spec_file(p) for p in sorted(_spec_dir().glob("*.yaml")) if not p.name.startswith("_")]
    return {s.doc_type: s for s in specs}


@lru_cache(maxsize=1)
def printed_labels() -> frozenset[str]:
    """Every label any spec reads or knows (fields, other labels, table headers), titles aside:
    words a form prints to name a value, never a value themselves (证件类型 居民身份证 is a title
    word as a value; 性别 is not)."""
    labels = set()
    for spec in load_specs().values():
        labels.update(label.replace(" ", "") for f in spec.fields.values() for label in f.labels)
        labels.update(label.replace(" ", "") for label in spec.other_labels)
        if spec.table:
            labels.update(h for hs in spec.table.columns.values() for h in hs)
    return frozenset(labels)


@lru_cache(maxsize=1)
def label_vocabulary() -> tuple[str, ...]:
    """Every label of every spec, longest first: used to tell 名称 from 工程名称."""
    # titles count too: 专业 inside 专业技术资格证书 is part of a title, not a label
    labels = set(printed_labels()).union(*(spec.classify.titles for spec in load_specs().values()))
    return tuple(sorted(labels, key=lambda s: (-len(s), s)))
