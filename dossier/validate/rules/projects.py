"""业绩: the documents of one project must agree on its name, contractor and project manager.

Whether the contractor is the applicant is EMPLOYER_MISMATCH's question (fields.employer lists
the contractor fields); this rule only compares the project's documents with each other.
"""

from __future__ import annotations

from dossier.validate.engine import Finding, ValidationContext, rule
from dossier.validate.evidence import field_evidence
from dossier.validate.messages import doc_name, join, project_attribute_name
from dossier.validate.people import misreading, normalise_company, normalise_name

# How values are compared per attribute: spacing and bracket width are not disagreements.
_COMPARABLE = {"name": normalise_company, "contractor": normalise_company, "project_manager": normalise_name}
# what a value of the attribute is, when it must be a whole one: a doubted project manager that
# is no person's name (西安新城置业有限, the tenderee's name read off a photographed table) is a
# misreading, not a different manager
_KINDS = {"contractor": "company", "project_manager": "person"}


@rule("PROJECT_MISMATCH", severity="blocking",
      zh="中标通知书、施工合同、竣工验收对同一项目的名称、承包单位或项目经理记载不一致",
      en="Bid award, contract and acceptance disagree on project name, contractor or project manager")
def project_mismatch(ctx: ValidationContext):
    for group in ctx.projects:
        if len(group.members) < 2:
            continue
        attributes = sorted({a for d in group.members for a in group.fields.get(d.doc_type or "", {})})
        for attribute in attributes:
            same = _COMPARABLE.get(attribute, str.strip)
            sides = [(d, group.field_of(d, attribute), value) for d in group.members
                     if (value := group.value(d, attribute))]
            # a doubtful misreading of another document's value is LOW_CONFIDENCE's
            sides = [side for side in sides if not any(
                misreading(side[2], other[2], _confidence(side), ctx.params.low_confidence, same, _KINDS.get(attribute))
                for other in sides)]
            if len({same(value) for _, _, value in sides}) < 2:
                continue
            listing = join(f"{doc_name(d.doc_type)}「{value}」" for d, _, value in sides)
            yield Finding("PROJECT_MISMATCH",
                          f"项目「{group.title}」的{project_attribute_name(attribute)}在各材料中不一致：{listing}",
                          _odd_one_out(sides, same) or group.anchor.sha256,
                          [field_evidence(d, fld) for d, fld, _ in sides])


def _confidence(side) -> float:
    doc, fld, _ = side
    found = doc.field(fld)
    return found.confidence if found is not None else 0.0


def _odd_one_out(sides: list, same) -> str | None:
    """The one document that disagrees with all the others (the finding is about it), if any."""
    counts: dict[str, list] = {}
    for doc, _, value in sides:
        counts.setdefault(same(value), []).append(doc)
    lone = [docs[0] for docs in counts.values() if len(docs) == 1]
    return lone[0].sha256 if len(counts) == 2 and len(lone) == 1 and len(sides) > 2 else None
