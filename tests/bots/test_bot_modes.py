"""The bot's two ways of receiving updates: a webhook (aiohttp app) and long polling (`run_bot`)."""

from __future__ import annotations

import asyncio

from aiogram import Bot, Dispatcher
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bots.telegram.app import run_bot, webhook_app, webhook_secret
from bots.testing import BotApiStandIn, message_update
from portal.container import Container

from .conftest import TOKEN


async def wait_for(condition, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def test_webhook_accepts_updates_only_with_the_secret(
    dp: Dispatcher, bot: Bot, bot_api: BotApiStandIn
) -> None:
    app = webhook_app(dp, bot, TOKEN, "/telegram/hook")
    update = message_update(7001, "/start").model_dump(mode="json", exclude_none=True)
    async with TestClient(TestServer(app)) as client:
        refused = await client.post(
            "/telegram/hook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "x"}
        )
        assert refused.status == 401
        accepted = await client.post(
            "/telegram/hook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": webhook_secret(TOKEN)}
        )
        assert accepted.status == 200
        await wait_for(lambda: bot_api.texts(7001))
    assert "Здравствуйте" in bot_api.texts(7001)[0]


async def test_polling_mode_answers_updates(container: Container, bot_api: BotApiStandIn) -> None:
    from dataclasses import replace

    settings = container.settings.model_copy(
        update={"telegram_bot_token": SecretStr(TOKEN), "worker_mode": "external"}
    )
    bot_container = replace(container, settings=settings)
    bot_api.updates.append(message_update(7002, "/help").model_dump(mode="json", exclude_none=True))
    task = asyncio.create_task(run_bot(bot_container, api_base=bot_api.base))
    try:
        await wait_for(lambda: bot_api.texts(7002) or task.done(), 4)
        if task.done():
            task.result()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert "Команды" in bot_api.texts(7002)[0]
    assert any(call.method == "deleteWebhook" for call in bot_api.calls)
