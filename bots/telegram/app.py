"""Assembling the bot: dispatcher with routers and middlewares, storage, Bot, polling and webhook modes."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import signal
import time
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage
from aiohttp import web

from bots.telegram.handlers import complaint, fallback, menu, questions, selfcheck, status
from bots.telegram.handlers.questions import KbSearch
from bots.telegram.middlewares import Clock, StaleDialogMiddleware, ThrottlingMiddleware
from portal.container import Container
from portal.settings import Settings

log = logging.getLogger(__name__)

NO_TOKEN = """Не задан токен Telegram-бота.

Как получить токен:
  1. Откройте в Telegram @BotFather и отправьте ему команду /newbot.
  2. Придумайте название и имя бота (имя должно заканчиваться на «bot»).
  3. BotFather пришлёт токен вида 123456789:AA...; никому его не показывайте.
  4. Задайте переменную окружения TELEGRAM_BOT_TOKEN (или строку в файле .env):
       TELEGRAM_BOT_TOKEN=123456789:AA...
  5. Запустите снова: trudnadzor bot

(The Telegram bot token is not set: get one from @BotFather and set TELEGRAM_BOT_TOKEN.)"""


def make_bot(token: str, api_base: str | None = None) -> Bot:
    """A Bot talking to Telegram, or to another Bot API server (a local one, or a test stand-in)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base)) if api_base else AiohttpSession()
    return Bot(token, session=session)


def make_storage(settings: Settings) -> BaseStorage:
    """Dialog state in Redis when REDIS_URL is set (survives restarts, shared by bot processes)."""
    if settings.redis_url:
        from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisStorage

        # The TTL is a backstop: the stale-dialog middleware clears a dialog after a day already.
        return RedisStorage.from_url(
            settings.redis_url,
            key_builder=DefaultKeyBuilder(prefix=f"{settings.redis_namespace}:fsm"),
            state_ttl=2 * 86_400,
            data_ttl=2 * 86_400,
        )
    return MemoryStorage()


def default_kb_search(container: Container) -> KbSearch:
    """The knowledge-base search of the core (portal.knowledge), three answers per question."""
    from portal.knowledge import search_kb

    async def search(query: str) -> dict[str, Any]:
        return await search_kb(container, query, k=3)

    return search


def build_dispatcher(
    container: Container,
    *,
    storage: BaseStorage | None = None,
    kb_search: KbSearch | None | str = "default",
    checklists: dict[str, Any] | None = None,
    throttle: tuple[int, float] = (30, 60.0),
    clock: Clock = time.time,
) -> Dispatcher:
    """The dispatcher; services reach handlers as workflow data (`container`, `kb_search`, `checklists`)."""
    if checklists is None:
        from portal.selfcheck import load_checklists

        checklists = load_checklists()
    dispatcher = Dispatcher(
        storage=storage or MemoryStorage(),
        container=container,
        kb_search=default_kb_search(container) if kb_search == "default" else kb_search,
        checklists=checklists,
    )
    limit, period = throttle
    throttling = ThrottlingMiddleware(limit, period)
    stale = StaleDialogMiddleware(clock=clock)
    for observer in (dispatcher.message, dispatcher.callback_query, dispatcher.edited_message):
        observer.outer_middleware(throttling)
        observer.outer_middleware(stale)
    # menu first (commands and cancel work in every state), fallback last
    for module in (menu, complaint, status, questions, selfcheck, fallback):
        dispatcher.include_router(module.router.build())
    return dispatcher


def webhook_secret(token: str) -> str:
    """Telegram echoes it in a header, so only Telegram can post updates to the webhook."""
    return hashlib.sha256(b"trudnadzor-webhook:" + token.encode()).hexdigest()[:64]


async def run_bot(
    container: Container,
    *,
    webhook_url: str | None = None,
    listen_host: str = "127.0.0.1",
    listen_port: int = 8081,
    api_base: str | None = None,
) -> None:
    """Receive updates until stopped; the caller runs the job worker (see `bots.cli`)."""
    settings = container.settings
    assert settings.telegram_bot_token is not None
    token = settings.telegram_bot_token.get_secret_value()
    bot = make_bot(token, api_base)
    storage = make_storage(settings)
    dispatcher = build_dispatcher(container, storage=storage)
    try:
        if webhook_url:
            await _serve_webhook(dispatcher, bot, token, webhook_url, listen_host, listen_port)
        else:
            await bot.delete_webhook(drop_pending_updates=False)
            await dispatcher.start_polling(bot, allowed_updates=dispatcher.resolve_used_update_types())
    finally:
        await storage.close()
        await bot.session.close()


def webhook_app(dispatcher: Dispatcher, bot: Bot, token: str, path: str) -> web.Application:
    """The aiohttp app receiving updates from Telegram; requests without the secret header are refused."""
    from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application

    app = web.Application()
    SimpleRequestHandler(dispatcher=dispatcher, bot=bot, secret_token=webhook_secret(token)).register(
        app, path=path
    )
    setup_application(app, dispatcher, bot=bot)
    return app


async def _serve_webhook(
    dispatcher: Dispatcher, bot: Bot, token: str, url: str, host: str, port: int
) -> None:
    app = webhook_app(dispatcher, bot, token, urlsplit(url).path or "/")
    await bot.set_webhook(
        url, secret_token=webhook_secret(token), allowed_updates=dispatcher.resolve_used_update_types()
    )
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("telegram webhook listening on %s:%s", host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
