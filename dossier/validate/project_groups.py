"""Grouping the 业绩 documents (中标通知书, 合同, 竣工验收 …) by the project they are about.

Names are compared after dropping spaces and punctuation; two names belong together when one
contains the other or their similarity reaches ``fields.project_name_similarity`` — and their
numbers agree (or the numbers of one are among the other's: "3#厂房" and "3#、4#厂房" is one project
named inconsistently), since "华府小区1#楼" and "华府小区2#楼" are different projects however alike
they read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from dossier.validate.facts import DocumentFacts
from dossier.validate.params import RuleParams

_NOT_WORD = re.compile(r"[^\w|]+|_+")
_BETWEEN_NUMBERS = re.compile(r"(?<=\d)[^\w\u4e00-\u9fff]+(?=\d)")
_NUMBER = re.compile(r"\d+")
_MIN_CONTAINED = 4  # a contained name this short ("工程") says nothing


@dataclass
class ProjectGroup:
    """Project documents judged to be about one project, in the context's document order."""

    members: list[DocumentFacts]
    fields: dict[str, dict[str, str]]  # doc_type -> attribute -> field (params.fields.project)
    # members that joined by their folder, their project name doubted and naming no project: that
    # name is a misreading to confirm (LOW_CONFIDENCE), not the project's name to compare
    name_doubted: frozenset[int] = frozenset()  # id() of such members

    def field_of(self, doc: DocumentFacts, attribute: str) -> str | None:
        """The field of ``doc`` that holds the project ``attribute`` (name, contractor …)."""
        return self.fields.get(doc.doc_type or "", {}).get(attribute)

    def value(self, doc: DocumentFacts, attribute: str) -> str | None:
        name = self.field_of(doc, attribute)
        if not name or (attribute == "name" and id(doc) in self.name_doubted):
            return None
        return doc.text(name)

    @property
    def anchor(self) -> DocumentFacts:
        """The document that stands for the project: the contract when there is one."""
        return next((d for d in self.members if d.doc_type == "project_contract"), self.members[0])

    @property
    def title(self) -> str:
        return self.value(self.anchor, "name") or ""


def project_key(name: str) -> str:
    """A project name for matching: letters, digits and CJK only, with "|" kept between two
    numbers that punctuation separated ("3#、4#" is 3|4, not 34)."""
    return _NOT_WORD.sub("", _BETWEEN_NUMBERS.sub("|", name.replace("|", "")))


def same_project(a: str, b: str, threshold: float) -> bool:
    """Whether two project keys (see ``project_key``) name the same project."""
    if a == b:
        return True
    numbers_a, numbers_b = _NUMBER.findall(a), _NUMBER.findall(b)
    if numbers_a != numbers_b and not _one_covers_the_other(numbers_a, numbers_b):
        return False
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) >= _MIN_CONTAINED and shorter in longer:
        return True
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= threshold


def _one_covers_the_other(a: list[str], b: list[str]) -> bool:
    """"3#厂房" and "3#、4#厂房": one project named with more or fewer of its buildings (a
    PROJECT_MISMATCH to report), unlike "1#楼" and "2#楼", which share no number."""
    small, large = sorted((set(a), set(b)), key=len)
    return bool(small) and small < large


def group_projects(documents: list[DocumentFacts], params: RuleParams) -> list[ProjectGroup]:
    """Group the project documents of ``documents``. A document whose project name was not read
    joins the one group filed in its folder (and missing its type), or the one group missing its
    type when it is the only such document unread; else it stays out. A name read below the
    threshold that names no other document's project is as good as unread (a photo gave the
    tenderee's name as the project's: a project of its own would lack every other document)."""
    tables = params.fields.project
    by_key: dict[str, list[DocumentFacts]] = {}
    unnamed: list[DocumentFacts] = []
    doubted: set[int] = set()
    for doc in documents:
        if (doc.doc_type or "") not in tables:
            continue
        name_field = tables[doc.doc_type].get("name")
        name = doc.text(name_field) if name_field else None
        if name:
            by_key.setdefault(project_key(name), []).append(doc)
            found = doc.field(name_field)
            if found is not None and found.confidence < params.low_confidence:
                doubted.add(id(doc))
        else:
            unnamed.append(doc)
    # Union the distinct keys (far fewer than documents), then expand back to documents.
    keys = list(by_key)
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    threshold = params.fields.project_name_similarity
    for i in range(len(keys)):
        for j in range(i + 1, len(keys)):
            if root(i) != root(j) and same_project(keys[i], keys[j], threshold):
                parent[root(j)] = root(i)
    clusters: dict[int, list[DocumentFacts]] = {}
    for i, key in enumerate(keys):
        clusters.setdefault(root(i), []).extend(by_key[key])
    order = {id(doc): n for n, doc in enumerate(documents)}
    groups = [sorted(members, key=lambda d: order[id(d)]) for members in clusters.values()]
    alone = [g for g in groups if len(g) == 1 and id(g[0]) in doubted and len(groups) > 1]
    unnamed += [g[0] for g in alone]
    groups = [g for g in groups if not any(g is a for a in alone)]
    for doc in unnamed:
        # its name unread: the project whose documents share its folder, if one; in a folder
        # several projects share (an application filed flat), the one project without a document
        # of its type, when it is the one document of that type unread
        lacking = [g for g in groups if all(m.doc_type != doc.doc_type for m in g)]
        home = [g for g in lacking if _folder(doc) and all(_folder(m) == _folder(doc) for m in g)]
        shared = sum(any(_folder(m) == _folder(doc) for m in g) for g in groups) >= 2
        if not home and shared and sum(u.doc_type == doc.doc_type for u in unnamed) == 1 and len(lacking) == 1:
            home = lacking
        if len(home) == 1:
            home[0].append(doc)
            home[0].sort(key=lambda d: order[id(d)])
    moved = frozenset(id(g[0]) for g in alone)
    return [ProjectGroup(members, tables, moved & {id(m) for m in members})
            for members in sorted(groups, key=lambda g: order[id(g[0])])]


def _folder(doc: DocumentFacts) -> str:
    """The folder a document was filed in within its application ("" at the top): filers keep
    each project's documents in a folder of their own (工程业绩/项目二_光谷产业园厂房/)."""
    name = doc.file.source_name if doc.file else doc.document.file
    return name.rsplit("/", 1)[0] if "/" in name else ""
