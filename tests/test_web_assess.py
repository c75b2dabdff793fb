"""``dossier assess`` in the web app: the API, the page and its Excel agree, ID numbers masked.

The data folder holds the born-digital files of sample-upgrade (``web_support.make_site``).
"""

from __future__ import annotations

import io

import pytest
from markupsafe import escape
from openpyxl import load_workbook

from tests.web_support import FULL_ID, auth, make_site, module_site, serve


site, client = module_site("web-assess", check=False)


def test_api_page_and_sheet_show_the_same_requirements(site, client):
    viewer = auth(site)
    data = client.get("/api/applications/sample-upgrade/assess", headers=viewer).json()
    assert data["target"] == "建筑工程施工总承包二级" and data["regime"] == "2014+2016"
    keys = [line["key"] for line in data["requirements"]]
    assert keys[:3] == ["net_assets", "technical_lead", "technical_lead_experience"] and "performance" in keys
    page = client.get("/applications/sample-upgrade/assess", headers=viewer)
    assert page.status_code == 200 and page.text.count('<tr class="requirement"') == len(keys)
    assert "多源一致" in page.text and not FULL_ID.search(page.text)
    sheet = client.get("/applications/sample-upgrade/assess.xlsx", headers=viewer)
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert [r[-1] for r in rows[2:]] == keys


def test_the_lowest_level_lists_head_counts_with_ids_masked(site, client):
    data = client.get("/api/applications/sample-upgrade/assess", params={"target": "建筑工程施工总承包三级"},
                      headers=auth(site)).json()
    (constructors,) = [line for line in data["requirements"] if line["key"] == "headcount.registered_constructor"]
    assert constructors["status"] == "short" and constructors["evidence"]
    assert not FULL_ID.search(str(data))


def test_a_target_without_a_standard_is_a_readable_error(site, client):
    wrong = client.get("/api/applications/sample-upgrade/assess", params={"target": "钢结构工程专业承包一级"},
                       headers=auth(site))
    assert wrong.status_code in (400, 422) and "钢结构工程专业承包一级" in wrong.json()["reason_zh"]
    assert client.get("/api/applications/sample-upgrade/assess").status_code == 401
    assert client.get("/api/applications/no-such/assess", headers=auth(site)).status_code == 404


def test_the_application_and_company_pages_link_the_assessment(site, client):
    viewer = auth(site)
    href = 'href="/applications/sample-upgrade/assess"'
    assert href in client.get("/applications/sample-upgrade", headers=viewer).text
    uscc = client.get("/api/applications/sample-upgrade", headers=viewer).json()["uscc"]
    company = client.get(f"/companies/{uscc}", headers=viewer)
    assert company.status_code == 200 and href in company.text
    assert client.get("/", headers=viewer).text.count("/assess") == 0  # the start page stays a list to act on


def test_money_is_shown_in_wan_yuan_to_two_decimals(site, client):
    # sample-upgrade's 2024 审计报告 states 净资产 51,240,118.62 yuan
    page = client.get("/applications/sample-upgrade/assess", headers=auth(site)).text
    assert "净资产 5124.01 万元" in page and "5124.011862" not in page
    assert "净资产不少于 4000 万元" in page  # a standard's round figure keeps no decimals


def test_the_application_page_shows_the_verdict_and_every_requirement(site, client):
    """Issue 18: "the web UI shows the same on the application page": the verdict and each
    requirement's status, what is required and what was found (the gap in words), from the model
    the API serves; the assessment's own page keeps the evidence, sources and the Excel."""
    import re

    viewer = auth(site)
    data = client.get("/api/applications/sample-upgrade/assess", headers=viewer).json()
    page = client.get("/applications/sample-upgrade", headers=viewer).text
    start = page.index('id="assessment"')
    section = page[start:page.index("</section>", start)]
    words = {"met": "满足", "short": "不满足", "unknown": "无法判断"}
    assert f'data-verdict="{data["verdict"]}"' in section and f"结论 " in section
    rows = re.findall(r'<tr class="requirement" data-key="([^"]+)" data-status="(\w+)">(.*?)</tr>', section, re.S)
    assert [(key, status) for key, status, _ in rows] == [(line["key"], line["status"]) for line in data["requirements"]]
    for (_, _, row), line in zip(rows, data["requirements"]):
        assert words[line["status"]] in row and line["title"] in row
        assert str(escape(line["required"])) in row and str(escape(line["found"])) in row
    assert "要求" in section and "标准要求" in section and "申报材料情况" in section
    assert 'href="/applications/sample-upgrade/assess"' in section and not FULL_ID.search(section)


def test_an_application_whose_qualification_has_no_standard_says_so_on_its_page(site, client):
    from unittest import mock

    from dossier.errors import StandardError

    failing = mock.patch("dossier.web.routes.applications.assess_application",
                         side_effect=StandardError("no standard", reason_zh="没有「钢结构工程专业承包一级」的资质标准"))
    with failing:
        page = client.get("/applications/sample-upgrade", headers=auth(site))
    assert page.status_code == 200
    start = page.text.index('id="assessment"')
    assert "没有「钢结构工程专业承包一级」的资质标准" in page.text[start:page.text.index("</section>", start)]
