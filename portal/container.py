"""Composition root: builds the engine, sessions, job queue and handlers from the settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from portal.analysis import TextAnalyzer
from portal.db import create_engine, session_factory
from portal.jobs import Handler, JobQueue, Periodic, Worker
from portal.security import use_access_code_key
from portal.settings import Settings

# The deadline check runs hourly: reminders are due by the day, so an hour is early enough.
PERIODIC_JOBS = (Periodic("deadline_check", timedelta(hours=1)),)


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    queue: JobQueue
    handlers: dict[str, Handler] = field(default_factory=dict)
    analyzer_factory: Callable[[], TextAnalyzer] = field(default=lambda: default_analyzer())
    _analyzer: TextAnalyzer | None = None

    def analyzer(self) -> TextAnalyzer:
        """The NLP analyzer, loaded on first use (its models take seconds to load)."""
        if self._analyzer is None:
            self._analyzer = self.analyzer_factory()
        return self._analyzer

    def worker(self) -> Worker:
        return Worker(
            self.queue, self.handlers, poll_seconds=self.settings.worker_poll_seconds, periodic=PERIODIC_JOBS
        )

    async def close(self) -> None:
        await self.engine.dispose()


def build_container(settings: Settings) -> Container:
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    queue = JobQueue(sessions, visibility_timeout=timedelta(seconds=settings.job_visibility_timeout_seconds))
    container = Container(settings=settings, engine=engine, sessions=sessions, queue=queue)
    use_access_code_key(settings.secret())
    container.handlers.update(job_handlers(container))
    return container


def default_analyzer() -> TextAnalyzer:
    from nlp import Analyzer

    return Analyzer.default()


def job_handlers(container: Container) -> dict[str, Handler]:
    """Every kind of background job and the service function that runs it."""
    from portal.analysis import analyse_complaint, route_analysed_complaint
    from portal.escalation_service import ESCALATION_JOB, check_deadlines
    from portal.intake import ANALYSE_JOB
    from portal.models import utcnow
    from portal.plugins import plugins
    from portal.routing_service import legal_date

    async def analyse(payload: dict[str, Any]) -> None:
        await analyse_complaint(container.sessions, container.analyzer(), int(payload["complaint_id"]))

    async def route(payload: dict[str, Any]) -> None:
        await route_analysed_complaint(container.sessions, int(payload["complaint_id"]))

    async def deadlines(payload: dict[str, Any]) -> None:
        async with container.sessions.begin() as session:
            await check_deadlines(session, legal_date(utcnow()))

    handlers: dict[str, Handler] = {ANALYSE_JOB: analyse, "route_complaint": route, ESCALATION_JOB: deadlines}
    for plugin in plugins():
        handlers.update(plugin.job_handlers(container))
    return handlers
