"""How many of a file's pages have been read so far, told to whoever follows the reading.

The upload box shows "已读 n/m 页" while a long scan is read; the readers count each page as its
text is in hand (text layer, OCR cache or OCR) and a caller-given hook passes it on. Reporting is
a courtesy: a hook that fails costs its report, never the reading.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

PageProgress = Callable[[int, int], None]
"""``hook(pages_read, pages_in_file)``, called after each page; the last call has both equal."""


class PageCount:
    """Counts the pages of one file as they are read and reports each count to ``hook``."""

    def __init__(self, hook: PageProgress | None, total: int):
        self._hook = hook
        self.total = total
        self.read = 0

    def add(self) -> None:
        """One more page read (or given up on: a page that failed is done with too)."""
        self.read += 1
        if self._hook is None:
            return
        try:
            self._hook(self.read, self.total)
        except Exception:  # noqa: BLE001 - whatever the hook's store raises, the reading goes on
            log.warning("progress of page %d/%d not recorded", self.read, self.total, exc_info=True)
