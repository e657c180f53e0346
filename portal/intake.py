"""Intake: every channel files a complaint through here, so a complaint is the same whatever its channel.

A complaint is stored and registered in one transaction together with its analysis job and the
acknowledgement, so nothing is lost between them: either all exist or none.
"""

from __future__ import annotations

import functools
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from asyncpg.exceptions import PostgresError, UniqueViolationError
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from portal import audit
from portal.attachments import AttachmentRejected, IncomingFile, StoredFile, check_file, store_file
from portal.jobs import DEFAULT_MAX_ATTEMPTS, enqueue, job_values
from portal.models import (
    Base,
    Channel,
    Complaint,
    JobState,
    Outbox,
    OutboxStatus,
    Region,
    Subscription,
    utcnow,
)
from portal.security import hash_access_code, new_access_code, normalise_access_code, verify_access_code
from portal.states import ComplaintStatus, check_complaint_transition

MIN_TEXT = 20
MAX_TEXT = 20_000
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,}$")
PHONE_RE = re.compile(r"^\+?[0-9()\-\s]{7,20}$")
INN_RE = re.compile(r"^(\d{10}|\d{12})$")

ANALYSE_JOB = "analyse_complaint"


class IntakeError(ValueError):
    """Input that cannot become a complaint; `errors` maps each field to a Russian message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {value}" for key, value in errors.items()))
        self.errors = errors


@dataclass
class ComplaintInput:
    text: str
    channel: Channel
    consent: bool
    external_id: str | None = None  # e-mail Message-ID, Telegram chat:message: the idempotency key
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    telegram_chat_id: int | None = None
    region: str | None = None  # official name or two-digit code
    employer_name: str | None = None
    employer_inn: str | None = None
    confidential: bool = False
    attachments: list[IncomingFile] = field(default_factory=list)


@dataclass(frozen=True)
class IntakeResult:
    complaint_id: int
    tracking_number: str
    access_code: str | None  # None when the same message had already been filed (the code is not kept)
    status: ComplaintStatus
    duplicate: bool = False


def _clean(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = re.sub(r"\s+", " ", value).strip()
    return value[:limit] or None


def _check_digit(digits: str) -> str:
    """Luhn: catches any single mistyped digit and most swaps of neighbours."""
    total = 0
    for index, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def _tracking_number() -> str:
    """`26-4839-2017-5`: the year, eight random digits and a check digit.

    A hundred million numbers a year: unguessable, and a fresh draw rarely meets a taken one even at
    millions of complaints a year (a collision is simply drawn again).
    """
    body = f"{utcnow():%y}{secrets.randbelow(10**8):08d}"
    return f"{body[:2]}-{body[2:6]}-{body[6:]}-{_check_digit(body)}"


def normalise_tracking_number(value: str) -> str:
    """The stored form of a number typed with or without dashes and spaces (also the older `26-483920-7`)."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 11:
        return f"{digits[:2]}-{digits[2:6]}-{digits[6:10]}-{digits[10]}"
    if len(digits) == 9:  # numbers issued before 2026-12 had six random digits
        return f"{digits[:2]}-{digits[2:8]}-{digits[8]}"
    return value.strip()


def validate(data: ComplaintInput, max_attachments: int, max_bytes: int) -> None:
    errors: dict[str, str] = {}
    text = (data.text or "").strip()
    if "\x00" in text:
        errors["text"] = "Текст содержит недопустимые символы."
    elif len(text) < MIN_TEXT:
        errors["text"] = f"Опишите, что произошло, подробнее — хотя бы {MIN_TEXT} символов."
    elif len(text) > MAX_TEXT:
        errors["text"] = f"Текст слишком длинный: до {MAX_TEXT} символов. Длинные документы приложите файлом."
    if not data.consent:
        errors["consent"] = "Без согласия на обработку персональных данных обращение не может быть принято."
    if data.contact_email and not EMAIL_RE.match(data.contact_email.strip()):
        errors["contact.email"] = "Проверьте адрес электронной почты."
    if data.contact_phone and not PHONE_RE.match(data.contact_phone.strip()):
        errors["contact.phone"] = "Проверьте номер телефона: только цифры, например +7 912 345-67-89."
    if not (data.contact_email or data.contact_phone or data.telegram_chat_id):
        errors["contact"] = (
            "Укажите электронную почту или телефон: на анонимные обращения ответ не направляется."
        )
    if data.employer_inn and not INN_RE.match(data.employer_inn.strip()):
        errors["employer.inn"] = "ИНН работодателя — 10 цифр для организации или 12 для ИП."
    if len(data.attachments) > max_attachments:
        errors["attachments"] = f"Можно приложить не более {max_attachments} файлов."
    else:
        for incoming in data.attachments:
            try:
                check_file(incoming, max_bytes)
            except AttachmentRejected as exc:
                errors["attachments"] = str(exc)
                break
    if errors:
        raise IntakeError(errors)


