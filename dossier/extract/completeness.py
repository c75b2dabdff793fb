"""Whether a value is whole: the test a value that could be cut short must pass before it is
trusted.

A company name ends in its legal form or unit word, an authority in its unit word, a person's
name has 2-4 ideographs (or a middle dot). The endings are data (``specs/_kinds.yaml``). The field
engine uses the test twice: to keep reading a value that is not yet whole (the next box on its
row, the line it wraps onto), and to lower the confidence of one that stays cut.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, RootModel

from dossier.yamlfile import read_package_yaml

Kind = Literal["company", "authority", "person"]
INCOMPLETE_NOTES = {
    "company": "名称不完整（未以组织形式或单位字样结尾），疑被截断",
    "authority": "机关名称不完整（未以机关或单位字样结尾），疑被截断",
    "person": "姓名长度异常，疑有字缺失或多出",
}
_TRAILING_BRACKETS = re.compile(r"(?:（[^（）]*）)+$")
_CJK = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]")


class _Kind(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ends: list[str] = []
    min_chars: int = 0
    max_chars: int = 0


class _Kinds(RootModel[dict[Kind, _Kind]]):
    pass


@lru_cache(maxsize=1)
def _kinds() -> dict[str, _Kind]:
    return read_package_yaml("dossier.extract", "specs/_kinds.yaml").validate(_Kinds).root


def is_whole(kind: Kind, value: str) -> bool:
    """Whether ``value`` (normalised) looks whole for its ``kind``."""
    spec = _kinds()[kind]
    if kind == "person":
        if "·" in value:
            return len(value) >= 3
        count = len(_CJK.findall(value))
        return spec.min_chars <= count <= spec.max_chars and count == len(value)
    core = _TRAILING_BRACKETS.sub("", value)
    return any(core.endswith(end) for end in spec.ends) and len(core) > 2
