"""Local stand-ins for tests and the benchmark: a Bot API server and an SMTP sink, both on loopback.

`BotApiStandIn` answers like the Telegram Bot API (JSON `{"ok": true, "result": ...}`) and records every
call; `MailSink` is an aiosmtpd server that keeps each message once per Message-ID (as a deduplicating
mail store does) and counts every delivery.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiohttp import web

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Труднадзор", "username": "trudnadzor_test_bot"}


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]


@dataclass
class BotApiStandIn:
    host: str = "127.0.0.1"
    calls: list[ApiCall] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # file_id -> content, for getFile/download
    # chat id -> (error code, description): sendMessage to it fails like the real API
    failing_chats: dict[int, tuple[int, str]] = field(default_factory=dict)
    updates: list[dict[str, Any]] = field(default_factory=list)  # served by getUpdates (polling)
    _runner: web.AppRunner | None = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1000))
    port: int = 0

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> BotApiStandIn:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._method)
        app.router.add_get("/file/bot{token}/{path:.*}", self._file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[dict[str, Any]]:
        return [
            c.params
            for c in self.calls
            if c.method == method and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
        ]

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [str(p.get("text", "")) for p in self.sent("sendMessage", chat_id)]

    async def _method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = {}
        if request.content_type == "application/json":
            params = await request.json()
        else:
            for key, value in (await request.post()).items():
                if isinstance(value, str):
                    try:
                        params[key] = json.loads(value) if value[:1] in "{[" else value
                    except ValueError:
                        params[key] = value
        self.calls.append(ApiCall(method, params))
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            ready = [u for u in self.updates if u["update_id"] >= offset]
            if not ready:
                await asyncio.sleep(0.05)  # a short long-poll
            return web.json_response({"ok": True, "result": ready})
        return self._answer(method, params)

    def _answer(self, method: str, params: dict[str, Any]) -> web.Response:
        def ok(result: Any) -> web.Response:
            return web.json_response({"ok": True, "result": result})

        if method == "getMe":
            return ok(BOT_USER)
        if method in {"sendMessage", "editMessageText"}:
            chat_id = int(params.get("chat_id", 0))
            if chat_id in self.failing_chats:
                code, description = self.failing_chats[chat_id]
                return web.json_response(
                    {"ok": False, "error_code": code, "description": description}, status=code
                )
            return ok(
                {
                    "message_id": next(self._ids),
                    "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"},
                    "from": BOT_USER,
                    "text": params.get("text", ""),
                }
            )
        if method == "getFile":
            file_id = str(params.get("file_id"))
            if file_id not in self.files:
                return web.json_response(
                    {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"},
                    status=400,
                )
            return ok(
                {
                    "file_id": file_id,
                    "file_unique_id": file_id,
                    "file_size": len(self.files[file_id]),
                    "file_path": f"documents/{file_id}",
                }
            )
        # answerCallbackQuery, setWebhook, deleteWebhook, editMessageReplyMarkup, sendChatAction, ...
        return ok(True)

    async def _file(self, request: web.Request) -> web.Response:
        file_id = request.match_info["path"].rsplit("/", 1)[-1]
        if file_id not in self.files:
            raise web.HTTPNotFound()
        return web.Response(body=self.files[file_id])


class _SinkHandler:
    def __init__(self, sink: MailSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content or envelope.content)
        assert isinstance(message, EmailMessage)
        self.sink.deliveries += 1
        key = str(message.get("Message-ID") or f"no-id-{self.sink.deliveries}")
        if self.sink.fail_next > 0:
            self.sink.fail_next -= 1
            return "451 4.3.0 Try again later"
        self.sink.messages.setdefault(key, message)
        return "250 OK"


@dataclass
class MailSink:
    host: str = "127.0.0.1"
    port: int = 0
    messages: dict[str, EmailMessage] = field(default_factory=dict)  # by Message-ID: duplicates collapse
    deliveries: int = 0  # every DATA, duplicates included
    fail_next: int = 0  # answer the next N deliveries with a temporary failure
    _server: asyncio.Server | None = None

    async def start(self) -> MailSink:
        from aiosmtpd.smtp import SMTP

        handler = _SinkHandler(self)
        loop = asyncio.get_running_loop()
        # a fixed host name: otherwise aiosmtpd resolves ours on the event loop for every connection
        self._server = await loop.create_server(
            lambda: SMTP(handler, hostname="localhost", enable_SMTPUTF8=True), self.host, 0
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages.values() if address in str(m.get("To", ""))]


# --------------------------------------------------------------------------- Telegram updates

_update_ids = itertools.count(1)


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Тест", "language_code": "ru"}


def _message(user_id: int, message_id: int, **content: Any) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private"},
        "from": _user(user_id),
        **content,
    }


def message_update(
    user_id: int, text: str | None = None, *, message_id: int | None = None, **content: Any
) -> Any:
    """An Update with a private message; `content` adds photo=[...], document={...}, sticker={...} etc."""
    from aiogram.types import Update

    update_id = next(_update_ids)
    if text is not None:
        content["text"] = text
        if text.startswith("/"):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return Update.model_validate(
        {"update_id": update_id, "message": _message(user_id, message_id or update_id, **content)}
    )


def edited_update(user_id: int, text: str, message_id: int = 1) -> Any:
    from aiogram.types import Update

    body = _message(user_id, message_id, text=text, edit_date=int(time.time()))
    return Update.model_validate({"update_id": next(_update_ids), "edited_message": body})


def callback_update(user_id: int, data: str, *, message_id: int = 1) -> Any:
    """A button press on a message the bot sent earlier (`message_id`)."""
    from aiogram.types import Update

    message = _message(user_id, message_id, text="…")
    message["from"] = BOT_USER
    return Update.model_validate(
        {
            "update_id": next(_update_ids),
            "callback_query": {
                "id": str(next(_update_ids)),
                "from": _user(user_id),
                "chat_instance": str(user_id),
                "message": message,
                "data": data,
            },
        }
    )
