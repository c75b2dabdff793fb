"""Search matches the folders and file name a document was filed under, and the README's own
example (``dossier search 光谷产业园 --type 合同``) finds the contract of that project (issue 16,
item 10). The project's contract here is a born-digital one moved into the 光谷产业园 folder: its
pages name another project, so only the folder can find it."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dossier.cli import app as cli
from tests.web_support import auth, make_site, module_site, serve

README = Path(__file__).resolve().parent.parent / "README.md"
CONTRACT = "工程业绩/项目二_光谷产业园厂房/施工合同.pdf"


site, client = module_site("web-search-names", check=False, renames={"工程业绩/项目一_锦绣华庭7#楼/施工合同.pdf": CONTRACT})


def readme_example() -> list[str]:
    line = next(line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("dossier search "))
    return shlex.split(line.split("#", 1)[0])[1:]


def test_the_readme_search_example_finds_the_projects_contract(site, monkeypatch):
    args = readme_example()
    assert args[:3] == ["search", "光谷产业园", "--type"], args
    monkeypatch.setenv("DOSSIER_HOME", str(site.settings.home))
    result = CliRunner().invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)["hits"]
    assert [(h["file"], h["doc_type"]) for h in hits] == [(CONTRACT, "project_contract")]
    assert hits[0]["matched"] == ["文件夹或文件名"]


def test_the_api_finds_by_folder_and_file_name_and_says_so(client, site):
    by_folder = client.get("/api/search", params={"text": "光谷产业园"}, headers=auth(site)).json()["hits"]
    assert {h["file"] for h in by_folder} == {CONTRACT, "工程业绩/项目二_光谷产业园厂房/竣工验收报告.pdf"}
    by_file = client.get("/api/search", params={"text": "职称证书"}, headers=auth(site)).json()["hits"]
    assert {h["file"] for h in by_file} >= {"人员资料/宋明/职称证书.pdf", "人员资料/梁宇/职称证书.pdf"}
    contracts = client.get("/api/search", params={"text": "光谷产业园", "doc_type": "合同"}, headers=auth(site)).json()
    assert [h["file"] for h in contracts["hits"]] == [CONTRACT]  # 合同: labour and project contracts alike
    page = client.get("/search", params={"text": "光谷产业园"}, headers=auth(site)).text
    assert "施工合同.pdf" in page and "文件夹或文件名" in page
