"""Detection in overlapping bands: the plan covers the page within the limits, and merging keeps
every line once, whole, whichever bands saw it."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dossier.extract.ocr.bands import ALIGN, Band, bands, merge


@given(height=st.integers(1, 6000), max_rows=st.integers(64, 2400), overlap=st.integers(0, 400),
       min_rows=st.integers(0, 1000))
def test_bands_cover_the_page_with_the_overlap_asked_for_within_the_limits(height, max_rows, overlap, min_rows):
    plan = bands(height, max_rows, overlap, min_rows)
    assert plan[0].top == 0 and plan[-1].bottom == height
    limit = max(max_rows // ALIGN * ALIGN, -(-min_rows // ALIGN) * ALIGN, overlap + ALIGN)
    if len(plan) == 1:
        assert height <= limit
        return
    rows = {band.bottom - band.top for band in plan}
    assert len(rows) == 1 and (rows.pop()) <= limit
    for upper, lower in zip(plan, plan[1:]):
        assert upper.top < lower.top and upper.bottom - lower.top >= overlap


def box(x0, y0, x1, y1) -> np.ndarray:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)


def test_a_line_seen_by_two_bands_is_kept_once_from_the_band_that_holds_it_whole():
    upper, lower = Band(0, 800, 1400), Band(600, 1400, 1400)
    line = box(100, 700, 900, 740)      # whole in both bands; nearer the upper band's cut
    cut = box(100, 780, 900, 800)       # the upper band's piece of a line that runs to row 830
    whole = box(100, 780, 900, 830)     # the same line, whole, in the lower band
    boxes, scores = merge([(upper, [line, cut], [0.9, 0.8]), (lower, [line + [0, 1], whole], [0.95, 0.9])])
    assert len(boxes) == 2
    assert any(np.array_equal(b, line + [0, 1]) for b in boxes)  # 99 rows from the lower band's cut
    assert any(np.array_equal(b, whole) for b in boxes) and not any(np.array_equal(b, cut) for b in boxes)
    assert sorted(scores) == [0.9, 0.95]


def test_lines_that_overlap_within_one_band_are_all_kept():
    # a seal's characters over a printed line: the detector found both; merging must not choose
    band = Band(0, 800, 1400)
    seal, printed = box(300, 400, 360, 460), box(100, 420, 900, 450)
    boxes, _ = merge([(band, [seal, printed], [0.9, 0.9]), (Band(600, 1400, 1400), [], [])])
    assert len(boxes) == 2
