"""Status of a complaint by number and access code, and subscribing this chat to its changes."""

from __future__ import annotations

import re
from typing import Any

from aiogram import F
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bots.render import ru_date
from bots.telegram import texts
from bots.telegram.routing import RouterSpec
from bots.telegram.texts import CANCEL, inline
from portal.container import Container
from portal.intake import find_complaint, subscribe
from portal.models import Channel, Complaint
from portal.tracking import public_view

router = RouterSpec("status")

# 26-4839-2017-5, and the older 26-483920-7; typed with or without dashes and spaces.
NUMBER_RE = re.compile(r"\d{2}\s*-?\s*(?:\d{4}\s*-?\s*\d{4}|\d{6})\s*-?\s*\d")


class StatusForm(StatesGroup):
    number = State()
    code = State()
    shown = State()


async def start_status(message: Message, state: FSMContext) -> None:
    await state.clear()
    await state.set_state(StatusForm.number)
    await message.answer(
        "Напишите номер обращения (например, 26-1234-5678-9) и код доступа из подтверждения — "
        "можно в одном сообщении через пробел.",
        reply_markup=inline([CANCEL]),
    )


@router.message(StatusForm.number, F.text & ~F.text.startswith("/"))
async def number(message: Message, state: FSMContext, container: Container) -> None:
    text = (message.text or "")[:200]
    found = NUMBER_RE.search(text)
    if found is None:
        await message.answer("Номер обращения выглядит так: 26-1234-5678-9. Проверьте и напишите ещё раз.")
        return
    code = (text[: found.start()] + text[found.end() :]).strip()
    if not code:
        await state.update_data(number=found.group(0))
        await state.set_state(StatusForm.code)
        await message.answer("Теперь напишите код доступа (8 букв и цифр).", reply_markup=inline([CANCEL]))
        return
    await _show(message, state, container, found.group(0), code)


@router.message(StatusForm.code, F.text & ~F.text.startswith("/"))
async def code(message: Message, state: FSMContext, container: Container) -> None:
    data = await state.get_data()
    await _show(message, state, container, data.get("number", ""), (message.text or "")[:100])


async def _show(message: Message, state: FSMContext, container: Container, number: str, code: str) -> None:
    async with container.sessions() as session:
        complaint = await find_complaint(session, number, code)
        view = await public_view(session, complaint) if complaint is not None else None
    if complaint is None or view is None:
        await state.set_state(StatusForm.number)
        await message.answer(
            "Не нашли обращение с таким номером и кодом. "
            "Проверьте их и напишите ещё раз: номер и код через пробел.",
            reply_markup=inline([CANCEL]),
        )
        return
    await state.set_state(StatusForm.shown)
    await state.update_data(complaint_id=complaint.id)
    own_chat = complaint.telegram_chat_id == message.chat.id
    keyboard = None if own_chat else inline([("Подписаться на изменения", "s:subscribe")])
    await message.answer(format_view(view, own_chat), reply_markup=keyboard or texts.menu_keyboard())


def format_view(view: dict[str, Any], own_chat: bool) -> str:
    lines = [f"Обращение № {view['tracking_number']}", f"Статус: {view['status_text']}"]
    for problem in view["problems"]:
        line = f"— {problem['category_name']}: {problem['status_text']}"
        if problem.get("inspection"):
            line += f", {problem['inspection']}"
        if problem.get("answer_due"):
            line += f", ответ до {ru_date(problem['answer_due'])}"
        if problem.get("redirected_to"):
            line += f", направлено: {problem['redirected_to']}"
        lines.append(line)
    if view["timeline"]:
        lines.append("")
        lines.append("История:")
        lines.extend(f"{ru_date(item['at'])} — {item['event']}" for item in view["timeline"][-8:])
    if own_chat:
        lines += ["", "Уведомления об изменениях приходят в этот чат."]
    return "\n".join(lines)


@router.callback_query(StatusForm.shown, F.data == "s:subscribe")
async def subscribe_chat(callback: CallbackQuery, state: FSMContext, container: Container) -> None:
    complaint_id = (await state.get_data()).get("complaint_id")
    if not isinstance(callback.message, Message) or complaint_id is None:
        await callback.answer(texts.STALE_BUTTON)
        return
    chat_id = callback.message.chat.id
    async with container.sessions.begin() as session:
        complaint = await session.get(Complaint, int(complaint_id))
        added = complaint is not None and await subscribe(session, complaint, Channel.TELEGRAM, str(chat_id))
    await callback.answer()
    await state.clear()
    await callback.message.answer(
        "Готово: сообщения об изменениях будут приходить в этот чат."
        if added
        else "Этот чат уже получает сообщения об изменениях.",
        reply_markup=texts.menu_keyboard(),
    )
