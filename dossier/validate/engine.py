"""The rule engine: a registry of small rules, the context they read, and the run.

A rule is a function ``(ValidationContext) -> Iterable[Finding]`` registered with ``@rule``,
which declares the codes it may emit, their severity and what it checks (Chinese and English).
The engine turns findings into ``Discrepancy`` objects, drops exact repeats, and sorts them.
Adding a rule is adding a function in ``dossier/validate/rules/``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from dossier.model import ApplicationSpec, Discrepancy, Evidence, Severity
from dossier.standards.loader import Standards, checked_regime, standards
from dossier.validate.archive_facts import Appearance, ArchiveFacts
from dossier.validate.facts import DocumentFacts
from dossier.validate.holdings import Holding, holdings
from dossier.validate.evidence import SPEC_SOURCE
from dossier.validate.messages import doc_name
from dossier.validate.params import RuleParams, params_for
from dossier.validate.people import Company, People, Person, resolve_company, resolve_people
from dossier.validate.project_facts import ProjectFacts, project_facts
from dossier.validate.project_groups import ProjectGroup, group_projects

log = logging.getLogger(__name__)

SEVERITY_ORDER = {"blocking": 0, "warning": 1, "info": 2}
# A rule that crashed must not let the gate pass as if it had found nothing.
RULE_FAILED = "RULE_FAILED"


@dataclass(frozen=True)
class Finding:
    """What a rule reports; the engine adds the severity declared with the rule."""

    code: str
    message: str
    subject: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True)
class Rule:
    name: str
    codes: tuple[str, ...]
    severity: Severity
    zh: str
    en: str
    check: Callable[[ValidationContext], Iterable[Finding]]


_REGISTRY: dict[str, Rule] = {}


def rule(*codes: str, severity: Severity, zh: str, en: str):
    """Register the decorated function as a rule emitting ``codes`` at ``severity``."""

    def register(check: Callable[[ValidationContext], Iterable[Finding]]):
        name = f"{check.__module__.rsplit('.', 1)[-1]}.{check.__name__}"
        if name in _REGISTRY:
            raise ValueError(f"rule {name} registered twice")
        _REGISTRY[name] = Rule(name, codes, severity, zh, en, check)
        return check

    return register


def registered_rules() -> list[Rule]:
    """Every rule, by name (importing ``dossier.validate.rules`` registers them)."""
    import dossier.validate.rules  # noqa: F401 - the import registers the rules

    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


class ValidationContext:
    """What a rule may read: the application, its parameters, its documents (in a stable order)
    and the entities resolved from them (computed once, on first use)."""

    def __init__(self, spec: ApplicationSpec, params: RuleParams, documents: Iterable[DocumentFacts],
                 archive: ArchiveFacts | None = None):
        self.spec = spec
        self.params = params
        self.filing_date = spec.filing_date
        self.archive = archive or ArchiveFacts()
        self._elsewhere: dict[str, list[Appearance]] = {}
        for seen in self.archive.appearances:
            self._elsewhere.setdefault(seen.id_number.upper(), []).append(seen)
        # Input order depends on the store; results must not.
        self.documents = sorted(documents, key=lambda d: (d.doc_type or "", d.sha256, d.document.first_page))
        self._by_type: dict[str | None, list[DocumentFacts]] = {}
        for doc in self.documents:
            self._by_type.setdefault(doc.doc_type, []).append(doc)

    def elsewhere(self, id_number: str) -> list[Appearance]:
        """Where the archive shows this person at other companies (empty without an archive)."""
        return self._elsewhere.get(id_number.upper(), [])

    def docs(self, doc_type: str | None) -> list[DocumentFacts]:
        return self._by_type.get(doc_type, [])

    def fields_in(self, table: dict[str, list]) -> Iterable[tuple[DocumentFacts, object]]:
        """(document, item) for every item a per-doc-type ``table`` lists for a document's type."""
        for doc_type, items in sorted(table.items()):
            for doc in self.docs(doc_type):
                for item in items:
                    yield doc, item

    @cached_property
    def people(self) -> People:
        return resolve_people(self.spec, self.documents, self.params)

    @cached_property
    def company(self) -> Company:
        return resolve_company(self.spec, self.documents)

    @cached_property
    def projects(self) -> list[ProjectGroup]:
        return group_projects(self.documents, self.params)

    @cached_property
    def regime(self) -> str:
        """The rule set of the qualification standards: the application's, else the default."""
        return checked_regime(self.spec.regime)

    @cached_property
    def standards(self) -> Standards:
        return standards(self.params.standards_files)

    @cached_property
    def project_facts(self) -> list[ProjectFacts]:
        return project_facts(self.spec, self.projects, self.standards.of_regime(self.regime),
                             self.params.fields.project_name_similarity)

    @cached_property
    def holdings(self) -> list[Holding]:
        """The qualifications on the 资质证书 of this application and of the applicant's others."""
        own = {doc.sha256 for doc in self.documents}
        history = [doc for doc in self.archive.certificates if doc.sha256 not in own]
        return holdings(self.documents + history, self.standards, self.regime)

    def person_of(self, doc: DocumentFacts) -> Person | None:
        return self.people.by_doc.get(id(doc))

    def subject_of(self, doc: DocumentFacts) -> str:
        """A person document's person ID, a company document's USCC, else the file's sha256."""
        person = self.person_of(doc)
        if person is not None:
            return person.id_number
        if doc.doc_type in self.params.fields.company_doc_types:
            return self.company.uscc
        return doc.sha256

    def owner(self, doc: DocumentFacts) -> str:
        """How a message names a document: 张伟的注册建造师注册证书, 营业执照, 中标通知书（某项目）."""
        person = self.person_of(doc)
        if person is not None and person.name:
            return f"{person.name}的{doc_name(doc.doc_type)}"
        if doc.doc_type in self.params.fields.company_doc_types:
            return doc_name(doc.doc_type)
        label = doc.text("project_name") or doc.text("name") or Path(doc.document.file).name
        return f"{doc_name(doc.doc_type)}（{label}）"


