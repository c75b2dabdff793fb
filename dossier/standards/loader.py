"""Loading qualification standards: the shipped files, a company's own, and the vocabulary.

``standards(extra)`` is the one way to get the standards in use: every shipped file
(``dossier/standards/data/*.yaml``) with a company's own files (``extra``) replacing the shipped
one of the same category and regime. Adding a category is adding a file; every file, shipped or
not, goes through the same schema (``dossier.standards.schema``) and the same cross-checks here
(its regime is known, its attributes are named in ``attributes.yaml``), and an error names the
file and the line (``第 N 行：…``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator

from dossier.errors import StandardError
from dossier.standards.schema import CONFIDENCE_ZH, Confidence, Level, ProjectKind, Standard
from dossier.yamlfile import UTF8_OR_GB18030, YamlFile, read_package_yaml, read_yaml

_PACKAGE = "dossier.standards"
_DATA = "data"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Regime(_Strict):
    title: str
    in_force_from: date | None = None
    confidence: Confidence
    note: str = ""


class Regimes(_Strict):
    default: str
    regimes: dict[str, Regime]

    @model_validator(mode="after")
    def _default_known(self) -> Regimes:
        if self.default not in self.regimes:
            raise ValueError(f"默认规则「{self.default}」不在 regimes 中")
        return self


class Attribute(_Strict):
    """A project attribute: its name and unit in messages, and the (doc_type, field) pairs it is
    read from, first found first."""

    title: str
    unit: str
    fields: tuple[tuple[str, str], ...] = ()
    single_building: bool = False  # a value for several buildings together says nothing of one


class Vocabulary(_Strict):
    attributes: dict[str, Attribute]
    kinds: dict[ProjectKind, tuple[str, ...]]


@lru_cache(maxsize=1)
def regimes() -> Regimes:
    """The rule sets (``regimes.yaml``) and which one is in force by default."""
    return read_package_yaml(_PACKAGE, "regimes.yaml", error=StandardError).validate(Regimes)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The project attributes and kinds the standards may speak of (``attributes.yaml``)."""
    return read_package_yaml(_PACKAGE, "attributes.yaml", error=StandardError).validate(Vocabulary)


def checked_regime(regime: str | None) -> str:
    """``regime`` when it is a known rule set, the default one when None; StandardError else."""
    known = regimes()
    if regime is None:
        return known.default
    if regime not in known.regimes:
        raise StandardError(f"unknown regime {regime!r}",
                            reason_zh=f"未知的资质标准规则「{regime}」，可用：{'、'.join(known.regimes)}")
    return regime


def parse_standard(document: YamlFile) -> Standard:
    """``document`` as a Standard; StandardError naming its line when the schema, the regime or
    an attribute is wrong."""
    standard = document.validate(Standard)
    if standard.regime not in regimes().regimes:
        raise document.invalid(_error(("regime",), f"未知的规则「{standard.regime}」，可用：{'、'.join(regimes().regimes)}"))
    known = vocabulary().attributes
    for loc, attribute in _attributes(standard):
        if attribute not in known:
            raise document.invalid(_error(loc, f"未知的工程指标「{attribute}」，可用：{'、'.join(known)}"))
    return standard


def load_standard_file(path: str | Path) -> Standard:
    """A company's own standard file (same schema and checks as the shipped ones)."""
    path = Path(path)
    if not path.is_file():
        raise StandardError(f"standard file not found: {path}", path=path, reason_zh="找不到资质标准文件")
    return parse_standard(read_yaml(path, encodings=UTF8_OR_GB18030, error=StandardError))


@lru_cache(maxsize=1)
def shipped_standards() -> tuple[Standard, ...]:
    """Every standard file shipped with the package, by file name."""
    folder = resources.files(_PACKAGE).joinpath(_DATA)
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".yaml"))
    return tuple(parse_standard(read_package_yaml(_PACKAGE, f"{_DATA}/{name}", error=StandardError))
                 for name in names)


