"""OCR results cached per (file sha256, page, engine name, engine version) as JSON files.

A hit returns the finished :class:`PageText` (rotation included), so a re-run neither renders nor
OCRs the page and never constructs an engine. Entries live with the other derived artefacts
(``dossier.store.derived``: atomic writes, an unreadable entry is a miss) at
``<derived_dir>/<sha[:2]>/<sha>/ocr/<engine>-<version>/<page>.json``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import ValidationError

from dossier.config import Settings
from dossier.model import PageText
from dossier.store import derived

log = logging.getLogger(__name__)

# Bump when the stored shape or the page pipeline (orientation, downscale) changes meaning:
# entries of another format are misses and get recomputed.
FORMAT = 19  # 2: lines carry their characters' confidences; 3: print under coloured ink read again;
# 4: grids of ticks judged upright by their runs of text, overlays no longer hide print beneath;
# 5: a line a seal joined is no overlay (4 doubled it); 6: and its box is the second reading's;
# 7: characters ink hid past either end of a line read well are added from the second reading;
# 8: the second reading's crop takes in the whole of every line it cuts; 9: a coloured area (a
# photo's tablecloth) is no ink, so it no longer makes a photographed page a colour document; 10: a
# title printed large is no overlay (an overlay's box is many of its characters tall), and a field
# label read alone with print beside it is read beside by recognition alone; 11: a page judged
# sideways whose quarter turns both read poorly is read upside down too (a fax's frame); 12: and
# not beside a label whose value, under it, reaches up into its box (the tops of its characters);
# 13: a black-and-white page (a fax) is smoothed before it is read; 14: nothing is read beside a
# label whose strip a line read already runs through (a caption boxed with its value); 15: print
# ink runs through is read again however well it was read, and a seal's own words are no rival;
# 16: and they are the seal's though the second reading spells them elsewhere on their row;
# 17: a grey scan's seal over print is lifted by brightness and that part read again; 18: only a
# seal's round shape is lifted (not a card's pale frame), and a speck is no more of a line; 19: a
# seal's strokes run round the ellipse their box holds (an ID card's border does not)


class OcrCache:
    """Read and write cached OCR pages for one engine identity."""

    def __init__(self, settings: Settings, engine_name: str, engine_version: str):
        self._settings = settings
        self._folder = f"{engine_name}-{engine_version}"

    def _path(self, sha256: str, number: int) -> Path:
        return derived.derived_path(self._settings, sha256, "ocr", self._folder, f"{number}.json")

    def get(self, sha256: str, number: int) -> PageText | None:
        """The cached page, or None (missing, unreadable, other format)."""
        data = derived.read_json(self._path(sha256, number))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        try:
            return PageText.model_validate(data["page"])
        except (KeyError, ValidationError) as exc:
            log.warning("ignoring malformed OCR cache entry %s: %s", self._path(sha256, number), exc)
            return None

    def put(self, sha256: str, page: PageText) -> None:
        """Store ``page`` atomically (a crash never leaves half an entry)."""
        derived.write_json(self._path(sha256, page.number),
                           {"format": FORMAT, "page": page.model_dump(mode="json")})
