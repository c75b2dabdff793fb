"""Entity resolution: which person (and which company) each document speaks about.

People are keyed by ID number. A document (or a 社保 record row) is tied to a roster person by,
in order: the exact ID; the ID field's OCR ``suggestion``; an ID that differs from one roster ID
by a single OCR-confusable character; the name (spaces and middle dots ignored), unique in the
roster or unique among the people whose roles call for that document type; the name field's
``suggestion`` (a rarer look-alike character); a name a character off; and, for a document on
which neither a name nor an ID number was read with confidence (a fax, a blurred photo), the one
listed person its folder or file name names (人员资料/邱美玲/职称证书.pdf). Only the exact ID is
silent; nothing is merged unseen (``Mention.how``): a suggestion is reported by LOW_CONFIDENCE
(with ID_CHECKSUM for the value as read), a confusable or different ID by ID_MISMATCH, a 社保 row
without an ID and a tie by path by LOW_CONFIDENCE. A mention that matches nobody but has an ID
becomes an unlisted person of its own.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Literal

from dossier.extract.completeness import Kind, is_whole
from dossier.model import ApplicationSpec, Evidence, RosterEntry
from dossier.validate.evidence import field_evidence, record_evidence, spec_evidence
from dossier.validate.facts import DocumentFacts
from dossier.validate.identifiers import id_info, is_valid_id_number, ocr_confusable
from dossier.validate.params import PayerPolicy, RuleParams

MatchHow = Literal["id", "suggestion", "confusable", "name", "near_name", "path", "birth", "unlisted"]

_NAME_NOISE = re.compile(r"[\s·•・.．]+")
_COMPANY_NOISE = re.compile(r"\s+")
_WIDE_PARENS = str.maketrans("（）", "()")


def normalise_name(name: str) -> str:
    """A person's name for comparison: no spaces, no middle dots (阿卜杜·热西提 = 阿卜杜热西提)."""
    return _NAME_NOISE.sub("", name)


def normalise_company(name: str) -> str:
    """A company name for the exact comparison regulators make: only spaces and the width of
    parentheses are forgiven (（集团） and (集团) are the same registered name)."""
    return _COMPANY_NOISE.sub("", name).translate(_WIDE_PARENS)


# A reading below this is more likely wrong than right (found without its label, or through many
# doubts, on a fax): whatever it disagrees with, it is a misreading to check, not a mismatch. A
# value read by its label on a poor page (a fax: 0.85) still accuses: the seeded 出生日期 of a
# faxed certificate is read right more often than not.
GUESS = 0.5


def misreading(value: str, other: str, confidence: float, threshold: float, same=normalise_company,
               kind: Kind | None = None) -> bool:
    """Whether ``value`` differs from ``other`` only as a doubtful reading of it does: it was read
    below ``threshold`` and is cut short or run on (one a prefix of the other), a character or
    two off (江苏长安华建设… for 江苏长安华构建设…), or, given its ``kind``, no whole name of that
    kind at all (申级 read from a photo where a company stands); or read as little more than a
    guess (:data:`GUESS`: 成都品广应建设发展行限公司 at 0.17 on a fax). Such a difference is
    LOW_CONFIDENCE's (a person looks at the scan), not a blocking mismatch that accuses the
    document of naming someone else."""
    a, b = same(value), same(other)
    if a == b or confidence >= threshold:
        return False
    if confidence < GUESS or (kind is not None and not is_whole(kind, a)):
        return True
    limit = MISREAD_EDITS if min(len(a), len(b)) >= 6 else 1
    return a.startswith(b) or b.startswith(a) or edit_distance(a, b, limit) <= limit


MISREAD_EDITS = 2  # characters a doubtful reading of a longer name may lose, gain or change


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """The insertions, deletions and substitutions that turn ``a`` into ``b`` (Levenshtein); with
    ``limit``, any distance above it is ``limit + 1``, known as soon as no row can come back under."""
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if limit is not None and min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1] if limit is None else min(previous[-1], limit + 1)


@dataclass(frozen=True)
class Mention:
    """One place a person appears: a person document, or one row of a record document."""

    doc: DocumentFacts
    record: int | None  # row in doc.document.records; None for a person document
    name: str | None
    id_number: str | None  # as read, upper-case
    how: MatchHow

    def confidence(self, key: str) -> float:
        """How sure the reading of ``key`` here is: the field's confidence, or the row's for a
        statement row (rows stored before rows carried one count as sure)."""
        if self.record is not None:
            return float(self.doc.document.records[self.record].get("confidence", {}).get(key, 1.0))
        found = self.doc.field(key)
        return found.confidence if found is not None else 0.0

    def evidence(self, key: str) -> Evidence:
        """Evidence of ``key`` (name, id_number, months …) at this mention."""
        if self.record is None:
            return field_evidence(self.doc, key)
        return record_evidence(self.doc, self.record, key)


