"""Who is who: ID numbers valid and consistent, names consistent, USCC check characters."""

from __future__ import annotations

from collections import defaultdict

from dossier.extract.completeness import misread_words
from dossier.model import Evidence
from dossier.validate.engine import Finding, ValidationContext, rule
from dossier.validate.evidence import field_evidence, file_evidence, spec_evidence
from dossier.validate.identifiers import id_info, id_problem, uscc_problem
from dossier.validate.messages import below, doc_name, field_label, join, role_name
from dossier.validate.people import GUESS, Mention, normalise_name

ROSTER = "申报人员名单"

# how a document is tied to its person when neither its name nor its ID number was read with
# confidence, and what the user is told it was tied by
TIED_WITHOUT_NAME_OR_ID = {"path": "文件位置", "birth": "其上的出生日期（与身份证号相符）"}


def _mention_source(m: Mention) -> str:
    return doc_name(m.doc.doc_type) + ("（缴费记录）" if m.record is not None else "")


@rule("ID_CHECKSUM", severity="blocking",
      zh="身份证号未通过 GB 11643 校验（校验码、出生日期）",
      en="An ID number fails GB 11643 (check character, real birth date)")
def id_checksum(ctx: ValidationContext):
    # One finding per person and ID value, citing every place that value is printed.
    places: dict[tuple[str, str], list[tuple[str, Evidence, str | None]]] = defaultdict(list)
    names: dict[str, str] = {}
    for person in ctx.people.persons.values():
        names[person.id_number] = person.name
        for i, entry in person.roster:
            places[(person.id_number, entry.id_number.upper())].append(
                (ROSTER, spec_evidence(f"roster[{i}].id_number", entry.id_number), None))
        own_valid = id_problem(person.id_number, today=ctx.filing_date) is None
        for m in person.mentions:
            if m.how in TIED_WITHOUT_NAME_OR_ID and own_valid:
                # tied to the person by the file's place or the birth date it prints, as neither
                # its name nor its number was read with confidence: a number failing the check
                # there is that reading's slip (LOW_CONFIDENCE reports it), not the person's
                # number (a photographed card read 390382… for 330382…)
                continue
            if m.id_number:
                suggestion = m.doc.field("id_number").suggestion if m.record is None else None
                places[(person.id_number, m.id_number)].append((_mention_source(m), m.evidence("id_number"),
                                                                suggestion))
    for (subject, value), seen in sorted(places.items()):
        problem = id_problem(value, today=ctx.filing_date)
        if problem is None:
            continue
        hint = next((s for _, _, s in seen if s and id_problem(s, today=ctx.filing_date) is None), None)
        message = (f"{names.get(subject) or '未知人员'}的身份证号「{value}」未通过校验：{problem}"
                   f"（见{join(src for src, _, _ in seen)}）")
        if hint:
            message += f"；识别建议更正为 {hint}，请核对原件"
        yield Finding("ID_CHECKSUM", message, subject, [ev for _, ev, _ in seen])


def _printed_against_id(ctx: ValidationContext):
    """(person, mention, field, printed value, the ID's value, code, the ID number, its evidence)
    for each birth date or gender printed on a person's document that its ID number contradicts."""
    for person in ctx.people.persons.values():
        for m in person.documents():
            # The ID printed on the same document decides; without one, the person's own ID.
            if m.id_number and id_problem(m.id_number, ctx.filing_date) is None:
                reference, id_ev = m.id_number, m.evidence("id_number")
            elif person.listed and id_problem(person.id_number, ctx.filing_date) is None:
                reference, id_ev = person.id_number, person.roster_evidence()[0]
            else:
                continue
            info = id_info(reference)
            printed = {"birth_date": (info.birth_date.isoformat(), "ID_BIRTHDATE_MISMATCH"),
                       "gender": (info.gender, "ID_GENDER_MISMATCH")}
            for fld, (expected, code) in printed.items():
                value = m.doc.text(fld)
                if value and value != expected:
                    yield person, m, fld, value, expected, code, reference, id_ev


