"""The domain model, mapped with SQLAlchemy 2 (works on SQLite and PostgreSQL)."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from portal.states import (
    CaseStatus,
    ComplaintStatus,
    check_case_transition,
    check_complaint_transition,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone, so store naive UTC)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def _enum(enum_cls: type[enum.Enum]) -> sa.Enum:
    return sa.Enum(
        enum_cls, native_enum=False, length=32, values_callable=lambda members: [m.value for m in members]
    )


class Base(DeclarativeBase):
    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: sa.JSON, list[Any]: sa.JSON}


class Channel(enum.StrEnum):
    WEB = "web"
    EMAIL = "email"
    TELEGRAM = "telegram"


class Role(enum.StrEnum):
    INSPECTOR = "inspector"
    SUPERVISOR = "supervisor"  # head of an inspection
    ANALYST = "analyst"  # federal analyst: aggregates only
    ADMIN = "admin"
    EMPLOYER = "employer"  # employer account: self-check history


class CaseOutcome(enum.StrEnum):
    VIOLATION_CONFIRMED = "violation_confirmed"
    NOT_CONFIRMED = "not_confirmed"
    EXPLAINED = "explained"


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    DEAD = "dead"  # retries exhausted: visible to admins, never retried automatically


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Region(Base):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(2), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name_in: Mapped[str] = mapped_column(sa.String(120))  # prepositional: «в Волгоградской области»
    kind: Mapped[str] = mapped_column(sa.String(32))

    inspection: Mapped[Inspection | None] = relationship(back_populates="region", uselist=False)


class Inspection(Base):
    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)

    region: Mapped[Region] = relationship(back_populates="inspection")
    inspectors: Mapped[list[Inspector]] = relationship(back_populates="inspection")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    full_name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254))  # reminders and escalations
    role: Mapped[Role] = mapped_column(_enum(Role))
    inspection_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inspections.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("employers.id"))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    inspection: Mapped[Inspection | None] = relationship()


class ApiToken(Base):
    """A bearer token for the inspector API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    label: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class Inspector(Base):
    __tablename__ = "inspectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspections.id"), index=True)
    specialisations: Mapped[list[Any]] = mapped_column(default=list)  # taxonomy codes
    capacity: Mapped[int] = mapped_column(default=30)  # open cases one inspector can carry

    user: Mapped[User] = relationship()
    inspection: Mapped[Inspection] = relationship(back_populates="inspectors")
    absences: Mapped[list[InspectorAbsence]] = relationship(
        back_populates="inspector", cascade="all, delete-orphan"
    )


class InspectorAbsence(Base):
    __tablename__ = "inspector_absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspector_id: Mapped[int] = mapped_column(sa.ForeignKey("inspectors.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.String(200), default="")

    inspector: Mapped[Inspector] = relationship(back_populates="absences")


