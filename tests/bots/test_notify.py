"""Outbound notifications: templates, delivery by e-mail and Telegram, retries, and no duplicates."""

from __future__ import annotations

import asyncio
import email
import email.policy
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiogram import Bot

from bots.notify import SMTP_MISSING, UNKNOWN_OUTCOME, BotTransport, Notifier, SmtpTransport
from bots.render import render
from bots.testing import BotApiStandIn, MailSink
from portal.container import Container
from portal.jobs import RetryLater
from portal.models import Channel, Outbox, OutboxStatus

CORE_TEMPLATES: dict[str, dict[str, object]] = {
    "acknowledgement": {},
    "routed": {
        "problems": [
            {
                "category": "Оплата труда",
                "inspection": "ГИТ в Свердловской области",
                "answer_due": "2026-12-20",
            },
            {"category": "Пенсии", "redirect": "Вопрос решает Социальный фонд России"},
        ]
    },
    "redirected": {"problems": [{"category": "Пенсии", "redirect": "Социальный фонд России"}]},
    "rejected": {"reason": "В обращении нет сведений о нарушении."},
    "information_requested": {"question": "Укажите период задержки.", "case_number": "66-0001"},
    "interim_answer": {"text": "Проводится проверка.", "case_number": "66-0001"},
    "extended": {"reason": "Запрошены документы.", "new_due": "2027-01-15", "case_number": "66-0001"},
    "redirected_by_inspector": {
        "body": "прокуратуру",
        "reason": "Уголовная ответственность",
        "case_number": "1",
    },
    "final_answer": {
        "answer": "Работодателю выдано предписание.",
        "outcome": "violation_confirmed",
        "case_number": "1",
    },
    "reminder": {"message": "Срок ответа через 3 дня.", "case_number": "66-0001", "case_id": 5},
    "escalation": {"message": "Срок ответа пропущен.", "case_number": "66-0001", "case_id": 5},
}


@pytest.mark.parametrize("template", sorted(CORE_TEMPLATES))
def test_every_core_template_renders_in_russian(template: str) -> None:
    staff = template in {"reminder", "escalation"}
    context: dict[str, object] = {} if staff else {"tracking_number": "26-123456-7"}
    context.update(CORE_TEMPLATES[template])
    rendered = render(template, context, public_base_url="https://trud.example/")
    assert rendered.subject and "\n" not in rendered.subject
    assert any("а" <= ch <= "я" for ch in rendered.body)
    shown = {"violation_confirmed": "нарушение подтвердилось", "2027-01-15": "15.01.2027"}
    for value in context.values():
        if isinstance(value, str):
            assert shown.get(value, value) in rendered.subject + rendered.body
    if template == "routed":
        assert "ответ до 20.12.2026" in rendered.body and "Социальный фонд" in rendered.body
    if template == "final_answer":
        assert "нарушение подтвердилось" in rendered.body


async def add_row(
    container: Container, channel: Channel, recipient: str, key: str = "k1", **context: object
) -> int:
    async with container.sessions.begin() as session:
        row = Outbox(
            idempotency_key=key,
            channel=channel,
            recipient=recipient,
            template="rejected",
            context={"tracking_number": "26-000001-8", "reason": "тест", **context},
        )
        session.add(row)
        await session.flush()
        return row.id


async def load(container: Container, outbox_id: int) -> Outbox:
    async with container.sessions() as session:
        row = await session.get(Outbox, outbox_id)
        assert row is not None
        return row


async def test_email_is_sent_once_and_marked_sent(
    container: Container, notifier: Notifier, mail_sink: MailSink
) -> None:
    outbox_id = await add_row(container, Channel.EMAIL, "anna@example.org", access_code="SECRET12")
    await notifier.deliver(outbox_id)
    await notifier.deliver(outbox_id)  # the job ran again: nothing more is sent
    assert mail_sink.deliveries == 1
    [message] = mail_sink.to("anna@example.org")
    assert "не может быть рассмотрено" in str(message["Subject"])
    row = await load(container, outbox_id)
    assert row.status == OutboxStatus.SENT and row.sent_at is not None and row.attempts == 1
    assert row.last_error is None and "access_code" not in row.context


async def test_without_smtp_settings_rows_stay_pending_with_a_clear_error(container: Container) -> None:
    notifier = Notifier(container.sessions, container.settings)  # the test settings have no SMTP_HOST
    outbox_id = await add_row(container, Channel.EMAIL, "anna@example.org")
    with pytest.raises(RetryLater):
        await notifier.deliver(outbox_id)
    row = await load(container, outbox_id)
    assert row.status == OutboxStatus.PENDING and row.last_error == SMTP_MISSING


async def test_with_mail_dir_letters_are_written_as_eml_files_and_a_resend_overwrites(
    container: Container, tmp_path: Path
) -> None:
    settings = container.settings.model_copy(update={"mail_dir": tmp_path / "outgoing"})
    outbox_id = await add_row(container, Channel.EMAIL, "anna@example.org", access_code="K7Q2M9XA")
    crashing = Notifier(container.sessions, settings)
    crashing.email = CrashAfterSend(crashing.email)  # type: ignore[assignment]
    with pytest.raises(asyncio.CancelledError):
        await crashing.deliver(outbox_id)
    await Notifier(container.sessions, settings, claim_timeout=timedelta(0)).deliver(outbox_id)

    files = list((tmp_path / "outgoing").iterdir())
    assert len(files) == 1 and files[0].suffix == ".eml"  # the resend replaced the same file
    letter = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert letter["To"] == "anna@example.org" and letter["Message-ID"].strip("<>") in files[0].name
    row = await load(container, outbox_id)
    assert row.status == OutboxStatus.SENT and "access_code" not in row.context


