"""Fixtures of the channel tests: the Bot API stand-in, an SMTP sink, the real dispatcher and a job runner."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.memory import MemoryStorage

from bots.notify import NOTIFY_JOB, BotTransport, Notifier
from bots.telegram.app import build_dispatcher, make_bot
from bots.testing import BotApiStandIn, MailSink
from portal.container import Container
from portal.jobs import Worker

TOKEN = "42:TEST-TOKEN"


@pytest.fixture
async def bot_api() -> AsyncIterator[BotApiStandIn]:
    api = await BotApiStandIn().start()
    yield api
    await api.stop()


@pytest.fixture
async def bot(bot_api: BotApiStandIn) -> AsyncIterator[Bot]:
    bot = make_bot(TOKEN, bot_api.base)
    yield bot
    await bot.session.close()


class FakeKb:
    """The knowledge-base search contract (`portal.knowledge.search_kb`), answering from a fixed list."""

    def __init__(self) -> None:
        self.queries: list[str] = []
        self.hits: list[dict[str, Any]] = [
            {
                "id": "leave-annual",
                "title": "Ежегодный оплачиваемый отпуск",
                "score": 0.91,
                "refs": ["ТК РФ ст. 115"],
                "snippet": "Ежегодный основной оплачиваемый отпуск — 28 календарных дней.",
                "url": "/kb/leave-annual",
            }
        ]

    async def __call__(self, query: str) -> dict[str, Any]:
        self.queries.append(query)
        if "марсиан" in query.lower():
            return {"hits": [], "no_answer": True}
        return {"hits": self.hits, "no_answer": False}


@pytest.fixture
def kb() -> FakeKb:
    return FakeKb()


@pytest.fixture
def dp(container: Container, kb: FakeKb) -> Dispatcher:
    return build_dispatcher(container, storage=MemoryStorage(), kb_search=kb)


@pytest.fixture
async def mail_sink() -> AsyncIterator[MailSink]:
    sink = await MailSink().start()
    yield sink
    await sink.stop()


@pytest.fixture
def notifier(container: Container, mail_sink: MailSink, bot: Bot) -> Notifier:
    settings = container.settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": mail_sink.port})
    return Notifier(container.sessions, settings, telegram=BotTransport(bot))


async def _noop(_payload: dict[str, Any]) -> None:
    return None


@pytest.fixture
def run_jobs(container: Container, notifier: Notifier) -> Callable[[], Awaitable[int]]:
    """Run queued jobs; notifications go to the sink and the stand-in, NLP analysis is skipped here."""
    handlers = {
        **container.handlers,
        NOTIFY_JOB: notifier.handle,
        "analyse_complaint": _noop,
        "route_complaint": _noop,
    }

    async def run() -> int:
        return await Worker(container.queue, handlers, batch=16).run_until_idle()

    return run
