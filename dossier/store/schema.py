"""The database tables, as typed SQLAlchemy 2 ORM models.

Portable between SQLite (embedded default) and PostgreSQL: statuses are strings guarded by CHECK
constraints rather than native enums (adding a value then needs no type migration), JSON columns
become JSONB on PostgreSQL, and timestamps are stored in UTC and always read back timezone-aware.
Constraint names follow one naming convention so later Alembic migrations can refer to them.

The initial migration (``migrations/versions/0001_initial.py``) writes these tables out by hand;
``tests/test_store_db.py`` checks that the two never drift apart.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

DOCUMENT_STATUSES = ("received", "processing", "processed", "failed")
DISCREPANCY_STATUSES = ("open", "accepted", "corrected", "waived")
SEVERITIES = ("blocking", "warning", "info")
USER_ROLES = ("admin", "reviewer", "viewer")

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC; SQLite drops the zone, so it is put back on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONValue = JSON().with_variant(JSONB(), "postgresql")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONValue, list[Any]: JSONValue,
                           Any: JSONValue}


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# --- applications and their files -------------------------------------------------------------


class Application(Timestamps, Base):
    """One filing: a folder of scans plus ``application.yaml`` (kept as JSON in ``spec``)."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    folder: Mapped[str | None] = mapped_column(Text)
    spec: Mapped[dict[str, Any] | None]
    # Deleting hides an application and keeps every row of it, so it can be restored; only an
    # admin's purge removes the rows (dossier.store.lifecycle).
    deleted_at: Mapped[datetime | None]
    deleted_by: Mapped[str | None] = mapped_column(String(255))

    links: Mapped[list[ApplicationDocument]] = relationship(
        back_populates="application", cascade="all, delete-orphan", passive_deletes=True)