async def test_a_temporary_failure_is_recorded_and_retried(
    container: Container, notifier: Notifier, mail_sink: MailSink
) -> None:
    mail_sink.fail_next = 1
    outbox_id = await add_row(container, Channel.EMAIL, "anna@example.org")
    with pytest.raises(Exception, match="451"):
        await notifier.deliver(outbox_id)
    row = await load(container, outbox_id)
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert row.last_error is not None and row.last_error.startswith("send failed: SMTP")
    assert "anna" not in row.last_error  # no personal data in errors
    await notifier.deliver(outbox_id)
    row = await load(container, outbox_id)
    assert row.status == OutboxStatus.SENT and row.attempts == 2 and len(mail_sink.messages) == 1


class CrashAfterSend:
    """Sends, then the worker "dies" before it can record the send (a BaseException, like a kill)."""

    def __init__(self, inner: object) -> None:
        self.inner = inner

    async def send(self, *args: object) -> None:
        await self.inner.send(*args)  # type: ignore[attr-defined]
        raise asyncio.CancelledError


async def test_email_after_a_crash_is_resent_with_the_same_message_id(
    container: Container, mail_sink: MailSink
) -> None:
    settings = container.settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": mail_sink.port})
    outbox_id = await add_row(container, Channel.EMAIL, "anna@example.org")
    crashing = Notifier(container.sessions, settings, email=CrashAfterSend(SmtpTransport(settings)))  # type: ignore[arg-type]
    with pytest.raises(asyncio.CancelledError):
        await crashing.deliver(outbox_id)
    assert (await load(container, outbox_id)).last_error.startswith("sending since")  # type: ignore[union-attr]

    # While the claim is fresh another worker may still be sending: wait.
    with pytest.raises(RetryLater):
        await Notifier(container.sessions, settings).deliver(outbox_id)
    # After the lease the send is repeated with the same Message-ID, which the receiver deduplicates.
    await Notifier(container.sessions, settings, claim_timeout=timedelta(0)).deliver(outbox_id)
    assert mail_sink.deliveries == 2 and len(mail_sink.messages) == 1
    assert (await load(container, outbox_id)).status == OutboxStatus.SENT


async def test_telegram_after_a_crash_is_not_resent(
    container: Container, bot: Bot, bot_api: BotApiStandIn
) -> None:
    outbox_id = await add_row(container, Channel.TELEGRAM, "777")
    crashing = Notifier(container.sessions, container.settings, telegram=CrashAfterSend(BotTransport(bot)))  # type: ignore[arg-type]
    with pytest.raises(asyncio.CancelledError):
        await crashing.deliver(outbox_id)
    later = Notifier(
        container.sessions, container.settings, telegram=BotTransport(bot), claim_timeout=timedelta(0)
    )
    await later.deliver(outbox_id)
    assert len(bot_api.texts(777)) == 1
    row = await load(container, outbox_id)
    assert row.status == OutboxStatus.FAILED and row.last_error == UNKNOWN_OUTCOME


async def test_telegram_delivery_and_permanent_failure(
    container: Container, notifier: Notifier, bot_api: BotApiStandIn
) -> None:
    ok_id = await add_row(container, Channel.TELEGRAM, "777", key="a")
    await notifier.deliver(ok_id)
    [text] = bot_api.texts(777)
    assert text.startswith("Обращение № 26-000001-8 не может быть рассмотрено")
    assert (await load(container, ok_id)).status == OutboxStatus.SENT

    bot_api.failing_chats[888] = (400, "Bad Request: chat not found")
    bad_id = await add_row(container, Channel.TELEGRAM, "888", key="b")
    await notifier.deliver(bad_id)  # not raised: a retry cannot help
    row = await load(container, bad_id)
    assert row.status == OutboxStatus.FAILED and row.attempts == 1

    bot_api.failing_chats[999] = (500, "Internal Server Error")
    retry_id = await add_row(container, Channel.TELEGRAM, "999", key="c")
    with pytest.raises(Exception):  # noqa: B017 - any error: the queue retries it
        await notifier.deliver(retry_id)
    assert (await load(container, retry_id)).status == OutboxStatus.PENDING


async def test_the_handler_is_registered_through_the_plugin(container: Container) -> None:
    assert "deliver_notification" in container.handlers


def test_message_id_is_stable() -> None:
    from bots.notify import message_id

    assert message_id("a:1::email", "noreply@git.example") == message_id("a:1::email", "x@git.example")
    assert message_id("a:1::email", "n@git.example").endswith("@git.example>")
    assert isinstance(EmailMessage, type)


async def test_an_unknown_template_is_recorded_on_the_row(container: Container, notifier: Notifier) -> None:
    outbox_id = await add_row(container, Channel.EMAIL, "anna@example.org")
    async with container.sessions.begin() as session:
        row = await session.get(Outbox, outbox_id)
        assert row is not None
        row.template = "no_such_template"
    with pytest.raises(Exception, match="no_such_template"):
        await notifier.deliver(outbox_id)
    row = await load(container, outbox_id)
    assert (
        row.status == OutboxStatus.PENDING
        and row.last_error == "template 'no_such_template': TemplateNotFound"
    )
