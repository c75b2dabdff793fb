"""Chinese wording shared by the rules: names of documents, fields, roles; list joining.

The names live in ``labels.yaml`` beside the rule defaults so that a new document type or field
gets its Chinese name from data, like every other per-type table.
"""

from __future__ import annotations

import math
from functools import lru_cache

from dossier.model import DOC_TYPE_NAMES_ZH
from dossier.yamlfile import read_package_yaml


@lru_cache(maxsize=1)
def _labels() -> dict:
    return read_package_yaml("dossier.validate", "labels.yaml").data


def doc_name(doc_type: str | None) -> str:
    """The Chinese name of a document type (未分类文件 for an unclassified one)."""
    return DOC_TYPE_NAMES_ZH.get(doc_type or "", doc_type or "未分类文件")


def field_label(doc_type: str | None, field: str) -> str:
    """The Chinese name of ``field`` as printed on ``doc_type``; the field code when unnamed."""
    fields = _labels()["fields"]
    return fields.get(doc_type or "", {}).get(field) or fields["default"].get(field, field)


def role_name(role: str) -> str:
    return _labels()["roles"].get(role, role)


def project_attribute_name(attribute: str) -> str:
    return _labels()["project_attributes"].get(attribute, attribute)


def join(items) -> str:
    """Join with the Chinese enumeration comma, dropping repeats but keeping the order."""
    return "、".join(dict.fromkeys(str(item) for item in items))


def below(confidence: float, threshold: float) -> str:
    """「识别置信度 0.89 低于 0.90」: the confidence rounded down, so a value just below the threshold
    never reads as the threshold itself (0.899 is not 「0.90 低于 0.90」)."""
    return f"识别置信度 {math.floor(confidence * 100) / 100:.2f} 低于 {threshold:.2f}"
