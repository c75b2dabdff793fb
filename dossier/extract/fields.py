"""The field engine: reads a document spec and finds each field's value among the lines.

For each field, every printed occurrence of one of its labels yields candidates in the spec's
``where`` order (after the label on the same line, the next cell to the right, the line below);
the first candidate that matches the field's pattern and normalises wins. Fields without a label
on the page may fall back to the first or last unclaimed pattern match (an issue date printed
under the seal, an ID number on a card). Values claimed by one field are not reused by another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dossier.extract.layout import LabelHit, Line, below, find_labels, right_of, strip_separators, union
from dossier.extract.normalize import NORMALISERS
from dossier.extract.spec import DocSpec, FieldSpec, label_vocabulary
from dossier.model import ExtractedField

UNPARSED_CONFIDENCE = 0.0
_UNKNOWN_LABEL = re.compile(r"^[\u4e00-\u9fff]{1,8}[:：]")
_REMARKS = re.compile(r"^[（(][^（()）]{1,10}[)）]")


def _skip_remark(text: str, start: int) -> int:
    """Skip a bracketed remark printed right after a label: 发证机关（盖章）, 甲方（用人单位）."""
    m = _REMARKS.match(text[start:])
    return start + m.end() if m else start


@dataclass(frozen=True)
class Candidate:
    line: Line
    start: int  # compact span of the value within the line
    end: int
    text: str
    extra: tuple[Line, ...] = ()  # continuation lines of a wrapped value

    @property
    def bbox(self):
        box = self.line.sub_bbox(self.start, self.end)
        for ln in self.extra:
            box = union(box, ln.bbox)
        return box

    @property
    def confidence(self) -> float:
        return min([self.line.confidence, *(ln.confidence for ln in self.extra)])


class FieldEngine:
    """Extracts the fields of one spec from one logical document's lines."""

    def __init__(self, spec: DocSpec):
        self.spec = spec
        self.vocabulary = label_vocabulary()
        self.all_labels = [lb for f in spec.fields.values() for lb in f.labels]
        if spec.table:
            self.all_labels += [h for hs in spec.table.columns.values() for h in hs]

    def extract(self, lines: list[Line]) -> dict[str, ExtractedField]:
        hits_by_line = {ln.index: find_labels(ln, self.all_labels, self.vocabulary) for ln in lines}
        claimed: set[tuple] = set()  # (line, start, end, owner) compact spans of values taken
        out: dict[str, ExtractedField] = {}
        for name, fspec in self.spec.fields.items():
            found = self._by_label(fspec, lines, hits_by_line, claimed)
            if found is None and fspec.fallback and fspec.regex is not None:
                found = self._by_pattern(fspec, lines, hits_by_line, claimed)
            if found is not None:
                out[name] = found
        return out

    # -- candidates --------------------------------------------------------------------------

    def _by_label(self, fspec: FieldSpec, lines, hits_by_line, claimed) -> ExtractedField | None:
        wanted = {lb.replace(" ", "") for lb in fspec.labels}
        unparsed: ExtractedField | None = None
        for line in lines:
            line_hits = hits_by_line[line.index]
            for hit in line_hits:
                if hit.label not in wanted:
                    continue
                for cand in self._candidates(fspec, hit, line_hits, lines, hits_by_line):
                    result = self._evaluate(fspec, cand, claimed)
                    if result is not None and result.value is not None:
                        return result
                    if result is not None and unparsed is None:
                        unparsed = result
        return unparsed

    def _candidates(self, fspec, hit: LabelHit, line_hits, lines, hits_by_line):
        line = hit.line
        start = _skip_remark(line.compact, hit.end)
        nxt = min((h.start for h in line_hits if h.start >= start), default=len(line.compact))
        a, b = strip_separators(line.compact, start, nxt)
        # right/below only make sense for a label that ends its line: a label followed by another
        # label on the same line (乙方（劳动者）姓名：…) has its value, if any, between them
        alone = a >= b and nxt == len(line.compact)
        for where in fspec.where:
            if where == "after" and a < b:
                extra = tuple(self._continuation(line, lines, hits_by_line)) if fspec.multi_line else ()
                yield Candidate(line, a, b, line.compact[a:b], extra)
            elif where == "right" and alone:
                x = line.sub_bbox(hit.start, hit.end)[2]
                for other in right_of(line, x, lines):
                    cand = self._leading_value(other, hits_by_line, fspec.multi_line, lines)
                    if cand is not None:
                        yield cand
                        break
            elif where == "below" and alone:
                x0, _, x1, _ = line.sub_bbox(hit.start, hit.end)
                for other in below(line, x0, x1, lines):
                    cand = self._leading_value(other, hits_by_line, fspec.multi_line, lines)
                    if cand is not None:
                        yield cand
                    break

    def _leading_value(self, line: Line, hits_by_line, multi_line: bool, lines: list[Line]) -> Candidate | None:
        """The text of ``line`` before its first label, if the line does not start with a label
        (one of ours, or an unknown ``标签：`` we have no spec for)."""
        hits = hits_by_line.get(line.index, [])
        end = min((h.start for h in hits), default=len(line.compact))
        start, end = strip_separators(line.compact, 0, end)
        if start >= end or _UNKNOWN_LABEL.match(line.compact[start:end]):
            return None
        extra = tuple(self._continuation(line, lines, hits_by_line)) if multi_line else ()
        return Candidate(line, start, end, line.compact[start:end], extra)

    def _continuation(self, line: Line, lines: list[Line], hits_by_line) -> list[Line]:
        """Lines directly under ``line``'s value that carry no label: a wrapped value."""
        out, last = [], line
        for other in lines[line.index + 1:]:
            if other.page != line.page or hits_by_line.get(other.index):
                break
            gap = other.bbox[1] - last.bbox[3]
            # a wrapped value continues close below, starting at (about) the same left edge
            if gap > 0.8 * max(last.height, 1.0) or abs(other.bbox[0] - line.bbox[0]) > 1.5 * max(line.height, 1.0):
                break
            out.append(other)
            last = other
        return out

    def _by_pattern(self, fspec: FieldSpec, lines, hits_by_line, claimed) -> ExtractedField | None:
        matches = []
        for line in lines:
            for m in fspec.regex.finditer(line.compact):
                if any(h.start < m.end() and m.start() < h.end for h in hits_by_line[line.index]):
                    continue  # a label is not a value
                matches.append(Candidate(line, m.start(), m.end(), m.group(0)))
        if fspec.fallback == "last":
            matches.reverse()
        for cand in matches:
            result = self._evaluate(fspec, cand, claimed)
            if result is not None and result.value is not None:
                result.notes.append("无标签，按格式定位")
                return result
        return None

    # -- normalisation -----------------------------------------------------------------------

    def _evaluate(self, fspec: FieldSpec, cand: Candidate, claimed: set[tuple]) -> ExtractedField | None:
        """Normalise a candidate; None when it does not match or its text is another field's.

        ``claimed`` holds (line, start, end, owner) spans already taken. Fields reading one part
        of a range (``part``) share their span with the other part of the same labels.
        """
        text, start, end = cand.text, cand.start, cand.end
        if cand.extra:
            text = text + "".join(ln.compact for ln in cand.extra)
        if fspec.regex is not None:
            m = fspec.regex.search(text)
            if m is None:
                return None
            # the first named group that took part in the match is the value (alternatives)
            group = next((g for g in fspec.regex.groupindex if m.group(g) is not None), 0)
            a, b = m.span(group)
            text = m.group(group)
            if not cand.extra:
                start, end = cand.start + a, cand.start + b
        owner = tuple(fspec.labels) if fspec.part else ()
        span = (cand.line.index, start, end, owner)
        if any(c[0] == span[0] and c[1] < span[2] and span[1] < c[2] and not (owner and c[3] == owner)
               for c in claimed):
            return None
        normalised = NORMALISERS[fspec.normaliser](text)
        if normalised is not None and normalised.value is not None:
            claimed.add(span)
        bbox = cand.line.sub_bbox(start, end) if not cand.extra else cand.bbox
        if normalised is None or normalised.value is None:
            return ExtractedField(value=None, raw=text, confidence=UNPARSED_CONFIDENCE, page=cand.line.page,
                                  bbox=bbox, notes=[f"无法解析：{text}"])
        value = normalised.value
        if fspec.part is not None and isinstance(value, (list, tuple)):
            value = value[0] if fspec.part == "start" else value[-1]
        if isinstance(value, tuple):
            value = list(value)
        return ExtractedField(
            value=value,
            raw=text,
            confidence=max(0.0, min(1.0, cand.confidence * normalised.confidence)),
            page=cand.line.page,
            bbox=bbox,
            suggestion=getattr(normalised, "suggestion", None),
            notes=list(getattr(normalised, "notes", []) or []),
        )
