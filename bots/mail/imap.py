"""IMAP poller (aioimaplib): files unseen letters of a mailbox, then marks them seen.

A letter is marked \\Seen only after it is filed; a crash in between files it again on the next poll,
which intake turns into the same complaint (Message-ID), so nothing is lost or doubled.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import aioimaplib

from bots.mail.inbound import MailIntake
from portal.settings import Settings

log = logging.getLogger(__name__)


class ImapError(RuntimeError):
    pass


@dataclass
class ImapPoller:
    intake: MailIntake
    host: str
    port: int
    user: str
    password: str
    mailbox: str = "INBOX"
    ssl: bool = True
    interval_seconds: float = 60.0

    @classmethod
    def from_settings(
        cls, intake: MailIntake, settings: Settings, interval_seconds: float = 60.0
    ) -> ImapPoller:
        if not (settings.imap_host and settings.imap_user and settings.imap_password):
            raise ImapError("IMAP_HOST, IMAP_USER and IMAP_PASSWORD are required")
        return cls(
            intake,
            settings.imap_host,
            settings.imap_port,
            settings.imap_user,
            settings.imap_password.get_secret_value(),
            settings.imap_mailbox,
            ssl=settings.imap_port == 993,  # 993 is IMAPS; other ports (143, tests) speak plain IMAP
            interval_seconds=interval_seconds,
        )

    async def poll_once(self) -> int:
        """File every unseen letter; return how many were processed."""
        if self.ssl:
            client: aioimaplib.IMAP4 = aioimaplib.IMAP4_SSL(host=self.host, port=self.port, timeout=30)
        else:
            client = aioimaplib.IMAP4(host=self.host, port=self.port, timeout=30)
        await client.wait_hello_from_server()
        try:
            _check(await client.login(self.user, self.password), "login")
            _check(await client.select(self.mailbox), "select")
            found = _check(await client.uid_search("UNSEEN", charset=None), "search")
            uids = [uid for line in found.lines[:1] for uid in _text(line).split() if uid.isdigit()]
            processed = 0
            for uid in uids:
                response = _check(await client.uid("fetch", uid, "(BODY.PEEK[])"), "fetch")
                raw = next((bytes(line) for line in response.lines if isinstance(line, bytearray)), None)
                if raw is None:
                    continue
                try:
                    await self.intake.receive(raw)
                except Exception as exc:  # left unseen: retried on the next poll
                    log.error("imap: letter %s not filed: %s", uid, type(exc).__name__)
                    continue
                _check(await client.uid("store", uid, "+FLAGS", "(\\Seen)"), "store")
                processed += 1
            return processed
        finally:
            try:
                await client.logout()
            except Exception:  # the connection may already be gone
                pass

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                count = await self.poll_once()
                if count:
                    log.info("imap: %s letters processed", count)
            except Exception as exc:
                log.error("imap poll failed: %s", type(exc).__name__)
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.interval_seconds)
            except TimeoutError:
                pass


def _check(response: aioimaplib.Response, what: str) -> aioimaplib.Response:
    if response.result != "OK":
        raise ImapError(f"IMAP {what} failed: {response.result}")
    return response


def _text(line: bytes | bytearray | str) -> str:
    return line.decode(errors="replace") if isinstance(line, bytes | bytearray) else line