@rule("ID_BIRTHDATE_MISMATCH", "ID_GENDER_MISMATCH", severity="blocking",
      zh="证件上的出生日期或性别与身份证号不符",
      en="A printed birth date or gender disagrees with the ID number")
def printed_birth_and_gender(ctx: ValidationContext):
    for person, m, fld, value, expected, code, reference, id_ev in _printed_against_id(ctx):
        if m.confidence(fld) < GUESS:
            continue  # a guess more likely wrong than right (see GUESS): printed_guessed's
        label = field_label(m.doc.doc_type, fld)
        yield Finding(code, f"{ctx.owner(m.doc)}上的{label}「{value}」与身份证号 {reference} "
                            f"所含的{label}「{expected}」不符",
                      person.id_number, [m.evidence(fld), id_ev])


@rule("LOW_CONFIDENCE", severity="warning",
      zh="证件上的出生日期或性别与身份证号不符，但识别置信度很低（疑为误识），需人工确认",
      en="A printed birth date or gender disagrees with the ID number but was read as little more "
         "than a guess: a misreading a person must confirm, not a mismatch")
def printed_guessed(ctx: ValidationContext):
    threshold = ctx.params.low_confidence
    for person, m, fld, value, expected, code, reference, id_ev in _printed_against_id(ctx):
        if m.confidence(fld) < GUESS:
            label = field_label(m.doc.doc_type, fld)
            yield Finding("LOW_CONFIDENCE",
                          f"{ctx.owner(m.doc)}上的{label}「{value}」与身份证号 {reference} 所含的「{expected}」不符，"
                          f"但{below(m.confidence(fld), threshold)}，疑为误识，请核对原件",
                          m.doc.sha256, [m.evidence(fld), id_ev])


@rule("NAME_MISMATCH", severity="blocking",
      zh="同一身份证号在不同材料中姓名不一致",
      en="One ID number, different names across documents")
def name_mismatch(ctx: ValidationContext):
    for person in ctx.people.persons.values():
        sides = [(ROSTER, normalise_name(e.name), spec_evidence(f"roster[{i}].name", e.name))
                 for i, e in person.roster]
        # A mention tied by name agrees by construction; every other one is a real comparison. A
        # name read below the threshold is LOW_CONFIDENCE's: the scan is doubted, not the person.
        # A name that is the listed one with a rarer character read as its common look-alike (魏赞
        # for 魏赟 on a statement's row) is a misreading LOW_CONFIDENCE reports, not another name.
        sides += [(_mention_source(m), normalise_name(m.name), m.evidence("name"))
                  for m in person.mentions if m.name and m.how not in ("name", "near_name")
                  and m.confidence("name") >= ctx.params.low_confidence and not _lookalike(m.name, person.name)]
        if len({name for _, name, _ in sides}) > 1:
            listing = join(f"{src}「{name}」" for src, name, _ in sides)
            yield Finding("NAME_MISMATCH", f"身份证号 {person.id_number} 在不同材料中姓名不一致：{listing}",
                          person.id_number, [ev for _, _, ev in sides])


@rule("LOW_CONFIDENCE", severity="warning",
      zh="材料上的姓名与申报名单不同但疑为误识（仅差一字而无身份证号可核，或缴费记录上的形近字、低置信度识别），已对应到此人，需人工确认",
      en="A name differs from the listed one in a way a misreading explains (a character off with no ID "
         "number to decide, or a statement row's look-alike or low-confidence reading): confirm it")
def name_misread(ctx: ValidationContext):
    for person in ctx.people.listed():
        for m in person.mentions:
            # a field read below the threshold is completeness' LOW_CONFIDENCE; a statement's row
            # is reported here, where the name it differs from is known
            differs = m.record is not None and m.name and normalise_name(m.name) != normalise_name(person.name)
            if differs and _lookalike(m.name, person.name):
                yield Finding("LOW_CONFIDENCE",
                              f"{_mention_source(m)}上的姓名「{m.name}」疑为「{person.name}」的误识（形近字），"
                              f"已按身份证号对应，请人工确认",
                              person.id_number, [m.evidence("name")])
            elif differs and m.confidence("name") < ctx.params.low_confidence:
                yield Finding("LOW_CONFIDENCE",
                              f"{_mention_source(m)}上的姓名「{m.name}」与申报名单中的「{person.name}」不同，"
                              f"但{below(m.confidence('name'), ctx.params.low_confidence)}，"
                              f"已按身份证号对应，请核对原件",
                              person.id_number, [m.evidence("name")])
            elif m.how == "near_name":
                yield Finding("LOW_CONFIDENCE",
                              f"{_mention_source(m)}上的姓名「{m.name}」与申报名单中的「{person.name}」仅差一字，"
                              f"疑为识别错误，已按名单对应，请人工确认",
                              person.id_number, [m.evidence("name")])


