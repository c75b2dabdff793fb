"""The progress API behind the upload box (issue 16, item 9): a file just uploaded is reported
stored, then being read with its pages read so far, then read with its pages and fields, then
with the open findings citing it once the application has been checked again."""

from __future__ import annotations

import pytest

from dossier.store import repo
from tests.conftest import FIXTURES
from tests.web_support import auth, make_site, module_site, serve

URL = "/api/applications/sample-upgrade"


site, _ = module_site("web-progress")


def test_a_new_file_is_followed_until_read_and_checked(site):
    with serve(site) as client:
        new = client.post(f"{URL}/files", params={"path": "人员资料/白涛/岗位证书.pdf"}, headers=auth(site, "reviewer"),
                          content=(FIXTURES / "sample-clean/人员资料/白涛/岗位证书.pdf").read_bytes()).json()
        known = client.get("/api/applications/sample-upgrade", headers=auth(site)).json()["files"]
        statement = next(f["sha256"] for f in known if f["path"] == "综合资料/社保缴费明细.pdf")
        assert client.app.state.ctx.jobs.wait(timeout=120)
        answer = client.get(f"{URL}/progress", params={"sha256": [new["sha256"], statement]}, headers=auth(site))
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["checking"] is False
        files = {f["sha256"]: f for f in body["files"]}
        read = files[new["sha256"]]
        assert (read["status"], read["status_zh"], read["doc_type_zh"]) == ("processed", "已识别", "职业技能等级证书")
        assert read["pages"] == 1 and read["fields"] > 3 and read["open_findings"] == 1
        # 白涛 is on sample-clean's roster, not sample-upgrade's: the one finding says so (issue 16, item 9)
        cites = client.get(f"{URL}/queue", params={"document": new["sha256"]}, headers=auth(site)).json()["items"]
        assert [f["code"] for f in cites] == ["PERSON_NOT_LISTED"] and "白涛" in cites[0]["message"]
        assert files[statement]["open_findings"] >= 2  # the findings citing a file once checked
        assert client.get(f"{URL}/progress", headers=auth(site)).status_code == 400  # which files, then?


def test_a_file_being_read_shows_its_pages_read_so_far(site):
    with serve(site) as client:
        known = client.get("/api/applications/sample-upgrade", headers=auth(site)).json()["files"]
        statement = next(f["sha256"] for f in known if f["path"] == "综合资料/社保缴费明细.pdf")
        with site.db.session() as session:  # a reader half way through it
            doc = repo.find_document(session, statement)
            doc.status = "received"
            session.flush()
            assert repo.claim_document(session, doc.id, by="reader", stale_after=30)
            repo.record_pages_read(session, doc.id, 1, 2, by="reader")
        try:
            [reading] = client.get(f"{URL}/progress", params={"sha256": statement}, headers=auth(site)).json()["files"]
        finally:
            with site.db.session() as session:
                doc = repo.find_document(session, statement)
                doc.status, doc.claimed_by, doc.claimed_at = "processed", None, None
        assert (reading["status_zh"], reading["pages_read"], reading["pages_to_read"]) == ("识别中", 1, 2)
        [read] = client.get(f"{URL}/progress", params={"sha256": statement}, headers=auth(site)).json()["files"]
        assert (read["status"], read["pages_read"], read["pages_to_read"]) == ("processed", None, None)
