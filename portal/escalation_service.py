"""Scheduled deadline job: remind inspectors before a term ends, escalate to supervisors after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from portal import audit
from portal.jobs import enqueue
from portal.models import Case, CaseEvent, Channel, Inspector, Outbox, Region, Role, User
from portal.states import CaseStatus
from routing.escalation import CaseDeadlines, plan_actions

ESCALATION_JOB = "deadline_check"
ACTIVE = (CaseStatus.NEW, CaseStatus.IN_PROGRESS, CaseStatus.AWAITING_INFO)


@dataclass(frozen=True)
class EscalationSummary:
    reminders: int
    escalations: int


async def _recipients(session: AsyncSession, case: Case, recipient: str) -> list[User]:
    if recipient == "inspector" and case.inspector_id is not None:
        inspector = await session.get(Inspector, case.inspector_id)
        user = await session.get(User, inspector.user_id) if inspector else None
        return [user] if user is not None else []
    return list(
        (
            await session.scalars(
                sa.select(User).where(User.role == Role.SUPERVISOR, User.inspection_id == case.inspection_id)
            )
        ).all()
    )


async def check_deadlines(session: AsyncSession, today: date) -> EscalationSummary:
    """Remind and escalate what is due today; running it again the same day adds nothing."""
    rows = (
        await session.execute(sa.select(Case, Region.name).outerjoin(Region).where(Case.status.in_(ACTIVE)))
    ).all()
    if not rows:
        return EscalationSummary(0, 0)
    by_id = {case.id: case for case, _ in rows}
    events = (
        await session.execute(
            sa.select(CaseEvent.case_id, CaseEvent.kind, CaseEvent.data).where(
                CaseEvent.case_id.in_(by_id), CaseEvent.kind.in_(("reminder", "escalation", "interim_answer"))
            )
        )
    ).all()
    done_keys = {data.get("key") for _, kind, data in events if kind in ("reminder", "escalation")}
    interim_given = {case_id for case_id, kind, _ in events if kind == "interim_answer"}
    plans = [
        CaseDeadlines(
            case_id=case.id,
            deadlines={
                kind: due
                for kind, due in (
                    ("answer_due", case.answer_due),
                    ("extended_answer_due", case.extended_answer_due),
                    ("interim_answer_due", case.interim_answer_due),
                )
                if due is not None
            },
            done=frozenset({"interim_answer_due"}) if case.id in interim_given else frozenset(),
            inspector_id=case.inspector_id,
            region=region,
            number=case.number,
        )
        for case, region in rows
    ]
    reminders = escalations = 0
    for action in plan_actions(plans, today, already_done={k for k in done_keys if k}):
        case = by_id[action.case_id]
        kind = "reminder" if action.kind == "remind" else "escalation"
        await audit.record(
            session,
            kind,
            audit.SYSTEM,
            case=case,
            key=action.key,
            deadline=action.deadline.isoformat(),
            deadline_kind=action.deadline_kind,
            message=action.message_ru,
        )
        for user in await _recipients(session, case, action.recipient):
            if not user.email:
                continue
            outbox = Outbox(
                idempotency_key=f"{action.key}:{user.id}",
                channel=Channel.EMAIL,
                recipient=user.email,
                template=kind,
                context={"message": action.message_ru, "case_number": case.number, "case_id": case.id},
                case_id=case.id,
            )
            session.add(outbox)
            await session.flush()
            await enqueue(
                session, "deliver_notification", {"outbox_id": outbox.id}, dedupe_key=f"notify:{outbox.id}"
            )
        if action.kind == "remind":
            reminders += 1
        else:
            escalations += 1
    return EscalationSummary(reminders, escalations)
