"""ID numbers in file paths (issue 16, item 4): a file named after its holder's ID number
(``人员资料/陶福生/注册证书_420111198811262418.pdf``) is shown with the number masked in every list
page, list API, export and log line, as the values beside it are; only the document's own page
(and the original download) keep the real name."""

from __future__ import annotations

import io
import logging

import pytest
from openpyxl import load_workbook

from tests.web_support import FULL_ID, auth, make_site, module_site, serve

ID = "420111198811262418"  # 陶福生's, as the roster of sample-upgrade gives it
MASKED = "420111********2418"
CERTIFICATE = f"人员资料/陶福生/注册证书_{ID}.pdf"
CONTRACT = f"人员资料/{ID}_陶福生/劳动合同.pdf"  # a folder named after the number, too
APP = "/applications/sample-upgrade"


site, client = module_site("web-path-privacy", renames={ "人员资料/陶福生/注册证书.pdf": CERTIFICATE, "人员资料/陶福生/劳动合同.pdf": CONTRACT})


def no_full_id(text: str, where: str) -> None:
    found = FULL_ID.search(text)
    assert found is None, f"{where} shows the full ID number {found.group(0)}"


def test_lists_and_list_apis_mask_the_id_number_in_paths(client, site):
    headers = auth(site, "viewer")
    detail = client.get(f"/api{APP}", headers=headers).json()
    paths = [f["path"] for f in detail["files"]]
    assert f"人员资料/陶福生/注册证书_{MASKED}.pdf" in paths and f"人员资料/{MASKED}_陶福生/劳动合同.pdf" in paths
    evidence = [e["path"] for d in detail["discrepancies"] for e in d["evidence"] if e["path"]]
    assert any(MASKED in p for p in evidence), "no finding cites the renamed files: the test proves nothing"
    no_full_id(str(detail), "GET /api/applications/{app}")
    no_full_id(client.get(f"/api{APP}/discrepancies", headers=headers).text, "the discrepancy API")
    page = client.get(APP, headers=headers).text
    assert MASKED in page
    no_full_id(page, "the application page (documents and queue)")
    finding = next(d for d in detail["discrepancies"] if any(MASKED in (e["path"] or "") for e in d["evidence"]))
    # a finding's own page and API show the values in full (item 5), never the paths
    page = client.get(f"/discrepancies/{finding['id']}", headers=headers).text
    assert MASKED in page and CERTIFICATE not in page
    shown = client.get(f"/api/discrepancies/{finding['id']}", headers=headers).json()
    assert any(e["full_value"] == ID for e in shown["evidence"]), "the finding cites no ID number: proves nothing"
    for e in shown["evidence"]:
        e.pop("full_value")
    no_full_id(str(shown), "a finding's API besides its values")


def test_search_ledger_and_exports_mask_the_id_number_in_paths(client, site):
    headers = auth(site, "viewer")
    found = client.get("/api/search", params={"person": "陶福生"}, headers=headers).json()
    assert any(MASKED in h["file"] for h in found["hits"])
    no_full_id(str(found), "the search API")
    page = client.get("/search", params={"person": "陶福生"}, headers=headers).text
    assert MASKED in page
    no_full_id(page, "the search page")
    ledger = client.get("/api/ledger", headers=headers).json()
    assert any(MASKED in e["file"] for e in ledger["entries"])
    no_full_id(str(ledger), "the ledger API")
    no_full_id(client.get("/ledger", headers=headers).text, "the ledger page")
    params = {"company": "楚天建设工程", "qualification": "建筑工程施工总承包二级", "as_of": "2028-09-11"}
    no_full_id(str(client.get("/api/plan", params=params, headers=headers).json()), "the renewal plan API")
    sheet = client.get("/ledger/plan.xlsx", params=params, headers=headers)
    assert sheet.status_code == 200
    cells = [str(c) for row in load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True)
             for c in row if c is not None]
    assert any(MASKED in c for c in cells), "the task list names no renamed file: the test proves nothing"
    no_full_id(" ".join(cells), "the task list (Excel)")


def test_the_expiry_sheet_masks_paths_unless_ids_are_asked_for(site):
    from datetime import date

    from dossier.ledger.ledger import load_ledger
    from dossier.ledger.sheets import expiry_rows

    with site.db.session() as session:
        entries = load_ledger(session)
    pairs = [(e, e.status(date(2026, 12, 1))) for e in entries]
    masked = str(expiry_rows(pairs, as_of=date(2026, 12, 1)))
    assert MASKED in masked
    no_full_id(masked, "the expiry list (CSV / Excel)")
    assert ID in str(expiry_rows(pairs, as_of=date(2026, 12, 1), show_ids=True))


def test_the_documents_own_page_keeps_the_real_name(client, site):
    headers = auth(site, "viewer")
    files = client.get(f"/api{APP}", headers=headers).json()["files"]
    sha = next(f["sha256"] for f in files if f["path"] == f"人员资料/陶福生/注册证书_{MASKED}.pdf")
    assert f"注册证书_{ID}.pdf" in client.get(f"/documents/{sha}", headers=headers).text
    assert any(a["path"] == CERTIFICATE for a in client.get(f"/api/documents/{sha}", headers=headers).json()["applications"])


def test_log_lines_about_an_uploaded_file_are_masked(client, site, caplog):
    caplog.set_level(logging.INFO)
    path = f"人员资料/陶福生/身份证_{ID}.pdf"
    answer = client.post(f"/api{APP}/files", params={"path": path}, headers=auth(site, "reviewer"),
                         content=b"MZ\x90\x00" + b"\x00" * 200).json()  # not a PDF: quarantined
    assert answer["status"] == "quarantined"
    no_full_id(str(answer), "the upload's answer")
    # ours only: httpx logs the test client's own request URL, which no server writes
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("dossier")]
    assert any(MASKED in line for line in lines), lines
    for line in lines:
        no_full_id(line, "a log line")


def test_the_inbox_watchers_log_lines_are_masked_whatever_handler_writes_them(caplog):
    from dossier.workers import watcher

    caplog.set_level(logging.INFO)
    watcher.log.warning("%s changed while it was being stored", f"inbox/sample-upgrade/{CERTIFICATE}")
    assert caplog.records[-1].getMessage().endswith("changed while it was being stored")
    assert MASKED in caplog.records[-1].getMessage() and ID not in caplog.text
