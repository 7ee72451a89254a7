"""SQLAlchemy tables for everything the shop keeps, with the indexes its hot paths need."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints: SQLite batch migrations can only drop or alter what has a name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Every table; rows the owner edits map `version` as SQLAlchemy's version counter, so two
    editors of one row never overwrite each other silently."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class JourneyStage(Base):
    __tablename__ = "journey_stage"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(Integer, index=True)
    playbook: Mapped[str] = mapped_column(Text, default="")
    # Days without contact after which a customer at this stage is "losing touch".
    contact_rhythm_days: Mapped[int | None] = mapped_column(Integer)
    # The stage customers fall into when they stop buying; never counted as a move up.
    is_lapsed: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Persona(Base):
    __tablename__ = "persona"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    decides: Mapped[str] = mapped_column(String(200), default="")
    asks: Mapped[str] = mapped_column(String(200), default="")
    motivation: Mapped[str] = mapped_column(Text, default="")
    how_to_talk: Mapped[str] = mapped_column(Text, default="")
    gesture_ideas: Mapped[str] = mapped_column(Text, default="")  # one idea per line
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Tag(Base):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80, collation="NOCASE"), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class ImportBatch(Base):
    """One import run, so that "Undo last import" removes exactly what it added."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(Text, default="")
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)


class Customer(Base):
    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="person")
    name: Mapped[str] = mapped_column(String(200, collation="NOCASE"))
    company: Mapped[str] = mapped_column(String(200, collation="NOCASE"), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    phone_digits: Mapped[str] = mapped_column(String(32), default="")
    # Every suffix of the phone digits, for substring search through the FTS index.
    phone_search: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(Text, default="")
    birthday: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(120), default="")
    referred_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"))
    persona_id: Mapped[int | None] = mapped_column(ForeignKey("persona.id", ondelete="SET NULL"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("journey_stage.id", ondelete="RESTRICT"))
    consent_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    notes: Mapped[str] = mapped_column(Text, default="")
    not_pursuing: Mapped[bool] = mapped_column(Boolean, default=False)
    not_pursuing_reason: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # Kept up to date by the services so the list can sort 100,000 rows by them in SQL.
    last_contact_at: Mapped[datetime | None] = mapped_column(DateTime)
    next_follow_up_on: Mapped[date | None] = mapped_column(Date)
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    persona: Mapped[Persona | None] = relationship(lazy="joined")
    stage: Mapped[JourneyStage] = relationship(lazy="joined")
    referred_by: Mapped[Customer | None] = relationship(remote_side=[id], lazy="select")
    tags: Mapped[list[Tag]] = relationship(secondary="customer_tag", lazy="selectin",
                                           order_by="Tag.name")

    __table_args__ = (
        Index("ix_customer_archived_name", "archived", "name"),
        Index("ix_customer_archived_company", "archived", "company"),
        Index("ix_customer_archived_last_contact", "archived", "last_contact_at"),
        Index("ix_customer_archived_next_follow_up", "archived", "next_follow_up_on"),
        Index("ix_customer_stage", "stage_id"),
        Index("ix_customer_persona", "persona_id"),
        Index("ix_customer_referred_by", "referred_by_id"),
        Index("ix_customer_email", "email"),
        Index("ix_customer_phone_digits", "phone_digits"),
        Index("ix_customer_created_at", "created_at"),
        Index("ix_customer_import_batch", "import_batch_id"),
    )


class CustomerTag(Base):
    __tablename__ = "customer_tag"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"),
                                        primary_key=True)
    __table_args__ = (Index("ix_customer_tag_tag", "tag_id", "customer_id"),)


class StageChange(Base):
    __tablename__ = "stage_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    from_stage_id: Mapped[int | None] = mapped_column(
        ForeignKey("journey_stage.id", ondelete="SET NULL"))
    to_stage_id: Mapped[int | None] = mapped_column(
        ForeignKey("journey_stage.id", ondelete="SET NULL"))
    # Names as they were, so the history still reads right after a stage is renamed or removed.
    from_stage_name: Mapped[str] = mapped_column(String(80), default="")
    to_stage_name: Mapped[str] = mapped_column(String(80), default="")
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(40), default="manual")
    __table_args__ = (
        Index("ix_stage_change_customer_changed", "customer_id", "changed_at"),
        Index("ix_stage_change_changed", "changed_at"),
    )


class Interaction(Base):
    __tablename__ = "interaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    summary: Mapped[str] = mapped_column(Text, default="")
    sentiment: Mapped[str | None] = mapped_column(String(20))
    amount_cents: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_interaction_customer_occurred", "customer_id", "occurred_at"),
        Index("ix_interaction_kind_occurred", "kind", "occurred_at"),
    )


class Gesture(Base):
    __tablename__ = "gesture"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    given_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    cost_cents: Mapped[int] = mapped_column(Integer, default=0)
    occasion: Mapped[str] = mapped_column(String(200), default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    # Gestures logged together (twenty invitations to one event) share a batch key.
    batch_key: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_gesture_customer_given", "customer_id", "given_on"),
        Index("ix_gesture_given", "given_on"),
        Index("ix_gesture_kind_given", "kind", "given_on"),
    )