class Employer(Base):
    __tablename__ = "employers"
    __table_args__ = (sa.Index("ix_employers_region_name", "region_id", "normalised_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inn: Mapped[str | None] = mapped_column(sa.String(12), unique=True)
    ogrn: Mapped[str | None] = mapped_column(sa.String(15))
    name: Mapped[str] = mapped_column(sa.String(300))
    normalised_name: Mapped[str] = mapped_column(sa.String(300))
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"))
    risk_category: Mapped[str | None] = mapped_column(sa.String(32))
    risk_factors: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    region: Mapped[Region | None] = relationship()


class Complaint(Base):
    __tablename__ = "complaints"
    # Idempotency: the same e-mail (Message-ID) or Telegram message is one complaint.
    __table_args__ = (
        sa.UniqueConstraint("channel", "external_id", name="uq_complaints_channel_external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    access_code_hash: Mapped[str] = mapped_column(sa.String(255))
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    external_id: Mapped[str | None] = mapped_column(sa.String(255))
    text: Mapped[str] = mapped_column(sa.Text)  # the original text, never modified
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(32))
    telegram_chat_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    stated_region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"))
    stated_employer_name: Mapped[str | None] = mapped_column(sa.String(300))
    stated_employer_inn: Mapped[str | None] = mapped_column(sa.String(12))
    # ТК РФ ст. 358: the inspector must keep the source of a complaint from the employer when asked.
    confidential: Mapped[bool] = mapped_column(default=False)
    consent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ComplaintStatus] = mapped_column(_enum(ComplaintStatus), index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    registered_at: Mapped[datetime | None]
    analysed_at: Mapped[datetime | None]
    routed_at: Mapped[datetime | None]
    categories: Mapped[list[Any]] = mapped_column(default=list)
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    urgent: Mapped[bool] = mapped_column(default=False)
    urgent_reason: Mapped[str | None] = mapped_column(sa.String(300))
    rejected_reason: Mapped[str | None] = mapped_column(sa.String(300))

    problems: Mapped[list[Problem]] = relationship(
        back_populates="complaint", order_by="Problem.position", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(back_populates="complaint")

    @validates("status")
    def _check_status(self, _key: str, target: ComplaintStatus) -> ComplaintStatus:
        current = self.status
        if current is not None and current != target:
            check_complaint_transition(ComplaintStatus(current), ComplaintStatus(target))
        return target


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (sa.Index("ix_cases_employer_category_status", "employer_id", "category", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    category: Mapped[str] = mapped_column(sa.String(32))
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus), index=True)
    employer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("employers.id"))
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inspections.id"), index=True)
    inspector_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inspectors.id"), index=True)
    priority: Mapped[int] = mapped_column(default=0)  # higher first
    urgent: Mapped[bool] = mapped_column(default=False)
    mass: Mapped[bool] = mapped_column(default=False)
    workers_affected: Mapped[int | None]
    registered_at: Mapped[datetime]
    answer_due: Mapped[date | None] = mapped_column(index=True)
    extended_answer_due: Mapped[date | None]
    extension_reason: Mapped[str | None] = mapped_column(sa.Text)
    redirect_due: Mapped[date | None]
    interim_answer_due: Mapped[date | None]
    redirected_to: Mapped[str | None] = mapped_column(sa.String(200))
    assignment: Mapped[dict[str, Any]] = mapped_column(default=dict)  # candidates, scores and why
    outcome: Mapped[CaseOutcome | None] = mapped_column(_enum(CaseOutcome))
    answer_text: Mapped[str | None] = mapped_column(sa.Text)
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_action_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    employer: Mapped[Employer | None] = relationship()
    inspection: Mapped[Inspection | None] = relationship()
    inspector: Mapped[Inspector | None] = relationship()
    problems: Mapped[list[Problem]] = relationship(back_populates="case")

    @property
    def effective_answer_due(self) -> date | None:
        return self.extended_answer_due or self.answer_due

    @validates("status")
    def _check_status(self, _key: str, target: CaseStatus) -> CaseStatus:
        current = self.status
        if current is not None and current != target:
            check_case_transition(CaseStatus(current), CaseStatus(target))
        return target


class Problem(Base):
    __tablename__ = "problems"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    position: Mapped[int]
    start: Mapped[int]
    end: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    category: Mapped[str] = mapped_column(sa.String(32), index=True)
    confidence: Mapped[float]
    needs_review: Mapped[bool] = mapped_column(default=False)
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    jurisdiction: Mapped[dict[str, Any]] = mapped_column(default=dict)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)

    complaint: Mapped[Complaint] = relationship(back_populates="problems")
    case: Mapped[Case | None] = relationship(back_populates="problems")


class CaseEvent(Base):
    """Append-only audit log: every state change of a complaint or case, with who made it."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    complaint_id: Mapped[int | None] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(48))
    from_status: Mapped[str | None] = mapped_column(sa.String(32))
    to_status: Mapped[str | None] = mapped_column(sa.String(32))
    actor: Mapped[str] = mapped_column(sa.String(64))  # "system", "user:42", "citizen"
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int | None] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)  # the stored file is named by its hash
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(sa.String(100))  # sniffed from the content, not trusted
    display_name: Mapped[str] = mapped_column(sa.String(200))  # sanitised; for display only
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    complaint: Mapped[Complaint | None] = relationship(back_populates="attachments")


class Assessment(Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[str] = mapped_column(sa.String(64))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    compliance: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KbFeedback(Base):
    """A reader's «помогло / не помогло» on a knowledge-base article; nothing about the reader is kept."""

    __tablename__ = "kb_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[str] = mapped_column(sa.String(100), index=True)
    helpful: Mapped[bool]
    query: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Outbox(Base):
    """A notification to send; the idempotency key makes a crashed send not send twice."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    template: Mapped[str] = mapped_column(sa.String(64))
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[OutboxStatus] = mapped_column(
        _enum(OutboxStatus), default=OutboxStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    complaint_id: Mapped[int | None] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class Subscription(Base):
    """Someone who follows a complaint on a channel (e.g. a Telegram chat that checked its status)."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        sa.UniqueConstraint(
            "complaint_id", "channel", "recipient", name="uq_subscriptions_complaint_channel"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (sa.Index("ix_jobs_state_run_at", "state", "run_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Enqueueing the same key twice is one job (e.g. "analyse:complaint:17").
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    state: Mapped[JobState] = mapped_column(_enum(JobState), default=JobState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    run_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_by: Mapped[str | None] = mapped_column(sa.String(64))
    locked_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


def _refuse_change(_mapper: Any, _connection: Any, target: CaseEvent) -> None:
    raise PermissionError("the audit log is append-only")


event.listen(CaseEvent, "before_update", _refuse_change)
event.listen(CaseEvent, "before_delete", _refuse_change)
