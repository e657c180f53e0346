"""Composition root: builds the engine, sessions, job queue and handlers from the settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from portal.db import create_engine, session_factory
from portal.jobs import Handler, JobQueue, Worker
from portal.settings import Settings


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    queue: JobQueue
    handlers: dict[str, Handler] = field(default_factory=dict)

    def worker(self) -> Worker:
        return Worker(self.queue, self.handlers, poll_seconds=self.settings.worker_poll_seconds)

    async def close(self) -> None:
        await self.engine.dispose()


def build_container(settings: Settings) -> Container:
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    queue = JobQueue(sessions, visibility_timeout=timedelta(seconds=settings.job_visibility_timeout_seconds))
    container = Container(settings=settings, engine=engine, sessions=sessions, queue=queue)
    container.handlers.update(job_handlers(container))
    return container


def job_handlers(container: Container) -> dict[str, Handler]:
    """Every kind of background job and the service function that runs it."""
    return {}