async def _region_id(connection: AsyncConnection, region: str | None) -> int | None:
    if not region:
        return None
    value = region.strip()
    found = await connection.scalar(
        sa.select(Region.id)
        .where(sa.or_(Region.name == value, Region.code == value.zfill(2)))
        .order_by(Region.id)
        .limit(1)
    )
    if found is None:
        raise IntakeError({"region": REGION_ERROR})
    return found


async def _existing(session: AsyncSession, channel: Channel, external_id: str) -> Complaint | None:
    return await session.scalar(
        sa.select(Complaint).where(Complaint.channel == channel, Complaint.external_id == external_id)
    )


def _engine(sessions: async_sessionmaker[AsyncSession]) -> AsyncEngine:
    bind = sessions.kw.get("bind")
    if not isinstance(bind, AsyncEngine):
        raise TypeError("intake needs a session factory bound to an AsyncEngine (portal.db.session_factory)")
    return bind


async def submit_complaint(
    sessions: async_sessionmaker[AsyncSession],
    data: ComplaintInput,
    *,
    upload_dir: Path,
    max_attachments: int = 5,
    max_bytes: int = 10 * 1024 * 1024,
) -> IntakeResult:
    validate(data, max_attachments, max_bytes)
    if data.external_id:
        async with sessions() as session:
            existing = await _existing(session, data.channel, data.external_id)
        if existing is not None:
            return IntakeResult(existing.id, existing.tracking_number, None, existing.status, duplicate=True)

    # Files first: content-addressed, so a failed transaction leaves at worst an unreferenced file.
    stored = [store_file(incoming, upload_dir, max_bytes) for incoming in data.attachments]
    access_code = new_access_code()
    code_hash = hash_access_code(access_code)
    engine = _engine(sessions)
    for _attempt in range(5):
        tracking_number = _tracking_number()
        try:
            complaint_id = await _create(engine, data, stored, tracking_number, code_hash)
            return IntakeResult(complaint_id, tracking_number, access_code, ComplaintStatus.REGISTERED)
        except IntegrityError:
            if data.external_id:  # the same message arrived twice at the same moment
                async with sessions() as session:
                    existing = await _existing(session, data.channel, data.external_id)
                if existing is not None:
                    return IntakeResult(existing.id, existing.tracking_number, None, existing.status, True)
            # otherwise a tracking-number collision: draw another
    raise RuntimeError("could not allocate a tracking number")


REGION_ERROR = "Выберите регион из списка."
ACKNOWLEDGEMENT = "acknowledgement"
NOTIFY_JOB = "deliver_notification"
# Intake stores a complaint already registered: the state machine must allow received -> registered.
check_complaint_transition(ComplaintStatus.RECEIVED, ComplaintStatus.REGISTERED)


@dataclass(frozen=True)
class _Rows:
    """Everything intake writes for one complaint, except the ids the database assigns."""

    complaint: dict[str, Any]
    events: list[dict[str, Any]]  # audit records: received, then registered
    attachments: list[dict[str, Any]]
    recipients: list[tuple[Channel, str]]  # the acknowledgement goes to each


def _rows(data: ComplaintInput, stored: list[StoredFile], tracking_number: str, code_hash: str) -> _Rows:
    now = utcnow()
    # 59-ФЗ: registration is automatic at intake, so the legal terms start now. The complaint is stored
    # already registered (the state machine allows received -> registered, checked at import); the audit
    # log still shows both steps.
    email = _clean(data.contact_email, 254)
    complaint: dict[str, Any] = {
        "tracking_number": tracking_number,
        "access_code_hash": code_hash,
        "channel": data.channel,
        "external_id": data.external_id,
        "text": data.text,
        "contact_name": _clean(data.contact_name, 200),
        "contact_email": email,
        "contact_phone": _clean(data.contact_phone, 32),
        "telegram_chat_id": data.telegram_chat_id,
        "stated_employer_name": _clean(data.employer_name, 300),
        "stated_employer_inn": _clean(data.employer_inn, 12),
        "confidential": data.confidential,
        "consent": data.consent,
        "status": ComplaintStatus.REGISTERED,
        "received_at": now,
        "registered_at": now,
        "categories": [],
        "facts": {},
        "urgent": False,
    }
    events = [
        audit.event_values("received", audit.CITIZEN, created_at=now, channel=data.channel.value),
        audit.event_values(
            "status",
            audit.SYSTEM,
            from_status=ComplaintStatus.RECEIVED.value,
            to_status=ComplaintStatus.REGISTERED.value,
            created_at=now,
        ),
    ]
    attachments = [
        {
            "sha256": file.sha256,
            "size": file.size,
            "content_type": file.content_type,
            "display_name": file.display_name,
            "created_at": now,
        }
        for file in stored
    ]
    recipients = contact_recipients(data.telegram_chat_id, email)
    return _Rows(complaint, events, attachments, recipients)


