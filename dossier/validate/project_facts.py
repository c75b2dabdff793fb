"""The 业绩 projects as the qualification standards see them: category, kind, scale and dates.

Each project (a ``ProjectGroup`` of 中标通知书, 合同, 竣工验收 …) gets the qualification category
its names place it in, whether it is a building or a structure, its scale figures by standards
attribute, and the dates the contractor must have held a qualification on (bid, contract). Every
value carries the evidence it was read from. What ``application.yaml``'s ``projects`` states
wins over what the documents say; what neither says stays unknown, never guessed: a name that
matches the words of two categories (7#楼桩基工程) has no category until a person sets it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from dossier.model import ApplicationSpec, Evidence, ProjectNote
from dossier.standards.loader import vocabulary
from dossier.standards.measure import ProjectScale
from dossier.standards.schema import Standard
from dossier.validate.evidence import field_evidence, spec_evidence
from dossier.validate.project_groups import ProjectGroup, project_key, same_project

# 3#、4#厂房 / 5号楼 / 2栋: each a building of the project
_BUILDING_NUMBER = re.compile(r"\d+\s*(?:#|＃|号楼|栋|幢|号厂房)")
# The dates on which a contractor undertakes a project: when it won the bid, when it signed.
UNDERTAKING_DATES: tuple[tuple[str, str, str], ...] = (
    ("bid_award_notice", "issue_date", "中标通知书日期"),
    ("project_contract", "sign_date", "合同签订日期"),
)


@dataclass(frozen=True)
class DatedEvidence:
    label: str  # 合同签订日期
    day: date
    evidence: Evidence


@dataclass
class ProjectFacts:
    """One project with what the standards compare, and where each value came from."""

    group: ProjectGroup
    name: str
    category: str | None
    category_evidence: list[Evidence]
    category_candidates: tuple[str, ...]  # the categories its names matched (several: ambiguous)
    scale: ProjectScale
    evidence: dict[str, Evidence] = field(default_factory=dict)  # attribute -> where its value came from
    notes: list[str] = field(default_factory=list)  # values left out, and why
    dates: list[DatedEvidence] = field(default_factory=list)
    completed: DatedEvidence | None = None  # 竣工验收日期
    accepted: bool | None = None  # 验收结论 合格

    def all_evidence(self) -> list[Evidence]:
        return self.category_evidence + list(self.evidence.values()) + [d.evidence for d in self.dates]


def project_facts(spec: ApplicationSpec, groups: list[ProjectGroup], categories: list[Standard],
                  similarity: float) -> list[ProjectFacts]:
    """The facts of every project in ``groups``; ``categories`` are the standards whose
    ``project_keywords`` may place a project (those of the regime in use); a ``projects`` entry of
    ``spec`` is about a project when their names match as project names do (``similarity``)."""
    return [_facts(spec, group, categories, similarity) for group in groups]


def _note_for(spec: ApplicationSpec, names: list[str], similarity: float) -> tuple[int, ProjectNote] | None:
    keys = [project_key(n) for n in names]
    return next(((i, note) for i, note in enumerate(spec.projects)
                 if any(same_project(project_key(note.name), key, similarity) for key in keys)), None)


def _facts(spec: ApplicationSpec, group: ProjectGroup, categories: list[Standard], similarity: float) -> ProjectFacts:
    name = group.title
    names = [n for doc in group.members if (n := group.value(doc, "name"))]
    stated = _note_for(spec, names, similarity)
    index, note = stated if stated else (None, None)
    where = f"projects[{index}]"
    # category: stated, else the one category whose words the project's names contain
    if note and note.category:
        category, candidates, cat_ev = note.category, (note.category,), [spec_evidence(f"{where}.category", note.category)]
    else:
        candidates = tuple(s.category for s in categories
                           if any(word in n for n in names for word in s.project_keywords))
        category = candidates[0] if len(candidates) == 1 else None
        cat_ev = [field_evidence(doc, group.field_of(doc, "name")) for doc in group.members
                  if group.field_of(doc, "name") and group.value(doc, "name")]
    values, evidence, notes = _scale(group, names)
    kind = note.kind if note and note.kind else _kind(names)
    structure = note.structure if note and note.structure else None
    for attribute, value in (note.scale.items() if note else ()):
        values[attribute] = value
        evidence[attribute] = spec_evidence(f"{where}.scale.{attribute}", value)
    facts = ProjectFacts(group=group, name=name, category=category, category_evidence=cat_ev,
                         category_candidates=candidates,
                         scale=ProjectScale(name, values, kind, structure), evidence=evidence, notes=notes)
    for doc_type, fld, label in UNDERTAKING_DATES:
        for doc in group.members:
            day = day_of(doc.text(fld)) if doc.doc_type == doc_type else None
            if day is not None:
                facts.dates.append(DatedEvidence(label, day, field_evidence(doc, fld)))
    for doc in group.members:
        if doc.doc_type == "completion_acceptance":
            day = day_of(doc.text("acceptance_date"))
            if day is not None and facts.completed is None:
                facts.completed = DatedEvidence("竣工验收日期", day, field_evidence(doc, "acceptance_date"))
            result = doc.text("result")
            if result:
                facts.accepted = "合格" in result and "不合格" not in result
    return facts


def _scale(group: ProjectGroup, names: list[str]) -> tuple[dict[str, Decimal], dict[str, Evidence], list[str]]:
    """Attribute values read from the project's documents (first field found, per attributes.yaml)."""
    several = max((len(_BUILDING_NUMBER.findall(n)) for n in names), default=0) >= 2
    values: dict[str, Decimal] = {}
    evidence: dict[str, Evidence] = {}
    notes: list[str] = []
    for attribute, info in vocabulary().attributes.items():
        for doc_type, fld in info.fields:
            doc = next((d for d in group.members if d.doc_type == doc_type and d.text(fld)), None)
            value = _decimal(doc.text(fld)) if doc else None
            if value is None:
                continue
            if info.single_building and several:
                notes.append(f"{info.title}：合同面积 {doc.text(fld)} 为多栋建筑合计，不能视为单体建筑面积")
                break
            values[attribute], evidence[attribute] = value, field_evidence(doc, fld)
            break
    return values, evidence, notes


def _kind(names: list[str]):
    kinds = vocabulary().kinds
    found = {kind for kind, words in kinds.items() if any(w in n for n in names for w in words)}
    return found.pop() if len(found) == 1 else None


def _decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "")) if text else None
    except InvalidOperation:
        return None


def day_of(text: str | None) -> date | None:
    """A field's YYYY-MM-DD value as a date (None when absent or not a date: 长期, a misreading)."""
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None
