"""The REST API over HTTP (httpx through Starlette's TestClient): every endpoint needs a token,
roles are enforced, and each endpoint does what /docs says, on sample-upgrade's born-digital
files (no OCR)."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from fastapi.routing import APIRoute
from PIL import Image
from pypdf import PdfReader

from tests.web_support import FULL_ID, SAMPLE, auth, make_site, module_site, serve

PUBLIC = {("GET", "/login"), ("POST", "/login"), ("POST", "/logout")}


site, client = module_site("web-api")


def finding(client, site, code: str, path_part: str | None = None) -> dict:
    found = client.get("/api/applications/sample-upgrade/discrepancies", headers=auth(site, "viewer")).json()
    for d in found:
        if d["code"] == code and d["status"] == "open" and (
                path_part is None or any(path_part in (e["path"] or "") for e in d["evidence"])):
            return d
    raise AssertionError(f"no open {code} finding ({path_part}) among {[d['code'] for d in found]}")


def file_sha(client, site, path: str) -> str:
    files = client.get("/api/applications/sample-upgrade", headers=auth(site, "viewer")).json()["files"]
    return next(f["sha256"] for f in files if f["path"] == path)


# --- authentication and roles ---------------------------------------------------------------------


def _fill(path: str, sha: str) -> str:
    return (path.replace("{name}", "sample-upgrade").replace("{sha256}", sha).replace("{finding_id}", "1")
            .replace("{index}", "0").replace("{number}", "1").replace("{packet_id}", "1")
            .replace("{filename}", "packet.pdf"))


def _routes(routes):
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # FastAPI includes routers lazily (no prefix here)
            yield from _routes(route.original_router.routes)


def _endpoints(app):
    for route in _routes(app.routes):
        for method in sorted(route.methods - {"HEAD"}):
            if (method, route.path) not in PUBLIC:
                yield method, route.path


def test_every_endpoint_and_page_refuses_a_request_without_a_valid_token(client, site):
    sha = file_sha(client, site, "综合资料/资质证书副本.pdf")
    endpoints = list(_endpoints(client.app))
    assert len(endpoints) >= 25 and ("GET", "/docs") in endpoints and ("GET", "/openapi.json") in endpoints
    for method, path in endpoints:
        url = _fill(path, sha) + ("?path=x.pdf" if path.endswith("/files") else "")
        for headers in ({}, {"Authorization": "Bearer not-a-token-at-all-0123456789"},
                        {"Cookie": "dossier_session=wrong-token-0123456789abcdef"}):
            response = client.request(method, url, headers=headers, follow_redirects=False)
            if path.startswith("/api/") or path == "/openapi.json":
                assert response.status_code == 401, (method, path, headers, response.text)
                assert response.json()["reason_zh"], (method, path)
                assert response.headers["www-authenticate"] == "Bearer"
            else:  # a page: the browser goes to the login form and comes back afterwards
                assert response.status_code == 303, (method, path, response.status_code)
                assert response.headers["location"].startswith("/login?next=")


def test_a_revoked_token_stops_working_at_once(client, site):
    from dossier.store.users import add_user, revoke_user

    with site.db.session() as session:
        _, token = add_user(session, "temp-user", "admin")
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json() == \
        {"name": "temp-user", "role": "admin"}
    with site.db.session() as session:
        revoke_user(session, "temp-user")
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def _mutations(client, site):
    sha = file_sha(client, site, "人员资料/陶福生/注册证书.pdf")
    some = finding(client, site, "DATE_ORDER")["id"]
    return [
        ("POST", "/api/applications", {"json": {"name": "forbidden-app"}}, "reviewer"),
        ("POST", "/api/applications/sample-upgrade/files?path=x.pdf", {"content": b"%PDF-1.4 x"}, "reviewer"),
        ("POST", "/api/applications/sample-upgrade/check", {}, "reviewer"),
        ("POST", f"/api/discrepancies/{some}/review", {"json": {"action": "accept"}}, "reviewer"),
        ("PUT", f"/api/documents/{sha}/fields", {"json": {"first_page": 1, "field": "gender", "value": "男"}}, "reviewer"),
        ("POST", "/api/applications/sample-upgrade/build", {"json": {"draft": True}}, "admin"),
        ("DELETE", "/api/applications/sample-upgrade", {}, "admin"),
        ("DELETE", f"/api/applications/sample-upgrade/documents/{sha}", {}, "admin"),
    ]


def test_each_role_may_do_only_what_it_is_allowed(client, site):
    before = client.get("/api/applications/sample-upgrade", headers=auth(site, "admin")).json()
    for method, url, kwargs, needed in _mutations(client, site):
        lower = ["viewer"] if needed == "reviewer" else ["viewer", "reviewer"]
        for role in lower:
            response = client.request(method, url, headers=auth(site, role), **kwargs)
            assert response.status_code == 403, (role, method, url, response.text)
            assert "权限不足" in response.json()["reason_zh"]
    after = client.get("/api/applications/sample-upgrade", headers=auth(site, "admin")).json()
    assert after["files"] == before["files"] and after["discrepancies"] == before["discrepancies"]
    assert client.get("/api/applications", headers=auth(site, "viewer")).status_code == 200


def test_login_form_sets_a_strict_http_only_cookie_and_never_redirects_elsewhere(client, site):
    client.cookies.clear()
    wrong = client.post("/login", data={"token": "nope-nope-nope-nope-nope", "next": "/"}, follow_redirects=False)
    assert wrong.status_code == 401 and "令牌无效" in wrong.text
    ok = client.post("/login", data={"token": site.tokens["viewer"], "next": "//evil.example/x"},
                     follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/"
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert client.get("/", follow_redirects=False).status_code == 200
    assert client.post("/logout", follow_redirects=False).status_code == 303
    client.cookies.clear()


def test_a_cookie_cannot_be_used_from_another_site(client, site):
    client.cookies.clear()
    client.post("/login", data={"token": site.tokens["reviewer"], "next": "/"}, follow_redirects=False)
    url = "/api/applications/sample-upgrade/check"
    refused = client.post(url, headers={"Origin": "http://evil.example"})
    assert refused.status_code == 403 and "跨站" in refused.json()["reason_zh"]
    assert client.post(url, headers={"Origin": "http://testserver"}).status_code == 200
    client.cookies.clear()


# --- reading ----------------------------------------------------------------------------------


def test_applications_list_counts_documents_findings_and_missing_items(client, site):
    [app] = client.get("/api/applications", headers=auth(site, "viewer")).json()
    assert app["name"] == "sample-upgrade" and app["company_name"] == "湖北楚天建设工程有限公司"
    assert app["documents"] == app["processed"] == 21 and app["failed"] == app["pending"] == 0
    assert app["open_by_severity"]["blocking"] > 5
    assert any("缺少" in m for m in app["missing"])
    assert not FULL_ID.search(json.dumps(app, ensure_ascii=False))


def test_lists_mask_id_numbers_and_the_document_shows_them_in_full(client, site):
    detail = client.get("/api/applications/sample-upgrade", headers=auth(site, "viewer")).json()
    text = json.dumps(detail, ensure_ascii=False)
    assert "422801********7258" in text and not FULL_ID.search(text)
    sha = file_sha(client, site, "人员资料/林福生/劳动合同.pdf")
    doc = client.get(f"/api/documents/{sha}", headers=auth(site, "viewer")).json()
    fields = {f["name"]: f for d in doc["documents"] for f in d["fields"]}
    assert fields["id_number"]["value"] == "422801199501047258"
    assert doc["pages"][0]["image"].endswith("/pages/1/image")


def test_page_images_crops_and_originals(client, site):
    sha = file_sha(client, site, "综合资料/资质证书副本.pdf")
    page = client.get(f"/api/documents/{sha}/pages/1/image", headers=auth(site, "viewer"))
    assert page.status_code == 200 and page.headers["content-type"] == "image/jpeg"
    assert page.headers["cache-control"] == "no-store"  # a page shows full ID numbers: never kept on disk
    assert Image.open(io.BytesIO(page.content)).size[1] > 800
    assert client.get(f"/api/documents/{sha}/pages/9/image", headers=auth(site, "viewer")).status_code == 404
    original = client.get(f"/api/documents/{sha}/original", headers=auth(site, "viewer"))
    assert original.content == (SAMPLE / "综合资料/资质证书副本.pdf").read_bytes()
    d = finding(client, site, "ID_CHECKSUM")
    docs = [e for e in d["evidence"] if e["image"]]
    assert len(docs) >= 2  # the labour contract and the social-insurance statement
    for e in docs:
        crop = client.get(e["image"], headers=auth(site, "viewer"))
        assert crop.status_code == 200 and crop.headers["content-type"] == "image/png"
        assert Image.open(io.BytesIO(crop.content)).width > 100
    spec_side = next(e for e in d["evidence"] if not e["image"])
    assert client.get(f"/api/discrepancies/{d['id']}/evidence/{spec_side['index']}/image",
                      headers=auth(site, "viewer")).status_code == 404
    assert client.get("/api/discrepancies/999999", headers=auth(site, "viewer")).status_code == 404


# --- reviewing --------------------------------------------------------------------------------


def test_a_value_corrected_on_the_document_resolves_its_finding(client, site):
    d = finding(client, site, "ID_GENDER_MISMATCH", "陶福生")
    sha = file_sha(client, site, "人员资料/陶福生/注册证书.pdf")
    response = client.put(f"/api/documents/{sha}/fields", headers=auth(site, "reviewer"),
                          json={"first_page": 1, "field": "gender", "value": "男", "comment": "证书原件为男"})
    assert response.status_code == 200, response.text
    fields = {f["name"]: f for doc in response.json()["documents"] for f in doc["fields"]}
    assert fields["gender"]["value"] == "男" and fields["gender"]["read_value"] == "女"
    assert fields["gender"]["corrected_by"] == "reviewer-user"
    ids = [x["id"] for x in client.get("/api/applications/sample-upgrade/discrepancies",
                                       headers=auth(site, "viewer")).json()]
    assert d["id"] not in ids
    audit = client.get("/api/audit?application=sample-upgrade", headers=auth(site, "viewer")).json()
    fix = next(a for a in audit if a["action"] == "field.correct")
    assert (fix["old"], fix["new"], fix["comment"], fix["actor"]) == ("女", "男", "证书原件为男", "reviewer-user")


def test_correcting_a_discrepancy_resolves_it_and_names_the_next_one(client, site):
    d = finding(client, site, "DATE_ORDER")
    index = next(e["index"] for e in d["evidence"] if e["field"] == "completion_date")
    response = client.post(f"/api/discrepancies/{d['id']}/review", headers=auth(site, "reviewer"),
                           json={"action": "correct", "new_value": "2024-02-28", "evidence_index": index})
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["resolved"] and result["discrepancy"] is None and result["next_id"]
    nxt = client.get(f"/api/discrepancies/{result['next_id']}", headers=auth(site, "viewer")).json()
    assert nxt["status"] == "open"


def test_waive_and_accept_of_a_blocking_finding_need_a_comment_then_reopen(client, site):
    d = finding(client, site, "EMPLOYER_MISMATCH")
    url = f"/api/discrepancies/{d['id']}/review"
    refused = client.post(url, headers=auth(site, "reviewer"), json={"action": "waive"})
    assert refused.status_code == 400 and refused.json()["reason_zh"] == "豁免必须填写理由"
    waived = client.post(url, headers=auth(site, "reviewer"), json={"action": "waive", "comment": "集团内借调，已报备"})
    assert waived.json()["discrepancy"]["status"] == "waived"
    reopened = client.post(url, headers=auth(site, "reviewer"), json={"action": "reopen"})
    assert reopened.json()["discrepancy"]["status"] == "open"
    assert d["severity"] == "blocking"
    silent = client.post(url, headers=auth(site, "reviewer"), json={"action": "accept", "comment": "  "})
    assert silent.status_code == 400 and "接受阻断性问题必须填写理由" in silent.json()["reason_zh"]
    accepted = client.post(url, headers=auth(site, "reviewer"),
                           json={"action": "accept", "comment": "劳动合同原件核实无误"}).json()
    assert accepted["discrepancy"]["status"] == "accepted"
    assert [r["action"] for r in accepted["discrepancy"]["reviews"]] == ["waive", "reopen", "accept"]
    bad = client.post(url, headers=auth(site, "reviewer"), json={"action": "approve"})
    assert bad.status_code == 400 and bad.json()["reason_zh"].startswith("请求有误：请求体 action 应为以下之一")
    audit = client.get("/api/audit", headers=auth(site, "viewer")).json()
    waive = next(a for a in audit if a["action"] == "review.waive")
    assert waive["comment"] == "集团内借调，已报备" and waive["actor"] == "reviewer-user"
    assert not FULL_ID.search(json.dumps(audit, ensure_ascii=False))


# --- uploads ----------------------------------------------------------------------------------


def test_create_an_application_and_upload_into_it(client, site, monkeypatch):
    spec = (SAMPLE / "application.yaml").read_text(encoding="utf-8")
    created = client.post("/api/applications", headers=auth(site, "reviewer"),
                          json={"name": "upload-test", "application_yaml": spec})
    assert created.status_code == 201 and created.json()["company_name"] == "湖北楚天建设工程有限公司"
    assert client.post("/api/applications", headers=auth(site, "reviewer"),
                       json={"name": "upload-test"}).status_code == 409
    assert client.post("/api/applications", headers=auth(site, "reviewer"),
                       json={"name": "a/../b"}).status_code == 400
    bad_yaml = client.post("/api/applications", headers=auth(site, "reviewer"),
                           json={"name": "bad-yaml", "application_yaml": "company_name: x\n"})
    assert bad_yaml.status_code == 400 and "application.yaml" in bad_yaml.json()["reason_zh"]

    url = "/api/applications/upload-test/files"
    pdf = (SAMPLE / "综合资料/资质证书副本.pdf").read_bytes()
    headers = auth(site, "reviewer")
    new = client.post(url, params={"path": "综合资料/资质证书副本.pdf"}, headers=headers, content=pdf).json()
    assert new["status"] == "new" and new["media_type"] == "application/pdf"
    dup = client.post(url, params={"path": "copy.pdf"}, headers=headers, content=pdf).json()
    assert dup["status"] == "duplicate"
    fake = client.post(url, params={"path": "scan.pdf"}, headers=headers, content=b"MZ\x90\x00" + b"\x00" * 200).json()
    assert fake["status"] == "quarantined" and "不支持的文件类型" in fake["reason"]  # content decides, not ".pdf"
    for name in ("../../etc/passwd", "a/../../b.pdf", "bad\x01name.pdf", "", "a<b>.pdf"):
        unsafe = client.post(url, params={"path": name}, headers=headers, content=pdf)
        assert unsafe.status_code == 400, name
    assert client.post(url, params={"path": "~$lock.docx"}, headers=headers, content=pdf).status_code == 400
    monkeypatch.setattr(client.app.state.ctx.settings, "upload_max_bytes", 1000)
    too_big = client.post(url, params={"path": "big.pdf"}, headers=headers, content=pdf)
    assert too_big.status_code == 413 and "文件过大" in too_big.json()["reason_zh"]
    monkeypatch.undo()
    replaced = client.post(url, params={"path": "application.yaml"}, headers=headers, content=spec.encode())
    assert replaced.status_code == 403 and "管理员" in replaced.json()["reason_zh"]  # see test_web_lifecycle.py
    spec_upload = client.post(url, params={"path": "application.yaml"}, headers=auth(site, "admin"),
                              content=spec.encode())
    assert spec_upload.json()["status"] == "spec"
    assert client.post("/api/applications/nope/files", params={"path": "a.pdf"}, headers=headers,
                       content=pdf).status_code == 404
    assert client.app.state.ctx.jobs.wait(timeout=120)
    detail = client.get("/api/applications/upload-test", headers=auth(site, "viewer")).json()
    by_path = {f["path"]: f for f in detail["files"]}
    assert by_path["综合资料/资质证书副本.pdf"]["status"] == "processed"
    assert by_path["综合资料/资质证书副本.pdf"]["doc_type"] == "qualification_certificate"
    assert by_path["scan.pdf"]["status"] == "failed"
    assert detail["discrepancies"], "the application was checked after processing"


def test_admin_removes_a_document_and_deletes_an_application(client, site):
    sha = next(f["sha256"] for f in client.get("/api/applications/upload-test", headers=auth(site, "admin")).json()["files"]
               if f["path"] == "scan.pdf")
    url = f"/api/applications/upload-test/documents/{sha}"
    assert client.delete(url, headers=auth(site, "admin")).status_code == 204
    assert client.delete(url, headers=auth(site, "admin")).status_code == 404
    assert client.delete("/api/applications/upload-test", headers=auth(site, "admin")).status_code == 204
    assert client.get("/api/applications/upload-test", headers=auth(site, "admin")).status_code == 404
    client.app.state.ctx.jobs.wait(timeout=60)


# --- building -----------------------------------------------------------------------------------


def test_build_is_refused_with_the_blockers_then_a_draft_is_built_and_downloaded(client, site):
    url = "/api/applications/sample-upgrade/build"
    refused = client.post(url, headers=auth(site, "admin"), json={})
    assert refused.status_code == 409
    assert refused.json()["findings"] and not FULL_ID.search(refused.text)
    built = client.post(url, headers=auth(site, "admin"), json={"draft": True})
    assert built.status_code == 201, built.text
    packet = built.json()
    assert packet["draft"] and set(packet["files"]) == {"packet.pdf", "manifest.json", "index.docx", "report.html"}
    pdf = client.get(packet["files"]["packet.pdf"], headers=auth(site, "viewer"))
    assert pdf.headers["content-type"] == "application/pdf" and "attachment" in pdf.headers["content-disposition"]
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) > 10
    manifest = client.get(packet["files"]["manifest.json"], headers=auth(site, "viewer")).json()
    assert manifest
    docx = client.get(packet["files"]["index.docx"], headers=auth(site, "viewer")).content
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(docx)).namelist()
    assert "<html" in client.get(packet["files"]["report.html"], headers=auth(site, "viewer")).text.lower()
    assert client.get(f"/api/packets/{packet['id']}/files/secret.txt", headers=auth(site, "viewer")).status_code == 404
    assert client.get(f"/api/packets/{packet['id']}/files/..%2F..%2Fdossier.db",
                      headers=auth(site, "viewer")).status_code == 404
    listed = client.get("/api/applications/sample-upgrade/packets", headers=auth(site, "viewer")).json()
    assert listed[0]["id"] == packet["id"]
    [app] = [a for a in client.get("/api/applications", headers=auth(site, "viewer")).json()
             if a["name"] == "sample-upgrade"]
    assert app["last_packet"]["id"] == packet["id"]


# --- documentation and pages ------------------------------------------------------------------------


def test_openapi_and_docs_are_served_without_any_cdn(client, site):
    schema = client.get("/openapi.json", headers=auth(site, "viewer")).json()
    assert "/api/discrepancies/{finding_id}/review" in schema["paths"]
    assert {"token", "cookie"} <= set(schema["components"]["securitySchemes"])
    docs = client.get("/docs", headers=auth(site, "viewer")).text
    assert "/static/docs/swagger-ui-bundle.js" in docs
    assert not re.search(r"(src|href)=['\"]https?://", docs)
    assert client.get("/static/docs/swagger-ui-bundle.js").status_code == 200
    for page in ("/", "/applications/sample-upgrade", "/audit"):
        html = client.get(page, headers=auth(site, "viewer")).text
        assert not re.search(r"(src|href)=['\"](https?:)?//", html), page


def test_pages_render_for_a_viewer_without_edit_controls(client, site):
    headers = auth(site, "viewer")
    d = finding(client, site, "ID_CHECKSUM")
    sha = file_sha(client, site, "人员资料/林福生/劳动合同.pdf")
    for url in ("/", "/applications/sample-upgrade", f"/discrepancies/{d['id']}", f"/documents/{sha}", "/audit",
                "/audit?application=sample-upgrade"):
        page = client.get(url, headers=headers)
        assert page.status_code == 200, url
        assert "data-api=" not in page.text.replace('data-api="POST /logout"', ""), url
    document = client.get(f"/documents/{sha}", headers=headers).text
    assert "422801199501047258" in document  # in full on the document page only
    queue = client.get("/applications/sample-upgrade", headers=headers).text
    assert "422801199501047258" not in queue and "422801********7258" in queue
    assert client.get("/applications/nope", headers=headers).status_code == 404
    assert "找不到" in client.get("/applications/nope", headers=headers).text
