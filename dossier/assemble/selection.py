"""Documents -> checklist items: the packet's order, and what the checklist still misses.

People are tied to documents by validation's entity resolution (``dossier.validate.people``),
projects by its project grouping; missing documents and short head counts are found by
validation's own rules run with the checklist's parameters, so a build and ``dossier check``
agree (and share fingerprints, so a review stored for one applies to the other). This module
adds only what those rules cannot know: counts above one, exact counts exceeded, and 业绩.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from dossier.assemble.checklist import Checklist, Item, PersonGroup, Section
from dossier.assemble.inputs import PacketDocument, PacketInput
from dossier.model import Discrepancy, Evidence, RosterEntry
from dossier.validate.engine import ValidationContext, registered_rules, run_rules
from dossier.validate.evidence import spec_evidence
from dossier.validate.messages import doc_name, join, role_name
from dossier.validate.params import RuleParams, params_for
from dossier.validate.people import Person
from dossier.validate.project_groups import group_projects

# Validation rules whose answer depends on the checklist (they read params.documents/headcount).
CHECKLIST_RULES = ("completeness.missing_document", "personnel.headcount_short")
EXTRA_DOCUMENT = "EXTRA_DOCUMENT"  # warning: more documents than an exact count asks for


@dataclass
class Placement:
    """One bound document and how the 目录 names it."""

    doc: PacketDocument
    label: str
    person: RosterEntry | None = None


@dataclass
class Group:
    """A run of documents under one bookmark: a section's own items, a person, or a project."""

    kind: Literal["items", "person", "project"]
    title: str | None
    placements: list[Placement] = field(default_factory=list)


@dataclass
class SectionPlan:
    title: str
    groups: list[Group] = field(default_factory=list)

    def placements(self) -> list[Placement]:
        return [p for g in self.groups for p in g.placements]


@dataclass
class Unplaced:
    """A document the checklist did not bind, and why (Chinese, for the report)."""

    doc: PacketDocument
    reason: str


@dataclass
class Plan:
    """The packet's order, what is missing (blocking) or extra (warning), and what was left out."""

    sections: list[SectionPlan]
    findings: list[Discrepancy]
    unplaced: list[Unplaced]
    params: RuleParams


def select(packet: PacketInput, checklist: Checklist) -> Plan:
    """Order ``packet.documents`` by ``checklist`` and find its missing items."""
    params = params_for(packet.spec, checklist.overrides())
    return _Selector(packet, checklist, params).run()


