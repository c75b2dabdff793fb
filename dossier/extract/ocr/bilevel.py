"""Pages that hold only black and white (a fax, a 1-bit scan) are smoothed before they are read.

PP-OCR learnt its characters from grey, anti-aliased print. A fax thresholds the page to one bit
at 204 x 98 dpi, often by error diffusion, and the receiver stretches each scan row into two or
three pixel rows: strokes become staircases and grey strokes scattered dots, and the recogniser
reads 荣 as 菜 and misses whole lines its detector no longer sees as text. A Gaussian blur of
about a fifth of a millimetre turns the dots back into grey strokes and the staircases into slopes
(seeds 49-52's faxes: 72 -> 79 of 141 printed values found in the page's text; of blurs of 1, 1.5
and 2 pixels, the wider the finer the page, so the blur is set in millimetres). Grey and colour
pages are left as they are.
"""

from __future__ import annotations

import cv2
import numpy as np

# A page is bilevel when nearly all its pixels are black or white; a few grey ones may come from
# a scaled header, a JPEG re-save of a fax keeps none of this and is left alone (it is grey).
BILEVEL_SHARE = 0.995
NEAR = 16  # grey levels from pure black or white that still count as black or white
SMOOTH_MM = 0.19  # the blur's sigma on paper: a few fax dots, a fraction of a stroke's width
MM_PER_INCH = 25.4
_SAMPLE = 200_000  # pixels looked at to decide: the share is all that is needed


def is_bilevel(image: np.ndarray) -> bool:
    """True when the page's pixels are (nearly) all pure black or pure white."""
    pixels = image.reshape(-1, image.shape[2]) if image.ndim == 3 else image.reshape(-1, 1)
    sample = pixels[::max(1, len(pixels) // _SAMPLE)].astype(np.int16)
    if (sample.max(axis=1) - sample.min(axis=1) > NEAR).any():
        return False  # colour anywhere (a red seal): no black-and-white page
    extreme = (sample[:, 0] <= NEAR) | (sample[:, 0] >= 255 - NEAR)
    return float(extreme.mean()) >= BILEVEL_SHARE


def smooth_bilevel(image: np.ndarray, dpi: float) -> np.ndarray:
    """``image`` blurred by :data:`SMOOTH_MM` when it is bilevel, otherwise ``image`` itself."""
    if not is_bilevel(image):
        return image
    sigma = SMOOTH_MM * dpi / MM_PER_INCH
    return cv2.GaussianBlur(image, (0, 0), sigma)
