"""The main menu, commands and cancel: they work in any state, so this router comes first."""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bots.telegram import texts
from bots.telegram.handlers.complaint import start_complaint
from bots.telegram.handlers.questions import start_question
from bots.telegram.handlers.selfcheck import start_selfcheck
from bots.telegram.handlers.status import start_status
from bots.telegram.routing import RouterSpec
from portal.container import Container

router = RouterSpec("menu")


@router.message(CommandStart())
@router.message(Command("menu"))
async def start(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(texts.GREETING, reply_markup=texts.menu_keyboard())


@router.message(Command("help"))
async def help_(message: Message) -> None:
    await message.answer(texts.HELP, reply_markup=texts.menu_keyboard())


@router.message(Command("cancel"))
@router.message(F.text.lower().in_(texts.CANCEL_WORDS))
async def cancel(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(texts.CANCELLED, reply_markup=texts.menu_keyboard())


@router.callback_query(F.data == "c:cancel")
async def cancel_button(callback: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.answer(texts.CANCELLED, reply_markup=texts.menu_keyboard())


@router.message(F.text == texts.MENU_COMPLAINT)
@router.message(Command("complaint"))
async def complaint(message: Message, state: FSMContext, container: Container) -> None:
    await start_complaint(message, state, container)


@router.message(F.text == texts.MENU_STATUS)
@router.message(Command("status"))
async def status(message: Message, state: FSMContext) -> None:
    await start_status(message, state)


@router.message(F.text == texts.MENU_QUESTION)
@router.message(Command("question"))
async def question(message: Message, state: FSMContext) -> None:
    await start_question(message, state)


@router.message(F.text == texts.MENU_SELFCHECK)
@router.message(Command("selfcheck"))
async def selfcheck(message: Message, state: FSMContext, checklists: dict[str, Any]) -> None:
    await start_selfcheck(message, state, checklists)
