"""Filing checklists: the schema, the loader, and errors that name the line.

A checklist says how one kind of filing is bound: which application type and qualifications it
serves, its ordered sections, and per section the documents it binds — company-level items,
per-person groups (by roster role) and per-project groups (业绩). It also carries what validation
must know about that filing (roles that may be combined, rule parameters) and turns it into the
overrides mapping of ``dossier.validate.params_for``. Head counts are not a checklist's: they come
from the qualification standard in use (``dossier.standards``), and a file still stating them is
refused with a reason.

Built-in checklists live in ``dossier/checklists/<name>.yaml``; names are
``<category>-<subcategory>-<application type>`` in ASCII (``gc-building-upgrade`` =
施工总承包 / 建筑工程 / 升级). A user's own file goes through the same schema; an error names the
file and the line (``第 N 行：…``): ``dossier.yamlfile`` reads the YAML with its node marks and walks a
pydantic error location back to the node it points at.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from importlib import resources
from itertools import combinations
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dossier.errors import ChecklistError, ConfigError
from dossier.model import DOC_TYPES, ApplicationSpec, ApplicationType, Role
from dossier.validate.messages import doc_name, role_name
from dossier.validate.params import HEADCOUNT_FROM_STANDARDS_ZH, deep_merge, params_for, required_fields
from dossier.yamlfile import UTF8_OR_GB18030, YamlFile, parse_yaml, read_package_yaml, read_yaml

ROLES: tuple[str, ...] = get_args(Role)
_BUILTIN_PACKAGE = "dossier.checklists"


class _Strict(BaseModel):
    # Unknown keys are errors: a misspelt key in a user's checklist must not be silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Item(_Strict):
    """One kind of document to bind; ``doc_type`` may list alternatives (any one will do)."""

    doc_type: tuple[str, ...]
    title: str | None = None  # the 目录 name; defaults to the document type's Chinese name
    count: int | None = Field(default=None, ge=1)  # exactly this many
    at_least: int | None = Field(default=None, ge=0)  # this many or more (0 = bind if present)
    required_fields: tuple[str, ...] = ()

    @field_validator("doc_type", mode="before")
    @classmethod
    def _alternatives(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @field_validator("doc_type")
    @classmethod
    def _known_types(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [t for t in value if t not in DOC_TYPES]
        if unknown or not value:
            raise ValueError(f"未知的材料类型 {unknown or value}，可用：{', '.join(DOC_TYPES)}")
        return value

    @model_validator(mode="after")
    def _one_count(self) -> Item:
        if self.count is not None and self.at_least is not None:
            raise ValueError("count（恰好 N 份）与 at_least（至少 N 份）只能写一个")
        return self

    @property
    def minimum(self) -> int:
        """How many documents the item needs (``at_least: 1`` when neither count is given)."""
        if self.count is not None:
            return self.count
        return 1 if self.at_least is None else self.at_least

    @property
    def label(self) -> str:
        return self.title or "或".join(doc_name(t) for t in self.doc_type)

    def label_for(self, doc_type: str | None) -> str:
        """How the 目录 names a document this item took: by its own type when the item lists
        alternatives (a 职称证书 is not a "职称证书或注册建造师注册证书")."""
        return self.label if len(self.doc_type) == 1 else doc_name(doc_type)


class PersonGroup(_Strict):
    """The documents of every roster person in ``role``, person after person.

    ``sort`` orders the people: ``roster`` (their order in application.yaml), ``name`` or
    ``id_number`` (code-point order). A person holding several roles is bound once, in the first
    group of the checklist that names one of them, with the items of all their groups.
    """

    role: Role
    title: str | None = None
    sort: Literal["roster", "name", "id_number"] = "roster"
    items: tuple[Item, ...] = Field(min_length=1)

    @property
    def label(self) -> str:
        return self.title or role_name(self.role)


class ProjectGroups(_Strict):
    """The 业绩: documents grouped by project (主项 before 增项), ``items`` per project."""

    title: str | None = None
    at_least: int = Field(default=1, ge=0)  # how many projects the filing needs
    items: tuple[Item, ...] = Field(min_length=1)


class Section(_Strict):
    """A part of the packet with its own divider page; bound as items, then people, then projects."""

    title: str
    items: tuple[Item, ...] = ()
    people: tuple[PersonGroup, ...] = ()
    projects: ProjectGroups | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Section:
        if not (self.items or self.people or self.projects):
            raise ValueError(f"分册「{self.title}」没有任何材料（items、people 或 projects）")
        return self


class Checklist(_Strict):
    """A filing checklist (see the module docstring and ``dossier/checklists/*.yaml``)."""

    name: str  # ASCII: see _ascii_name
    title: str
    application_type: ApplicationType
    qualifications: tuple[str, ...] = Field(min_length=1)
    description: str = ""
    watermark: str | None = None  # the default watermark text; a build option may override it
    # Pairs of roles one person may hold together; every other pair of the roles this
    # checklist counts is exclusive (PERSON_DOUBLE_COUNTED).
    combinable_roles: tuple[tuple[Role, Role], ...] = ()
    rules: dict[str, Any] = Field(default_factory=dict)  # raw overrides for params_for, applied last
    sections: tuple[Section, ...] = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _ascii_name(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", value):
            raise ValueError("格式不符（只用小写字母、数字和连字符）")
        return value

    def serves(self, spec: ApplicationSpec) -> int:
        """How many of ``spec``'s qualifications this checklist serves (0 when the type differs)."""
        if spec.application_type != self.application_type:
            return 0
        return len(set(spec.qualifications) & set(self.qualifications))

    def counted_roles(self) -> list[str]:
        roles = {g.role for s in self.sections for g in s.people}
        return [r for r in ROLES if r in roles]

    def overrides(self) -> dict[str, Any]:
        """The mapping for ``params_for(spec, overrides)``: what this checklist tells validation.

        Documents it requires (MISSING_DOCUMENT), exclusive roles, required fields; then its raw
        ``rules`` on top, so an explicit rule parameter always wins.
        """
        company = [list(i.doc_type) for s in self.sections for i in s.items if i.minimum > 0]
        roles: dict[str, list[list[str]]] = {}
        required: dict[str, list[str]] = {}
        for section in self.sections:
            for group in section.people:
                wanted = roles.setdefault(group.role, [])
                wanted += [list(i.doc_type) for i in group.items
                           if i.minimum > 0 and list(i.doc_type) not in wanted]
            for item in self.items_of(section):
                for doc_type in item.doc_type if item.required_fields else ():
                    # A checklist can require more than a document type's own required fields
                    # (its extraction spec), never less.
                    have = required.setdefault(doc_type, list(required_fields().get(doc_type, [])))
                    have += [f for f in item.required_fields if f not in have]
        combinable = {frozenset(pair) for pair in self.combinable_roles}
        exclusive = [list(pair) for pair in combinations(self.counted_roles(), 2)
                     if frozenset(pair) not in combinable]
        derived: dict[str, Any] = {
            # The checklist lists every person document itself, so the default "everyone needs
            # an id_card" is replaced by the checklist's per-role items.
            "documents": {"person": [], "roles": roles, "company": company},
            "exclusive_roles": exclusive,
        }
        if required:
            derived["fields"] = {"required": required}
        return deep_merge(derived, self.rules)

    @staticmethod
    def items_of(section: Section) -> list[Item]:
        """Every item of ``section``: its own, its people groups', its projects'."""
        found = list(section.items)
        for group in section.people:
            found += group.items
        if section.projects:
            found += section.projects.items
        return found


# --- loading --------------------------------------------------------------------------------


def list_checklists() -> list[str]:
    """The built-in checklist names, sorted (``dossier checklists``)."""
    folder = resources.files(_BUILTIN_PACKAGE)
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


@lru_cache(maxsize=1)
def checklist_titles() -> dict[str, str]:
    """Each built-in checklist's name -> its title (建筑工程施工总承包二级资质升级申请材料清单), for
    people choosing one: the names are file names."""
    return {name: load_checklist(name).title for name in list_checklists()}


def load_checklist(name_or_path: str | Path) -> Checklist:
    """A built-in checklist by name, or a user's checklist file by path.

    Anything naming an existing file, or ending in .yaml/.yml, is read as a file. Raises
    ChecklistError naming the file and, for a malformed one, the line (``第 N 行：…``).
    """
    text_path = str(name_or_path)
    path = Path(text_path)
    if path.is_file() or path.suffix in (".yaml", ".yml") or isinstance(name_or_path, Path):
        if not path.is_file():
            raise ChecklistError(f"checklist file not found: {path}", path=path,
                                 reason_zh="找不到清单文件")
        return _parse(read_yaml(path, encodings=UTF8_OR_GB18030, error=ChecklistError))
    return _builtin(text_path)


@lru_cache(maxsize=None)
def _builtin(name: str) -> Checklist:
    if name not in list_checklists():
        raise ChecklistError(f"no built-in checklist {name!r}",
                             reason_zh=f"没有名为「{name}」的内置清单，可用：{'、'.join(list_checklists())}")
    return _parse(read_package_yaml(_BUILTIN_PACKAGE, f"{name}.yaml", error=ChecklistError))


def checklist_for(spec: ApplicationSpec) -> Checklist:
    """The built-in checklist for ``spec``'s application type serving most of its qualifications
    (ties go to the first name). Raises ChecklistError when none serves it."""
    best, best_score = None, 0
    for name in list_checklists():
        candidate = _builtin(name)
        score = candidate.serves(spec)
        if score > best_score:
            best, best_score = candidate, score
    if best is None:
        quals = "、".join(spec.qualifications) or "（未填写）"
        raise ChecklistError(
            f"no built-in checklist for {spec.application_type} {spec.qualifications}",
            reason_zh=f"没有适用于申请类型 {spec.application_type}、资质 {quals} 的内置清单，请用 --checklist 指定清单文件")
    return best


def parse_checklist(text: str, source: str) -> Checklist:
    """Parse and check checklist YAML ``text``; ``source`` names it in errors."""
    return _parse(parse_yaml(text, source, error=ChecklistError))


def _parse(document: YamlFile) -> Checklist:
    _no_headcount(document)
    checklist = document.validate(Checklist)
    _check_rules(checklist, document)
    return checklist


def _no_headcount(document: YamlFile) -> None:
    """A checklist written when checklists stated head counts (``headcount:``, or under ``rules:``)
    is refused at that key's line: its counts would silently stop applying."""
    rules = document.data.get("rules")
    if "headcount" in document.data:
        loc: tuple[str, ...] = ("headcount",)
    elif isinstance(rules, dict) and "headcount" in rules:
        loc = ("rules", "headcount")
    else:
        return
    raise document.invalid({"loc": loc, "msg": "head counts come from the qualification standards, not a checklist",
                            "type": "value_error", "ctx": {"error": HEADCOUNT_FROM_STANDARDS_ZH}})


def _check_rules(checklist: Checklist, document: YamlFile) -> None:
    """Fail now, with a line, on overrides validation would reject at build time."""
    probe = ApplicationSpec(company_name="-", uscc="-", application_type=checklist.application_type,
                            qualifications=list(checklist.qualifications), filing_date=date(2000, 1, 1))
    try:
        params_for(probe, checklist.overrides())
    except ConfigError as exc:
        cause = exc.__cause__
        if not isinstance(cause, ValidationError):
            raise
        error = cause.errors()[0]
        loc = tuple(error["loc"])
        # Validation sees the merged mapping: it comes from `rules` (or, failing that, from what
        # the checklist derived).
        raise document.invalid({**error, "loc": ("rules", *loc)}, len(cause.errors())) from exc