@dataclass
class Person:
    id_number: str  # the roster's ID for roster people, else the ID as read
    roster: list[tuple[int, RosterEntry]] = field(default_factory=list)  # (index in spec.roster, entry)
    mentions: list[Mention] = field(default_factory=list)

    @property
    def listed(self) -> bool:
        return bool(self.roster)

    @property
    def name(self) -> str:
        """The roster's name, else the first name read on a document."""
        if self.roster:
            return self.roster[0][1].name
        return next((m.name for m in self.mentions if m.name), "")

    @property
    def roles(self) -> set[str]:
        return {entry.role for _, entry in self.roster}

    def roster_evidence(self) -> list[Evidence]:
        """The ID number of each roster line naming this person, as evidence."""
        return [spec_evidence(f"roster[{i}].id_number", e.id_number) for i, e in self.roster]

    def documents(self) -> list[Mention]:
        return [m for m in self.mentions if m.record is None]

    def records(self) -> list[Mention]:
        return [m for m in self.mentions if m.record is not None]


@dataclass
class People:
    persons: dict[str, Person]  # by id_number
    # Keyed by id() of the document object: one scan may be claimed by two documents (same
    # sha256 and page), so no combination of their fields is a key. Valid while the list lives.
    by_doc: dict[int, Person]
    unresolved: list[Mention]  # neither an ID nor a name to go by

    def listed(self) -> list[Person]:
        """The roster's people, in roster order."""
        return sorted((p for p in self.persons.values() if p.listed), key=lambda p: p.roster[0][0])


def resolve_people(spec: ApplicationSpec, documents: list[DocumentFacts], params: RuleParams) -> People:
    """Tie every person document and record row in ``documents`` to a person (see module doc)."""
    resolver = _Resolver(spec, params)
    tables = params.fields
    for doc in documents:
        if doc.doc_type in tables.person_doc_types:
            id_field, name_field = doc.field("id_number"), doc.field("name")
            mention = resolver.add(doc, None, doc.text("name"), doc.text("id_number"),
                                   id_field.suggestion if id_field else None,
                                   name_field.suggestion if name_field else None,
                                   doubted=not any(f is not None and f.value and f.confidence >= params.low_confidence
                                                   for f in (id_field, name_field)))
            if mention is not None:
                resolver.by_doc[id(doc)] = resolver.persons[mention]
        elif doc.doc_type in tables.person_record_doc_types:
            for index, row in enumerate(doc.document.records):
                resolver.add(doc, index, _cell(row.get("name")), _cell(row.get("id_number")), None)
    return People(resolver.persons, resolver.by_doc, resolver.unresolved)


def _cell(value: object) -> str | None:
    return (str(value).strip() or None) if value is not None else None


