"""The OpenAPI document as the API really answers, and the request errors it describes.

FastAPI describes a refused request as 422 with its own ``HTTPValidationError`` body; this app
answers every error with ``schemas.Problem`` (``{"detail", "reason_zh", "findings"}``) and a
malformed request (a missing field, ``as_of=0``, a negative page) with 400. ``describe`` rewrites
the generated document to say so: 400 on every operation that takes a parameter or a body, no
422 anywhere. ``reason`` words a validation error in Chinese for the person who sent it.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
BAD_REQUEST = {"description": "请求有误（参数、日期或请求体格式不对）；reason_zh 说明原因",
               "content": {"application/json": {"schema": PROBLEM_REF}}}
_UNUSED = ("HTTPValidationError", "ValidationError")
_WHERE = {"query": "查询参数", "path": "路径参数", "body": "请求体", "header": "请求头", "cookie": "Cookie"}


def describe(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with its real error answers (built once, then cached)."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            if operation.get("parameters") or operation.get("requestBody"):
                responses.setdefault("400", BAD_REQUEST)
    for name in _UNUSED:
        schema.get("components", {}).get("schemas", {}).pop(name, None)
    app.openapi_schema = schema
    return schema


def _what(error: dict[str, Any]) -> str:
    """What was wrong with one value, in Chinese (pydantic's own words when it is no common case)."""
    kind, context = error.get("type", ""), error.get("ctx") or {}
    known = {
        "missing": "必须填写",
        "date_from_datetime_parsing": "应为日期，格式 YYYY-MM-DD（例如 2026-12-01）",
        "date_parsing": "应为日期，格式 YYYY-MM-DD（例如 2026-12-01）",
        "date_type": "应为日期，格式 YYYY-MM-DD（例如 2026-12-01）",
        "int_parsing": "应为整数", "int_type": "应为整数", "bool_parsing": "应为 true 或 false",
        "json_invalid": "不是有效的 JSON", "model_attributes_type": "应为 JSON 对象", "dict_type": "应为 JSON 对象",
        "list_type": "应为列表", "string_type": "应为文字",
        "greater_than_equal": f"不能小于 {context.get('ge')}", "less_than_equal": f"不能大于 {context.get('le')}",
        "greater_than": f"应大于 {context.get('gt')}", "less_than": f"应小于 {context.get('lt')}",
        "string_too_short": f"至少 {context.get('min_length')} 个字符", "string_too_long": f"最多 {context.get('max_length')} 个字符",
        "string_pattern_mismatch": "格式不对",
        "too_short": f"至少 {context.get('min_length')} 项", "too_long": f"最多 {context.get('max_length')} 项", "literal_error": f"应为以下之一：{context.get('expected')}",
        "enum": f"应为以下之一：{context.get('expected')}", "extra_forbidden": "不认识此字段",
    }
    return known.get(kind, error.get("msg", "格式不对"))


def reason(errors: list[dict[str, Any]]) -> str:
    """``请求有误：查询参数 as_of 应为日期…；…`` for the errors of one refused request."""
    parts = []
    for error in errors:
        where, *rest = [str(p) for p in error.get("loc", ())] or ["body"]
        name = ".".join(rest)
        parts.append(f"{_WHERE.get(where, where)}{f' {name} ' if name else ''}{_what(error)}")
    return "请求有误：" + "；".join(parts)
