"""Incoming e-mail to complaints: one letter (one Message-ID) is one complaint, answered once.

Shared by the SMTP receiver and the IMAP poller. Machine mail (auto-replies, bounces, lists) is neither
filed nor answered, which keeps mail loops out. Sending a complaint by e-mail is taken as consent to
process it (59-ФЗ: the personal data are needed to consider the appeal).
"""

from __future__ import annotations

import enum
import hashlib
import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bots.channels import Uploads, file_complaint
from bots.mail.parse import ParsedMail, parse_mail
from bots.notify import CLAIM_PREFIX, NOTIFY_JOB
from portal.intake import EMAIL_RE, ComplaintInput, IntakeError, IntakeResult
from portal.jobs import enqueue
from portal.models import Channel, Outbox, OutboxStatus
from portal.settings import Settings

log = logging.getLogger(__name__)


class MailOutcome(enum.StrEnum):
    FILED = "filed"
    DUPLICATE = "duplicate"
    AUTOMATIC = "automatic"  # auto-reply, bounce, list: ignored
    NOT_ACCEPTED = "not_accepted"  # answered with the reasons


@dataclass
class MailIntake:
    sessions: async_sessionmaker[AsyncSession]
    uploads: Uploads

    @classmethod
    def from_settings(cls, sessions: async_sessionmaker[AsyncSession], settings: Settings) -> MailIntake:
        return cls(sessions, Uploads.from_settings(settings))

    async def receive(self, raw: bytes, *, envelope_sender: str | None = None) -> MailOutcome:
        limits = self.uploads
        mail = parse_mail(
            raw, max_files=limits.max_files, max_bytes=limits.max_bytes, envelope_sender=envelope_sender
        )
        if mail.automatic:
            log.info("mail ignored: %s", mail.automatic)
            return MailOutcome.AUTOMATIC
        data = ComplaintInput(
            text=mail.text,
            channel=Channel.EMAIL,
            consent=True,
            external_id=mail.external_id,
            contact_name=mail.sender_name,
            contact_email=mail.sender,
            attachments=mail.attachments,
        )
        try:
            result = await file_complaint(self.sessions, data, self.uploads)
        except IntakeError as exc:
            await self._not_accepted(mail, list(exc.errors.values()))
            log.info("mail not accepted: %s", ", ".join(sorted(exc.errors)))
            return MailOutcome.NOT_ACCEPTED
        if result.duplicate:
            return MailOutcome.DUPLICATE
        await self._send_access_code(mail, result)
        log.info("mail filed as complaint %s", result.complaint_id)
        return MailOutcome.FILED

    async def _send_access_code(self, mail: ParsedMail, result: IntakeResult) -> None:
        """The reply carries the access code: put it into the pending acknowledgement, or send it apart.

        The code is known only now (intake keeps its hash), so it is added to the acknowledgement intake
        queued, unless a worker already picked that up; then a separate `access_code` letter goes out.
        Either way the code leaves the outbox row once the message is sent.
        """
        extra: dict[str, object] = {"access_code": result.access_code}
        if mail.rejected:
            extra["rejected_files"] = [{"name": r.name, "reason": r.reason} for r in mail.rejected]
        if mail.message_id:
            extra["in_reply_to"] = mail.message_id
        context = {"tracking_number": result.tracking_number, **extra}
        async with self.sessions.begin() as session:
            updated = await session.execute(
                sa.update(Outbox)
                .where(
                    Outbox.complaint_id == result.complaint_id,
                    Outbox.template == "acknowledgement",
                    Outbox.channel == Channel.EMAIL,
                    Outbox.status == OutboxStatus.PENDING,
                    Outbox.attempts == 0,
                    sa.or_(Outbox.last_error.is_(None), sa.not_(Outbox.last_error.startswith(CLAIM_PREFIX))),
                )
                .values(context=context)
                .execution_options(synchronize_session=False)
            )
            if getattr(updated, "rowcount", 0):
                return
            assert mail.sender is not None
            await queue_outbox(
                session,
                key=f"access_code:{result.complaint_id}:email",
                recipient=mail.sender,
                template="access_code",
                context=context,
                complaint_id=result.complaint_id,
            )

    async def _not_accepted(self, mail: ParsedMail, errors: list[str]) -> None:
        if not mail.sender or not EMAIL_RE.match(mail.sender):
            return  # nowhere to answer
        digest = hashlib.sha256(mail.external_id.encode()).hexdigest()[:40]
        context: dict[str, object] = {"errors": errors, "subject": mail.subject[:200]}
        if mail.message_id:
            context["in_reply_to"] = mail.message_id
        try:
            async with self.sessions.begin() as session:
                await queue_outbox(
                    session,
                    key=f"mail_not_accepted:{digest}",
                    recipient=mail.sender,
                    template="mail_not_accepted",
                    context=context,
                )
        except IntegrityError:
            pass  # the same letter arrived twice at once: one answer is queued


async def queue_outbox(
    session: AsyncSession,
    *,
    key: str,
    recipient: str,
    template: str,
    context: dict[str, object],
    complaint_id: int | None = None,
) -> None:
    """An outbox row and its delivery job, like the core's notifications; a repeated key adds nothing."""
    if await session.scalar(sa.select(Outbox.id).where(Outbox.idempotency_key == key)) is not None:
        return
    row = Outbox(
        idempotency_key=key,
        channel=Channel.EMAIL,
        recipient=recipient,
        template=template,
        context=context,
        complaint_id=complaint_id,
    )
    session.add(row)
    await session.flush()
    await enqueue(session, NOTIFY_JOB, {"outbox_id": row.id}, dedupe_key=f"notify:{row.id}")
