"""Reading ``application.yaml``, the file that defines an application.

Only the keys ``ApplicationSpec`` and ``RosterEntry`` know are kept (and so stored): anything else
is most likely a misspelt key, which would otherwise sit unread in the database. Each unknown key
is logged and returned as a Chinese warning naming it and its line, for the caller to show.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from dossier.errors import StandardError
from dossier.model import ApplicationSpec, ProjectNote, RosterEntry
from dossier.standards.loader import checked_regime, load_standard_file, standards
from dossier.yamlfile import UTF8_OR_GB18030, YamlFile, read_yaml

log = logging.getLogger(__name__)


class SpecFile(BaseModel):
    """A parsed ``application.yaml``: the spec, and warnings (Chinese) about what was dropped."""

    model_config = ConfigDict(frozen=True)

    spec: ApplicationSpec
    warnings: tuple[str, ...] = ()


def load_spec(path: Path, *, own_standards: bool = True) -> SpecFile:
    """Parse and validate ``application.yaml``; ConfigError naming the file, the line and what is
    wrong. Unknown keys are left out of the spec and reported in ``warnings``. A file saved by a
    Chinese Windows editor (GBK) is read like a UTF-8 one.

    ``standards`` (a company's own qualification standard files) are resolved against the file's
    folder, checked now (an error names the entry's line and the standard's own) and kept as
    absolute paths, so that a later check finds them wherever it runs from. ``own_standards=False``
    (a file that came without its folder: a web upload) refuses the key: there is nothing to
    resolve it against, and a path on the server is not the uploader's to name."""
    document = read_yaml(path, encodings=UTF8_OR_GB18030)
    spec = document.validate(ApplicationSpec)
    try:
        checked_regime(spec.regime)
    except StandardError as exc:  # a misspelt regime would otherwise fail every later check
        raise document.invalid(_error(("regime",), exc.message, exc.reason_zh)) from exc
    if spec.standards and not own_standards:
        raise document.invalid(_error(("standards",), "own standard files cannot be given here",
                                      "上传的 application.yaml 不能引用资质标准文件（standards）："
                                      "请在存放标准文件的电脑上用 dossier ingest 登记申报项目"))
    spec = spec.model_copy(update={"standards": _own_standards(document, path.parent, spec.standards)})
    categories = standards(spec.standards).categories()
    for index, project in enumerate(spec.projects):
        if project.category is not None and project.category not in categories:
            # a misspelt category would hold no qualification: QUALIFICATION_NOT_HELD for nothing
            raise document.invalid(_error(("projects", index, "category"), f"unknown category {project.category!r}",
                                          f"未知的资质类别「{project.category}」，可用：{'、'.join(categories)}"))
    warnings = []
    for loc in _unknown_keys(document.data):
        where = ".".join(str(part) for part in loc)
        log.warning("%s: line %d: unknown key %s ignored", path, document.line_of(loc), where)
        warnings.append(f"{path}：第 {document.line_of(loc)} 行：未知的键「{where}」，已忽略（请检查拼写）")
    return SpecFile(spec=spec, warnings=tuple(warnings))


def _own_standards(document: YamlFile, folder: Path, given: list[str]) -> list[str]:
    """The absolute paths of ``given`` (relative to ``folder``), each file checked by the
    standards loader; ConfigError at the entry's line when one is missing or malformed, or when
    two are for the same category and regime."""
    resolved = []
    for index, entry in enumerate(given):
        file = (folder / entry).resolve()
        try:
            load_standard_file(file)
        except StandardError as exc:
            reason = f"资质标准文件 {entry}：{exc.reason_zh}"
            raise document.invalid(_error(("standards", index), exc.message, reason)) from exc
        resolved.append(str(file))
    try:
        standards(resolved)
    except StandardError as exc:
        raise document.invalid(_error(("standards",), exc.message, exc.reason_zh)) from exc
    return resolved


def _error(loc: tuple, message: str, reason_zh: str) -> dict:
    return {"loc": loc, "msg": message, "type": "value_error", "ctx": {"error": reason_zh}}


def _unknown_keys(data: dict) -> list[tuple[str | int, ...]]:
    """Where ``data`` (already valid as an ApplicationSpec) has keys the models do not know."""
    found: list[tuple[str | int, ...]] = [(key,) for key in data if key not in ApplicationSpec.model_fields]
    for index, entry in enumerate(data.get("roster") or []):
        found += [("roster", index, key) for key in entry if key not in RosterEntry.model_fields]
    for index, entry in enumerate(data.get("projects") or []):
        found += [("projects", index, key) for key in entry if key not in ProjectNote.model_fields]
    return found