class Document(Timestamps, Base):
    """One original file, identified by content; the same bytes are stored once."""

    __tablename__ = "documents"
    __table_args__ = (CheckConstraint(_in("status", DOCUMENT_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str | None] = mapped_column(String(127))
    # The name as first received: a display form (always valid text) and, when the name was not
    # valid UTF-8, its exact bytes in hex, so nothing about the original is lost.
    source_name: Mapped[str] = mapped_column(Text)
    source_name_hex: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="received")
    # Who reads the document while it is ``processing`` ("host:pid:token") and when that claim
    # was taken or last refreshed; both empty when no live process holds it (see
    # ``dossier.workers.claims``).
    claimed_by: Mapped[str | None] = mapped_column(String(255))
    claimed_at: Mapped[datetime | None]
    failure_code: Mapped[str | None] = mapped_column(String(64))  # e.g. UnsupportedFileType
    failure_reason: Mapped[str | None] = mapped_column(Text)  # Chinese, shown to users
    failure_detail: Mapped[str | None] = mapped_column(Text)  # English, for logs and support
    page_count: Mapped[int | None]
    # How far the current reading has got, for the upload box ("已读 n/m 页"): written by the
    # reader as pages are read (dossier.workers.pages_read), emptied when a process claims the
    # document to read it (repo.claim_document), so a new reading never shows an old count.
    pages_read: Mapped[int | None]
    pages_to_read: Mapped[int | None]
    doc_type: Mapped[str | None] = mapped_column(String(64))  # of the logical document on page 1
    doc_type_confidence: Mapped[float | None]

    links: Mapped[list[ApplicationDocument]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True)
    pages: Mapped[list[Page]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Page.number")
    extractions: Mapped[list[Extraction]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Extraction.first_page")


class ApplicationDocument(Base):
    """A document filed under an application, with its path inside the application folder."""

    __tablename__ = "application_documents"

    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True)
    path: Mapped[str] = mapped_column(Text)  # display form, "/"-separated
    path_hex: Mapped[str | None] = mapped_column(Text)  # exact bytes when not valid UTF-8
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship(back_populates="links")
    document: Mapped[Document] = relationship(back_populates="links")


# --- text ---------------------------------------------------------------------------------------


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    number: Mapped[int]  # 1-based
    width: Mapped[float]  # points
    height: Mapped[float]
    source: Mapped[str] = mapped_column(String(16))  # dossier.model.TextSource
    rotation: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[list[Any]] = mapped_column(default=list)

    document: Mapped[Document] = relationship(back_populates="pages")
    lines: Mapped[list[TextLine]] = relationship(
        back_populates="page", cascade="all, delete-orphan", passive_deletes=True,
        order_by="TextLine.ordinal")


class TextLine(Base):
    __tablename__ = "text_lines"
    __table_args__ = (UniqueConstraint("page_id", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    ordinal: Mapped[int]  # reading order on the page, from 0
    text: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float]
    char_confidences: Mapped[list[Any] | None]  # one per character of text (OCR), else NULL
    x0: Mapped[float]
    y0: Mapped[float]
    x1: Mapped[float]
    y1: Mapped[float]

    page: Mapped[Page] = relationship(back_populates="lines")


# --- extraction -------------------------------------------------------------------------------


class Extraction(Base):
    """One logical document found in a file (a file may hold several, split by page)."""

    __tablename__ = "extractions"
    __table_args__ = (UniqueConstraint("document_id", "first_page"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    first_page: Mapped[int]
    page_count: Mapped[int]
    doc_type: Mapped[str | None] = mapped_column(String(64), index=True)
    confidence: Mapped[float] = mapped_column(default=0.0)
    errors: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship(back_populates="extractions")
    fields: Mapped[list[Field]] = relationship(
        back_populates="extraction", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Field.id")
    records: Mapped[list[Record]] = relationship(
        back_populates="extraction", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Record.ordinal")


class Field(Base):
    __tablename__ = "fields"
    __table_args__ = (UniqueConstraint("extraction_id", "name"),
                      Index("ix_fields_name_value_text", "name", "value_text"))

    id: Mapped[int] = mapped_column(primary_key=True)
    extraction_id: Mapped[int] = mapped_column(ForeignKey("extractions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any | None]  # str, list[str] or null, as in dossier.model.ExtractedField
    # The value as plain text, so archive search ("every document naming this ID number") is an
    # indexed lookup on both databases instead of a JSON scan.
    value_text: Mapped[str | None] = mapped_column(String(512))
    raw: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float] = mapped_column(default=0.0)
    page: Mapped[int] = mapped_column(default=1)
    x0: Mapped[float] = mapped_column(default=0.0)
    y0: Mapped[float] = mapped_column(default=0.0)
    x1: Mapped[float] = mapped_column(default=0.0)
    y1: Mapped[float] = mapped_column(default=0.0)
    suggestion: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[list[Any]] = mapped_column(default=list)

    extraction: Mapped[Extraction] = relationship(back_populates="fields")


class Record(Base):
    """One row of a table in a document (e.g. a 社保 row: 姓名/身份证号/缴费月份)."""

    __tablename__ = "records"
    __table_args__ = (UniqueConstraint("extraction_id", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    extraction_id: Mapped[int] = mapped_column(ForeignKey("extractions.id", ondelete="CASCADE"))
    ordinal: Mapped[int]  # row index, from 0
    data: Mapped[dict[str, Any]]

    extraction: Mapped[Extraction] = relationship(back_populates="records")


# --- validation and review --------------------------------------------------------------------


class Discrepancy(Timestamps, Base):
    """A finding of validation; ``fingerprint`` keeps its identity (and review) across re-runs."""

    __tablename__ = "discrepancies"
    __table_args__ = (
        UniqueConstraint("application_id", "fingerprint"),
        CheckConstraint(_in("severity", SEVERITIES), name="severity"),
        CheckConstraint(_in("status", DISCREPANCY_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(String(128), index=True)
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open")
    # False once a re-run of validation no longer finds it (kept for the audit trail).
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    reviews: Mapped[list[Review]] = relationship(
        back_populates="discrepancy", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Review.at")


class Review(Base):
    """A person's decision on a discrepancy: accept, correct (with the new value), waive, reopen."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    discrepancy_id: Mapped[int] = mapped_column(
        ForeignKey("discrepancies.id", ondelete="CASCADE"), index=True)
    user_name: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(16))
    old_value: Mapped[Any | None]
    new_value: Mapped[Any | None]
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    discrepancy: Mapped[Discrepancy] = relationship(back_populates="reviews")


class FieldCorrection(Base):
    """A person's correction of one extracted value; the extraction itself is never overwritten.

    Loading a document's fields applies the newest correction per (document, first_page, name),
    so validation, the ledger and the packet all see the corrected value while the value as read
    (and every earlier correction) stays for the audit trail.
    """

    __tablename__ = "field_corrections"
    __table_args__ = (Index("ix_field_corrections_document_id_first_page_name",
                            "document_id", "first_page", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    first_page: Mapped[int]
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any | None]  # str or list[str], as in dossier.model.ExtractedField
    previous: Mapped[Any | None]
    user_name: Mapped[str] = mapped_column(String(255))
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


# --- outputs, audit, users --------------------------------------------------------------------


class Packet(Base):
    __tablename__ = "packets"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    checklist: Mapped[str | None] = mapped_column(String(255))
    draft: Mapped[bool] = mapped_column(Boolean, default=False)
    built_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """Append-only record of who did what to which object."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(64))
    object: Mapped[str] = mapped_column(String(255), index=True)  # e.g. "document:<sha256>"
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class User(Timestamps, Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", USER_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str | None] = mapped_column(String(128), unique=True)  # never the token
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class LoginSession(Base):
    """A browser's sign-in (the login cookie holds its random id, the database only its SHA-256):
    separate from the user's API token, expiring, and revoked on logout."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


# --- reminders ----------------------------------------------------------------------------------

REMINDER_STATUSES = ("attempting", "sent", "failed")


class Reminder(Timestamps, Base):
    """The send log of ``dossier remind``: one row per (entry, threshold, channel), so each is sent
    once. ``attempting`` is written and committed before the message goes out: a row still
    ``attempting`` when the next run starts means a crash between sending and recording, and that
    one message is sent again, once, marked as a possible repeat (``repeat``)."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("entry_key", "threshold", "channel"),
                      CheckConstraint(_in("status", REMINDER_STATUSES), name="status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_key: Mapped[str] = mapped_column(String(255))  # dossier.notify.thresholds.entry_key, …
    threshold: Mapped[str] = mapped_column(String(32))  # "days:30", "start now", "late", "lapsed", "personnel", "supervision"
    channel: Mapped[str] = mapped_column(String(100))  # the channel's name in dossier.toml
    company: Mapped[str] = mapped_column(String(255), index=True)
    line: Mapped[str] = mapped_column(Text)  # what the digest said (ID numbers masked)
    as_of: Mapped[str] = mapped_column(String(10))  # the day it was due, YYYY-MM-DD
    status: Mapped[str] = mapped_column(String(16), default="attempting")
    attempts: Mapped[int] = mapped_column(default=0)
    repeat: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str | None] = mapped_column(Text)  # Chinese, the channel's secrets removed
    sent_at: Mapped[datetime | None]


class NotifyChannel(Timestamps, Base):
    """A reminder channel an admin added in the web UI or by the API (``dossier.notify.channel_store``),
    used beside the ``[[notify.channels]]`` of ``dossier.toml``. The secret settings (password,
    robot URL with its key, signing secret) are kept apart from the rest, so nothing that lists or
    audits channels reads them by accident."""

    __tablename__ = "notify_channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)  # the send log names channels by it
    kind: Mapped[str] = mapped_column(String(16))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)  # everything not secret
    secrets: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the SecretStr settings, never shown
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(255))
    updated_by: Mapped[str] = mapped_column(String(255))
