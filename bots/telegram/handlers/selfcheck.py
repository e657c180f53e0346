"""Employer self-check in the chat for the short checklists, scored by `portal.selfcheck.assess`."""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bots.telegram import texts
from bots.telegram.routing import RouterSpec
from bots.telegram.texts import CANCEL, inline
from portal.container import Container

router = RouterSpec("selfcheck")

ANSWER_BUTTONS = [("Да", "k:a:yes"), ("Нет", "k:a:no"), ("Не относится", "k:a:na")]


class SelfCheckForm(StatesGroup):
    choose = State()
    answering = State()


def short_checklists(checklists: dict[str, Any]) -> list[Any]:
    return sorted((c for c in checklists.values() if c.short), key=lambda c: c.title)


async def start_selfcheck(message: Message, state: FSMContext, checklists: dict[str, Any]) -> None:
    await state.clear()
    available = short_checklists(checklists)
    if not available:
        await message.answer("Самопроверка сейчас недоступна.", reply_markup=texts.menu_keyboard())
        return
    await state.set_state(SelfCheckForm.choose)
    await message.answer(
        "Самопроверка для работодателя: несколько вопросов «да/нет», в конце — итог и что исправить. "
        "Выберите тему:",
        reply_markup=inline(*[[(c.title, f"k:c:{c.id}")] for c in available], [CANCEL]),
    )


@router.callback_query(SelfCheckForm.choose, F.data.startswith("k:c:"))
async def choose(callback: CallbackQuery, state: FSMContext, checklists: dict[str, Any]) -> None:
    checklist = checklists.get((callback.data or "")[4:])
    await callback.answer()
    if checklist is None or not checklist.short or not isinstance(callback.message, Message):
        return
    await state.set_state(SelfCheckForm.answering)
    await state.update_data(checklist=checklist.id, index=0, answers={})
    await _ask(callback.message, checklist, 0)


async def _in_progress(
    callback: CallbackQuery, state: FSMContext, checklists: dict[str, Any]
) -> tuple[Message, Any, int, dict[str, Any]] | None:
    """The chat message, the checklist being answered, the question's index and the dialog data; or None."""
    data = await state.get_data()
    checklist = checklists.get(data.get("checklist", ""))
    if checklist is None or not isinstance(callback.message, Message):
        return None
    return callback.message, checklist, int(data.get("index", 0)), data


async def _ask(message: Message, checklist: Any, index: int) -> None:
    item = checklist.items[index]
    await message.answer(
        f"{checklist.title}\nВопрос {index + 1} из {len(checklist.items)}\n\n{item.question}",
        reply_markup=inline(ANSWER_BUTTONS, [("« Назад", "k:back"), CANCEL]),
    )


@router.callback_query(SelfCheckForm.answering, F.data.startswith("k:a:"))
async def answer(
    callback: CallbackQuery, state: FSMContext, container: Container, checklists: dict[str, Any]
) -> None:
    from portal.selfcheck import assess

    await callback.answer()
    current = await _in_progress(callback, state, checklists)
    if current is None:
        return
    message, checklist, index, data = current
    answers = dict(data.get("answers", {}))
    if index >= len(checklist.items):
        return
    answers[checklist.items[index].id] = (callback.data or "")[4:]
    index += 1
    if index < len(checklist.items):
        await state.update_data(index=index, answers=answers)
        await _ask(message, checklist, index)
        return
    result = assess(checklist, answers)
    await state.clear()
    base = container.settings.public_base_url.rstrip("/")
    await message.answer(
        format_result(result.to_dict(), f"{base}/self-check/{checklist.id}"),
        reply_markup=texts.menu_keyboard(),
        disable_web_page_preview=True,
    )


@router.callback_query(SelfCheckForm.answering, F.data == "k:back")
async def back(callback: CallbackQuery, state: FSMContext, checklists: dict[str, Any]) -> None:
    await callback.answer()
    current = await _in_progress(callback, state, checklists)
    if current is None:
        return
    message, checklist, index, _ = current
    if index == 0:
        await start_selfcheck(message, state, checklists)
        return
    await state.update_data(index=index - 1)
    await _ask(message, checklist, index - 1)


def format_result(result: dict[str, Any], report_url: str) -> str:
    lines = [f"Итог: {result['checklist_title']}", result["summary"]]
    violations = result["violations"]
    if violations:
        lines += ["", "Что исправить:"]
        for item in violations[:5]:
            lines.append(f"• {item['fix']} ({item['ref']}; риск: {item['severity_label']})")
        if len(violations) > 5:
            lines.append(f"…и ещё {len(violations) - 5}.")
    lines += ["", f"Полный отчёт с пояснениями: {report_url}"]
    return "\n".join(lines)
