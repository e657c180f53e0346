"""The durable queue: retries, dead letters, crashed workers, and two concurrent workers."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from portal.container import Container
from portal.db import create_engine, session_factory
from portal.jobs import JobQueue, Worker, enqueue
from portal.models import Job, JobState, utcnow


async def _enqueue_many(container: Container, count: int, kind: str = "work") -> None:
    async with container.sessions.begin() as session:
        for number in range(count):
            await enqueue(session, kind, {"n": number})


async def _states(container: Container) -> Counter[str]:
    async with container.sessions() as session:
        return Counter(s.value for s in (await session.scalars(sa.select(Job.state))).all())


async def test_dedupe_key_makes_one_job(container: Container) -> None:
    async with container.sessions.begin() as session:
        await enqueue(session, "analyse", {"id": 1}, dedupe_key="analyse:1")
        await enqueue(session, "analyse", {"id": 1}, dedupe_key="analyse:1")
    assert await _states(container) == Counter({"queued": 1})


async def test_job_is_not_created_when_the_callers_transaction_fails(container: Container) -> None:
    with pytest.raises(RuntimeError):
        async with container.sessions.begin() as session:
            await enqueue(session, "analyse", {"id": 2})
            raise RuntimeError("intake failed")
    assert await _states(container) == Counter()


async def test_failures_retry_with_backoff_then_dead_letter(container: Container) -> None:
    calls: list[int] = []

    async def flaky(payload: dict[str, Any]) -> None:
        calls.append(payload["n"])
        raise ValueError("peer is down")

    async with container.sessions.begin() as session:
        await enqueue(session, "flaky", {"n": 7}, max_attempts=3)
    worker = Worker(container.queue, {"flaky": flaky})
    for expected_attempt in (1, 2, 3):
        assert await worker.run_once() == 1
        async with container.sessions() as session:
            job = (await session.scalars(sa.select(Job))).one()
        assert job.attempts == expected_attempt
        if expected_attempt < 3:
            assert job.state == JobState.QUEUED
            assert job.run_at > utcnow() + timedelta(seconds=1)  # backoff: not immediately claimable
            assert await worker.run_once() == 0
            async with container.sessions.begin() as session:  # let time pass
                await session.execute(sa.update(Job).values(run_at=utcnow() - timedelta(seconds=1)))
    assert job.state == JobState.DEAD
    assert job.last_error is not None and "ValueError" in job.last_error
    assert calls == [7, 7, 7]
    assert await container.queue.retry_dead(job.id)
    assert await _states(container) == Counter({"queued": 1})


async def test_job_of_a_crashed_worker_is_retried_after_its_lease(container: Container) -> None:
    await _enqueue_many(container, 1)
    crashed = JobQueue(container.sessions, visibility_timeout=timedelta(seconds=30), worker_id="crashed")
    [abandoned] = await crashed.claim()
    survivor = JobQueue(container.sessions, visibility_timeout=timedelta(seconds=30), worker_id="survivor")
    assert await survivor.claim() == []  # the lease still holds

    async with container.sessions.begin() as session:  # the lease runs out
        await session.execute(sa.update(Job).values(locked_until=utcnow() - timedelta(seconds=1)))
    [retried] = await survivor.claim()
    assert retried.id == abandoned.id and retried.attempts == 2
    assert await survivor.complete(retried)
    assert not await crashed.complete(abandoned)  # the late worker cannot complete it a second time
    assert await _states(container) == Counter({"done": 1})


async def test_unknown_kind_goes_to_retry_not_lost(container: Container) -> None:
    await _enqueue_many(container, 1, kind="nobody-handles-this")
    assert await Worker(container.queue, {}).run_once() == 1
    async with container.sessions() as session:
        job = (await session.scalars(sa.select(Job))).one()
    assert job.state == JobState.QUEUED and "no handler" in (job.last_error or "")


async def test_two_concurrent_workers_lose_nothing_and_do_nothing_twice(container: Container) -> None:
    total = 120
    await _enqueue_many(container, total)
    runs: Counter[int] = Counter()
    completions: Counter[int] = Counter()

    def make_worker(name: str) -> tuple[Worker, Any]:
        engine = create_engine(container.settings.database_url)  # a separate pool, as another process has
        queue = JobQueue(session_factory(engine), visibility_timeout=timedelta(minutes=5), worker_id=name)
        original_complete = queue.complete

        async def counting_complete(job: Any) -> bool:
            done = await original_complete(job)
            if done:
                completions[job.payload["n"]] += 1
            return done

        queue.complete = counting_complete  # type: ignore[method-assign]

        async def handle(payload: dict[str, Any]) -> None:
            runs[payload["n"]] += 1
            await asyncio.sleep(0)

        return Worker(queue, {"work": handle}, batch=3), engine

    (first, engine_a), (second, engine_b) = make_worker("worker-a"), make_worker("worker-b")
    try:
        done = await asyncio.gather(first.run_until_idle(), second.run_until_idle())
    finally:
        await engine_a.dispose()
        await engine_b.dispose()
    assert sum(done) == total
    assert set(runs) == set(range(total)) and max(runs.values()) == 1
    assert set(completions) == set(range(total)) and max(completions.values()) == 1
    assert await _states(container) == Counter({"done": total})


def _impatient_sqlite(container: Container, busy_ms: int) -> tuple[sa.engine.URL, AsyncEngine]:
    """The test database's URL and an engine that gives up on SQLite's write lock after `busy_ms` instead of
    30 s, so a claim fails while another connection holds the lock."""
    url = sa.engine.make_url(container.settings.database_url)
    if url.get_backend_name() != "sqlite":
        pytest.skip("the write lock of one database file is SQLite's")
    engine = create_engine(str(url))
    sa.event.listen(
        engine.sync_engine, "connect", lambda dbapi, _: dbapi.execute(f"PRAGMA busy_timeout={busy_ms}")
    )
    return url, engine


async def test_a_one_shot_worker_waits_out_a_locked_database_instead_of_stopping(
    container: Container,
) -> None:
    url, engine = _impatient_sqlite(container, busy_ms=200)
    await _enqueue_many(container, 3)
    ran: list[int] = []

    async def handle(payload: dict[str, Any]) -> None:
        ran.append(payload["n"])

    worker = Worker(JobQueue(session_factory(engine)), {"work": handle}, poll_seconds=0.3)
    holder = sqlite3.connect(str(url.database), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's long write transaction
    try:
        running = asyncio.create_task(worker.run_until_idle())
        await asyncio.sleep(0.5)  # the first claim has failed by now
        assert not running.done() and ran == []
        holder.execute("ROLLBACK")
        assert await asyncio.wait_for(running, timeout=30) == 3
    finally:
        holder.close()
        await engine.dispose()
    assert sorted(ran) == [0, 1, 2]
    assert await _states(container) == Counter({"done": 3})


async def test_a_one_shot_worker_gives_up_when_the_database_stays_locked(container: Container) -> None:
    url, engine = _impatient_sqlite(container, busy_ms=50)
    await _enqueue_many(container, 1)
    worker = Worker(
        JobQueue(session_factory(engine)), {"work": lambda _: asyncio.sleep(0)}, poll_seconds=0.05
    )
    holder = sqlite3.connect(str(url.database), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OperationalError, match="locked"):
            await worker.run_until_idle(claim_retries=2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        await engine.dispose()
    assert await _states(container) == Counter({"queued": 1})


async def test_a_job_whose_outcome_cannot_be_recorded_does_not_hold_up_the_rest_of_its_batch(
    container: Container,
) -> None:
    await _enqueue_many(container, 3)
    queue = JobQueue(container.sessions, visibility_timeout=timedelta(minutes=5))
    original_complete = queue.complete
    failures = iter([True])

    async def complete_failing_once(job: Any) -> bool:
        if next(failures, False):
            raise OperationalError("UPDATE jobs …", {}, Exception("database is locked"))
        return await original_complete(job)

    queue.complete = complete_failing_once  # type: ignore[method-assign]
    ran: list[int] = []

    async def handle(payload: dict[str, Any]) -> None:
        ran.append(payload["n"])

    assert await Worker(queue, {"work": handle}, batch=3).run_once() == 3
    assert sorted(ran) == [0, 1, 2]
    # the first job stays leased and runs again later (at least once); the other two are done
    assert await _states(container) == Counter({"done": 2, "running": 1})