class Standards:
    """The standards in use: shipped ones, replaced by a company's own of the same category and
    regime. Two files for one (category, regime) among ``own`` is an error: which one is meant?
    ``files`` (one per ``own`` standard, in order) are where they were read, so that an output
    can name the file its figures came from (``own_file``)."""

    def __init__(self, shipped: Iterable[Standard], own: Iterable[Standard] = (),
                 files: Iterable[str | Path] = ()):
        self._by_key: dict[tuple[str, str], Standard] = {(s.category, s.regime): s for s in shipped}
        self._files: dict[tuple[str, str], Path] = {}
        paths = [Path(p) for p in files]
        seen: set[tuple[str, str]] = set()
        for index, standard in enumerate(own):
            key = (standard.category, standard.regime)
            if key in seen:
                raise StandardError(f"two own standard files for {key}",
                                    reason_zh=f"同一资质类别和规则（{standard.category}，{standard.regime}）给了两个标准文件")
            seen.add(key)
            self._by_key[key] = standard
            if index < len(paths):
                self._files[key] = paths[index]

    def own_file(self, standard: Standard) -> str | None:
        """The file name of the company's own file ``standard`` was read from; None for a
        shipped one."""
        key = (standard.category, standard.regime)
        path = self._files.get(key) if self._by_key.get(key) is standard else None
        return path.name if path is not None else None

    def of_regime(self, regime: str) -> list[Standard]:
        """The categories' standards under ``regime``, longest category name first (so that a
        qualification name is matched by its most specific category)."""
        return sorted((s for (_, r), s in self._by_key.items() if r == regime),
                      key=lambda s: (-len(s.category), s.category))

    def categories(self) -> list[str]:
        """Every category some regime's standard describes."""
        return sorted({category for category, _ in self._by_key})

    def get(self, category: str, regime: str) -> Standard | None:
        return self._by_key.get((category, regime))

    def parse_qualification(self, name: str, regime: str) -> tuple[Standard, Level] | None:
        """建筑工程施工总承包二级 -> (its standard, 二级) under ``regime``; None when no standard
        of the regime names that category and level."""
        compact = "".join(name.split())
        for standard in self.of_regime(regime):
            if compact.startswith(standard.category):
                level = standard.level(compact[len(standard.category):])
                if level is not None:
                    return standard, level
        return None


def standards(own_files: Iterable[str | Path] = ()) -> Standards:
    """The standards in use: the shipped files with ``own_files`` (a company's own) replacing
    the shipped one of their category and regime."""
    files = list(own_files)
    return Standards(shipped_standards(), [load_standard_file(p) for p in files], files)


OWN_FILE_ZH = "企业自定标准文件"


def basis_zh(standard: Standard, own_file: str | None, confidence: Confidence) -> str:
    """Where a figure came from, for a message: ``资质标准 2014+2016，数值多源一致``, naming the
    company's own file when it is one (``资质标准 2014+2016，企业自定标准文件 x.yaml，数值未核实``)."""
    own = f"，{OWN_FILE_ZH} {own_file}" if own_file else ""
    return f"资质标准 {standard.regime}{own}，数值{CONFIDENCE_ZH[confidence]}"


def _error(loc: tuple, message: str) -> dict:
    return {"loc": loc, "msg": message, "type": "value_error", "ctx": {"error": message}}


def _attributes(standard: Standard) -> Iterator[tuple[tuple, str]]:
    """(location in the file, attribute) of every attribute ``standard`` names."""
    for i, lv in enumerate(standard.levels):
        if lv.performance:
            for j, klass in enumerate(lv.performance.classes):
                for k, criterion in enumerate(klass.criteria):
                    yield ("levels", i, "performance", "classes", j, "criteria", k, "attribute"), criterion.attribute
        for j, limit in enumerate(lv.scope):
            yield ("levels", i, "scope", j, "attribute"), limit.attribute
