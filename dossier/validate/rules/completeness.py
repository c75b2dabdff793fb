"""Completeness: every required document present, readable, and read with confidence."""

from __future__ import annotations

from dossier.validate.engine import Finding, ValidationContext, rule
from dossier.validate.facts import DocumentFacts
from dossier.validate.evidence import field_evidence, spec_evidence
from dossier.validate.messages import below, doc_name, field_label, join, role_name


def _alternatives(requirement: tuple[str, ...]) -> str:
    return "或".join(doc_name(t) for t in requirement)


@rule("MISSING_DOCUMENT", severity="blocking",
      zh="清单要求的材料缺失（人员证件、企业证照）",
      en="A required document (per person role or for the company) is missing")
def missing_document(ctx: ValidationContext):
    requirements = ctx.params.documents
    for person in ctx.people.listed():
        have = {m.doc.doc_type for m in person.documents()}
        roles = join(role_name(r) for r in sorted(person.roles))
        for requirement in requirements.for_roles(person.roles):
            if not have.intersection(requirement):
                i, entry = person.roster[0]
                yield Finding("MISSING_DOCUMENT", f"{person.name}（{roles}）缺少{_alternatives(requirement)}",
                              person.id_number,
                              [spec_evidence(f"roster[{i}].id_number", entry.id_number),
                               spec_evidence("missing_doc_type", "|".join(requirement))])
    for requirement in requirements.company:
        if not any(ctx.docs(t) for t in requirement):
            yield Finding("MISSING_DOCUMENT", f"申报企业缺少{_alternatives(requirement)}",
                          ctx.company.uscc,
                          [spec_evidence("application_type", ctx.spec.application_type),
                           spec_evidence("missing_doc_type", "|".join(requirement))])


@rule("LOW_CONFIDENCE", severity="warning",
      zh="必填字段未识别或置信度低于阈值，或字段有识别更正建议，需人工确认",
      en="A required field is missing or below the confidence threshold, or a field has an OCR "
         "repair suggestion: a person must confirm it")
def low_confidence(ctx: ValidationContext):
    threshold = ctx.params.low_confidence
    for doc in ctx.documents:
        kind = doc.doc_type or ""
        required = ctx.params.fields.required.get(kind, [])
        # the names the cross-document rules compare: a doubtful reading of one is no mismatch
        # (people.misreading), so it is reported here as doubtful
        compared = [*ctx.params.fields.employer.get(kind, []), *ctx.params.fields.company_name.get(kind, []),
                    *ctx.params.fields.project.get(kind, {}).values()]
        for name in dict.fromkeys([*required, *compared, *sorted(doc.document.fields)]):
            found = doc.field(name)
            problems = []
            if name in required and (found is None or found.value in (None, "", [])):
                problems.append("未识别到")
            elif (name in required or name in compared) and found is not None and found.confidence < threshold:
                problems.append(below(found.confidence, threshold))
            if found is not None and found.suggestion:
                problems.append(f"识别结果「{doc.text(name) or ''}」疑有误，建议更正为「{found.suggestion}」")
            if problems:
                # The subject is the file: what a person must look at is that scan, whoever it names.
                yield Finding("LOW_CONFIDENCE",
                              f"{ctx.owner(doc)}的{field_label(doc.doc_type, name)}{'；'.join(problems)}，请人工确认",
                              doc.sha256, [field_evidence(doc, name)])


@rule("UNREADABLE", severity="blocking",
      zh="文件无法读取或部分页面读取失败",
      en="A file (or some of its pages) could not be read")
def unreadable(ctx: ValidationContext):
    for doc in ctx.documents:
        if doc.document.errors and not _not_a_document(ctx, doc):
            yield _file_finding("UNREADABLE", doc, f"无法完整读取：{join(doc.document.errors)}")


@rule("NOT_A_DOCUMENT", severity="warning",
      zh="申报文件夹中有非扫描件、非文档的文件，未作为申报材料",
      en="A file in the application is no scan or document (a note, a spreadsheet); it is not used")
def not_a_document(ctx: ValidationContext):
    for doc in ctx.documents:
        if _not_a_document(ctx, doc):
            yield _file_finding("NOT_A_DOCUMENT", doc,
                                f"不是扫描件或文档，未作为申报材料（{join(doc.document.errors)}）；如是申报材料，请转换为 PDF 或图片后重新上传")


def _not_a_document(ctx: ValidationContext, doc: DocumentFacts) -> bool:
    return doc.failure_code in ctx.params.integrity.not_document_failures


def _file_finding(code: str, doc: DocumentFacts, what: str) -> Finding:
    name = doc.file.source_name if doc.file else doc.document.file
    return Finding(code, f"文件「{name}」{what}", doc.sha256,
                   [field_evidence(doc, "errors", value=err) for err in doc.document.errors])
