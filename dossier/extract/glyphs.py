"""Traditional glyphs OCR reads in place of simplified ones, put back before anything is read.

OCR models read some simplified glyphs as their traditional forms (業 for 业, 書 for 书, 資 for 资,
specially in serif and letter-spaced titles), and mainland filings print simplified. The stored
OCR text keeps what the engine read; extraction reads a line with two such characters or more
converted (the engine's glyph confusion reaches several characters of a line: 专業技术資格证書),
and a single one as read (it may be a name's own: 龚家駿). Only a regular traditional form is
converted, one whose simplified form converts back to it: 昇 and 喆 are characters of names in
their own right, not variants of 升 and 吉.
"""

from __future__ import annotations

from functools import lru_cache

import opencc

from dossier.model import PageText, TextSource

_T2S, _S2T = opencc.OpenCC("t2s"), opencc.OpenCC("s2t")


@lru_cache(maxsize=8192)
def simplified(ch: str) -> str:
    """The simplified form of ``ch`` when ``ch`` is a regular traditional form, else ``ch``."""
    simple = _T2S.convert(ch)
    return simple if simple != ch and _S2T.convert(simple) == ch else ch


def simplified_text(text: str) -> str:
    """``text`` with every regular traditional form simplified (vocabulary: titles and labels)."""
    return "".join(simplified(ch) for ch in text)


def simplified_page(page: PageText) -> PageText:
    """``page`` with its OCR lines' traditional glyphs simplified (see the module docstring);
    other pages as they are."""
    if page.source != TextSource.ocr:
        return page
    lines = []
    for line in page.lines:
        simple = simplified_text(line.text)
        changed = sum(a != b for a, b in zip(simple, line.text)) >= 2
        lines.append(line.model_copy(update={"text": simple}) if changed else line)
    return page.model_copy(update={"lines": lines})
