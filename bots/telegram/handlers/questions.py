"""Questions answered from the knowledge base; «не помогло» turns the question into a complaint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import F
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bots.telegram import texts
from bots.telegram.handlers.complaint import start_complaint
from bots.telegram.routing import RouterSpec
from bots.telegram.texts import CANCEL, inline
from portal.container import Container

router = RouterSpec("questions")

# `search_kb(query) -> {"hits": [{"id","title","score","refs","snippet","url"}], "no_answer": bool}`
KbSearch = Callable[[str], Awaitable[dict[str, Any]]]
MAX_QUESTION = 1000


class QuestionForm(StatesGroup):
    text = State()
    answered = State()


async def start_question(message: Message, state: FSMContext) -> None:
    await state.clear()
    await state.set_state(QuestionForm.text)
    await message.answer(
        "Напишите вопрос своими словами, например: «Сколько дней отпуска положено в год?»",
        reply_markup=inline([CANCEL]),
    )


@router.message(QuestionForm.text, F.text & ~F.text.startswith("/"))
@router.message(QuestionForm.answered, F.text & ~F.text.startswith("/"))
async def question(
    message: Message, state: FSMContext, container: Container, kb_search: KbSearch | None
) -> None:
    query = (message.text or "").strip()[:MAX_QUESTION]
    await state.set_state(QuestionForm.answered)
    await state.update_data(question=query)
    offer = inline([("Помогло", "q:ok"), ("Не помогло", "q:complaint")])
    if kb_search is None:
        await message.answer(
            "Поиск по базе знаний сейчас недоступен. Если ваши права нарушены, можно подать жалобу.",
            reply_markup=inline([("Подать жалобу", "q:complaint")], [CANCEL]),
        )
        return
    result = await kb_search(query)
    hits = result.get("hits", [])
    if result.get("no_answer") or not hits:
        await message.answer(
            "Готового ответа не нашли. Можно переформулировать вопрос или подать жалобу — "
            "её рассмотрит инспектор.",
            reply_markup=inline([("Подать жалобу", "q:complaint")], [CANCEL]),
        )
        return
    base = container.settings.public_base_url.rstrip("/")
    parts = ["Вот что нашлось:"]
    for index, hit in enumerate(hits[:3], start=1):
        url = str(hit.get("url") or "")
        link = url if url.startswith(("http://", "https://")) else f"{base}/{url.lstrip('/')}"
        part = f"{index}. {hit.get('title', '')}\n{hit.get('snippet', '')}".strip()
        if hit.get("refs"):
            part += "\n" + ", ".join(str(ref) for ref in hit["refs"][:3])
        parts.append(f"{part}\nПодробнее: {link}")
    parts.append("Помог ли ответ?")
    await message.answer("\n\n".join(parts)[:4000], reply_markup=offer, disable_web_page_preview=True)


@router.callback_query(QuestionForm.answered, F.data == "q:ok")
async def helped(callback: CallbackQuery, state: FSMContext) -> None:
    await callback.answer()
    await state.clear()
    if isinstance(callback.message, Message):
        await callback.message.answer("Рады, что помогли!", reply_markup=texts.menu_keyboard())


@router.callback_query(QuestionForm.answered, F.data == "q:complaint")
async def did_not_help(callback: CallbackQuery, state: FSMContext, container: Container) -> None:
    await callback.answer()
    question_text = (await state.get_data()).get("question", "")
    if isinstance(callback.message, Message):
        await start_complaint(callback.message, state, container, prefill=question_text)
