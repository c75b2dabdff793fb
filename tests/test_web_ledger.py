"""The ledger (台账) and archive search in the web app: ``/api/ledger``, ``/api/expiring``,
``/api/search`` and the ``/ledger`` and ``/search`` pages, on sample-upgrade's born-digital files
(no OCR) plus a second company whose newest social-insurance statement no longer lists a
registered constructor."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date

from dossier.ledger.ledger import LedgerEntry
from dossier.model import ApplicationSpec
from dossier.web.schemas import LedgerEntryOut
from tests.ledger_builders import extracted, months, store
from tests.web_support import FULL_ID, auth, module_site

SVG = "{http://www.w3.org/2000/svg}"
TAO, SONG = "420111198811262418", "420102197710043231"  # sample-upgrade's 陶福生 and 宋明
OTHER = "武汉江城建筑有限公司"
LI, ZHANG = "110101199001011234", "110101198003071239"


def _other_company(site) -> None:
    """A second company: 李娜, its registered constructor, is insured until 2026-09 while its
    newest statement runs to 2026-11 (PERSON_LEFT)."""
    spec = ApplicationSpec(company_name=OTHER, uscc="91420100MA4K2B3C4D", application_type="renewal",
                           filing_date=date(2026, 12, 1),
                           roster=[{"name": "李娜", "id_number": LI, "role": "registered_constructor"}])

    def statement(label, period, people):
        rows = [{"name": name, "id_number": number, "insurance_types": ["养老"], "months": insured}
                for name, (number, insured) in people.items()]
        return extracted("social_insurance_record", {"company_name": OTHER, "uscc": spec.uscc,
                                                     "period_from": period[0], "period_to": period[1]},
                         rows, label=label)

    with site.db.session() as session:
        store(session, "江城延续", statement("江城社保上", ("2026-03", "2026-08"), {
            "李娜": (LI, months("2026-03", "2026-08")), "张伟": (ZHANG, months("2026-03", "2026-08"))}), spec=spec)
        store(session, "江城延续", statement("江城社保下", ("2026-06", "2026-11"), {
            "李娜": (LI, months("2026-06", "2026-09")), "张伟": (ZHANG, months("2026-06", "2026-11"))}))


site, client = module_site("web-ledger", prepare=_other_company, check=False)


def _by_kind_and_holder(entries: list[dict]) -> dict[tuple[str, str], dict]:
    return {(e["kind"], e["name"] or e["company"]): e for e in entries}


def test_the_new_routes_need_a_login(client):
    for url in ("/api/ledger", "/api/expiring?within=30", "/api/search?text=宋明"):
        for headers in ({}, {"Authorization": "Bearer not-a-token-at-all-0123456789"}):
            response = client.get(url, headers=headers)
            assert response.status_code == 401 and response.json()["reason_zh"], url
    for url in ("/ledger", "/search?text=宋明"):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=/")


def test_the_response_model_has_every_field_of_a_ledger_entry():
    assert set(LedgerEntryOut.model_fields) == set(LedgerEntry.model_fields) | {"status", "status_zh"}


def test_the_ledger_api_gives_each_entry_its_status_on_the_day_asked(client, site):
    # 陶福生's certificate printout is valid until 2027-04-17 (use it 30 days ahead: from 2027-03-18);
    # 周红军's until 2027-03-12; the company's qualification until 2029-03-11 (file 3 months ahead)
    statuses = {}
    for day in ("2027-03-17", "2027-03-18", "2028-12-11", "2028-12-12"):
        response = client.get("/api/ledger", params={"as_of": day}, headers=auth(site))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["as_of"] == day
        statuses[day] = _by_kind_and_holder(body["entries"])
    tao = statuses["2027-03-18"][("constructor_printout", "陶福生")]
    assert tao["valid_until"] == "2027-04-17" and tao["alert_from"] == "2027-03-18"
    assert (tao["status"], tao["status_zh"]) == ("start now", "立即启动")
    assert statuses["2027-03-17"][("constructor_printout", "陶福生")]["status"] == "ok"
    assert statuses["2027-03-18"][("constructor_printout", "周红军")]["status_zh"] == "已过期"
    assert statuses["2027-03-18"][("constructor_registration", "陶福生")]["status"] == "ok"
    qualification = ("qualification", "湖北楚天建设工程有限公司")
    assert statuses["2028-12-11"][qualification]["deadline"] == "2028-12-11"
    assert statuses["2028-12-11"][qualification]["status"] == "start now"
    assert (statuses["2028-12-12"][qualification]["status"], statuses["2028-12-12"][qualification]["status_zh"]) == (
        "late", "已过申报期")
    assert tao["id_number"] == "420111********2418" and tao["file"] == "人员资料/陶福生/注册证书.pdf"

    body = client.get("/api/ledger?as_of=2027-03-18", headers=auth(site)).json()
    assert not FULL_ID.search(json.dumps(body, ensure_ascii=False))
    left = [a for a in body["alerts"] if a["code"] == "PERSON_LEFT"]
    assert [(a["name"], a["company"], a["last_month"], a["newest_month"]) for a in left] == [
        ("李娜", OTHER, "2026-09", "2026-11")]
    assert "注册人员已离职或停保，请办理变更" in left[0]["message"] and left[0]["id_number"] == "110101********1234"
    assert any(a["code"] == "FREQUENT_CHANGES" and a["name"] == "钟辉" for a in body["alerts"])

    narrowed = client.get("/api/ledger?as_of=2027-03-18&within=30", headers=auth(site)).json()["entries"]
    assert {(e["kind"], e["name"]) for e in narrowed} == {("constructor_printout", "陶福生"),
                                                         ("constructor_printout", "周红军")}
    ours = client.get("/api/ledger", params={"company": OTHER}, headers=auth(site)).json()
    assert ours["entries"] == [] and {a["name"] for a in ours["alerts"]} == {"李娜"}
    assert client.get("/api/ledger?as_of=2027-13-01", headers=auth(site)).status_code == 400


def test_the_expiring_api_lists_the_most_urgent_first(client, site):
    response = client.get("/api/expiring", params={"within": 50, "as_of": "2027-03-01"}, headers=auth(site))
    assert response.status_code == 200
    listed = [(e["kind"], e["name"], e["status"]) for e in response.json()]
    assert listed == [("constructor_printout", "周红军", "start now"), ("constructor_printout", "陶福生", "ok")]
    default = client.get("/api/expiring?as_of=2026-12-01", headers=auth(site)).json()  # 180 days
    assert [e["name"] for e in default] == ["周红军", "陶福生"] and not FULL_ID.search(json.dumps(default))
    assert client.get("/api/expiring?within=-1", headers=auth(site)).status_code == 400


def test_the_ledger_page_draws_the_timeline_and_lists_expiries_and_alerts(client, site):
    page = client.get("/ledger", params={"as_of": "2027-03-18", "within": "30"}, headers=auth(site))
    assert page.status_code == 200
    html = page.text
    svg = ET.fromstring(re.search(r"<svg .*?</svg>", html, re.S).group(0))
    rows = svg.findall(f"{SVG}g")
    assert len(rows) == 5  # qualification, two registrations, two printouts (title certificates never expire)
    assert "所选日期 2027-03-18" in "".join(svg.itertext())
    expiring = html[html.index('id="expiring"'):html.index('id="alerts"')]
    assert expiring.count('<tr class="entry"') == 2
    assert 'data-status="start now"' in expiring and "立即启动" in expiring and "已过期" in expiring
    sha = client.get("/api/ledger", headers=auth(site)).json()["entries"]
    tao = next(e for e in sha if e["kind"] == "constructor_printout" and e["name"] == "陶福生")
    assert f'href="/documents/{tao["sha256"]}?app=sample-upgrade#page-1"' in expiring
    alerts = html[html.index('id="alerts"'):html.index('id="all-entries"')]
    assert "注册人员已离职或停保，请办理变更" in alerts and "变更频繁" in alerts and "离职或停保" in alerts
    assert "110101********1234" in alerts and "江城社保下.pdf" in alerts
    assert "420111********2418" in html and not FULL_ID.search(html)
    assert 'href="/ledger"' in html and 'href="/search"' in html  # in the nav

    wrong = client.get("/ledger?as_of=2027-02-30&within=abc", headers=auth(site))
    assert wrong.status_code == 400 and "日期格式应为 YYYY-MM-DD" in wrong.text and "天数应为" in wrong.text
    empty = client.get("/ledger?as_of=&within=&company=", headers=auth(site))  # the form sent empty
    assert empty.status_code == 200 and f"今天 {date.today().isoformat()}" in empty.text


def test_search_finds_a_two_character_name_with_ids_masked(client, site):
    found = client.get("/api/search", params={"text": "宋明"}, headers=auth(site))
    assert found.status_code == 200, found.text
    hits = {h["file"]: h for h in found.json()["hits"]}
    title = hits["人员资料/宋明/职称证书.pdf"]
    assert title["doc_type"] == "title_certificate" and "全文" in title["matched"]
    assert any("宋明" in line["text"] for line in title["lines"])
    assert "综合资料/社保缴费明细.pdf" in hits

    by_person = client.get("/api/search", params={"person": "宋明", "doc_type": "职称证书"}, headers=auth(site)).json()
    assert [(h["file"], h["id_number"]) for h in by_person["hits"]] == [("人员资料/宋明/职称证书.pdf", "420102********3231")]
    by_id = client.get("/api/search", params={"id_number": SONG}, headers=auth(site)).json()
    assert by_id["hits"] and not FULL_ID.search(json.dumps(by_id, ensure_ascii=False))
    lines = client.get("/api/search", params={"text": SONG[:10]}, headers=auth(site)).json()  # lines holding the ID
    assert any("420102********3231" in line["text"] for h in lines["hits"] for line in h["lines"])
    assert not FULL_ID.search(json.dumps(lines, ensure_ascii=False))

    bad = client.get("/api/search", params={"doc_type": "不存在的类型"}, headers=auth(site))
    assert bad.status_code == 400 and "无法确定文件类型" in bad.json()["reason_zh"]
    backwards = client.get("/api/search?date_from=2027-01-01&date_to=2026-01-01", headers=auth(site))
    assert backwards.status_code == 400 and backwards.json()["reason_zh"] == "起始日期晚于截止日期"


def test_the_search_page_shows_the_matching_line_and_links_the_document(client, site):
    assert "<table" not in client.get("/search", headers=auth(site)).text.split("</form>")[1]
    page = client.get("/search", params={"text": "宋明", "doc_type": "", "date_from": "", "application": ""},
                      headers=auth(site))
    assert page.status_code == 200
    html = page.text
    sha = next(h["sha256"] for h in client.get("/api/search?person=宋明&doc_type=title_certificate",
                                               headers=auth(site)).json()["hits"])
    row = re.search(rf'<tr class="hit" data-sha="{sha}">.*?</tr>', html, re.S).group(0)
    assert f'href="/documents/{sha}?app=sample-upgrade#page-1"' in row and "<mark>宋明</mark>" in row
    assert "420102********3231" in row and not FULL_ID.search(html)

    lines = client.get("/search", params={"text": SONG[:10]}, headers=auth(site)).text
    assert "420102********3231" in lines and not FULL_ID.search(lines)
    wrong = client.get("/search?date_from=2026-02-30", headers=auth(site))
    assert wrong.status_code == 400 and "起始日期格式应为 YYYY-MM-DD" in wrong.text
    unknown = client.get("/search?doc_type=nonsense", headers=auth(site))
    assert unknown.status_code == 400 and "无法确定文件类型" in unknown.text


def test_a_long_ledger_draws_only_the_soonest_rows_and_says_so(client, site, monkeypatch):
    from dossier.web.routes import ledger as routes

    monkeypatch.setattr(routes, "TIMELINE_ROWS", 2)
    html = client.get("/ledger?as_of=2027-03-18", headers=auth(site)).text
    svg = ET.fromstring(re.search(r"<svg .*?</svg>", html, re.S).group(0))
    labels = [row.find(f"{SVG}title").text for row in svg.findall(f"{SVG}g")]
    assert len(labels) == 2 and labels[0].startswith("周红军") and labels[1].startswith("陶福生")
    assert "共 5 项有有效期，时间线只画出 2027-03-18 前一年起最早到期的 2 项" in html
    assert html.count('<tr class="entry"') == 2 + 7  # the lists are whole: expiring, then every entry