def run_rules(ctx: ValidationContext, rules: Iterable[Rule] | None = None) -> list[Discrepancy]:
    """Run ``rules`` (all registered ones by default); sorted, without repeats."""
    found: dict[str, Discrepancy] = {}
    for item in rules if rules is not None else registered_rules():
        for discrepancy in _run_one(item, ctx):
            found.setdefault(fingerprint(discrepancy), discrepancy)
    return sorted(found.values(), key=sort_key)


def _run_one(item: Rule, ctx: ValidationContext) -> list[Discrepancy]:
    try:
        return [_discrepancy(item, f) for f in item.check(ctx)]
    except Exception as exc:  # noqa: BLE001 - one broken rule must not hide the others' findings
        log.exception("validation rule %s failed", item.name)
        return [Discrepancy(code=RULE_FAILED, severity="blocking", subject=ctx.spec.uscc,
                            message=f"校验规则 {item.name}（{item.zh}）执行失败：{exc!r}",
                            evidence=[Evidence(sha256=SPEC_SOURCE, field="rule", value=item.name)])]


def _discrepancy(item: Rule, f: Finding) -> Discrepancy:
    if f.code not in item.codes:
        raise ValueError(f"rule {item.name} emitted {f.code}, not among its codes {item.codes}")
    return Discrepancy(code=f.code, severity=item.severity, message=f.message, subject=f.subject,
                       evidence=f.evidence)


def validate_application(spec: ApplicationSpec, documents: Iterable[DocumentFacts],
                         params: RuleParams | None = None, archive: ArchiveFacts | None = None) -> list[Discrepancy]:
    """Every discrepancy of an application, in a deterministic order (see ``sort_key``).

    ``params`` defaults to ``params_for(spec)``: the shipped defaults for its type and
    qualifications. ``archive``: what the rest of the archive tells (people elsewhere, the
    applicant's certificate history), for the checks across applications; none when validating
    an application alone.
    """
    ctx = ValidationContext(spec, params or params_for(spec), documents, archive)
    return run_rules(ctx)


def fingerprint(d: Discrepancy) -> str:
    """A stable identity for a finding: code, subject and the (sha256, field, value) of each
    piece of evidence, order-free. Unchanged facts give the same fingerprint on every run, so a
    stored review (accepted, waived …) stays attached; a changed value makes a new finding."""
    sides = sorted(f"{e.sha256}\x1f{e.field}\x1f{e.value}" for e in d.evidence)
    text = "\x1e".join([d.code, d.subject, *sides])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sort_key(d: Discrepancy) -> tuple:
    """Severity (blocking first), code, subject; the fingerprint breaks the remaining ties."""
    return (SEVERITY_ORDER[d.severity], d.code, d.subject, fingerprint(d))