class _Selector:
    def __init__(self, packet: PacketInput, checklist: Checklist, params: RuleParams):
        self.spec = packet.spec
        self.checklist = checklist
        self.params = params
        self.documents = sorted(packet.documents, key=PacketDocument.sort_key)
        self.facts = [d.facts() for d in self.documents]
        self.ctx = ValidationContext(self.spec, params, self.facts)
        self.assigned: set[int] = set()  # id() of bound documents
        self.findings: list[Discrepancy] = []
        self.owner: dict[int, Person] = {}  # id(document) -> person
        for doc, facts in zip(self.documents, self.facts):
            person = self._person(doc, facts)
            if person is not None:
                self.owner[id(doc)] = person

    def run(self) -> Plan:
        wanted = [r for r in registered_rules() if r.name in CHECKLIST_RULES]
        self.findings += run_rules(self.ctx, wanted)
        placed_people: set[str] = set()
        sections = []
        for section in self.checklist.sections:
            plan = SectionPlan(section.title)
            if section.items:
                plan.groups.append(Group("items", None, self._company_items(section.items)))
            for group in section.people:
                plan.groups += self._people(group, placed_people)
            if section.projects:
                plan.groups += self._projects(section)
            sections.append(plan)
        unplaced = [Unplaced(d, self._why_unplaced(d)) for d in self.documents if id(d) not in self.assigned]
        return Plan(sections, self.findings, unplaced, self.params)

    def _why_unplaced(self, doc: PacketDocument) -> str:
        listed = {t for s in self.checklist.sections for i in self.checklist.items_of(s) for t in i.doc_type}
        if doc.doc_type is None:
            return "未识别材料类型"
        if doc.doc_type not in listed:
            return "清单未列出此类材料"
        owner = self.owner.get(id(doc))
        if doc.doc_type in self.params.fields.person_doc_types and (owner is None or not owner.listed):
            return "未能对应到申报人员名单中的人员"
        return "所属人员的岗位在清单中不需要此类材料"

    def _person(self, doc: PacketDocument, facts) -> Person | None:
        if doc.person is not None:  # the caller knows better than name matching
            return self.ctx.people.persons.get(doc.person.id_number.upper())
        return self.ctx.person_of(facts)

    # --- items ---------------------------------------------------------------------------------

    def _fill(self, item: Item, pool: list[PacketDocument]) -> tuple[list[PacketDocument], int]:
        """Bind the unbound documents of ``pool`` that ``item`` takes; also return how many
        documents of its types the pool has in all (bound earlier by another item included)."""
        matching = [d for d in pool if d.doc_type in item.doc_type]
        taken = [d for d in matching if id(d) not in self.assigned]
        self.assigned.update(id(d) for d in taken)
        return taken, len(matching)

    def _company_items(self, items: tuple[Item, ...]) -> list[Placement]:
        placements = []
        for item in items:
            taken, have = self._fill(item, self.documents)
            placements += [Placement(d, item.label_for(d.doc_type)) for d in taken]
            self._count(item, have, self.spec.uscc.upper(),
                        [spec_evidence("application_type", self.spec.application_type)], "申报企业")
        return placements

    def _count(self, item: Item, have: int, subject: str, evidence: list[Evidence], who: str) -> None:
        """Findings for counts the validation rules do not check (they only check presence)."""
        need, types = item.minimum, "|".join(item.doc_type)
        if 0 < have < need:
            rule = f"恰好 {need} 份" if item.count is not None else f"至少 {need} 份"
            self.findings.append(Discrepancy(
                code="MISSING_DOCUMENT", severity="blocking", subject=subject,
                message=f"{who}的{item.label}应有{rule}，现有 {have} 份",
                evidence=[*evidence, spec_evidence("missing_doc_type", types), spec_evidence("required_count", need)]))
        elif item.count is not None and have > item.count:
            self.findings.append(Discrepancy(
                code=EXTRA_DOCUMENT, severity="warning", subject=subject,
                message=f"{who}的{item.label}清单要求恰好 {item.count} 份，现有 {have} 份（均已装订），请核对",
                evidence=[*evidence, spec_evidence("doc_type", types), spec_evidence("count", have)]))

    # --- people --------------------------------------------------------------------------------

    def _people(self, group: PersonGroup, placed: set[str]) -> list[Group]:
        members = [p for p in self.ctx.people.listed() if group.role in p.roles and p.id_number not in placed]
        members.sort(key=_PERSON_ORDER[group.sort])
        groups = []
        for person in members:
            placed.add(person.id_number)
            index, entry = person.roster[0]
            mine = [d for d in self.documents if self.owner.get(id(d)) is person]
            roles = join(role_name(r) for r in sorted(person.roles))
            out = Group("person", f"{person.name}（{roles}）")
            for item in self._items_for(person):
                taken, have = self._fill(item, mine)
                out.placements += [Placement(d, item.label_for(d.doc_type), entry) for d in taken]
                self._count(item, have, person.id_number,
                            [spec_evidence(f"roster[{index}].id_number", entry.id_number)], f"{person.name}（{roles}）")
            groups.append(out)
        return groups

    def _items_for(self, person: Person) -> list[Item]:
        """The items of every group naming one of ``person``'s roles, once per document type."""
        items: dict[tuple[str, ...], Item] = {}
        for section in self.checklist.sections:
            for group in section.people:
                if group.role in person.roles:
                    for item in group.items:
                        items.setdefault(item.doc_type, item)
        return list(items.values())

    # --- projects ------------------------------------------------------------------------------

    def _projects(self, section: Section) -> list[Group]:
        spec = section.projects
        types = {t for item in spec.items for t in item.doc_type}
        pool = [(d, f) for d, f in zip(self.documents, self.facts) if d.doc_type in types and id(d) not in self.assigned]
        by_facts = {id(f): d for d, f in pool}
        clusters = [[by_facts[id(f)] for f in g.members] for g in group_projects([f for _, f in pool], self.params)]
        grouped = {id(d) for c in clusters for d in c}
        clusters += [[d] for d, _ in pool if id(d) not in grouped]  # no project name: its own project
        # 主项 业绩 before 增项 业绩: order by the qualification the project supports.
        quals = list(self.spec.qualifications)
        rank = {q: i for i, q in enumerate(quals)}
        clusters.sort(key=lambda c: min(rank.get(d.qualification or "", 0) for d in c))
        groups = []
        for members in clusters:
            title = _project_title(members)
            anchor = next((d for d in members if d.doc_type == "project_contract"), members[0])
            out = Group("project", title)
            for item in spec.items:
                taken, have = self._fill(item, members)
                out.placements += [Placement(d, f"{item.label_for(d.doc_type)}（{title}）") for d in taken]
                evidence = [Evidence(sha256=anchor.sha256, field="project_name", value=title, page=anchor.first_page)]
                if have == 0 and item.minimum > 0:
                    self.findings.append(Discrepancy(
                        code="MISSING_DOCUMENT", severity="blocking", subject=anchor.sha256,
                        message=f"工程业绩「{title}」缺少{item.label}",
                        evidence=[*evidence, spec_evidence("missing_doc_type", "|".join(item.doc_type))]))
                self._count(item, have, anchor.sha256, evidence, f"工程业绩「{title}」")
            groups.append(out)
        if len(clusters) < spec.at_least:
            self.findings.append(Discrepancy(
                code="MISSING_DOCUMENT", severity="blocking", subject=self.spec.uscc.upper(),
                message=f"{section.title}要求工程业绩不少于 {spec.at_least} 项，现有 {len(clusters)} 项",
                evidence=[spec_evidence("application_type", self.spec.application_type),
                          spec_evidence("missing_doc_type", "project"), spec_evidence("required_count", spec.at_least)]))
        return groups


def _project_title(members: list[PacketDocument]) -> str:
    for doc in sorted(members, key=lambda d: d.doc_type != "project_contract"):
        value = doc.fields.get("project_name")
        if value is not None and isinstance(value.value, str) and value.value.strip():
            return value.value.strip()
    return f"{doc_name(members[0].doc_type)} {members[0].source_name}"


_PERSON_ORDER = {
    "roster": lambda p: p.roster[0][0],
    "name": lambda p: (p.name, p.roster[0][0]),
    "id_number": lambda p: (p.id_number, p.roster[0][0]),
}
