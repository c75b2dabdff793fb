"""A second look beside a label the first reading found alone on its row.

A grey "仅供…使用，他用无效" written across a copy has no colour to lift it off (see
:mod:`dossier.extract.ocr.ink`), and where it crosses a value the detector may find no line at all:
an ID card's 有效期限 is read with nothing beside it, though its dates are printed there. Where a
field's label stands alone and dark print lies to its right, that strip is read by recognition
alone (no detection), the way the engine reads a line it found.

A line read so is a repair: its confidence stays below :data:`BESIDE_CONFIDENCE` whatever the
engine says, so no value taken from it is trusted without a look.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from dossier.extract.measure import is_overlay, shared_height
from dossier.extract.ocr.channels import brightest, print_level
from dossier.extract.ocr.engine import OcrEngine
from dossier.extract.spec import load_specs
from dossier.model import TextLine

BESIDE_CONFIDENCE = 0.85  # ceiling of a line read beside a label: never a certain value
REACH = 20.0  # how far right of its label a value may run, in the label's heights
GAP = 0.3  # the strip starts this many label heights right of the label
PAD = 0.25  # ... and reaches this many above and below it
MIN_PRINT = 0.03  # share of the strip that must be print: less is specks, a rule or paper
MIN_CONFIDENCE = 0.6  # a reading weaker than this is strokes, not text
MIN_CHARS = 2


@lru_cache(maxsize=1)
def _field_labels() -> frozenset[str]:
    """The labels fields are read by (spaces removed): a label alone names a value beside it."""
    return frozenset(label.replace(" ", "") for spec in load_specs().values()
                     for field in spec.fields.values() for label in field.labels if len(label.replace(" ", "")) >= 2)


def _is_label(line: TextLine) -> bool:
    return "".join(line.text.split()).rstrip(":：") in _field_labels()


def _beside(label: TextLine, line: TextLine) -> bool:
    """Whether ``line`` lies right of ``label`` on its row."""
    return line.bbox[0] >= label.bbox[2] - 1 and shared_height(label.bbox, line.bbox) > 0


def _across(label: TextLine, line: TextLine) -> bool:
    """Whether ``line`` runs on from under ``label`` through the strip right of it: a caption
    printed small over its value, read both alone and within the value's box (工程名称 inside
    桂溪安置房项目…'s box, whose top half was read again beside it as 家项目…)."""
    h = label.bbox[3] - label.bbox[1]
    return line.bbox[0] < label.bbox[2] and line.bbox[2] > label.bbox[2] + 2 * h and shared_height(label.bbox, line.bbox) > 0


def _value_below(label: TextLine, lines: list[TextLine]) -> bool:
    """Whether the line under ``label`` (within two of its heights, overlapping it across) is no
    label: a form that prints values under their labels, where nothing beside is missing."""
    x0, y0, x1, y1 = label.bbox
    # (a value set close under its label may reach up into the label's box by a few points)
    under = [ln for ln in lines if ln is not label and (ln.bbox[1] + ln.bbox[3]) / 2 > y1
             and ln.bbox[1] <= y1 + 2 * (y1 - y0) and ln.bbox[0] < x1 and ln.bbox[2] > x0]
    return bool(under) and not _is_label(min(under, key=lambda ln: ln.bbox[1]))


def read_beside_labels(engine: OcrEngine, image: np.ndarray, lines: list[TextLine], height: float) -> list[TextLine]:
    """Lines read right of each field label in ``lines`` that has nothing read beside it but dark
    print there, in pixels of ``image`` (upright RGB); ``height`` is the page's print height.
    Empty when the engine offers no recognition of a single line (``read_line``)."""
    read_line = getattr(engine, "read_line", None)
    if read_line is None:
        return []
    rows, cols = image.shape[:2]
    found: list[TextLine] = []
    print_lines = [ln for ln in lines if not is_overlay(ln, height)]
    labels = [ln for ln in print_lines if _is_label(ln) and not _value_below(ln, print_lines)
              and not any(_beside(ln, other) or _across(ln, other) for other in print_lines if other is not ln)]
    if not labels:
        return []
    page = brightest(image)
    level = print_level(page, print_lines) or 0.0
    for label in labels:
        x0, y0, x1, y1 = label.bbox
        h = y1 - y0
        # the strip runs to the next line its band meets (another column, a photo), at most REACH
        band = [ln.bbox[0] for ln in print_lines
                if ln.bbox[0] > x1 and ln.bbox[1] < y1 + PAD * h and ln.bbox[3] > y0 - PAD * h]
        left, right = int(x1 + GAP * h), int(min([cols, x1 + REACH * h, *band]))
        top, bottom = max(0, int(y0 - PAD * h)), min(rows, int(y1 + PAD * h) + 1)
        if right - left < 2 * h or bottom <= top:
            continue
        strip = image[top:bottom, left:right]
        # print is darker than halfway from the strip's paper to the page's print level: a grey
        # overlay crossing the strip is not (it is paler than print, or it would hide it wholly)
        light = page[top:bottom, left:right]
        dark = light < (float(np.median(light)) + level) / 2
        # print beside the label fills its middle: the tops of the next line's characters reach
        # only into the strip's bottom
        middle = dark[int(PAD * h + 0.25 * h):max(int(PAD * h + 0.75 * h), int(PAD * h + 0.25 * h) + 1)]
        if dark.mean() < MIN_PRINT or middle.mean() < MIN_PRINT:
            continue
        columns = np.flatnonzero(dark.any(axis=0))
        crop = strip[:, max(0, columns[0] - round(PAD * h)):columns[-1] + 1 + round(PAD * h)]
        line = read_line(np.ascontiguousarray(crop))
        if line is None or len(line.text.strip()) < MIN_CHARS or line.confidence < MIN_CONFIDENCE:
            continue
        capped = tuple(min(c, BESIDE_CONFIDENCE) for c in line.char_confidences) if line.char_confidences else None
        found.append(line.model_copy(update={
            "confidence": min(line.confidence, BESIDE_CONFIDENCE), "char_confidences": capped,
            "bbox": (float(left + columns[0]), float(y0), float(left + columns[-1] + 1), float(y1))}))
    return found
