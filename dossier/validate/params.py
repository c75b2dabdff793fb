"""Rule parameters: typed, loaded from ``defaults.yaml``, overridable per checklist.

``params_for(spec, overrides)`` is the one way to get a ``RuleParams``: defaults, then the
application type's section, then the overrides (a checklist's ``rules:`` mapping, say). Head
counts are always the qualification standards' (``dossier.standards``: the shipped files, or the
application's and the overrides' own ``standards_files``): the 技术负责人 at every level, the
other roles only where the regime assesses them; overrides cannot state head counts. Mappings merge key by key; lists and scalars replace, so an
override never has to repeat what it leaves alone.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dossier.errors import ConfigError
from dossier.model import ApplicationSpec, Role
from dossier.standards.loader import basis_zh, checked_regime, standards
from dossier.standards.schema import weakest
from dossier.yamlfile import read_package_yaml


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DocumentRequirements(_Params):
    """MISSING_DOCUMENT: each requirement is a tuple of doc types, any one of which satisfies it."""

    person: list[tuple[str, ...]] = Field(default_factory=list)
    roles: dict[Role, list[tuple[str, ...]]] = Field(default_factory=dict)
    company: list[tuple[str, ...]] = Field(default_factory=list)

    @field_validator("person", "company", mode="before")
    @classmethod
    def _alternatives(cls, items: list) -> list:
        return [_as_alternatives(item) for item in items]

    @field_validator("roles", mode="before")
    @classmethod
    def _role_alternatives(cls, roles: dict) -> dict:
        return {role: [_as_alternatives(item) for item in items] for role, items in roles.items()}

    def for_roles(self, roles: set[str]) -> list[tuple[str, ...]]:
        """Requirements of a person holding ``roles``, without repeats, in a stable order."""
        wanted = list(self.person)
        for role in sorted(roles):
            wanted += [req for req in self.roles.get(role, []) if req not in wanted]
        return wanted


def _as_alternatives(item: str | list[str]) -> tuple[str, ...]:
    return (item,) if isinstance(item, str) else tuple(item)


class PayerPolicy(_Params):
    """Who may pay a person's social insurance besides the applicant itself."""

    doc_types: list[str] = Field(default_factory=list)
    accept_branch: bool = False
    accepted_names: list[str] = Field(default_factory=list)


class IntegrityParams(_Params):
    # Failures meaning "this is no scan or document at all" (a note, a spreadsheet): reported as a
    # warning, since what the filing needs from it is caught by the completeness rules anyway.
    not_document_failures: list[str] = Field(default_factory=list)
    duplicate_doc_types: list[str] = Field(default_factory=list)
    near_duplicate_distance: int = 3
    near_duplicate_tile_distance: int = 10  # every cell of PageHash.tiles within this many bits
    near_duplicate_sources: list[Literal["scan", "render"]] = Field(default_factory=lambda: ["scan"])
    edit_after_creation_days: int = 30
    text_agreement_min: float = 0.8
    image_editors: list[str] = Field(default_factory=list)


class DateOrder(_Params):
    doc_types: list[str]
    earlier: str
    later: str


class ProjectDateOrder(_Params):
    earlier: tuple[str, str]  # (doc_type, field)
    later: tuple[str, str]


class FieldTables(_Params):
    """Which field of which document type plays which part; see defaults.yaml for each table."""

    person_doc_types: list[str] = Field(default_factory=list)
    person_record_doc_types: list[str] = Field(default_factory=list)
    company_doc_types: list[str] = Field(default_factory=list)
    employer: dict[str, list[str]] = Field(default_factory=dict)
    company_name: dict[str, list[str]] = Field(default_factory=dict)
    uscc: dict[str, list[str]] = Field(default_factory=dict)
    validity: dict[str, list[str]] = Field(default_factory=dict)
    usage_validity: dict[str, list[str]] = Field(default_factory=dict)
    date_order: list[DateOrder] = Field(default_factory=list)
    project_date_order: list[ProjectDateOrder] = Field(default_factory=list)
    amount_pairs: dict[str, list[tuple[str, str]]] = Field(default_factory=dict)
    project: dict[str, dict[str, str]] = Field(default_factory=dict)
    project_name_similarity: float = 0.85
    qr_compare: dict[str, list[str]] = Field(default_factory=dict)
    required: dict[str, list[str]] = Field(default_factory=dict)


class HeadcountNeed(_Params):
    """At least ``min`` people in a role (counting only the ``among`` specialties when given), of
    whom at least ``specialties[s]`` in specialty ``s``; ``basis`` says where the figures come
    from, for the message (the standard, the company's own file when they come from one, and
    their confidence); ``standard_file`` is that file's name (None: the shipped standards)."""

    min: int | None = Field(default=None, ge=0)
    among: tuple[str, ...] = ()
    specialties: dict[str, int] = Field(default_factory=dict)
    basis: str = ""
    standard_file: str | None = None


