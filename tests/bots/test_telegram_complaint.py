"""The complaint dialog through the real aiogram Dispatcher, real Updates and a local Bot API stand-in."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import sqlalchemy as sa
from aiogram import Bot, Dispatcher
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage

from bots.telegram.app import build_dispatcher
from bots.telegram.handlers.complaint import ComplaintForm
from bots.testing import BotApiStandIn, callback_update, edited_update, message_update
from portal.attachments import stored_path
from portal.container import Container
from portal.models import Attachment, Channel, Complaint, Outbox, OutboxStatus, Region

from .conftest import FakeKb

USER = 5001
TEXT = "Работодатель ООО «Ромашка» не платит зарплату с сентября, долг 85 000 рублей."
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


async def say(dp: Dispatcher, bot: Bot, text: str, user: int = USER) -> None:
    await dp.feed_update(bot, message_update(user, text))


async def press(dp: Dispatcher, bot: Bot, data: str, user: int = USER, message_id: int = 1) -> None:
    await dp.feed_update(bot, callback_update(user, data, message_id=message_id))


async def test_a_complaint_is_filed_step_by_step_with_files(
    dp: Dispatcher,
    bot: Bot,
    bot_api: BotApiStandIn,
    container: Container,
    run_jobs: Callable[[], Awaitable[int]],
) -> None:
    bot_api.files.update({"photo-1": PNG, "doc-1": PDF})
    await say(dp, bot, "/start")
    assert "Подать жалобу" in str(bot_api.sent()[-1]["reply_markup"])
    await say(dp, bot, "Подать жалобу")
    assert "Опишите, что случилось" in bot_api.texts()[-1]

    await say(dp, bot, TEXT)
    assert "Записали" in bot_api.texts()[-1]
    photo = [{"file_id": "photo-1", "file_unique_id": "p1", "width": 10, "height": 10, "file_size": len(PNG)}]
    await dp.feed_update(bot, message_update(USER, photo=photo, caption="Фото табеля"))
    document = {
        "file_id": "doc-1",
        "file_unique_id": "d1",
        "file_name": "расчётный лист.pdf",
        "file_size": len(PDF),
    }
    await dp.feed_update(bot, message_update(USER, document=document))
    assert "Файл добавлен (2 из" in bot_api.texts()[-1]
    await press(dp, bot, "c:next")
    assert "работодатель" in bot_api.texts()[-1]

    await say(dp, bot, "ООО Ромашка, ИНН 7707083893")
    assert "регионе" in bot_api.texts()[-1]
    await press(dp, bot, "c:back")  # back to the employer step, and forward again
    assert "работодатель" in bot_api.texts()[-1]
    await say(dp, bot, "ООО Ромашка, ИНН 7707083893")
    await say(dp, bot, "свердловской обл")
    assert "Как к вам обращаться" in bot_api.texts()[-1]
    await say(dp, bot, "Иванова Анна, +7 912 345-67-89")
    await press(dp, bot, "c:conf:yes")
    await press(dp, bot, "c:consent:no")
    assert "Без согласия" in bot_api.sent("answerCallbackQuery")[-1]["text"]
    await press(dp, bot, "c:consent:yes")
    summary = bot_api.texts()[-1]
    assert "Проверьте жалобу" in summary and "Свердловская область" in summary and "7707083893" in summary

    await press(dp, bot, "c:send", message_id=77)
    done = bot_api.texts()[-1]
    assert "Жалоба подана" in done and "Код доступа:" in done

    async with container.sessions() as session:
        complaint = (await session.scalars(sa.select(Complaint))).one()
        region = await session.get(Region, complaint.stated_region_id)
        attachments = (await session.scalars(sa.select(Attachment))).all()
    assert complaint.channel == Channel.TELEGRAM and complaint.external_id == f"{USER}:77"
    assert complaint.text.startswith(TEXT) and "Фото табеля" in complaint.text
    assert complaint.telegram_chat_id == USER and complaint.confidential and complaint.consent
    assert complaint.contact_name == "Иванова Анна" and complaint.contact_phone == "+7 912 345-67-89"
    assert complaint.stated_employer_inn == "7707083893" and complaint.stated_employer_name == "ООО Ромашка"
    assert region is not None and region.code == "66"
    assert complaint.tracking_number in done
    assert sorted(a.content_type for a in attachments) == ["application/pdf", "image/png"]
    assert all(stored_path(container.settings.uploads_path, a.sha256).exists() for a in attachments)

    # Pressing «Отправить» again files nothing new.
    await press(dp, bot, "c:send", message_id=77)
    async with container.sessions() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 1

    # The acknowledgement goes to this chat through the outbox, once.
    await run_jobs()
    await run_jobs()
    acks = [t for t in bot_api.texts(USER) if t.startswith("Ваше обращение зарегистрировано")]
    assert len(acks) == 1 and complaint.tracking_number in acks[0]
    async with container.sessions() as session:
        row = (await session.scalars(sa.select(Outbox))).one()
    assert row.channel == Channel.TELEGRAM and row.status == OutboxStatus.SENT and row.sent_at is not None


async def test_cancel_and_back_work_and_short_text_is_refused(
    dp: Dispatcher, bot: Bot, bot_api: BotApiStandIn, container: Container
) -> None:
    await say(dp, bot, "Подать жалобу")
    await say(dp, bot, "Не платят")
    await press(dp, bot, "c:next")
    assert "хотя бы 20 символов" in bot_api.sent("answerCallbackQuery")[-1]["text"]
    await say(dp, bot, "уже три месяца, и никто ничего не объясняет")
    await press(dp, bot, "c:next")
    await press(dp, bot, "c:back")
    assert "можно дополнить" in bot_api.texts()[-1]
    await press(dp, bot, "c:cancel")
    assert "Отменено" in bot_api.texts()[-1]
    state = dp.fsm.get_context(bot, USER, USER)
    assert await state.get_state() is None
    await say(dp, bot, "Подать жалобу")
    await say(dp, bot, "/cancel")
    assert await state.get_state() is None
    async with container.sessions() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 0


async def test_region_free_text_ambiguous_and_unknown(
    dp: Dispatcher, bot: Bot, bot_api: BotApiStandIn
) -> None:
    state = dp.fsm.get_context(bot, USER, USER)
    await state.set_state(ComplaintForm.region)
    await state.update_data(text=TEXT, _ts=time.time())
    await say(dp, bot, "Алтай")
    markup = str(bot_api.sent()[-1]["reply_markup"])
    assert "Республика Алтай" in markup and "Алтайский край" in markup
    await say(dp, bot, "Атлантида")
    assert "Не нашли такой регион" in bot_api.texts()[-1]
    await press(dp, bot, "c:region:22")
    assert (await state.get_data())["region_name"] == "Алтайский край"


async def test_a_dialog_abandoned_for_a_day_is_cleared(
    container: Container, bot: Bot, bot_api: BotApiStandIn
) -> None:
    now = [time.time()]
    dp = build_dispatcher(container, storage=MemoryStorage(), kb_search=FakeKb(), clock=lambda: now[0])
    await say(dp, bot, "Подать жалобу")
    await say(dp, bot, TEXT)
    state = dp.fsm.get_context(bot, USER, USER)
    assert await state.get_state() == ComplaintForm.describe.state
    now[0] += 25 * 3600
    await press(dp, bot, "c:next")
    assert await state.get_state() is None
    assert "больше суток" in bot_api.sent("answerCallbackQuery")[-1]["text"]
    # A fresh dialog starts clean.
    await say(dp, bot, "Подать жалобу")
    assert (await state.get_data())["text"] == ""


async def test_stickers_edits_unknown_commands_and_long_messages(
    dp: Dispatcher, bot: Bot, bot_api: BotApiStandIn
) -> None:
    sticker = {
        "file_id": "s",
        "file_unique_id": "s",
        "type": "regular",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
    }
    await dp.feed_update(bot, message_update(USER, sticker=sticker))
    assert "Стикеры" in bot_api.texts()[-1]
    await dp.feed_update(bot, edited_update(USER, "исправленный текст"))
    assert "новым сообщением" in bot_api.texts()[-1]
    await say(dp, bot, "/frobnicate")
    assert "Такой команды нет" in bot_api.texts()[-1]
    await say(dp, bot, "я" * 4096)
    assert "Выберите действие" in bot_api.texts()[-1]
    # In the dialog, text beyond the limit of a complaint is refused politely.
    await say(dp, bot, "Подать жалобу")
    for _ in range(4):
        await say(dp, bot, "а" * 4096)
    await say(dp, bot, "а" * 4096)
    assert "слишком длинно" in bot_api.texts()[-1]


async def test_throttling_per_user(container: Container, bot: Bot, bot_api: BotApiStandIn) -> None:
    dp = build_dispatcher(container, storage=MemoryStorage(), kb_search=FakeKb(), throttle=(3, 60.0))
    for _ in range(6):
        await say(dp, bot, "/help")
    texts = bot_api.texts(USER)
    assert len(texts) == 4 and "Слишком много сообщений" in texts[-1]
    await say(dp, bot, "/help", user=USER + 1)  # other users are not affected
    assert "Команды" in bot_api.texts(USER + 1)[-1]


async def test_too_many_files_are_refused(
    dp: Dispatcher, bot: Bot, bot_api: BotApiStandIn, container: Container
) -> None:
    state = dp.fsm.get_context(bot, USER, USER)
    await say(dp, bot, "Подать жалобу")
    limit = container.settings.upload_max_files
    for index in range(limit + 1):
        photo = [
            {"file_id": f"p{index}", "file_unique_id": f"u{index}", "width": 1, "height": 1, "file_size": 10}
        ]
        await dp.feed_update(bot, message_update(USER, photo=photo))
    assert "не более" in bot_api.texts()[-1]
    assert len((await state.get_data())["files"]) == limit
    big = {"file_id": "big", "file_unique_id": "big", "file_name": "a.pdf", "file_size": 10**9}
    await say(dp, bot, "/cancel")
    await say(dp, bot, "Подать жалобу")
    await dp.feed_update(bot, message_update(USER, document=big))
    assert "слишком большой" in bot_api.texts()[-1]


async def test_storage_key_is_per_chat(dp: Dispatcher, bot: Bot) -> None:
    key = StorageKey(bot_id=bot.id, chat_id=USER, user_id=USER)
    state = FSMContext(dp.storage, key)
    await say(dp, bot, "Подать жалобу")
    assert await state.get_state() == ComplaintForm.describe.state
