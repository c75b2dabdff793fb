"""Parameter types shared by the API's routes."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD``: pydantic alone takes ``0`` or ``1700000000`` as a Unix time, so a
    mistyped ``as_of=0`` would quietly ask about 1970-01-01."""
    if not isinstance(value, date) and not (isinstance(value, str) and _ISO_DATE.fullmatch(value.strip())):
        raise PydanticCustomError("date_parsing", "Input should be a date in the form YYYY-MM-DD")
    return value.strip() if isinstance(value, str) else value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


# Numbers in URLs and bodies are bounded by what the databases store: a larger one reached SQLite
# as an OverflowError (a 500) instead of a 404 or a 400.
MAX_ROW_ID = 2**63 - 1
MAX_PAGE = 100_000
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
PageNumber = Annotated[int, Path(ge=1, le=MAX_PAGE)]
EvidenceIndex = Annotated[int, Path(ge=0, le=MAX_PAGE)]
BeforeId = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID, description="只列出编号小于此值的记录（翻页）")]
