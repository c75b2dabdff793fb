"""A second reading under coloured ink: seals and "仅供…使用" lines written across a copy.

A red seal stamped over a date, or a blue line written across an ID card's copy, hides the black
print beneath from the detector: the line is found broken, read with the overlay's strokes mixed
in, or not found at all. Coloured ink is bright in at least one channel where black print is dark
in all three, so the page's brightest channel, levelled so the ink's own brightness becomes white,
shows the print alone. That image is read again, only where coloured ink touches dark print (so a
colour scan, whose coloured labels and emblems touch nothing, costs no second reading), and its
lines are merged into the first reading where they read better or where the first found nothing.

A line of the second reading is a repair, so its confidence stays below :data:`INK_CONFIDENCE`
whatever the engine says: a value read through ink is never taken as certain. Grey ink (a
photocopied watermark) has no colour to separate and is left to the first reading.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import cv2
import numpy as np

from dossier.extract.measure import char_weight, is_overlay, shared_height, text_height
from dossier.extract.ocr.channels import channels
from dossier.extract.ocr.engine import OcrEngine
from dossier.extract.ocr.grey import grey_overlay, lifted
from dossier.model import TextLine

INK_CONFIDENCE = 0.89  # ceiling of a line read through ink: below the 0.9 of a certain value
MIN_CHROMA = 40  # max - min channel of ink: paper tint and JPEG fringes stay below (99th percentile ~15)
MIN_DARK_CHROMA = 16  # where the page is dark: black print stays near 5-10, washed-out ink reaches 20+
DARK_INK = 190  # brightest channel below this: a stroke, not paper
MAX_INK_SHARE = 0.06  # more coloured page than this is a colour document, not ink laid over one
AREA = 2.0  # coloured and solid this many text heights both ways: an area (a background), not ink
DARK = 110  # brightest channel of black print (under ink too: a dark colour stays below this)
NEUTRAL = 40  # chroma of black print
TOUCH = 0.3  # ink "touches" print within this many text heights
THROUGH = 0.75  # ink darker than this share of its own median brightness has print beneath it
MIN_TOUCHING = 0.25  # print touched by ink, in text heights squared: a quarter of a character
RULE_LENGTH = 2.0  # print straight on for this many text heights is a rule, not text
PROBE_HEIGHT = 8.0  # a line of print, in cells of the grid the decision is made on
TALLER_THAN_TEXT = 1.6  # a tilted overlay line read in the second pass: taller than any print line
SURE = 0.95  # print in a line read this well needs no second reading, ink or not
MIN_NEW = 0.8  # a line where the first reading found nothing: below this it is specks and strokes
MIN_GAIN = 0.02  # the second reading replaces the first only when it reads this much better
BEYOND = 0.25  # a character of the second reading lies past the first's box by this share of an em
MAX_HIDDEN = 4  # characters a seal or a written line hides at one end of a line, at most
SHARED = 0.5  # share of the characters both readings place in one span that must be alike
STROKE = 128  # darkest channel of a stroke, print or ink
CROSSED = 0.1  # ink runs through a line whose strokes are more coloured than this


def deinked(image: np.ndarray, text_height: float | None = None) -> np.ndarray:
    """``image`` (RGB) with its coloured ink (:func:`_ink_mask`) lifted to white: its brightest
    channel, scaled so the ink's median brightness in that channel becomes 255. Given the
    ``text_height``, coloured areas (:func:`_areas`: a tablecloth around a photographed copy) go
    white too and do not set the level: their brightness is not the ink's, and scaled by it the
    print of a dim photo faded away with the ink."""
    brightest, chroma = channels(image)
    ink = _ink_mask(brightest, chroma)
    areas = (_areas(chroma >= MIN_CHROMA, min(1.0, PROBE_HEIGHT / text_height), text_height)
             if text_height else np.zeros_like(ink))
    ink &= ~areas
    brightest = brightest.astype(np.float32)
    level = float(np.median(brightest[ink])) if ink.any() else 255.0
    grey = np.clip(brightest * (255.0 / max(level, 1.0)), 0, 255)
    # ink of other shades than the median (a blue line over a red seal, a pale card's tint) goes
    # too, unless print darkens it
    grey[(ink & (brightest >= THROUGH * level)) | areas] = 255
    return np.ascontiguousarray(np.dstack([grey.astype(np.uint8)] * 3))


def _ink_mask(brightest: np.ndarray, chroma: np.ndarray) -> np.ndarray:
    """Coloured ink, from an image's :func:`channels`: strongly coloured, or a faint tint where
    the page is dark (a blue line that a scan washed out is still bluer than black print). Chroma
    is smoothed first so the colour fringes a JPEG leaves around black strokes do not count."""
    smooth = cv2.blur(chroma, (3, 3))
    return (smooth >= MIN_CHROMA) | ((smooth >= MIN_DARK_CHROMA) & (brightest < DARK_INK))


def _pooled(mask: np.ndarray, factor: float) -> np.ndarray:
    """``mask`` shrunk by ``factor``, a cell set when any of its pixels is (thin strokes survive)."""
    if factor >= 1.0:
        return mask
    return cv2.resize(mask.astype(np.uint8) * 255, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) > 0


def _areas(ink: np.ndarray, factor: float, text_height: float) -> np.ndarray:
    """The parts of ``ink`` (full size) that are coloured areas, not strokes: solid for
    :data:`AREA` text heights across both ways (a phone photo's red tablecloth around the card, a
    coloured block or emblem). Ink is strokes written or stamped over print; an area is no more
    ink than the paper is, and counted as such it made a photographed card a colour document."""
    cells = _pooled(ink, factor).astype(np.uint8)
    size = max(3, round(AREA * text_height * factor))
    solid = cv2.morphologyEx(cells, cv2.MORPH_OPEN, np.ones((size, size), np.uint8))
    if not solid.any():
        return np.zeros_like(ink)
    solid = cv2.dilate(solid, np.ones((3, 3), np.uint8))  # and the fringe where the area meets paper
    return cv2.resize(solid * 255, (ink.shape[1], ink.shape[0]), interpolation=cv2.INTER_NEAREST) > 0


def ink_region(image: np.ndarray, lines: list[TextLine], text_height: float) -> tuple[int, int, int, int] | None:
    """The box ``(x0, y0, x1, y1)`` of the coloured ink that touches print not already read with
    confidence in ``lines``, grown by a text height; None when there is no such ink or the page
    is a colour document.

    Pixels are classed at full size (strokes are thin), then judged on a grid where a line of
    print is :data:`PROBE_HEIGHT` cells tall: the decision needs shapes, not strokes."""
    # Only strong colour marks a region: a faint tint is everywhere on a colour page's borders
    # and patterns, and is lifted only inside a region found so (see deinked's caller).
    brightest, chroma = channels(image)
    factor = min(1.0, PROBE_HEIGHT / text_height)
    ink = chroma >= MIN_CHROMA
    ink &= ~_areas(ink, factor, text_height)
    share = cv2.countNonZero(ink.view(np.uint8)) / ink.size
    if share == 0.0 or share > MAX_INK_SHARE:
        return None
    # Print beside the ink, and print seen through it (ink darkened well below its own brightness).
    print_ = ((brightest < DARK) & (chroma < NEUTRAL)) | (ink & (brightest < THROUGH * np.median(brightest[ink])))
    # strokes, print or ink (darkest channel low: red ink's green and blue are), and those coloured
    strokes = cv2.subtract(brightest, chroma) < STROKE
    coloured = strokes & (chroma >= MIN_CHROMA)
    for line in lines:
        # a slanted overlay read well is the ink itself: its box spans the print it hides; and a
        # line ink runs through may be read well and wrong (a seal's arc read into a date as 月：027)
        if line.confidence >= SURE and not is_overlay(line, text_height) \
                and _ink_share(strokes, coloured, line) <= CROSSED:
            x0, y0, x1, y1 = (round(v) for v in line.bbox)
            print_[max(0, y0):y1, max(0, x0):x1] = False
    ink, print_ = _pooled(ink, factor), _pooled(print_, factor)
    height = text_height * factor
    # a table's rules are print no reading misses: a seal stamped across a cell border is no
    # reason to read again
    span = max(3, round(RULE_LENGTH * height))
    cells = print_.astype(np.uint8)
    rules = (cv2.morphologyEx(cells, cv2.MORPH_OPEN, np.ones((1, span), np.uint8))
             | cv2.morphologyEx(cells, cv2.MORPH_OPEN, np.ones((span, 1), np.uint8)))
    print_ &= rules == 0
    reach = max(1, round(TOUCH * height))
    near_ink = cv2.dilate(ink.astype(np.uint8), np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
    touched = (near_ink > 0) & print_
    if touched.sum() < MIN_TOUCHING * height ** 2:
        return None
    # The region: every ink component that touches print, so a seal or a written line is read whole.
    _, labels = cv2.connectedComponents(near_ink, connectivity=8)
    hit = np.unique(labels[touched])
    ys, xs = np.nonzero(np.isin(labels, hit[hit > 0]))
    rows, cols = image.shape[:2]
    grow = text_height
    return (max(0, int(xs.min() / factor - grow)), max(0, int(ys.min() / factor - grow)),
            min(cols, int((xs.max() + 1) / factor + grow)), min(rows, int((ys.max() + 1) / factor + grow)))


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Same line of print: they share most of the smaller height and some of the smaller width."""
    dx = min(a[2], b[2]) - max(a[0], b[0])
    return _same_row(a, b) and dx >= 0.3 * min(a[2] - a[0], b[2] - b[0])


