"""Litestar application factory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from litestar import Litestar, Request, Response, get
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.middleware.session.server_side import ServerSideSessionConfig
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.static_files import create_static_files_router
from litestar.stores.base import Store
from litestar.stores.file import FileStore
from litestar.stores.memory import MemoryStore
from litestar.template.config import TemplateConfig
from sqlalchemy.ext.asyncio import AsyncSession

from portal import knowledge
from portal.container import Container, build_container
from portal.settings import Settings, get_settings
from portal.web.api import ComplaintsController
from portal.web.auth import login_page, login_submit, logout
from portal.web.errors import error_handler
from portal.web.pages import PAGE_HANDLERS
from portal.web.ratelimit import CountingRateLimitMiddleware

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


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


# The JSON API (public or bearer-token), the health probe, static files and the schema need no session
# and render no form, so neither the session nor the CSRF middleware touches them.
SESSIONLESS_PATHS = ["^/api/", "^/health$", "^/static/", "^/schema"]


async def _is_public_write(request: Request[Any, Any, Any]) -> bool:
    """Rate-limit what anyone can post (complaints, sign-in, self-checks), not staff work.

    A coroutine: Litestar would run a plain function in a worker thread on every request."""
    return request.method == "POST" and not request.url.path.startswith(("/staff", "/api/v1/staff"))


def _stores(settings: Settings) -> dict[str, Store]:
    """Sessions and rate-limit counters: on disk for one machine, in Redis when several processes serve."""
    if settings.redis_url:
        from litestar.stores.redis import RedisStore

        root = RedisStore.with_client(url=settings.redis_url, namespace=settings.redis_namespace)
        return {"sessions": root.with_namespace("sessions"), "rate_limit": root.with_namespace("rate_limit")}
    return {
        "sessions": FileStore(settings.data_dir / "sessions", create_directories=True),
        "rate_limit": MemoryStore(),
    }


def create_app(settings: Settings | None = None, *, run_worker: bool | None = None) -> Litestar:
    settings = settings or get_settings()
    container = build_container(settings)
    embedded_worker = settings.worker_mode == "embedded" if run_worker is None else run_worker

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        worker = container.worker()
        task = asyncio.create_task(worker.run()) if embedded_worker else None
        # A serving portal opens the knowledge-base index at once, so the first reader does not wait.
        warm = asyncio.create_task(knowledge.warm_up(settings)) if embedded_worker else None
        try:
            yield
        finally:
            if task is not None:
                worker.stop()
                await task
            if warm is not None and not warm.done():
                warm.cancel()
            await container.close()

    secure_cookies = settings.public_base_url.startswith("https://")
    middleware: list[Any] = [
        ServerSideSessionConfig(
            max_age=settings.session_max_age_seconds,
            secure=secure_cookies,
            samesite="lax",
            httponly=True,
            # Without this every request that carries no session cookie (API clients, health probes,
            # static files) would write an empty session to the store and get a cookie back.
            exclude=SESSIONLESS_PATHS,
        ).middleware
    ]
    if settings.public_rate_limit_per_minute:
        middleware.append(
            RateLimitConfig(
                rate_limit=("minute", settings.public_rate_limit_per_minute),
                check_throttle_handler=_is_public_write,
                middleware_class=CountingRateLimitMiddleware,
            ).middleware
        )
    return Litestar(
        route_handlers=[
            health,
            home,
            login_page,
            login_submit,
            logout,
            ComplaintsController,
            *PAGE_HANDLERS,
            create_static_files_router(path="/static", directories=[STATIC], include_in_schema=False),
        ],
        stores=_stores(settings),
        middleware=middleware,
        # The JSON API authenticates by bearer token or is public; forms carry a CSRF token.
        csrf_config=CSRFConfig(
            secret=settings.secret(), cookie_secure=secure_cookies, exclude=SESSIONLESS_PATHS
        ),
        state=State({"container": container, "settings": settings}),
        dependencies={"session": Provide(provide_session)},
        lifespan=[lifespan],
        exception_handlers={Exception: error_handler},
        template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine),
        openapi_config=OpenAPIConfig(title="Trudnadzor API", version="1.0.0", path="/schema"),
        request_max_body_size=settings.upload_max_bytes * max(1, settings.upload_max_files) + 1024 * 1024,
    )
