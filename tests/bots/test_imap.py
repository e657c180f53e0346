"""The IMAP poller against a real IMAP server: dovecot, started here on a loopback port with its own config."""

from __future__ import annotations

import asyncio
import imaplib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa

from bots.mail.imap import ImapPoller
from bots.mail.inbound import MailIntake
from bots.testing import MailSink
from portal.container import Container
from portal.models import Channel, Complaint

USER, PASSWORD = "inbox", "secret-test-password"
TEXT = "Работодатель заставляет работать по выходным без оплаты, уже пятый месяц подряд."

CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{root}/home/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


@dataclass
class Dovecot:
    port: int


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)
    if binary is None:
        pytest.skip("dovecot is not installed (./scripts/setup installs it as root): IMAP test skipped")
    root = Path(tempfile.mkdtemp(prefix="trudnadzor-dovecot-"))
    root.chmod(0o755)
    uid, gid = os.getuid(), os.getgid()
    if uid == 0:  # dovecot will not serve mail as root: use an unprivileged account
        uid = gid = 65534
    (root / "home" / USER).mkdir(parents=True)
    if os.getuid() == 0:
        os.chown(root / "home" / USER, uid, gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    port = _free_port()
    config = root / "dovecot.conf"
    config.write_text(CONFIG.format(root=root, uid=uid, gid=gid, port=port))
    process = subprocess.Popen(
        [binary, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
    if process.poll() is not None:
        log = (
            (root / "dovecot.log").read_text(errors="replace")[-800:]
            if (root / "dovecot.log").exists()
            else ""
        )
        error = process.stderr.read().decode(errors="replace")[-800:] if process.stderr else ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"dovecot did not start: {error or log}")
    try:
        yield Dovecot(port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(root, ignore_errors=True)


def append(port: int, message: EmailMessage) -> None:
    client = imaplib.IMAP4("127.0.0.1", port)
    try:
        client.login(USER, PASSWORD)
        client.append("INBOX", "", imaplib.Time2Internaldate(time.time()), message.as_bytes())
    finally:
        client.logout()


def unseen(port: int) -> int:
    client = imaplib.IMAP4("127.0.0.1", port)
    try:
        client.login(USER, PASSWORD)
        client.select("INBOX")
        _, data = client.search(None, "UNSEEN")
        return len(data[0].split())
    finally:
        client.logout()


def letter(n: int, **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"worker{n}@mail.example"
    message["To"] = USER
    message["Subject"] = "Переработки"
    message["Message-ID"] = f"<imap-{n}@mail.example>"
    for name, value in headers.items():
        message[name] = value
    message.set_content(TEXT, charset="utf-8")
    return message


async def test_the_poller_files_unseen_letters_once(
    dovecot: Dovecot, container: Container, mail_sink: MailSink, run_jobs: Callable[[], Awaitable[int]]
) -> None:
    await asyncio.to_thread(append, dovecot.port, letter(1))
    await asyncio.to_thread(append, dovecot.port, letter(2, **{"Auto-Submitted": "auto-replied"}))
    intake = MailIntake.from_settings(container.sessions, container.settings)
    poller = ImapPoller(intake, "127.0.0.1", dovecot.port, USER, PASSWORD, ssl=False)

    assert await poller.poll_once() == 2
    assert await asyncio.to_thread(unseen, dovecot.port) == 0
    assert await poller.poll_once() == 0  # seen letters are not fetched again
    await asyncio.to_thread(append, dovecot.port, letter(1))  # the same letter delivered again
    assert await poller.poll_once() == 1

    async with container.sessions() as session:
        filed = (await session.scalars(sa.select(Complaint))).all()
    assert [(c.channel, c.external_id, c.contact_email) for c in filed] == [
        (Channel.EMAIL, "<imap-1@mail.example>", "worker1@mail.example")
    ]
    await run_jobs()
    assert len(mail_sink.to("worker1@mail.example")) == 1 and mail_sink.to("worker2@mail.example") == []
