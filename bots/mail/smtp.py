"""SMTP receiver (aiosmtpd) for an MTA to deliver complaint mail to, in the running event loop."""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

from aiosmtpd.smtp import SMTP

from bots.mail.inbound import MailIntake

log = logging.getLogger(__name__)
# aiosmtpd logs every SMTP command at INFO, addresses included (MAIL FROM, RCPT TO): personal data.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class IntakeHandler:
    def __init__(self, intake: MailIntake) -> None:
        self.intake = intake

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd API)
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        try:
            await self.intake.receive(raw, envelope_sender=envelope.mail_from)
        except Exception as exc:
            # A temporary refusal: the MTA keeps the letter and retries; Message-ID keeps it one complaint.
            log.error("mail intake failed: %s", type(exc).__name__)
            return "451 4.3.0 Temporary failure, please try again later"
        return "250 2.0.0 Message accepted"


async def start_smtp_server(intake: MailIntake, host: str, port: int) -> asyncio.Server:
    handler = IntakeHandler(intake)
    # Room for the allowed attachments, base64-encoded (+37 %), and the text.
    limit = int(intake.uploads.max_files * intake.uploads.max_bytes * 1.4) + 1024 * 1024
    loop = asyncio.get_running_loop()
    # Without a host name aiosmtpd calls socket.getfqdn() for every connection, on the event loop: a slow
    # resolver would stall the whole process (and any open SQLite transaction with it). Look it up once.
    hostname = await asyncio.to_thread(socket.getfqdn)
    return await loop.create_server(
        lambda: SMTP(
            handler,
            hostname=hostname,
            data_size_limit=limit,
            enable_SMTPUTF8=True,
            ident="Trudnadzor intake",
        ),
        host=host,
        port=port,
    )
