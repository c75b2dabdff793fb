"""Money: an amount in figures must equal the same amount in words (大写)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from dossier.validate.engine import Finding, ValidationContext, rule
from dossier.validate.evidence import field_evidence
from dossier.validate.messages import field_label


def as_amount(text: str | None) -> Decimal | None:
    """A normalised decimal string (yuan) as a Decimal; None when absent or not a number."""
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def _cut_reading(doc, sides: list[tuple[str, Decimal]], threshold: float) -> bool:
    """Whether the two amounts differ only as a doubtful reading cut at its start does: the one
    read below ``threshold`` is the other with its leading figures lost (the 大写 陆仟伍佰捌拾捌万
    read from 伍佰 on gives 5880000.00 beside 65880000.00). Such a difference is LOW_CONFIDENCE's (a
    person looks at the scan); a figure changed or two swapped is a mismatch however it was read."""
    (name_a, a), (name_b, b) = sides
    for name, short, full in ((name_a, a, b), (name_b, b, a)):
        read, whole = f"{short:f}", f"{full:f}"
        field = doc.field(name)
        if field is not None and field.confidence < threshold and len(read) < len(whole) and whole.endswith(read):
            return True
    return False


@rule("AMOUNT_WORDS_MISMATCH", severity="blocking",
      zh="合同金额小写与大写不一致",
      en="An amount in figures differs from the same amount in words")
def amount_words(ctx: ValidationContext):
    for doc, (figures, words) in ctx.fields_in(ctx.params.fields.amount_pairs):
        a, b = as_amount(doc.text(figures)), as_amount(doc.text(words))
        if (a is not None and b is not None and a != b
                and not _cut_reading(doc, [(figures, a), (words, b)], ctx.params.low_confidence)):
            yield Finding("AMOUNT_WORDS_MISMATCH",
                          f"{ctx.owner(doc)}的{field_label(doc.doc_type, figures)} {a} 元与"
                          f"{field_label(doc.doc_type, words)} {b} 元不一致",
                          ctx.subject_of(doc), [field_evidence(doc, figures), field_evidence(doc, words)])
