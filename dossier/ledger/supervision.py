"""动态监管 across the archive: QUALIFICATION_NOT_HELD and SCOPE_EXCEEDED as ledger alerts.

Validation asks of one filing's 业绩 whether the applicant held the qualification each project
needed on its bid and contract dates, at a level whose scope covers the project's scale. The ledger
asks the same of every company over everything the archive holds of it, under whichever
application it was filed: the 中标通知书, 合同 and 竣工验收 naming it as contractor, and its
资质证书. The rules are validation's own (``dossier.validate.rules.supervision``), run on those
documents as if the company's newest filing held them all, so a filing and the ledger never
disagree on a project. A project's category comes from its documents, else from the ``projects``
of any of the company's application.yaml files (the newest filing's first); a project whose
category nobody told raises nothing here (validation reports it as unknown).
"""

from __future__ import annotations

from collections.abc import Iterable

from dossier.ledger.alerts import PersonnelAlert
from dossier.ledger.documents import ArchivedApplication, ArchivedDocument
from dossier.ledger.identities import Identities
from dossier.model import ApplicationSpec, Discrepancy, ProjectNote
from dossier.validate.engine import ValidationContext, registered_rules, run_rules
from dossier.validate.evidence import SPEC_SOURCE
from dossier.validate.facts import DocumentFacts
from dossier.validate.params import load_defaults, params_for
from dossier.validate.project_facts import ProjectFacts

CODES = ("QUALIFICATION_NOT_HELD", "SCOPE_EXCEEDED")
CERTIFICATE = "qualification_certificate"


def supervised_doc_types() -> set[str]:
    """What the alerts read: the 业绩 document types validation groups into projects, and the
    资质证书."""
    return set(load_defaults()["defaults"]["fields"]["project"]) | {CERTIFICATE}


def supervision_alerts(documents: Iterable[ArchivedDocument],
                       applications: Iterable[ArchivedApplication]) -> list[PersonnelAlert]:
    """QUALIFICATION_NOT_HELD and SCOPE_EXCEEDED on every company's projects in ``documents``,
    for each company an application in ``applications`` files for with its application.yaml."""
    documents, applications = list(documents), list(applications)
    ids = Identities(documents, applications)
    filings: dict[str, list[ArchivedApplication]] = {}
    for app in applications:
        if app.spec is not None:
            filings.setdefault(ids.company(app.company_name, app.uscc)[0], []).append(app)
    rules = [r for r in registered_rules() if set(r.codes) & set(CODES)]
    alerts: list[PersonnelAlert] = []
    for key, apps in sorted(filings.items()):
        spec = _as_one_filing(apps)
        params = params_for(spec)
        contractor = {doc_type: fields["contractor"] for doc_type, fields in params.fields.project.items()}
        mine = [d for d in documents if _of_company(d, key, contractor, ids)]
        if not any(d.doc_type in contractor for d in mine):
            continue
        ctx = ValidationContext(spec, params, [DocumentFacts(document=d.doc) for d in mine])
        undertaken = {ctx.subject_of(p.group.anchor): p for p in ctx.project_facts}
        for found in run_rules(ctx, rules):
            if found.code in CODES:  # a rule that crashed was logged by the engine; no alert to give
                alerts.append(_alert(found, spec, undertaken[found.subject]))
    return alerts


def _as_one_filing(apps: list[ArchivedApplication]) -> ApplicationSpec:
    """The company's newest filing, holding what every one of its filings states of its projects
    (the newest statement of a project first: project facts take the first that names it)."""
    newest_first = sorted(apps, key=lambda a: (a.spec.filing_date, a.name), reverse=True)
    notes: list[ProjectNote] = [note for app in newest_first for note in app.spec.projects]
    return newest_first[0].spec.model_copy(update={"projects": notes})


def _of_company(doc: ArchivedDocument, key: str, contractor: dict[str, str], ids: Identities) -> bool:
    if doc.doc_type in contractor:
        return ids.company(doc.text(contractor[doc.doc_type]), None)[0] == key
    return doc.doc_type == CERTIFICATE and ids.company(doc.text("company_name"), doc.text("uscc"))[0] == key


def _alert(found: Discrepancy, spec: ApplicationSpec, project: ProjectFacts) -> PersonnelAlert:
    first = min(d.day for d in project.dates)  # a finding needs a date: the project has one
    shas = dict.fromkeys(e.sha256 for e in found.evidence if not e.sha256.startswith(SPEC_SOURCE))
    return PersonnelAlert(code=found.code, company=spec.company_name, uscc=spec.uscc, project=project.name,
                          newest_month=first.isoformat()[:7], message=f"{spec.company_name}：{found.message}",
                          evidence=list(shas))