class Concern(Base):
    __tablename__ = "concern"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20), default="question")
    channel: Mapped[str] = mapped_column(String(20), default="phone")
    received_at: Mapped[datetime] = mapped_column(DateTime)
    summary: Mapped[str] = mapped_column(Text, default="")
    response_due_at: Mapped[datetime] = mapped_column(DateTime)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime)
    response_note: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_concern_responded_due", "responded_at", "response_due_at"),
        Index("ix_concern_customer_received", "customer_id", "received_at"),
        Index("ix_concern_received", "received_at"),
    )


class CadenceTemplate(Base):
    __tablename__ = "cadence_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    trigger: Mapped[str] = mapped_column(String(20), default="manual")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    steps: Mapped[list[CadenceStep]] = relationship(
        back_populates="cadence", cascade="all, delete-orphan", order_by="CadenceStep.position")


class CadenceStep(Base):
    __tablename__ = "cadence_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    cadence_id: Mapped[int] = mapped_column(
        ForeignKey("cadence_template.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    offset_days: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    # Marketing touches go only to customers who agreed to be contacted.
    needs_consent: Mapped[bool] = mapped_column(Boolean, default=False)

    cadence: Mapped[CadenceTemplate] = relationship(back_populates="steps")


class Product(Base):
    __tablename__ = "product"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200, collation="NOCASE"), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="new")
    received_on: Mapped[date] = mapped_column(Date)
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    customer_told_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_feedback_product_status", "product_id", "status"),
        Index("ix_feedback_status_told", "status", "customer_told_at"),
        Index("ix_feedback_customer", "customer_id", "received_on"),
    )


class FollowUp(Base):
    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    due_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="call")
    status: Mapped[str] = mapped_column(String(20), default="open")
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(Text, default="")
    snooze_count: Mapped[int] = mapped_column(Integer, default=0)
    # What created it: by hand, a cadence step, closed feedback, a concern.
    source: Mapped[str] = mapped_column(String(20), default="manual")
    cadence_step_id: Mapped[int | None] = mapped_column(
        ForeignKey("cadence_step.id", ondelete="SET NULL"))
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interaction.id", ondelete="SET NULL"))
    feedback_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback.id", ondelete="SET NULL"))
    concern_id: Mapped[int | None] = mapped_column(
        ForeignKey("concern.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # customer_id included: counting open follow-ups per scope reads the index alone.
        Index("ix_follow_up_status_due_customer", "status", "due_on", "customer_id"),
        Index("ix_follow_up_customer_due", "customer_id", "due_on"),
        Index("ix_follow_up_feedback", "feedback_id"),
        # Deleting an interaction or concern clears these links: without an index every
        # delete scanned all follow-ups (2.9 s to erase one customer at 100k).
        Index("ix_follow_up_interaction", "interaction_id"),
        Index("ix_follow_up_concern", "concern_id"),
        Index("ix_follow_up_cadence_step", "cadence_step_id"),
    )


class BusinessCalendarSettings(Base):
    """The shop's single calendar row: where it is and on which weekdays it opens."""

    __tablename__ = "business_calendar"

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(8), default="US")
    subdivision: Mapped[str | None] = mapped_column(String(16))
    working_weekdays: Mapped[str] = mapped_column(String(20), default="0,1,2,3,4")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class ClosureDay(Base):
    __tablename__ = "closure_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    reason: Mapped[str] = mapped_column(String(200), default="")


class Setting(Base):
    """Small owner preferences (shop name, paper size, ...), as JSON text per key."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ErasureNote(Base):
    """A dated trace that a customer's data was erased at their request, without personal data."""

    __tablename__ = "erasure_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")


# The full-text index over customers; created by the migrations (FTS5 is not a SQLAlchemy
# table). External content: it reads the text from `customer`, triggers keep it in step.
FTS_TABLE = "customer_fts"
FTS_COLUMNS = ("name", "company", "email", "phone_search", "notes")
FTS_CREATE = text(
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
    + ", ".join(FTS_COLUMNS)
    + ", content='customer', content_rowid='id', tokenize=\"unicode61 remove_diacritics 2\")"
)
_cols = ", ".join(FTS_COLUMNS)
_new = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
_old = ", ".join(f"old.{c}" for c in FTS_COLUMNS)
FTS_TRIGGERS = (
    text(f"CREATE TRIGGER customer_fts_ai AFTER INSERT ON customer BEGIN "
         f"INSERT INTO {FTS_TABLE}(rowid, {_cols}) VALUES (new.id, {_new}); END"),
    text(f"CREATE TRIGGER customer_fts_ad AFTER DELETE ON customer BEGIN "
         f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_cols}) "
         f"VALUES ('delete', old.id, {_old}); END"),
    # Only when searchable text changes: sorting columns are updated far more often.
    text(f"CREATE TRIGGER customer_fts_au AFTER UPDATE OF {_cols} ON customer BEGIN "
         f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_cols}) "
         f"VALUES ('delete', old.id, {_old}); "
         f"INSERT INTO {FTS_TABLE}(rowid, {_cols}) VALUES (new.id, {_new}); END"),
)
