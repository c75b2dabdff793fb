"""An assessment as an Excel sheet: one row per requirement, shaded by its status.

ID numbers in the evidence are masked: the sheet is passed around an office.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from dossier.assess.requirements import Assessment
from dossier.standards.schema import JUDGEMENT_ZH
from dossier.ledger.sheets import write_table
from dossier.privacy import mask_text
from dossier.standards.schema import CONFIDENCE_ZH

HEADER = ("要求", "状态", "标准要求", "申报材料情况", "依据（证据）", "数值可信度", "来源", "代码")
FILLS = {"short": "F4C7C3", "unknown": "FCE8B2", "met": "D9EAD3"}
WIDTHS = {"要求": 24, "状态": 10, "标准要求": 48, "申报材料情况": 60, "依据（证据）": 48, "数值可信度": 12, "来源": 40, "代码": 28}


def assessment_rows(assessment: Assessment) -> list[list[str]]:
    """The rows of the sheet, in HEADER's order (the first row is the verdict)."""
    rows = [[f"结论：{assessment.target}", JUDGEMENT_ZH[assessment.verdict], assessment.regime_title, "", "", "", "",
             "verdict"]]
    for line in assessment.requirements:
        rows.append([line.title, JUDGEMENT_ZH[line.status], line.required, line.found,
                     mask_text(assessment.evidence_text(line)),
                     CONFIDENCE_ZH[line.confidence], "；".join(line.source), line.key])
    return rows


def write_assessment(assessment: Assessment, path: Path | IO[bytes]) -> None:
    """``assessment`` as an .xlsx file at ``path`` (or into a binary stream)."""
    rows = assessment_rows(assessment)
    fills = [FILLS[assessment.verdict], *(FILLS[line.status] for line in assessment.requirements)]
    write_table(path, HEADER, rows, fills, title=f"{assessment.target}对照", widths=WIDTHS, date_columns=set())
