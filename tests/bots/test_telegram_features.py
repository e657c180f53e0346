"""Status and subscription, questions from the knowledge base, self-check; storage; region matching."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiogram import Bot, Dispatcher

from bots.telegram.app import make_storage
from bots.telegram.handlers.complaint import ComplaintForm
from bots.telegram.regions import match_region
from bots.testing import BotApiStandIn, callback_update, message_update
from portal.container import Container
from portal.intake import ComplaintInput, submit_complaint
from portal.models import Channel, Outbox, Subscription
from portal.settings import Settings
from tests.conftest import copy_knowledge_index

USER = 6001
TEXT = "На заводе не выдают спецодежду и перчатки, работаем с кислотой без защиты уже месяц."


async def say(dp: Dispatcher, bot: Bot, text: str, user: int = USER) -> None:
    await dp.feed_update(bot, message_update(user, text))


async def press(dp: Dispatcher, bot: Bot, data: str, user: int = USER) -> None:
    await dp.feed_update(bot, callback_update(user, data))


async def web_complaint(container: Container) -> tuple[str, str]:
    result = await submit_complaint(
        container.sessions,
        ComplaintInput(text=TEXT, channel=Channel.WEB, consent=True, contact_email="anna@example.org"),
        upload_dir=container.settings.uploads_path,
    )
    assert result.access_code is not None
    return result.tracking_number, result.access_code


async def test_status_by_number_and_code_and_subscription(
    dp: Dispatcher,
    bot: Bot,
    bot_api: BotApiStandIn,
    container: Container,
    run_jobs: Callable[[], Awaitable[int]],
) -> None:
    number, code = await web_complaint(container)
    await say(dp, bot, "Статус обращения")
    await say(dp, bot, number)
    assert "код доступа" in bot_api.texts()[-1]
    await say(dp, bot, "WRONG123")
    assert "Не нашли" in bot_api.texts()[-1]
    await say(dp, bot, f"{number.replace('-', '')} {code.lower()}")
    shown = bot_api.texts()[-1]
    assert f"Обращение № {number}" in shown and "Статус: Зарегистрировано" in shown
    assert "Обращение зарегистрировано" in shown  # the timeline
    await press(dp, bot, "s:subscribe")
    assert "будут приходить в этот чат" in bot_api.texts()[-1]
    async with container.sessions() as session:
        subscription = (await session.scalars(sa.select(Subscription))).one()
    assert subscription.channel == Channel.TELEGRAM and subscription.recipient == str(USER)

    # The outbox then notifies this chat too: a later notification reaches it.
    from portal.intake import queue_notification
    from portal.models import Complaint

    async with container.sessions.begin() as session:
        complaint = (await session.scalars(sa.select(Complaint))).one()
        await queue_notification(
            session, complaint, "rejected", {"tracking_number": number, "reason": "тест"}
        )
    await run_jobs()
    assert any("не может быть рассмотрено" in t for t in bot_api.texts(USER))
    async with container.sessions() as session:
        rows = (await session.scalars(sa.select(Outbox).where(Outbox.template == "rejected"))).all()
    assert sorted(r.channel.value for r in rows) == ["email", "telegram"]


async def test_question_answers_with_links_and_offers_a_complaint(
    dp: Dispatcher, bot: Bot, bot_api: BotApiStandIn, container: Container, kb: object
) -> None:
    await say(dp, bot, "Задать вопрос")
    await say(dp, bot, "Сколько дней отпуска положено?")
    answer = bot_api.texts()[-1]
    base = container.settings.public_base_url.rstrip("/")
    assert "Ежегодный оплачиваемый отпуск" in answer and f"{base}/kb/leave-annual" in answer
    assert "ТК РФ ст. 115" in answer
    await press(dp, bot, "q:complaint")  # «не помогло»
    state = dp.fsm.get_context(bot, USER, USER)
    assert await state.get_state() == ComplaintForm.describe.state
    assert (await state.get_data())["text"] == "Сколько дней отпуска положено?"
    assert "Перенесли ваш вопрос" in bot_api.texts()[-1]

    await say(dp, bot, "Задать вопрос")
    await say(dp, bot, "Марсианский трудовой кодекс")
    assert "Готового ответа не нашли" in bot_api.texts()[-1]


async def test_question_without_knowledge_base(
    container: Container, bot: Bot, bot_api: BotApiStandIn
) -> None:
    from aiogram.fsm.storage.memory import MemoryStorage

    from bots.telegram.app import build_dispatcher

    dp = build_dispatcher(container, storage=MemoryStorage(), kb_search=None)
    await say(dp, bot, "Задать вопрос")
    await say(dp, bot, "Сколько дней отпуска?")
    assert "недоступен" in bot_api.texts()[-1]


async def test_self_check_in_chat(
    dp: Dispatcher, bot: Bot, bot_api: BotApiStandIn, container: Container
) -> None:
    await say(dp, bot, "Самопроверка работодателя")
    markup = str(bot_api.sent()[-1]["reply_markup"])
    assert "k:c:ppe" in markup and "k:c:pay" not in markup  # only the short checklists
    await press(dp, bot, "k:c:ppe")
    assert "Вопрос 1 из 10" in bot_api.texts()[-1]
    await press(dp, bot, "k:a:no")
    await press(dp, bot, "k:back")
    assert "Вопрос 1 из 10" in bot_api.texts()[-1]
    for answer in ["no"] + ["yes"] * 8 + ["na"]:
        await press(dp, bot, f"k:a:{answer}")
    result = bot_api.texts()[-1]
    base = container.settings.public_base_url.rstrip("/")
    assert result.startswith("Итог: Средства индивидуальной защиты")
    assert "Что исправить:" in result and f"{base}/self-check/ppe" in result
    assert await dp.fsm.get_context(bot, USER, USER).get_state() is None


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Свердловская область", "66"),
        ("свердловской обл.", "66"),
        ("66", "66"),
        ("питер", "78"),
        ("Москва", "77"),
        ("московская", "50"),
        ("Татарстан", "16"),
        ("республика саха", "14"),
        ("ХМАО", "86"),
    ],
)
def test_region_matching(typed: str, code: str) -> None:
    found = match_region(typed)
    assert [r.code for r in found] == [code]


def test_region_matching_ambiguous_and_unknown() -> None:
    assert {r.code for r in match_region("Алтай")} == {"04", "22"}
    assert match_region("Нарния") == []


async def test_dialog_state_lives_in_redis_when_configured(settings: Settings) -> None:
    redis_settings = settings.model_copy(update={"redis_url": "redis://127.0.0.1:6379/0"})
    storage = make_storage(redis_settings)
    from aiogram.fsm.storage.base import StorageKey
    from aiogram.fsm.storage.redis import RedisStorage

    assert isinstance(storage, RedisStorage)
    key = StorageKey(bot_id=42, chat_id=int(uuid.uuid4().int % 10**9), user_id=1)
    try:
        await storage.set_state(key, ComplaintForm.region)
        await storage.set_data(key, {"text": "проверка"})
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"Redis at 127.0.0.1:6379 is not reachable: {type(exc).__name__}")
    try:
        assert await storage.get_state(key) == ComplaintForm.region.state
        assert await storage.get_data(key) == {"text": "проверка"}
    finally:
        await storage.set_state(key, None)
        await storage.set_data(key, {})
        await storage.close()
    assert type(make_storage(settings)).__name__ == "MemoryStorage"


@pytest.mark.slow
async def test_the_default_knowledge_base_search_answers(container: Container, knowledge_index: Path) -> None:
    from bots.telegram.app import default_kb_search

    copy_knowledge_index(knowledge_index, container.settings.data_dir)
    search = default_kb_search(container)
    if search is None:
        pytest.skip("no knowledge-base search in the core yet")
    result = await search("Сколько дней ежегодного оплачиваемого отпуска положено?")
    assert set(result) >= {"hits", "no_answer"}
    for hit in result["hits"]:
        assert {"id", "title", "url"} <= set(hit)