async def _create(
    engine: AsyncEngine, data: ComplaintInput, stored: list[StoredFile], tracking_number: str, code_hash: str
) -> int:
    """Store the complaint, its audit records, attachments, analysis job and acknowledgement atomically."""
    rows = _rows(data, stored, tracking_number, code_hash)
    if engine.dialect.name == "postgresql":
        return await _create_postgresql(engine, rows, data.region)
    async with engine.begin() as connection:
        return await _create_core(connection, rows, data.region)


async def _create_core(connection: AsyncConnection, rows: _Rows, region: str | None) -> int:
    """SQLite (any database): a few Core inserts in the caller's transaction."""
    tables = Base.metadata.tables
    now = rows.complaint["received_at"]
    values = {**rows.complaint, "stated_region_id": await _region_id(connection, region)}
    complaint_id: int = (
        await connection.execute(sa.insert(Complaint).values(values).returning(Complaint.id))
    ).scalar_one()
    await connection.execute(
        sa.insert(tables["case_events"]), [{**event, "complaint_id": complaint_id} for event in rows.events]
    )
    if rows.attachments:
        await connection.execute(
            sa.insert(tables["attachments"]),
            [{**attachment, "complaint_id": complaint_id} for attachment in rows.attachments],
        )
    jobs = [
        job_values(ANALYSE_JOB, {"complaint_id": complaint_id}, dedupe_key=f"analyse:{complaint_id}", now=now)
    ]
    for channel, recipient in rows.recipients:
        outbox_id = (
            await connection.execute(
                sa.insert(Outbox)
                .values(
                    idempotency_key=notification_key(ACKNOWLEDGEMENT, complaint_id, "", channel),
                    channel=channel,
                    recipient=recipient,
                    template=ACKNOWLEDGEMENT,
                    context={"tracking_number": rows.complaint["tracking_number"]},
                    status=OutboxStatus.PENDING,
                    attempts=0,
                    complaint_id=complaint_id,
                    created_at=now,
                )
                .returning(Outbox.id)
            )
        ).scalar_one()
        jobs.append(
            job_values(NOTIFY_JOB, {"outbox_id": outbox_id}, dedupe_key=f"notify:{outbox_id}", now=now)
        )
    await connection.execute(sa.insert(tables["jobs"]), jobs)
    return complaint_id