HeadcountTable = dict[Role, HeadcountNeed]
# Why a checklist (or any override) may not state head counts: one source for them, the standards.
HEADCOUNT_FROM_STANDARDS_ZH = ("人数要求不再写在清单中：HEADCOUNT_SHORT 按所用资质标准（dossier/standards，"
                               "或 application.yaml 中 standards 指定的企业自定标准文件）核对，"
                               "且只在该规则仍考核人数的等级核对；请删除 headcount")


class RuleParams(_Params):
    """Everything a rule may look up; one instance per application run."""

    social_insurance_window_months: int = Field(ge=0)
    age_limit: int
    low_confidence: float
    check_headcount: bool = True
    cert_lead_days: dict[str, int]
    renewal_deadline_days: dict[str, int] = Field(default_factory=dict)
    exclusive_roles: list[tuple[Role, Role]] = Field(default_factory=list)
    documents: DocumentRequirements
    payer: PayerPolicy
    integrity: IntegrityParams
    fields: FieldTables
    # qualification -> role -> need, from the standards in use (standard_headcounts), never stated
    headcount: dict[str, HeadcountTable] = Field(default_factory=dict)
    # a company's own qualification standard files, replacing the shipped ones (dossier.standards)
    standards_files: list[str] = Field(default_factory=list)

    def lead_days(self, doc_type: str) -> int:
        """CERT_EXPIRING lead time for ``doc_type`` (``default`` when it has none of its own)."""
        return self.cert_lead_days.get(doc_type, self.cert_lead_days.get("default", 0))


@lru_cache(maxsize=1)
def load_defaults() -> dict[str, Any]:
    """The parsed ``defaults.yaml`` shipped with the package (read once; treat as read-only)."""
    return read_package_yaml("dossier.validate", "defaults.yaml").data


def standard_headcounts(spec: ApplicationSpec, own_files: list[str]) -> dict[str, HeadcountTable]:
    """The head counts of ``spec``'s qualifications as the standards data gives them: the
    技术负责人 at every level, the roles' counts only at the levels where the regime (the spec's,
    else the one in force) still assesses them (under 2014+2016 the lowest level of each
    category). Raises StandardError for an unknown regime."""
    regime = checked_regime(spec.regime)
    known = standards(own_files)
    tables: dict[str, HeadcountTable] = {}
    for qualification in spec.qualifications:
        parsed = known.parse_qualification(qualification, regime)
        if parsed is None:
            continue
        standard, level = parsed
        lead, own = level.technical_lead, known.own_file(standard)

        def basis(*figures) -> str:
            return basis_zh(standard, own, weakest(figures))

        table: HeadcountTable = {"technical_lead": HeadcountNeed(min=lead.min, basis=basis(lead), standard_file=own)}
        if level.headcount.assessed:
            table |= {role: HeadcountNeed(min=need.min, among=need.among, specialties=need.specialties,
                                          basis=basis(level.headcount, need), standard_file=own)
                      for role, need in level.headcount.roles.items() if need.min is not None or need.specialties}
        tables[qualification] = table
    return tables


def deep_merge(base: dict, override: dict) -> dict:
    """A new dict: ``override`` on top of ``base``; nested mappings merge, anything else replaces."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@lru_cache(maxsize=1)
def required_fields() -> dict[str, list[str]]:
    """Per document type, the fields its extraction spec marks required: one list for both the
    extraction (a missing one is reported as read with no value) and LOW_CONFIDENCE."""
    from dossier.extract.spec import load_specs

    return {doc_type: [name for name, field in spec.fields.items() if field.required]
            for doc_type, spec in sorted(load_specs().items())}


def params_for(spec: ApplicationSpec, overrides: dict | None = None) -> RuleParams:
    """The rule parameters for ``spec``: defaults < application type < qualifications < overrides.

    Raises ConfigError (naming the offending key) when the merged parameters are invalid, e.g. a
    checklist override with a misspelt key.
    """
    data = load_defaults()
    merged = deep_merge(data["defaults"], data["application_types"].get(spec.application_type, {}))
    merged["fields"]["required"] = required_fields()
    overrides = overrides or {}
    if "headcount" in overrides:
        raise ConfigError("head counts come from the qualification standards, not from overrides",
                          reason_zh=HEADCOUNT_FROM_STANDARDS_ZH)
    merged = deep_merge(merged, overrides)
    # the application's own standard files, then any the overrides name (a checklist, --standard)
    merged["standards_files"] = [*spec.standards, *merged.get("standards_files", [])]
    merged["headcount"] = standard_headcounts(spec, merged["standards_files"])
    try:
        return RuleParams.model_validate(merged)
    except ValidationError as exc:
        raise ConfigError(f"invalid validation parameters: {exc}",
                          reason_zh=f"校验参数无效：{exc}") from exc
