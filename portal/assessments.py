"""Employer self-checks: score the answers and keep the result in the employer account's history."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from portal.models import Assessment, Role, User
from portal.selfcheck import Checklist, assess, load_checklists


class UnknownChecklist(LookupError):
    """No checklist with this id; the message is Russian."""


def get_checklist(checklist_id: str) -> Checklist:
    checklist = load_checklists().get(checklist_id)
    if checklist is None:
        raise UnknownChecklist(f"Чек-лист «{checklist_id[:64]}» не найден.")
    return checklist


async def run_assessment(
    session: AsyncSession, user_id: int | None, checklist_id: str, answers: Mapping[str, str]
) -> tuple[Assessment | None, dict[str, Any]]:
    """Score the answers; store them when an employer account is signed in (anonymous checks are not kept).

    Raises UnknownChecklist, or ValueError with a Russian and English message for bad answers.
    """
    result = assess(get_checklist(checklist_id), answers).to_dict()
    if user_id is None:
        return None, result
    user = await session.get(User, user_id)
    if user is None or user.role != Role.EMPLOYER:
        return None, result
    assessment = Assessment(
        checklist_id=checklist_id,
        user_id=user_id,
        answers=dict(answers),
        result=result,
        compliance=result.get("compliance"),
    )
    session.add(assessment)
    await session.flush()
    return assessment, result


async def history(session: AsyncSession, user_id: int) -> list[Assessment]:
    return list(
        (
            await session.scalars(
                sa.select(Assessment)
                .where(Assessment.user_id == user_id)
                .order_by(Assessment.created_at.desc())
            )
        ).all()
    )
