"""`dossier extract --json`: the public contract (JSON Lines, exit status) on real files."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from conftest import FIXTURES
from dossier.cli import app

CONTRACT_KEYS = {"file", "sha256", "doc_type", "doc_type_confidence", "pages", "fields", "records", "errors"}


def test_extract_json_lines_follow_the_contract_and_bad_files_do_not_stop_the_others(home, tmp_path):
    good = FIXTURES / "sample-clean" / "人员资料" / "白涛" / "劳动合同.pdf"
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    result = CliRunner().invoke(app, ["extract", str(good), str(empty), "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert all(set(row) == CONTRACT_KEYS for row in rows)
    doc = next(row for row in rows if row["file"] == str(good))
    assert doc["doc_type"] == "labor_contract" and doc["pages"] == 2
    assert doc["fields"]["id_number"]["value"] == "420111199507017199"
    assert set(doc["fields"]["name"]) == {"value", "confidence", "page", "bbox"}
    bad = next(row for row in rows if row["file"] == str(empty))
    assert bad["errors"] and "空文件" in bad["errors"][0]


def test_extract_exits_non_zero_when_every_file_fails(home, tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    result = CliRunner().invoke(app, ["extract", str(empty), "--json"])
    assert result.exit_code != 0
