"""The `deliver_notification` job: send one outbox row by e-mail or Telegram, once.

Guarantee (a job may run twice; the worker may die at any point):
- Before sending, the row is *claimed*: `attempts` is incremented and `last_error` set to a
  "sending since …" marker, committed. After the send the row becomes SENT in its own commit.
  A send that fails cleanly (an exception) clears the claim, records the error and raises, so the
  queue retries with backoff; a permanent refusal (unknown chat, blocked bot, recipient refused)
  marks the row FAILED and is not retried.
- A retry that finds a claim older than the job lease means the previous worker died between
  sending and recording it: the outcome is unknown.
  * E-mail is sent again with the SAME Message-ID (derived from the idempotency key), so a receiver
    that deduplicates by Message-ID (our sink; most mail stores) shows it once: at-least-once
    transport, exactly-once display.
  * Telegram has no idempotency key, so the row is marked FAILED ("outcome unknown") for an operator
    instead of risking a duplicate: at-most-once in that window only.
- A claim younger than the lease belongs to a worker still sending: the job is retried later.
- With MAIL_DIR set instead of SMTP (development, demos) each letter is written there as an .eml file
  named after its Message-ID, so a resend overwrites the same file.
- Without SMTP settings (or a bot token) rows stay PENDING with a clear `last_error` and the job
  retries with backoff; nothing is dropped silently.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bots.render import email_text, render, telegram_text
from portal.jobs import RetryLater
from portal.models import Channel, Outbox, OutboxStatus, utcnow
from portal.settings import Settings

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

NOTIFY_JOB = "deliver_notification"
CLAIM_PREFIX = "sending since "
SMTP_MISSING = (
    "SMTP не настроен: задайте SMTP_HOST (и SMTP_PORT, SMTP_USER, SMTP_PASSWORD) / SMTP not configured"
)
TOKEN_MISSING = "Telegram-бот не настроен: задайте TELEGRAM_BOT_TOKEN / bot token not configured"
UNKNOWN_OUTCOME = "outcome unknown: the worker stopped while sending; not resent to avoid a duplicate"
# Context keys that must not stay in the database after the message is out.
SECRET_KEYS = ("access_code",)


class PermanentFailure(Exception):
    """The recipient refused for good (unknown chat, blocked bot, mailbox refused): do not retry."""


class EmailTransport(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class TelegramTransport(Protocol):
    async def send(self, chat_id: str, text: str) -> None: ...


def message_id(idempotency_key: str, mail_from: str) -> str:
    """The same outbox row always has the same Message-ID, so a resend after a crash can be deduplicated."""
    domain = mail_from.rsplit("@", 1)[-1] or "trudnadzor.local"
    return f"<{hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]}.notify@{domain}>"


class SmtpTransport:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, message: EmailMessage) -> None:
        import aiosmtplib

        settings = self.settings
        assert settings.smtp_host is not None
        try:
            await aiosmtplib.send(
                message,
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_user,
                password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
                start_tls=settings.smtp_starttls,
                use_tls=settings.smtp_port == 465,
                timeout=30,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise PermanentFailure("recipient refused") from exc
        except aiosmtplib.SMTPResponseException as exc:
            if 500 <= exc.code < 600:
                raise PermanentFailure(f"SMTP {exc.code}") from exc
            raise


class BotTransport:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: str, text: str) -> None:
        from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter

        try:
            await self.bot.send_message(chat_id=int(chat_id), text=text, disable_web_page_preview=True)
        except TelegramForbiddenError as exc:
            raise PermanentFailure("bot blocked or chat closed") from exc
        except TelegramBadRequest as exc:
            raise PermanentFailure("bad request (e.g. chat not found)") from exc
        except TelegramRetryAfter as exc:
            raise RetryLater(f"Telegram flood control: retry after {exc.retry_after} s") from exc


class MailDirTransport:
    """Writes each letter to a folder as `<message-id>.eml` (atomically) instead of sending it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        # The Message-ID is ours (see message_id): hex and a domain; keep only safe characters anyway.
        stem = "".join(ch for ch in str(message["Message-ID"]) if ch.isalnum() or ch in ".-_@") or "letter"
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            file.write(message.as_bytes())
        os.replace(temporary, self.folder / f"{stem}.eml")