@rule("LOW_CONFIDENCE", severity="warning",
      zh="材料上未能可靠识别姓名和身份证号，已按其所在文件夹或文件名、或其上的出生日期对应到申报名单中的人员，需人工确认",
      en="Neither a name nor an ID number was read with confidence on a document: it is tied to the "
         "listed person its folder or file name names, or whose ID its birth date matches, and a "
         "person must confirm it")
def tied_by_path(ctx: ValidationContext):
    for person in ctx.people.listed():
        for m in person.documents():
            if m.how in TIED_WITHOUT_NAME_OR_ID:
                yield Finding("LOW_CONFIDENCE",
                              f"{doc_name(m.doc.doc_type)}（{m.doc.document.file}）上未能可靠识别姓名和身份证号，"
                              f"已按{TIED_WITHOUT_NAME_OR_ID[m.how]}对应到申报名单中的{person.name}，请核对原件",
                              m.doc.sha256, [m.evidence("name"), file_evidence(m.doc)])


def _lookalike(read: str, listed: str | None) -> bool:
    """Whether ``read`` is the name ``listed`` with rarer characters read as the common look-alikes
    OCR gives for them (``misread_words``: 魏赞 for 魏赟)."""
    read, listed = normalise_name(read), normalise_name(listed or "")
    if not listed or read == listed:
        return False
    for piece, rare in misread_words("person", read):
        read = read.replace(piece, rare)
    return read == listed


@rule("ID_MISMATCH", severity="blocking",
      zh="同一人员（姓名 + 岗位）在不同材料中身份证号不一致",
      en="One person (name + role), different ID numbers across documents")
def id_mismatch(ctx: ValidationContext):
    for person in ctx.people.listed():
        odd = [m for m in person.mentions
               if m.how == "confusable" or (m.how == "name" and m.id_number)]
        if not odd:
            continue
        roles = join(role_name(r) for r in sorted(person.roles))
        parts = [f"{ROSTER}「{person.id_number}」"]
        for m in odd:
            why = "，仅差一个易混淆字符，疑为识别错误" if m.how == "confusable" else ""
            parts.append(f"{_mention_source(m)}「{m.id_number}」{why}")
        yield Finding("ID_MISMATCH", f"{person.name}（{roles}）在不同材料中身份证号不一致：{join(parts)}",
                      person.id_number, person.roster_evidence() + [m.evidence("id_number") for m in odd])


@rule("USCC_CHECKSUM", severity="warning",
      zh="统一社会信用代码未通过 GB 32100 / GB 11714 校验（确有例外，需人工复核）",
      en="A USCC fails GB 32100 or GB 11714 (real exceptions exist: review)")
def uscc_checksum(ctx: ValidationContext):
    places: dict[str, list[tuple[str, Evidence]]] = defaultdict(list)
    places[ctx.company.uscc].append(("申报信息", spec_evidence("uscc", ctx.spec.uscc)))
    for doc, fld in ctx.fields_in(ctx.params.fields.uscc):
        value = doc.text(fld)
        if value:
            places[value.upper()].append((doc_name(doc.doc_type), field_evidence(doc, fld)))
    for value, seen in sorted(places.items()):
        problem = uscc_problem(value)
        if problem:
            yield Finding("USCC_CHECKSUM",
                          f"统一社会信用代码「{value}」未通过校验：{problem}（见{join(s for s, _ in seen)}）。"
                          f"少数真实代码也不符合校验规则，请核对原件",
                          ctx.company.uscc, [ev for _, ev in seen])
