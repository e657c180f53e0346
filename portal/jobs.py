"""A durable, database-backed job queue with at-least-once delivery.

A worker claims jobs by moving them to RUNNING with a lease (`locked_until`). A job whose worker crashed
becomes claimable again when the lease expires. Failures are retried with exponential backoff; after
`max_attempts` a job is DEAD (dead letter) and shown to admins. On PostgreSQL the claim uses
`FOR UPDATE SKIP LOCKED`, so many workers never take the same job; SQLite serialises writers itself.
Handlers must be idempotent: a job may run again after a crash between its work and its completion.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import traceback
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from portal.models import Job, JobState, utcnow

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], Awaitable[None]]


class RetryLater(Exception):
    """Raised by a handler that cannot run yet (e.g. a peer is down); retried with backoff."""


def backoff(attempt: int, base_seconds: float = 5.0, cap_seconds: float = 3600.0) -> timedelta:
    return timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempt - 1)))


DEFAULT_MAX_ATTEMPTS = 5


def job_values(
    kind: str,
    payload: Mapping[str, Any] | None = None,
    *,
    dedupe_key: str | None = None,
    run_at: datetime | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The columns of a new queued job (`enqueue` inserts them; intake writes them in its own statement)."""
    now = now or utcnow()
    return {
        "kind": kind,
        "payload": dict(payload or {}),
        "dedupe_key": dedupe_key,
        "state": JobState.QUEUED,
        "attempts": 0,
        "max_attempts": max_attempts,
        "run_at": run_at or now,
        "created_at": now,
    }


