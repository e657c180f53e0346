"""Litestar application factory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import sqlalchemy as sa
from litestar import Litestar, Response, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig
from sqlalchemy.ext.asyncio import AsyncSession

from portal.container import Container, build_container
from portal.settings import Settings, get_settings
from portal.web.api import ComplaintsController
from portal.web.errors import error_handler

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent / "templates"


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
        route_handlers=[health, home, ComplaintsController],
        state=State({"container": container, "settings": settings}),
        dependencies={"session": Provide(provide_session)},
        lifespan=[lifespan],
        exception_handlers={Exception: error_handler},
        template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine),
        openapi_config=OpenAPIConfig(title="Trudnadzor API", version="1.0.0", path="/schema"),
        request_max_body_size=settings.upload_max_bytes * max(1, settings.upload_max_files) + 1024 * 1024,
    )


__all__ = ["create_app", "NotFoundException"]
