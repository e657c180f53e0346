"""Filing a complaint from a channel: `portal.intake.submit_complaint` behind a small per-process gate.

Intake hashes the access code with Argon2 (~0.1–0.3 s of CPU) on the event loop. With many letters and
updates at once, those stalls pile up while other coroutines hold SQLite's write lock, until waiters time
out ("database is locked"). Two intakes at a time keep the database busy without stalling the loop.
"""

from __future__ import annotations

import asyncio
import weakref
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from portal.intake import ComplaintInput, IntakeResult, submit_complaint

CONCURRENT_INTAKES = 2
_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def _gate() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    gate = _gates.get(loop)
    if gate is None:
        gate = _gates[loop] = asyncio.Semaphore(CONCURRENT_INTAKES)
    return gate


async def file_complaint(
    sessions: async_sessionmaker[AsyncSession],
    data: ComplaintInput,
    *,
    upload_dir: Path,
    max_attachments: int,
    max_bytes: int,
) -> IntakeResult:
    async with _gate():
        return await submit_complaint(
            sessions, data, upload_dir=upload_dir, max_attachments=max_attachments, max_bytes=max_bytes
        )
