"""What an operator checks first: how much of everything there is, and in which state."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from portal.models import Case, Complaint, Inspection, Inspector, Job, Problem, Region


async def _count(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


async def _count_by(session: AsyncSession, column: Any) -> dict[str, int]:
    rows = (await session.execute(sa.select(column, sa.func.count()).group_by(column))).all()
    return {str(getattr(key, "value", key)): int(count) for key, count in rows}


async def collect_stats(session: AsyncSession) -> dict[str, Any]:
    return {
        "regions": await _count(session, Region),
        "inspections": await _count(session, Inspection),
        "inspectors": await _count(session, Inspector),
        "complaints": {
            "total": await _count(session, Complaint),
            "by_channel": await _count_by(session, Complaint.channel),
            "by_status": await _count_by(session, Complaint.status),
        },
        "problems": await _count(session, Problem),
        "cases": {"total": await _count(session, Case), "by_status": await _count_by(session, Case.status)},
        "jobs": await _count_by(session, Job.state),
    }
