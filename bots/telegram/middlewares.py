"""Per-user throttling and the clearing of dialogs abandoned for a day."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject, User

from bots.telegram import texts

Clock = Callable[[], float]
STAMP = "_ts"  # when the dialog was last touched, in FSM data
STALE_AFTER = 24 * 3600.0


async def _tell(event: TelegramObject, text: str) -> None:
    if isinstance(event, Message):
        await event.answer(text, reply_markup=texts.menu_keyboard())
    elif isinstance(event, CallbackQuery):
        await event.answer(text, show_alert=True)


class ThrottlingMiddleware(BaseMiddleware):
    """At most `limit` updates per `period` seconds per user; the first one over the limit is told why."""

    def __init__(self, limit: int = 30, period: float = 60.0, clock: Clock = time.monotonic) -> None:
        self.limit = limit
        self.period = period
        self.clock = clock
        self._seen: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None:
            return await handler(event, data)
        now = self.clock()
        seen = self._seen.setdefault(user.id, deque())
        while seen and now - seen[0] > self.period:
            seen.popleft()
        if len(seen) >= self.limit:
            if now - self._warned.get(user.id, -self.period) > self.period:
                self._warned[user.id] = now
                await _tell(event, texts.THROTTLED)
            return None
        seen.append(now)
        if len(self._seen) > 100_000:  # bound memory: forget idle users
            self._seen = {uid: q for uid, q in self._seen.items() if q and now - q[-1] <= self.period}
        return await handler(event, data)


class StaleDialogMiddleware(BaseMiddleware):
    """Dialog data carry a timestamp; a dialog untouched for a day is cleared before the update is handled."""

    def __init__(self, stale_after: float = STALE_AFTER, clock: Clock = time.time) -> None:
        self.stale_after = stale_after
        self.clock = clock

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        state: FSMContext | None = data.get("state")
        if state is None:
            return await handler(event, data)
        if await state.get_state() is not None:
            stamp = (await state.get_data()).get(STAMP)
            if not isinstance(stamp, int | float) or self.clock() - stamp > self.stale_after:
                await state.clear()
                data["raw_state"] = None
                await _tell(event, texts.STALE)
                if isinstance(event, CallbackQuery):
                    return None  # the button belonged to the cleared dialog
        result = await handler(event, data)
        if await state.get_state() is not None:
            await state.update_data({STAMP: self.clock()})
        return result