def _same_row(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Whether two boxes share most of the smaller one's height."""
    return min(a[3], b[3]) - max(a[1], b[1]) >= 0.5 * min(a[3] - a[1], b[3] - b[1])


def _spelled(line: TextLine) -> str:
    return "".join(unicodedata.normalize("NFKC", line.text).split())


def _capped(line: TextLine) -> TextLine:
    chars = line.char_confidences
    return line.model_copy(update={
        "confidence": min(line.confidence, INK_CONFIDENCE),
        "char_confidences": tuple(min(c, INK_CONFIDENCE) for c in chars) if chars else chars})


def _lengthened(old: TextLine, line: TextLine, others: list[TextLine]) -> TextLine | None:
    """``old`` with the characters of ``line`` (a second reading of the same print) that lie
    beyond either end of ``old``'s box put before or after it, capped below certainty; None when
    ``line`` reaches past neither end, adds more than a seal hides, reaches into another line of
    the first reading (``others``: the label before a value is its own line), or does not read
    the part they share alike (half its characters at least)."""
    text, centres, em = _placed(line)
    margin = BEYOND * em
    head = "".join(c for c, mid in zip(text, centres) if mid < old.bbox[0] - margin)
    tail = "".join(c for c, mid in zip(text, centres) if mid > old.bbox[2] + margin)
    shared = text[len(head):len(text) - len(tail)]
    own = _spelled(old)
    if not (head or tail) or len(head) + len(tail) > MAX_HIDDEN or not shared \
            or not _alike(shared, own):
        return None
    added = [mid for mid in centres if mid < old.bbox[0] - margin or mid > old.bbox[2] + margin]
    if any(o is not old and _same_row(o.bbox, old.bbox) and any(o.bbox[0] <= mid <= o.bbox[2] for mid in added)
           for o in others):
        return None
    boxed = (min(old.bbox[0], line.bbox[0]) if head else old.bbox[0], old.bbox[1],
             max(old.bbox[2], line.bbox[2]) if tail else old.bbox[2], old.bbox[3])
    chars = old.char_confidences
    return _capped(old.model_copy(update={
        "text": head + old.text + tail, "bbox": boxed,
        "char_confidences": (*([line.confidence] * len(head)), *chars, *([line.confidence] * len(tail)))
        if chars and len(chars) == len(old.text) else None}))


def _placed(line: TextLine) -> tuple[str, list[float], float]:
    """``line``'s characters (spelled), where each one's centre lies across its box, and its em:
    the box shared out by each character's advance."""
    text = _spelled(line)
    advances = [char_weight(c) for c in text]
    em = (line.bbox[2] - line.bbox[0]) / max(sum(advances), 1e-6)
    centres, x = [], line.bbox[0]
    for advance in advances:
        centres.append(x + em * advance / 2)
        x += em * advance
    return text, centres, em


def merge(first: list[TextLine], second: list[TextLine], text_height: float,
          inked: Sequence[TextLine] = ()) -> list[TextLine]:
    """``first`` with the lines of the under-ink reading ``second`` put in: each replaces the
    first-reading lines it overlaps when it reads better, or stands alone where they found nothing.
    Lines of ``second`` taller than print (the overlay itself, read on a slant) are dropped.

    ``inked`` are lines of ``first`` written in the ink (:func:`_vanished`: a seal's own
    电子证照专用章 across the date beneath it): they stay, and are no rival of the print read
    beneath them, which is other text, not another reading of theirs."""
    out = list(first)
    for line in second:
        if line.bbox[3] - line.bbox[1] > TALLER_THAN_TEXT * text_height:
            continue
        spelled = _spelled(line)
        covered = [old for old in out if not is_overlay(old, text_height) and _overlaps(old.bbox, line.bbox)
                   and not any(old is ink for ink in inked)]
        # the first reading saw only the part of the line clear of the ink (the end of a date
        # range whose start lies under the overlay): the whole line is more, not a rival; a speck
        # read as a stop beside it (。马淼 for 马淼) is not more
        extends = bool(covered) and all(_spelled(old) in spelled for old in covered) and any(
            ch.isalnum() for ch in _without(spelled, [_spelled(old) for old in covered]))
        if (not covered or extends) and line.confidence < MIN_NEW:
            continue  # text only the second reading claims must read clearly
        if len(covered) == 1 and spelled == _spelled(covered[0]):
            # the same words: the first reading stands, in the second's box where a seal's edge
            # swelled the first's (a date as tall as two lines passes for the seal's own text)
            old = covered[0]
            if old.bbox[3] - old.bbox[1] > TALLER_THAN_TEXT * text_height:
                out = [o if o is not old else old.model_copy(update={"bbox": line.bbox}) for o in out]
            continue
        # a first-reading line the second spells out within its own (the label before a date the
        # ink mixed into nonsense) agrees with it: only the others are rivals to read better than
        rivals = [old for old in covered if _spelled(old) not in spelled] or covered
        if covered and not extends and (line.confidence < max(old.confidence for old in rivals) + MIN_GAIN
                                        or spelled == "".join(_spelled(old) for old in covered)):
            # the first reading stands, as good or the same words; but where ink hid one end of
            # its line (a seal over an office name's 局), the characters the second reading found
            # past that end are added to it
            if len(covered) == 1 and (longer := _lengthened(covered[0], line, out)) is not None:
                out = [longer if o is covered[0] else o for o in out]
            continue
        out = [old for old in out if not any(old is c for c in covered)] + [_capped(line)]
    return out


def _without(text: str, parts: list[str]) -> str:
    """``text`` with the first occurrence of each of ``parts`` taken out."""
    for part in parts:
        text = text.replace(part, "", 1)
    return text


def _whole_lines(region: tuple[int, int, int, int], lines: list[TextLine],
                 text_height: float) -> tuple[int, int, int, int]:
    """``region`` widened to the whole of every first-reading line it cuts: a line the crop cuts
    is read again in part (程建设监理有限责任公司 for 四川省华诚工程建设监理有限责任公司), and a
    part read clearly would pass for a better reading of the whole."""
    x0, y0, x1, y1 = region
    for line in lines:
        a0, b0, a1, b1 = line.bbox
        if a0 < x1 and x0 < a1 and b0 < y1 and y0 < b1 and not is_overlay(line, text_height):
            x0, x1 = min(x0, int(a0)), max(x1, int(a1) + 1)
    return x0, y0, x1, y1


def read_under_ink(engine: OcrEngine, image: np.ndarray, lines: list[TextLine], grey: bool = True) -> list[TextLine]:
    """``lines`` (the first reading of the upright RGB ``image``) improved by a second reading of
    the print under coloured ink, where ink touches print, or, on a grey page (``grey``: not a
    black-and-white one, whose print is all one darkness), under a grey seal
    (:mod:`dossier.extract.ocr.grey`); ``lines`` unchanged otherwise."""
    # One line is enough to measure by: ink across a page can leave little else readable.
    height = text_height(lines, at_least=1)
    if height is None:
        return lines
    region = ink_region(image, lines, height)
    if region is not None:
        def clean(y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
            return deinked(image[y0:y1, x0:x1], height)
    elif grey and (seal := grey_overlay(image, lines, height)) is not None:
        region, strokes = seal

        def clean(y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
            return lifted(image[y0:y1, x0:x1], strokes[y0:y1, x0:x1])
    else:
        return lines
    x0, y0, x1, y1 = _whole_lines(region, lines, height)
    second = [ln.model_copy(update={"bbox": (ln.bbox[0] + x0, ln.bbox[1] + y0, ln.bbox[2] + x0, ln.bbox[3] + y0)})
              for ln in engine.recognize(clean(y0, y1, x0, x1))]
    return merge(lines, second, height, inked=_vanished(lines, second, (x0, y0, x1, y1)))


def _vanished(first: list[TextLine], second: list[TextLine], region: tuple[int, int, int, int]) -> list[TextLine]:
    """The lines of ``first`` read well inside ``region`` that the second reading, of the same
    print with the ink lifted, did not read where they lie: they were written in the ink. (A
    seal's 设局 beside the date under it is found again only in the office's name further along
    the row: other print.)"""
    x0, y0, x1, y1 = region
    placed = [_placed(line) for line in second]

    def read_there(old: TextLine) -> bool:
        a0, _, a1, _ = old.bbox
        for line, (text, centres, em) in zip(second, placed):
            if shared_height(line.bbox, old.bbox) > 0:
                there = "".join(c for c, mid in zip(text, centres) if a0 - em <= mid <= a1 + em)
                if there and _alike(_spelled(old), there):
                    return True
        return False

    return [old for old in first
            if old.confidence >= SURE and x0 <= old.bbox[0] and old.bbox[2] <= x1 and y0 <= old.bbox[1]
            and old.bbox[3] <= y1 and not read_there(old)]


def _alike(text: str, other: str) -> bool:
    """Whether ``text`` reads the same print as ``other``: most of its characters are found there."""
    return sum(1 for c in text if c in other) >= SHARED * len(text)


def _ink_share(strokes: np.ndarray, coloured: np.ndarray, line: TextLine) -> float:
    """The share of the strokes in ``line``'s box that are ``coloured`` ink: black print, under
    ink too, stays near neutral where ink's own strokes are strongly coloured."""
    x0, y0, x1, y1 = (max(0, round(v)) for v in line.bbox)
    count = cv2.countNonZero(strokes[y0:y1, x0:x1].view(np.uint8))
    return cv2.countNonZero(coloured[y0:y1, x0:x1].view(np.uint8)) / count if count else 0.0
