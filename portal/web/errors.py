"""Error responses: problem details (RFC 9457) for the API, Russian HTML pages for people."""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY, HTTP_500_INTERNAL_SERVER_ERROR

log = logging.getLogger(__name__)

RUSSIAN_ERROR_TITLES = {
    400: "Неверный запрос",
    401: "Нужно войти в систему",
    403: "Доступ запрещён",
    404: "Страница не найдена",
    405: "Метод не поддерживается",
    413: "Слишком большой запрос",
    422: "Проверьте введённые данные",
    429: "Слишком много запросов, попробуйте позже",
    500: "Внутренняя ошибка сервера",
    503: "Сервис временно недоступен",
}

# Pydantic/msgspec messages a client may trigger, in Russian.
_VALIDATION_RU = [
    (r"^Field required|^Object missing required field", "Обязательное поле."),
    (r"at most (\d+) character", "Слишком длинное значение: не более {0} символов."),
    (r"at least (\d+) character", "Слишком короткое значение: не менее {0} символов."),
    (r"valid string|Expected `str`", "Ожидается текст."),
    (r"valid boolean|Expected `bool`", "Ожидается да или нет (true/false)."),
    (r"valid integer|Expected `int`", "Ожидается целое число."),
    (r"Input should be '([^']+)'", "Допустимое значение: {0}."),
    (r"JSON|decode", "Тело запроса должно быть корректным JSON."),
]


def russian_validation_message(message: str) -> str:
    for pattern, russian in _VALIDATION_RU:
        match = re.search(pattern, message)
        if match:
            return russian.format(*match.groups())
    return "Недопустимое значение."


class UnprocessableEntity(HTTPException):
    """422 with per-field Russian messages."""

    status_code = HTTP_422_UNPROCESSABLE_ENTITY

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(detail="Проверьте введённые данные.")
        self.errors = errors


def _is_api(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith(("/api/", "/health", "/schema"))


def _field_errors(exc: Exception) -> dict[str, str] | None:
    if isinstance(exc, UnprocessableEntity):
        return exc.errors
    if isinstance(exc, ValidationException) and isinstance(exc.extra, list):
        errors: dict[str, str] = {}
        for item in exc.extra:
            if isinstance(item, dict):
                errors[str(item.get("key") or "body")] = russian_validation_message(
                    str(item.get("message", ""))
                )
        return errors or None
    return None


def error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    status = exc.status_code if isinstance(exc, HTTPException) else HTTP_500_INTERNAL_SERVER_ERROR
    errors = _field_errors(exc)
    if errors is not None:
        status = HTTP_422_UNPROCESSABLE_ENTITY  # a well-formed request with bad values
    if status >= 500:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    title = RUSSIAN_ERROR_TITLES.get(status, "Ошибка")
    detail = exc.detail if isinstance(exc, HTTPException) and status < 500 else title
    if errors is not None or detail == HTTPStatus(status).phrase or detail.startswith("Validation failed"):
        detail = title  # Litestar's English defaults say nothing more than the title
    # The exception's own headers stay (e.g. RateLimit-* on a 429).
    headers = exc.headers if isinstance(exc, HTTPException) and status < 500 else None
    if _is_api(request):
        body: dict[str, Any] = {
            "type": "about:blank",
            "title": title,
            "status": status,
            "detail": detail,
            "instance": request.url.path,
        }
        if errors:
            body["errors"] = errors
        return Response(body, status_code=status, media_type="application/problem+json", headers=headers)
    return Template(  # type: ignore[return-value]
        template_name="error.html",
        context={"status": status, "title": title, "detail": detail, "errors": errors or {}},
        status_code=status,
        media_type=MediaType.HTML,
        headers=headers,
    )
