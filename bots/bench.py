"""A burst of e-mails and Telegram updates: every one must become exactly one complaint with exactly one
acknowledgement. Run: `trudnadzor bench-channels --emails 1000 --updates 1000` (or `python -m bots.bench`).

E-mails go over real SMTP to the receiver (with some sent twice, same Message-ID); Telegram updates are
«Отправить» presses of complete drafts fed to the real dispatcher (some pressed twice), the Bot API being
the local stand-in. Acknowledgements are then delivered by job workers to an SMTP sink and the stand-in.
NLP analysis is not part of this measurement (its jobs are acknowledged without work).
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bots.testing import BotApiStandIn, MailSink, callback_update

TEXT = (
    "Работодатель не выплачивает зарплату уже третий месяц, задолженность около 90 000 рублей. Обращение {n}."
)
TOKEN = "42:BENCH-TOKEN"
DUPLICATE_EVERY = 20  # every 20th e-mail and update arrives twice


def bench_mail(n: int, domain: str = "bench.example") -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Работник {n} <worker{n}@{domain}>"
    message["To"] = "complaints@trudnadzor.local"
    message["Subject"] = "Жалоба на задержку зарплаты"
    message["Message-ID"] = f"<bench-{n}@{domain}>"
    message.set_content(TEXT.format(n=n))
    return message


def draft(n: int) -> dict[str, Any]:
    return {
        "text": TEXT.format(n=n),
        "files": [],
        "employer_name": "ООО «Ромашка»",
        "region_code": "66",
        "region_name": "Свердловская область",
        "contact_name": f"Работник {n}",
        "confidential": False,
        "consent": True,
        "_ts": time.time(),
    }


async def noop(_payload: dict[str, Any]) -> None:
    return None


async def run_bench(
    *, emails: int, updates: int, database_url: str | None = None, workers: int = 4
) -> dict[str, Any]:
    import aiosmtplib
    from aiogram.fsm.context import FSMContext
    from aiogram.fsm.storage.base import StorageKey

    from bots.mail.inbound import MailIntake
    from bots.mail.smtp import start_smtp_server
    from bots.notify import NOTIFY_JOB, BotTransport, Notifier
    from bots.telegram.app import build_dispatcher, make_bot
    from bots.telegram.handlers.complaint import ComplaintForm
    from portal.container import build_container
    from portal.demo import load_demo
    from portal.jobs import Worker
    from portal.migrate import upgrade
    from portal.models import Channel, Complaint, Outbox, OutboxStatus
    from portal.settings import load_settings

    tmp = Path(tempfile.mkdtemp(prefix="trudnadzor-bench-"))
    url = database_url or f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
    await asyncio.to_thread(upgrade, url)
    sink = await MailSink().start()
    api = await BotApiStandIn().start()
    settings = load_settings(
        database_url=url,
        data_dir=tmp,
        smtp_host="127.0.0.1",
        smtp_port=sink.port,
        telegram_bot_token=TOKEN,
        _env_file=None,
    )
    container = build_container(settings)
    bot = make_bot(TOKEN, api.base)
    dispatcher = build_dispatcher(container, kb_search=None, throttle=(1_000_000, 1.0))
    server = await start_smtp_server(MailIntake.from_settings(container.sessions, settings), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with container.sessions.begin() as session:
            await load_demo(session)

        async def send_mails() -> None:
            gate = asyncio.Semaphore(8)

            async def one(n: int) -> None:
                async with gate:
                    await aiosmtplib.send(bench_mail(n), hostname="127.0.0.1", port=port, timeout=120)

            numbers = list(range(emails)) + list(range(0, emails, DUPLICATE_EVERY))
            await asyncio.gather(*(one(n) for n in numbers))

        async def press_send() -> None:
            gate = asyncio.Semaphore(16)
            storage = dispatcher.storage

            async def one(n: int) -> None:
                user = 100_000 + n
                async with gate:
                    state = FSMContext(storage, StorageKey(bot_id=bot.id, chat_id=user, user_id=user))
                    await state.set_state(ComplaintForm.confirm)
                    await state.set_data(draft(n))
                    await dispatcher.feed_update(bot, callback_update(user, "c:send", message_id=7))

            numbers = list(range(updates)) + list(range(0, updates, DUPLICATE_EVERY))
            await asyncio.gather(*(one(n) for n in numbers))

        started = time.perf_counter()
        await asyncio.gather(send_mails(), press_send())
        intake_seconds = time.perf_counter() - started

        notifier = Notifier(container.sessions, settings, telegram=BotTransport(bot))
        handlers = {
            **container.handlers,
            NOTIFY_JOB: notifier.handle,
            "analyse_complaint": noop,
            "route_complaint": noop,
        }
        started = time.perf_counter()
        await asyncio.gather(
            *(Worker(container.queue, handlers, batch=16).run_until_idle(10_000) for _ in range(workers))
        )
        delivery_seconds = time.perf_counter() - started

        async with container.sessions() as session:
            counted = await session.execute(
                sa.select(Complaint.channel, sa.func.count()).group_by(Complaint.channel)
            )
            by_channel: dict[Channel, int] = {channel: count for channel, count in counted.all()}
            acks = (
                await session.execute(
                    sa.select(Outbox.complaint_id, sa.func.count(), sa.func.min(Outbox.status))
                    .where(Outbox.template == "acknowledgement")
                    .group_by(Outbox.complaint_id)
                )
            ).all()
            complaint_ids = set((await session.scalars(sa.select(Complaint.id))).all())
            extra_rows = await session.scalar(
                sa.select(sa.func.count()).select_from(Outbox).where(Outbox.template != "acknowledgement")
            )
        ack_ok = {row[0] for row in acks} == complaint_ids and all(
            row[1] == 1 and row[2] == OutboxStatus.SENT for row in acks
        )
        tg_acks: dict[str, int] = {}
        for params in api.sent("sendMessage"):
            if str(params.get("text", "")).startswith("Ваше обращение зарегистрировано"):
                tg_acks[str(params["chat_id"])] = tg_acks.get(str(params["chat_id"]), 0) + 1
        mail_acks = [m for m in sink.messages.values() if "зарегистрировано" in str(m["Subject"])]
        with_code = sum(1 for m in mail_acks if "Код доступа:" in m.get_content())
        ok = (
            by_channel.get(Channel.EMAIL, 0) == emails
            and by_channel.get(Channel.TELEGRAM, 0) == updates
            and ack_ok
            and len(mail_acks) == emails
            and sink.deliveries == len(sink.messages)
            and len(tg_acks) == updates
            and all(count == 1 for count in tg_acks.values())
        )
        total = emails + updates
        return {
            "ok": ok,
            "emails": emails,
            "telegram_updates": updates,
            "duplicates_sent": len(range(0, emails, DUPLICATE_EVERY))
            + len(range(0, updates, DUPLICATE_EVERY)),
            "complaints_email": by_channel.get(Channel.EMAIL, 0),
            "complaints_telegram": by_channel.get(Channel.TELEGRAM, 0),
            "acknowledgements_email": len(mail_acks),
            "acknowledgements_email_with_access_code": with_code,
            "acknowledgements_telegram": sum(tg_acks.values()),
            "smtp_deliveries": sink.deliveries,
            "separate_access_code_mails": extra_rows,
            "intake_seconds": round(intake_seconds, 2),
            "intake_per_second": round(total / intake_seconds, 1) if intake_seconds else None,
            "delivery_seconds": round(delivery_seconds, 2),
            "deliveries_per_second": round(total / delivery_seconds, 1) if delivery_seconds else None,
            "database": "sqlite (temporary)" if database_url is None else "given",
        }
    finally:
        server.close()
        await server.wait_closed()
        await bot.session.close()
        await dispatcher.storage.close()
        await api.stop()
        await sink.stop()
        await container.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    import json
    import sys

    counts = [int(arg) for arg in sys.argv[1:3]] or [1000, 1000]
    result = asyncio.run(run_bench(emails=counts[0], updates=counts[-1]))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    sys.exit(0 if result["ok"] else 1)
