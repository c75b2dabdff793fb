"""A seal in a grey scan (:mod:`dossier.extract.ocr.grey`): lifted by brightness, read again."""

from __future__ import annotations

import pytest

from dossier.config import load_settings
from dossier.extract.ocr import get_engine
from dossier.extract.ocr.grey import grey_overlay, lifted
from dossier.extract.ocr.ink import INK_CONFIDENCE, read_under_ink
from dossier.extract.ocr.page import ocr_image
from dossier.model import TextLine
from test_ocr_ink import sealed_date_page

# the seal's own words bold and large across the date: the first reading loses the date
HIDDEN = dict(words_px=44, words_y=233, bold=1, strength=1.0)


@pytest.fixture(scope="module")
def engine():
    return get_engine("rapidocr", load_settings())


def _dates(lines: list[TextLine]) -> list[TextLine]:
    return [ln for ln in lines if "2026年03月13日" in ln.text]


@pytest.mark.parametrize("shade", [0.5, 0.6])
def test_a_date_under_a_grey_seal_is_read_with_the_seal_lifted_in_doubt(engine, shade):
    page = sealed_date_page(**HIDDEN, grey=shade)
    upright = ocr_image(engine, page, dpi=150, max_side=2000)
    dates = _dates(upright.lines)
    assert dates and all(ln.confidence <= INK_CONFIDENCE for ln in dates)


def test_without_the_grey_reading_the_date_under_the_seal_is_lost(engine):
    # the case above is one the first reading cannot read: what the test shows is the lifting's
    page = sealed_date_page(**HIDDEN, grey=0.55)
    first = engine.recognize(page)
    assert not _dates(first)
    assert not _dates(read_under_ink(engine, page, first, grey=False))
    assert _dates(read_under_ink(engine, page, first, grey=True))


def test_a_grey_seals_strokes_are_lifted_and_the_print_it_crosses_is_kept(engine):
    page = sealed_date_page(**HIDDEN, grey=0.55)
    lines = engine.recognize(page)
    region, strokes = grey_overlay(page, lines, 36.0)
    x0, y0, x1, y1 = region
    assert x0 <= 340 and y0 <= 40 and x1 >= 700 and y1 >= 400  # the whole seal
    clean = lifted(page, strokes)[..., 0]
    ring = clean[215:225, 340:352]  # the ring's left edge, where no print lies
    assert ring.min() == 255
    text = sealed_date_page(**{**HIDDEN, "strength": 0.0}, grey=0.55)[..., 0]
    printed = text < 100  # the black print of the date and the authority
    assert (clean[printed] < 128).mean() > 0.97


def test_a_page_with_colour_or_without_a_seal_has_no_grey_overlay(engine):
    coloured = sealed_date_page(**HIDDEN)
    assert grey_overlay(coloured, engine.recognize(coloured), 36.0) is None
    plain = sealed_date_page(**{**HIDDEN, "strength": 0.0}, grey=0.55)
    assert grey_overlay(plain, engine.recognize(plain), 36.0) is None


@pytest.mark.parametrize("x0, x1, y1", [(40, 1060, 486), (150, 600, 310)])
def test_a_pale_frame_across_the_print_is_no_seal(engine, x0, x1, y1):
    # a card's pale border and pattern in a grey scan cross its print as a seal would, but are
    # no ring: lifting them took an ID card's pale labels with them (fresh seed 99, and the
    # fixtures' ID cards, as wide as 1.55 times their height like this narrower frame)
    page = sealed_date_page(**{**HIDDEN, "strength": 0.0}, grey=0.55).copy()
    page[20:26, x0:x1] = page[y1 - 6:y1, x0:x1] = page[20:y1, x0:x0 + 6] = page[20:y1, x1 - 6:x1] = 140
    page[200:204, x0:x1] = 140  # a rule of the pattern through the date's row
    assert grey_overlay(page, engine.recognize(page), 36.0) is None
