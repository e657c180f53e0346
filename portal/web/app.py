"""Litestar application factory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from http import HTTPStatus
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from litestar import Litestar, MediaType, Request, Response, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.template.config import TemplateConfig
from sqlalchemy.ext.asyncio import AsyncSession

from portal.container import Container, build_container
from portal.settings import Settings, get_settings

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent / "templates"

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


def _is_api(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith(("/api/", "/health", "/schema"))


def error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Problem details (RFC 9457) for the API, a Russian HTML page for people."""
    status = exc.status_code if isinstance(exc, HTTPException) else HTTP_500_INTERNAL_SERVER_ERROR
    if status >= 500:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    title = RUSSIAN_ERROR_TITLES.get(status, "Ошибка")
    detail = exc.detail if isinstance(exc, HTTPException) and status < 500 else title
    if detail == HTTPStatus(status).phrase:  # Litestar's English default says nothing more than the title
        detail = title
    if _is_api(request):
        body: dict[str, Any] = {
            "type": "about:blank",
            "title": title,
            "status": status,
            "detail": detail,
            "instance": request.url.path,
        }
        if isinstance(exc, ValidationException) and exc.extra:
            body["errors"] = exc.extra
        return Response(body, status_code=status, media_type="application/problem+json")
    return Template(  # type: ignore[return-value]
        template_name="error.html",
        context={"status": status, "title": title, "detail": detail},
        status_code=status,
        media_type=MediaType.HTML,
    )


async def provide_session(state: State) -> AsyncIterator[AsyncSession]:
    container: Container = state.container
    async with container.sessions() as session:
        yield session


@get("/health", tags=["service"])
async def health(state: State) -> Response[dict[str, str]]:
    """Liveness and database check: 200 when the database answers, 503 otherwise."""
    container: Container = state.container
    try:
        async with container.engine.connect() as connection:
            await asyncio.wait_for(connection.execute(sa.text("SELECT 1")), timeout=5)
    except Exception:
        log.warning("health check: database unavailable")
        return Response({"status": "unavailable", "database": "error"}, status_code=503)
    return Response({"status": "ok", "database": "ok"})


@get("/", include_in_schema=False)
async def home() -> Template:
    return Template(template_name="home.html")


def create_app(settings: Settings | None = None, *, run_worker: bool | None = None) -> Litestar:
    settings = settings or get_settings()
    container = build_container(settings)
    embedded_worker = settings.worker_mode == "embedded" if run_worker is None else run_worker

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        worker = container.worker()
        task = asyncio.create_task(worker.run()) if embedded_worker else None
        try:
            yield
        finally:
            if task is not None:
                worker.stop()
                await task
            await container.close()

    return Litestar(
        route_handlers=[health, home],
        state=State({"container": container, "settings": settings}),
        dependencies={"session": Provide(provide_session)},
        lifespan=[lifespan],
        exception_handlers={Exception: error_handler},
        template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine),
        openapi_config=OpenAPIConfig(title="Trudnadzor API", version="1.0.0", path="/schema"),
        request_max_body_size=settings.upload_max_bytes * max(1, settings.upload_max_files) + 1024 * 1024,
    )


__all__ = ["create_app", "NotFoundException"]
