"""The one YAML loader (``dossier.yamlfile``) and every path that reads YAML through it.

Each loader is fed the same hostile text: an alias must fail with a ConfigError naming the file
and the line, whichever of the six readers (application.yaml, checklists, document specs, ledger
rules, validation defaults, labels) took it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dossier.yamlfile as yamlfile
from dossier.assemble import checklist as checklists
from dossier.cli import app
from dossier.config import Settings
from dossier.errors import ChecklistError, ConfigError
from dossier.extract import spec as docspecs
from dossier.intake.ingest import ingest_paths
from dossier.intake.spec import load_spec
from dossier.ledger import rules as ledger_rules
from dossier.store import repo
from dossier.store.db import init_db
from dossier.validate import messages, params
from dossier.yamlfile import MAX_BYTES, parse_yaml, read_yaml
from test_intake import SPEC

# Line 3 holds the first anchor: the loader stops there, before anything is expanded.
ALIASES = "a: 1\nb: 2\nx0: &x0 [lol, lol, lol]\nx1: &x1 [*x0, *x0, *x0]\nx2: [*x1, *x1, *x1]\n"


# --- every loader ------------------------------------------------------------------------------


def _package_file(monkeypatch, tmp_path: Path) -> None:
    """Package data is read from ``tmp_path`` (files named as in the package)."""

    class Files:
        @staticmethod
        def files(package: str) -> Path:
            return tmp_path

    monkeypatch.setattr(yamlfile, "resources", Files)


def _application(path: Path, monkeypatch, tmp_path) -> object:
    return load_spec(path)


def _checklist_file(path: Path, monkeypatch, tmp_path) -> object:
    return checklists.load_checklist(path)


def _checklist_text(path: Path, monkeypatch, tmp_path) -> object:
    return checklists.parse_checklist(path.read_text(encoding="utf-8"), str(path))


def _builtin_checklist(path: Path, monkeypatch, tmp_path) -> object:
    _package_file(monkeypatch, tmp_path)
    return checklists._builtin.__wrapped__(path.stem)


def _document_spec(path: Path, monkeypatch, tmp_path) -> object:
    return docspecs.load_spec_file(path)


def _pattern_library(path: Path, monkeypatch, tmp_path) -> object:
    monkeypatch.setattr(docspecs, "_spec_dir", lambda: tmp_path)
    return docspecs.pattern_library.__wrapped__()


def _ledger_rules_file(path: Path, monkeypatch, tmp_path) -> object:
    return ledger_rules.load_rules(path)


def _shipped_ledger_rules(path: Path, monkeypatch, tmp_path) -> object:
    _package_file(monkeypatch, tmp_path)
    return ledger_rules._shipped.__wrapped__()


def _rule_defaults(path: Path, monkeypatch, tmp_path) -> object:
    _package_file(monkeypatch, tmp_path)
    return params.load_defaults.__wrapped__()


def _labels(path: Path, monkeypatch, tmp_path) -> object:
    _package_file(monkeypatch, tmp_path)
    return messages._labels.__wrapped__()


LOADERS: dict[str, tuple[str, Callable]] = {
    "application.yaml": ("application.yaml", _application),
    "checklist file": ("清单.yaml", _checklist_file),
    "checklist text": ("清单.yaml", _checklist_text),
    "built-in checklist": ("gc-building-new.yaml", _builtin_checklist),
    "document spec": ("business_license.yaml", _document_spec),
    "spec patterns": ("_patterns.yaml", _pattern_library),
    "ledger rules file": ("rules.yaml", _ledger_rules_file),
    "shipped ledger rules": ("rules.yaml", _shipped_ledger_rules),
    "rule defaults": ("defaults.yaml", _rule_defaults),
    "labels": ("labels.yaml", _labels),
}


def _load(kind: str, text: str | bytes, monkeypatch, tmp_path) -> ConfigError:
    name, loader = LOADERS[kind]
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(ConfigError) as err:
        loader(path, monkeypatch, tmp_path)
    assert name in err.value.user_message
    return err.value


@pytest.mark.parametrize("kind", LOADERS)
def test_every_loader_refuses_aliases_naming_file_and_line(kind, monkeypatch, tmp_path):
    error = _load(kind, ALIASES, monkeypatch, tmp_path)
    assert error.reason_zh.startswith("第 3 行第 5 列："), error.reason_zh
    assert "别名" in error.reason_zh and "&/*" in error.reason_zh
    assert isinstance(error, ChecklistError) == ("checklist" in kind)


@pytest.mark.parametrize("kind", LOADERS)
def test_every_loader_refuses_duplicate_keys(kind, monkeypatch, tmp_path):
    error = _load(kind, "a: 1\nb:\n  c: 1\n  c: 2\n", monkeypatch, tmp_path)
    assert error.reason_zh.startswith("第 4 行第 3 列："), error.reason_zh
    assert "「c」重复" in error.reason_zh and "第 3 行" in error.reason_zh


@pytest.mark.parametrize("kind", LOADERS)
def test_every_loader_refuses_a_file_over_the_limit(kind, monkeypatch, tmp_path):
    error = _load(kind, "a: " + "x" * MAX_BYTES + "\n", monkeypatch, tmp_path)
    assert "文件过大" in error.reason_zh


@pytest.mark.parametrize("kind", LOADERS)
def test_every_loader_reports_a_syntax_error_with_file_and_line(kind, monkeypatch, tmp_path):
    error = _load(kind, "a: 1\nb: [unclosed\nc: 3\n", monkeypatch, tmp_path)
    assert error.reason_zh.startswith("第 3 行"), error.reason_zh
    assert "YAML 语法错误" in error.reason_zh


# --- the loader itself -------------------------------------------------------------------------


def test_an_alias_bomb_in_application_yaml_is_refused_before_it_grows(tmp_path):
    """300 bytes of nested aliases once became 580 KB of JSON in the database."""
    path = tmp_path / "application.yaml"
    lines = ["x0: &x0 [" + ", ".join(["lol"] * 10) + "]"]
    lines += [f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 10) + "]" for i in range(1, 9)]
    path.write_text(SPEC + "\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_spec(path)
    assert err.value.path == str(path) and "第 8 行" in err.value.reason_zh


def test_anchor_without_alias_is_refused_too():
    with pytest.raises(ConfigError, match="line 2, column 4"):
        parse_yaml("a: 1\nb: &keep 2\n", "x.yaml")


def test_duplicate_top_level_key_in_application_yaml_names_both_lines(tmp_path):
    path = tmp_path / "application.yaml"
    path.write_text(SPEC + "filing_date: 2027-01-01\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_spec(path)
    assert err.value.reason_zh == "第 8 行第 1 列：键「filing_date」重复（第 5 行已有）"


def test_oversize_is_refused_without_reading_the_whole_file(tmp_path, monkeypatch):
    path = tmp_path / "application.yaml"
    path.write_bytes(SPEC.encode() + b"#" * (3 * MAX_BYTES))
    sizes = []
    real = yamlfile.parse_yaml
    monkeypatch.setattr(yamlfile, "parse_yaml", lambda data, *a, **k: sizes.append(len(data)) or real(data, *a, **k))
    with pytest.raises(ConfigError, match="larger than"):
        read_yaml(path)
    assert sizes == [MAX_BYTES + 1]


def test_a_file_at_the_limit_is_read():
    text = "a: '" + "x" * (MAX_BYTES - 10) + "'\n"
    assert len(text) <= MAX_BYTES and parse_yaml(text, "x.yaml").data["a"].startswith("xxx")


def test_application_yaml_is_read_as_utf8_or_gbk_and_says_so_with_the_line(tmp_path):
    path = tmp_path / "application.yaml"
    path.write_bytes(SPEC.encode("gbk"))  # saved by Notepad on a Chinese Windows
    assert load_spec(path).spec.company_name == "北京华建建设工程有限公司"
    path.write_bytes(b"company_name: \xff\xfe\xff\n")  # neither
    with pytest.raises(ConfigError) as err:
        load_spec(path)
    assert err.value.reason_zh.startswith("第 1 行：不是 UTF-8 或 GBK/GB18030 编码的文本")
    path.write_bytes(b"\xef\xbb\xbf" + SPEC.encode("utf-8"))  # a BOM is fine
    assert load_spec(path).spec.company_name == "北京华建建设工程有限公司"


def test_a_checklist_falls_back_to_gbk_and_names_both_when_neither_fits(tmp_path):
    path = tmp_path / "清单.yaml"
    builtin = Path(checklists.__file__).parents[1] / "checklists" / "gc-building-new.yaml"
    path.write_bytes(builtin.read_text(encoding="utf-8").encode("gbk"))
    assert checklists.load_checklist(path).name == "gc-building-new"
    path.write_bytes(b"name: x\ntitle: \xff\xff\n")
    with pytest.raises(ChecklistError) as err:
        checklists.load_checklist(path)
    assert err.value.reason_zh.startswith("第 2 行：不是 UTF-8 或 GBK/GB18030 编码的文本")


@pytest.mark.parametrize("text, reason", [
    ("", "文件为空"),
    ("- a\n- b\n", "第 1 行：应为“键: 值”形式的映射"),
    ("a: 1\nb: \x1b\n", "第 2 行：含有不允许的控制字符（U+001B）"),
    ("a: 2026-13-45\n", "第 1 行第 4 列：日期无效：2026-13-45"),
    ("a: " + "[" * 200 + "]" * 200 + "\n", "第 1 行第 53 列：嵌套层次过深"),
    ("a: 1\n---\nb: 2\n", "第 2 行第 1 列：YAML 语法错误"),
    ("a: !!python/object/apply:os.system [ls]\n", "第 1 行第 4 列：YAML 语法错误"),
])
def test_other_refusals_say_where_and_why(text, reason):
    with pytest.raises(ConfigError) as err:
        parse_yaml(text, "x.yaml")
    assert err.value.reason_zh.startswith(reason), err.value.reason_zh
    assert err.value.path == "x.yaml"


def test_a_schema_error_in_application_yaml_names_its_line(tmp_path):
    path = tmp_path / "application.yaml"
    path.write_text(SPEC.replace("role: technical_lead", "role: boss"), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_spec(path)
    assert err.value.reason_zh.startswith("第 7 行：roster.0.role：取值无效"), err.value.reason_zh


def test_a_ledger_rules_error_names_its_line(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("kinds:\n  bad:\n    name_zh: x\n    doc_type: x\n    holder: nobody\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        ledger_rules.load_rules(path)
    assert err.value.reason_zh.startswith("第 5 行：kinds.bad.holder：取值无效"), err.value.reason_zh


def test_the_shipped_files_all_load():
    assert ledger_rules._shipped.__wrapped__().kinds
    assert params.load_defaults.__wrapped__() and messages._labels.__wrapped__()
    assert docspecs.load_specs() and docspecs.pattern_library.__wrapped__()
    assert all(checklists._builtin.__wrapped__(name) for name in checklists.list_checklists())


# --- application.yaml: unknown keys ------------------------------------------------------------

UNKNOWN = SPEC.replace("filing_date:", "legal_representative: 王五\nfiling_date:").replace(
    "role: technical_lead}", "role: technical_lead, phone: '13800000000'}")


def test_unknown_application_keys_are_warned_and_dropped(tmp_path, caplog):
    path = tmp_path / "application.yaml"
    path.write_text(UNKNOWN, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="dossier.intake.spec"):
        parsed = load_spec(path)
    assert parsed.warnings == (f"{path}：第 5 行：未知的键「legal_representative」，已忽略（请检查拼写）",
                               f"{path}：第 8 行：未知的键「roster.0.phone」，已忽略（请检查拼写）")
    assert "legal_representative" in caplog.text and "roster.0.phone" in caplog.text
    stored = parsed.spec.model_dump(mode="json")
    assert "legal_representative" not in stored and "phone" not in stored["roster"][0]
    assert load_spec(_write(tmp_path / "clean", SPEC)).warnings == ()


def _write(folder: Path, text: str) -> Path:
    folder.mkdir()
    (folder / "application.yaml").write_text(text, encoding="utf-8")
    return folder / "application.yaml"


def test_ingest_stores_no_unknown_key_and_returns_the_warnings(tmp_path, home):
    settings = Settings(home=home)
    folder = _write(tmp_path / "华建升级", UNKNOWN).parent
    results = ingest_paths([folder], "华建升级", settings)
    assert list(results) == [] and len(results.warnings) == 2
    assert "legal_representative" in results.warnings[0]
    db = init_db(settings)
    try:
        with db.session() as session:
            spec = repo.get_application(session, "华建升级").spec
    finally:
        db.dispose()
    # the keys the application model knows (optional ones included), never the unknown one
    assert "legal_representative" not in spec
    assert {"company_name", "uscc", "application_type", "qualifications", "filing_date", "roster"} <= set(spec)
    assert set(spec["roster"][0]) == {"name", "id_number", "role", "specialty"}
    assert "13800000000" not in json.dumps(spec)


@pytest.mark.parametrize("as_json", [False, True])
def test_dossier_ingest_prints_the_warnings(tmp_path, home, as_json):
    folder = _write(tmp_path / "华建升级", UNKNOWN).parent
    result = CliRunner().invoke(app, ["ingest", str(folder), *(["--json"] if as_json else [])])
    assert result.exit_code == 0, result.output
    assert "警告：" in result.output and "未知的键「legal_representative」" in result.output
    assert "未知的键「roster.0.phone」" in result.output
