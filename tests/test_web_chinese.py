"""The web UI speaks Chinese to the people who use it (issue 16, item 8): field labels and table
headers, audit actions and objects, checklist titles, finding kinds, severities in words as well
as colours, and no command-line wording (``--draft``, ``dossier user add``) anywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from dossier.validate.messages import field_label
from tests.web_support import auth, make_site, module_site, serve

SPECS = Path(__file__).resolve().parent.parent / "dossier" / "extract" / "specs"
COMMAND_LINE = re.compile(r"--[a-z]{3,}|dossier (?:user|remind|restore|build|ingest|serve)\b")
PAGES = ("/", "/applications/sample-upgrade", "/audit", "/ledger", "/search?text=宋明", "/notify/channels")


site, client = module_site("web-chinese")


def visible(html: str) -> str:
    """The text a reader sees: no tags, no attribute values, no script."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html))


def test_every_field_an_extraction_spec_reads_has_a_chinese_label():
    unnamed = []
    for path in sorted(SPECS.glob("[!_]*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        names = [*(spec.get("fields") or {}), *((spec.get("table") or {}).get("columns") or {})]
        unnamed += [f"{spec['doc_type']}.{n}" for n in names if field_label(spec["doc_type"], n) == n]
    assert not unnamed, unnamed
    assert field_label("social_insurance_record", "months") == "缴费月份"


def test_statement_rows_have_chinese_headers(client, site):
    files = client.get("/api/applications/sample-upgrade", headers=auth(site)).json()["files"]
    sha = next(f["sha256"] for f in files if f["doc_type"] == "social_insurance_record")
    html = client.get(f"/documents/{sha}", headers=auth(site)).text
    records = html.split('class="list records"')[1].split("</thead>")[0]
    assert re.findall(r"<th>([^<]*)</th>", records) == ["姓名", "身份证号", "险种", "缴费月份"]


def test_the_audit_trail_names_actions_and_objects_in_words(client, site):
    assert client.post("/login", data={"token": site.tokens["reviewer"]}, follow_redirects=False).status_code == 303
    client.cookies.clear()
    events = client.get("/api/audit", headers=auth(site)).json()
    login = next(e for e in events if e["action"] == "user.login")
    assert login["action_zh"] == "登录" and login["object_label"] == "用户「reviewer-user」"
    received = next(e for e in events if e["action"] == "document.received")
    assert received["object_label"].startswith("文件「") and received["object_href"].startswith("/documents/")
    assert re.fullmatch(r"[0-9a-f]{64}", received["object"].split(":")[1])  # the record keeps the hash
    page = visible(client.get("/audit", headers=auth(site)).text)
    assert "登录" in page and "核验" in page and "收到文件" in page
    assert not re.search(r"\b(user\.login|document\.received|check)\b", page)
    assert not re.search(r"[0-9a-f]{64}", page)


def test_checklists_findings_and_severities_are_named_in_words(client, site):
    html = client.get("/applications/sample-upgrade", headers=auth(site, "admin")).text
    assert "建筑工程施工总承包二级资质升级申请材料清单" in html
    assert not re.search(r">\s*gc-building-[a-z]+\s*<", html), "a checklist shown by its file name"
    text = visible(html)
    assert re.search(r"阻断 \d+", text) and re.search(r"警告 \d+", text)
    assert "AGE_LIMIT" not in text and "ID_CHECKSUM" not in text  # the kinds are in words
    listing = visible(client.get("/", headers=auth(site)).text)
    assert re.search(r"阻断 \d+", listing) and re.search(r"提示 \d+", listing)


def test_no_page_speaks_command_line(client, site):
    for url in PAGES:
        text = visible(client.get(url, headers=auth(site, "admin")).text)
        assert not COMMAND_LINE.search(text), (url, COMMAND_LINE.search(text).group(0))
    assert not COMMAND_LINE.search(visible(client.get("/login").text))
    refused = client.post("/api/applications/sample-upgrade/build", headers=auth(site, "admin"), json={})
    assert refused.status_code == 409
    reason = refused.json()["reason_zh"]
    assert "勾选“草稿”" in reason and not COMMAND_LINE.search(reason)
