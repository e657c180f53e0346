"""Everything no feature handled: stickers, edits, unknown commands, stale buttons. Registered last."""

from __future__ import annotations

from aiogram import F
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bots.telegram import texts
from bots.telegram.routing import RouterSpec

router = RouterSpec("fallback")


@router.edited_message()
async def edited(message: Message) -> None:
    await message.answer(texts.EDITED)


@router.message(F.sticker)
async def sticker(message: Message) -> None:
    await message.answer(texts.STICKER, reply_markup=texts.menu_keyboard())


@router.message(F.text.startswith("/"))
async def unknown_command(message: Message) -> None:
    await message.answer(texts.UNKNOWN_COMMAND, reply_markup=texts.menu_keyboard())


@router.message()
async def anything_else(message: Message, state: FSMContext) -> None:
    if await state.get_state() is not None:
        await message.answer(texts.NOT_UNDERSTOOD_IN_DIALOG)
    else:
        await message.answer(texts.NOT_UNDERSTOOD, reply_markup=texts.menu_keyboard())


@router.callback_query()
async def stale_button(callback: CallbackQuery) -> None:
    await callback.answer(texts.STALE_BUTTON)