async def enqueue(
    session: AsyncSession,
    kind: str,
    payload: Mapping[str, Any] | None = None,
    *,
    dedupe_key: str | None = None,
    run_at: datetime | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> None:
    """Add a job in the caller's transaction, so the job exists exactly when the caller's data does."""
    values = job_values(kind, payload, dedupe_key=dedupe_key, run_at=run_at, max_attempts=max_attempts)
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(Job).values(**values)
    if dedupe_key is not None:
        statement = statement.on_conflict_do_nothing(index_elements=["dedupe_key"])
    await session.execute(statement)


@dataclass
class ClaimedJob:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int


@dataclass
class JobQueue:
    sessions: async_sessionmaker[AsyncSession]
    visibility_timeout: timedelta = timedelta(minutes=5)
    worker_id: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{id(object())}")

    async def claim(self, limit: int = 1) -> list[ClaimedJob]:
        now = utcnow()
        claimable = (
            sa.select(Job.id)
            .where(
                sa.or_(
                    sa.and_(Job.state == JobState.QUEUED, Job.run_at <= now),
                    # A lease that ran out: its worker died or hung.
                    sa.and_(Job.state == JobState.RUNNING, Job.locked_until < now),
                )
            )
            .order_by(Job.run_at, Job.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        statement = (
            sa.update(Job)
            .where(Job.id.in_(claimable.scalar_subquery()))
            .values(
                state=JobState.RUNNING,
                locked_by=self.worker_id,
                locked_until=now + self.visibility_timeout,
                attempts=Job.attempts + 1,
            )
            .returning(Job.id, Job.kind, Job.payload, Job.attempts, Job.max_attempts)
            .execution_options(synchronize_session=False)
        )
        async with self.sessions.begin() as session:
            rows = (await session.execute(statement)).all()
        return [ClaimedJob(*row) for row in rows]

    async def complete(self, job: ClaimedJob) -> bool:
        """Mark done; False when the lease was lost and another worker owns the job now."""
        async with self.sessions.begin() as session:
            result = await session.execute(
                sa.update(Job)
                .where(Job.id == job.id, Job.locked_by == self.worker_id, Job.state == JobState.RUNNING)
                .values(state=JobState.DONE, finished_at=utcnow(), locked_until=None, last_error=None)
                .execution_options(synchronize_session=False)
            )
        return bool(getattr(result, "rowcount", 0))

    async def fail(self, job: ClaimedJob, error: str) -> JobState:
        dead = job.attempts >= job.max_attempts
        state = JobState.DEAD if dead else JobState.QUEUED
        values: dict[str, Any] = {"state": state, "last_error": error[-4000:], "locked_until": None}
        if dead:
            values["finished_at"] = utcnow()
        else:
            values["run_at"] = utcnow() + backoff(job.attempts)
        async with self.sessions.begin() as session:
            await session.execute(
                sa.update(Job)
                .where(Job.id == job.id, Job.locked_by == self.worker_id, Job.state == JobState.RUNNING)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
        return state

    async def retry_dead(self, job_id: int) -> bool:
        """An admin's explicit retry of a dead-lettered job."""
        async with self.sessions.begin() as session:
            result = await session.execute(
                sa.update(Job)
                .where(Job.id == job_id, Job.state == JobState.DEAD)
                .values(state=JobState.QUEUED, attempts=0, run_at=utcnow(), finished_at=None)
                .execution_options(synchronize_session=False)
            )
        return bool(getattr(result, "rowcount", 0))


@dataclass(frozen=True)
class Periodic:
    """A job enqueued once per interval, however many workers run (the slot is its dedupe key)."""

    kind: str
    every: timedelta

    def slot_key(self, now: datetime) -> str:
        return f"periodic:{self.kind}:{int(now.timestamp() // self.every.total_seconds())}"


async def schedule_periodic(sessions: async_sessionmaker[AsyncSession], periodic: Sequence[Periodic]) -> None:
    now = utcnow()
    async with sessions.begin() as session:
        for item in periodic:
            await enqueue(
                session, item.kind, {"scheduled_at": now.isoformat()}, dedupe_key=item.slot_key(now)
            )


@dataclass
class Worker:
    """Runs claimed jobs through their handlers until stopped, and enqueues the periodic jobs."""

    queue: JobQueue
    handlers: Mapping[str, Handler]
    poll_seconds: float = 0.5
    batch: int = 4
    periodic: Sequence[Periodic] = ()
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)
    _next_schedule: float = 0.0

    def stop(self) -> None:
        self._stopping.set()

    async def run_once(self) -> int:
        """Claim and run one batch; return how many jobs ran."""
        jobs = await self.queue.claim(self.batch)
        for job in jobs:
            try:
                await self._run(job)
            except OperationalError:
                # Its outcome could not be recorded (the database is busy or gone): the job stays RUNNING and
                # runs again when its lease ends; the rest of the batch must not wait for that.
                log.warning(
                    "job %s (%s): outcome not recorded, it runs again after its lease", job.id, job.kind
                )
        return len(jobs)

    async def _schedule(self) -> None:
        loop_time = asyncio.get_running_loop().time()
        if self.periodic and loop_time >= self._next_schedule:
            await schedule_periodic(self.queue.sessions, self.periodic)
            self._next_schedule = (
                loop_time + 60
            )  # a slot is at least minutes long: checking each minute is enough

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self._schedule()
                ran = await self.run_once()
            except Exception:  # a database hiccup must not kill the worker
                log.exception("job worker: claim failed")
                ran = 0
            if not ran:
                try:
                    await asyncio.wait_for(self._stopping.wait(), timeout=self.poll_seconds)
                except TimeoutError:
                    pass

    async def run_until_idle(self, max_rounds: int = 1000, claim_retries: int = 3) -> int:
        """Run until no job is claimable (tests, CLI one-shots).

        Like `run`, a claim that fails on a passing database error (SQLite busy beyond its timeout, a
        dropped connection) is tried again after a pause; only `claim_retries` failures in a row end the run.
        """
        total = 0
        failures = 0
        for _ in range(max_rounds):
            try:
                ran = await self.run_once()
            except OperationalError:
                failures += 1
                if failures > claim_retries:
                    raise
                log.warning(
                    "job worker: claim failed (%s of %s), retrying", failures, claim_retries, exc_info=True
                )
                await asyncio.sleep(self.poll_seconds)
                continue
            failures = 0
            if not ran:
                break
            total += ran
        return total

    async def _run(self, job: ClaimedJob) -> None:
        handler = self.handlers.get(job.kind)
        if handler is None:
            await self.queue.fail(job, f"no handler for job kind {job.kind!r}")
            return
        try:
            await handler(job.payload)
        except Exception as exc:
            # Only the type and traceback are kept: payloads and messages may hold personal data.
            detail = "".join(traceback.format_exception(type(exc), None, exc.__traceback__))
            state = await self.queue.fail(job, f"{type(exc).__name__}\n{detail}")
            log.warning("job %s (%s) failed on attempt %s -> %s", job.id, job.kind, job.attempts, state.value)
            return
        if not await self.queue.complete(job):
            log.warning("job %s (%s) finished after its lease was lost", job.id, job.kind)
