"""manifest.json: what is in the packet, provably — every document with its SHA-256, where it
came from, where it is in the packet, what was read from it and the findings about it; and the
SHA-256 of the packet and of the other outputs.

ID numbers are masked: the manifest is an inventory, and the store keeps the values.
"""

from __future__ import annotations

import json
from pathlib import Path

from dossier.assemble.closures import closed_by_person
from dossier.assemble.inputs import PacketInput, ReviewedDiscrepancy
from dossier.assemble.packet import BoundDocument, PacketLayout
from dossier.assemble.selection import Unplaced
from dossier.privacy import mask_id, mask_text
from dossier.validate.engine import fingerprint
from dossier.validate.messages import doc_name

MANIFEST_VERSION = 1


def write_manifest(*, packet: PacketInput, checklist: str, layout: PacketLayout, findings: list[ReviewedDiscrepancy],
                   unplaced: list[Unplaced], outputs: dict[str, str], draft: bool, out: Path) -> None:
    """Write the manifest; ``outputs`` maps each output file name to its SHA-256."""
    spec = packet.spec
    data = {
        "manifest_version": MANIFEST_VERSION,
        "application": {"company_name": spec.company_name, "uscc": spec.uscc,
                        "application_type": spec.application_type, "qualifications": spec.qualifications,
                        "filing_date": spec.filing_date.isoformat()},
        "checklist": checklist,
        "built_on": packet.packet_date.isoformat(),
        "draft": draft,
        "packet": {"file": "packet.pdf", "sha256": outputs["packet.pdf"], "pages": layout.pages},
        "outputs": outputs,
        "documents": [_document(b, findings) for b in layout.documents],
        "unplaced": [{"sha256": u.doc.sha256, "source_name": u.doc.source_name, "doc_type": u.doc.doc_type,
                      "reason": u.reason} for u in unplaced],
        "open_blocking": sum(d.severity == "blocking" and d.status == "open" for d in findings),
        "closed_by_person": [c.as_dict() for c in closed_by_person(findings)],
    }
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _document(bound: BoundDocument, findings: list[ReviewedDiscrepancy]) -> dict:
    doc = bound.placement.doc
    person = bound.placement.person
    about = [d for d in findings if _concerns(d, bound)]
    return {
        "number": bound.number,
        "title": bound.placement.label,
        "section": bound.section,
        "group": bound.group,
        "sha256": doc.sha256,
        "source_name": doc.source_name,
        "media_type": doc.media_type,
        "doc_type": doc.doc_type,
        "doc_type_zh": doc_name(doc.doc_type),
        "person": {"name": person.name, "id_number": mask_id(person.id_number), "role": person.role} if person else None,
        "source_pages": [doc.first_page, doc.first_page + (bound.last - bound.first)],
        "packet_pages": [bound.first, bound.last],
        "fields": {name: _value(name, f.value) for name, f in sorted(doc.fields.items())},
        "discrepancies": [{"code": d.code, "severity": d.severity, "status": d.status, "fingerprint": fingerprint(d)}
                          for d in about],
        "status": _status(about),
    }


def _concerns(d: ReviewedDiscrepancy, bound: BoundDocument) -> bool:
    doc = bound.placement.doc
    last = doc.first_page + (bound.last - bound.first)
    return d.subject == doc.sha256 or any(e.sha256 == doc.sha256 and doc.first_page <= e.page <= last
                                          for e in d.evidence)


def _value(name: str, value):
    if isinstance(value, list):
        return [mask_text(v) for v in value]
    if isinstance(value, str):
        return mask_id(value) if name == "id_number" else mask_text(value)
    return value


def _status(about: list[ReviewedDiscrepancy]) -> str:
    """clean | open_blocking | open_warning | resolved: the worst that still stands."""
    if any(d.status == "open" and d.severity == "blocking" for d in about):
        return "open_blocking"
    if any(d.status == "open" and d.severity == "warning" for d in about):
        return "open_warning"
    return "resolved" if about else "clean"
