"""Filing a complaint from a channel: `portal.intake.submit_complaint` behind a small per-process gate.

Letters and bot updates can arrive by the hundred at once; on SQLite every intake takes the one write
lock, and unbounded concurrent intakes only make waiters time out ("database is locked"). Two intakes at a
time keep the database busy without a queue of stalled writers.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from portal.intake import ComplaintInput, IntakeResult, submit_complaint
from portal.settings import Settings

CONCURRENT_INTAKES = 2
_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def _gate() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    gate = _gates.get(loop)
    if gate is None:
        gate = _gates[loop] = asyncio.Semaphore(CONCURRENT_INTAKES)
    return gate


@dataclass(frozen=True)
class Uploads:
    """Where a channel's attachments go and how many, how large, it accepts."""

    directory: Path
    max_files: int
    max_bytes: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Uploads:
        return cls(settings.uploads_path, settings.upload_max_files, settings.upload_max_bytes)


async def file_complaint(
    sessions: async_sessionmaker[AsyncSession], data: ComplaintInput, uploads: Uploads
) -> IntakeResult:
    async with _gate():
        return await submit_complaint(
            sessions,
            data,
            upload_dir=uploads.directory,
            max_attachments=uploads.max_files,
            max_bytes=uploads.max_bytes,
        )
