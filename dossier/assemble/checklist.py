"""Filing checklists: the schema, the loader, and errors that name the line.

A checklist says how one kind of filing is bound: which application type and qualifications it
serves, its ordered sections, and per section the documents it binds — company-level items,
per-person groups (by roster role) and per-project groups (业绩). It also carries what validation
must know about that filing (head counts, roles that may be combined, rule parameters) and turns
it into the overrides mapping of ``dossier.validate.params_for``.

Built-in checklists live in ``dossier/checklists/<name>.yaml``; names are
``<category>-<subcategory>-<application type>`` in ASCII (``gc-building-upgrade`` =
施工总承包 / 建筑工程 / 升级). A user's own file goes through the same schema; an error names the
file and the line (``第 N 行：…``), found by composing the YAML with its node marks and walking a
pydantic error location back to the node it points at.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib import resources
from itertools import combinations
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dossier.errors import ChecklistError, ConfigError
from dossier.model import DOC_TYPES, ApplicationSpec, ApplicationType, Role
from dossier.validate.messages import doc_name, role_name
from dossier.validate.params import HeadcountTable, deep_merge, params_for, required_fields

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

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    application_type: ApplicationType
    qualifications: tuple[str, ...] = Field(min_length=1)
    description: str = ""
    watermark: str | None = None  # the default watermark text; a build option may override it
    # qualification -> role -> minimum, or role -> {specialty: minimum} (as in defaults.yaml)
    headcount: dict[str, HeadcountTable] = Field(default_factory=dict)
    # Pairs of roles one person may hold together; every other pair of the roles this
    # checklist counts is exclusive (PERSON_DOUBLE_COUNTED).
    combinable_roles: tuple[tuple[Role, Role], ...] = ()
    rules: dict[str, Any] = Field(default_factory=dict)  # raw overrides for params_for, applied last
    sections: tuple[Section, ...] = Field(min_length=1)

    def serves(self, spec: ApplicationSpec) -> int:
        """How many of ``spec``'s qualifications this checklist serves (0 when the type differs)."""
        if spec.application_type != self.application_type:
            return 0
        return len(set(spec.qualifications) & set(self.qualifications))

    def counted_roles(self) -> list[str]:
        roles = {g.role for s in self.sections for g in s.people}
        roles |= {role for table in self.headcount.values() for role in table}
        return [r for r in ROLES if r in roles]

    def overrides(self) -> dict[str, Any]:
        """The mapping for ``params_for(spec, overrides)``: what this checklist tells validation.

        Documents it requires (MISSING_DOCUMENT), head counts, exclusive roles, required fields;
        then its raw ``rules`` on top, so an explicit rule parameter always wins.
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
            "headcount": {q: dict(t) for q, t in self.headcount.items()},
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
        return parse_checklist(_decode(path), str(path))
    return _builtin(text_path)


def _decode(path: Path) -> str:
    """A user's checklist file as text: UTF-8 (with or without a BOM), or GB18030, which is what
    a Chinese Windows editor saves by default."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ChecklistError("checklist is neither UTF-8 nor GB18030 text", path=path,
                         reason_zh="清单文件不是文本文件（应为 UTF-8 或 GBK 编码的 YAML）")


@lru_cache(maxsize=None)
def _builtin(name: str) -> Checklist:
    if name not in list_checklists():
        raise ChecklistError(f"no built-in checklist {name!r}",
                             reason_zh=f"没有名为「{name}」的内置清单，可用：{'、'.join(list_checklists())}")
    source = resources.files(_BUILTIN_PACKAGE).joinpath(f"{name}.yaml")
    return parse_checklist(source.read_text(encoding="utf-8"), f"dossier/checklists/{name}.yaml")


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


class _Loader(yaml.SafeLoader):
    """Safe YAML without aliases: a checklist has no use for them, and ``*x`` nested ten deep
    expands to 10^10 strings (a "billion laughs") when validated."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, _NO_ALIASES, self.peek_event().start_mark)
        return super().compose_node(parent, index)


_NO_ALIASES = "aliases (*name) are not allowed in a checklist"


def parse_checklist(text: str, source: str) -> Checklist:
    """Parse and check checklist YAML ``text``; ``source`` names it in errors."""
    loader = None
    try:
        loader = _Loader(text)  # reads the text at once: a control character fails here
        node = loader.get_single_node()
        if node is None:
            raise ChecklistError("empty checklist", path=source, reason_zh="清单文件为空")
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"第 {mark.line + 1} 行：" if mark else ""
        problem = "不允许使用 YAML 别名（*名称）" if exc.problem == _NO_ALIASES else f"YAML 语法错误（{exc.problem}）"
        raise ChecklistError(f"YAML syntax error: {exc}", path=source, reason_zh=f"{line}{problem}") from exc
    except yaml.YAMLError as exc:  # e.g. ReaderError: a control character, which YAML forbids
        raise ChecklistError(f"not YAML text: {exc}", path=source,
                             reason_zh=f"清单文件含有不允许的字符（{exc}）") from exc
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        raise ChecklistError("a checklist must be a mapping", path=source,
                             reason_zh=f"第 {node.start_mark.line + 1} 行：清单应为键值映射")
    try:
        checklist = Checklist.model_validate(data)
    except ValidationError as exc:
        raise _located(exc.errors()[0], node, source, len(exc.errors())) from exc
    _check_rules(checklist, node, source)
    return checklist


def _check_rules(checklist: Checklist, root: yaml.Node, source: str) -> None:
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
        # Validation sees the merged mapping: head counts come from the checklist's own key,
        # everything else from `rules` (or, failing that, from what the checklist derived).
        loc = loc if loc[:1] == ("headcount",) else ("rules", *loc)
        raise _located({**error, "loc": loc}, root, source, len(cause.errors())) from exc


def _located(error: dict, root: yaml.Node, source: str, total: int) -> ChecklistError:
    line = _line_of(root, error["loc"])
    where = ".".join(str(part) for part in error["loc"])
    more = f"（另有 {total - 1} 处错误）" if total > 1 else ""
    return ChecklistError(f"line {line}: {where}: {error['msg']}", path=source,
                          reason_zh=f"第 {line} 行：{where}：{_message_zh(error)}{more}")


def _line_of(root: yaml.Node, loc: tuple) -> int:
    """The 1-based line of the deepest node ``loc`` reaches (a missing key: its parent's line)."""
    node, line = root, root.start_mark.line
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if match is None:
                break
            # The key's line: for a nested mapping the value starts on the next line.
            line, node = match[0].start_mark.line, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line
        else:
            break
    return line + 1


_MESSAGES_ZH = {
    "missing": "缺少必填项",
    "extra_forbidden": "未知的键（请检查拼写）",
    "literal_error": "取值无效",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "string_type": "应为文字",
    "greater_than_equal": "数值过小",
    "too_short": "不能为空",
    "string_pattern_mismatch": "格式不符（只用小写字母、数字和连字符）",
    "dict_type": "应为键值映射",
    "list_type": "应为列表",
    "tuple_type": "应为列表",
    "enum": "取值无效",
}


def _message_zh(error: dict) -> str:
    if error["type"] == "value_error":  # our own validators already speak Chinese
        return str(error["ctx"]["error"])
    zh = _MESSAGES_ZH.get(error["type"])
    return f"{zh}（{error['msg']}）" if zh else error["msg"]