# PostgreSQL: the same rows in ONE statement, run on its own (autocommit), so it is one round trip and one
# transaction: a statement commits all of its data-modifying CTEs or none. The region is looked up inside;
# an unknown region inserts nothing and returns no row. The dedupe keys and payloads match `_create_core`
# (the outbox key is `notification_key(ACKNOWLEDGEMENT, id, "", channel)`; a test compares both paths).
_POSTGRESQL_INTAKE = sa.text(
    """
WITH region AS (
    SELECT (
        SELECT id FROM regions WHERE name = CAST(:region AS text) OR code = CAST(:region_code AS text)
        ORDER BY id LIMIT 1
    ) AS id
),
complaint AS (
    INSERT INTO complaints (
        tracking_number, access_code_hash, channel, external_id, text, contact_name, contact_email,
        contact_phone, telegram_chat_id, stated_region_id, stated_employer_name, stated_employer_inn,
        confidential, consent, status, received_at, registered_at, categories, facts, urgent
    )
    SELECT
        CAST(:tracking_number AS text), CAST(:access_code_hash AS text), CAST(:channel AS text),
        CAST(:external_id AS text), CAST(:text AS text), CAST(:contact_name AS text),
        CAST(:contact_email AS text), CAST(:contact_phone AS text), CAST(:telegram_chat_id AS bigint),
        region.id, CAST(:stated_employer_name AS text), CAST(:stated_employer_inn AS text),
        CAST(:confidential AS boolean), CAST(:consent AS boolean), CAST(:status AS text),
        CAST(:now AS timestamp), CAST(:now AS timestamp), CAST('[]' AS json), CAST('{}' AS json), false
    FROM region
    WHERE region.id IS NOT NULL OR CAST(:region AS text) IS NULL
    RETURNING id
),
events AS (
    INSERT INTO case_events (complaint_id, kind, actor, from_status, to_status, data, created_at)
    SELECT complaint.id, e.kind, e.actor, e.from_status, e.to_status, CAST(e.data AS json),
        CAST(:now AS timestamp)
    FROM complaint, unnest(
        CAST(:event_kind AS text[]), CAST(:event_actor AS text[]), CAST(:event_from AS text[]),
        CAST(:event_to AS text[]), CAST(:event_data AS text[])
    ) WITH ORDINALITY AS e(kind, actor, from_status, to_status, data, position)
    ORDER BY e.position
),
attachments AS (
    INSERT INTO attachments (complaint_id, sha256, size, content_type, display_name, created_at)
    SELECT complaint.id, a.sha256, a.size, a.content_type, a.display_name, CAST(:now AS timestamp)
    FROM complaint, unnest(
        CAST(:attachment_sha256 AS text[]), CAST(:attachment_size AS integer[]),
        CAST(:attachment_type AS text[]), CAST(:attachment_name AS text[])
    ) WITH ORDINALITY AS a(sha256, size, content_type, display_name, position)
    ORDER BY a.position
),
outbox AS (
    INSERT INTO outbox (
        idempotency_key, channel, recipient, template, context, status, attempts, complaint_id, created_at
    )
    SELECT CAST(:template AS text) || ':' || complaint.id || '::' || r.channel, r.channel, r.recipient,
        CAST(:template AS text), json_build_object('tracking_number', CAST(:tracking_number AS text)),
        CAST(:outbox_status AS text), 0, complaint.id, CAST(:now AS timestamp)
    FROM complaint, unnest(CAST(:recipient_channel AS text[]), CAST(:recipient AS text[]))
        WITH ORDINALITY AS r(channel, recipient, position)
    ORDER BY r.position
    RETURNING id
),
jobs AS (
    INSERT INTO jobs (kind, payload, dedupe_key, state, attempts, max_attempts, run_at, created_at)
    SELECT CAST(:analyse_job AS text), json_build_object('complaint_id', complaint.id),
        'analyse:' || complaint.id, CAST(:job_state AS text), 0, CAST(:max_attempts AS integer),
        CAST(:now AS timestamp), CAST(:now AS timestamp)
    FROM complaint
    UNION ALL
    SELECT CAST(:notify_job AS text), json_build_object('outbox_id', outbox.id),
        'notify:' || outbox.id, CAST(:job_state AS text), 0, CAST(:max_attempts AS integer),
        CAST(:now AS timestamp), CAST(:now AS timestamp)
    FROM outbox
)
SELECT id FROM complaint
"""
)


# Complaint columns passed to the statement as they are.
_PLAIN_COLUMNS = (
    "tracking_number",
    "access_code_hash",
    "external_id",
    "text",
    "contact_name",
    "contact_email",
    "contact_phone",
    "telegram_chat_id",
    "stated_employer_name",
    "stated_employer_inn",
    "confidential",
    "consent",
)


@functools.cache
def _asyncpg_intake() -> tuple[str, tuple[str, ...]]:
    """The statement in asyncpg's `$n` form and the parameter name of each position."""
    compiled = _POSTGRESQL_INTAKE.compile(dialect=asyncpg_dialect())
    return str(compiled), tuple(compiled.positiontup or ())


