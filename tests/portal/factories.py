"""Builders of complaints and cases in given states, through the real services."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal import audit
from portal.container import Container
from portal.intake import ComplaintInput, submit_complaint
from portal.models import Case, Channel, Complaint, Problem
from portal.routing_service import route_complaint
from portal.states import ComplaintStatus

TEXT = (
    "Работодатель не платит зарплату уже два месяца, и на работе постоянно заставляют работать по выходным."
)


async def analysed(
    container: Container,
    problems: list[tuple[str, str]],
    facts: dict[str, Any] | None = None,
    *,
    region: str | None = None,
    employer: str | None = None,
    inn: str | None = None,
    urgent: bool = False,
) -> int:
    """A registered complaint with problems, as the analysis job would leave it."""
    result = await submit_complaint(
        container.sessions,
        ComplaintInput(
            text=TEXT,
            channel=Channel.WEB,
            consent=True,
            contact_email="w@example.org",
            region=region,
            employer_name=employer,
            employer_inn=inn,
        ),
        upload_dir=container.settings.uploads_path,
    )
    async with container.sessions.begin() as session:
        complaint = await session.get(Complaint, result.complaint_id)
        assert complaint is not None
        for position, (category, text) in enumerate(problems):
            session.add(
                Problem(
                    complaint_id=complaint.id,
                    position=position,
                    start=0,
                    end=len(text),
                    text=text,
                    category=category,
                    confidence=0.9,
                )
            )
        complaint.facts = facts or {}
        complaint.urgent = urgent
        await audit.set_complaint_status(session, complaint, ComplaintStatus.ANALYSED, audit.SYSTEM)
    return result.complaint_id


async def route(container: Container, complaint_id: int, sessions: Any = None) -> ComplaintStatus:
    async with (sessions or container.sessions).begin() as session:
        complaint = await session.scalar(
            sa.select(Complaint).where(Complaint.id == complaint_id).options(selectinload(Complaint.problems))
        )
        assert complaint is not None
        return (await route_complaint(session, complaint)).complaint_status


async def cases(container: Container) -> list[Case]:
    async with container.sessions() as session:
        return list((await session.scalars(sa.select(Case).order_by(Case.id))).all())
