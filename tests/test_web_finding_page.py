"""One finding's page (issue 16, items 5 and 8): the values read in full beside the crops, digit
by digit; a 社保 row cropped to that row; file facts and unreadable files shown without broken
images or correction forms."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tests.web_support import FULL_ID, auth, make_site, module_site, serve

LIN = "422801199501047258"  # 林福生's ID number as printed: its check digit is wrong (ID_CHECKSUM)
_CELLS = re.compile(r'<span class="idcells">(.*?)</span>\s*</p>', re.S)
_TAG = re.compile(r"<[^>]+>")


site, client = module_site("web-finding-page")


def open_finding(client, site, code: str) -> dict:
    queue = client.get("/api/applications/sample-upgrade/discrepancies", headers=auth(site)).json()
    listed = next(d for d in queue if d["code"] == code)
    return client.get(f"/api/discrepancies/{listed['id']}", headers=auth(site)).json()


def crop(client, site, evidence: dict) -> Image.Image:
    answer = client.get(evidence["image"], headers=auth(site))
    assert answer.status_code == 200
    return Image.open(io.BytesIO(answer.content))


def test_the_finding_page_shows_the_id_number_in_full_digit_by_digit_and_lists_stay_masked(client, site):
    finding = open_finding(client, site, "ID_CHECKSUM")
    assert {e["full_value"] for e in finding["evidence"] if e["field"].endswith("id_number")} == {LIN}
    page = client.get(f"/discrepancies/{finding['id']}", headers=auth(site)).text
    numbers = [_TAG.sub("", cells) for cells in _CELLS.findall(page)]
    assert len(numbers) == 3 and set(numbers) == {LIN}, numbers  # the roster's, the contract's, the statement's
    assert page.count('group-end"') == 3 * 3  # 6 | 8 | 3 | 1: region, birth date, sequence, check
    listed = client.get("/api/applications/sample-upgrade/discrepancies", headers=auth(site)).json()
    assert all(e["full_value"] is None for d in listed for e in d["evidence"])
    assert FULL_ID.search(client.get("/applications/sample-upgrade", headers=auth(site)).text) is None


def test_a_digit_that_differs_between_the_documents_is_marked(client, site):
    from dossier.web.views import EvidenceView, _mark_cells

    def evidence(value: str) -> EvidenceView:
        return EvidenceView(0, "a" * 64, "id_number", "身份证号", value, 1, False, True, None, None, full_value=value)

    both = [evidence(LIN), evidence(LIN[:10] + "9" + LIN[11:])]
    _mark_cells(both)
    assert [i for i, (_, differs) in enumerate(both[0].cells) if differs] == [10]


def test_a_statement_row_is_cropped_to_that_row_on_its_own_page(client, site):
    gap = open_finding(client, site, "SOCIAL_INSURANCE_GAP")
    row = next(e for e in gap["evidence"] if e["field"].startswith("records["))
    assert row["page"] == 2  # row 25 stands on the statement's second page, not its first
    image = crop(client, site, row)
    assert image.width > 8 * image.height, image.size  # a header and one row, not a page of 15 people
    checksum = open_finding(client, site, "ID_CHECKSUM")
    statement = next(e for e in checksum["evidence"] if e["field"].startswith("records["))
    assert statement["page"] == 1 and not statement["correctable"]
    image = crop(client, site, statement)
    assert image.width > 4 * image.height, image.size  # header and row, up to the number's column
    red = sum(1 for r, g, b in image.get_flattened_data() if r > 180 and g < 90 and b < 90)
    assert red > 50, "the cited cell is boxed"


def test_file_facts_show_the_page_once_and_offer_no_correction(client, site):
    tamper = open_finding(client, site, "TAMPER_SIGNS")
    assert len(tamper["evidence"]) >= 2
    assert [e["image"] is not None for e in tamper["evidence"]].count(True) == 1  # one page, once
    assert not any(e["correctable"] for e in tamper["evidence"])
    labels = {e["label"] for e in tamper["evidence"]}
    assert "生成软件" in labels and not any(label.startswith("file.") for label in labels)
    page = client.get(f"/discrepancies/{tamper['id']}", headers=auth(site, "reviewer")).text
    assert 'class="inline correct"' not in page and page.count('class="crop"') == 1
    assert "页面图像见同一文件的另一条证据" in page
    gender = open_finding(client, site, "ID_GENDER_MISMATCH")  # a value read: that one may be corrected
    assert 'class="inline correct"' in client.get(f"/discrepancies/{gender['id']}", headers=auth(site, "reviewer")).text


def test_a_file_that_is_no_document_has_no_image_and_no_correction(client, site):
    url = "/api/applications/sample-upgrade/files"
    note = client.post(url, params={"path": "说明.txt"}, headers=auth(site, "reviewer"),
                       content="请见附件。".encode() * 20)
    assert note.status_code == 200, note.text
    assert client.app.state.ctx.jobs.wait(timeout=120)
    finding = open_finding(client, site, "NOT_A_DOCUMENT")
    assert finding["subject_label"] == "说明.txt"  # the file, not its SHA-256
    assert all(e["image"] is None and not e["correctable"] for e in finding["evidence"])
    page = client.get(f"/discrepancies/{finding['id']}", headers=auth(site, "reviewer")).text
    assert "<img" not in page and "该文件没有可显示的页面图像" in page and "inline correct" not in page
    assert "对象：说明.txt" in page  # not its SHA-256