async def _create_postgresql(engine: AsyncEngine, rows: _Rows, region: str | None) -> int:
    complaint = rows.complaint
    region_value = region.strip() if region else None
    params: dict[str, Any] = {
        **{key: complaint[key] for key in _PLAIN_COLUMNS},
        "channel": complaint["channel"].value,
        "status": complaint["status"].value,
        "now": complaint["received_at"].astimezone(UTC).replace(tzinfo=None),  # stored as naive UTC
        "region": region_value,
        "region_code": region_value.zfill(2) if region_value else None,
        "event_kind": [event["kind"] for event in rows.events],
        "event_actor": [event["actor"] for event in rows.events],
        "event_from": [event["from_status"] for event in rows.events],
        "event_to": [event["to_status"] for event in rows.events],
        "event_data": [json.dumps(event["data"], ensure_ascii=False) for event in rows.events],
        "attachment_sha256": [attachment["sha256"] for attachment in rows.attachments],
        "attachment_size": [attachment["size"] for attachment in rows.attachments],
        "attachment_type": [attachment["content_type"] for attachment in rows.attachments],
        "attachment_name": [attachment["display_name"] for attachment in rows.attachments],
        "template": ACKNOWLEDGEMENT,
        "outbox_status": OutboxStatus.PENDING.value,
        "recipient_channel": [channel.value for channel, _ in rows.recipients],
        "recipient": [recipient for _, recipient in rows.recipients],
        "analyse_job": ANALYSE_JOB,
        "notify_job": NOTIFY_JOB,
        "job_state": JobState.QUEUED.value,
        "max_attempts": DEFAULT_MAX_ATTEMPTS,
    }
    sql, names = _asyncpg_intake()
    arguments = [params[name] for name in names]
    async with engine.connect() as connection:
        # The pool's connection, used through the driver: outside a transaction, so the statement commits
        # itself, and without SQLAlchemy's per-statement work, which would cost more than the rest of intake.
        driver: Any = (await connection.get_raw_connection()).driver_connection
        try:
            complaint_id = await driver.fetchval(sql, *arguments)
        except UniqueViolationError as exc:  # as SQLAlchemy would report it, for the retry above
            raise IntegrityError(sql, arguments, exc, hide_parameters=True) from exc
        except PostgresError:
            raise  # refused by the server: the connection itself is fine
        except BaseException:
            # Lost, timed out or cancelled mid-statement: the connection must not go back to the pool.
            await connection.invalidate()
            raise
    if complaint_id is None:
        raise IntakeError({"region": REGION_ERROR})
    return int(complaint_id)


def contact_recipients(telegram_chat_id: int | None, email: str | None) -> list[tuple[Channel, str]]:
    """The complainant's own channels: the Telegram chat, then the e-mail given."""
    found: list[tuple[Channel, str]] = []
    if telegram_chat_id is not None:
        found.append((Channel.TELEGRAM, str(telegram_chat_id)))
    if email:
        found.append((Channel.EMAIL, email))
    return found


def notification_key(template: str, complaint_id: int, key: str, channel: Channel) -> str:
    """The outbox idempotency key: one message per template, complaint, occasion and channel."""
    return f"{template}:{complaint_id}:{key}:{channel.value}"


async def recipients(session: AsyncSession, complaint: Complaint) -> list[tuple[Channel, str]]:
    """Where the complainant hears from us: the Telegram chat, the e-mail given, and any subscriptions."""
    found = contact_recipients(complaint.telegram_chat_id, complaint.contact_email)
    if complaint.id is not None:
        rows = await session.execute(
            sa.select(Subscription.channel, Subscription.recipient).where(
                Subscription.complaint_id == complaint.id
            )
        )
        found.extend((channel, recipient) for channel, recipient in rows.all())
    return list(dict.fromkeys(found))  # each recipient once, in order


async def subscribe(session: AsyncSession, complaint: Complaint, channel: Channel, recipient: str) -> bool:
    """Follow a complaint's changes; False when already subscribed."""
    exists = await session.scalar(
        sa.select(Subscription.id).where(
            Subscription.complaint_id == complaint.id,
            Subscription.channel == channel,
            Subscription.recipient == recipient,
        )
    )
    if exists is not None:
        return False
    session.add(Subscription(complaint_id=complaint.id, channel=channel, recipient=recipient))
    await audit.record(session, "subscribed", audit.CITIZEN, complaint=complaint, channel=channel.value)
    return True


async def queue_notification(
    session: AsyncSession,
    complaint: Complaint,
    template: str,
    context: dict[str, object],
    *,
    key: str = "",
) -> None:
    """An outbox row per recipient plus a delivery job; the key makes a repeated call add nothing."""
    for channel, recipient in await recipients(session, complaint):
        idempotency_key = notification_key(template, complaint.id, key, channel)
        exists = await session.scalar(sa.select(Outbox.id).where(Outbox.idempotency_key == idempotency_key))
        if exists is not None:
            continue
        outbox = Outbox(
            idempotency_key=idempotency_key,
            channel=channel,
            recipient=recipient,
            template=template,
            context=dict(context),
            complaint_id=complaint.id,
        )
        session.add(outbox)
        await session.flush()
        await enqueue(session, NOTIFY_JOB, {"outbox_id": outbox.id}, dedupe_key=f"notify:{outbox.id}")


async def find_complaint(session: AsyncSession, tracking_number: str, access_code: str) -> Complaint | None:
    """The complaint for a number and code; a wrong code is indistinguishable from an unknown number."""
    complaint = await session.scalar(
        sa.select(Complaint).where(Complaint.tracking_number == normalise_tracking_number(tracking_number))
    )
    code = normalise_access_code(access_code)
    if complaint is None:
        hash_access_code(code)  # the same work either way: no timing oracle for valid numbers
        return None
    return complaint if verify_access_code(complaint.access_code_hash, code) else None
