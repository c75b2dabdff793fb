"""The one way this package reads a YAML file, whether a user wrote it or the package ships it.

``application.yaml``, checklists, document-type specs, ledger rules, rule defaults and labels all
come through ``read_yaml`` (a file), ``read_package_yaml`` (package data) or ``parse_yaml`` (text
already in hand). Every one of them is a mapping, and none has a use for what YAML offers beyond
plain data, so the loader refuses:

- aliases and anchors (``&x`` / ``*x``): ten nested aliases in 300 bytes expand to millions of
  strings once validated or stored as JSON (a "billion laughs");
- duplicate keys in a mapping: PyYAML keeps the last one silently, so a roster person or a rule
  parameter written twice would lose the first without a word;
- nesting deeper than ``MAX_DEPTH`` (the composer recurses: a megabyte of ``[`` would end in a
  RecursionError instead of an error naming the file);
- files larger than ``MAX_BYTES`` (see there).

Every refusal, syntax error, encoding error and (through ``YamlFile.validate``) schema error is a
``ConfigError`` (or the subclass the caller names, e.g. ``ChecklistError``) whose ``path`` names
the file and whose ``reason_zh`` starts with the line (and, where YAML knows it, the column):
``第 3 行第 5 列：不允许使用 YAML 别名或锚点（&/*）``.

This module sits beside ``errors`` and ``model`` below every layer: it imports neither extract,
validate, assemble nor store, so each of them may use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from dossier.errors import ConfigError

# 1 MiB. The largest file the package ships is defaults.yaml at under 10 KB; a roster person in
# application.yaml is about 100 bytes, so 1 MiB holds some 10,000 people, far more than any
# filing lists. Anything bigger is no hand-written configuration (a scan or a log saved under
# the wrong name, or a crafted file): PyYAML, pure Python here, needs seconds per megabyte and
# holds every node in memory before anything can look at the content, and an application.yaml
# is stored in the database as JSON.
MAX_BYTES = 1 << 20
# Deepest nesting accepted; the deepest shipped files (the checklists) nest 9 levels.
MAX_DEPTH = 50

UTF8 = ("utf-8-sig",)
# What a Chinese Windows editor saves by default (GBK is a subset of GB18030), tried after UTF-8.
UTF8_OR_GB18030 = ("utf-8-sig", "gb18030")

M = TypeVar("M", bound=BaseModel)


class _Refused(yaml.MarkedYAMLError):
    """Something the loader refuses on purpose; ``reason_zh`` says what, without the line."""

    def __init__(self, mark: yaml.Mark, problem: str, reason_zh: str):
        super().__init__(problem=problem, problem_mark=mark)
        self.reason_zh = reason_zh


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases, anchors, duplicate keys or deep nesting."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(event.start_mark, "aliases and anchors are not allowed",
                           "不允许使用 YAML 别名或锚点（&/*），请把内容直接写出")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(event.start_mark, f"nested deeper than {MAX_DEPTH} levels",
                               f"嵌套层次过深（上限 {MAX_DEPTH} 层）")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, yaml.Node] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node)
                except TypeError:  # an unhashable key: the base class says so
                    continue
                if first is not key_node:
                    raise _Refused(key_node.start_mark, f"duplicate key {key!r}",
                                   f"键「{key}」重复（第 {first.start_mark.line + 1} 行已有）")
        return super().construct_mapping(node, deep)

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:  # 2026-13-45 looks like a date to YAML but is none
            raise _Refused(node.start_mark, f"invalid date {node.value!r}: {exc}",
                           f"日期无效：{node.value}") from exc


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


@dataclass(frozen=True)
class YamlFile:
    """A parsed YAML mapping with the nodes it came from, to name lines in later errors.

    ``source`` names the file in errors; ``error`` is the ConfigError class raised for it.
    """

    source: str
    data: dict[Any, Any]
    root: yaml.MappingNode
    error: type[ConfigError] = ConfigError

    def line_of(self, loc: Sequence[str | int]) -> int:
        """The 1-based line of the deepest node ``loc`` reaches (a missing key: its parent's)."""
        node: yaml.Node = self.root
        line = node.start_mark.line
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

    def validate(self, model: type[M]) -> M:
        """``data`` as ``model``; the first schema error located by its line."""
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            raise self.invalid(exc.errors()[0], len(exc.errors())) from exc

    def invalid(self, error: dict, total: int = 1) -> ConfigError:
        """The error for one pydantic error (``loc`` into ``data``), with its line."""
        line = self.line_of(error["loc"])
        where = ".".join(str(part) for part in error["loc"]) or "（顶层）"
        more = f"（另有 {total - 1} 处错误）" if total > 1 else ""
        return self.error(f"line {line}: {where}: {error['msg']}", path=self.source,
                          reason_zh=f"第 {line} 行：{where}：{_message_zh(error)}{more}")


def read_yaml(path: str | Path, *, encodings: Sequence[str] = UTF8, max_bytes: int = MAX_BYTES,
              error: type[ConfigError] = ConfigError) -> YamlFile:
    """Read the YAML mapping in file ``path`` (named as given in errors)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", path=path,
                    reason_zh=f"无法读取文件（{exc.strerror or exc}）") from exc
    return parse_yaml(data, str(path), encodings=encodings, max_bytes=max_bytes, error=error)


def read_package_yaml(package: str, name: str, *, error: type[ConfigError] = ConfigError) -> YamlFile:
    """Read the YAML mapping ``name`` shipped in ``package`` (``dossier.validate``, say)."""
    data = resources.files(package).joinpath(name).read_bytes()
    return parse_yaml(data, f"{package.replace('.', '/')}/{name}", error=error)


def parse_yaml(text: str | bytes, source: str, *, encodings: Sequence[str] = UTF8,
               max_bytes: int = MAX_BYTES, error: type[ConfigError] = ConfigError) -> YamlFile:
    """Parse YAML ``text`` (bytes are decoded with the first of ``encodings`` that fits);
    ``source`` names it in errors. Raises ``error`` unless it is a mapping."""
    size = len(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise error(f"larger than {max_bytes} bytes", path=source,
                    reason_zh=f"文件过大（上限 {max_bytes // 1024} KB），不像是手写的 YAML 配置文件")
    if isinstance(text, bytes):
        text = _decode(text, source, encodings, error)
    loader = None
    try:
        loader = _Loader(text)  # reads the text at once: a control character fails here
        root = loader.get_single_node()
        if root is None:
            raise error("empty YAML file", path=source, reason_zh="文件为空")
        if not isinstance(root, yaml.MappingNode):
            raise error("must be a mapping of keys to values", path=source,
                        reason_zh=f"第 {root.start_mark.line + 1} 行：应为“键: 值”形式的映射")
        data = loader.construct_document(root)
    except _Refused as exc:
        raise error(f"{_where(exc.problem_mark)}: {exc.problem}", path=source,
                    reason_zh=f"{_where_zh(exc.problem_mark)}：{exc.reason_zh}") from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise error(f"{_where(mark)}: YAML syntax error: {exc.problem}", path=source,
                    reason_zh=f"{_where_zh(mark)}：YAML 语法错误（{exc.problem}）") from exc
    except yaml.reader.ReaderError as exc:  # a control character, which YAML forbids
        line = text.count("\n", 0, exc.position) + 1
        raise error(f"line {line}: character U+{exc.character:04X} is not allowed in YAML", path=source,
                    reason_zh=f"第 {line} 行：含有不允许的控制字符（U+{exc.character:04X}）") from exc
    except yaml.YAMLError as exc:
        raise error(f"YAML error: {exc}", path=source, reason_zh=f"YAML 格式错误（{exc}）") from exc
    finally:
        if loader is not None:
            loader.dispose()
    return YamlFile(source=source, data=data, root=root, error=error)


def _decode(data: bytes, source: str, encodings: Sequence[str], error: type[ConfigError]) -> str:
    first: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            first = first or exc
    line = data.count(b"\n", 0, first.start) + 1 if first else 1
    names = [_ENCODING_NAMES.get(e, e) for e in encodings]
    raise error(f"line {line}: not {' or '.join(names)} text", path=source,
                reason_zh=f"第 {line} 行：不是 {' 或 '.join(names)} 编码的文本（请以 UTF-8 编码保存）") from first


_ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "gb18030": "GBK/GB18030"}


def _where(mark: yaml.Mark | None) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"


def _where_zh(mark: yaml.Mark | None) -> str:
    return f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else "位置不明"


_MESSAGES_ZH = {
    "missing": "缺少必填项",
    "extra_forbidden": "未知的键（请检查拼写）",
    "literal_error": "取值无效",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文字",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "greater_than_equal": "数值过小",
    "too_short": "不能为空",
    "string_pattern_mismatch": "格式不符",
    "dict_type": "应为键值映射",
    "model_type": "应为键值映射",
    "list_type": "应为列表",
    "tuple_type": "应为列表",
    "enum": "取值无效",
}


def _message_zh(error: dict) -> str:
    if error["type"] == "value_error":  # our own validators already speak Chinese
        return str(error["ctx"]["error"])
    zh = _MESSAGES_ZH.get(error["type"])
    return f"{zh}（{error['msg']}）" if zh else error["msg"]
