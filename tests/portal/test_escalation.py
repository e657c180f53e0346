"""The scheduled deadline check: reminders before, escalations after, each once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from portal.container import PERIODIC_JOBS, Container
from portal.escalation_service import check_deadlines
from portal.jobs import schedule_periodic
from portal.models import Case, CaseEvent, Job, Outbox
from routing.calendar import load_calendar
from tests.portal.factories import analysed, route


async def one_case(container: Container, answer_due: date) -> int:
    complaint_id = await analysed(
        container, [("leave", "отпуск не дают")], {"region": "Волгоградская область"}, employer="ООО Север"
    )
    await route(container, complaint_id)
    async with container.sessions.begin() as session:
        case = (await session.scalars(sa.select(Case))).one()
        case.answer_due = answer_due
        case.interim_answer_due = None
        return case.id


async def test_reminder_before_the_term_is_sent_once(container: Container) -> None:
    calendar = load_calendar("Волгоградская область")
    today = date(2026, 3, 2)
    due = calendar.add_working_days(today, 2)
    await one_case(container, due)
    for _ in range(3):
        async with container.sessions.begin() as session:
            summary = await check_deadlines(session, today)
    async with container.sessions() as session:
        events = (await session.scalars(sa.select(CaseEvent).where(CaseEvent.kind == "reminder"))).all()
        outbox = (await session.scalars(sa.select(Outbox).where(Outbox.template == "reminder"))).all()
    assert summary.reminders == 0  # the third run found it done
    assert len(events) == 1 and events[0].data["deadline"] == due.isoformat()
    assert len(outbox) == 1 and outbox[0].recipient.startswith("insp-34-")


async def test_nothing_far_from_the_term(container: Container) -> None:
    await one_case(container, date(2026, 3, 30))
    async with container.sessions.begin() as session:
        summary = await check_deadlines(session, date(2026, 3, 2))
    assert (summary.reminders, summary.escalations) == (0, 0)


async def test_overdue_case_is_escalated_to_the_supervisor(container: Container) -> None:
    await one_case(container, date(2026, 3, 2))
    async with container.sessions.begin() as session:
        summary = await check_deadlines(session, date(2026, 3, 3))
    async with container.sessions() as session:
        outbox = (await session.scalars(sa.select(Outbox).where(Outbox.template == "escalation"))).all()
    assert summary.escalations == 1
    assert [o.recipient for o in outbox] == ["sup-34@trudnadzor.local"]
    assert "пропущен срок" in outbox[0].context["message"]


async def test_periodic_job_is_enqueued_once_per_slot(container: Container) -> None:
    for _ in range(3):
        await schedule_periodic(container.sessions, PERIODIC_JOBS)
    async with container.sessions() as session:
        kinds = (await session.scalars(sa.select(Job.kind))).all()
    assert kinds == ["deadline_check"]
    hourly = PERIODIC_JOBS[0]
    ten = datetime(2026, 1, 1, 10, 5, tzinfo=UTC)
    assert hourly.slot_key(ten) == hourly.slot_key(ten + timedelta(minutes=50))
    assert hourly.slot_key(ten) != hourly.slot_key(ten + timedelta(hours=1))
