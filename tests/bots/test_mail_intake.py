"""E-mail in: real SMTP to the receiver (smtplib), complaints filed once, answered once, machines ignored."""

from __future__ import annotations

import asyncio
import re
import smtplib
from collections.abc import AsyncIterator, Awaitable, Callable
from email.message import EmailMessage

import pytest
import sqlalchemy as sa

from bots.mail.inbound import MailIntake
from bots.mail.smtp import start_smtp_server
from bots.testing import MailSink
from portal.container import Container
from portal.intake import find_complaint
from portal.models import Attachment, Channel, Complaint, Outbox

TEXT = "Здравствуйте. Нам третий месяц не платят зарплату на складе в Екатеринбурге, долг около 90 тысяч."
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
async def smtp_port(container: Container) -> AsyncIterator[int]:
    intake = MailIntake.from_settings(container.sessions, container.settings)
    server = await start_smtp_server(intake, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


def letter(
    message_id: str = "<w1@mail.example>", sender: str = "Пётр Сидоров <petr@mail.example>"
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "complaints@git66.example"
    message["Subject"] = "Невыплата зарплаты"
    message["Message-ID"] = message_id
    message.set_content(TEXT + "\n\n> Ранее: ваше письмо\n-- \nПётр")
    return message


async def send(port: int, message: EmailMessage) -> None:
    def run() -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            client.send_message(message)

    await asyncio.to_thread(run)


async def complaints(container: Container) -> list[Complaint]:
    async with container.sessions() as session:
        return list((await session.scalars(sa.select(Complaint))).all())


async def test_a_letter_becomes_one_complaint_and_gets_one_reply_with_the_code(
    container: Container, smtp_port: int, mail_sink: MailSink, run_jobs: Callable[[], Awaitable[int]]
) -> None:
    message = letter()
    message.add_attachment(PNG, maintype="image", subtype="png", filename="ведомость.png")
    message.add_attachment(
        b"MZ\x90\x00" + b"\x00" * 64, maintype="application", subtype="octet-stream", filename="program.exe"
    )
    await send(smtp_port, message)
    await send(smtp_port, message)  # the MTA retried: same Message-ID

    [complaint] = await complaints(container)
    assert complaint.channel == Channel.EMAIL and complaint.external_id == "<w1@mail.example>"
    assert complaint.contact_email == "petr@mail.example" and complaint.contact_name == "Пётр Сидоров"
    assert TEXT in complaint.text and "> Ранее: ваше письмо" in complaint.text and complaint.consent
    async with container.sessions() as session:
        attachments = (await session.scalars(sa.select(Attachment))).all()
    assert [a.display_name for a in attachments] == ["ведомость.png"]

    await run_jobs()
    await run_jobs()
    [reply] = mail_sink.to("petr@mail.example")
    assert mail_sink.deliveries == 1
    body = reply.get_content()
    assert complaint.tracking_number in str(reply["Subject"]) and reply["In-Reply-To"] == "<w1@mail.example>"
    assert reply["Auto-Submitted"] == "auto-generated"
    assert "program.exe" in body and "ведомость.png" not in body
    code = re.search(r"Код доступа: (\w+)", body)
    assert code is not None
    async with container.sessions() as session:
        assert (await find_complaint(session, complaint.tracking_number, code.group(1))) is not None
        row = (await session.scalars(sa.select(Outbox))).one()
    assert "access_code" not in row.context  # not kept once sent


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Auto-Submitted", "auto-replied"),
        ("Precedence", "bulk"),
        ("X-Autoreply", "yes"),
        ("From", "MAILER-DAEMON@mx.example"),
    ],
)
async def test_machine_mail_is_neither_filed_nor_answered(
    container: Container, smtp_port: int, header: str, value: str
) -> None:
    message = letter()
    if header == "From":
        message.replace_header("From", value)
    else:
        message[header] = value
    await send(smtp_port, message)
    assert await complaints(container) == []
    async with container.sessions() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Outbox)) == 0


