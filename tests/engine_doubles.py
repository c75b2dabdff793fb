"""OCR engine doubles for unit tests of the pages stage: they say where the ink is on the page
image they are given, which is what those tests check (orientation, rendering, decoding), and
count their calls (cache hits). The real engine runs in the OCR tests and the integration tests."""

from __future__ import annotations

import numpy as np

from dossier.model import TextLine

BOX = (10.0, 10.0, 200.0, 40.0)


class EngineDouble:
    """The engine protocol's plumbing; subclasses say what a page reads as (``read``)."""

    name = "double"
    version = "1"

    @classmethod
    def version_for(cls, settings) -> str:
        return cls.version

    def __init__(self, settings=None) -> None:
        self.calls = 0
        self.shapes: list[tuple[int, ...]] = []

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        self.calls += 1
        self.shapes.append(image.shape)
        assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3
        text = self.read(image)
        return [TextLine(text=text, confidence=0.99, bbox=BOX)] if text else []

    def read(self, image: np.ndarray) -> str | None:
        raise NotImplementedError


def where_the_ink_is(image: np.ndarray) -> str | None:
    """"top-left" … "bottom-right": the quarter the dark pixels' centre falls in; None on a blank page."""
    h, w = image.shape[:2]
    ys, xs = np.nonzero(image.mean(axis=2) < 100)
    if len(ys) == 0:
        return None
    return ("top" if ys.mean() < h / 2 else "bottom") + "-" + ("left" if xs.mean() < w / 2 else "right")
