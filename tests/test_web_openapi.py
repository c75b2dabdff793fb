"""The OpenAPI document says what the API really answers (issue 16, item 12): every error body is
a Problem (``{"detail", "reason_zh", "findings"}``), every operation that takes input declares its
400, the ones that refuse a duplicate or a shut gate their 409; a wrong method is answered with
``Allow``; a date in a query must be a date (``as_of=0`` is no 1970-01-01)."""

from __future__ import annotations

import pytest

from dossier.config import load_settings
from dossier.store.db import init_db
from dossier.store.users import add_user
from tests.web_support import Site, auth, serve


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """An empty data folder with one user per role: no document is needed to answer wrongly."""
    settings = load_settings(home=tmp_path_factory.mktemp("web-openapi") / "home", database_url=None, broker_url=None)
    built = Site(settings, init_db(settings))
    with built.db.session() as session:
        for role in ("admin", "reviewer", "viewer"):
            _, built.tokens[role] = add_user(session, f"{role}-user", role)
    yield built
    built.db.dispose()


@pytest.fixture(scope="module")
def client(site):
    with serve(site) as c:
        yield c


@pytest.fixture(scope="module")
def schema(client, site):
    return client.get("/openapi.json", headers=auth(site)).json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def test_every_error_is_described_as_the_problem_body(schema):
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"detail", "reason_zh"} and "findings" in problem["properties"]
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for method, path, operation in operations(schema):
        for status, answer in operation["responses"].items():
            assert status != "422", f"{method} {path} still describes FastAPI's 422"
            if status.startswith(("4", "5")):
                assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Problem"}, \
                    (method, path, status)


def test_every_operation_with_input_declares_400_and_the_refusals_409(schema):
    for method, path, operation in operations(schema):
        if operation.get("parameters") or operation.get("requestBody"):
            assert "400" in operation["responses"], f"{method} {path}"
    conflicts = {(m, p) for m, p, op in operations(schema) if "409" in op["responses"]}
    assert {("POST", "/api/applications"), ("POST", "/api/applications/{name}/build"),
            ("POST", "/api/notify/channels")} <= conflicts


def test_a_malformed_request_is_a_400_with_its_reason_in_chinese(client, site):
    for url, words in (("/api/ledger?as_of=0", "查询参数 as_of 应为日期"),
                       ("/api/expiring?as_of=1700000000", "查询参数 as_of 应为日期"),
                       ("/api/search?date_from=2026-02-30", "查询参数 date_from 应为日期"),
                       ("/api/plan?company=x&as_of=20261201", "查询参数 as_of 应为日期"),
                       ("/api/expiring?within=-1", "查询参数 within 不能小于 0")):
        answer = client.get(url, headers=auth(site))
        assert answer.status_code == 400, url
        body = answer.json()
        assert set(body) == {"detail", "reason_zh", "findings"} and words in body["reason_zh"], body
    assert client.get("/api/expiring?as_of=2026-12-01", headers=auth(site)).status_code == 200
    missing = client.post("/api/applications", headers=auth(site, "reviewer"), json={})
    assert missing.status_code == 400 and "请求体 name 必须填写" in missing.json()["reason_zh"]


def test_a_wrong_method_names_the_allowed_ones(client, site):
    answer = client.request("PATCH", "/api/applications/sample-upgrade", headers=auth(site))
    assert answer.status_code == 405 and answer.json()["reason_zh"] == "不支持该操作"
    assert answer.headers["allow"] == "GET, DELETE"  # two routes share the path: both are named
    assert client.put("/api/applications", headers=auth(site)).headers["allow"] == "GET, POST"
    page = client.post("/ledger", headers=auth(site))
    assert page.status_code == 405 and page.headers["allow"] == "GET"