async def test_a_letter_that_cannot_be_a_complaint_is_answered_with_the_reason(
    container: Container, smtp_port: int, mail_sink: MailSink, run_jobs: Callable[[], Awaitable[int]]
) -> None:
    message = EmailMessage()
    message["From"] = "ivan@mail.example"
    message["To"] = "complaints@git66.example"
    message["Subject"] = "?"
    message["Message-ID"] = "<short@mail.example>"
    message.set_content("помогите")
    await send(smtp_port, message)
    await send(smtp_port, message)
    assert await complaints(container) == []
    await run_jobs()
    [reply] = mail_sink.to("ivan@mail.example")
    assert "не смогли зарегистрировать" in reply.get_content() and "подробнее" in reply.get_content()


async def test_koi8_letter_over_smtp(container: Container, smtp_port: int) -> None:
    raw = (
        "From: anna@mail.example\r\nSubject: =?koi8-r?B?"
        + __import__("base64").b64encode("Жалоба".encode("koi8-r")).decode()
        + "?=\r\nMessage-ID: <koi@mail.example>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode() + TEXT.encode("koi8-r")

    def run() -> None:
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=30) as client:
            client.sendmail("anna@mail.example", ["complaints@git66.example"], raw)

    await asyncio.to_thread(run)
    [complaint] = await complaints(container)
    assert complaint.text.startswith("Жалоба") and TEXT in complaint.text


async def test_the_code_goes_in_a_separate_letter_when_the_acknowledgement_was_already_taken(
    container: Container, mail_sink: MailSink, run_jobs: Callable[[], Awaitable[int]]
) -> None:
    from bots.mail.parse import parse_mail
    from portal.intake import ComplaintInput, submit_complaint

    mail = parse_mail(letter("<race@mail.example>").as_bytes(), max_files=5, max_bytes=10**6)
    result = await submit_complaint(
        container.sessions,
        ComplaintInput(
            text=mail.text,
            channel=Channel.EMAIL,
            consent=True,
            external_id=mail.external_id,
            contact_email=mail.sender,
        ),
        upload_dir=container.settings.uploads_path,
    )
    async with container.sessions.begin() as session:  # a worker claimed the acknowledgement meanwhile
        await session.execute(
            sa.update(Outbox).values(attempts=1, last_error="sending since 2026-01-01T00:00:00+00:00")
        )
    intake = MailIntake.from_settings(container.sessions, container.settings)
    await intake._send_access_code(mail, result)
    async with container.sessions.begin() as session:
        await session.execute(
            sa.update(Outbox).where(Outbox.template == "acknowledgement").values(last_error=None)
        )
    await run_jobs()
    letters = mail_sink.to("petr@mail.example")
    assert sorted(str(m["Subject"]).split(" ")[0] for m in letters) == ["Код", "Обращение"]
    code_letter = next(m for m in letters if str(m["Subject"]).startswith("Код"))
    assert f"Код доступа: {result.access_code}" in code_letter.get_content()


async def test_the_receiver_never_resolves_its_host_name_on_the_event_loop(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    # aiosmtpd calls socket.getfqdn() per connection unless given a host name; a slow resolver would stall the
    # loop, and every open SQLite transaction with it ("database is locked" for the other writers).
    import socket
    import threading

    loop_thread = threading.get_ident()
    calls_on_loop: list[int] = []
    real_getfqdn = socket.getfqdn

    def watched_getfqdn(name: str = "") -> str:
        if threading.get_ident() == loop_thread:
            calls_on_loop.append(1)
        return real_getfqdn(name)

    monkeypatch.setattr(socket, "getfqdn", watched_getfqdn)
    intake = MailIntake.from_settings(container.sessions, container.settings)
    server = await start_smtp_server(intake, "127.0.0.1", 0)
    sink = await MailSink().start()
    try:
        for port in (server.sockets[0].getsockname()[1], sink.port):
            for _ in range(2):

                def greet(port: int = port) -> None:
                    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
                        assert client.ehlo()[0] == 250

                await asyncio.to_thread(greet)
    finally:
        server.close()
        await server.wait_closed()
        await sink.stop()
    assert calls_on_loop == []
