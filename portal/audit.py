"""Status changes with their audit record: the only way services change a complaint's or case's status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from portal.models import Case, CaseEvent, Complaint, utcnow
from portal.states import CaseStatus, ComplaintStatus

SYSTEM = "system"
CITIZEN = "citizen"


def actor_for_user(user_id: int) -> str:
    return f"user:{user_id}"


def event_values(
    kind: str,
    actor: str,
    *,
    complaint_id: int | None = None,
    case_id: int | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    created_at: datetime | None = None,
    **data: Any,
) -> dict[str, Any]:
    """The columns of one audit record: what `record` adds, and what bulk writers (intake) insert as rows."""
    return {
        "kind": kind,
        "actor": actor,
        "complaint_id": complaint_id,
        "case_id": case_id,
        "from_status": from_status,
        "to_status": to_status,
        "data": data,
        "created_at": created_at or utcnow(),
    }


async def record(
    session: AsyncSession,
    kind: str,
    actor: str,
    *,
    complaint: Complaint | None = None,
    case: Case | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    **data: Any,
) -> CaseEvent:
    if complaint is not None and complaint.id is None or case is not None and case.id is None:
        await session.flush()  # the event needs the ids
    event = CaseEvent(
        **event_values(
            kind,
            actor,
            complaint_id=complaint.id if complaint is not None else None,
            case_id=case.id if case is not None else None,
            from_status=from_status,
            to_status=to_status,
            **data,
        )
    )
    session.add(event)
    return event


async def set_complaint_status(
    session: AsyncSession, complaint: Complaint, target: ComplaintStatus, actor: str, **data: Any
) -> None:
    previous = complaint.status
    complaint.status = target  # the mapped validator enforces the state machine
    await record(
        session,
        "status",
        actor,
        complaint=complaint,
        from_status=previous.value,
        to_status=target.value,
        **data,
    )


async def set_case_status(
    session: AsyncSession, case: Case, target: CaseStatus, actor: str, **data: Any
) -> None:
    previous = case.status
    case.status = target
    await record(
        session, "status", actor, case=case, from_status=previous.value, to_status=target.value, **data
    )