class _Resolver:
    def __init__(self, spec: ApplicationSpec, params: RuleParams):
        self.params = params
        self.persons: dict[str, Person] = {}
        self.by_doc: dict[int, Person] = {}
        self.unresolved: list[Mention] = []
        self.by_name: dict[str, list[Person]] = defaultdict(list)
        for index, entry in enumerate(spec.roster):
            person = self.persons.setdefault(entry.id_number.upper(), Person(entry.id_number.upper()))
            person.roster.append((index, entry))
        for person in self.persons.values():
            for name in {normalise_name(entry.name) for _, entry in person.roster}:
                self.by_name[name].append(person)
        self.roster_ids = list(self.persons)

    def add(self, doc: DocumentFacts, record: int | None, name: str | None, id_number: str | None,
            suggestion: str | None, name_suggestion: str | None = None, doubted: bool = False) -> str | None:
        """Attach one mention; returns the person's key, or None when it stays unresolved.
        ``doubted``: neither the name nor the ID number was read with confidence, so the file's
        place may tie the document to the person whose folder it lies in."""
        id_number = id_number.upper() if id_number else None
        key, how = self._match(doc, name, id_number, suggestion, name_suggestion)
        if how == "unlisted" and doubted and (by_path := self._by_path(doc.document.file)) is not None:
            key, how = by_path.id_number, "path"
        elif how == "unlisted" and doubted and (by_birth := self._by_birth(doc, name)) is not None:
            key, how = by_birth.id_number, "birth"
        mention = Mention(doc, record, name, id_number, how)
        if key is None:
            self.unresolved.append(mention)
            return None
        self.persons.setdefault(key, Person(key)).mentions.append(mention)
        return key

    def _match(self, doc, name, id_number, suggestion, name_suggestion=None) -> tuple[str | None, MatchHow]:
        if id_number and id_number in self.persons:
            return id_number, "id" if self.persons[id_number].listed else "unlisted"
        if suggestion and suggestion.upper() in self.roster_ids:
            return suggestion.upper(), "suggestion"
        if id_number:
            close = [rid for rid in self.roster_ids if ocr_confusable(id_number, rid)]
            if len(close) == 1:
                return close[0], "confusable"
        if name:
            namesakes = self.by_name.get(normalise_name(name), [])
            if len(namesakes) > 1:  # disambiguate by the roles that call for this document
                namesakes = [p for p in namesakes if self._calls_for(p, doc.doc_type)]
            if len(namesakes) == 1:
                return namesakes[0].id_number, "name"
            # the name as the reader proposes it (樊赞 read, 樊赟 the rarer look-alike): reported
            # by LOW_CONFIDENCE with its suggestion, like an ID's
            proposed = self.by_name.get(normalise_name(name_suggestion), []) if name_suggestion else []
            if len(proposed) == 1:
                return proposed[0].id_number, "suggestion"
            near = self._near_name(normalise_name(name), doc)
            if near is not None and not id_number:
                return near.id_number, "near_name"
        return (id_number, "unlisted") if id_number else (None, "unlisted")

    def _near_name(self, name: str, doc: DocumentFacts) -> Person | None:
        """The one listed person whose name ``name`` is a character off (an OCR slip: 诺葛天佑 for
        诸葛天佑), among those this document is for; names of three characters or more only, as
        two-character names a character apart are as often two people."""
        if len(name) < 3:
            return None
        close = {p.id_number: p for listed, persons in self.by_name.items() if len(listed) == len(name)
                 and sum(a != b for a, b in zip(listed, name)) == 1 for p in persons if self._calls_for(p, doc.doc_type)}
        return next(iter(close.values())) if len(close) == 1 else None

    def _by_path(self, file: str) -> Person | None:
        """The one listed person the file's place names, read from the file's own name outwards
        (人员资料/邱美玲/职称证书.pdf, 邱美玲-职称证书.pdf): the innermost part that names anyone
        decides, and it must name one person only (a name inside a longer listed name, 王伟 in
        王伟明, is the longer one's)."""
        path = PurePosixPath(file)
        for part in [path.stem, *(p.name for p in path.parents if p.name)]:
            text = normalise_name(part)
            named = [name for name in self.by_name if name and name in text]
            named = [name for name in named if not any(name != other and name in other for other in named)]
            persons = {p.id_number: p for name in named for p in self.by_name[name]}
            if persons:
                return next(iter(persons.values())) if len(persons) == 1 else None
        return None

    def _by_birth(self, doc: DocumentFacts, name: str | None) -> Person | None:
        """The one listed person this document is for whose ID number encodes the birth date (and
        gender) the document prints, read as more than a guess, and whose name shares a character
        with the name read in doubt (教璐 on a photographed certificate of 欧阳璐, born on the
        printed day; a card's 钱谐 whose birth date was found by its form): a day and a character
        that agree by chance with one listed person and no other are rare."""
        birth, read = doc.field("birth_date"), set(normalise_name(name or ""))
        if not read or birth is None or not birth.value or birth.confidence < GUESS:
            return None
        gender = doc.field("gender")
        close = [p for p in self.persons.values() if p.listed and self._calls_for(p, doc.doc_type)
                 and is_valid_id_number(p.id_number) and read & set(normalise_name(p.name))
                 and id_info(p.id_number).birth_date.isoformat() == birth.value
                 and (gender is None or gender.value in (None, id_info(p.id_number).gender))]
        return close[0] if len(close) == 1 else None

    def _calls_for(self, person: Person, doc_type: str | None) -> bool:
        if doc_type in self.params.fields.person_record_doc_types:
            return True
        return any(doc_type in req for req in self.params.documents.for_roles(person.roles))


# --- the applicant company ------------------------------------------------------------------


@dataclass(frozen=True)
class Company:
    """The applicant: its name and USCC from the application, and its business licence."""

    name: str
    uscc: str
    licence: DocumentFacts | None

    def is_applicant(self, name: str) -> bool:
        return normalise_company(name) == normalise_company(self.name)

    def accepts_payer(self, name: str, policy: PayerPolicy) -> bool:
        """True when ``name`` may pay the social insurance of the applicant's people."""
        if self.is_applicant(name) or any(normalise_company(name) == normalise_company(n)
                                          for n in policy.accepted_names):
            return True
        payer, own = normalise_company(name), normalise_company(self.name)
        return policy.accept_branch and payer.startswith(own) and payer.endswith("分公司")


def resolve_company(spec: ApplicationSpec, documents: list[DocumentFacts]) -> Company:
    """The applicant, with the first business licence of ``documents`` (their order is stable)."""
    licence = next((d for d in documents if d.doc_type == "business_license"), None)
    return Company(spec.company_name, spec.uscc.upper(), licence)
