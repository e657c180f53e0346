"""Handlers declared once per module, built into a fresh aiogram Router per dispatcher.

aiogram attaches a Router to one parent only; tests and the benchmark build several dispatchers,
so modules record their handlers here and `build()` makes the Router.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Router

Handler = Callable[..., Any]


class RouterSpec:
    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: list[tuple[str, Handler, tuple[Any, ...]]] = []

    def _on(self, observer: str, filters: tuple[Any, ...]) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self._entries.append((observer, handler, filters))
            return handler

        return register

    def message(self, *filters: Any) -> Callable[[Handler], Handler]:
        return self._on("message", filters)

    def edited_message(self, *filters: Any) -> Callable[[Handler], Handler]:
        return self._on("edited_message", filters)

    def callback_query(self, *filters: Any) -> Callable[[Handler], Handler]:
        return self._on("callback_query", filters)

    def build(self) -> Router:
        router = Router(name=self.name)
        for observer, handler, filters in self._entries:
            getattr(router, observer).register(handler, *filters)
        return router