@dataclass
class Notifier:
    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    email: EmailTransport | None = None
    telegram: TelegramTransport | None = None
    # A claim older than this is from a worker that died (the job lease is the same length).
    claim_timeout: timedelta | None = None
    _owned_bot: Any = None

    def __post_init__(self) -> None:
        if self.email is None and self.settings.smtp_host:
            self.email = SmtpTransport(self.settings)
        elif self.email is None and self.settings.mail_dir is not None:
            self.email = MailDirTransport(self.settings.mail_dir)
        if self.claim_timeout is None:
            self.claim_timeout = timedelta(seconds=self.settings.job_visibility_timeout_seconds)

    def _telegram(self) -> TelegramTransport | None:
        if self.telegram is None and self.settings.telegram_bot_token is not None:
            from aiogram import Bot

            self._owned_bot = Bot(self.settings.telegram_bot_token.get_secret_value())
            self.telegram = BotTransport(self._owned_bot)
        return self.telegram

    async def close(self) -> None:
        if self._owned_bot is not None:
            await self._owned_bot.session.close()

    async def handle(self, payload: dict[str, Any]) -> None:
        await self.deliver(int(payload["outbox_id"]))

    async def deliver(self, outbox_id: int) -> None:
        async with self.sessions() as session:
            row = await session.get(Outbox, outbox_id)
        if row is None or row.status != OutboxStatus.PENDING:
            return  # sent already (a repeated job) or failed for good
        transport_missing = (row.channel == Channel.EMAIL and self.email is None) or (
            row.channel == Channel.TELEGRAM and self._telegram() is None
        )
        if transport_missing:
            error = SMTP_MISSING if row.channel == Channel.EMAIL else TOKEN_MISSING
            await self._update(outbox_id, last_error=error)
            raise RetryLater(error)
        if row.channel not in (Channel.EMAIL, Channel.TELEGRAM):
            await self._finish(outbox_id, OutboxStatus.FAILED, f"no transport for channel {row.channel}")
            return

        if not await self._claim(row):
            return
        # Read again after the claim: until then intake may still add to the context (the e-mail access code).
        async with self.sessions() as session:
            claimed = await session.get(Outbox, outbox_id)
        assert claimed is not None
        row = claimed
        try:
            rendered = render(row.template, row.context, public_base_url=self.settings.public_base_url)
        except Exception as exc:  # an unknown template or a broken one: visible on the row, retried
            await self._update(outbox_id, last_error=f"template {row.template!r}: {type(exc).__name__}"[:500])
            raise

        try:
            if row.channel == Channel.EMAIL:
                assert self.email is not None
                await self.email.send(self._email(row, rendered.subject, rendered.body))
            else:
                assert self.telegram is not None
                await self.telegram.send(row.recipient, telegram_text(rendered))
        except PermanentFailure as exc:
            await self._finish(outbox_id, OutboxStatus.FAILED, str(exc))
            log.warning("outbox %s (%s, %s) failed permanently", outbox_id, row.template, row.channel.value)
            return
        except Exception as exc:
            # The type only: exception messages of mail servers may quote the address.
            await self._update(outbox_id, last_error=f"send failed: {type(exc).__name__}"[:500])
            raise
        await self._finish(outbox_id, OutboxStatus.SENT, None)

    async def _claim(self, row: Outbox) -> bool:
        """Record the attempt before sending; False when there is nothing to send now."""
        now = utcnow()
        claim = f"{CLAIM_PREFIX}{now.isoformat()}"
        not_claimed = sa.or_(Outbox.last_error.is_(None), sa.not_(Outbox.last_error.startswith(CLAIM_PREFIX)))
        if await self._update(row.id, not_claimed, attempts=Outbox.attempts + 1, last_error=claim):
            return True
        async with self.sessions() as session:
            current = await session.get(Outbox, row.id)
        if current is None or current.status != OutboxStatus.PENDING:
            return False
        previous = current.last_error or ""
        started = _claim_time(previous)
        assert self.claim_timeout is not None
        if started is not None and now - started < self.claim_timeout:
            raise RetryLater("another worker is sending this notification")
        # The previous attempt died mid-send.
        if row.channel == Channel.TELEGRAM:
            await self._finish(row.id, OutboxStatus.FAILED, UNKNOWN_OUTCOME)
            log.warning("outbox %s: previous send interrupted, not resent (telegram)", row.id)
            return False
        return await self._update(
            row.id, Outbox.last_error == previous, attempts=Outbox.attempts + 1, last_error=claim
        )

    def _email(self, row: Outbox, subject: str, body: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = row.recipient
        message["Subject"] = subject
        message["Message-ID"] = message_id(row.idempotency_key, self.settings.mail_from)
        message["Date"] = format_datetime(utcnow())
        # RFC 3834: auto-responders must not answer us, which keeps mail loops out.
        message["Auto-Submitted"] = "auto-generated"
        in_reply_to = row.context.get("in_reply_to")
        if in_reply_to:
            message["In-Reply-To"] = in_reply_to
            message["References"] = in_reply_to
        message.set_content(email_text(body, row.context, public_base_url=self.settings.public_base_url))
        return message

    async def _update(self, outbox_id: int, *conditions: Any, **values: Any) -> bool:
        async with self.sessions.begin() as session:
            result = await session.execute(
                sa.update(Outbox)
                .where(Outbox.id == outbox_id, Outbox.status == OutboxStatus.PENDING, *conditions)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
        return bool(getattr(result, "rowcount", 0))

    async def _finish(self, outbox_id: int, status: OutboxStatus, error: str | None) -> None:
        async with self.sessions.begin() as session:
            row = await session.get(Outbox, outbox_id)
            if row is None or row.status != OutboxStatus.PENDING:
                return
            row.status = status
            row.last_error = error
            if status == OutboxStatus.SENT:
                row.sent_at = utcnow()
            if any(key in row.context for key in SECRET_KEYS):
                row.context = {k: v for k, v in row.context.items() if k not in SECRET_KEYS}


def _claim_time(marker: str) -> datetime | None:
    if not marker.startswith(CLAIM_PREFIX):
        return None
    try:
        return datetime.fromisoformat(marker.removeprefix(CLAIM_PREFIX))
    except ValueError:
        return None
