"""Intake: every channel files a complaint through here, so a complaint is the same whatever its channel.

A complaint is stored and registered in one transaction together with its analysis job and the
acknowledgement, so nothing is lost between them: either all exist or none.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from portal import audit
from portal.attachments import AttachmentRejected, IncomingFile, StoredFile, check_file, store_file
from portal.jobs import enqueue
from portal.models import Attachment, Channel, Complaint, Outbox, Region, Subscription, utcnow
from portal.security import hash_access_code, new_access_code, normalise_access_code, verify_access_code
from portal.states import ComplaintStatus

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


def _tracking_number() -> str:
    """`26-483920-7`: year, six random digits and a Luhn check digit that catches a mistyped digit."""
    body = f"{utcnow():%y}{secrets.randbelow(10**6):06d}"
    total = 0
    for index, digit in enumerate(reversed(body)):
        value = int(digit) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return f"{body[:2]}-{body[2:]}-{(10 - total % 10) % 10}"


def normalise_tracking_number(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    return f"{digits[:2]}-{digits[2:8]}-{digits[8:]}" if len(digits) == 9 else value.strip()


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


async def _region_id(session: AsyncSession, region: str | None) -> int | None:
    if not region:
        return None
    value = region.strip()
    found = await session.scalar(
        sa.select(Region.id).where(sa.or_(Region.name == value, Region.code == value.zfill(2)))
    )
    if found is None:
        raise IntakeError({"region": "Выберите регион из списка."})
    return found


async def _existing(session: AsyncSession, channel: Channel, external_id: str) -> Complaint | None:
    return await session.scalar(
        sa.select(Complaint).where(Complaint.channel == channel, Complaint.external_id == external_id)
    )


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
    for _attempt in range(5):
        try:
            async with sessions.begin() as session:
                complaint = await _create(session, data, stored, code_hash)
                return IntakeResult(complaint.id, complaint.tracking_number, access_code, complaint.status)
        except IntegrityError:
            if data.external_id:  # the same message arrived twice at the same moment
                async with sessions() as session:
                    existing = await _existing(session, data.channel, data.external_id)
                if existing is not None:
                    return IntakeResult(existing.id, existing.tracking_number, None, existing.status, True)
            # otherwise a tracking-number collision: draw another
    raise RuntimeError("could not allocate a tracking number")


async def _create(
    session: AsyncSession, data: ComplaintInput, stored: list[StoredFile], code_hash: str
) -> Complaint:
    now = utcnow()
    complaint = Complaint(
        tracking_number=_tracking_number(),
        access_code_hash=code_hash,
        channel=data.channel,
        external_id=data.external_id,
        text=data.text,
        contact_name=_clean(data.contact_name, 200),
        contact_email=_clean(data.contact_email, 254),
        contact_phone=_clean(data.contact_phone, 32),
        telegram_chat_id=data.telegram_chat_id,
        stated_region_id=await _region_id(session, data.region),
        stated_employer_name=_clean(data.employer_name, 300),
        stated_employer_inn=_clean(data.employer_inn, 12),
        confidential=data.confidential,
        consent=data.consent,
        status=ComplaintStatus.RECEIVED,
        received_at=now,
    )
    # 59-ФЗ: registration is automatic at intake, so the legal terms start now. The complaint is stored
    # already registered (one INSERT, no UPDATE); the log still shows both steps.
    complaint.registered_at = now
    complaint.status = ComplaintStatus.REGISTERED  # the state machine checks received -> registered
    session.add(complaint)
    await session.flush()
    await audit.record(session, "received", audit.CITIZEN, complaint=complaint, channel=data.channel.value)
    await audit.record(
        session,
        "status",
        audit.SYSTEM,
        complaint=complaint,
        from_status=ComplaintStatus.RECEIVED.value,
        to_status=ComplaintStatus.REGISTERED.value,
    )
    for file in stored:
        session.add(
            Attachment(
                complaint_id=complaint.id,
                sha256=file.sha256,
                size=file.size,
                content_type=file.content_type,
                display_name=file.display_name,
            )
        )
    await enqueue(session, ANALYSE_JOB, {"complaint_id": complaint.id}, dedupe_key=f"analyse:{complaint.id}")
    await queue_notification(
        session,
        complaint,
        "acknowledgement",
        {"tracking_number": complaint.tracking_number},
        new_complaint=True,
    )
    return complaint


async def recipients(
    session: AsyncSession, complaint: Complaint, *, new_complaint: bool = False
) -> list[tuple[Channel, str]]:
    """Where the complainant hears from us: the Telegram chat, the e-mail given, and any subscriptions."""
    found: list[tuple[Channel, str]] = []
    if complaint.telegram_chat_id is not None:
        found.append((Channel.TELEGRAM, str(complaint.telegram_chat_id)))
    if complaint.contact_email:
        found.append((Channel.EMAIL, complaint.contact_email))
    if complaint.id is not None and not new_complaint:  # nobody can have subscribed to a new complaint yet
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


NOTIFY_JOB = "deliver_notification"


async def queue_notification(
    session: AsyncSession,
    complaint: Complaint,
    template: str,
    context: dict[str, object],
    *,
    key: str = "",
    new_complaint: bool = False,
) -> None:
    """An outbox row per recipient plus a delivery job; the key makes a repeated call add nothing.

    `new_complaint`: created in this transaction, so it has no subscriptions and no outbox rows yet
    (intake skips those look-ups; the unique idempotency key still guards against a double insert).
    """
    for channel, recipient in await recipients(session, complaint, new_complaint=new_complaint):
        idempotency_key = f"{template}:{complaint.id}:{key}:{channel.value}"
        if not new_complaint:
            exists = await session.scalar(
                sa.select(Outbox.id).where(Outbox.idempotency_key == idempotency_key)
            )
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
